"""CPU time of `indexer.search.engine.search` over bench/queries.py's queries on a built index.

    python -m bench.querycpu INDEX [--repeat 3] [--profile]
    python -m bench.querycpu INDEX --kinds CORPUS [--files 300] [--per-kind 20] [--repeat 3]
                              [--part dev|eval|both] [--results FILE]

CPU time (`time.process_time`) instead of wall time, so that a machine shared
with other work still gives comparable figures; the first query of the process
(opening the index version) is reported apart. `--profile` prints a
pyinstrument profile of the timed queries instead.

With `--kinds CORPUS` (the folder the index was built from), the queries are
bench/querysets.py's cases of every kind instead, drawn (seed 1) from the first
`--files` files of CORPUS in name order: CPU per query p50 / p95 / max per kind
(issue 24: every kind's p95 within 20 ms at gen10k); a kind with queries that ran out of
their CPU budget (indexer.search.budget) says how many. `--part` keeps the cases of
one half of the issues (bench.querysets.part_of: tune on dev, time eval when a
change is done). `--results FILE` writes what each query found (its total, the ids
of its first 20 hits, its stage) as JSON lines, one per query (the standard
queries too), so that a change made for speed can be shown to find the same.
`--cold` (with `--part dev|eval`) warms up on the other part's cases and times
each case once: the cost of a query searched for the first time in a running
process, which per-index-version caches cannot hide.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path
from typing import Any

from bench.queries import QUERIES, BenchQuery


def _run(search: Any, handle: Any, filters: Any, q: BenchQuery) -> dict[str, Any]:
    kw: dict[str, Any] = {"page": q.page}
    if q.sort:
        kw["sort"] = q.sort
    return search(handle, q.q, filters(**q.filters_kwargs()), **kw)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("index", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--kinds", type=Path, default=None, metavar="CORPUS",
                    help="time bench/querysets.py's kinds drawn from this corpus folder")
    ap.add_argument("--files", type=int, default=300)
    ap.add_argument("--per-kind", type=int, default=20)
    ap.add_argument("--part", choices=("dev", "eval", "both"), default="both",
                    help="with --kinds: the cases of one half of the issues (bench.querysets.part_of)")
    ap.add_argument("--cold", action="store_true",
                    help="with --kinds and --part dev|eval: warm up on the other part's cases, time each case once")
    ap.add_argument("--results", type=Path, default=None, metavar="FILE",
                    help="write each query's total, first 20 hit ids and stage as JSON lines")
    args = ap.parse_args(argv)
    from indexer.search.engine import Filters, search
    from indexer.store.handles import IndexHandle

    if args.kinds is not None:
        return kinds(args.index, args.kinds, args.files, args.per_kind, args.repeat, args.part, args.results,
                     args.cold)

    handle = IndexHandle(args.index)
    c0, w0 = time.process_time(), time.perf_counter()
    search(handle, "志愿服务")
    print(f"first query: {time.perf_counter() - w0:.3f} s wall, {time.process_time() - c0:.3f} s CPU")
    for q in QUERIES:  # warm-up, one each
        _run(search, handle, Filters, q)
    if args.profile:
        from pyinstrument import Profiler

        p = Profiler(interval=0.0005)
        p.start()
        for _ in range(args.repeat):
            for q in QUERIES:
                _run(search, handle, Filters, q)
        p.stop()
        print(p.output_text(unicode=True, color=False))
        return 0
    every: list[float] = []
    rows = []
    found: list[dict[str, Any]] = []
    for q in QUERIES:
        ms = []
        for _ in range(args.repeat):
            c = time.process_time()
            r = _run(search, handle, Filters, q)
            ms.append((time.process_time() - c) * 1000)
        total = r["total"]
        found.append(found_by(q.name, q.q, r))
        ms.sort()
        every += ms
        rows.append((ms[len(ms) // 2], q.name, total))
    for t, name, total in sorted(rows, reverse=True)[:8]:
        print(f"{t:7.1f} ms CPU  {name} ({total} hits)")
    every.sort()
    p50, p95 = every[len(every) // 2], every[min(len(every) - 1, int(len(every) * 0.95))]
    print(f"CPU per query over {len(every)}: p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {every[-1]:.1f} ms; "
          f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    write_found(args.results, found)
    handle.close()
    return 0


def found_by(name: str, query: str, r: dict[str, Any]) -> dict[str, Any]:
    """What one search found, to compare two runs: its total, the ids of its first 20 hits, its stage."""
    return {"name": name, "query": query, "total": r["total"], "ids": [h["article_id"] for h in r["hits"][:20]],
            "stage": r.get("stage"), "stopped": bool(r.get("stopped"))}


def write_found(path: Path | None, found: list[dict[str, Any]]) -> None:
    if path is not None:
        path.write_text("".join(json.dumps(f, ensure_ascii=False) + "\n" for f in found), encoding="utf-8")


def _cut(ms: list[float]) -> tuple[float, float, float]:
    ms = sorted(ms)
    return ms[len(ms) // 2], ms[min(len(ms) - 1, int(len(ms) * 0.95))], ms[-1]


def kinds(index: Path, corpus: Path, files: int, per_kind: int, repeat: int, part: str = "both",
          results: Path | None = None, cold: bool = False) -> int:
    """CPU per query of each kind of bench/querysets.py (cases drawn from `files` of `corpus`;
    `part`: only those of the dev or eval half of the issues); `results`: see the module doc."""
    from bench import querysets as Q
    from indexer.search.engine import search
    from indexer.store.handles import IndexHandle

    docs = Q.load_docs(sorted(p for p in corpus.iterdir() if p.is_file())[:files])
    cases = Q.known_answers(docs, 1, per_kind)
    other = [c for c in cases if Q.part_of(c.source) != part]
    if part != "both":
        cases = [c for c in cases if Q.part_of(c.source) == part]
    handle = IndexHandle(index)
    c0 = time.process_time()
    search(handle, "志愿服务")
    print(f"first query: {time.process_time() - c0:.3f} s CPU; {len(cases)} cases from {files} files of {corpus.name}")
    # warm-up, one each (each index version's tables are made once); cold: on the other part's
    # cases instead, so that each timed query runs once, the first time it is searched
    for c in other if cold else cases:
        search(handle, c.query)
    repeat = 1 if cold else repeat
    by: dict[str, list[float]] = {}
    stopped: dict[str, int] = {}  # queries that ran out of their CPU budget (indexer.search.budget)
    slow: list[tuple[float, str, str]] = []
    found: list[dict[str, Any]] = []
    for c in cases:
        ms = []
        for _ in range(repeat):
            t = time.process_time()
            r = search(handle, c.query)
            ms.append((time.process_time() - t) * 1000)
            stopped[c.kind] = stopped.get(c.kind, 0) + bool(r.get("stopped"))
        found.append(found_by(c.kind, c.query, r))
        by.setdefault(c.kind, []).extend(ms)
        slow.append((sorted(ms)[len(ms) // 2], c.kind, c.query))
    every = [m for ms in by.values() for m in ms]
    for kind in Q.KINDS:
        if kind in by:
            p50, p95, top = _cut(by[kind])
            print(f"{kind:12s} n={len(by[kind]) // repeat:3d}  p50 {p50:6.1f}  p95 {p95:6.1f}  max {top:6.1f} ms CPU"
                  + (f"  stopped early {stopped[kind]}/{len(by[kind])}" if stopped.get(kind) else ""))
    p50, p95, top = _cut(every)
    print(f"all kinds: p50 {p50:.1f}, p95 {p95:.1f}, max {top:.1f} ms CPU; slowest (median of {repeat}):")
    for t, kind, q in sorted(slow, reverse=True)[:8]:
        print(f"{t:7.1f} ms  {kind}  {q}")
    write_found(results, found)
    handle.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
