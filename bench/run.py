"""Run the benchmark: build, tokenisation limit, query latency (in-process and HTTP), add one issue.

    python -m bench.run [--corpora xinwen,gen10k] [--large] [--quick] [--repeat N]

Writes bench/results/<timestamp>.json, prints a table and (unless --quick)
updates the results table in bench/README.md. `python -m bench.growth
results/*.json` makes the growth table (1k / 10k / 100k issues) from such files.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path
from typing import Any, Callable, Sequence

from bench import generate, naive, report
from bench.http import bench_http
from bench.measure import ChildRun, dir_size, latency_summary, machine, run_child, spread
from bench.queries import QUERIES, QUICK_QUERIES, BenchQuery
from bench.tokenise import bench_tokenise

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
XINWEN = ROOT.parent / "shared" / "corpora" / "xinwen-lianbo"
GENERATED = {"quick": 30, "gen1k": 1_000, "gen10k": 10_000, "gen30k": 30_000, "gen100k": 100_000}


# ---------------------------------------------------------------- corpora

def prepare_corpus(name: str, results: Path, seed: int) -> tuple[Path | None, dict[str, Any]]:
    """The corpus directory and its description; generated corpora are cached by size and seed."""
    if name == "xinwen":
        if not XINWEN.is_dir():
            return None, {"skipped": f"{XINWEN} is absent"}
        files = [p for p in XINWEN.iterdir() if p.suffix == ".md"]
        return XINWEN, {"path": str(XINWEN), "files": len(files), "bytes": sum(p.stat().st_size for p in files)}
    if name not in GENERATED:
        return None, {"skipped": f"unknown corpus {name!r}"}
    n = GENERATED[name]
    out = results / "corpora" / f"gen-{n}-s{seed}"
    stamp = out / ".complete.json"
    if not stamp.exists():
        if out.exists():
            shutil.rmtree(out)
        st = generate.generate_corpus(n, seed, out)
        stamp.write_text(json.dumps({"issues": st.issues, "articles": st.articles, "bytes": st.bytes,
                                     "generate_seconds": st.seconds}))
    info = json.loads(stamp.read_text())
    info["path"] = str(out)
    info["files"] = info["issues"]
    return out, info


# ---------------------------------------------------------------- builds

def _failure(run: ChildRun) -> dict[str, Any]:
    lines = [ln.strip() for ln in (run.stderr or run.stdout).splitlines() if ln.strip()]
    errors = [ln for ln in lines if "Error" in ln]
    reason = (errors or lines or [f"exit {run.returncode}"])[-1]
    key = "skipped" if "not built yet" in reason or "No such option" in reason or "No such command" in reason \
        else "failed"
    return {key: reason, "argv": run.argv, "returncode": run.returncode}


def build_many(make_argv: Callable[[], list[str]], index_dir: Path, repeat: int, nbytes: int,
               articles: int, reuse: bool = False) -> dict[str, Any]:
    """Build `repeat` times from scratch in child processes; wall time, docs/s, MB/s, peak RSS, size."""
    if reuse and index_dir.is_dir() and any(index_dir.iterdir()):
        return {"reused": "existing index, build not measured in this run", "index_mb": dir_size(index_dir) / 1e6}
    runs: list[ChildRun] = []
    for _ in range(repeat):
        if index_dir.exists():
            shutil.rmtree(index_dir)
        index_dir.parent.mkdir(parents=True, exist_ok=True)
        run = run_child(make_argv())
        # `bulletins index` exits 1 when it rejected some files but indexed the others
        built = index_dir.is_dir() and any(index_dir.iterdir())
        if run.returncode != 0 and not (run.returncode == 1 and built):
            return _failure(run)
        runs.append(run)
    secs = [r.seconds for r in runs]
    return {
        "wall_s": spread(secs),
        "docs_per_s": articles / min(secs) if articles else None,
        "mb_per_s": nbytes / 1e6 / min(secs),
        "peak_rss_mb": spread([r.max_rss_mb for r in runs]),
        "tree_rss_mb": spread([r.tree_rss_mb for r in runs]),
        "cpu_s": spread([r.cpu_s for r in runs]),
        "index_mb": dir_size(index_dir) / 1e6,
        "argv": runs[-1].argv,
        "returncode": runs[-1].returncode,
        "stdout_tail": runs[-1].stdout[-1500:],
    }


# ---------------------------------------------------------------- queries

def _hit_count(res: dict[str, Any]) -> int:
    """Total hits of the project's result dict."""
    return int(res["total"])


