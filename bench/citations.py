"""The citation graph on a built index: how long it takes to build, what it finds and resolves,
and a sample of the resolved references to check by hand (issue 20 item 2).

    .venv/bin/python -m bench.citations INDEX [--sample 30] [--seed 1]

Prints one JSON line (articles, references found, resolved by how, edges with an action,
build seconds wall and CPU: cold, and again with every segment's references already read, as
for the version after `bulletins add`) and then the sample: each resolved reference in its sentence
with the title of the document it was resolved to.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

from archive.references import find_references
from indexer.search.citegraph import build_citegraph
from indexer.store.handles import IndexHandle


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("index", type=Path)
    ap.add_argument("--sample", type=int, default=30)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    with IndexHandle(args.index) as h:
        s = h.searcher()
        t0, c0 = time.perf_counter(), time.process_time()
        g = build_citegraph(s)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        t0, c0 = time.perf_counter(), time.process_time()
        build_citegraph(s)  # a new version of the same segments (after `add`: all but the new one)
        wall2, cpu2 = time.perf_counter() - t0, time.process_time() - c0
        print(json.dumps({
            "articles": s.doc_count(), "references": g.found, "resolved": int(len(g.src)),
            "resolved_by": g.resolved_by, "repeal_edges": int((g.action == 1).sum()),
            "revise_edges": int((g.action == 2).sum()), "build_s": round(wall, 2), "build_cpu_s": round(cpu, 2),
            "segments_read_build_s": round(wall2, 2), "segments_read_build_cpu_s": round(cpu2, 2),
        }, ensure_ascii=False))
        pairs = sorted({(int(a), int(b)) for a, b in zip(g.src, g.dst)})
        random.Random(args.seed).shuffle(pairs)
        for src, dst in pairs[: args.sample]:
            text = s.stored_fields(src).get("text") or ""
            target = s.stored_fields(dst).get("title")
            for ref in find_references(text):
                got = g.resolve(ref, src)
                if got is not None and got[0] == dst:
                    print(f"{got[1]:9} | …{text[max(0, ref.start - 20): ref.end + 10]}… → {target}".replace("\n", " "))
                    break


if __name__ == "__main__":
    main()
