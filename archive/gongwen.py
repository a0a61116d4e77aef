"""The 公文 layout (GB/T 9704-2012 党政机关公文格式): a Document's lines → a Bulletin.

版头: 份号 (000123), 密级和保密期限 (机密★1年), 紧急程度 (特急), 发文机关标志
(`XX文件`, red and large), 发文字号 (`雄安发〔2021〕5号`) with 签发人 for an
upward document, the red rule. 主体: 标题 (centred, sometimes over two lines),
主送机关 (`各区人民政府：`), 正文, 附件说明 (`附件：1. …`), 署名, 成文日期
(2021年5月6日 or 二〇二一年五月六日, on its own line near the end), 附注
(`（此件公开发布）`), 附件 (after a line `附件` / `附件1`). 版记: 抄送, 印发机关和
印发日期 (`XX办公室  2021年5月8日印发`).

A 公文 is one article. Its 发文字号 is the serial, its 发文机关 the issuer (the
署名, else a saved page's metadata, else the 发文机关标志, else a title's
`XX关于…`), its 成文日期 the date, and its 文种 (the title's ending: 通知, 通报,
批复, 函 …) the doc_type. What the document prints comes first; a gov.cn page's
metadata table (Document.meta) fills what it lacks.

The series of a 公文 is its 发文机关标志 as printed (`路桥区卫生局文件`: GB/T 9704
defines it as the issuer's name followed by 文件, and offices file 红头文件 by it),
else `<issuer>文件` — so the same office's documents from a web page and from the
printed file fall in one series, apart from the office's 简报 — else `公文`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from archive.articles import make_article
from archive.chinese import to_simplified
from archive.dates import DATE_TEXT, ISSUE_SPAN, date_line, find_date
from archive.doctypes import doc_type_of
from archive.features import GARBLED_SERIAL, NOT_ADDRESSEE, PARAMS, Features, gap_parts, joint_organs, line_feature, serial_in, table_serial
from archive.headings import is_org_like
from archive.layout import Line, body_size
from archive.model import Bulletin, make_bulletin_id
from archive.paragraphs import clean_title, ends_paragraph, join_lines, starts_item
from archive.textparse import issuer_name, paragraphs_of

__all__ = ["looks_like_gongwen", "normalise_serial", "parse_gongwen_lines"]

_YEAR_BRACKET = r"[〔\[［(（【]\s*(?P<y>(?:19|20)\d{2})\s*[〕\]］)）】]"
_DOCNO = re.compile(rf"(?P<org>[\u4e00-\u9fff]{{0,12}}?)\s*{_YEAR_BRACKET}\s*第?\s*(?P<n>\d{{1,5}})\s*号")
_SIGNER = re.compile(r"签\s*发\s*人\s*[:：]\s*(?P<name>[\u4e00-\u9fff·](?:\s{0,3}[\u4e00-\u9fff·]){1,20})")
_MASTHEAD = re.compile(r"文件$")
_ADDRESSEE = re.compile(r"^[^。！？]{2,150}[:：]$")
_ATTACH_NOTE = re.compile(r"^附\s*件\s*[:：]\s*(?P<rest>.*)$")
_ATTACH_LINE = re.compile(r"^附\s*件\s*[0-9０-９一二三四五六七八九十]*\s*$")
_ATTACH_ITEM = re.compile(r"^(?:[0-9０-９]{1,2}\s*[.．、]\s*)?(?P<t>\S.*)$")
_NOTE = re.compile(r"^[（(](?P<n>[^（）()]{2,40})[）)]$")
_CC = re.compile(r"^(?P<key>抄\s*送|抄\s*报|分\s*送|报\s*送)\s*[:：]\s*(?P<rest>.*)$")
_PRINTED = re.compile(rf"^(?P<org>\S.*?)\s*(?P<date>{DATE_TEXT})\s*印\s*发$")
_DATE_ONLY = re.compile(rf"^(?:{DATE_TEXT}|\d{{4}}[-./]\d{{1,2}}[-./]\d{{1,2}})$")
_ISSUE_LINE = ISSUE_SPAN  # a 简报 issue line (archive/dates.py)
_SEAL = re.compile(r"^[（(]\s*(?:印章|盖章|加盖印章|签章|公章)\s*[）)]$")
HEADER_LINES = 14
_ORDER_NO = re.compile(r"^[(（]?\s*第\s*[0-9０-９〇零○一二三四五六七八九十百千]+\s*号\s*[)）]?$")
_ORDER_TITLE = re.compile(r"(?:令|公告|通告)$")
# The verb after a title's owner: XX关于…, XX转发…, XX印发…, XX批转… (the owner is the issuer when none signs).
_TITLE_VERB = re.compile(r"关于|转发|印发|批转")  # the 文种 numbered 第N号 under their name


@dataclass
class _Head:
    copy_no: str | None = None
    secrecy: str | None = None
    urgency: str | None = None
    masthead: list[str] = field(default_factory=list)
    serial: str | None = None
    serial_year: int | None = None
    signer: str | None = None
    title: str | None = None
    addressee: str | None = None
    end: int = 0  # first line of the 正文


def normalise_serial(text: str) -> str:
    """雄安发[2021]5号 / 雄安发（2021）5号 / 雄安发〔2021〕 5 号 → 雄安发〔2021〕5号."""
    m = _DOCNO.search(text) or GARBLED_SERIAL.search(text)
    if m is None:
        return re.sub(r"\s+", "", text)
    return f"{m['org']}〔{m['y']}〕{int(m['n'])}号"


def serial_parts(text: str) -> tuple[str, str, int] | None:
    """A 发文字号's parts as gov.cn splits it — 机关代字, 年份, 序号: 国办发〔2018〕108号 (any
    bracket style) → ("国办发", "2018", 108); None when `text` holds no 发文字号."""
    m = _DOCNO.search(text)
    if m is None:
        return None
    return m["org"], m["y"], int(m["n"])


def _docno_line(key: str) -> re.Match[str] | None:
    """The 发文字号 when a line is one (possibly with 签发人), else None."""
    m = _DOCNO.search(key)
    if m is None or len(key) > 60:
        return None
    rest = (key[: m.start()] + key[m.end() :]).strip()
    rest = _SIGNER.sub("", rest).strip()
    return m if len(rest) <= 2 else None


def looks_like_gongwen(lines: list[Line], meta: Mapping[str, str], strict: bool = False) -> bool:
    """Whether a document has the 公文 layout rather than the 简报 one; `strict`
    (Markdown, whose news-like issues list titles such as 关于…的通知): only a
    发文字号 or a `XX文件` masthead counts."""
    for line in lines[:HEADER_LINES]:
        if _ISSUE_LINE.search(line.key) and len(line.key) <= 40:
            return False  # an issue line: a 简报 (even on a page whose metadata gives a 发文字号)
    if meta.get("发文字号") and doc_type_of(meta.get("标题") or (lines[0].key if lines else "")):
        return True  # a saved page's 发文字号, and a title that names a 文种
    for line in lines[:HEADER_LINES]:
        k = line.key
        if _docno_line(k) is not None:
            return True
        if _MASTHEAD.search(k) and len(k) <= 40 and not re.search(r"[，。：:]", k):
            return True
    if strict:
        return False
    head = [ln.key for ln in lines[:4]]
    if any("关于" in k[:20] for k in head if doc_type_of(k) and len(k) <= 80):
        return True
    # A title that is only a 文种-ended name (…常务会议纪要, …工作方案) heading a document.
    return bool(lines) and len(lines) > 1 and doc_type_of(lines[0].key) is not None and len(lines[0].key) <= 40 and not ends_paragraph(lines[0].key)


_SITE_SUFFIX = re.compile(r"\s*[-—–]\s*[^-—–]{2,30}$")


def _page_title(title: str) -> str | None:
    """A page's title (its <title> or its metadata's 标题) as the document's, when it reads as one: it
    ends with a 文种, the site's name after a dash taken off (…的通知-某县人民政府); a page titled with
    the document's first line (各县市人民政府，…：) or its site's name gives none."""
    for t in (title.strip(), _SITE_SUFFIX.sub("", title.strip())):
        if doc_type_of(t) is not None and not ends_paragraph(t) and not t.endswith(("：", ":")):
            return t
    return None


def printed_lead(h: _Head) -> str | None:
    """The 份号, 密级 and 紧急程度 of a head, as one string to look lines up in."""
    marks = " ".join(x for x in (h.copy_no, h.secrecy, h.urgency) if x)
    return marks or None


def _passed_over(head_lines: list[Line], fields: list[str | None]) -> list[str]:
    """The head's lines whose text no head field holds (the head rules passed over them)."""
    held = "".join(re.sub(r"\s+", "", f) for f in fields if f)
    held_serial = {normalise_serial(f) for f in fields if f and serial_in(f)}
    out = []
    for ln in head_lines:
        k = re.sub(r"\s+", "", ln.text)
        if not k or k in held or (serial_in(k) is not None and normalise_serial(k) in held_serial):
            continue
        out.append(ln.text)
    return out


