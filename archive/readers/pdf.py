"""PDF: the text layer by pdfplumber (layout order), image-only pages by OCR.

pypdfium2 opens the file first — it tells an encrypted PDF and counts pages
cheaply, so a 5,000-page file is refused before any page is parsed — then
pdfplumber gives characters with positions, sizes, fonts and colours, from
which lines and then paragraphs are rebuilt (archive.readers.layout).
"""

from __future__ import annotations

import logging
from collections import Counter

from archive.document import Document, Paragraph
from archive.errors import BulletinReadError
from archive.readers.layout import Char, Line, line_text, paragraphs_from_lines
from archive.readers.limits import Limits

__all__ = ["pdf_page_count", "read_pdf"]

log = logging.getLogger(__name__)
_MIN_CHARS_PER_PAGE = 10  # fewer on every page: an image-only (scanned) PDF


def _colour(value: object) -> str | None:
    if isinstance(value, (tuple, list)):
        comps = [float(c) for c in value if isinstance(c, (int, float))]
        if len(comps) == 3:
            r, g, b = comps
        elif len(comps) == 4:
            c, m, y, k = comps
            r, g, b = (1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k)
        elif len(comps) == 1:
            r = g = b = comps[0]
        else:
            return None
        return "#{:02x}{:02x}{:02x}".format(*(max(0, min(255, round(v * 255))) for v in (r, g, b)))
    return None


def pdf_page_count(data: bytes, name: str, limits: Limits) -> int:
    """Pages of the PDF; raises BulletinReadError for an encrypted, corrupt or too long file."""
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        msg = str(exc)
        if "password" in msg.lower():
            raise BulletinReadError(name, "encrypted PDF (a password is needed to open it)") from None
        raise BulletinReadError(name, f"corrupt or truncated PDF ({msg})") from None
    try:
        pages = len(doc)
    finally:
        doc.close()
    if pages == 0:
        raise BulletinReadError(name, "PDF without pages")
    if pages > limits.max_pages:
        raise BulletinReadError(name, f"PDF of {pages:,} pages (limit {limits.max_pages:,})")
    return pages


def _lines(page: object, number: int) -> list[Line]:
    out: list[Line] = []
    for tl in page.extract_text_lines(return_chars=True, strip=False):  # type: ignore[attr-defined]
        chars = sorted((c for c in tl["chars"] if c.get("upright", True)), key=lambda c: c["x0"])
        visible = [c for c in chars if c["text"].strip()]
        if not visible:
            continue
        text = line_text([Char(c["text"], c["x0"], c["x1"], c["size"]) for c in chars])
        if not text:
            continue
        sizes = Counter(round(c["size"], 1) for c in visible)
        bold = sum("bold" in c["fontname"].lower() or "heavy" in c["fontname"].lower() or "black" in c["fontname"].lower()
                   for c in visible) > len(visible) / 2
        colours = Counter(_colour(c.get("non_stroking_color")) for c in visible)
        colour = colours.most_common(1)[0][0]
        out.append(Line(
            text=text, x0=visible[0]["x0"], x1=visible[-1]["x1"], top=min(c["top"] for c in visible),
            bottom=max(c["bottom"] for c in visible), page=number, size=sizes.most_common(1)[0][0], bold=bold,
            color=None if colour in (None, "#000000") else colour,
        ))
    return out


def read_pdf(data: bytes, name: str, limits: Limits) -> Document:
    """A PDF's paragraphs from its text layer, or from OCR when its pages are images."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    pages = pdf_page_count(data, name, limits)
    import io

    lines: list[Line] = []
    meta: dict[str, str] = {}
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            info = pdf.metadata or {}
            for key, label in (("Title", "标题"), ("Author", "作者")):
                value = info.get(key)
                if isinstance(value, str) and value.strip():
                    meta[label] = value.strip()
            chars_seen = 0
            for number, page in enumerate(pdf.pages, 1):
                page_lines = _lines(page, number)
                chars_seen += sum(len(ln.text) for ln in page_lines)
                lines += page_lines
                page.flush_cache()
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise BulletinReadError(name, "encrypted PDF (a password is needed to open it)") from None
    except (PDFSyntaxError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        raise BulletinReadError(name, f"cannot read the PDF ({type(exc).__name__}: {exc})") from None
    except Exception as exc:  # pdfplumber wraps pdfminer's errors in its own exception type
        if type(exc).__name__ in ("PdfminerException", "PSEOF", "PSSyntaxError", "PDFException"):
            raise BulletinReadError(name, f"cannot read the PDF ({exc})") from None
        raise
    if chars_seen < _MIN_CHARS_PER_PAGE * pages:
        from archive.readers.ocr import ocr_pdf

        log.info("%s: no text layer on %d page(s): OCR", name, pages)
        return ocr_pdf(data, name, limits, pages, meta)
    paragraphs: list[Paragraph] = paragraphs_from_lines(lines)
    return Document(name=name, format="pdf", paragraphs=tuple(paragraphs), meta=meta)