def project_searcher(index_dir: Path) -> tuple[Callable[[BenchQuery], Any] | None, str | None, Any]:
    """A function running one query through `indexer.search.engine.search`, or the reason it cannot."""
    try:
        from indexer.search import engine as S
        from indexer.store.handles import IndexHandle
        handle = IndexHandle(index_dir)
        S.Filters  # noqa: B018 - fail now if absent
    except Exception as e:  # the module is being written: report why, do not crash
        return None, f"indexer.search.engine unavailable: {type(e).__name__}: {e}", None

    def one(q: BenchQuery) -> Any:
        kw: dict[str, Any] = {"page": q.page}
        if q.sort:
            kw["sort"] = q.sort
        return S.search(handle, q.q, S.Filters(**q.filters_kwargs()), **kw)

    return one, None, handle


def bench_project_queries(index_dir: Path, queries: Sequence[BenchQuery], repeat: int) -> dict[str, Any]:
    one, reason, handle = project_searcher(index_dir)
    if one is None:
        return {"skipped": reason}
    per: dict[str, Any] = {}
    allsecs: list[float] = []
    errors: dict[str, str] = {}
    try:
        for q in queries:
            try:
                res = one(q)  # warm-up
                secs = []
                for _ in range(repeat):
                    t0 = time.perf_counter()
                    one(q)
                    secs.append(time.perf_counter() - t0)
            except Exception as e:
                errors[q.name] = f"{type(e).__name__}: {e}"[:300]
                continue
            allsecs += secs
            per[q.name] = {"hits": _hit_count(res), **latency_summary(secs)}
    finally:
        close = getattr(handle, "close", None)
        if close:
            close()
    if not allsecs:
        return {"skipped": "every query failed", "errors": errors}
    return {"latency": latency_summary(allsecs), "per_query": per, "errors": errors}


def bench_naive_queries(index_dir: Path, queries: Sequence[BenchQuery], repeat: int) -> dict[str, Any]:
    res = naive.query(index_dir, queries, repeat)
    allsecs = [s for r in res for s in r.seconds]
    return {"latency": latency_summary(allsecs),
            "per_query": {r.name: {"hits": r.hits, **latency_summary(r.seconds)} for r in res}}


# ---------------------------------------------------------------- add one issue

def bench_add(corpus_dir: Path, index_dir: Path, work: Path, repeat_timeout: float = 60.0) -> dict[str, Any]:
    """`bulletins add FILE` on the built index: wall time, then time until the new issue is found."""
    name, text = generate.extra_issue()
    extra = work / "extra" / name
    extra.parent.mkdir(parents=True, exist_ok=True)
    extra.write_text(text, encoding="utf-8")
    before = set(corpus_dir.iterdir())
    t0 = time.perf_counter()
    run = run_child([str(BIN / "bulletins"), "add", str(extra), "--corpus", str(corpus_dir),
                     "--index", str(index_dir)])
    try:
        if run.returncode != 0:
            return _failure(run)
        out: dict[str, Any] = {"add_wall_s": run.seconds, "peak_rss_mb": run.max_rss_mb}
        q = BenchQuery("added issue", generate.ADD_NAME)
        found = None
        while time.perf_counter() - t0 < run.seconds + repeat_timeout:
            one, reason, handle = project_searcher(index_dir)
            if one is None:
                out["searchable"] = f"not checked: {reason}"
                return out
            try:
                hits = _hit_count(one(q))
            finally:
                handle.close()
            if hits > 0:
                found = time.perf_counter() - t0
                break
            time.sleep(0.2)
        out["until_searchable_s"] = found
        return out
    finally:
        for p in set(corpus_dir.iterdir()) - before:  # keep the cached corpus as generated
            if p.is_file():
                p.unlink()


# ---------------------------------------------------------------- main

def _safe(fn: Callable[..., dict[str, Any]], *a: Any, **kw: Any) -> dict[str, Any]:
    """Run one measurement; a crash is recorded, not allowed to lose the others."""
    try:
        return fn(*a, **kw)
    except Exception as e:
        import traceback

        return {"failed": f"{type(e).__name__}: {e}", "traceback": traceback.format_exc()[-3000:]}


def _built(build: dict[str, Any]) -> bool:
    return "wall_s" in build or "reused" in build


