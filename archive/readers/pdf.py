"""PDF: the text layer by PDFium (pypdfium2), image-only pages by OCR.

PDFium opens the file — telling an encrypted PDF and counting pages cheaply,
so a 5,000-page file is refused before any page is read — and gives each
character with its origin, font box, size, weight and fill colour. A char's
size is its font size times the scale of its text matrix: Kingsoft WPS
exports 三号 text as `/F 319 Tf` in a 0.05 matrix (16 pt), and the bare font
size would merge every line of the page into one. Characters
come in content-stream order (a text-box title may come last); they are
grouped into lines by baseline and position, so the reading order is the
page's, and the lines become paragraphs (archive.readers.layout). This is
5–10× faster than pdfminer-based extraction on the same pages.
"""

from __future__ import annotations

import ctypes
import logging
import math
import re
from collections import Counter

from archive.document import Document, Paragraph
from archive.errors import BulletinReadError
from archive.readers.budget import produce
from archive.readers.layout import Char, Line, collapse_spaces as tidy_spaces, line_text, paragraphs_from_lines
from archive.readers.limits import Limits

__all__ = ["open_pdf", "read_pdf"]

log = logging.getLogger(__name__)
_MIN_CHARS_PER_PAGE = 10  # fewer on every page: an image-only (scanned) PDF
RUNNING_EDGE = 2  # a page's running header / footer lines are among its first and last this many lines
RUNNING_SHARE = 0.6  # … and stand again on at least this share of the pages (two at least)
# The shape of a browser's print furniture: a URL, a `1/3` page counter at the end, a date-time at the start.
_PRINT_FURNITURE = re.compile(
    r"^(?:[a-z]+://\S+|.*\s\d{1,3}\s*/\s*\d{1,3}|\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4},?\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AP]M)?(?:\s.*)?)$")
_SKIP = {0x0A, 0x0D, 0xFFFE, 0x02}
_HYPHEN = 0x02  # PDFium's code for a printed hyphen it takes for a word break (FPDFText_IsHyphen): kept as '-'

_FORCE_BOLD = 1 << 18  # PDF font descriptor flag 19
_BOLD_NAME = re.compile(rb"bold|heavy|black|semibold|demi|hei", re.I)  # names are ASCII (SimHei, …)


def open_pdf(data: bytes, name: str, limits: Limits):  # type: ignore[no-untyped-def]
    """The PDFium document and its page count; BulletinReadError for an encrypted, corrupt or too long file."""
    import pypdfium2 as pdfium

    from archive.readers.pdfscan import check_pdf_work

    check_pdf_work(data, name, limits)  # a flate bomb, a form drawing itself: refused before PDFium
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        msg = str(exc)
        if "password" in msg.lower():
            raise BulletinReadError(name, "PDF 已加密（需要密码才能打开），无法读取") from None
        raise BulletinReadError(name, f"PDF 损坏或不完整（{msg}）") from None
    pages = len(doc)
    if pages == 0:
        doc.close()
        raise BulletinReadError(name, "PDF 没有页面")
    if pages > limits.max_pages:
        doc.close()
        raise BulletinReadError(name, f"PDF 有 {pages:,} 页（上限 {limits.max_pages:,}），已拒绝")
    return doc, pages


def _matrix_scale(tp, i: int, m) -> float:  # type: ignore[no-untyped-def]
    """How much char `i`'s text matrix (with the page's CTM) scales its font size; 1 where PDFium gives none."""
    import pypdfium2.raw as R

    if not R.FPDFText_GetMatrix(tp, i, m):
        return 1.0
    scale = math.sqrt(abs(m.a * m.d - m.b * m.c))
    return scale if scale > 0 else 1.0


