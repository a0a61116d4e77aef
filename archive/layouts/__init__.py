"""The registry of layouts: each with its labels, grammar, detection and assembly.

`LAYOUTS` lists them in the order they are tried; the first whose `detect`
accepts a document's lines parses it (STYLE.md item 23). Adding a layout is
adding an entry here. Before any layout, `read_page` labels every line with
the 公文 grammar (archive/layouts/gongwen.py) and takes off a saved or printed
page's own lines — site chrome, the metadata block (read as fields), the
page's copy of the title — keeping each removed line with the rule that
removed it, so nothing leaves the document unaccounted for.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from archive.chinese import to_simplified
from archive.dates import DATE_TEXT, ISSUE_SPAN
from archive.doctypes import doc_type_of
from archive.features import PARAMS, Features, LayoutParams, line_features, meta_pairs, page_suspect, serial_in, title_core
from archive.layout import Line
from archive.layouts import gongwen as gongwen_model
from archive.layouts import jianbao as jianbao_model
from archive.layouts.decode import NEG, Decoded, Grammar, close_calls, decode
from archive.model import Bulletin

__all__ = ["GRAMMAR_NAMES", "LAYOUTS", "Layout", "Page", "choose_layout", "label_lines", "label_window", "read_page", "unflatten", "without_jammer"]

# A saved page's metadata keys → the Document.meta fields the parsers read.
_META_MAP = {
    "发文字号": "发文字号", "文号": "发文字号", "发布机构": "发文机关", "发文机构": "发文机关", "发文机关": "发文机关",
    "发文单位": "发文机关", "成文日期": "成文日期", "发文日期": "成文日期", "名称": "标题", "标题": "标题",
    "索引号": "索引号", "主题分类": "主题分类", "发布日期": "发布日期", "颁布单位": "发文机关", "颁布日期": "成文日期",
}
GRAMMAR_NAMES = gongwen_model.NAMES  # label → the element's name, for messages and --explain
RULES = {
    "chrome": "页面导航或工具栏",
    "meta": "页面元数据（读作字段）",
    "page_title": "页面上重复的标题",
    "tail_chrome": "页面导航或工具栏",
    "page_text": "文件标题前的页面文字（栏目名、页面标题、导语）",
    "page_field": "页面字段（标题与主送之间）",
    "jammer": "论坛防采集乱码",
}


@dataclass(frozen=True)
class Layout:
    """One document layout: its labels and grammar, how to tell it, how to build a Bulletin."""

    name: str
    labels: tuple[str, ...]
    grammar: Grammar | None
    detect: Callable[[list[Line], Mapping[str, str]], bool]
    assemble: Callable[..., Bulletin]


_ISSUE_LINE = ISSUE_SPAN  # a 简报 issue line (archive/dates.py)


def _gongwen_detect(lines: list[Line], meta: Mapping[str, str], params: LayoutParams = PARAMS) -> bool:
    """The 公文 layout: the old signs (archive/gongwen.looks_like_gongwen), or the decode
    finds a title heading the document, its 主送机关 under it, and a 发文字号 (on its own
    line or after the title) or a 成文日期 after the 正文 — and no 简报 issue line (第N期) in the head."""
    from archive.gongwen import looks_like_gongwen

    if looks_like_gongwen(lines, meta):
        return True
    head = lines[: params.head_lines]
    if any(_ISSUE_LINE.search(ln.key) and len(ln.key) <= params.heading_max for ln in head):
        return False
    if not any(ln.key.rstrip().endswith(("：", ":")) for ln in lines[:6]):
        return False  # no 主送机关 near the top: nothing to decode
    _feats, decoded = label_lines(lines[: params.head_lines + 30], params)
    labels = [d.label for d in decoded]
    first = next((k for k, lab in enumerate(labels) if lab not in ("chrome", "meta", "page_title", "mark", "masthead", "serial")), None)
    if first is not None and labels[first] == "addressee" and first <= 1:
        # no title printed (a page that gives it elsewhere): the 主送 heads the text, and the text closes
        # with a 成文日期 (a 署名 above it or not)
        return _closes_like_gongwen(lines, params)
    if first is None or labels[first] != "title" or first > 3:
        return False
    k = first
    while k < len(labels) and labels[k] in ("title", "serial"):
        k += 1
    if k >= len(labels) or labels[k] != "addressee":
        return False
    # … and a 发文字号 (its own line, or in brackets after the title) or a 成文日期 after the 正文, or a
    # title of the 公文's own shape (关于…的通知, a 发文字号 before or after it aside)
    title = "".join(title_core(ln.key) for ln in lines[first:k])
    return (
        "serial" in labels or bool(meta.get("发文字号")) or "date" in labels or any(f.title_serial or f.serial_inside for f in _feats[first:k])
        or ("关于" in to_simplified(title) and doc_type_of(title) is not None)
    )


def _closes_like_gongwen(lines: list[Line], params: LayoutParams = PARAMS) -> bool:
    """Whether a text with no 公文 head still ends as one: its last lines, decoded with the labels
    of a document's end, hold a 成文日期 (a date alone on its line) no further than `closing_reach`
    content lines from the end (a 附注, the page's chrome or an attachment after it aside)."""
    n = len(lines)
    start = max(0, n - params.tail_window)
    decoded = label_window(lines, start, n, gongwen_model.TAIL_LABELS, params)
    dates = [start + k for k, d in enumerate(decoded) if d.label == "date"]
    if not dates:
        return False
    at = dates[0]
    after = [d.label for d in decoded[at - start + 1 :] if d.label not in ("note",)]
    return len(after) <= params.closing_reach or all(lab == "attachment" for lab in after)


def _untitled_gongwen(lines: list[Line], meta: Mapping[str, str], params: LayoutParams = PARAMS) -> bool:
    """A 公文 that prints no title and no 主送 (a page gives them elsewhere): no 简报 issue line in
    its head, and it closes with a 署名 over a 成文日期, or a 成文日期 alone as its last line."""
    if any(_ISSUE_LINE.search(ln.key) and len(ln.key) <= params.heading_max for ln in lines[: params.head_lines]):
        return False
    return _closes_like_gongwen(lines, params)


def _gongwen_assemble(lines: list[Line], path: str, fmt: str, meta: Mapping[str, str], ocr: tuple[float, ...]) -> Bulletin:
    from archive.gongwen import parse_gongwen_lines

    b = parse_gongwen_lines(lines, path, fmt, meta, ocr)
    close = [w for w in gongwen_close_calls(lines) if w not in b.warnings]
    return dataclasses.replace(b, warnings=(*b.warnings, *close)) if close else b


def gongwen_close_calls(lines: list[Line], params: LayoutParams = PARAMS) -> list[str]:
    """Warnings for the 版头 and closing lines of a 公文 whose label under the 公文 grammar was a
    close call between two fields (标题 or 主送机关? 署名 or 正文?): each names the line."""
    head = lines[: params.head_lines]
    tail = lines[max(len(head), len(lines) - params.tail_lines) :]
    out: list[str] = []
    for window in (head, tail):
        if window:
            _feats, decoded = label_lines(window, params)
            same = [d if {d.label, d.second} != _SAME_FIELD else dataclasses.replace(d, second=None) for d in decoded]
            out += close_calls(same, [ln.number for ln in window], [ln.text for ln in window], params.close_call, gongwen_model.NAMES, gongwen_model.WATCH, params.doubt)
    return out


_SAME_FIELD = {"title", "page_title"}  # either way the line is the title: no question worth a warning


def _jianbao_assemble(lines: list[Line], path: str, fmt: str, meta: Mapping[str, str], ocr: tuple[float, ...]) -> Bulletin:
    from archive.textparse import parse_bulletin_lines

    return parse_bulletin_lines(lines, path, fmt, ocr, meta)


LAYOUTS: tuple[Layout, ...] = (
    Layout("公文", gongwen_model.LABELS, gongwen_model.GRAMMAR, _gongwen_detect, _gongwen_assemble),
    # A 公文 whose page prints neither its title nor its 主送: told by how it closes.
    Layout("无标题公文", gongwen_model.LABELS, gongwen_model.GRAMMAR, _untitled_gongwen, _gongwen_assemble),
    # The fallback. Its body (title / second title line / text) is decoded with jianbao's grammar;
    # its 报头 and 报尾 are still read by archive/textparse.py's rules.
    Layout("简报", jianbao_model.LABELS, jianbao_model.GRAMMAR, lambda lines, meta: True, _jianbao_assemble),
)


def choose_layout(lines: list[Line], meta: Mapping[str, str]) -> Layout:
    """The first layout of `LAYOUTS` that accepts the lines."""
    return next(layout for layout in LAYOUTS if layout.detect(lines, meta))


def label_lines(lines: list[Line], params: LayoutParams = PARAMS) -> tuple[list[Features], list[Decoded]]:
    """Every line's features and its label under the 公文 grammar."""
    feats = line_features(lines, params)
    table = [gongwen_model.scores(f, feats[i - 1] if i else None, params) for i, f in enumerate(feats)]
    return feats, decode(len(lines), gongwen_model.GRAMMAR, lambda i, label: table[i][label], params.close_call)


def label_window(lines: list[Line], start: int, stop: int, allowed: frozenset[str], params: LayoutParams = PARAMS) -> list[Decoded]:
    """The labels of lines[start:stop] under the 公文 grammar, each line's features taken at its place
    in the whole document, only the `allowed` labels (the end of a document: 正文 on)."""
    from archive.features import line_feature
    from archive.layout import body_size

    size = body_size(lines)
    feats = [line_feature(lines[i], i, size, params) for i in range(start, stop)]
    table = [gongwen_model.scores(f, feats[k - 1] if k else None, params) for k, f in enumerate(feats)]
    for row in table:
        for label in row:
            if label not in allowed:
                row[label] = NEG
    return decode(stop - start, gongwen_model.GRAMMAR, lambda i, label: table[i][label], params.close_call)


@dataclass
class Page:
    """A document's lines with the page's own lines taken off."""

    lines: list[Line]
    meta: dict[str, str]
    removed: list[tuple[Line, str]] = field(default_factory=list)  # (line, the rule that removed it)
    warnings: list[str] = field(default_factory=list)


def read_page(lines: list[Line], meta: Mapping[str, str], params: LayoutParams = PARAMS) -> Page:
    """Take a page's chrome, metadata block and repeated title off the document's lines."""
    lines, noise = without_jammer(lines)
    lines = unflatten(lines, params)
    page = _read_page(lines, meta, params)
    if noise:
        page.removed = sorted([*page.removed, *noise], key=lambda pair: pair[0].number)
    _document_start(page, params)
    return page


# A forum's anti-scraping filler (a "jammer"): runs of one to three ASCII characters set apart by single
# spaces, most of them punctuation (`6 ^$ {- Q H& {. {) q7`), as lines of their own or glued before a
# line's text (`/ \& {& A' ?4 A* [- W) x各省、自治区…：`). A title or a 主送 it cuts is whole again without it.
_JAMMER = r"(?:[!-~]{1,3} ){4,}[!-~]{1,3}"
_JAMMER_LINE = re.compile(rf"^\s*{_JAMMER}\s*$")
_JAMMER_LEAD = re.compile(rf"^\s*{_JAMMER}\s*(?=[\u4e00-\u9fff])")
JAMMER_PUNCT = 3  # a jammer run holds at least this many ASCII punctuation marks


def _jammer(run: str) -> bool:
    return sum(not c.isalnum() and not c.isspace() for c in run) >= JAMMER_PUNCT


def without_jammer(lines: list[Line]) -> tuple[list[Line], list[tuple[Line, str]]]:
    """The lines with a jammer's filler taken off: its lines removed (with their rule), its runs glued before
    a line's text cut off that line."""
    if not any(_JAMMER_LINE.match(ln.key) or _JAMMER_LEAD.match(ln.key) for ln in lines):
        return lines, []
    kept: list[Line] = []
    removed: list[tuple[Line, str]] = []
    for ln in lines:
        if (m := _JAMMER_LINE.match(ln.key)) and _jammer(m.group()):
            removed.append((ln, RULES["jammer"]))
        elif (m := _JAMMER_LEAD.match(ln.key)) and _jammer(m.group()):
            kept.append(dataclasses.replace(ln, text=ln.text[m.end() :], key=ln.key[m.end() :]))
        else:
            kept.append(ln)
    return kept, removed


# Where a notice flattened into one line (a document-sharing site's copy) is cut back into its elements.
_FLAT_SIGNED = re.compile(rf"(?:^|\s)(?P<org>[^\s，。；：:,]{{2,30}})\s+(?P<date>{DATE_TEXT})(?=\s|$)")
_FLAT_CUTS = re.compile(
    r"(?<=[号號])\s+(?=\S)"  # after a 发文字号
    r"|(?<=[:：])\s+(?=\S)"  # after a 主送机关
    r"|(?<=[。！？])\s+(?=\S)"  # after a paragraph's last sentence
    r"|\s+(?=附\s*件\s*[0-9０-９]*\s*[:：])"  # before an 附件说明
    r"|\s+(?=[-—－]\s*\d{1,3}\s*[-—－](?:\s|$))|(?<=[-—－])(?<=\d[-—－])\s+"  # around a page number -1-
)


def unflatten(lines: list[Line], params: LayoutParams = PARAMS) -> list[Line]:
    """Cut a line that holds a whole 公文 flattened (its line breaks turned into spaces) back into its
    elements: after a 发文字号, after a 主送机关's colon and before its first organ, after a sentence that
    ends a paragraph, before 附件：, and around a 署名 with its 成文日期 (邵东市双凤乡人民政府 2022 年 2 月 27 日).
    Only a line at least `flat_min` long that shows a signed date and a 主送 or 发文字号 is cut; each
    piece keeps the line's number."""
    out: list[Line] = []
    for ln in lines:
        out += _cut_flat(ln, params) if len(ln.key) >= params.flat_min else [ln]
    return out


def _cut_flat(ln: Line, params: LayoutParams) -> list[Line]:
    from archive.textparse import issuer_name

    key = ln.key
    signed = [m for m in _FLAT_SIGNED.finditer(key) if issuer_name(m["org"], m["org"]) == m["org"]]
    colon = [m for m in re.finditer(r"[:：]\s", key)]
    if not signed or not (colon or serial_in(key[: signed[0].start()])):
        return [ln]
    cuts = {m.start() for m in _FLAT_CUTS.finditer(key)} | {m.end() for m in _FLAT_CUTS.finditer(key)}
    for m in signed:
        cuts |= {m.start("org"), m.end("date")}
    for m in colon:  # the 主送 begins after the last gap before its colon
        gap = key.rfind(" ", 0, m.start())
        if gap > 0 and m.start() - gap <= params.addressee_max:
            cuts.add(gap)
    pieces, at = [], 0
    for c in sorted(cuts | {len(key)}):
        if c > at and key[at:c].strip():
            pieces.append((at, c))
        at = c
    if len(pieces) < 2:
        return [ln]
    return [dataclasses.replace(ln, text=ln.text[a:b].strip(), key=key[a:b].strip(), whole=True) for a, b in pieces]


def _read_page(lines: list[Line], meta: Mapping[str, str], params: LayoutParams) -> Page:
    page = Page(lines=list(lines), meta=dict(meta))
    if not lines or not page_suspect(lines, params):
        return page
    head_n = min(len(lines), params.chrome_prefix_max)
    feats, decoded = label_lines(lines[:head_n], params)
    tail_n = min(len(lines) - head_n, params.tail_lines)
    if tail_n > 0:  # the page's chrome after the document: the last lines, decoded on their own
        tail_feats, tail_decoded = label_lines(lines[-tail_n:], params)
        gap = len(lines) - head_n - tail_n
        filler = Decoded("body", 0.0, None, float("inf"))
        feats = [*feats, *([None] * gap), *tail_feats]  # type: ignore[list-item]
        decoded = [*decoded, *([filler] * gap), *tail_decoded]
    prefix = 0
    while prefix < len(lines) and decoded[prefix].label in ("chrome", "meta", "page_title"):
        prefix += 1
    suffix = len(lines)
    while suffix > prefix and (suffix > head_n or tail_n == 0) and decoded[suffix - 1].label == "tail_chrome":
        suffix -= 1
    if prefix == 0 and suffix == len(lines):
        return page
    if not any(decoded[i].label in ("chrome", "meta", "tail_chrome") or (i < prefix and feats[i].repeats_next) for i in (*range(prefix), *range(suffix, len(lines)))):
        return page  # title-like lines alone are not a page's chrome, unless the title stands again below
    later = "".join(title_core(ln.key) for ln in lines[prefix : prefix + params.head_lines])
    kept_titles: list[Line] = []
    leads: list[Line] = []
    pending_key: str | None = None
    for i in range(prefix):
        ln, label = lines[i], decoded[i].label
        if not gongwen_model.supported(feats[i], feats[i - 1] if i else None, label, params):  # the path went through it,
            # but the line shows none of its label's evidence: nothing says it is the page's,
            core = title_core(ln.key)
            if len(core) >= params.repeat_min // 2 and core in later:  # unless it is a copy of what the document prints below
                page.removed.append((ln, RULES["page_title"]))
            else:
                kept_titles.append(ln)
            continue
        if label == "page_title" and feats[i].meta:
            label = "meta"  # 标题: | 盘政发〔2010〕22号 盘锦市人民政府关于…: a metadata row, read as fields
        if label == "meta":
            pairs = meta_pairs(ln.key)
            if pairs:
                pending_key = pairs[-1][0] if not pairs[-1][1] else None
            elif pending_key is not None:
                pairs, pending_key = [(pending_key, ln.text.strip())], None
            for key, value in pairs:
                target = _MAP_KEY(key)
                if not (target and value) or target in page.meta:
                    continue
                if (target == "发文字号" and serial_in(value) is None) or (target == "发文机关" and not _org_value(value)):
                    continue
                page.meta[target] = value
            page.removed.append((ln, RULES["meta"]))
        elif label == "page_title":
            core = title_core(ln.key)
            if _title_lead(lines, feats, i, prefix):
                leads.append(ln)  # 中共…委员会 / …人民政府 / 关于…: the title's issuers, on lines of their own
                kept_titles.append(ln)
            elif core and core in later:
                page.removed.append((ln, RULES["page_title"]))
            else:
                kept_titles.append(ln)
        else:
            page.removed.append((ln, RULES["chrome"]))
    for ln in lines[suffix:]:
        page.removed.append((ln, RULES["tail_chrome"]))
    titles = [ln for ln in kept_titles if decoded[lines.index(ln)].label == "page_title" and ln not in leads]
    for ln in titles[:-1]:  # the page's title is the document's: keep the last copy
        page.removed.append((ln, RULES["page_title"]))
    kept = [ln for ln in kept_titles if ln not in titles[:-1]]
    page.lines = kept + list(lines[prefix:suffix])
    page.removed.sort(key=lambda pair: pair[0].number)
    page.warnings = close_calls(decoded[: prefix + params.head_lines], [ln.number for ln in lines], [ln.text for ln in lines], params.close_call, gongwen_model.NAMES, gongwen_model.WATCH, params.doubt)
    return page


def _MAP_KEY(key: str) -> str | None:  # noqa: N802 - a table lookup
    return _META_MAP.get(key)


def _org_value(value: str) -> bool:
    from archive.chinese import to_simplified
    from archive.textparse import issuer_name

    return issuer_name(value, to_simplified(value)) == value and not re.search(r"(?:网站|网|门户|平台)$", value)


# A field row of the page between the title and the 主送 (类别:C): one short `key: value`.
_PAGE_FIELD = re.compile(r"^[\u4e00-\u9fff]{1,4}\s*[:：]\s*[^\s:：，。；,]{1,20}$")
TITLE_LINES_MAX = 3  # a title stands on at most this many lines


def _title_lead(lines: list[Line], feats: list[Features], i: int, prefix: int) -> bool:
    """Whether line `i` names an issuer on a line of its own right above a `关于…` line (or above another
    such issuer line): the first line of a joint title, not a page's copy of one."""
    j = i
    while j < len(lines) and j < len(feats) and feats[j] is not None and (feats[j].org or feats[j].org_parts) and not feats[j].guanyu:
        j += 1
    return j > i and j < len(feats) and feats[j] is not None and feats[j].guanyu and j >= prefix


_STATE_ORGAN = re.compile(r"^(?:中共|中国|中华人民共和国|国务院|中央|全国)")


def _head_element(f: Features, line: Line) -> bool:
    """Whether a line above a 公文's title is one of its 版头 elements (份号, 密级, 紧急程度, 发文机关标志 —
    an organ named with its place or as a state organ —, 发文字号, 签发人, the rule under them) rather
    than the page's (a column such as 服务中心 is organ-shaped but names no place)."""
    if f.mark or f.masthead or f.serial_only or f.signer or f.rule or (f.serial_inside and f.chars <= 30):
        return True
    if not (f.org or f.org_parts):
        return False
    from archive import gazetteer

    name = to_simplified("".join(line.key.split()))
    return bool(_STATE_ORGAN.match(name) or gazetteer.find_mentions(name))


def _document_start(page: Page, params: LayoutParams = PARAMS) -> None:
    """Take off the page's own text above a 公文's title: a column name (行政事务), a site's words, a news
    headline or lead that reports the document (…发出紧急通知：…), spam. The title is found by its
    features where GB/T 9704 puts it — the lines just above the 主送机关 (or the 发文字号 under the
    title), a `关于…` line down to the line that ends with the 文种 — and every line above it that is
    not a 版头 element is the page's; so are the page's field rows between the title and the 主送."""
    lines = page.lines
    n = min(len(lines), params.head_lines)
    if n < 2 or any(_ISSUE_LINE.search(ln.key) and len(ln.key) <= params.heading_max for ln in lines[:n]):
        return  # a 简报's head
    feats = line_features(lines[: n + 1], params)
    for a in range(1, n):
        fa = feats[a]
        if not (fa.addressee or (fa.serial_only and not feats[a - 1].serial_only)):
            continue
        between: list[int] = []
        e = a - 1
        while e >= 0 and (feats[e].chrome or feats[e].meta or feats[e].serial_only or feats[e].note or _PAGE_FIELD.match(lines[e].key.strip())):
            if not (feats[e].serial_only or feats[e].note):
                between.append(e)
            e -= 1
        if e < 0 or not _title_end(feats[e], params):
            continue  # no title over this 发文字号 or 主送: another may follow (a 发文字号 over the title)
        g = next((j for j in range(e, max(-1, e - TITLE_LINES_MAX), -1) if feats[j].guanyu), None)
        if g is None or any(feats[j].sentence or feats[j].chars > params.title_long_max for j in range(g, e + 1)):
            return
        above = [j for j in range(g) if not _head_element(feats[j], lines[j])]
        if not above and not between:
            return
        gone = set(above) | set(between)
        page.removed += [(lines[j], RULES["page_text"] if j < g else RULES["page_field"]) for j in sorted(gone)]
        page.removed.sort(key=lambda pair: pair[0].number)
        page.lines = [ln for j, ln in enumerate(lines) if j not in gone]
        return


def _title_end(f: Features, params: LayoutParams) -> bool:
    return f.doc_type and not f.sentence and not f.addressee and f.chars <= params.title_max
