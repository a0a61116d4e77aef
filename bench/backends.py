"""The search backends side by side (issue 23): the embedded index, MariaDB + Mroonga on one
server, and two Mroonga shards behind a Spider table, on the same generated corpus and the
same queries (bench.queries).

    python -m bench.backends [--corpora gen10k,gen100k] [--repeat 3] [--http 300]

For each corpus: the embedded build (`bulletins index`, wall time and size), then each
MariaDB layout filled from that index's records (fill time; size of its data folders),
in-process query p50/p95 (indexer.search.engine.search for the embedded index,
indexer.search.backend_search.search for the others, the same dict), the same over HTTP
(`bulletins serve [--backend …]`), and memory (the serving process's RSS; each mariadbd's
RSS). The MariaDB servers are started on loopback ports with their own data folders under
the results folder (tests/mariadb_cluster.py) and stopped by PID. `--fill-compare` also times a
fill row by row against one with the indexes built at its end (`compare_fills`). Writes
bench/results/backends-<timestamp>.json and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any, Callable

from bench.http import bench_http
from bench.measure import dir_size, latency_summary, machine, run_child, vm_rss_mb
from bench.queries import QUERIES, BenchQuery
from bench.run import BIN, ROOT, prepare_corpus

LAYOUTS = ("embedded", "mroonga-1", "spider-2")


def db_size(datadir: Path, db: str) -> int:
    """Bytes on disk (allocated: Mroonga's files are sparse, their length is not their size) of a
    database on one server: its folder and Mroonga's files beside it (`<db>.mrn*`)."""
    files = [p for p in (datadir / db).rglob("*") if p.is_file()] + [p for p in datadir.glob(f"{db}.mrn*") if p.is_file()]
    return sum(p.stat().st_blocks * 512 for p in files)


def _time_queries(run: Callable[[BenchQuery], Any], repeat: int) -> dict[str, Any]:
    for q in QUERIES:  # warm-up, one each
        run(q)
    seconds = []
    totals = {}
    for _ in range(repeat):
        for q in QUERIES:
            t = time.perf_counter()
            res = run(q)
            seconds.append(time.perf_counter() - t)
            totals[q.name] = res["total"]
    return {"latency": latency_summary(seconds), "totals": totals}


def _embedded_runner(index: Path) -> tuple[Callable[[BenchQuery], Any], Callable[[], None]]:
    from indexer.search.engine import Filters, search
    from indexer.store.handles import IndexHandle

    h = IndexHandle(index)
    return (lambda q: search(h, q.q, Filters(**q.filters_kwargs()), sort=q.sort or "relevance", page=q.page)), h.close


def _backend_runner(url: str) -> tuple[Callable[[BenchQuery], Any], Callable[[], None]]:
    from indexer.search.backend_search import search
    from indexer.search.evaluate import Filters
    from indexer.search.mariadb_backend import MariaDBBackend

    b = MariaDBBackend.from_url(url)
    return (lambda q: search(b, q.q, Filters(**q.filters_kwargs()), sort=q.sort or "relevance", page=q.page)), b.close


def build_embedded(corpus: Path, index: Path, reuse: bool = False) -> dict[str, Any]:
    """`bulletins index --rebuild` of `corpus` into `index` in a child process: wall time, peak
    RSS, articles; kept beside the index (`<index>.build.json`) so that `reuse` takes a finished
    build and its figures instead of building again."""
    stamp = index.with_name(index.name + ".build.json")
    if reuse and stamp.exists() and index.is_dir():
        return json.loads(stamp.read_text())
    run = run_child([str(BIN / "bulletins"), "index", "--corpus", str(corpus), "--index", str(index), "--rebuild",
                     "--json"], timeout=7200)
    if run.returncode != 0:
        raise SystemExit(f"the embedded build of {corpus} failed: {(run.stderr or run.stdout)[-500:]}")
    built = {"seconds": run.seconds, "max_rss_mb": run.max_rss_mb, "at": time.strftime("%Y-%m-%d %H:%M:%S"),
             "articles": json.loads(run.stdout.strip().splitlines()[-1])["articles"]}
    stamp.write_text(json.dumps(built))
    return built


def bench_corpus(name: str, args: argparse.Namespace, results: Path,
                 saved: Callable[[dict[str, Any]], None] = lambda out: None) -> dict[str, Any]:
    from indexer.search.backend import EmbeddedBackend
    from indexer.search.mariadb_backend import MariaDBBackend, fill_from
    from tests import mariadb_cluster as mc

    corpus, info = prepare_corpus(name, results, args.seed)
    if corpus is None:
        return {"corpus": info}
    out: dict[str, Any] = {"corpus": info, "layouts": {}}
    index = results / "indexes" / f"backends-{name}"
    built = build_embedded(corpus, index, args.reuse)
    out["articles"] = built["articles"]
    out["layouts"]["embedded"] = lay = {"load_s": built["seconds"], "load_rss_mb": built["max_rss_mb"],
                                         "size_mb": dir_size(index) / 1e6, "built_at": built["at"]}
    if not args.load_only:
        q, close = _embedded_runner(index)
        lay["query"] = _time_queries(q, args.repeat)
        close()
        lay["http"] = bench_http(BIN / "bulletins", index, QUERIES, total=args.http)
    saved(out)
    why = mc.missing()
    if why:
        out["skipped"] = why
        return out
    data = results / "mariadb" / name
    import shutil

    if not args.keep_data:
        shutil.rmtree(data, ignore_errors=True)
    with mc.cluster(data, shards=2) as c:
        urls = {"mroonga-1": c.head.url.replace(f"/{mc.DATABASE}", "/single"), "spider-2": c.url}
        for layout, url in urls.items():
            if layout not in args.layouts:
                continue
            emb = EmbeddedBackend(index)
            b = MariaDBBackend.from_url(url)
            t = time.perf_counter()
            written, _ = fill_from(emb, b, replace=not args.keep_data)  # kept: brought in step (and up to date)
            load = time.perf_counter() - t
            b.close()
            emb.close()
            nodes = [(c.head, "single")] if layout == "mroonga-1" else [(s, mc.DATABASE) for s in c.shards]
            per_node = [db_size(s.folder / "data", db) / 1e6 for s, db in nodes]
            lay = out["layouts"][layout] = {"load_s": load, "written": written, "size_mb": sum(per_node),
                                            "per_node_mb": per_node, "kept_data": args.keep_data}
            lay["mariadbd_rss_mb"] = {s.folder.name: vm_rss_mb(s.pid) for s in c.servers() if s.pid}
            if args.fill_compare and layout == "mroonga-1":
                lay["fill_compare"] = compare_fills(index, c.head.url)
            if args.load_only:
                saved(out)
                continue
            q, close = _backend_runner(url)
            lay["query"] = _time_queries(q, args.repeat)
            close()
            lay["http"] = bench_http(BIN / "bulletins", index, QUERIES, total=args.http, extra=["--backend", url])
            lay["mariadbd_rss_mb"] = {s.folder.name: vm_rss_mb(s.pid) for s in c.servers() if s.pid}
            mine = out["layouts"]["embedded"].get("query", {}).get("totals", {})
            differ = {k: (v, mine.get(k)) for k, v in lay["query"]["totals"].items() if v != mine.get(k)}
            lay["totals_differ_from_embedded"] = differ
            saved(out)
    return out


def compare_fills(index: Path, head_url: str) -> dict[str, Any]:
    """A fill of fresh databases on one server from the embedded index, row by row (the indexes
    updated by each INSERT) and then in bulk (indexes disabled, built at the end: BULK_FILL_MIN):
    seconds and articles a second of each, back to back on the same server."""
    from indexer.search import mariadb_backend as mb
    from indexer.search.backend import EmbeddedBackend

    out: dict[str, Any] = {}
    keep = mb.BULK_FILL_MIN
    try:
        for name, minimum in (("rows", 10**12), ("bulk", 0)):
            mb.BULK_FILL_MIN = minimum
            emb = EmbeddedBackend(index)
            b = mb.MariaDBBackend.from_url(head_url.rsplit("/", 1)[0] + f"/fill_{name}")
            t = time.perf_counter()
            written, _ = mb.fill_from(emb, b, replace=True)
            seconds = time.perf_counter() - t
            out[name] = {"seconds": seconds, "articles": written, "per_s": written / seconds,
                         "count": b.count(None), "load": list(os.getloadavg())}
            print(f"fill {name}: {written} articles in {seconds:.1f} s ({written / seconds:.1f}/s)", flush=True)
            b.close()
            emb.close()
    finally:
        mb.BULK_FILL_MIN = keep
    return out


def table(res: dict[str, Any]) -> str:
    head = ["corpus", "articles", "layout", "load s", "size MB", "q p50 / p95 ms", "HTTP p50 / p95 ms",
            "serve RSS MB", "mariadbd RSS MB", "totals ≠ embedded"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, r in res["corpora"].items():
        for layout, lay in r.get("layouts", {}).items():
            ql, hl = lay.get("query", {}).get("latency", {}), lay.get("http", {}).get("latency", {})
            rss = lay.get("http", {}).get("rss_mb_after")
            maria = lay.get("mariadbd_rss_mb")
            lines.append("| " + " | ".join([
                name, str(r.get("articles")), layout, f"{lay['load_s']:.1f}{' (kept)' if lay.get('kept_data') else ''}", f"{lay['size_mb']:.0f}",
                f"{ql.get('p50_ms', float('nan')):.0f} / {ql.get('p95_ms', float('nan')):.0f}",
                f"{hl.get('p50_ms', float('nan')):.0f} / {hl.get('p95_ms', float('nan')):.0f}",
                f"{rss:.0f}" if rss else "—",
                " + ".join(f"{v:.0f}" for v in maria.values()) if maria else "—",
                str(len(lay.get("totals_differ_from_embedded", {}))) if layout != "embedded" else "—",
            ]) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpora", default="gen10k", help="comma-separated: gen1k, gen10k, gen100k, quick")
    ap.add_argument("--repeat", type=int, default=3, help="in-process passes over the queries")
    ap.add_argument("--http", type=int, default=300, help="HTTP requests per layout")
    ap.add_argument("--seed", type=int, default=1, help="generator seed (bench.run's)")
    ap.add_argument("--layouts", default=",".join(LAYOUTS[1:]), type=lambda v: tuple(v.split(",")),
                    help="the MariaDB layouts to measure: mroonga-1, spider-2")
    ap.add_argument("--reuse", action="store_true",
                    help="take an embedded index this command built before (and its build figures)")
    ap.add_argument("--keep-data", action="store_true",
                    help="take the MariaDB data folders a run left under --results, brought in step with the "
                         "embedded index (their schema too), instead of filling them anew")
    ap.add_argument("--load-only", action="store_true",
                    help="build and fill only (time, size, memory), no queries: a large corpus loaded "
                         "niced in the background, measured by a later run with --reuse --keep-data")
    ap.add_argument("--fill-compare", action="store_true",
                    help="also fill two fresh databases on the one-server layout's server, row by row "
                         "and with the indexes built at the end (BULK_FILL_MIN), and time each")
    ap.add_argument("--results", type=Path, default=ROOT / "bench" / "results",
                    help="where the corpora, indexes, MariaDB data folders and the JSON go (e.g. under /tmp)")
    args = ap.parse_args(argv)
    results = args.results
    results.mkdir(parents=True, exist_ok=True)
    res: dict[str, Any] = {"machine": machine(), "argv": sys.argv, "corpora": {}}
    path = results / f"backends-{time.strftime('%Y%m%d-%H%M%S')}.json"

    def save() -> None:  # after each layout: a run cut short keeps what it measured
        res["load_average"] = res.get("load_average", []) + [list(os.getloadavg())]
        path.write_text(json.dumps(res, ensure_ascii=False, indent=1, default=str))

    for name in args.corpora.split(","):
        name = name.strip()
        res["corpora"][name] = bench_corpus(name, args, results,
                                            lambda out, name=name: (res["corpora"].__setitem__(name, out), save()))
    save()
    print(table(res))
    print(f"written {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
