"""Fields right on the real 公文 of tests/realdocs rendered into each format (`python -m bench.realformats`).

Each document's text, from its 发文机关标志 (or title, or 发文字号) on, without the
site's chrome above it, is laid out with tests/docgen.py as an office writes it:
DOCX (`write_gongwen_docx`: red 发文机关标志, centred title, 署名 and date to the
right), PDF (LibreOffice from that DOCX), OFD (`write_gongwen_ofd`, the same labels) and a scan (the PDF
rasterised, turned and speckled, `write_scan`). Lines are labelled from the
document's truth (title, 发文字号, date) and by shape; the rendering is seeded and
regenerable into `--out` (under bench/results, not in git).

Every format is scored against the same truth with bench.fields; `text` is the
stripped text itself, so a field right in `text` and wrong in a format is lost
by that format's reader or its layout features. Scans are OCRed (~2 s a page):
`--scans N` documents a half, the shortest, only.

    .venv/bin/python -m bench.realformats [--group dev|eval] [--formats docx,pdf,ofd,scan] [--limit N] [-v]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from bench.fields import REAL_FIELDS, Doc, groups, norm, score_file

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "results" / "realformats"
FORMATS = ("docx", "pdf", "ofd", "scan")
_DATE = re.compile(r"^(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|[〇○零一二三四五六七八九]{4}\s*年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日)$")
_MARK = re.compile(r"(文件|文\s*件)$")
_COLOPHON = re.compile(r"^(抄送|印发|主办|主送)\s*[:：]|印发$")
MASTHEAD_LOOKBACK = 3  # lines above the title searched for the 发文机关标志 / 发文字号
SIGNATURE_MAX = 40  # a 署名 line is at most this long


TITLE_LINES = 4  # a title is printed over at most this many lines


def title_span(lines: list[str], want: dict[str, Any]) -> tuple[int, int] | None:
    """(first, last + 1) of the lines that print the truth's title (the first line may run on past it)."""
    title = norm(want.get("title") or "")
    if not title:
        return None
    for i in range(len(lines)):
        joined = ""
        for k in range(i, min(i + TITLE_LINES, len(lines))):
            joined += norm(lines[k])
            if joined.startswith(title) and (k == i or len(joined) - len(title) < len(norm(lines[k]))):
                return i, k + 1
            if not title.startswith(joined):
                break
    return None


def body_lines(path: Path, want: dict[str, Any]) -> list[str] | None:
    """The document's lines from its 发文机关标志 / 发文字号 / title on (None when the title is not found)."""
    lines = [ln.strip() for ln in path.read_text("utf-8").splitlines() if ln.strip()]
    span = title_span(lines, want)
    if span is None:
        return None
    start = span[0]
    serial = norm(want.get("serial") or "")
    for k in range(max(0, start - MASTHEAD_LOOKBACK), start):
        ln = lines[k]
        if _MARK.search(ln) or (serial and norm(ln).endswith(serial) and len(ln) < len(serial) + 8):
            start = k
            break
    return lines[start:]


def label(lines: list[str], want: dict[str, Any]) -> list[tuple[str, str]]:
    """(text, label) per line for docgen.write_gongwen_docx, from the truth and the lines' shape."""
    title = norm(want.get("title") or "")
    serial = norm(want.get("serial") or "")
    ti, te = title_span(lines, want) or (0, 0)
    tlines = set(range(ti, te))
    date_at = max((i for i, ln in enumerate(lines) if _DATE.match(ln)), default=None)
    out: list[tuple[str, str]] = []
    for i, ln in enumerate(lines):
        n = norm(ln)
        if i in tlines:
            lab = "title"
        elif i < ti and _MARK.search(ln):
            lab = "masthead"
        elif i < ti and serial and n.endswith(serial):
            lab = "serial"
        elif i == date_at:
            lab = "date"
        elif date_at is not None and i == date_at - 1 and len(ln) <= SIGNATURE_MAX and not re.search(r"[。；，：]$", ln):
            lab = "signature"
        elif _COLOPHON.search(ln) and date_at is not None and i > date_at:
            lab = "colophon"
        else:
            lab = "body"
        out.append((ln, lab))
    return out


