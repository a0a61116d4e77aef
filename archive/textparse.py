"""The 简报 layout: a Document's lines → a Bulletin of articles.

An issue looks like: confidentiality marks (工作资料 注意保存), the 报头 — the
series title (…简报, often red and large), the issue line (第11期, 第十一期,
2023年第3期（总第58期）, with （总第N期） on the same line or the next), the
issuer (江苏省文明办, XX编印) and the date, on one line, on two, or in a table —
then the red rule; section markers (【工作交流】), a table of contents repeating
the article headings, the articles (headed `<place>：<title>`, or a bare title on
a line of its own or marked by the format's size/bold/alignment hints), 编者按
notes, 附件, and the 报尾 (报：… 送：… 发：… recipients, (苏简字1004号 共印400份)).

Patterns are matched on each line's folded key (traditional → simplified,
same length): 創文簡報 and （總第十六期） parse as 创文简报 and （总第十六期）,
while every value is sliced from the text as written.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from archive.articles import make_article
from archive.dates import ISSUE_SPAN, IssueNumber, cn_number, find_date, parse_issue
from archive.headings import split_heading
from archive.layout import Line, body_size
from archive.layouts import jianbao as body_model
from archive.model import Bulletin, make_bulletin_id
from archive.paragraphs import clean_spaces, clean_title, ends_paragraph, ends_sentence, join_lines, starts_item, strip_bullet

__all__ = ["Footer", "glued_footer_at", "is_confidential_mark", "issuer_name", "label_issue", "paragraphs_of", "parse_bulletin_lines", "parse_footer"]

P = body_model.JIANBAO  # the named thresholds (archive/layouts/jianbao.py)
_PART_ORDER = list(body_model.PARTS)
HEADER_LINES = P.header_lines  # the header is within this many non-blank lines
FOOTER_LINES = P.footer_lines  # the footer is within this many last non-blank lines
_CONFIDENTIAL = re.compile(r"^(?:工作资料|内部资料|内部刊物|内部材料|注意保存|秘密|机密|绝密|内部|密级|此件|内部交流|请勿外传|仅供参考)")
_SERIES = re.compile(r"(?:简报|通报|动态|快报|信息|专报|要情|参考|通讯|周报|月报|旬报|专刊|特刊|增刊|摘报|简讯|内参|情况反映|工作交流|督查通报)(?:\s*[（(][^）)]{1,12}[）)])?$")
_SECTION = re.compile(
    r"^(?:【\s*(?P<a>[^】]{1,20}?)\s*】|〔\s*(?P<b>[^〕]{1,20}?)\s*〕|［\s*(?P<c>[^］]{1,20}?)\s*］"
    r"|[★☆■□◆◇▲●◎]\s*(?P<d>[\u4e00-\u9fff]{2,10})\s*[★☆■□◆◇▲●◎]?)$"  # ★工作动态, ■ 基层经验
)
_ORG_END = re.compile(
    r"(?:办公室|委员会|指挥部|领导小组|工作组|办|委|部|厅|局|政府|中心|会|社|院|处|室|组|站|所|队|馆|街道|公司|集团|部[\u4e00-\u9fff]{1,10}司)"
    r"(?:编印|编制|编|主办|印发|编发|制)?$"
)
_EDITOR_MARK = re.compile(r"(?:编印|编制|编|主办|印发|编发|制)$")
_EDITOR_PREFIX = re.compile(r"^(?:编印单位|编印|主办单位|主办|编发单位|编发|承办)\s*[:：]\s*")
_ISSUE_NO = re.compile(r"[（(]?\s*第\s*(?P<n>[0-9０-９一二三四五六七八九十百零〇]{1,5})\s*号\s*[）)]?")  # 第3号 alone under the series
_SECTION_LEAD = re.compile(r"^【\s*(?P<a>[^】]{2,12}?)\s*】\s*(?=\S)")  # 【工作动态】 before a title on its line
_FOOTER_KEY = re.compile(r"^(?P<key>报|送|发|抄送|抄报|分送|主送|报送|发送|印发)(?:单位|范围|对象)?\s*[:：]\s*(?P<rest>.*)$")
_COLOPHON = re.compile(r"^(?:责任编辑|编辑|签发|审核|审稿|校对|联系人|联系电话|电话|地址|邮编|投稿邮箱|邮箱)\s*[:：]")
_SERIAL = re.compile(r"[\u4e00-\u9fff]{1,8}字\s*(?:[〔\[［(（]\s*\d{4}\s*[〕\]］)）]\s*)?第?\s*\d+\s*号")
_COPIES = re.compile(r"共印\s*(?P<n>[0-9０-９〇零一二三四五六七八九十百千万]+)\s*份")
_SPLIT_PARTS = re.compile(r"\S+(?: \S+)*")  # parts are set apart by two or more spaces
_KEY_STRIP = re.compile(r"[\s:：]")
_DATE_TEXT = re.compile(r"[0-9〇零○一二三四五六七八九十]+\s*年\s*[0-9一二三四五六七八九十]+\s*月\s*[0-9一二三四五六七八九十]+\s*[日号]|\d{4}[-./]\d{1,2}[-./]\d{1,2}")
_TOC_TITLES = {"目录", "本期目录", "本期要目", "要目", "内容提要", "本期导读", "导读", "本期内容", "内容摘要", "本期要览"}
_ISSUE_SPAN = ISSUE_SPAN  # one spelling of an issue line for every parser (archive/dates.py)
_PIECE_STRIP = set(" ()（）,，、:：;；·-—")
_LABEL_ONLY = re.compile(r"(?:日期|时间|出版日期|印发日期|编印日期|期号|期数)")
_TOC_LEADER = re.compile(r"\s*(?:[.．…·•_]\s*){4,}[0-9０-９]{0,3}\s*$|[.．…·•_]{2,}\s*[0-9０-９]{1,3}\s*$")  # ……3
_EDITOR_NOTE = re.compile(r"^(?:编者按|编者的话|编者|按语|编后|编后语)\s*[:：]?")
_ATTACHMENT = re.compile(r"^附\s*件\s*[0-9０-９一二三四五六七八九十]*\s*[:：]?\s*$")


@dataclass
class _Header:
    series: str | None = None
    issue: IssueNumber | None = None
    date: dt.date | None = None
    issuer: str | None = None
    first: str | None = None  # the first meaningful line, for a fallback title
    end: int = 0  # index of the first line after the header
    parts: dict[int, list[str]] = field(default_factory=dict)  # line index → the 报头 elements it gave (PARTS' keys)

    def gave(self, i: int, part: str) -> None:
        """Line i gave this element of the 报头."""
        self.parts.setdefault(i, []).append(part)


@dataclass
class Footer:
    """The 报尾: where it starts, its recipient lines, serial and print run."""

    start: int
    recipients: list[str] = field(default_factory=list)
    serial: str | None = None
    copies: int | None = None
    parts: dict[int, str] = field(default_factory=dict)  # line index → its element of the 报尾 (PARTS' keys)


def _section(key: str) -> tuple[int, int] | None:
    """The span of a 【section】 marker's name in `key`, or None."""
    m = _SECTION.match(key)
    if m is None:
        return None
    g = next(g for g in "abcd" if m[g] is not None)
    return m.span(g)


