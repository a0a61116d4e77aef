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

Each line's label scores come from a classifier whose weights were fitted on
labelled lines (`CLASSES`, `EVIDENCE`, `scores`); the decode
(archive/layouts/decode.py) takes the best sequence in the standard's order.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources

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
        "addressee": 4, "body": 5, "signature": 6, "date": 7, "note": 7, "attachment": 9, "colophon": 10,
        "tail_chrome": 11,
    },
    repeat=frozenset({"chrome", "meta", "page_title", "mark", "masthead", "serial", "title", "adoption", "body", "signature", "attachment", "colophon", "tail_chrome"}),
    # A 署名 stands right above its 成文日期 (joint ones on several lines): a list of organs in the 正文
    # (the units a 决定 commends) followed by more 正文 is no 署名.
    leads_to={"signature": frozenset({"signature", "date", "note"})},
)
# The labels of a document's end: what `label_window` allows there (archive/gongwen._parse_tail).
TAIL_LABELS = frozenset({"body", "signature", "date", "note", "attachment", "colophon"})
# Labels whose close calls are worth a warning: the ones that become fields.
WATCH = frozenset({"page_title", "title", "addressee", "serial", "signature", "date"})

# The line classifier: a multinomial logistic regression over the named evidence of `evidence`
# (the rules as features), its weights fitted on labelled lines (`python -m bench.fit_layout`,
# seeded and deterministic) and shipped in archive/data/gongwen_weights.json. Its classes are the
# grammar's labels, with the site's closing lines scored as its opening ones (`tail_chrome` as
# `chrome`: only their place tells them apart, and the grammar knows it) and the attachments as
# text or as the `附件` line that opens them (`attach_head`).
CLASSES = (
    "chrome", "meta", "page_title", "mark", "masthead", "serial", "title", "adoption", "addressee", "body",
    "signature", "date", "note", "attach_head", "colophon",
)
EVIDENCE = (
    "bias", "chrome", "rule", "meta", "after_key", "repeats_next", "titleish", "serial_doc", "mark_head", "masthead",
    "red", "red_short", "org_short", "org_parts", "serial_only", "serial_short", "doc_type", "guanyu", "heading",
    "centred", "sentence", "addressee", "attach_note", "attach_line", "date_only", "has_date", "note", "colophon",
    "adoption", "in_head", "long", "short", "first", "prev_titleish", "prev_org", "prev_date", "prev_addressee",
    "prev_sentence", "prev_serial", "prev_masthead", "prev_page", "title_alone", "org_head", "org_tail", "signer", "prev_colophon", "plain_short",
)
WEIGHTS_FILE = "data/gongwen_weights.json"
# The evidence a class needs: a line with none of it scores `UNSUPPORTED` for the class, in the fit
# as at run time (the rules as features: a 发文字号 label needs a 发文字号 in the line). Classes not
# named here (正文 above all) stand anywhere.
SUPPORT = {
    "chrome": frozenset({"chrome", "rule"}),
    "meta": frozenset({"meta", "after_key"}),
    "page_title": frozenset({"titleish", "serial_doc", "repeats_next"}),
    "mark": frozenset({"mark_head"}),
    "masthead": frozenset({"masthead", "red_short", "org_short", "org_parts"}),
    "serial": frozenset({"serial_only", "serial_short", "signer"}),
    "title": frozenset({"titleish", "serial_doc", "plain_short"}),
    "adoption": frozenset({"adoption"}),
    "addressee": frozenset({"addressee"}),
    "signature": frozenset({"org_short", "org_parts"}),
    "date": frozenset({"date_only"}),
    "note": frozenset({"note"}),
    "attach_head": frozenset({"attach_line"}),
    "colophon": frozenset({"colophon", "prev_colophon"}),
}
UNSUPPORTED = -8.0


def _titleish(f: Features, params: LayoutParams) -> bool:
    """A title line: a 文种 ending, 关于 or a heading's look, short; or, up to `title_long_max`, both 关于 and a 文种."""
    fits = f.chars <= params.title_max or (f.guanyu and f.doc_type and f.chars <= params.title_long_max)
    return (f.doc_type or f.guanyu or f.heading) and fits and not f.sentence and not f.addressee and not f.date_only and not f.serial_only