def bench_corpus(name: str, args: argparse.Namespace, results: Path, queries: Sequence[BenchQuery],
                 log: Callable[[str], None]) -> dict[str, Any]:
    corpus, info = prepare_corpus(name, results, args.seed)
    out: dict[str, Any] = {"corpus": info}
    if corpus is None:
        log(f"{name}: skipped ({info['skipped']})")
        return out
    work = results / "work" / name
    nbytes = info["bytes"]
    articles = info.get("articles") or 0

    naive_dir = work / "naive"
    if "naive" in args.designs:
        log(f"{name}: naive build …")
        out["naive_build"] = build_many(
            lambda: [sys.executable, "-m", "bench.naive", "build", str(corpus), str(naive_dir)],
            naive_dir, args.build_repeat, nbytes, articles, args.reuse_index)
    else:
        out["naive_build"] = {"skipped": "--designs without naive"}
    if "argv" in out["naive_build"] and "stdout_tail" in out["naive_build"]:
        try:
            articles = articles or json.loads(out["naive_build"]["stdout_tail"].strip().splitlines()[-1])["articles"]
            out["naive_build"]["docs_per_s"] = articles / out["naive_build"]["wall_s"]["min"]
            info.setdefault("articles", articles)
        except (ValueError, KeyError, IndexError):
            pass

    log(f"{name}: project build …")
    proj_dir = work / "project"
    out["project_build"] = build_many(
        lambda: [str(BIN / "bulletins"), "index", "--rebuild", "--corpus", str(corpus), "--index", str(proj_dir),
                 "--json"],
        proj_dir, args.build_repeat, nbytes, articles, args.reuse_index)
    pb, nb = out["project_build"], out["naive_build"]
    if "wall_s" in pb and "wall_s" in nb:
        out["build_speedup_naive_over_project"] = nb["wall_s"]["median"] / pb["wall_s"]["median"]

    log(f"{name}: tokenisation limit …")
    out["tokenise"] = _safe(bench_tokenise, corpus, 512_000 if args.quick else 4_000_000, args.repeat)

    log(f"{name}: queries …")
    out["naive_query"] = _safe(bench_naive_queries, naive_dir, queries, args.repeat) if _built(nb) \
        else {"skipped": nb.get("skipped") or "naive build failed"}
    if _built(pb):
        out["project_query"] = _safe(bench_project_queries, proj_dir, queries, args.repeat)
        if not args.no_http:
            log(f"{name}: HTTP …")
            out["http"] = _safe(bench_http, BIN / "bulletins", proj_dir, queries,
                                total=100 if args.quick else args.http_queries, log_dir=work)
        else:
            out["http"] = {"skipped": "--no-http"}
        if name != "xinwen":
            log(f"{name}: add one issue …")
            out["add"] = _safe(bench_add, corpus, proj_dir, work)
    else:
        reason = f"project build unavailable: {pb.get('skipped') or pb.get('failed')}"
        out["project_query"] = out["http"] = {"skipped": reason}
        if name != "xinwen":
            out["add"] = {"skipped": reason}
    pq, nq = out["project_query"], out["naive_query"]
    if "latency" in pq and "latency" in nq:
        out["query_p50_ratio_naive_over_project"] = nq["latency"]["p50_ms"] / pq["latency"]["p50_ms"]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    ap.add_argument("--corpora", default="xinwen,gen10k",
                    help="comma-separated: xinwen, gen1k, gen10k, gen100k, quick")
    ap.add_argument("--large", action="store_true", help="also 100,000 generated issues (gen100k)")
    ap.add_argument("--quick", action="store_true", help="smoke test: 30 generated issues, 1 repeat, few queries")
    ap.add_argument("--repeat", type=int, default=3, help="timed repeats of each query and tokenisation")
    ap.add_argument("--build-repeat", type=int, default=1, help="full builds per design and corpus")
    ap.add_argument("--seed", type=int, default=1, help="generator seed")
    ap.add_argument("--results", type=Path, default=ROOT / "bench" / "results")
    ap.add_argument("--designs", default="project,naive",
                    help="comma-separated: project, naive (e.g. --designs project for 100k issues)")
    ap.add_argument("--no-http", action="store_true")
    ap.add_argument("--http-queries", type=int, default=1000, help="requests sent to `bulletins serve`")
    ap.add_argument("--reuse-index", action="store_true",
                    help="keep indexes left in --results/work by an earlier run (builds are then not measured)")
    ap.add_argument("--no-readme", action="store_true", help="do not update bench/README.md")
    args = ap.parse_args(argv)
    args.designs = {d for d in args.designs.split(",") if d}
    if args.quick:
        corpora, args.repeat, args.build_repeat, queries = ["quick"], 1, 1, QUICK_QUERIES
    else:
        corpora = [c for c in args.corpora.split(",") if c]
        if args.large and "gen100k" not in corpora:
            corpora.append("gen100k")
        queries = QUERIES
    args.results.mkdir(parents=True, exist_ok=True)

    def log(msg: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)

    doc: dict[str, Any] = {
        "meta": machine(), "argv": sys.argv[1:] if argv is None else argv, "quick": args.quick,
        "repeat": args.repeat, "build_repeat": args.build_repeat, "seed": args.seed,
        "queries": [q.name for q in queries], "corpora": {},
    }
    path = args.results / f"{time.strftime('%Y%m%d-%H%M%S')}.json"
    for name in corpora:
        doc["corpora"][name] = bench_corpus(name, args, args.results, queries, log)
        # written after every corpus, so an interrupted long run keeps what it measured
        path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    print(report.table(doc))
    print(f"\nresults: {path}")
    if not args.quick and not args.no_readme:
        report.update_readme(ROOT / "bench" / "README.md", doc)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
