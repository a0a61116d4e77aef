"""The 公文 layout as labels, a grammar and hand weights (GB/T 9704-2012).

Labels, in the standard's order, with a saved or printed page's own lines
around them:

    chrome, meta, page_title   the page before the document (menus, breadcrumbs,
                               counters, the 索引号/发文字号/成文日期 block, the
                               page's copy of the title)
    mark                       份号, 密级和保密期限, 紧急程度
    masthead                   发文机关标志 (`XX文件`)
    serial, title              发文字号 (签发人 with it) and 标题, in either order
                               (a web page puts the title first)
    addressee                  主送机关
    body                       正文 (附件说明 included)
    signature, date, note      署名, 成文日期, 附注
    attachment                 附件: whatever follows the date, marked or not
    colophon                   版记: 抄送, 印发机关和印发日期
    tail_chrome                the page after the document

The weights are set by hand so that the decode agrees with the rules the
parser had before (archive/gongwen.py); `WEIGHTS` names each one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from archive.dates import find_date
from archive.features import Features, LayoutParams
from archive.layout import Line
from archive.layouts.decode import NEG, Decoded, Grammar

LABELS = (
    "chrome", "meta", "page_title", "mark", "masthead", "serial", "title", "adoption", "addressee", "body",
    "signature", "date", "note", "attachment", "colophon", "tail_chrome",
)
NAMES = {
    "chrome": "页面杂项", "meta": "页面元数据", "page_title": "页面标题", "mark": "份号/密级/紧急程度",
    "masthead": "发文机关标志", "serial": "发文字号", "title": "标题", "adoption": "题注", "addressee": "主送机关", "body": "正文",
    "signature": "署名", "date": "成文日期", "note": "附注", "attachment": "附件", "colophon": "版记",
    "tail_chrome": "页面杂项",
}
GRAMMAR = Grammar(
    labels=LABELS,
    rank={
        "chrome": 0, "meta": 0, "page_title": 0, "mark": 1, "masthead": 2, "serial": 3, "title": 3, "adoption": 3,
        "addressee": 4, "body": 5, "signature": 6, "date": 7, "note": 8, "attachment": 9, "colophon": 10,
        "tail_chrome": 11,
    },
    repeat=frozenset({"chrome", "meta", "page_title", "mark", "masthead", "serial", "title", "adoption", "body", "signature", "attachment", "colophon", "tail_chrome"}),
)
# Labels whose close calls are worth a warning: the ones that become fields.
WATCH = frozenset({"page_title", "title", "addressee", "serial", "signature", "date"})

# Hand weights: (label, evidence) → score. A label without its evidence scores `absent`.
WEIGHTS = {
    "chrome": 6.0,  # a chrome line (menu, breadcrumb, counter, URL, timestamp)
    "meta": 6.0,  # a metadata field, or the value under a key-only field
    "page_title": 2.5,  # a title-like line before the page's chrome ends
    "repeated": 3.0,  # the same title again in the next lines: the first is the page's heading
    "mark": 6.0,
    "masthead": 4.0,
    "masthead_red": 2.0,
    "serial": 6.0,  # a line that is a 发文字号
    "serial_inside_short": 3.0,  # a short line holding one (`（皖政[2001]85号）`)
    "title": 3.0,  # a title-like line (文种 ending, 关于, heading hints)
    "title_doc_type": 1.0,
    "adoption": 6.0,  # a 题注 line (date, organ, 通过/公布)
    "addressee": 4.0,
    "body": 0.0,  # the default: everything is text unless something says otherwise
    "signature": 3.0,
    "date": 5.0,
    "note": 3.0,
    "attachment": 0.0,  # text after the date scores as body does
    "attach_line": 2.0,
    "colophon": 6.0,
    "tail_chrome": 6.0,
    "absent": -6.0,
    "late_head": -4.0,  # a 版头 element far from the top
}


def _titleish(f: Features, params: LayoutParams) -> bool:
    return (f.doc_type or f.guanyu or f.heading) and f.chars <= params.title_max and not f.sentence and not f.addressee and not f.date_only and not f.serial_only


def score(f: Features, prev: Features | None, label: str, params: LayoutParams) -> float:
    """The hand-weighted score of `label` for a line with features `f` (after `prev`)."""
    w = WEIGHTS
    after_key = prev is not None and prev.meta_key_only and f.chars <= params.meta_value_max and not f.meta
    if label == "chrome":
        return w["chrome"] if f.chrome or f.rule else w["absent"]
    if label == "tail_chrome":
        return w["tail_chrome"] if f.chrome else w["absent"]
    if label == "meta":
        return w["meta"] if f.meta or after_key else w["absent"]
    if label == "page_title":
        if f.repeats_next:
            return w["page_title"] + w["repeated"]
        return w["page_title"] if _titleish(f, params) or (f.serial_inside and f.doc_type) else w["absent"]
    if label == "mark":
        return w["mark"] if f.mark and f.in_head else NEG
    if label == "masthead":
        if not (f.masthead or (f.red and f.chars <= params.heading_max) or (f.org and f.chars <= params.heading_max)):
            return w["absent"]
        return w["masthead"] + (w["masthead_red"] if f.red else 0.0)
    if label == "serial":
        if f.serial_only:
            return w["serial"]
        if f.serial_inside and f.chars <= 30 and not f.sentence:
            return w["serial_inside_short"]
        return w["absent"]
    if label == "title":
        if not _titleish(f, params):
            return w["absent"]
        return w["title"] + (w["title_doc_type"] if f.doc_type else 0.0) - (w["repeated"] if f.repeats_next else 0.0)
    if label == "adoption":
        return w["adoption"] if f.adoption else w["absent"]
    if label == "addressee":
        return w["addressee"] if f.addressee and not f.attach_note else w["absent"]
    if label == "body":
        return w["body"] - (1.0 if f.chrome or f.meta else 0.0)
    if label == "signature":
        return w["signature"] if f.org and f.chars <= params.heading_max else w["absent"]
    if label == "date":
        return w["date"] if f.date_only else w["absent"]
    if label == "note":
        return w["note"] if f.note else w["absent"]
    if label == "attachment":
        return w["attachment"] + (w["attach_line"] if f.attach_line else 0.0)
    if label == "colophon":
        return w["colophon"] if f.colophon else w["absent"]
    raise KeyError(label)


@dataclass
class Fields:
    """The GB/T 9704 elements as the decoded labels place them (None where no line has the label)."""

    marks: list[str] = field(default_factory=list)  # 份号 / 密级 / 紧急程度 lines
    masthead: str | None = None  # 发文机关标志
    serial: str | None = None  # 发文字号
    title: str | None = None  # 标题
    addressee: str | None = None  # 主送机关
    signature: list[str] = field(default_factory=list)  # 署名 lines
    date: dt.date | None = None  # 成文日期
    note: str | None = None  # 附注
    adopted: list[str] = field(default_factory=list)  # 题注 lines (a regulation's 通过 / 公布 lines)
    colophon: list[str] = field(default_factory=list)  # 版记 lines (抄送, 印发机关和印发日期)
    lines: dict[str, list[int]] = field(default_factory=dict)  # label → the line numbers it took


def assemble(lines: Sequence[Line], decoded: Sequence[Decoded]) -> Fields:
    """Fields from a document's decoded label sequence: each element is the text of the lines
    that took its label (a title over two lines joined, the first 主送机关 line, the date of
    the 成文日期 line)."""
    from archive.features import serial_in
    from archive.gongwen import normalise_serial
    from archive.paragraphs import clean_title, join_lines

    f = Fields()
    prev = None
    for ln, d in zip(lines, decoded):
        f.lines.setdefault(d.label, []).append(ln.number)
        text = ln.text
        if d.label == "title" and f.title is None and prev is not None and prev.label == "masthead" and ln.key.startswith("关于") and not f.masthead.endswith("文件"):
            f.title, f.masthead = join_lines(clean_title(f.masthead), clean_title(text)), None  # 国务院办公厅、中央军委办公厅 / 关于…:
            f.lines["title"].insert(0, f.lines.pop("masthead")[-1])  # the title's issuers, not a 发文机关标志
            prev = d
            continue
        if d.label == "title" and f.title is not None and prev is not None and prev.label == "title":
            f.title = join_lines(f.title, clean_title(text))
            prev = d
            continue
        prev = d
        if d.label == "mark":
            f.marks.append(text)
        elif d.label == "masthead":
            f.masthead = text if f.masthead is None else f"{f.masthead} {text}"
        elif d.label == "serial" and f.serial is None and (m := serial_in(ln.key)) is not None:
            f.serial = normalise_serial(text[m.start() : m.end()])
        elif d.label == "title" and f.title is None:
            f.title = clean_title(text)
        elif d.label == "addressee" and f.addressee is None:
            f.addressee = text
        elif d.label == "signature":
            f.signature.append(text)
        elif d.label == "date" and f.date is None:
            f.date = find_date(ln.key)
        elif d.label == "note" and f.note is None:
            f.note = text.strip()[1:-1]
        elif d.label == "colophon":
            f.colophon.append(text)
        elif d.label == "adoption":
            f.adopted.append(text)
    if f.title is not None:
        f.title, f.serial = _title_and_serial(f.title, f.serial)
    return f


def _title_and_serial(title: str, serial: str | None) -> tuple[str, str | None]:
    """A title without the 《》 a web page puts around it and the 发文字号 printed after it in brackets
    (…的通知（武劳社〔2004〕135号）), which is the serial when no line gave one."""
    import re

    from archive.features import serial_in
    from archive.gongwen import normalise_serial

    m = serial_in(title)
    if m is not None and m.start() > 8 and re.search(r"[（(]\s*$", title[: m.start()]) and re.fullmatch(r"\s*[）)]\s*", title[m.end() :]):
        serial = serial or normalise_serial(title[m.start() : m.end()])
        title = re.sub(r"\s*[（(]\s*$", "", title[: m.start()])
    if title.startswith("《") and title.endswith("》") and title.count("《") == 1:
        title = title[1:-1]
    return title, serial


def adoption_serial(text: str) -> str | None:
    """The 令 number a 题注 line gives (2012年12月13日 公安部令第127号修订发布 → 公安部令第127号)."""
    from archive.features import ADOPTION

    m = ADOPTION.match("".join(text.split()))
    return m["org"] + m["order"] if m is not None and m["order"] else None


def adoption_fields(text: str) -> tuple[str | None, dt.date | None]:
    """The organ and date of a 题注 line: 2018年12月29日 嘉兴市第八届人民代表大会常务委员会第十五次会议通过 →
    (嘉兴市人民代表大会常务委员会, 2018-12-29); a court's or procuratorate's committee stands for its organ."""
    import re

    from archive.features import ADOPTION

    m = ADOPTION.match("".join(text.split()))
    if m is None:
        return None, None
    org = re.sub(r"第[0-9一二三四五六七八九十百]+届", "", m["org"])
    org = re.sub(r"(法院|检察院)(?:审判|检察)委员会$", r"\1", org)
    org = re.sub(r"(?:公告|令)$", "", org)
    from archive.textparse import issuer_name

    return issuer_name(org, org), find_date(m["date"])