def _sectioned(key: str) -> tuple[int, int, int] | None:
    """A 栏目 marker heading an article's title on one line (【工作动态】某某县召开…): the span of the
    section's name and where the title starts; None for a marker alone, or before a sentence (an
    editor's note, 【编者按】近年来…。)."""
    m = _SECTION_LEAD.match(key)
    if m is None or _EDITOR_NOTE.match(m["a"]):
        return None
    title = key[m.end() :]
    if not _heading_title_ok(title) or ends_sentence(title) or len(title) < 4:
        return None
    return m.start("a"), m.end("a"), m.end()


def _parts(line: Line) -> list[tuple[str, str]]:
    """The parts of a line set apart by two or more spaces, as (text, key)."""
    return [(line.text[m.start() : m.end()], m.group()) for m in _SPLIT_PARTS.finditer(line.key) if m.group()]


def is_confidential_mark(key: str) -> bool:
    """A 简报 header's handling mark (工作资料 注意保存, 内部资料): read, not archived."""
    return bool(_CONFIDENTIAL.match(key)) and len(key) <= P.mark_max


def issuer_name(text: str, key: str) -> str | None:
    """The organisation in an issuer part (江苏省文明办, XX编印, 主办：XX), or None."""
    m = _EDITOR_PREFIX.match(key)
    if m:
        text, key = text[m.end() :], key[m.end() :]
    lead = len(key) - len(key.lstrip(" ()（）"))
    text, key = text[lead:], key[lead:]
    tail = len(key) - len(key.rstrip(" ()（）"))
    if tail:
        text, key = text[:-tail], key[:-tail]
    if 2 <= len(key) <= P.issuer_max and _ORG_END.search(key) and not re.search(r"[，。,；;！？]", key):
        mark = _EDITOR_MARK.search(key)
        if mark and len(key) - (mark.end() - mark.start()) >= 2 and _ORG_END.search(key[: mark.start()]):
            text = text[: mark.start()]
        return text.strip() or None
    return None


