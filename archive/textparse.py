"""Parse a raw-text bulletin (text extracted from a printed issue) into a Bulletin.

An issue looks like: confidentiality marks (工作资料 注意保存), the series title
(…简报), the issue line (第11期), the issuer (江苏省文明办), the date; then section
markers (【工作交流】), a table of contents repeating the article headings, the
articles (`<place>：<title>` then paragraphs broken across pages), and a footer
(报：… 发：… recipients, (苏简字1004号 共印400份)).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from archive.articles import make_article
from archive.dates import IssueNumber, cn_number, find_date, parse_issue
from archive.headings import split_heading
from archive.model import Bulletin, make_bulletin_id
from archive.paragraphs import clean_spaces, ends_paragraph, join_lines, starts_item, strip_bullet

__all__ = ["parse_raw_text"]

HEADER_LINES = 15  # the header is within this many non-blank lines
FOOTER_LINES = 20  # the footer is within this many last non-blank lines
_PAGE_NUMBER = re.compile(r"^(?:[-—–－~～]+\s*[0-9０-９]{1,4}\s*[-—–－~～]+|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4})$")
_CONFIDENTIAL = re.compile(r"^(?:工作资料|内部资料|内部刊物|内部材料|注意保存|秘密|机密|绝密|内部|密级|此件|内部交流|请勿外传|仅供参考)")
_SERIES = re.compile(r"(?:简报|通报|动态|快报|信息|专报|要情|参考|通讯|周报|月报|旬报|专刊|特刊|增刊|摘报|简讯|内参|情况反映)(?:\s*[（(][^）)]{1,12}[）)])?$")
_SECTION = re.compile(r"^(?:【\s*(?P<a>[^】]{1,20}?)\s*】|〔\s*(?P<b>[^〕]{1,20}?)\s*〕|［\s*(?P<c>[^］]{1,20}?)\s*］)$")
_ORG_END = re.compile(r"(?:办公室|委员会|办|委|部|厅|局|政府|中心|会|社|院|处|室|组|站)(?:编印|编|主办|印发|编发)?$")
_EDITOR_MARK = re.compile(r"(?:编印|编|主办|印发|编发)$")
_FOOTER_KEY = re.compile(r"^(?P<key>报|送|发|抄送|抄报|分送|主送|报送|发送|印发)\s*[:：]\s*(?P<rest>.*)$")
_COLOPHON = re.compile(r"^(?:责任编辑|编辑|签发|审核|校对|联系人|联系电话|电话|地址|邮编)\s*[:：]")
_SERIAL = re.compile(r"[\u4e00-\u9fff]{1,8}字\s*(?:[〔\[［(（]\s*\d{4}\s*[〕\]］)）]\s*)?第?\s*\d+\s*号")
_COPIES = re.compile(r"共印\s*(?P<n>[0-9０-９〇零一二三四五六七八九十百千万]+)\s*份")
_SPACES = re.compile(r"[ \t\u3000\u00a0]+")
_SPLIT_PARTS = re.compile(r"[ \t\u3000\u00a0]{2,}")
_KEY_STRIP = re.compile(r"[\s:：]")


@dataclass
class _Line:
    text: str
    blank_before: bool
    blank_after: bool


@dataclass
class _Header:
    series: str | None = None
    issue: IssueNumber | None = None
    date: dt.date | None = None
    issuer: str | None = None
    first: str | None = None  # the first meaningful line, for a fallback title
    end: int = 0  # index of the first line after the header


@dataclass
class _Footer:
    start: int
    recipients: list[str] = field(default_factory=list)
    serial: str | None = None
    copies: int | None = None


def _lines(text: str) -> list[_Line]:
    raw = [_SPACES.sub(" ", ln).strip() for ln in text.split("\n")]
    raw = ["" if _PAGE_NUMBER.match(ln) else ln for ln in raw]
    out: list[_Line] = []
    for i, ln in enumerate(raw):
        if ln:
            before = i == 0 or not raw[i - 1]
            after = i == len(raw) - 1 or not raw[i + 1]
            out.append(_Line(ln, before, after))
    return out


def _section(line: str) -> str | None:
    m = _SECTION.match(line)
    return (m["a"] or m["b"] or m["c"]) if m else None


def _issuer(part: str) -> str | None:
    part = part.strip(" ()（）")
    if 2 <= len(part) <= 30 and _ORG_END.search(part) and not re.search(r"[，。,；;！？]", part):
        return _EDITOR_MARK.sub("", part) or None
    return None


def _parse_header(lines: list[_Line]) -> _Header:
    h = _Header()
    for i, line in enumerate(lines[:HEADER_LINES]):
        t = line.text
        if _section(t) is not None or split_heading(t) is not None or len(t) > 60:
            break
        if _CONFIDENTIAL.match(t) and len(t) <= 24:
            h.end = i + 1
            continue
        used = False
        for part in _SPLIT_PARTS.split(t):
            if h.issue is None and (iss := parse_issue(part)) is not None and len(part) <= 30:
                h.issue, used = iss, True
                continue
            if h.date is None and (date := find_date(part)) is not None:
                h.date, used = date, True
                rest = re.sub(r"[0-9〇零○一二三四五六七八九十]+\s*年.*?[日号]|\d{4}[-./]\d{1,2}[-./]\d{1,2}", "", part).strip()
                if h.issuer is None and rest and (org := _issuer(rest)):
                    h.issuer = org
                continue
            if h.series is None and _SERIES.search(part) and len(part) <= 30 and "期" not in part:
                h.series, used = part, True
                continue
            if h.issuer is None and (h.issue or h.series) and (org := _issuer(part)):
                h.issuer, used = org, True
                continue
        if h.first is None and not used:
            h.first = t
        if used:
            h.end = i + 1
        elif h.series or h.issue or h.date:
            break
    return h


def _parse_footer(lines: list[_Line], lo: int) -> _Footer:
    start = len(lines)
    for j in range(max(lo, len(lines) - FOOTER_LINES), len(lines)):
        t = lines[j].text
        if _FOOTER_KEY.match(t) or _COLOPHON.match(t) or (len(t) <= 60 and (_SERIAL.search(t) or _COPIES.search(t))):
            start = j
            break
    f = _Footer(start)
    for line in lines[start:]:
        t = line.text
        serial = _SERIAL.search(t)
        copies = _COPIES.search(t)
        if serial and f.serial is None:
            f.serial = re.sub(r"\s+", "", serial.group())
        if copies and f.copies is None:
            f.copies = cn_number(copies["n"])
        if m := _FOOTER_KEY.match(t):
            f.recipients.append(f"{m['key']}：{m['rest']}".rstrip("："))
        elif serial or copies or _COLOPHON.match(t):
            continue
        elif f.recipients:
            prev = f.recipients[-1]
            f.recipients[-1] = prev + t if prev.endswith(("，", "、", ",", "；")) else f"{prev} {t}"
    return f


def _paragraphs(lines: list[str]) -> tuple[str, ...]:
    paras: list[str] = []
    buf = ""
    for raw in lines:
        if buf and starts_item(raw):
            paras.append(buf)
            buf = ""
        buf = join_lines(buf, strip_bullet(raw))
        if ends_paragraph(raw):
            paras.append(buf)
            buf = ""
    if buf:
        paras.append(buf)
    return tuple(p for p in (clean_spaces(p) for p in paras) if p)


@dataclass
class _Draft:
    title: str
    place: str | None
    section: str | None
    lines: list[str] = field(default_factory=list)


def _heading_key(text: str) -> str:
    return _KEY_STRIP.sub("", text)


def _heading_title_ok(title: str) -> bool:
    """A heading's title is short and not a sentence (南京市：今年以来…。 is body text)."""
    return len(title) <= 40 and not title.endswith(("。", "！", "？", "；", "，", ",", ";"))


