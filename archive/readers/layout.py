"""Paragraphs rebuilt from visual lines (PDF, OFD, OCR), by line widths, indents, gaps and fonts.

Every page-description format gives lines, not paragraphs. A line starts a new
paragraph when it is indented (a first-line indent), centred, in another font
size/weight/colour, far below the one before, or when the line before stopped
short of the right margin, or was set far right (a 署名 or a 成文日期, GB/T 9704's
date right-indented four characters) and this one starts left of it. A paragraph runs on across a page break when the
last line of the page is full and the next page's first line is not indented.
A short line of just a number at the top or foot of a page (`- 2 -`, `2`,
`第 2 页`) is set aside as a "page-number" paragraph.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass

from archive.document import Paragraph

__all__ = ["Char", "Line", "collapse_spaces", "line_text", "paragraphs_from_lines", "tidy_spaces"]

_CJK = "\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_RE = re.compile(f"[{_CJK}]")
_ALNUM_RE = re.compile(r"[0-9A-Za-z%.]")
DISPLAY_SIZE = 1.15  # a line this many times the body size is display type (标题, 发文机关标志), not body text
FULL_LINE_EMS = 1.5  # a line ending within this many ems of the right margin fills the measure (it was wrapped)
RIGHT_SET_EMS = 4.0  # a line starting this many ems right of the margin is set right (署名, 成文日期), not indented
_PAGE_NUMBER = re.compile(r"^[-—–－~·\s]*(?:第\s*)?[0-9]{1,4}(?:\s*页)?(?:\s*/\s*(?:共\s*)?[0-9]{1,4}\s*页?)?[-—–－~·\s]*$")


@dataclass(frozen=True)
class Char:
    text: str
    x0: float
    x1: float
    size: float


@dataclass(frozen=True)
class Line:
    """One visual line on a page: its text and box (points or mm, y growing down) and font hints."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    page: int
    size: float
    bold: bool = False
    color: str | None = None
    confidence: float | None = None


def _is_cjk(ch: str) -> bool:
    return bool(_CJK_RE.match(ch))


def line_text(chars: list[Char]) -> str:
    """A line's text from its characters in x order.

    A wide gap (a tab stop, a table column) becomes a tab; a gap clearly wider
    than the line's usual spacing becomes a space (PDF producers often leave out
    the space glyph); a space between a Chinese character and a digit — which
    PDF producers put in for spacing (`2023 年第 3 期`) — is dropped.
    """
    visible = [c for c in chars if c.text.strip()]
    gaps = sorted(b.x0 - a.x1 for a, b in zip(visible, visible[1:]))
    usual = gaps[len(gaps) // 2] if gaps else 0.0
    out: list[str] = []
    prev: Char | None = None
    for ch in chars:
        if not ch.text.strip():
            if out and out[-1] not in (" ", "\t"):
                out.append(" ")
            continue
        if prev is not None:
            gap = ch.x0 - prev.x1
            size = max(ch.size, prev.size, 1.0)
            if gap > 2.0 * size:
                if out and out[-1] == " ":
                    out.pop()
                out.append("\t")
            elif gap > max(0.2 * size, usual + 0.15 * size) and out and out[-1] != " ":
                out.append(" ")
        out.append(ch.text)
        prev = ch
    return tidy_spaces("".join(out))


_SPACE_CJK = re.compile(f"(?<=[{_CJK}]) +(?=[0-9])|(?<=[0-9%]) +(?=[{_CJK}])")


def collapse_spaces(text: str) -> str:
    """NFC; runs of spaces single, a tab kept (one), no white space at either end."""
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"[ \u00a0\u3000\r\n\f\v]+", " ", text)
    return re.sub(r" *\t[ \t]*", "\t", text).strip()


def tidy_spaces(text: str) -> str:
    """collapse_spaces, and no space between Chinese and digits (which page formats put in for spacing)."""
    return _SPACE_CJK.sub("", collapse_spaces(text))


def _join(a: str, b: str) -> str:
    if not a:
        return b
    if a[-1:].isascii() and a[-1:].isalnum() and b[:1].isascii() and b[:1].isalnum():
        return f"{a} {b}"
    return a + b


@dataclass
class _Page:
    left: float
    right: float
    size: float
    gap: float


def _page_frames(lines: list[Line]) -> dict[int, _Page]:
    frames: dict[int, _Page] = {}
    sizes_all = [ln.size for ln in lines if ln.size > 0]
    body_size = statistics.median(sizes_all) if sizes_all else 10.0
    by_page: dict[int, list[Line]] = {}
    for ln in lines:
        by_page.setdefault(ln.page, []).append(ln)
    all_left = Counter(round(ln.x0) for ln in lines)
    for page, pl in by_page.items():
        lefts = Counter(round(ln.x0) for ln in pl)
        common = [x for x, n in lefts.most_common() if n >= 2] or [x for x, _ in all_left.most_common(1)]
        left = min(common[:3]) if common else min(ln.x0 for ln in pl)
        left = min(left, min(ln.x0 for ln in pl if abs(ln.size - body_size) < 0.2 * body_size) if any(
            abs(ln.size - body_size) < 0.2 * body_size for ln in pl) else left)
        rights = sorted(ln.x1 for ln in pl)
        right = rights[int(0.9 * (len(rights) - 1))] if rights else left
        right = max(right, max((x for x, n in Counter(round(ln.x1) for ln in pl).items() if n >= 2), default=right))
        gaps = [b.top - a.bottom for a, b in zip(pl, pl[1:]) if 0 <= b.top - a.bottom < 3 * body_size]
        frames[page] = _Page(left, right, body_size, statistics.median(gaps) if gaps else 0.3 * body_size)
    # a page of a few lines (a cover, the 版记) borrows the widest frame seen
    widest = max(frames.values(), key=lambda f: f.right - f.left, default=None)
    if widest is not None:
        for page, f in frames.items():
            if len(by_page[page]) < 6:
                f.left, f.right = min(f.left, widest.left), max(f.right, widest.right)
    return frames


