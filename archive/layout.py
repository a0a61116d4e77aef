"""A Document's paragraphs as the layout parsers read them: `Line`s with hints.

Every format ends up here. Raw text gives one paragraph per line (blank lines
separate paragraphs, a line without final punctuation continues on the next);
.docx, OFD, HTML, PDF and OCR give whole paragraphs, which are joined only
where a page break or a stray line break split one: the first ends with ，/、,
or runs on without final punctuation for more than a heading's length, or
stops short of its end where the next starts on a later page — and neither is
a heading by its hints nor a 公文 element (发文字号, date, 主送机关). Page
numbers, page headers and footers are dropped; a rule (the red line under a
报头, the lines of a 版记) is kept as a mark on the lines around it.
Letter-spaced lines (江 苏 文 明 简 报) close up.

Each line carries `key`, its text with traditional characters folded to
simplified ones (same length), which is what patterns are matched against;
`text` stays as written for display.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from archive.chinese import to_simplified
from archive.dates import DATE_TEXT
from archive.document import Document, Paragraph
from archive.doctypes import doc_type_of
from archive.paragraphs import ends_paragraph, starts_item

__all__ = ["Line", "document_lines", "is_page_number", "is_red", "is_typed_rule"]

_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－~～]+\s*[0-9０-９]{1,4}\s*[-—–－~～]+|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4})$"
)
_WIDE_SPACE = re.compile(r"[ \t\u3000]*[\t\u3000][ \t\u3000]*| {2,}")  # a gap between parts of a line
_SPACE = re.compile(r"[\u00a0\u2002\u2003\u2009]")
# A line that starts a 公文 element: 发文字号, a date alone, 主送机关 (ends with ：).
_HEAD_ELEMENT = re.compile(rf"^.{{0,20}}[〔\[［(（]\s*(?:19|20)\d{{2}}\s*[〕\]］)）]\s*\d+\s*号|^{DATE_TEXT}$|[:：]$")
_LETTER_SPACED = re.compile(r"(?:[\u4e00-\u9fff][ \t\u3000]{1,3}){2,}[\u4e00-\u9fff]")
_SPACED_PAIR = re.compile(r"[\u4e00-\u9fff][ \t\u3000]{1,8}[\u4e00-\u9fff]")  # 简　　报, 目　　录: two characters set wide apart
# A label letter-spaced to its column's width before its colon (报　送：, 抄  送：, 编 者 按：, 签 发 人：).
_SPACED_LABEL = re.compile(r"^(?:[\u4e00-\u9fff][ \t\u3000]{1,4}){1,3}[\u4e00-\u9fff](?=[ \t\u3000]*[:：])")
_RULE_CHARS = frozenset("-—–─━═=_~～*＊")
# A typed rule, with a star or other ornament in its middle as a 红头's rule has (━━━━★━━━━),
# or a row of asterisks (＊＊＊＊, ****) as a 简报 sets its articles or its 报尾 apart.
_TYPED_RULE = re.compile(r"^(?:[-—–─━═=_~～]{3,}(?:[★☆◆◇●○※]{1,3}[-—–─━═=_~～]{3,})?|[*＊]{3,})$")
_HEX = re.compile(r"^#?([0-9a-fA-F]{2})([0-9a-fA-F]{2})([0-9a-fA-F]{2})$")


@dataclass
class Line:
    """One line (raw text) or paragraph (other formats) of a document's body."""

    text: str  # as written, stripped; a gap between parts (2+ spaces, tab, 　) is two spaces, other spaces one
    key: str  # `text` folded to simplified characters (same length), for matching
    number: int  # 1-based line (raw text) or paragraph number in the document, for messages
    blank_before: bool = True
    blank_after: bool = True
    whole: bool = False  # a whole paragraph: never joined to the next line
    rule_before: bool = False  # a rule stands between this line and the previous one
    rule_after: bool = False
    size: float | None = None
    bold: bool = False
    red: bool = False
    align: str | None = None
    cell: tuple[int, int, int] | None = None
    page: int | None = None

    def hinted_heading(self, body_size: float | None) -> bool:
        """Whether the format's hints mark this paragraph as a heading (bigger, or
        bold / centred and short)."""
        if len(self.text) > 60 or self.cell is not None:
            return False
        if self.size is not None and body_size is not None and self.size >= body_size + 1.5:
            return True
        return (self.bold or self.align == "center") and len(self.text) <= 40 and not ends_paragraph(self.text)


def is_page_number(text: str) -> bool:
    """- 2 -, —3—, 第2页 共8页, 2/8."""
    return bool(_PAGE_NUMBER.match(text.strip()))


def is_typed_rule(text: str) -> bool:
    """A line of rule characters only (━━━━, ------, ══════): a red rule or 版记 line typed as text."""
    t = text.lstrip()
    if not t or t[0] not in _RULE_CHARS:  # the quick test: most lines start otherwise
        return False
    return bool(_TYPED_RULE.match("".join(t.split())))


def is_red(color: str | None) -> bool:
    """Whether a "#rrggbb" colour is the red of a 红头."""
    m = _HEX.match(color or "")
    if m is None:
        return False
    r, g, b = (int(x, 16) for x in m.groups())
    return r >= 0xB0 and g <= 0x70 and b <= 0x70