def _title_shape(key: str) -> bool:
    """Whether a line has a 公文 title's shape whatever its length: `…关于…` ending with a 文种, no sentence."""
    core = "".join(key.split())
    return "关于" in to_simplified(core)[:60] and doc_type_of(core) is not None and not ends_paragraph(core) and not core.endswith(("：", ":"))


def _titled(f: Features) -> bool:
    """A title by its features alone: it ends with a 文种 (《》 or a bracketed 发文字号 aside) and is no sentence."""
    return (f.doc_type or f.title_serial) and not f.sentence and not f.addressee and f.chars <= PARAMS.title_max and not f.serial_only


def _title_lead(lines: list[Line], i: int) -> bool:
    """Whether line `i` is the issuers' part of a title split before its 关于
    (国务院办公厅、中央军委办公厅 / 关于加强……的通知), not a 发文机关标志."""
    k = lines[i].key
    if i + 1 >= len(lines) or len(k) > 40 or _MASTHEAD.search(k) or lines[i].red or ends_paragraph(k):
        return False
    nxt = lines[i + 1].key
    return nxt.startswith("关于") and not ends_paragraph(nxt) and _docno_line(nxt) is None


def _is_titleish(line: Line, size: float | None) -> bool:
    k = line.key
    if len(k) > 80 or ends_paragraph(k) or k.endswith(("：", ":")) or _docno_line(k) or _DATE_ONLY.match(k):
        return False
    return bool(doc_type_of(k) or "关于" in k or line.hinted_heading(size))