def _cut(text: str, key: str, start: int, end: int) -> tuple[str, str]:
    """`text`/`key` with [start, end) replaced by a gap."""
    return text[:start] + "  " + text[end:], key[:start] + "  " + key[end:]


def _pieces(text: str, key: str) -> list[tuple[str, str]]:
    """What is left of a part once its issue and date are out: pieces set apart by
    gaps, without labels (日期：) or stray brackets and punctuation."""
    out = []
    for m in _SPLIT_PARTS.finditer(key):
        lo, hi = m.start(), m.end()
        while lo < hi and key[lo] in _PIECE_STRIP:
            lo += 1
        while hi > lo and key[hi - 1] in _PIECE_STRIP:
            hi -= 1
        piece = key[lo:hi]
        if piece and not _LABEL_ONLY.fullmatch(piece):
            out.append((text[lo:hi], piece))
    return out


def _take_issue(h: _Header, iss: IssueNumber) -> bool:
    """Record an issue line; a （总第N期） line after 第N期 completes it."""
    if h.issue is None:
        h.issue = iss
        return True
    if iss.issue is None and iss.total is not None and h.issue.total is None:
        h.issue = IssueNumber(h.issue.issue, iss.total, h.issue.year)
        return True
    if h.issue.issue is None and iss.issue is not None:  # 总第N期 stood above 第N期
        h.issue = IssueNumber(iss.issue, h.issue.total or iss.total, iss.year)
        return True
    return False


def _parse_header(lines: list[Line]) -> _Header:
    h = _Header()
    size = body_size(lines)
    for i, line in enumerate(lines[:HEADER_LINES]):
        key = line.key
        if i > 0 and lines[i - 1].rule_after and (h.series or h.issue) and (h.date or h.issuer):
            break  # the red rule closes the 报头
        if _EDITOR_PREFIX.match(key) and h.issuer is None:
            text, pkey, dated = line.text, key, None
            if (m := _DATE_TEXT.search(pkey)) and (date := find_date(m.group())) is not None:  # 主办：XX  2024年5月6日
                text, pkey = text[: m.start()].rstrip(), pkey[: m.start()].rstrip()
                dated = date if h.date is None else None
                h.date = h.date or date
            if org := issuer_name(text, pkey):
                h.issuer, h.end = org, i + 1  # 主办：XX / 编印单位：XX
                h.gave(i, "issuer")
                if dated is not None:
                    h.gave(i, "date")
                continue
        if _section(key) is not None or split_heading(key) is not None or len(key) > P.header_line_max:
            break
        if is_confidential_mark(key):
            h.end = i + 1
            h.gave(i, "mark")
            continue
        used = False
        parts = _parts(line)
        issue_line = any(parse_issue(p) is not None for _, p in parts)
        big = line.red or (line.size is not None and size is not None and line.size >= size + 4)
        for text, part in parts:
            # Take the issue and the date out of the part; what is left (set apart
            # by two spaces) may be the series or the issuer: 创文简报 第9期 2023年5月6日.
            # Every issue span of the part: 第9期 总第250期 (one space between, as a PDF's text has it).
            at = 0
            while len(part) <= P.issue_part_max and (m := _ISSUE_SPAN.search(part, at)) is not None:
                at = m.end()
                if (iss := parse_issue(m.group())) is not None and _take_issue(h, iss):
                    used = True
                    if iss.issue is not None:
                        h.gave(i, "issue")
                    if iss.total is not None:
                        h.gave(i, "total")
                    text, part = _cut(text, part, m.start(), m.end())
                    at = m.start() + 2
            if h.issue is None and h.series is not None and (m := _ISSUE_NO.fullmatch(part)) and (n := cn_number(m["n"])) is not None:
                h.issue, used = IssueNumber(n, None, None), True  # 情况通报 / 第3号: an issue numbered as a 号 under the series
                h.gave(i, "issue")
                text, part = _cut(text, part, m.start(), m.end())
            if (m := _DATE_TEXT.search(part)) and (date := find_date(m.group())) is not None and h.date is None:
                h.date, used = date, True
                h.gave(i, "date")
                text, part = _cut(text, part, m.start(), m.end())
            for piece_text, piece in _pieces(text, part):
                if h.series is None and len(piece) <= P.series_max and "期" not in piece and (_SERIES.search(piece) or (big and h.issue is None)):
                    h.series, used = piece_text, True
                    h.gave(i, "name")
                elif h.issuer is None and (h.issue or h.series or h.date or issue_line) and (org := issuer_name(piece_text, piece)):
                    h.issuer, used = org, True
                    h.gave(i, "issuer")
        if h.first is None and not used and not (h.series or h.issue or h.date):
            h.first = line.text
        if used:
            h.end = i + 1
        elif h.series or h.issue or h.date:
            break
    return h


