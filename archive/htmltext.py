"""Markdown with inline HTML reduced to plain paragraphs for indexing."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

from archive.paragraphs import clean_spaces, clean_title, ends_paragraph, join_lines, starts_item, strip_bullet

__all__ = ["markdown_paragraphs"]

_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "tr", "table", "blockquote", "section", "article",
    "h1", "h2", "h3", "h4", "h5", "h6", "pre", "hr", "dd", "dt", "figure", "figcaption",
}
_SKIP_TAGS = {"script", "style", "template"}
_BREAK = "\x1e"  # paragraph break marker inside the reduced text

_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\((?:[^()\s]|\([^()]*\))*(?:\s+\"[^\"]*\")?\)")
_REF_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^>\s]+)>")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|~~|`+)(?=\S)(.+?)(?<=\S)\1")
_LINE_MARK = re.compile(r"^\s{0,3}(?:>\s?)*(?:#{1,6}\s+|[-*+]\s+(?=\S)|\d{1,3}[.)]\s+(?=\S))?")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_RULE = re.compile(r"^\s{0,3}(?:[-*_]\s*){3,}$")
_LINK_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S+")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self.skip += 1
        elif tag in _BLOCK_TAGS:
            self.out.append(_BREAK)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.out.append(_BREAK)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK_TAGS:
            self.out.append(_BREAK)

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.out.append(data)


# A tag as HTMLParser reads it when nothing about it is unusual: its name up to
# white space, "/" or ">", then attributes holding no "<" or ">".
_TAG = re.compile(r"<(/?)([a-zA-Z][^\t\n\r\f />\x00]*)([^<>]*)>")


def _simple_html_to_text(text: str) -> str | None:
    """What `_Text` makes of `text`, when every "<" opens a plain tag (no comment,
    declaration, script or style, no quote left open in a tag); else None.

    Data between tags is unescaped as HTMLParser's convert_charrefs does; a block
    tag (start, end or self-closing) is one paragraph break. ~10x faster than the
    parser, on the inline HTML of real Markdown issues (tests/test_archive_markdown.py
    compares both on the real corpus and on generated markup)."""
    if "<" not in text:
        return unescape(text) if "&" in text else text
    out: list[str] = []
    pos = 0
    tags = 0
    for m in _TAG.finditer(text):
        attrs = m.group(3)
        if attrs.count('"') % 2 or attrs.count("'") % 2:
            return None
        name = m.group(2).lower()
        if name in _SKIP_TAGS or name in ("script", "style"):
            return None
        data = text[pos : m.start()]
        if data:
            out.append(unescape(data) if "&" in data else data)
        if name in _BLOCK_TAGS:
            out.append(_BREAK)
        pos = m.end()
        tags += 1
    if tags != text.count("<"):
        return None
    data = text[pos:]
    if data:
        out.append(unescape(data) if "&" in data else data)
    return "".join(out)


def _html_to_text(text: str) -> str:
    simple = _simple_html_to_text(text)
    if simple is not None:
        return simple
    parser = _Text()
    try:
        parser.feed(text)
        parser.close()
    except (AssertionError, ValueError):  # malformed markup: fall back to the raw text
        return text
    return "".join(parser.out)


def _inline(line: str) -> str:
    """Markdown inline syntax to its text: links and images keep their text."""
    line = _IMAGE.sub(r"\1", line)
    line = _LINK.sub(r"\1", line)
    line = _REF_LINK.sub(r"\1", line)
    line = _AUTOLINK.sub(r"\1", line)
    for _ in range(2):
        line = _EMPHASIS.sub(r"\2", line)
    return line


def markdown_paragraphs(markdown: str, *, title: bool = False) -> tuple[str, ...]:
    """Plain-text paragraphs of a Markdown fragment that may hold inline HTML.

    Body text loses the spaces between Chinese characters that page layout put
    there ("身 边" → "身边"); a `title` keeps its spaces ("为党育人 为国育才")."""
    units: list[str] = []  # lines, with _BREAK between paragraphs
    in_fence = False
    for raw in markdown.split("\n"):
        if _FENCE.match(raw):
            in_fence = not in_fence
            units.append(_BREAK)
            continue
        if not in_fence and (not raw.strip() or _RULE.match(raw) or _LINK_DEF.match(raw)):
            units.append(_BREAK)
            continue
        if in_fence:
            units.append(raw + _BREAK)
            continue
        item = bool(re.match(r"^\s{0,3}(?:[-*+]|\d{1,3}[.)])\s+\S", raw))
        line = _LINE_MARK.sub("", raw, count=1)
        units.append((_BREAK if item else "") + _inline(line))
    text = _html_to_text("\n".join(units))
    paragraphs: list[str] = []
    for block in text.split(_BREAK):
        buf = ""
        for line in (ln.strip() for ln in block.split("\n")):
            if not line:
                continue
            if buf and (starts_item(line) or ends_paragraph(buf)):
                paragraphs.append(buf)
                buf = ""
            buf = join_lines(buf, strip_bullet(line))
        if buf:
            paragraphs.append(buf)
    clean = clean_title if title else clean_spaces
    return tuple(p for p in (clean(p) for p in paragraphs) if p)