def _is_plain_heading(lines: list[_Line], k: int, mid_paragraph: bool) -> bool:
    """A short standalone line without final punctuation, followed by body text."""
    line = lines[k]
    t = line.text
    if mid_paragraph or len(t) > 30 or ends_paragraph(t) or starts_item(t):
        return False
    if re.search(r"[，。,；;！？!?]", t) or not (line.blank_before and line.blank_after):
        return False
    if k + 1 >= len(lines):
        return False
    nxt = lines[k + 1].text
    return ends_paragraph(nxt) or len(nxt) > 30


def _drafts(lines: list[_Line]) -> list[_Draft]:
    kinds: list[tuple[str, object]] = []
    for line in lines:
        if (sec := _section(line.text)) is not None:
            kinds.append(("section", sec))
        elif (head := split_heading(line.text)) is not None and _heading_title_ok(head[1]):
            kinds.append(("heading", head))
        else:
            kinds.append(("text", None))
    # A table of contents: short lines that repeat a later line (headings listed first).
    keys = [_heading_key(ln.text) if len(ln.text) <= 40 and not ends_paragraph(ln.text) else None for ln in lines]
    last = {key: k for k, key in enumerate(keys) if key}
    toc = {k for k, key in enumerate(keys) if key and kinds[k][0] != "section" and last[key] > k}

    drafts: list[_Draft] = []
    section: str | None = None
    current: _Draft | None = None
    orphan: list[str] = []
    for k, line in enumerate(lines):
        if k in toc:
            continue
        kind, value = kinds[k]
        target = current.lines if current else orphan
        mid = bool(target) and not ends_paragraph(target[-1])
        if kind == "section":
            section = value  # type: ignore[assignment]
            current = None
        elif kind == "heading":
            place, title = value  # type: ignore[misc]
            current = _Draft(title, place, section)
            drafts.append(current)
        elif _is_plain_heading(lines, k, mid):
            current = _Draft(line.text, None, section)
            drafts.append(current)
        else:
            target.append(line.text)
    if orphan:
        first = orphan[0]
        if len(first) <= 40 and not ends_paragraph(first) and len(orphan) > 1:
            lead = _Draft(first, None, None, orphan[1:])
        else:
            lead = _Draft(first if len(first) <= 30 else first[:30] + "…", None, None, orphan)
        drafts.insert(0, lead)
    return drafts


