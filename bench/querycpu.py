"""CPU time of `indexer.search.engine.search` over bench/queries.py's queries on a built index.

    python -m bench.querycpu INDEX [--repeat 3] [--profile]

CPU time (`time.process_time`) instead of wall time, so that a machine shared
with other work still gives comparable figures; the first query of the process
(opening the index version) is reported apart. `--profile` prints a
pyinstrument profile of the timed queries instead.
"""

from __future__ import annotations

import argparse
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
    args = ap.parse_args(argv)
    from indexer.search.engine import Filters, search
    from indexer.store.handles import IndexHandle

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
    for q in QUERIES:
        ms = []
        for _ in range(args.repeat):
            c = time.process_time()
            total = _run(search, handle, Filters, q)["total"]
            ms.append((time.process_time() - c) * 1000)
        ms.sort()
        every += ms
        rows.append((ms[len(ms) // 2], q.name, total))
    for t, name, total in sorted(rows, reverse=True)[:8]:
        print(f"{t:7.1f} ms CPU  {name} ({total} hits)")
    every.sort()
    p50, p95 = every[len(every) // 2], every[min(len(every) - 1, int(len(every) * 0.95))]
    print(f"CPU per query over {len(every)}: p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {every[-1]:.1f} ms; "
          f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    handle.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
