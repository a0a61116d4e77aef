"""Export timings: the whole result set of a search to CSV, XLSX and a Word 汇编.

    python -m bench.export [--sizes 1000,10000] [--seed 1] [--work DIR]

For each size N it generates a corpus of about N articles (bench.generate,
~2.6 articles per issue), indexes it with `bulletins index`, and exports all
of its articles (an empty query: every article, newest first) through
indexer.present.export, as the page, the API and `bulletins export` do. Prints one
line per size and format: records gathered (search + get_bulletin), render
time, file size; and `--json` for the figures.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ARTICLES_PER_ISSUE = 2.6


def _index(corpus: Path, index: Path) -> None:
    subprocess.run([sys.executable, "-c", "from bulletins.cli import cli; cli()", "index",
                    "--corpus", str(corpus), "--index", str(index)], check=True, capture_output=True)


def measure(size: int, seed: int, work: Path) -> dict[str, Any]:
    from bench.generate import generate_corpus
    from indexer.present.export import RENDERERS, export_records
    from indexer.present.params import SearchParams
    from indexer.store.handles import IndexHandle

    corpus, index = work / f"corpus-{size}", work / f"index-{size}"
    if not corpus.exists():
        generate_corpus(max(1, round(size / ARTICLES_PER_ISSUE)), seed, corpus)
    if not index.exists():
        _index(corpus, index)
    handle = IndexHandle(index)
    try:
        params = SearchParams()
        export_records(handle, params, "http://127.0.0.1:8000/", limit=10**9)  # warm: snapshot, searcher
        t0 = time.perf_counter()
        data = export_records(handle, params, "http://127.0.0.1:8000/", limit=10**9)
        gather = time.perf_counter() - t0
        out: dict[str, Any] = {"size": size, "articles": data.total, "gather_s": round(gather, 3), "formats": {}}
        for fmt, render in RENDERERS.items():
            t0 = time.perf_counter()
            body = render(data)
            nbytes = len(body) if isinstance(body, bytes) else sum(len(chunk) for chunk in body)
            out["formats"][fmt] = {"render_s": round(time.perf_counter() - t0, 3), "bytes": nbytes}
        return out
    finally:
        handle.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", type=Path, default=None, help="keep corpora and indexes here (default: a temp dir)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        results = [measure(int(s), args.seed, work) for s in args.sizes.split(",")]
    for r in results:
        for fmt, f in r["formats"].items():
            total = r["gather_s"] + f["render_s"]
            print(f"{r['articles']:>6} articles  {fmt:<4}  gather {r['gather_s']:6.2f} s + render {f['render_s']:6.2f} s"
                  f" = {total:6.2f} s  {f['bytes'] / 1e6:6.1f} MB")
    if args.json:
        print(json.dumps(results, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