_KEY_AT = r"(?:报|送|发|抄送|抄报|分送|报送|发送)(?:单位|范围|对象)?\s*[:：]"
# A 报尾 glued to the last article's final sentence (a PDF's text): …增收2万元。报：县委…
_GLUED_FOOTER = re.compile(rf"(?<=[。！？；”」])\s*(?={_KEY_AT})")
# Another key of the 报尾 on the same line: 送：县直有关部门 发：各乡镇 共印200份.
_NEXT_KEY = re.compile(rf"\s+(?={_KEY_AT})|(?<=[\u4e00-\u9fff])(?<![抄分报发])(?={_KEY_AT})")


def glued_footer_at(key: str) -> int | None:
    """Where a 报尾 (报：/送：/发：) glued to a line's sentence starts in it, or None."""
    m = _GLUED_FOOTER.search(key)
    return m.end() if m is not None and m.end() < len(key) else None


def split_glued_footer(lines: list[Line], lo: int) -> list[Line]:
    """`lines` with a 报尾 glued to the end of a sentence among the last lines set on a line of its own
    (the same paragraph number: --explain places both parts)."""
    for j in range(len(lines) - 1, max(lo, len(lines) - FOOTER_LINES) - 1, -1):
        at = glued_footer_at(lines[j].key)
        if at is None:
            continue
        ln = lines[j]
        head = dataclasses.replace(ln, text=ln.text[:at].rstrip(), key=ln.key[:at].rstrip(), blank_after=True)
        tail = dataclasses.replace(ln, text=ln.text[at:], key=ln.key[at:], blank_before=True)
        return [*lines[:j], head, tail, *lines[j + 1 :]]
    return lines


def parse_footer(lines: list[Line], lo: int) -> Footer:
    """The 报尾 among the last FOOTER_LINES lines (from `lo` on)."""
    evidence = [_footer_evidence(ln.key) if j >= lo else None for j, ln in enumerate(lines)]
    start = body_model.footer_start(evidence, lo)
    f = Footer(start)
    for j, line in enumerate(lines[start:], start):
        t, k = line.text, line.key
        f.parts[j] = evidence[j] or (f.parts[j - 1] if j - 1 in f.parts else "to")
        serial = _SERIAL.search(k)
        copies = _COPIES.search(k)
        if serial and f.serial is None:
            f.serial = re.sub(r"\s+", "", t[serial.start() : serial.end()])
        if copies and f.copies is None:
            f.copies = cn_number(copies["n"])
        if m := _FOOTER_KEY.match(k):
            cuts = [0, *(c.end() for c in _NEXT_KEY.finditer(k)), len(k)]
            for a, b in zip(cuts, cuts[1:]):  # one recipient entry per key, the print run and serial left out
                pt, pk = t[a:b], k[a:b]
                for extra in (_COPIES.search(pk), _SERIAL.search(pk)):
                    if extra is not None and extra.start() > 0:
                        pt, pk = pt[: extra.start()], pk[: extra.start()]
                pt, pk = _strip_open(pt, pk)
                if (pm := _FOOTER_KEY.match(pk)) is not None:
                    f.recipients.append(f"{pt[: pm.end('key')]}：{pt[pm.start('rest') :]}".rstrip("："))
        elif serial or copies or _COLOPHON.match(k):
            continue
        elif f.recipients:
            prev = f.recipients[-1]
            f.recipients[-1] = prev + t if prev.endswith(("，", "、", ",", "；")) else f"{prev} {t}"
    if not (f.recipients or f.serial or f.copies):
        return Footer(len(lines))  # only 联系人/电话 lines: the last article's own text
    return f