def _wrapped_display(prev: Line, ln: Line, pf: _Page, f: _Page) -> bool:
    """`ln` goes on with a display-type line (a long title or 发文机关标志) that filled the measure: a full or centred line."""
    def full(x: Line, fr: _Page) -> bool:
        return x.x0 - fr.left < FULL_LINE_EMS * x.size and fr.right - x.x1 < FULL_LINE_EMS * x.size

    return (ln.page == prev.page and prev.size > DISPLAY_SIZE * f.size and full(prev, pf)
            and (_centred(ln, f) or full(ln, f)) and 0 <= ln.top - prev.bottom < prev.size)


def _centred(ln: Line, f: _Page) -> bool:
    lm, rm = ln.x0 - f.left, f.right - ln.x1
    return lm > 2 * ln.size and rm > 2 * ln.size and abs(lm - rm) < max(2.5 * ln.size, 0.08 * (f.right - f.left))


def _page_number_lines(lines: list[Line]) -> set[int]:
    out: set[int] = set()
    by_page: dict[int, list[int]] = {}
    for k, ln in enumerate(lines):
        by_page.setdefault(ln.page, []).append(k)
    for ks in by_page.values():
        if len(ks) < 2 and len(by_page) < 2:
            continue  # the one line of a one-page document is its text, not a page number
        for k in {ks[0], ks[-1]}:
            if _PAGE_NUMBER.match(lines[k].text) and len(lines[k].text) <= 12:
                out.add(k)
    return out


def paragraphs_from_lines(lines: list[Line], size_tolerance: float = 0.15) -> list[Paragraph]:
    """Paragraphs from lines in reading order (page by page, top to bottom).

    Lines whose sizes differ by more than `size_tolerance` (a share) start a new
    paragraph: exact for PDF and OFD; OCR's sizes are box heights, noisier.
    """
    if not lines:
        return []
    frames = _page_frames(lines)
    page_numbers = _page_number_lines(lines)
    out: list[Paragraph] = []
    cur: list[Line] = []

    def flush() -> None:
        if not cur:
            return
        text = ""
        for ln in cur:
            text = _join(text, ln.text)
        first = cur[0]
        f = frames[first.page]
        sizes = Counter(ln.size for ln in cur)
        conf = [ln.confidence for ln in cur if ln.confidence is not None]
        centred = _centred(first, f) and len(cur) == 1 or len(cur) > 1 and _centred(cur[-1], frames[cur[-1].page]) and all(
            _wrapped_display(a, b, frames[a.page], frames[b.page]) for a, b in zip(cur, cur[1:]))
        align = "center" if centred else (
            "right" if first.x0 - f.left > 4 * first.size and abs(f.right - first.x1) < first.size else None)
        out.append(Paragraph(
            text=tidy_spaces(text), page=first.page, size=round(sizes.most_common(1)[0][0], 1), bold=first.bold,
            color=first.color, align=align,  # type: ignore[arg-type]
            indent=round(first.x0 - f.left, 1) if first.x0 - f.left > 0.5 * first.size else None,
            confidence=round(min(conf), 3) if conf else None,
        ))
        cur.clear()

    pending: list[Paragraph] = []  # page numbers met inside a paragraph that runs on: after it
    prev: Line | None = None
    for k, ln in enumerate(lines):
        if k in page_numbers:
            pending.append(Paragraph(text=tidy_spaces(ln.text), page=ln.page, size=ln.size, kind="page-number",
                                     confidence=ln.confidence))
            continue
        if prev is not None and cur and _starts_paragraph(prev, ln, frames, size_tolerance):
            flush()
            out.extend(pending)
            pending.clear()
        cur.append(ln)
        prev = ln
    flush()
    out.extend(pending)
    return out


def _starts_paragraph(prev: Line, ln: Line, frames: dict[int, _Page], size_tolerance: float) -> bool:
    f, pf = frames[ln.page], frames[prev.page]
    size = max(ln.size, 1.0)
    if abs(ln.size - prev.size) > size_tolerance * max(ln.size, prev.size):
        return True
    if ln.bold != prev.bold or ln.color != prev.color:
        return True
    if _centred(ln, f) or _centred(prev, pf):
        return not _wrapped_display(prev, ln, pf, f)
    if "\t" in ln.text or "\t" in prev.text:
        return True
    if ln.x0 - f.left > 1.2 * size:  # indented
        return True
    if pf.right - prev.x1 > 1.6 * size:  # the line before stopped short
        return True
    if prev.x0 - pf.left > RIGHT_SET_EMS * size and ln.x0 < prev.x0 - size:  # the line before was set right
        return True
    if ln.page != prev.page:
        return False  # a full line at the foot of the page, an unindented one at the head of the next
    return ln.top - prev.bottom > max(1.0 * size, pf.gap + 0.8 * size)
