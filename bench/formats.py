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
    head, foot = lines[: issue.date + 1], lines[issue.footer:]
    body = []
    for k in range(repeat):  # the articles again, each copy's headings numbered so that none repeats
        for i in range(issue.date + 1, issue.footer):
            line = lines[i]
            if k and issue.role(i) == "heading":
                if lines.index(line) < i:  # the table of contents lists only the first copies
                    line = f"{line}（{k + 1}）"
                else:
                    continue
            body.append(line)
    return "\n\n".join(head + body + foot) + "\n"


def markdown_of(text: str) -> str:
    """The same bulletin as a Markdown issue: `#` series, `##` sections, `###` articles (the table of
    contents, the headings listed before the first text, left out), the rest as it is."""
    from tests.docgen import issue_from_text

    issue = issue_from_text(text)
    first_body = next(i for i in range(len(issue.lines)) if issue.role(i) == "body")
    out = []
    for i, line in enumerate(issue.lines):
        role = issue.role(i)
        if role == "series":
            out.append(f"# {line}")
        elif role == "section":
            out.append(f"## {line.strip('【】')}")
        elif role == "heading":
            if i >= first_body - 1:  # (before the first article: the table of contents)
                out.append(f"### {line}")
        else:
            out.append(line)
    return "\n\n".join(out) + "\n"


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
        path.write_text(markdown_of(text), "utf-8")
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


def _first_pages(folder: Path, pages: int) -> Path:
    """The laid-out PDF cut to its first `pages` pages (what a scan of them shows), text layer kept."""
    import pypdfium2 as pdfium

    src = pdfium.PdfDocument(str(folder / "long.pdf"))
    out = pdfium.PdfDocument.new()
    out.import_pages(src, list(range(min(pages, len(src)))))
    path = folder / f"first-{pages}.pdf"
    out.save(str(path))
    out.close()
    src.close()
    return path


def _vm_hwm_mb() -> float:
    """This process's peak RSS since exec (VmHWM; ru_maxrss would carry the forking parent's peak)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


FIELDS = ("series", "issue", "date", "issuer", "serial", "copies")
TEXT_CER = 0.02  # an article's text counts as right within this CER (what the OCR tests allow)


def accuracy(doc, expected: Path) -> tuple[float, float]:
    """(CER of the document's text against the reference's, share of fields right: the header
    fields, each article's title, each article's text within TEXT_CER). The reference is the text
    version, or for a scan the text-layer PDF of the same pages read by the PDF reader."""
    from archive.parse import parse_document, parse_text
    from archive.readers import read_document
    from tests.docgen import cer

    if expected.suffix == ".pdf":
        ref_doc = read_document(expected, use_cache=False)
        ref_text, ref = ref_doc.text, parse_document(ref_doc)
    else:
        ref_text = expected.read_text("utf-8")
        ref = parse_text(ref_text, "long.txt")
    got = parse_document(doc)
    right = sum(getattr(ref, f) == getattr(got, f) for f in FIELDS)
    for k, a in enumerate(ref.articles):
        if k < len(got.articles):
            right += (a.title == got.articles[k].title) + (cer(a.text, got.articles[k].text) <= TEXT_CER)
    total = len(FIELDS) + 2 * max(len(ref.articles), len(got.articles))
    return cer(ref_text, doc.text), right / total


def one(path: Path, repeat: int, expected: Path | None = None) -> dict:
    """Read `path` once to warm up, then `repeat` times; timings and peak memory of this process tree,
    and (given the text version) its CER and field accuracy."""
    from archive.readers import read_document

    t0 = time.perf_counter()
    doc = read_document(path, use_cache=False)
    first = time.perf_counter() - t0
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        read_document(path, use_cache=False)
        times.append(time.perf_counter() - t0)
    err, right = accuracy(doc, expected) if expected is not None else (None, None)
    return {
        "format": doc.format, "paragraphs": len(doc.paragraphs), "chars": len(doc.text),
        "cer": None if err is None else round(err, 5), "fields_right": None if right is None else round(right, 4),
        "first_s": round(first, 4), "best_s": round(min(times), 4), "median_s": round(sorted(times)[len(times) // 2], 4),
        "rss_mb": _vm_hwm_mb(),
        "helper_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--ocr-pages", type=int, default=2)
    ap.add_argument("--formats", default=",".join(FORMATS))
    ap.add_argument("--one", nargs="+", metavar="PATH REPEAT [EXPECTED]", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        expected = Path(args.one[2]) if len(args.one) > 2 else None
        print(json.dumps(one(Path(args.one[0]), int(args.one[1]), expected)))
        return 0
    text = long_issue()
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-formats-") as tmp:
        folder = Path(tmp)
        expected = folder / "expected.txt"
        expected.write_text(text, "utf-8")
        for fmt in args.formats.split(","):
            path, pages = make(fmt, text, folder, args.ocr_pages)
            repeat = 1 if fmt in ("pdf-ocr", "image", "doc", "wps") else args.repeat
            # a scan covers its first pages only: its text is compared with theirs
            want = expected if fmt not in ("pdf-ocr", "image") else _first_pages(folder, pages)
            out = subprocess.run([sys.executable, "-m", "bench.formats", "--one", str(path), str(repeat), str(want)],
                                 capture_output=True, text=True, cwd=REPO, check=True)
            row = json.loads(out.stdout.strip().splitlines()[-1])
            row.update(fmt=fmt, pages=pages, bytes=path.stat().st_size,
                       s_per_page=round(row["median_s"] / max(1, pages), 4))
            rows.append(row)
            print(f"{fmt:9} {pages:3d} pages  {row['median_s']:8.3f} s  {row['s_per_page']:7.4f} s/page  "
                  f"first {row['first_s']:7.3f} s  rss {row['rss_mb']:6.1f} MB  helper {row['helper_rss_mb']:6.1f} MB  "
                  f"CER {row['cer']:.4f}  fields {row['fields_right']:.1%}", flush=True)
    results = REPO / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (results / f"formats-{stamp}.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