def evidence(f: Features, prev: Features | None, params: LayoutParams) -> list[str]:
    """The names of the evidence a line shows (after `prev`): the classifier's binary inputs."""
    after_key = prev is not None and prev.meta_key_only and f.chars <= params.meta_value_max and not f.meta
    short = f.chars <= params.heading_max
    on = {
        "bias": True,
        "chrome": f.chrome,
        "rule": f.rule,
        "meta": f.meta,
        "after_key": after_key,
        "repeats_next": f.repeats_next,
        "titleish": _titleish(f, params),
        "serial_doc": f.serial_inside and f.doc_type,
        "mark_head": f.mark and f.in_head,
        "masthead": f.masthead,
        "red": f.red,
        "red_short": f.red and short,
        "org_short": f.org and short,
        "org_parts": f.org_parts,
        "serial_only": f.serial_only,
        "serial_short": f.serial_inside and f.chars <= 30 and not f.sentence,
        "doc_type": f.doc_type,
        "guanyu": f.guanyu,
        "heading": f.heading,
        "centred": f.centred,
        "sentence": f.sentence,
        "addressee": f.addressee and not f.attach_note,
        "attach_note": f.attach_note,
        "attach_line": f.attach_line,
        "date_only": f.date_only,
        "has_date": f.has_date,
        "note": f.note,
        "colophon": f.colophon,
        "adoption": f.adoption,
        "in_head": f.in_head,
        "long": f.chars > params.title_max,
        "short": short,
        "first": prev is None,
        "prev_titleish": prev is not None and _titleish(prev, params),
        "prev_org": prev is not None and (prev.org_parts or (prev.org and prev.chars <= params.heading_max)),
        "prev_date": prev is not None and prev.date_only,
        "prev_addressee": prev is not None and prev.addressee,
        "prev_sentence": prev is not None and prev.sentence,
        "prev_serial": prev is not None and prev.serial_only,
        "prev_masthead": prev is not None and prev.masthead,
        "prev_page": prev is not None and (prev.chrome or prev.meta),
        "title_alone": _titleish(f, params) and not f.repeats_next,
        "org_head": (f.org_parts or f.org) and f.in_head,
        "org_tail": (f.org_parts or f.org) and not f.in_head,
        "signer": f.signer,
        "prev_colophon": prev is not None and prev.colophon,
        "plain_short": short and not f.sentence and not f.addressee and not f.has_date and not f.serial_inside,
    }
    return [name for name in EVIDENCE if on[name]]


@functools.lru_cache(maxsize=1)
def weights() -> dict[str, dict[str, float]]:
    """The fitted weights: class → evidence → weight (archive/data/gongwen_weights.json)."""
    data = json.loads(resources.files("archive").joinpath(WEIGHTS_FILE).read_text("utf-8"))
    return {c: dict(zip(data["evidence"], row)) for c, row in zip(data["classes"], data["weights"])}


def scores(f: Features, prev: Features | None, params: LayoutParams) -> dict[str, float]:
    """Every grammar label's score for a line: the classifier's log-probability of its class
    (the marks only in the head: elsewhere NEG)."""
    on = evidence(f, prev, params)
    w = weights()
    have = set(on)
    logits = {c: sum(w[c].get(e, 0.0) for e in on) + (UNSUPPORTED if c in SUPPORT and not SUPPORT[c] & have else 0.0) for c in CLASSES}
    top = max(logits.values())
    norm = top + math.log(sum(math.exp(v - top) for v in logits.values()))
    out = {c: v - norm for c, v in logits.items()}
    out["tail_chrome"] = out["chrome"]
    out["attachment"] = max(out["body"], out.pop("attach_head"))
    if not f.in_head:
        out["mark"] = NEG
    return out


def supported(f: Features, prev: Features | None, label: str, params: LayoutParams) -> bool:
    """Whether a line shows any of the evidence its label needs (`SUPPORT`; tail_chrome as chrome)."""
    need = SUPPORT.get({"tail_chrome": "chrome", "attachment": "body"}.get(label, label))
    return need is None or bool(need & set(evidence(f, prev, params)))


def score(f: Features, prev: Features | None, label: str, params: LayoutParams) -> float:
    """The score of `label` for a line with features `f` (after `prev`)."""
    return scores(f, prev, params)[label]


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
    if m is not None and m.start() == 0 and len(title) - m.end() > 8:
        # 盘政发〔2010〕22号 盘锦市人民政府关于…的决定: a page's copy with the 发文字号 glued before the title
        serial = serial or normalise_serial(title[: m.end()])
        title = title[m.end() :].strip()
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
