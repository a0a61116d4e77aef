"""Format readers: seconds per page and peak memory for each format (`python -m bench.formats`).

Each format of one long bulletin (the seed issue with its articles repeated to
about ten pages) is generated with tests/docgen.py, then read by
`archive.readers.read_document` in a fresh child process (`--one`), cache off,
`--repeat` times after one warm-up read. Peak memory is the child's own
VmHWM and, for formats that run a helper (LibreOffice, the OCR worker),
the largest helper's. Scans are OCRed for `--ocr-pages` pages only.

    .venv/bin/python -m bench.formats [--repeat 3] [--ocr-pages 2] [--formats docx,pdf,...]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FORMATS = ("text", "markdown", "html", "docx", "doc", "wps", "pdf", "ofd", "pdf-ocr", "image")


def long_issue(repeat: int = 3) -> str:
    """The seed issue with its articles' paragraphs repeated: ~10 A4 pages when laid out."""
    from tests.docgen import SEED, issue_from_text

    issue = issue_from_text(SEED.read_text("utf-8"))
    lines = list(issue.lines)
    head, body, foot = lines[: issue.date + 1], lines[issue.date + 1: issue.footer], lines[issue.footer:]
    return "\n\n".join(head + body * repeat + foot) + "\n"


def make(fmt: str, text: str, folder: Path, ocr_pages: int) -> tuple[Path, int]:
    """The document of `fmt` and its page count."""
    import pypdfium2 as pdfium

    from tests import docgen

    docx = folder / "long.docx"
    if not docx.exists():
        docgen.write_docx(text, docx)
    pdf = folder / "long.pdf"
    if not pdf.exists():
        docgen.convert(docx, "pdf", folder)
    doc = pdfium.PdfDocument(str(pdf))
    pages = len(doc)
    doc.close()
    if fmt == "text":
        path = folder / "long.txt"
        path.write_text(text, "utf-8")
    elif fmt == "markdown":
        path = folder / "long.md"
        path.write_text("# 江苏精神文明建设简报 (20220402)\n\n" + text.replace("\n\n【", "\n\n## 【"), "utf-8")
    elif fmt == "html":
        path = docgen.write_govcn_html(text, folder / "long.html")
    elif fmt == "docx":
        path = docx
    elif fmt in ("doc", "wps"):
        doc_path = folder / "long.doc"
        if not doc_path.exists():
            docgen.convert(docx, "doc", folder)
        path = doc_path if fmt == "doc" else folder / "long.wps"
        if fmt == "wps":
            path.write_bytes(doc_path.read_bytes())
    elif fmt == "pdf":
        path = pdf
    elif fmt == "ofd":
        path = docgen.write_ofd(text, folder / "long.ofd")
        import zipfile

        with zipfile.ZipFile(path) as zf:
            pages = sum(1 for n in zf.namelist() if n.endswith("/Content.xml") and "/Pages/" in n)
    elif fmt == "pdf-ocr":
        path = docgen.write_scan(pdf, folder / "scan.pdf", pages=ocr_pages)
        pages = ocr_pages
    elif fmt == "image":
        path = docgen.write_scan(pdf, folder / "scan.tif", pages=1)
        pages = 1
    else:
        raise ValueError(fmt)
    return path, pages


def _vm_hwm_mb() -> float:
    """This process's peak RSS since exec (VmHWM; ru_maxrss would carry the forking parent's peak)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def one(path: Path, repeat: int) -> dict:
    """Read `path` once to warm up, then `repeat` times; timings and peak memory of this process tree."""
    from archive.readers import read_document

    t0 = time.perf_counter()
    doc = read_document(path, use_cache=False)
    first = time.perf_counter() - t0
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        read_document(path, use_cache=False)
        times.append(time.perf_counter() - t0)
    return {
        "format": doc.format, "paragraphs": len(doc.paragraphs), "chars": len(doc.text),
        "first_s": round(first, 4), "best_s": round(min(times), 4), "median_s": round(sorted(times)[len(times) // 2], 4),
        "rss_mb": _vm_hwm_mb(),
        "helper_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--ocr-pages", type=int, default=2)
    ap.add_argument("--formats", default=",".join(FORMATS))
    ap.add_argument("--one", nargs=2, metavar=("PATH", "REPEAT"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        print(json.dumps(one(Path(args.one[0]), int(args.one[1]))))
        return 0
    text = long_issue()
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-formats-") as tmp:
        folder = Path(tmp)
        for fmt in args.formats.split(","):
            path, pages = make(fmt, text, folder, args.ocr_pages)
            repeat = 1 if fmt in ("pdf-ocr", "image", "doc", "wps") else args.repeat
            out = subprocess.run([sys.executable, "-m", "bench.formats", "--one", str(path), str(repeat)],
                                 capture_output=True, text=True, cwd=REPO, check=True)
            row = json.loads(out.stdout.strip().splitlines()[-1])
            row.update(fmt=fmt, pages=pages, bytes=path.stat().st_size,
                       s_per_page=round(row["median_s"] / max(1, pages), 4))
            rows.append(row)
            print(f"{fmt:9} {pages:3d} pages  {row['median_s']:8.3f} s  {row['s_per_page']:7.4f} s/page  "
                  f"first {row['first_s']:7.3f} s  rss {row['rss_mb']:6.1f} MB  helper {row['helper_rss_mb']:6.1f} MB",
                  flush=True)
    results = REPO / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (results / f"formats-{stamp}.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