def _signature_parts(text: str) -> list[str]:
    """The organisations of a 署名 line: parts set apart by a gap, or by single
    spaces when every part is an organisation (国务院办公厅 中央军委办公厅)."""
    parts = [p.strip() for p in re.split(r"\s{2,}", text) if p.strip()]
    if len(parts) == 1 and " " in parts[0]:
        words = parts[0].split()
        if all(issuer_name(w, to_simplified(w)) == w for w in words):
            return words
    return parts


def _title_continues(title: str, nxt: Line, first: Line, size: float | None) -> bool:
    """Whether the next line carries on a title split over lines."""
    k = nxt.key
    if len(k) > 40 or ends_paragraph(k) or k.endswith(("：", ":")) or _docno_line(k) or _DATE_ONLY.match(k):
        return False
    if doc_type_of(title) is None:
        return True
    # "…规划" / "编制工作的通知": the first line ended in a 文种-like word by chance.
    return nxt.hinted_heading(size) and nxt.size == first.size and doc_type_of(k) is not None


_MARK = re.compile(r"(?P<s>(?:绝密|机密|秘密)(?:\s*★\s*[^\s★]{1,8})?)|(?P<u>特急|加急|特提|平急|急件)|(?:份号\s*[:：]?\s*)?(?P<n>\d{6})")


def _head_marks(line: Line, h: _Head) -> bool:
    """Record 份号, 密级, 紧急程度 when the line holds only those (in any spacing)."""
    k = line.key
    marks = list(_MARK.finditer(k))
    if not marks or _MARK.sub("", k).strip():
        return False
    for m in marks:
        if m["s"]:
            h.secrecy = " ".join(line.text[m.start("s") : m.end("s")].split())
        elif m["u"]:
            h.urgency = m["u"]
        else:
            h.copy_no = m["n"]
    return True