def render(doc: Doc, folder: Path, formats: tuple[str, ...], seed: int) -> dict[str, Path]:
    """The document in `text` and each format of `formats` under `folder` (made once, kept)."""
    from tests import docgen

    lines = body_lines(doc.path, doc.want)
    if lines is None:
        return {}
    folder.mkdir(parents=True, exist_ok=True)
    stem = doc.path.stem
    text = "\n".join(lines) + "\n"
    out = {"text": folder / f"{stem}.txt"}
    out["text"].write_text(text, "utf-8")
    docx = folder / f"{stem}.docx"
    if not docx.exists():
        docgen.write_gongwen_docx(label(lines, doc.want), docx)
    if "docx" in formats:
        out["docx"] = docx
    pdf = folder / f"{stem}.pdf"
    if ("pdf" in formats or "scan" in formats) and not pdf.exists():
        docgen.convert(docx, "pdf", folder)
    if "pdf" in formats:
        out["pdf"] = pdf
    if "ofd" in formats:
        ofd = folder / f"{stem}.ofd"
        if not ofd.exists():
            docgen.write_gongwen_ofd(label(lines, doc.want), ofd, seed=seed)
        out["ofd"] = ofd
    if "scan" in formats:
        scan = folder / "scan" / f"{stem}.pdf"
        if not scan.exists():
            scan.parent.mkdir(exist_ok=True)
            docgen.write_scan(pdf, scan, seed=seed)
        out["scan"] = scan
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--group", action="append", choices=("dev", "eval"))
    ap.add_argument("--formats", default=",".join(FORMATS))
    ap.add_argument("--limit", type=int, default=0, help="documents a half (a seeded sample; 0 = all)")
    ap.add_argument("--scans", type=int, default=3, help="documents a half also scanned (the shortest)")
    ap.add_argument("--seed", type=int, default=19)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--json", type=Path)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    formats = tuple(f for f in args.formats.split(",") if f)
    result: dict[str, Any] = {}
    for gname in args.group or ["dev"]:
        docs = [d for d in groups()[gname] if d.want.get("kind") == "公文" and d.path.suffix == ".txt"]
        docs.sort(key=lambda d: d.path.name)
        if args.limit:
            docs = sorted(random.Random(args.seed).sample(docs, min(args.limit, len(docs))), key=lambda d: d.path.name)
        scanned = {d.path.name for d in sorted(docs, key=lambda d: len(d.path.read_text("utf-8")))[: args.scans]}
        sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        per_field: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
        skipped = []
        for d in docs:
            fmts = tuple(f for f in formats if f != "scan" or d.path.name in scanned)
            made = render(d, args.out / gname, fmts, args.seed)
            if not made:
                skipped.append(d.path.name)
                continue
            text_rows = {f: ok for f, ok, _g, _w in score_file(made["text"], d.want, REAL_FIELDS)}
            for fmt, path in made.items():
                for f, ok, g, w in score_file(path, d.want, REAL_FIELDS):
                    sums[fmt][0] += ok
                    sums[fmt][1] += 1
                    per_field[fmt][f][0] += ok
                    per_field[fmt][f][1] += 1
                    if fmt != "text" and fmt == "scan":
                        sums["text∩scan"][0] += text_rows[f]
                        sums["text∩scan"][1] += 1
                    if args.verbose and fmt != "text" and text_rows.get(f) and not ok:
                        print(f"  {gname}/{d.path.stem}.{fmt} {f}: {g!r} ≠ {w!r} (text right)")
        print(f"== {gname}: {len(docs) - len(skipped)} 公文 rendered ({len(skipped)} without a findable title)")
        for fmt, (r, n) in sums.items():
            print(f"   {fmt}: {r}/{n} = {r / n:.1%}")
        result[gname] = {"formats": dict(sums), "fields": {k: dict(v) for k, v in per_field.items()},
                         "skipped": skipped, "scanned": sorted(scanned)}
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