def _page_lines(page, number: int) -> list[Line]:  # type: ignore[no-untyped-def]
    import pypdfium2.raw as R

    height = page.get_height()
    tp = page.get_textpage()
    try:
        n = R.FPDFText_CountChars(tp)
        rect = R.FS_RECTF()
        ox, oy = ctypes.c_double(), ctypes.c_double()
        cr, cg, cb, ca = (ctypes.c_uint() for _ in range(4))
        font, flags = ctypes.create_string_buffer(256), ctypes.c_int()
        matrix = R.FS_MATRIX()
        chars: list[tuple[float, float, float, float, str, float, bool, str | None]] = []
        for i in range(n):
            code = R.FPDFText_GetUnicode(tp, i)
            if code == _HYPHEN and R.FPDFText_IsHyphen(tp, i) == 1:
                code = ord("-")  # 古河乡政府-李家铺段: the hyphen is printed, whatever the line break after it
            if code in _SKIP or R.FPDFText_IsGenerated(tp, i) == 1:
                continue
            if abs(R.FPDFText_GetCharAngle(tp, i)) > 0.01:
                continue  # rotated or vertical text: not part of the running lines
            ch = chr(code)
            size = (R.FPDFText_GetFontSize(tp, i) or 1.0) * _matrix_scale(tp, i, matrix)
            R.FPDFText_GetCharOrigin(tp, i, ox, oy)
            if not R.FPDFText_GetLooseCharBox(tp, i, rect):
                continue
            colour = None
            bold = False
            if ch.strip():
                R.FPDFText_GetFontInfo(tp, i, font, 256, flags)
                bold = (R.FPDFText_GetFontWeight(tp, i) >= 600 or bool(flags.value & _FORCE_BOLD)
                        or _BOLD_NAME.search(font.value) is not None)
                if R.FPDFText_GetFillColor(tp, i, cr, cg, cb, ca):
                    rgb = (cr.value, cg.value, cb.value)
                    colour = None if rgb == (0, 0, 0) else "#{:02x}{:02x}{:02x}".format(*rgb)
            chars.append((height - oy.value, rect.left, rect.right, size, ch, size, bold, colour))
    finally:
        tp.close()
    # group by baseline: a char joins the line whose baseline is within a third of its size
    chars.sort(key=lambda c: (round(c[0], 1), c[1]))
    rows: list[list[tuple]] = []
    for c in chars:
        if rows and abs(rows[-1][0][0] - c[0]) <= 0.35 * max(c[3], rows[-1][0][3]):
            rows[-1].append(c)
        else:
            rows.append([c])
    lines: list[Line] = []
    for row in rows:
        row.sort(key=lambda c: c[1])
        visible = [c for c in row if c[4].strip()]
        if not visible:
            continue
        text = line_text([Char(c[4], c[1], c[2], c[3]) for c in row])
        if not text:
            continue
        sizes = Counter(round(c[3], 1) for c in visible)
        size = sizes.most_common(1)[0][0]
        baseline = Counter(round(c[0], 1) for c in visible).most_common(1)[0][0]
        lines.append(Line(
            text=text, x0=visible[0][1], x1=visible[-1][2], top=baseline - 0.88 * size, bottom=baseline + 0.12 * size,
            page=number, size=size, bold=sum(c[6] for c in visible) > len(visible) / 2,
            color=Counter(c[7] for c in visible).most_common(1)[0][0],
        ))
    return lines


def running_lines(lines: list[Line], pages: int) -> dict[int, str]:
    """The pages' running headers and footers, as {id(line): "header" | "footer"}: a line among a
    page's first or last RUNNING_EDGE that stands again, word for word, at the edge of most pages,
    or that has the shape of a printed page's URL, page counter or date-time line."""
    by_page: dict[int, list[Line]] = {}
    for ln in lines:
        by_page.setdefault(ln.page, []).append(ln)
    side = {id(ln): "footer" for page in by_page.values() for ln in page[-RUNNING_EDGE:]}
    side |= {id(ln): "header" for page in by_page.values() for ln in page[:RUNNING_EDGE]}
    exact = lambda ln: re.sub(r"\s+", "", ln.text)  # noqa: E731
    same = Counter(k for k, _p in {(exact(ln), ln.page) for ln in lines if id(ln) in side})
    need = max(2, RUNNING_SHARE * pages)
    return {id(ln): side[id(ln)] for ln in lines if id(ln) in side
            and (same[exact(ln)] >= need or _PRINT_FURNITURE.match(ln.text.strip()))}


def with_running_lines(lines: list[Line], pages: int) -> list[Paragraph]:
    """Paragraphs of the body lines, with the running headers and footers as paragraphs of their
    kind at the start and end of their page (kept, not body text)."""
    furniture = running_lines(lines, pages)
    body = paragraphs_from_lines([ln for ln in lines if id(ln) not in furniture])
    if not furniture:
        return body
    order = [((p.page or 0), 1, k, p) for k, p in enumerate(body)]
    order += [(ln.page, 0 if furniture[id(ln)] == "header" else 2, k,
               Paragraph(text=tidy_spaces(ln.text), page=ln.page, size=ln.size, kind=furniture[id(ln)]))  # type: ignore[arg-type]
              for k, ln in enumerate(lines) if id(ln) in furniture]
    return [p for *_key, p in sorted(order, key=lambda t: t[:3])]


def read_pdf(data: bytes, name: str, limits: Limits) -> Document:
    """A PDF's paragraphs from its text layer, or from OCR when its pages are images."""
    import pypdfium2 as pdfium

    doc, pages = open_pdf(data, name, limits)
    lines: list[Line] = []
    meta: dict[str, str] = {}
    try:
        info = doc.get_metadata_dict(skip_empty=True)
        for key, label in (("Title", "标题"), ("Author", "作者")):
            value = info.get(key)
            if isinstance(value, str) and value.strip():
                meta[label] = value.strip()
        for k in range(pages):
            page = doc[k]
            try:
                got = _page_lines(page, k + 1)
                produce(sum(len(ln.text) for ln in got) + len(got), name, limits, "PDF 字符")
                lines += got
            finally:
                page.close()
    except pdfium.PdfiumError as exc:
        raise BulletinReadError(name, f"无法读取 PDF（{exc}）") from None
    finally:
        doc.close()
    if sum(len(ln.text) for ln in lines) < _MIN_CHARS_PER_PAGE * pages:
        from archive.readers.ocr import ocr_pdf

        log.info("%s: no text layer on %d page(s): OCR", name, pages)
        return ocr_pdf(data, name, limits, pages, meta)
    return Document(name=name, format="pdf", paragraphs=tuple(with_running_lines(lines, pages)), meta=meta)