def _parse_head(lines: list[Line]) -> _Head:
    h = _Head()
    size = body_size(lines)
    i = 0
    n = min(len(lines), HEADER_LINES)
    cache: dict[int, Features] = {}

    def feat(j: int) -> Features:  # one line's features, when the old tests are not enough
        if j not in cache:
            cache[j] = line_feature(lines[j], j, size)
        return cache[j]

    def addressee_at(j: int) -> bool:
        if j < len(lines) and (_ADDRESSEE.match(lines[j].key) or feat(j).addressee) and not _ATTACH_NOTE.match(lines[j].key) and not NOT_ADDRESSEE.search(lines[j].key) and h.addressee is None:
            h.addressee = lines[j].text
            return True
        return False

    while i < n:
        line = lines[i]
        k = line.key
        if _head_marks(line, h):
            pass
        elif m := _docno_line(k):
            h.serial = normalise_serial(line.text[m.start() : m.end()])
            h.serial_year = int(m["y"])
            if s := _SIGNER.search(k):
                h.signer = " ".join(line.text[s.start("name") : s.end("name")].split())
            while i + 1 < n and (d := _docno_line(lines[i + 1].key)) and normalise_serial(lines[i + 1].text[d.start() : d.end()]) == h.serial:
                i += 1  # the same 发文字号 again (a web page prints it twice)
            if h.title is not None:  # the title came first (a web page)
                i += 1
                if addressee_at(i):
                    i += 1
                break
        elif (
            h.title is None
            and h.serial is None
            and len(k) <= 40
            and (_MASTHEAD.search(k) or line.red or (is_org_like(k.replace(" ", "")) and not doc_type_of(k)))
            and not _title_lead(lines, i)
        ):
            h.masthead.append(line.text)
        elif (s := _SIGNER.match(k)) and h.signer is None:  # 签发人 on a line of its own
            h.signer = " ".join(line.text[s.start("name") : s.end("name")].split())
        elif h.title is None and (_is_titleish(line, size) or _title_lead(lines, i) or _titled(feat(i))):
            title = line.text
            first_at = i
            while i + 1 < n and len(title) <= 80 and _title_continues(title, lines[i + 1], line, size):
                title = join_lines(title, lines[i + 1].text)
                i += 1
            if feat(first_at).title_serial and i == first_at and (m := serial_in(title)) is not None:
                # …的通知（岳办发〔2017〕2号）: the 发文字号 printed after the title
                if h.serial is None:
                    h.serial = normalise_serial(title[m.start() : m.end()])
                    h.serial_year = int(m["y"])
                title = re.sub(r"\s*[（(]\s*$", "", title[: m.start()])
            if title.startswith("《") and title.endswith("》") and title.count("《") == 1:
                title = title[1:-1]  # a web page's title in 《》
            h.title = clean_title(title)
            if h.serial is None and i + 1 < len(lines) and (o := _ORDER_NO.match(lines[i + 1].key)) and _ORDER_TITLE.search(h.title):
                i += 1  # 北京市人民政府令 / 第251号: a 令's or 公告's number under its name is its 发文字号
                h.serial = re.sub(r"\s+", "", h.title + o.group())
            if addressee_at(i + 1):
                i += 1
            if h.serial is not None or not any(_docno_line(ln.key) for ln in lines[i + 1 : n]):
                i += 1
                break
        elif h.title is not None or len(k) > 20 or ends_paragraph(k):
            break  # no 版头 element: the 正文 starts here (nothing of it is dropped)
        i += 1
    h.end = min(i, len(lines))
    return h


@dataclass
class _Tail:
    start: int  # first line after the 正文 (署名, date, notes, attachments, 版记)
    issuer: list[str] = field(default_factory=list)
    date: dt.date | None = None
    annotation: str | None = None
    attachments_at: int | None = None  # the `附件` line that opens the attachments
    cc: list[str] = field(default_factory=list)
    print_org: str | None = None
    print_date: dt.date | None = None
    colophon_at: int | None = None
    date_at: int | None = None  # the 成文日期 line
    note_at: int | None = None  # the 附注 line


def _printed(lines: list[Line], j: int) -> tuple[re.Match[str], str] | None:
    """The 印发 line at `j` (a wrapped `…印` / `发` pair read as one), with its text."""
    key, text = lines[j].key, lines[j].text
    if j + 1 < len(lines) and len(lines[j + 1].key) <= 2 and not _PRINTED.match(key):
        key, text = key + lines[j + 1].key, text + lines[j + 1].text
    m = _PRINTED.match(key)
    return (m, text) if m else None