def _footer_evidence(key: str) -> str | None:
    """What a line carries of a 报尾: a 报/送/发 key (`to`), a print run, a serial, a colophon (编辑, 联系人)."""
    if _FOOTER_KEY.match(key):
        return "to"
    if _COLOPHON.match(key):
        return "colophon"
    if len(key) <= P.footer_line_max:
        if _COPIES.search(key):
            return "copies"
        if _SERIAL.search(key):
            return "serial"
    return None


def _strip_open(text: str, key: str) -> tuple[str, str]:
    """A recipient entry without the white space and the stray brackets of a print run cut off
    after it (…各乡镇（共印200份） → …各乡镇), its own closed bracket kept (发：各村（社区）)."""
    while key and key[-1] in " （(）)":
        if key[-1] in "）)" and key.count("（") + key.count("(") >= key.count("）") + key.count(")"):
            break  # the entry's own bracket closes here
        text, key = text[:-1], key[:-1]
    return text, key


def paragraphs_of(lines: list[Line]) -> tuple[str, ...]:
    """Lines → paragraphs: raw-text lines joined until final punctuation or a
    list item; whole paragraphs kept as they are."""
    paras: list[str] = []
    buf = ""
    for line in lines:
        raw = line.text
        if line.whole:
            if buf:
                paras.append(buf)
                buf = ""
            paras.append(strip_bullet(raw))
            continue
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
    lines: list[Line] = field(default_factory=list)


def _heading_key(text: str) -> str:
    """A heading as a table of contents lists it: no spaces or colons, no dot
    leader and page number (淮安市：疫情防控……3 → 淮安市疫情防控)."""
    return _KEY_STRIP.sub("", _TOC_LEADER.sub("", text))


def _heading_title_ok(title: str) -> bool:
    """A heading's title is short and not a sentence (南京市：今年以来…。 is body text)."""
    return len(title) <= P.heading_max and not title.endswith(("。", "！", "？", "；", "，", ",", ";"))


def _is_plain_heading(lines: list[Line], k: int, mid_paragraph: bool, size: float | None) -> bool:
    """A short standalone line without final punctuation, followed by body text
    (or a paragraph the format's hints mark as a heading)."""
    line = lines[k]
    t = line.key
    if mid_paragraph or len(t) > P.heading_max or ends_paragraph(t) or starts_item(t) or _EDITOR_NOTE.match(t):
        return False
    if k + 1 >= len(lines):
        return False
    nxt = lines[k + 1]
    if line.whole and line.hinted_heading(size) and not nxt.hinted_heading(size):
        return True
    if len(t) > P.plain_heading_max or re.search(r"[，。,；;！？!?]", t) or not (line.blank_before and line.blank_after):
        return False
    if line.whole and size is not None and line.size is not None and line.size < size:
        return False  # smaller than the body: a caption or a by-line
    return ends_paragraph(nxt.key) or len(nxt.key) > P.body_after_heading