def _clean(text: str) -> str:
    """Strip; a letter-spaced line (江 苏 文 明 简 报, 简　　报) or label (报　送：) closes up; a gap (two or more
    spaces, a tab, an ideographic space) becomes two spaces, so the 报头's
    `issuer  date` parts stay apart; other spaces one."""
    text = _SPACE.sub(" ", text).strip()
    if _LETTER_SPACED.fullmatch(text) or _SPACED_PAIR.fullmatch(text):
        return re.sub(r"[ \t\u3000]+", "", text)
    if (m := _SPACED_LABEL.match(text)) is not None:
        text = re.sub(r"[ \t\u3000]+", "", m.group()) + text[m.end() :].lstrip(" \t\u3000")
    return _WIDE_SPACE.sub("  ", text)


def body_size(lines: list[Line]) -> float | None:
    """The font size of most of the text (None when the format gives no sizes)."""
    sizes = [ln.size for ln in lines if ln.size is not None for _ in range(max(1, len(ln.text) // 10))]
    return statistics.mode(sizes) if sizes else None


def _make(p: Paragraph, text: str, number: int, whole: bool) -> Line:
    return Line(
        text=text,
        key=to_simplified(text),
        number=number,
        whole=whole,
        size=p.size,
        bold=p.bold,
        red=is_red(p.color),
        align=p.align,
        cell=p.cell,
        page=p.page,
    )


def document_lines(doc: Document) -> list[Line]:
    """The body lines of `doc` in order (see the module docstring)."""
    whole = doc.format != "text"
    paragraphs = doc.paragraphs
    if not whole and doc.source is not None:
        # Raw text: the lines of the decoded source, blank ones included (they
        # tell a standalone heading from a line that runs on).
        paragraphs = tuple(Paragraph(ln) for ln in doc.source.split("\n"))
    out: list[Line] = []
    blank = True  # a blank line (or the start) precedes the next line
    rule = False
    for number, p in enumerate(paragraphs, 1):
        if p.kind == "rule":
            rule = True
            if out:
                out[-1].rule_after = True
            continue
        if p.kind != "body":  # page numbers, running headers and footers
            continue
        text = _clean(p.text)
        if is_typed_rule(text):  # ━━━━ / ------ typed as a rule: a rule, not text
            rule = True
            if out:
                out[-1].rule_after = True
            continue
        if not text or is_page_number(text):
            blank = True
            if out and not text:
                out[-1].blank_after = True
            continue
        line = _make(p, text, number, whole)
        line.blank_before = blank or whole
        line.rule_before = rule
        if out and not whole:
            out[-1].blank_after = blank
        out.append(line)
        blank = False
        rule = False
    if out and not whole:
        out[-1].blank_after = True
        if _paragraph_per_line(out):
            for line in out:  # text copied from a web page: every line stands alone
                line.blank_before = line.blank_after = True
    return _join_page_breaks(out) if whole else out


def _paragraph_per_line(lines: list[Line]) -> bool:
    """Whether raw text holds one paragraph per line without blank lines between
    them (as copied from a web page): its long lines run past any page's width
    and end with final punctuation, where wrapped lines (about 28–40 characters
    from a PDF or Word) end anywhere."""
    long = [ln.text for ln in lines if len(ln.text) > 40]
    if sum(len(t) > 60 for t in long) < 2:
        return False
    return sum(ends_paragraph(t) for t in long) >= 0.8 * len(long)


def _split_paragraph(prev: Line, line: Line, size: float | None) -> bool:
    """Whether two whole paragraphs are one that a page break or a stray line
    break split: the first runs on (ends with ，/、, or without final punctuation
    where the next starts on a later page) into body text."""
    if prev.rule_after or prev.cell is not None or line.cell is not None or starts_item(line.text):
        return False
    if prev.hinted_heading(size) or line.hinted_heading(size) or ends_paragraph(prev.text):
        return False
    from archive.features import is_chrome  # here: archive.features reads this module's Line

    if is_chrome(prev.key) or is_chrome(line.key):  # a page's breadcrumb or tool bar is no paragraph's part
        return False
    if prev.text.endswith(("，", "、", ",")):
        return True
    if _HEAD_ELEMENT.search(line.key) or doc_type_of(prev.key) or doc_type_of(prev.key.rstrip("》〉」』")):
        return False  # a long 公文 title, then its 发文字号, 主送机关 or date
    if len(prev.text) > 40:
        return True  # a sentence that runs on (a heading is short)
    return prev.page is not None and line.page is not None and line.page > prev.page and len(prev.text) > 30


def _join_page_breaks(lines: list[Line]) -> list[Line]:
    """Rejoin whole paragraphs that a page break split."""
    size = body_size(lines)
    out: list[Line] = []
    for line in lines:
        prev = out[-1] if out else None
        if prev is not None and _split_paragraph(prev, line, size):
            sep = " " if prev.text[-1].isascii() and prev.text[-1].isalnum() and line.text[0].isascii() and line.text[0].isalnum() else ""
            prev.text = prev.text + sep + line.text
            prev.key = prev.key + sep + line.key
            prev.rule_after = line.rule_after
            continue
        out.append(line)
    return out