def _parse_tail(lines: list[Line], lo: int) -> _Tail:
    """署名, 成文日期, 附注, the attachments and the 版记 where the layout model's decode of the
    last lines puts them (archive/layouts/gongwen.py), assembled by `assemble_tail`; when those
    lines hold no 成文日期 (a 印发…的通知 whose attached text follows its date), the decode of the
    lines after the 版头 is read for a 署名 and its date."""
    from archive.layouts import label_window
    from archive.layouts.gongwen import TAIL_LABELS

    n = len(lines)
    start = max(lo, n - PARAMS.tail_window)
    t = _assemble_tail(lines, start, label_window(lines, start, n, TAIL_LABELS), lo)
    if t.date is None and start > lo:
        reach = min(n, lo + PARAMS.tail_search)
        early = _assemble_tail(lines, lo, label_window(lines, lo, reach, TAIL_LABELS), lo, signed=True)
        if early.date is not None:
            early.cc, early.print_org, early.print_date, early.colophon_at = t.cc, t.print_org, t.print_date, t.colophon_at
            if early.attachments_at is None or (t.attachments_at is not None and t.attachments_at > early.date_at):
                early.attachments_at = t.attachments_at
            return early
    return t


def _assemble_tail(lines: list[Line], start: int, decoded: list, lo: int, signed: bool = False) -> _Tail:  # noqa: C901 - one pass over the labels
    """A _Tail from the labels of lines[start:]: the 版记 from the colophon lines, the date from the
    date line (the 署名 on it or on the signature lines just above it), the 附注 after it, the
    attachments from the first `附件` line. With `signed`, a date counts only under a 署名."""
    labels = [d.label for d in decoded]
    stop = start + len(labels)
    t = _Tail(start=stop)
    date_at = next((start + k for k, lab in enumerate(labels) if lab == "date"), None)
    if date_at is not None and signed and (date_at == start or labels[date_at - start - 1] != "signature"):
        date_at = None
    colophon = next((start + k for k, lab in enumerate(labels) if lab == "colophon"), None)
    if colophon is not None:
        t.start = t.colophon_at = colophon
        skip = False
        for j in range(colophon, stop):
            if skip:
                skip = False
                continue
            k, text = lines[j].key, lines[j].text
            if m := _CC.match(k):
                t.cc.append(f"{text[: m.end('key')].replace(' ', '')}：{text[m.start('rest') :]}".rstrip("："))
            elif printed := _printed(lines, j):
                m, text = printed
                t.print_org = text[: m.end("org")].strip()
                t.print_date = find_date(m["date"])
                skip = not _PRINTED.match(k)  # the wrapped 发 was read with it
            elif t.cc:
                t.cc[-1] += text
    end = colophon if colophon is not None else stop
    for j in range(max(start, date_at or start), end):
        if labels[j - start] == "attachment" and _ATTACH_LINE.match(lines[j].key):
            t.attachments_at = end = j  # the attachments: a line `附件` / `附件1` alone
            break
    if date_at is None or date_at >= end:
        return t
    line = lines[date_at]
    parts = gap_parts(line.key)
    t.date = date_line(parts[-1]) if parts else None
    if t.date is None:
        return t
    t.start = t.date_at = date_at
    t.issuer = [p for p in _signature_parts(line.text)[:-1] if issuer_name(p, to_simplified(p))] if len(parts) > 1 else []
    if len(parts) == 2 and not t.issuer and line.key.strip().startswith(parts[0]):  # 江苏省教育厅 2025年3月13日
        t.issuer = [line.text.strip()[: len(parts[0])]]
    s = date_at - 1
    if s > max(start, lo) and labels[s - start] == "note" and labels[s - start - 1] == "signature" and _NOTE.match(lines[s].key.strip()):
        t.annotation, t.note_at = lines[s].text.strip()[1:-1], s  # a copy that puts the 附注 (此件公开发布) between the 署名 and its date
        s -= 1
    while s >= max(start, lo) and labels[s - start] == "signature" and date_at - s <= PARAMS.signature_lines:  # 署名 lines above the date
        names = [p for p in _signature_parts(lines[s].text) if issuer_name(p, to_simplified(p))]
        if not names:
            break
        t.issuer[0:0] = names
        t.start = s
        s -= 1
    for j in range(date_at + 1, end):  # the 附注 after the date
        if t.note_at is not None:
            break
        if labels[j - start] == "note" and not _SEAL.match(lines[j].key):
            t.annotation = lines[j].text.strip()[1:-1]
            t.note_at = j
            break
    return t


