"""Parse a Markdown bulletin: `#` title (series, date), `##`/`###` article headings.

Shape (e.g. the 《新闻联播》 transcripts):

    # 《新闻联播》 (20240315)      series + date
    ## 新闻摘要                    table of contents: not an article
    ## 详细新闻                    a section holding the articles
    ### 陕西：…                    one article per heading of the deepest level used
    <p>…</p> [查看原文](…)         body: Markdown with inline HTML
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from archive.articles import make_article
from archive.chinese import to_simplified
from archive.dates import IssueNumber, find_date, parse_issue
from archive.headings import is_org_like, split_heading
from archive.htmltext import markdown_paragraphs
from archive.paragraphs import ends_paragraph
from archive.layout import Line, is_page_number, is_typed_rule
from archive.model import Bulletin, make_bulletin_id
from archive.textparse import FOOTER_LINES, Footer, issuer_name, parse_footer

__all__ = ["markdown_layout_lines", "markdown_lines", "parse_markdown"]

_ATX = re.compile(r"^\s{0,3}(?P<hashes>#{1,6})(?:\s+(?P<text>.*?))?\s*#*\s*$")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
# Headings whose content lists the articles rather than being one.
TOC_TITLES = {"新闻摘要", "目录", "本期目录", "本期要目", "要目", "内容提要", "本期导读", "导读", "本期内容", "内容摘要"}
_DATE_TEXT = re.compile(
    r"[（(]?\s*(?:\d{8}|\d{4}[-./]\d{1,2}[-./]\d{1,2}|[0-9〇零○一二三四五六七八九十]+\s*年\s*[0-9一二三四五六七八九十]+\s*月\s*[0-9一二三四五六七八九十]+\s*[日号])\s*[)）]?"
)
_ISSUE_TEXT = re.compile(r"[（(]?\s*(?:[0-9〇零一二三四五六七八九十]{4}\s*年\s*)?第\s*[0-9一二三四五六七八九十百]+\s*期(?:\s*[（(]\s*总\s*第?\s*[0-9一二三四五六七八九十百千]+\s*期\s*[)）])?\s*[)）]?")


@dataclass
class _Heading:
    level: int
    text: str
    start: int  # line index of the heading


@dataclass
class _Draft:
    heading: str
    section: str | None
    lines: list[str] = field(default_factory=list)


def _headings(lines: list[str]) -> list[_Heading]:
    out = []
    in_fence = False
    for i, line in enumerate(lines):
        if _FENCE.match(line):
            in_fence = not in_fence
        elif not in_fence and (m := _ATX.match(line)) and m["text"]:
            out.append(_Heading(len(m["hashes"]), m["text"].strip(), i))
    return out


def _series_of(title: str) -> str:
    """The title without its date and issue (matched folded: （總第十六期） too)."""
    key = to_simplified(title)
    keep = [True] * len(title)
    for pattern in (_DATE_TEXT, _ISSUE_TEXT):
        for m in pattern.finditer(key):
            keep[m.start() : m.end()] = [False] * (m.end() - m.start())
    series = "".join(c if k else " " for c, k in zip(title, keep))
    series = re.sub(r"[《》〈〉]", "", series)
    return re.sub(r"\s+", " ", series).strip(" -—_|·")


def _is_metadata(line: str) -> bool:
    """An issue, date or issuer line under the title (第11期, 2022年4月2日, 江苏省文明办)."""
    if len(line) > 40 or line.endswith(("。", "！", "？")):
        return False
    return bool(parse_issue(line) or find_date(line) or is_org_like(line))


def _plain_heading(text: str) -> str:
    paragraphs = markdown_paragraphs(text, title=True)
    return " ".join(paragraphs) if paragraphs else " ".join(text.split())


def _drop_page_numbers(lines: list[str]) -> list[str]:
    """Drop page-number lines (`- 2 -`, `—3—`) and rejoin the paragraph they split:
    the blank lines around one go too when the text before it runs on."""
    out: list[str] = []
    for line in lines:
        if not is_page_number(line):
            out.append(line)
            continue
        k = len(out)
        while k > 0 and not out[k - 1].strip():
            k -= 1
        prev = out[k - 1].strip() if k else ""
        if prev and not prev.startswith("#") and not ends_paragraph(prev):
            del out[k:]
            out.append("\x00")  # joins the next text line to this paragraph
    # Drop the blank lines after a join mark, then the mark itself.
    joined: list[str] = []
    pending = False
    for line in out:
        if line == "\x00":
            pending = True
            continue
        if pending and not line.strip():
            continue
        pending = False
        joined.append(line)
    return joined


def _issuer_of(line: str) -> str | None:
    """The issuer on a preamble line: `江苏省文明办` or `江苏省文明办  2022年4月2日`."""
    text = _DATE_TEXT.sub(" ", line).strip()
    text = text if text != line.strip() or not find_date(line) else ""
    return issuer_name(text, to_simplified(text)) if text else None


_FOOTER_CHARS = re.compile("[报報送发發抄分主印号號编編签簽审審校联聯电電地邮郵投]")


def markdown_lines(text: str) -> list[Line]:
    """A Markdown text's plain paragraphs as whole-paragraph lines (headings and
    markup reduced to their text), for the 公文 layout."""
    paras = markdown_paragraphs("\n".join(_drop_page_numbers(text.split("\n"))), title=True)
    return [Line(text=p, key=to_simplified(p), number=n, whole=True) for n, p in enumerate(paras, 1)]


def _split_footer(lines: list[str]) -> tuple[list[str], Footer | None]:
    """Cut the 报尾 (报/送/发 recipients, serial, 共印N份) off the last lines."""
    idx = [i for i, ln in enumerate(lines) if ln.strip()][-FOOTER_LINES:]
    plain = []
    for i in idx:
        raw = lines[i].strip()
        # Only a line with one of the 报尾's characters can start it: reduce those alone.
        text = " ".join(markdown_paragraphs(raw)) or raw if _FOOTER_CHARS.search(raw) else raw
        plain.append(Line(text=text, key=to_simplified(text), number=i + 1))
    footer = parse_footer(plain, 0)
    if footer.start >= len(plain) or not (footer.serial or footer.copies or footer.recipients):
        return lines, None
    return lines[: idx[footer.start]], footer


HEADING_SIZE = 22.0  # the size hint a `#` heading's line gets (a series title: large)
BODY_SIZE = 12.0  # … and every other paragraph
_BOLD_BLOCK = re.compile(r"^(?:\*\*[^*\n]+\*\*|__[^_\n]+__)\s*$")


def markdown_layout_lines(text: str) -> list[Line]:
    """A Markdown 简报's blocks as the lines the 简报 grammar reads (archive/textparse.py): each
    paragraph a whole line; a `#` heading large, a paragraph all in bold (`**…**` on every line)
    bold; a thematic break or a typed rule (━━━, ＊＊＊) a rule between its neighbours."""
    raw = _drop_page_numbers(text.split("\n"))
    out: list[Line] = []
    block: list[str] = []
    start = 0

    def flush() -> None:
        if not block:
            return
        joined = "\n".join(block)
        head = _ATX.match(block[0]) if len(block) == 1 else None
        bold = all(_BOLD_BLOCK.match(b.strip()) for b in block)
        for para in markdown_paragraphs(joined, title=True):
            if is_typed_rule(para):
                if out:
                    out[-1].rule_after = True
                continue
            size = HEADING_SIZE if head is not None and len(head["hashes"]) == 1 else BODY_SIZE
            out.append(Line(text=para, key=to_simplified(para), number=start + 1, whole=True, size=size,
                            bold=bold or head is not None, rule_before=bool(out and out[-1].rule_after)))
        block.clear()

    for i, line in enumerate(raw):
        if not line.strip() or _ATX.match(line) or _RULE_LINE.match(line):
            flush()  # a blank line, a heading or a thematic break ends the block before it
            if _RULE_LINE.match(line):
                if out:
                    out[-1].rule_after = True
            elif line.strip():  # a heading: a block of its own
                start = i
                block.append(line)
                flush()
            continue
        if not block:
            start = i
        block.append(line)
    flush()
    return out


_RULE_LINE = re.compile(r"^\s{0,3}(?:[-*_]\s*){3,}$")


def parse_markdown(text: str, path: str) -> Bulletin:
    """A Bulletin from a Markdown issue (see the module docstring). An issue that marks no
    article with a heading (`##`…) — a Word 简报 saved as Markdown, its titles bold or plain
    paragraphs — is read as lines by the 简报 grammar, as a text or Word issue is, when the
    grammar finds its 报头 (an issue number)."""
    lines = _drop_page_numbers(text.split("\n"))
    warnings: list[str] = []
    heads = _headings(lines)
    if not any(h.level > 1 for h in heads):
        from archive.textparse import parse_bulletin_lines

        grammar_lines = markdown_layout_lines(text)
        if len(grammar_lines) > 1:
            b = parse_bulletin_lines(grammar_lines, path, "markdown")
            if b.issue is not None:  # the grammar read a 报头 (第N期): a 简报; else the heading rules below
                return b
    title_head = next((h for h in heads if h.level == 1), None)
    if title_head is not None:
        title = _plain_heading(title_head.text)
        heads = [h for h in heads if h is not title_head]
    else:
        first = next((ln.strip() for ln in lines if ln.strip()), path)
        title = _plain_heading(first)
        warnings.append("no `#` title line: series from the first line")
    # Metadata lines between the title and the first heading (第11期, the issuer, the date).
    body_start = title_head.start + 1 if title_head else 0
    preamble_end = heads[0].start if heads else len(lines)
    preamble = [ln.strip() for ln in lines[body_start:preamble_end] if ln.strip()]
    date = find_date(title)
    issue = parse_issue(to_simplified(title))
    issuer: str | None = None
    for ln in preamble[:6]:
        if len(ln) > 40:
            break
        date = date or find_date(ln)
        key = to_simplified(ln)
        total = parse_issue(key)
        if issue is None:
            issue = total
        elif total is not None and total.issue is None and issue.total is None:  # （总第N期） on its own line
            issue = IssueNumber(issue.issue, total.total, issue.year)
        issuer = issuer or _issuer_of(ln)
    series = _series_of(title) or title or path
    if date is None:
        warnings.append("no date found")

    levels = sorted({h.level for h in heads})
    article_level = levels[-1] if levels else None
    drafts: list[_Draft] = []
    lead: list[str] = []
    section: str | None = None
    current: _Draft | None = None
    skipping = False
    by_line = {h.start: h for h in heads}
    for i in range(body_start, len(lines)):
        line = lines[i]
        head = by_line.get(i)
        if head is not None:
            plain = _plain_heading(head.text)
            if plain in TOC_TITLES:
                skipping, current = True, None
            elif head.level < (article_level or 0):
                skipping, current, section = False, None, plain
            else:
                skipping = False
                current = _Draft(plain, section)
                drafts.append(current)
            continue
        if skipping:
            continue
        if current is not None:
            current.lines.append(line)
        elif section is not None and line.strip():
            # Text in a section before its first article: an article of its own.
            current = _Draft(section, section)
            current.lines.append(line)
            drafts.append(current)
        elif title_head is not None or i >= preamble_end:
            lead.append(line)
    if not drafts:
        body = [ln for ln in (lead if title_head else lines) if ln.strip()]
        if body:
            drafts.append(_Draft(title, None, lead if title_head else lines))
    else:
        # Text before the first heading other than the issue/date/issuer lines
        # (an editor's note, say) is an article of its own: nothing is dropped.
        text_lines = [ln for ln in lead if ln.strip() and not _is_metadata(ln.strip())]
        if text_lines:
            drafts.insert(0, _Draft(title, None, text_lines))
    footer: Footer | None = None
    if drafts:  # the 报尾 closes the issue, not its last article
        drafts[-1].lines, footer = _split_footer(drafts[-1].lines)
    if not drafts:
        warnings.append("no articles found")

    year = issue.year if issue and issue.year is not None else (date.year if date else None)
    issue_no = issue.issue if issue else None
    bid = make_bulletin_id(series, year, issue_no, date, fallback=path)
    articles = []
    for n, d in enumerate(drafts, 1):
        split = split_heading(to_simplified(d.heading))  # 玄武區：… is a place heading too
        place, heading_title = (d.heading[: len(split[0])], d.heading[len(d.heading) - len(split[1]) :]) if split else (None, d.heading)
        body = "\n".join(d.lines).strip("\n")
        paragraphs = markdown_paragraphs(body)
        articles.append(make_article(bid, n, heading_title, place, d.section, paragraphs, body, d.heading))
    return Bulletin(
        id=bid,
        path=path,
        format="markdown",
        series=series,
        issue=issue_no,
        issue_total=issue.total if issue else None,
        year=year,
        date=date,
        issuer=issuer,
        serial=footer.serial if footer else None,
        copies=footer.copies if footer else None,
        recipients=tuple(footer.recipients) if footer else (),
        articles=tuple(articles),
        warnings=tuple(warnings),
    )