def _drafts(lines: list[Line], warnings: list[str], labels: dict[int, str] | None = None) -> list[_Draft]:
    """The articles of a 简报's body lines; `labels` (when given) gets each line's element (PARTS' keys)."""
    size = body_size(lines)
    labels = {} if labels is None else labels
    # Per line: its kind and, for a section or heading, (name, None) or (place, title).
    kinds: list[tuple[str, tuple[str | None, str]]] = []
    for line in lines:
        if (span := _section(line.key)) is not None:
            kinds.append(("section", (None, line.text[span[0] : span[1]])))
        elif (lead := _sectioned(line.key)) is not None:  # 【工作动态】某某县召开防汛工作部署会
            kinds.append(("sectioned", (line.text[lead[0] : lead[1]], line.text[lead[2] :])))
        elif line.key in _TOC_TITLES or _heading_key(line.key) in _TOC_TITLES:
            kinds.append(("toc-title", (None, "")))
        elif (head := split_heading(line.key)) is not None and _heading_title_ok(head[1]):
            cut = len(line.key) - len(head[1])
            place = line.text[: len(head[0])]
            kinds.append(("heading", (place, line.text[cut:])))
        elif _ATTACHMENT.match(line.key):
            kinds.append(("attachment", (None, "")))
        else:
            kinds.append(("text", (None, "")))
    # A table of contents: short lines that repeat a later line (headings listed first).
    keys = [_heading_key(ln.key) if len(ln.key) <= P.toc_entry_max and (not ends_paragraph(ln.key) or _TOC_LEADER.search(ln.key)) else None for ln in lines]
    last = {key: k for k, key in enumerate(keys) if key}
    for k in range(len(keys) - 1):  # a title over two lines is listed on one: 某某镇…改造各项指标稳中有进
        a, b = keys[k], keys[k + 1]
        if a and b and not lines[k].rule_after:
            last.setdefault(a + b, k)
            last[a + b] = max(last[a + b], k)
    repeats = [bool(key) and kinds[k][0] not in ("section", "attachment") and last[key] > k for k, key in enumerate(keys)]
    # … listed together: a line that repeats a later one is an entry only in a run of such lines, or
    # alone where a 目录 stands — first in the body, or under a 目录 title or a 栏目 line (【工作交流】 and
    # the one title of the issue) — (a title's second line that recurs, 各项指标稳中有进, is not a table
    # of contents).
    toc = {
        k
        for k in range(len(lines))
        if repeats[k]
        and (k == 0 or repeats[k - 1] or kinds[k - 1][0] in ("toc-title", "section") or (k + 1 < len(lines) and repeats[k + 1]))
    }
    toc |= {k for k, ln in enumerate(lines) if _TOC_LEADER.search(ln.key) and len(ln.key) <= P.leader_line_max}  # "…………3"
    labels.update({k: "toc" for k in toc} | {k: "toc" for k in range(len(lines)) if kinds[k][0] == "toc-title"})

    # The model labels the rest: which lines start an article, which carry on its title (archive/layouts/jianbao.py).
    seq = [k for k in range(len(lines)) if k not in toc and kinds[k][0] != "toc-title"]
    attach_title = {
        k + 1
        for k in seq
        if kinds[k][0] == "attachment" and k + 1 < len(lines) and kinds[k + 1][0] == "text" and len(lines[k + 1].text) <= P.heading_max and not ends_paragraph(lines[k + 1].text)
    }
    fixed = [kinds[k][0] != "text" or k in attach_title for k in seq]
    old = []
    for i, k in enumerate(seq):
        prev = lines[seq[i - 1]] if i else None
        mid = prev is not None and not fixed[i - 1] and not prev.whole and not ends_paragraph(prev.text)
        old.append(not fixed[i] and _is_plain_heading(lines, k, mid, size))
    decoded = body_model.label_body([lines[k] for k in seq], fixed, old)
    warnings.extend(body_model.close_calls([lines[k] for k in seq], decoded))

    drafts: list[_Draft] = []
    section: str | None = None
    current: _Draft | None = None
    orphan: list[Line] = []
    orphan_at: list[int] = []
    for i, k in enumerate(seq):
        line = lines[k]
        kind, value = kinds[k]
        label = decoded[i].label
        target = current.lines if current else orphan
        labels[k] = (
            "attachment" if kind == "attachment" or k in attach_title
            else "section" if kind == "section"
            else "title" if kind in ("heading", "sectioned")
            else "note" if label == "body" and _EDITOR_NOTE.match(line.key)
            else label
        )
        if k in attach_title:
            continue  # read with its 附件 line
        if kind == "section":
            section = value[1]
            current = None
        elif kind == "heading":
            place, title = value
            current = _Draft(title, place, section)
            drafts.append(current)
        elif kind == "sectioned":
            section, title = value
            current = _Draft(title, None, section)
            drafts.append(current)
        elif kind == "attachment":
            title = f"{line.text} {lines[k + 1].text}" if k + 1 in attach_title else line.text
            current = _Draft(title, None, section)
            drafts.append(current)
        elif label == "title":
            current = _Draft(line.text, None, section)
            drafts.append(current)
        elif label == "cont" and current is not None:
            current.title = join_lines(current.title, line.text)
        else:
            target.append(line)
            if not current:
                orphan_at.append(k)
    if orphan:
        first = orphan[0].text
        note = _EDITOR_NOTE.match(orphan[0].key)
        if note:  # an editor's note to the whole issue
            lead = _Draft(orphan[0].text[: len(note.group().rstrip(":： "))], None, None, orphan)
        elif len(first) <= P.heading_max and not ends_paragraph(first) and len(orphan) > 1:
            lead = _Draft(first, None, None, orphan[1:])
            labels[orphan_at[0]] = "title"
        else:
            lead = _Draft(first if len(first) <= P.lead_title_max else first[: P.lead_title_max] + "…", None, None, orphan)
        drafts.insert(0, lead)
    return drafts