def _model_fields(lines: list[Line]):  # noqa: ANN202 - archive.layouts.gongwen.Fields (imported late: the registry imports this module)
    """The 公文 fields the layout model's decode of `lines` gives."""
    from archive.layouts import label_lines
    from archive.layouts.gongwen import assemble

    head = lines[: PARAMS.head_lines + PARAMS.head_reach]  # the 版头, 标题, 题注 and 主送 stand near the top
    _feats, decoded = label_lines(head)
    return assemble(head, decoded)


def adoption_serial(text: str) -> str | None:
    """The 令 number of a regulation's 题注 line (archive/layouts/gongwen.py)."""
    from archive.layouts.gongwen import adoption_serial as serial

    return serial(text)


def adoption_fields(text: str):  # noqa: ANN201 - see archive.layouts.gongwen.adoption_fields
    """The organ and date of a regulation's 题注 line (archive/layouts/gongwen.py)."""
    from archive.layouts.gongwen import adoption_fields as fields

    return fields(text)


def parse_gongwen_lines(lines: list[Line], path: str, fmt: str, meta: Mapping[str, str], ocr: tuple[float, ...] = ()) -> Bulletin:
    """A Bulletin (kind 公文, one article) from the lines of an official document."""
    warnings: list[str] = []
    head = _parse_head(lines)
    tail = _parse_tail(lines, head.end)
    body = lines[head.end : tail.start]
    # The head's fields the layout model assembles from its decoded labels (archive/layouts/gongwen.py)
    # win, and its 署名, 成文日期, 附注 and 版记 come from the decode of the last lines (`_parse_tail`);
    # the head rules still cut the 正文 and read the marks, and stand in where no line took a label.
    model = _model_fields(lines)
    addressee = model.addressee or head.addressee
    head.title = model.title or head.title
    if model.serial is not None:
        head.serial, head.serial_year = model.serial, int(serial_parts(model.serial)[1]) if serial_parts(model.serial) else head.serial_year

    if head.title is None and meta.get("标题") and (page_title := _page_title(meta["标题"])):
        head.title = clean_title(page_title)
    printed = head.title is not None
    if head.title is None:
        first = next((ln for ln in lines if not _docno_line(ln.key)), lines[0])
        if _title_shape(first.key):  # a title of the 公文's shape, only longer than a title line is
            head.title, printed = clean_title(first.text), True
        else:
            head.title = clean_title(first.text[:60])
            warnings.append(f"no 公文 title found: title from line {first.number}")
    # 附件说明 (附件：1. … / 2. …) closing the 正文.
    attachments: list[str] = []
    for k, line in enumerate(body):
        if m := _ATTACH_NOTE.match(line.key):
            rest = line.text[m.start("rest") :].strip()
            items = [rest] if rest else []
            for nxt in body[k + 1 :]:
                if re.match(r"^[0-9０-９]{1,2}\s*[.．、]", nxt.key):
                    items.append(nxt.text)
                else:
                    break
            attachments = [m2["t"].strip() for x in items if (m2 := _ATTACH_ITEM.match(x))]
            break

    # The document's own text first; a saved page's metadata fills what it lacks.
    serial = head.serial or (normalise_serial(meta["发文字号"]) if meta.get("发文字号") else None)
    if serial is None and tail.date_at is not None and (found := table_serial([ln.key for ln in lines[tail.date_at + 1 :]])):
        serial = normalise_serial(found)  # a page's field table after the document: 索引号 文号 … / … 宛政〔2011〕7号
    if serial is None:
        warnings.append("no 发文字号 found")
    masthead = " ".join(head.masthead) if head.masthead else None  # a joint 发文机关标志 stands on two lines
    signature = [s for s in tail.issuer if not _SEAL.match(s)]
    # What the document prints first (its 署名, 题注, 发文机关标志, its title's `XX关于`); a saved page's
    # metadata (发布机构, often an abbreviation: 盘锦市政府, 地区行署) only where it prints none.
    issuer = "、".join(o for s in signature for o in joint_organs(s)) if signature else None
    adopted_by, adopted_on = adoption_fields(model.adopted[0]) if model.adopted else (None, None)
    if serial is None and model.adopted and (order := adoption_serial(model.adopted[0])) is not None:
        serial = order  # a 规章 issued as 公安部令第127号
        warnings.remove("no 发文字号 found")
    issuer = issuer or adopted_by  # a regulation with no 署名: the organ its 题注 says adopted or issued it
    if issuer is None and masthead:
        issuer = re.sub(r"\s*文件$", "", masthead) or None
    if issuer is None and (o := _ORDER_TITLE.search(head.title)) and head.serial and head.serial.startswith(head.title):
        before = head.title[: o.start()]  # 北京市人民政府令 → 北京市人民政府
        issuer = issuer_name(before, to_simplified(before))
    if issuer is None and printed and (o := _TITLE_VERB.search(to_simplified(head.title), 2)) is not None:
        before = head.title[: o.start()].strip()  # 国务院办公厅关于…的通知, 瑞安市人民政府办公室转发…的通知
        issuer = issuer_name(before, to_simplified(before))
        issuer = "、".join(joint_organs(issuer)) if issuer else None  # 中共宿州市委宿州市人民政府关于…
    issuer = issuer or meta.get("发文机关")
    date = tail.date or adopted_on or (find_date(meta["成文日期"]) if meta.get("成文日期") else None)
    if date is None:
        warnings.append("no 成文日期 found")
        if tail.print_date is not None:
            date = tail.print_date
            warnings.append("date taken from the 印发 line")
    if masthead and _MASTHEAD.search(masthead.replace(" ", "")):
        series = clean_title(masthead)
    elif issuer:
        series = f"{issuer.split('、')[0]}文件"
    elif masthead:
        series = clean_title(masthead)
    else:
        series = "公文"
    year = date.year if date else head.serial_year
    bid = make_bulletin_id(series, year, None, date, fallback=path, serial=serial)

    paragraphs = paragraphs_of(body)
    if tail.date_at is not None:  # text after the 成文日期 (附注 aside): an attachment, marked or not
        stop = min(x for x in (tail.attachments_at, tail.colophon_at, len(lines)) if x is not None)
        after = [ln for k, ln in enumerate(lines[tail.date_at + 1 : stop], tail.date_at + 1) if k != tail.note_at]
        if after:
            paragraphs = (*paragraphs, *paragraphs_of(after))
    if tail.attachments_at is not None:  # 附件1 / its title / its text
        stop = tail.colophon_at if tail.colophon_at is not None else len(lines)
        rest = lines[tail.attachments_at : stop]
        lead = [rest.pop(0).text]
        if rest and len(rest[0].key) <= 40 and not ends_paragraph(rest[0].key) and not starts_item(rest[0].key):
            lead.append(rest.pop(0).text)
        paragraphs = (*paragraphs, *lead, *paragraphs_of(rest))
    if head.addressee:
        paragraphs = (head.addressee, *paragraphs)
    passed = _passed_over(lines[: head.end], [head.title, addressee, head.addressee, serial, head.signer, *head.masthead, printed_lead(head)])
    if passed:  # lines of the head that are no 版头 element (渝府令第 121 号 under a stand-in title): kept as text
        paragraphs = (*passed, *paragraphs)
    if not paragraphs:
        warnings.append("the 公文 has no text")
    title = head.title
    article = make_article(bid, 1, title, None, None, paragraphs, "\n\n".join(paragraphs))
    if not printed:
        article = dataclasses.replace(article, printed_title=False)
    return Bulletin(
        id=bid,
        path=path,
        format=fmt,
        series=series,
        issue=None,
        issue_total=None,
        year=year,
        date=date,
        issuer=issuer,
        serial=serial,
        copies=None,
        recipients=tuple(tail.cc),
        articles=(article,),
        warnings=tuple(warnings),
        kind="公文",
        doc_type=doc_type_of(title) if printed else None,
        ocr=ocr,
        copy_no=head.copy_no,
        secrecy=head.secrecy,
        urgency=head.urgency,
        signer=head.signer,
        addressee=addressee,
        attachments=tuple(attachments),
        annotation=tail.annotation,
        print_org=tail.print_org,
        print_date=tail.print_date,
        topic=(meta.get("主题分类") or "").strip() or None,
    )