def parse_raw_text(text: str, path: str) -> Bulletin:
    """A Bulletin from the text of a raw-text issue (see the module docstring)."""
    lines = _lines(text)
    warnings: list[str] = []
    header = _parse_header(lines)
    headerless = header.series is None and header.issue is None
    if headerless:
        series = lines[0].text if lines else path
        series = series if len(series) <= 60 else series[:60] + "…"
        header = _Header(series=series, end=0)  # the first line also titles the first article
        warnings.append("no bulletin header (series title, issue number) found: title from the first line")
    elif header.series is None:
        header.series = header.first or lines[0].text
        warnings.append("no series title line found")
    if not headerless:
        if header.issue is None or header.issue.issue is None:
            warnings.append("no issue number found")
        if header.date is None:
            warnings.append("no date found")
    issue = header.issue or IssueNumber(None, None, None)
    year = issue.year if issue.year is not None else (header.date.year if header.date else None)
    if issue.year is not None and header.date is not None and issue.year != header.date.year:
        warnings.append(f"issue year {issue.year} differs from the date {header.date.isoformat()}")

    footer = _parse_footer(lines, header.end)
    body = lines[header.end : footer.start]
    drafts = _drafts(body)
    if not drafts and headerless and lines:
        drafts = [_Draft(lines[0].text, None, None, [lines[0].text])]
    if not drafts:
        warnings.append("no articles found")

    series = header.series or path
    bid = make_bulletin_id(series, year, issue.issue, header.date, fallback=path)
    articles = []
    for n, d in enumerate(drafts, 1):
        paragraphs = _paragraphs(d.lines)
        if not paragraphs:
            warnings.append(f"article {n} ({d.title}) has no text")
        title = d.title.strip()
        articles.append(make_article(bid, n, title, d.place, d.section, paragraphs, "\n\n".join(paragraphs)))
    return Bulletin(
        id=bid,
        path=path,
        format="text",
        series=series,
        issue=issue.issue,
        issue_total=issue.total,
        year=year,
        date=header.date,
        issuer=header.issuer,
        serial=footer.serial,
        copies=footer.copies,
        recipients=tuple(footer.recipients),
        articles=tuple(articles),
        warnings=tuple(warnings),
    )
