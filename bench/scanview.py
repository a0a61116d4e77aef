"""The scan view's time (issue 20 item 3): a scanned page rendered from its original the
first time, then served from the cache, and the page that boxes the hits
(`python -m bench.scanview`).

The scan is the seed issue as .docx → PDF (LibreOffice) → 2 scanned pages
(tests/docgen.write_scan), indexed once with OCR (kept in --dir for later runs). Timed
through the Flask test client (no network), `--repeat` times each, median and worst:
the first render (the cache emptied before each), the cached image, the scan page.

    .venv/bin/python -m bench.scanview [--dir /tmp/bench-scanview] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import time
from pathlib import Path


def main() -> None:
    from click.testing import CliRunner

    from bulletins.cli import cli
    from tests import docgen
    from webui import create_app

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/bench-scanview"))
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    base: Path = args.dir
    corpus, index = base / "corpus", base / "var" / "index"
    if not (index / "current").exists():
        base.mkdir(parents=True, exist_ok=True)
        docx = docgen.write_docx(docgen.SEED.read_text("utf-8"), base / "seed.docx")
        pdf = docgen.convert(docx, "pdf", base)
        corpus.mkdir(exist_ok=True)
        docgen.write_scan(pdf, corpus / "扫描件.pdf", angle=0.8, pages=2)
        t0 = time.perf_counter()
        r = CliRunner().invoke(cli, ["index", "--corpus", str(corpus), "--index", str(index)],
                               env={"BULLETINS_OCR_SECONDS_PER_PAGE": "900", "BULLETINS_READ_SECONDS": "3600",
                                    "BULLETINS_READ_CPU_SECONDS": "3600"})
        print(f"indexed (OCR of 2 pages) in {time.perf_counter() - t0:.1f} s: {r.output.strip()}")
    app = create_app({"TESTING": True, "INDEX_DIR": str(index), "CORPUS_DIR": str(corpus)})
    client = app.test_client()
    bid = client.get("/api/search?q=志愿服务").get_json()["hits"][0]["bulletin_id"]
    scans = base / "var" / "scans"

    def timed(url: str, cold: bool) -> float:
        if cold:
            shutil.rmtree(scans, ignore_errors=True)
        t0 = time.perf_counter()
        with client.get(url) as r:
            assert r.status_code == 200, (url, r.status_code)
            r.get_data()
        return (time.perf_counter() - t0) * 1000

    timed(f"/bulletin/{bid}/scan/1.png", cold=True)  # warm-up: imports, the index opened
    rows = {
        "page image, first render (cache empty)": [timed(f"/bulletin/{bid}/scan/1.png", True) for _ in range(args.repeat)],
        "page image, cached": [timed(f"/bulletin/{bid}/scan/1.png", False) for _ in range(args.repeat)],
        "scan page (HTML, hits boxed)": [timed(f"/bulletin/{bid}/scan?page=1&hl=志愿服务", False)
                                         for _ in range(args.repeat)],
    }
    size = next(scans.rglob("*.png")).stat().st_size
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (shared machine)")
    for name, ms in rows.items():
        print(f"{name:42s} median {statistics.median(ms):7.1f} ms   worst {max(ms):7.1f} ms")
    print(f"cached page image: {size / 1024:.0f} KB")


if __name__ == "__main__":
    main()