def label_issue(lines: list[Line]) -> list[tuple[Line, str]]:
    """Each line of a 简报 with its element (archive/layouts/jianbao.PARTS' keys): the 报头's name,
    期号, 总期号, 编发单位 and 日期, the body's 目录, 按语, 栏目, 标题 and 正文, the 报尾's 报/送/发 and
    共印 — as parse_bulletin_lines reads them. A 报尾 glued to a sentence is its own line here."""
    labels: dict[int, str] = {}
    split: list[Line] = []
    _parse(lines, "", "text", (), None, labels, split)
    return [(ln, labels.get(k, "body")) for k, ln in enumerate(split)]


def parse_bulletin_lines(
    lines: list[Line], path: str, fmt: str, ocr: tuple[float, ...] = (), meta: Mapping[str, str] | None = None
) -> Bulletin:
    """A Bulletin from the lines of a 简报 (see the module docstring); a saved
    page's metadata (发文机关, 成文日期) fills in an issuer or date the 报头 lacks."""
    return _parse(lines, path, fmt, ocr, meta)


def _parse(
    lines: list[Line],
    path: str,
    fmt: str,
    ocr: tuple[float, ...],
    meta: Mapping[str, str] | None,
    labels: dict[int, str] | None = None,
    split: list[Line] | None = None,
) -> Bulletin:
    """parse_bulletin_lines; `labels` (when given) gets each line's element, by index in `split`
    (the lines with a glued 报尾 set apart)."""
    warnings: list[str] = []
    header = _parse_header(lines)
    headerless = header.series is None and header.issue is None
    if headerless:
        series = lines[0].text if lines else path
        series = series if len(series) <= P.series_fallback_max else series[: P.series_fallback_max] + "…"
        header = _Header(series=series, end=0)  # the first line also titles the first article
        warnings.append("no bulletin header (series title, issue number) found: title from the first line")
    elif header.series is None:
        header.series = header.first or header.issuer or lines[0].text
        warnings.append("no series title line found")
    meta = meta or {}
    if header.issuer is None and meta.get("发文机关"):
        header.issuer = meta["发文机关"]
    if header.date is None and meta.get("成文日期"):
        header.date = find_date(meta["成文日期"])
    if not headerless:
        if header.issue is None or header.issue.issue is None:
            warnings.append("no issue number found")
        if header.date is None:
            warnings.append("no date found")
    issue = header.issue or IssueNumber(None, None, None)
    year = issue.year if issue.year is not None else (header.date.year if header.date else None)
    if issue.year is not None and header.date is not None and issue.year != header.date.year:
        warnings.append(f"issue year {issue.year} differs from the date {header.date.isoformat()}")

    lines = split_glued_footer(lines, header.end)
    footer = parse_footer(lines, header.end)
    body = lines[header.end : footer.start]
    body_labels: dict[int, str] = {}
    drafts = _drafts(body, warnings, body_labels)
    if labels is not None and split is not None:
        split[:] = lines
        for i in range(header.end):
            parts = header.parts.get(i)
            labels[i] = min(parts, key=_PART_ORDER.index) if parts else "head"  # of a line's elements, the first in PARTS (刊名 before 期号, 编发单位 before 日期)
        labels.update({header.end + k: lab for k, lab in body_labels.items()})
        labels.update(footer.parts)
    if not drafts and headerless and lines:
        drafts = [_Draft(lines[0].text, None, None, [lines[0]])]
    if not drafts:
        warnings.append("no articles found")

    series = clean_title(header.series or path)
    bid = make_bulletin_id(series, year, issue.issue, header.date, fallback=path)
    articles = []
    for n, d in enumerate(drafts, 1):
        paragraphs = paragraphs_of(d.lines)
        if not paragraphs:
            where = f" (line {d.lines[0].number})" if d.lines else ""
            warnings.append(f"article {n} ({d.title}) has no text{where}")
        title = clean_title(d.title)
        articles.append(make_article(bid, n, title, d.place, d.section, paragraphs, "\n\n".join(paragraphs)))
    return Bulletin(
        id=bid,
        path=path,
        format=fmt,
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
        ocr=ocr,
    )
