"""The evidence for labelling a document's lines, gathered in one place.

Each `Line` (archive/layout.py) gets one `Features` record: what its text says
(a 发文字号 alone or inside it, a date alone, a `XX文件` masthead, an
organisation name, a title's 文种 ending, a `…：` 主送 shape, site chrome, a
saved page's metadata field) and what the format's hints say (size against
the body's, bold, red, centred, position in the document). The layout model
(archive/layouts/) scores labels from these, never from the text directly.

Every threshold is a named field of `LayoutParams`; `PARAMS` is the one
instance the parsers use (STYLE.md items 21-22).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archive.dates import DATE_TEXT, find_date, squeezed_date
from archive.doctypes import doc_type_of
from archive.headings import is_org_like
from archive.layout import Line, body_size
from archive.paragraphs import ends_paragraph

__all__ = ["ADOPTION", "gap_parts", "joint_organs", "key_row", "table_serial", "NOT_ADDRESSEE", "PARAMS", "Features", "LayoutParams", "is_chrome", "line_feature", "line_features", "meta_field", "meta_pairs", "page_suspect", "serial_in", "title_core"]


@dataclass(frozen=True)
class LayoutParams:
    """Named thresholds of the layout model (lengths are characters)."""

    head_lines: int = 14  # the 版头 lies within the first lines
    head_reach: int = 30  # the head's fields are assembled from the decode of this many lines more
    title_max: int = 80  # a title line is at most this long
    title_long_max: int = 160  # … unless it has a title's shape (关于 and a 文种 ending): then at most this long
    heading_max: int = 40  # a heading-like line (masthead, 署名 line, page title)
    addressee_max: int = 150  # 主送机关 line
    addressee_list_max: int = 300  # … or longer, up to this, when it lists organs …
    addressee_list_seps: int = 8  # … set apart by at least this many 、 or ，
    chrome_max: int = 60  # a site-chrome line is short
    bar_parts: int = 3  # a bar of links set apart by | has at least this many parts …
    bar_part_max: int = 10  # … each at most this long
    empty_fields: int = 2  # a row of this many page fields left empty (作者: 时间: 浏览:) is chrome
    page_keys: int = 2  # … and so is a row of this many of the page's own fields (作者:… 时间:… 浏览:…)
    meta_value_max: int = 60  # the value of a metadata field on its own line
    size_step: float = 1.5  # points above the body size that make a heading
    close_call: float = 1.0  # best and second-best label scores (log-probabilities) closer than this: a warning
    doubt: float = -2.0  # a field's label below this log-probability (0.14) is a warning too, whatever the runner-up
    chrome_prefix_max: int = 40  # site chrome is looked for in the first lines only
    repeat_min: int = 8  # a repeated title is at least this long
    repeat_window: int = 6  # … and stands again within this many lines
    tail_lines: int = 12  # site chrome after the document is looked for in the last lines only
    suspect_lines: int = 12  # a page is decoded only when its first or last lines show chrome
    tail_search: int = 60  # a 署名 and 成文日期 the last lines lack are looked for this far after the 版头
    tail_window: int = 40  # the 署名, 成文日期, 附注, attachments and 版记 are decoded in the last lines
    title_join_max: int = 50  # a 简报 title over two lines is at most this long in all
    wrap_min: int = 20  # a line this long with a next line as long is a paragraph wrapped at that width
    signature_lines: int = 8  # a joint 署名 stands on at most this many lines above its date
    flat_min: int = 200  # a line this long may be a whole notice flattened into one (layouts.unflatten)
    closing_reach: int = 2  # a 成文日期 closes a text with no 公文 head when at most this many lines follow it


PARAMS = LayoutParams()

_YEAR_BRACKET = r"[〔\[［(（【﹝]\s*(?P<y>(?:19|20)\d{2})\s*[〕\]］)）】﹞]"
# A 发文字号 anywhere in a line: 武劳社〔2004〕135号, 京政发[2016]43号, 皖政(2001)85号, 第12号 after an org.
_SERIAL = re.compile(rf"(?P<org>[\u4e00-\u9fff]{{1,12}}?)\s*{_YEAR_BRACKET}\s*第?\s*(?P<n>\d{{1,5}})\s*[号號]")
_DATE_ONLY = re.compile(rf"^(?:{DATE_TEXT}|\d{{4}}[-./]\d{{1,2}}[-./]\d{{1,2}})$")
_MASTHEAD = re.compile(r"文件$")
# Site chrome: navigation, page tools, counters, a printed page's URL line.
_CHROME_WORDS = re.compile(
    r"设为首页|加入收藏|返回顶部|打印本页|打印此页|关闭窗口|关闭本页|【打印】|【关闭】|视力保护色|浏览量|浏览次数|阅读量|阅读次数|"
    r"人看过|人看過|分享到|^【?\s*字体\s*[:：]|网站标识码|ICP备|扫一扫|无障碍|繁体版|简体版|English|字号[:：]?\s*[【\[]?\s*(?:大|中|小)?|"
    r"^第[一二三四五六七八九十]+篇\s*[:：]|当前位置|您的位置|您当前的位置|所在位置|下载本文|写写帮|文库小编|归档时间|信息浏览|^首页\s*[>＞›]|^>|"
    r"^今天是|下载文档|继续阅读|文档共\s*\d+\s*页"
)
# A site's own words, whatever the line's length: a document-sharing site's blurb or notice.
_SITE_TEXT = re.compile(r"小编|文库|下载本文|本站|网友投稿|版权归属|如有侵权|如侵权|转载请注明")
_BREADCRUMB = re.compile(r"(?:[>＞›»]\s*[^>＞›»]{1,16}){2,}")
# A breadcrumb that names itself (位置： / 当前位置 / 您现在的位置 …), with any separator (> → - /),
# whatever its length: its last step is often the page's own title.
_POSITION = re.compile(r"^[【\[]?\s*(?:当前|您的|您当前的|您现在的|现在|所在)?\s*位置\s*[:：】\]]")
_STEP_SEP = re.compile(r"\s*(?:[>＞›»→]+|\s[-—/]\s)\s*")
# A bar of links set apart by | (a site list, 收藏本站| 设为首页| 首页): every part short, no sentence.
_BAR_SEP = re.compile(r"\s*[|｜]\s*")
# A row of a page's own fields left empty or short (作者: 时间: 浏览: 来源:), the page's tools
# (字体：大 中 小, 【收藏】, 上一篇 / 下一篇), a download link.
_PAGE_FIELDS = re.compile(r"^(?:[\u4e00-\u9fff]{1,4}\s*[:：][^:：，。；]{0,20}?(?:\s+|$)){2,}$")
_EMPTY_FIELD = re.compile(r"^[\u4e00-\u9fff]{1,4}\s*[:：]$")
# The fields a page prints about itself (not the document's): who posted it, when, how often read.
_PAGE_KEY = re.compile(r"(?:^|\s)(?:作者|来源|时间|发布时间|更新时间|浏览|浏览量|点击|阅读|编辑|责任编辑|字号|访问量)\s*[:：]")
_PAGE_TOOLS = re.compile(
    r"字体\s*[:：]?\s*[【\[]?\s*大\s*中\s*小|【\s*(?:收藏|返回列表|返回|打印|关闭|顶部)\s*】|^(?:上一篇|下一篇|上一条|下一条)\s*[:：]|"
    r"点击此处下载|点此下载|^下载地址\s*[:：]|点击数\s*[:：]|点击量|点击次数|访问次数|访问量"
)
_URL = re.compile(r"^(?:https?://|www\.)\S+$")


def _link_bar(k: str, params: "LayoutParams") -> bool:
    parts = [p for p in _BAR_SEP.split(k.strip()) if p]
    return len(parts) >= params.bar_parts and all(len(p) <= params.bar_part_max and not _SENTENCE_PUNCT.search(p) for p in parts)


def is_chrome(key: str, params: "LayoutParams | None" = None) -> bool:
    """Whether a line is a page's own navigation or tools, by its features, not its site: a
    breadcrumb, a bar of short links set apart by |, page tools and counters, a row of the page's
    empty fields, a URL or a timestamp; or a site's own words (小编, 本站, 如有侵权 …)."""
    params = params or PARAMS
    k = key.strip().lstrip("•·*").strip()  # a bulleted row of the page's (• 2020-11-13 14:42)
    if len(k) > params.addressee_max:
        return False
    if _POSITION.match(k) or _SITE_TEXT.search(k):
        return True
    if len(k) <= params.chrome_max and (
        _CHROME_WORDS.search(k) or _BREADCRUMB.search(k) or _URL.match(k) or _TIMESTAMP.match(k) or _PAGE_TOOLS.search(k)
        or (k.startswith("首页") and len(_STEP_SEP.findall(k)) >= 1)
    ):
        return True
    if len(k) <= params.title_max and ("".join(k.split()).endswith(("|", "｜")) or _link_bar(k, params)):
        return True
    if len(k) > params.title_max or _SENTENCE_PUNCT.search(k):
        return False
    if len(_PAGE_KEY.findall(k)) >= params.page_keys:  # the page's own fields: 作者:… 时间:… 浏览:…
        return True
    if len(k) <= params.chrome_max and _PAGE_FIELDS.match(k) and meta_field(k) is None:  # fields left empty
        return sum(bool(_EMPTY_FIELD.match(t)) for t in re.sub(r"\s+(?=[:：])", "", k).split()) >= params.empty_fields
    return False
_TIMESTAMP = re.compile(r"^(?:时间|日期|发布时间|发布日期|来源|作者)?\s*[:：]?\s*\d{4}-\d{1,2}-\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
# A saved page's metadata fields (索引号/发布机构/发文字号/成文日期/主题分类 …), bulleted or bracketed.
META_KEYS = (
    "索引号", "主题分类", "体裁分类", "组配分类", "信息分类", "发布机构", "发文机构", "发文机关", "发文单位", "来源",
    "信息来源", "发文字号", "文号", "成文日期", "发文日期", "发布日期", "生成日期", "生效时间", "废止时间", "有效性",
    "名称", "标题", "关键词", "主题词", "内容概述", "浏览次数", "公开方式", "公开范围", "时效", "发布", "时间",
    "颁布单位", "颁布日期", "效力级别", "时效性", "施行日期",  # a law site's fields
)
_META = re.compile(
    r"^[•·\-\*\s]*[\[［【]?\s*(?P<key>" + "|".join(sorted((re.escape(k) for k in META_KEYS), key=len, reverse=True)) + r")\s*[\]］】]?\s*[:：]?\s*(?P<value>.*)$"
)
_KEY_SPACES = re.compile(r"(?<=[\u4e00-\u9fff])[ \u3000]+(?=[\u4e00-\u9fff][ \u3000]*[\u4e00-\u9fff]?\s*[:：\]］】])")
_RULE_CHARS = re.compile(r"^[\-—–─━═=_~～·•*＊]{3,}$")
_NOTE = re.compile(r"^[（(](?P<n>[^（）()]{2,40})[）)]$")
_ATTACH_LINE = re.compile(r"^附\s*件\s*[0-9０-９一二三四五六七八九十]*\s*[:：]?\s*$")
_ATTACH_NOTE = re.compile(r"^附\s*件\s*[0-9０-９]*\s*[:：]")
_CC = re.compile(r"^(?:抄\s*送|抄\s*报|分\s*送|报\s*送|报|送|发)\s*[:：]")
_PRINTED = re.compile(r"印\s*发$|[日号]\s*印$|共印\s*[0-9０-９〇零一二三四五六七八九十百]+\s*份")
_MARK = re.compile(r"^(?:(?:绝密|机密|秘密)(?:\s*★\s*\S{1,8})?|特急|加急|特提|平急|急件|\d{6})(?:\s+(?:(?:绝密|机密|秘密)(?:\s*★\s*\S{1,8})?|特急|加急|\d{6}))*$")
_SIGNER_LINE = re.compile(r"^\s*签\s*发\s*人\s*[:：]")
_SENTENCE_PUNCT = re.compile(r"[。！？；]")
# A regulation's 题注 under its title: 2018年12月29日 嘉兴市第八届人民代表大会常务委员会第十五次会议通过.
ADOPTION = re.compile(
    rf"^[（(]?\s*(?P<date>{DATE_TEXT})\s*"
    r"(?P<org>[^，。；、\s]{0,40}?)(?:第\s*[0-9一二三四五六七八九十百]+\s*次(?:全体)?会议|常务会议|全体会议|会议|公告|(?P<order>令\s*第\s*[0-9]+\s*号))?"
    r"(?:修订|修正)?(?:通过|批准|公布|发布|施行|修正|修订)[）)。]?"
)
# A 主送机关 line is a list of organs: not a sentence that announces what follows (…解释如下：).
NOT_ADDRESSEE = re.compile(r"如下\s*[:：]$|^(?:为了|为|根据|按照|依照|经)")


_YEAR_IN_BRACKETS = re.compile(_YEAR_BRACKET)


# A 发文字号 a page's copy garbled at the end of a line: its closing bracket and 号 lost, the number run
# into the year (广安区府办发〔202026, 牟政办发〔201746).
GARBLED_SERIAL = re.compile(r"(?P<org>[\u4e00-\u9fff]{2,12}?)\s*[〔\[［【﹝]\s*(?P<y>(?:19|20)\d{2})(?P<n>\d{1,4})\s*$")


def serial_in(text: str) -> re.Match[str] | None:
    """A 发文字号 written anywhere in `text` (〔〕, [], (), 【】, 第N号), or garbled at its end (`GARBLED_SERIAL`)."""
    y = _YEAR_IN_BRACKETS.search(text)
    if y is None:  # the quick test: no bracketed year, no 发文字号
        return _garbled_serial(text) if re.search(r"[〔\[［【﹝]", text) else None
    return _SERIAL.search(text, max(0, y.start() - 14))


def _garbled_serial(text: str) -> re.Match[str] | None:
    """A garbled 发文字号 at the end of `text`; glued to a title (…的通知牟政办发〔201746) it starts
    after the title's 文种."""
    m = GARBLED_SERIAL.search(text)
    if m is None:
        return None
    from archive.doctypes import DOC_TYPES

    ends = [t.end() for t in re.finditer("|".join(DOC_TYPES), text[: m.start("y")]) if t.end() < m.start("y") - 1]
    return GARBLED_SERIAL.search(text, ends[-1]) if ends and ends[-1] > m.start() else m


def meta_field(key: str) -> tuple[str, str] | None:
    """(field, value) when a line is a saved page's metadata field (`索引号：…`, `[ 发文字号 ] …`,
    `• 成文日期:`); the value may be empty (it stands on the next line)."""
    k = _KEY_SPACES.sub("", key.strip())
    k = re.sub(r"^(索)\s+(引)\s+(号)", r"\1\2\3", k)
    m = _META.match(k)
    if m is None:
        return None
    value = m["value"].strip()
    if m["key"] in ("来源", "名称", "标题", "时效", "发布", "时间") and not re.search(r"[:：\]］】]", k[: len(m["key"]) + 3]):
        return None  # 来源 / 名称 as a word of a sentence, not a field
    if len(value) > PARAMS.addressee_max:
        return None
    return m["key"], value


_PAIR_KEY = re.compile(r"(?:^|(?<=\s)|(?<=[\]］】]))[•·\[［【]?\s*(" + "|".join(sorted(META_KEYS, key=len, reverse=True)) + r")\s*[\]］】]?\s*[:：\]］】]")


def meta_pairs(key: str) -> list[tuple[str, str]]:
    """Every `key: value` pair of a metadata line (`信息分类: 通知  发布机构: 太湖县人民政府办公室`)."""
    if meta_field(key) is None:
        return []
    k = _KEY_SPACES.sub("", key.strip())
    k = re.sub(r"^(索)\s+(引)\s+(号)", r"\1\2\3", k)
    if _CELL_SEP.search(k):
        return _cell_pairs(k)
    starts = list(_PAIR_KEY.finditer(k))
    if not starts:
        got = meta_field(key)
        return [got] if got else []
    out = []
    for m, nxt in zip(starts, [*starts[1:], None]):
        value = k[m.end() : nxt.start() if nxt else len(k)].strip().strip("[]［］【】").strip()
        out.append((m[1], value))
    return out


_CELL_SEP = re.compile(r"[|｜]")
_CELL_KEY = re.compile(r"^(?P<key>" + "|".join(sorted((re.escape(k) for k in META_KEYS), key=len, reverse=True)) + r")\s*[:：]?\s*(?P<value>.*)$")


def _cell_pairs(row: str) -> list[tuple[str, str]]:
    """The `key: value` pairs of a table row copied with its cells set apart by | (`发文机关: | 盘锦市政府 |
    成文日期: | |`): a key cell takes the next cell as its value unless that is a key too (left empty)."""
    cells = [re.sub(r"\s+", "", c) for c in _CELL_SEP.split(row)]
    cells = [c for c in cells if c]
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(cells):
        m = _CELL_KEY.match(cells[i])
        if m is None:
            i += 1
            continue
        value = m["value"]
        if not value and i + 1 < len(cells) and _CELL_KEY.match(cells[i + 1]) is None:
            value = cells[i + 1]
            i += 1
        out.append((m["key"], value))
        i += 1
    return out


KEY_ROW_MIN = 3  # a row of a page's field names (索引号 文号 发布机构 …) names at least this many
TABLE_VALUE_ROWS = 3  # … and its values stand on at most this many lines under it


def key_row(key: str) -> list[str] | None:
    """The field names of a table's header row copied without its cells (`索  引  号 文   号 发布机构 发布日期
    公开范围 公开方式`): every word a metadata key once the spaces inside a name are closed up."""
    words = re.sub(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff](?: |$))", "", re.sub(r" {2,}", " ", key.strip())).split()
    names: list[str] = []
    for w in words:
        while w:
            k = next((k for k in sorted(META_KEYS, key=len, reverse=True) if w.startswith(k)), None)
            if k is None:
                return None
            names.append(k)
            w = w[len(k) :]
    return names if len(names) >= KEY_ROW_MIN else None


def table_serial(keys: list[str]) -> str | None:
    """The 发文字号 a page's field table holds where the document prints none: the value rows under a header
    row (`key_row`) that names 文号 or 发文字号 (N001-2011-000627 宛政〔2011〕7号)."""
    for i, k in enumerate(keys):
        names = key_row(k)
        if names is None or not {"文号", "发文字号"} & set(names):
            continue
        for v in keys[i + 1 : i + 1 + TABLE_VALUE_ROWS]:
            if (m := serial_in(v)) is not None:
                return m.group()
    return None


_TRAILING_COUNT = re.compile(r"(?<=[\u4e00-\u9fff》」）)])\d{1,3}$")
_KEY_MARK = re.compile(r"[:：\]］】]")  # a metadata key is followed by one of these


def page_suspect(lines: list[Line], params: LayoutParams = PARAMS) -> bool:
    """A quick look (regexes only) for a page's own lines: chrome or a metadata field in the
    first or last lines, or a heading that the next line repeats. Most documents have none,
    and then the page is not decoded at all."""
    head = lines[: params.suspect_lines]
    window = [*head, *lines[max(len(head), len(lines) - params.suspect_lines) :]]
    for ln in window:
        k = ln.key
        if len(k) <= params.addressee_max and (
            is_chrome(k, params)
            or (_KEY_MARK.search(k[:16]) is not None and meta_field(k) is not None)
        ):
            return True
    for a, b in zip(head, head[1:]):
        if serial_in(a.key) is not None and len(b.key) >= params.repeat_min and title_core(b.key) in title_core(a.key):
            return True
    return False


@dataclass
class Features:
    """What the labeller knows about one line."""

    index: int
    chars: int
    serial_only: bool  # the line is a 发文字号 (possibly with 签发人)
    serial_inside: bool  # a 发文字号 stands somewhere in the line
    date_only: bool
    has_date: bool
    masthead: bool  # `XX文件`, short, no punctuation
    org: bool  # an organisation name
    doc_type: bool  # ends with a 文种
    guanyu: bool  # `关于` near its start
    addressee: bool  # `…：` with no sentence punctuation
    sentence: bool  # ends like a sentence (a trailing bracketed 发文字号 aside)
    title_serial: bool  # the line ends with its 发文字号 in brackets
    heading: bool  # bigger, or bold / centred and short
    red: bool
    centred: bool
    chrome: bool  # navigation, page tools, counters, a URL or timestamp line
    meta: bool  # a metadata field
    meta_key_only: bool  # a metadata key whose value is on the next line
    rule: bool  # a typed rule: ━━━━, ------
    note: bool  # （此件公开发布）
    attach_line: bool  # `附件` / `附件1` alone
    attach_note: bool  # `附件：1. …`
    colophon: bool  # 抄送：… / …印发 / 共印N份
    mark: bool  # 份号, 密级, 紧急程度 only
    adoption: bool  # a regulation's 题注: a date, an organ, 通过 / 公布 / 施行
    in_head: bool  # within the first `head_lines`
    signer: bool = False  # `签发人：…` on a line of its own
    org_parts: bool = False  # every part set apart by gaps names an organisation (a 署名 line, joint ones too)
    repeats_next: bool = False  # the same title stands again in one of the next lines (a page's heading)


def line_features(lines: list[Line], params: LayoutParams = PARAMS) -> list[Features]:
    """One Features per line, in order."""
    size = body_size(lines)
    out = [line_feature(ln, i, size, params) for i, ln in enumerate(lines)]
    return _with_repeats(lines, out, params)


def line_feature(ln: Line, i: int, size: float | None, params: LayoutParams = PARAMS) -> Features:
    """The Features of one line that need no neighbour (`repeats_next` stays False)."""
    k = ln.key
    compact = "".join(k.split())
    sm = serial_in(k)
    rest = (k[: sm.start()] + k[sm.end() :]).strip() if sm else k
    rest = re.sub(r"签\s*发\s*人\s*[:：].*$", "", rest).strip()
    meta = meta_field(k)
    chrome = is_chrome(k, params)
    parts = gap_parts(k)
    # A title with its 发文字号 after it in brackets: …的通知（武劳社〔2004〕135号）.
    trailing = bool(
        sm and sm.start() > 8 and re.search(r"[（(]\s*$", k[: sm.start()]) and re.fullmatch(r"\s*[）)]\s*", k[sm.end() :])
    )
    plain = re.sub(r"[（(]\s*$", "", k[: sm.start()]).strip() if trailing and sm else k
    return Features(
        index=i,
        chars=len(compact),
        serial_only=bool(sm) and len(rest) <= 2 and len(k) <= 60,
        serial_inside=bool(sm),
        date_only=bool(_DATE_ONLY.match(compact)) or (len(parts) > 1 and bool(_DATE_ONLY.match(parts[-1].replace(" ", ""))))
        or (len(compact) <= 12 and squeezed_date(k) is not None),  # 2020226: a 成文日期 whose 年月日 a copy lost
        has_date=find_date(k) is not None,
        masthead=bool(_MASTHEAD.search(compact)) and len(compact) <= params.heading_max and not re.search(r"[，。：:《]", k),
        org=is_org_like(compact) and not doc_type_of(compact) and "关于" not in compact,  # 国务院、中央军委关于同意武警总部: a title's line
        doc_type=doc_type_of(title_core(plain)) is not None,
        guanyu="关于" in compact[:40] or "關於" in compact[:40] or "關于" in compact[:40],
        addressee=_addressee_shape(compact, params) and meta is None,
        sentence=ends_paragraph(re.sub(r"[（(][^（）()]{1,6}[）)]$", "", plain)),  # …规范（试行） is no sentence
        title_serial=trailing,
        heading=ln.hinted_heading(size),
        red=ln.red,
        centred=ln.align == "center",
        chrome=chrome and meta is None,
        meta=meta is not None,
        meta_key_only=meta is not None and not meta[1],
        rule=bool(_RULE_CHARS.match(compact)),
        note=bool(_NOTE.match(compact)),
        attach_line=bool(_ATTACH_LINE.match(compact)),
        attach_note=bool(_ATTACH_NOTE.match(compact)),
        colophon=bool(_CC.match(compact) or (_PRINTED.search(compact) and len(compact) <= params.heading_max)),
        mark=bool(_MARK.match(k.strip())),
        adoption=len(compact) <= params.addressee_max and ADOPTION.match(compact) is not None,
        in_head=i < params.head_lines,
        org_parts=_org_parts(parts, params),
        signer=bool(_SIGNER_LINE.match(k)),
    )


_SIGNED_DATE = re.compile(rf"^(?P<org>\S.*?)\s+(?P<date>{DATE_TEXT})$")


def gap_parts(key: str) -> list[str]:
    """A line's parts set apart by gaps (two spaces or more); a 署名 and its 成文日期 set apart by one
    space (江苏省教育厅 2025年3月13日) are two parts too."""
    parts = [p for p in re.split(r"\s{2,}", key) if p]
    if len(parts) == 1 and (m := _SIGNED_DATE.match(parts[0].strip())) is not None:
        from archive.chinese import to_simplified
        from archive.textparse import issuer_name

        org = m["org"].strip()
        if issuer_name(org, to_simplified(org)) == org:
            return [org, m["date"]]
    return parts


_LIST_SEP = re.compile(r"[，,、]")


def _addressee_shape(compact: str, params: LayoutParams) -> bool:
    """A 主送机关 line: organs (or a person) ending with `：`, no sentence; a long list of organs up to
    `addressee_list_max`; or, with its colon lost, a list of organs that starts with 各 (各街道办事处，区级
    各部门，官盛新区管委会). A word of three characters or fewer that names no organ (热度：, 主题：) is a
    page's field label, not a 主送."""
    from archive.chinese import to_simplified
    from archive.textparse import issuer_name

    if _SENTENCE_PUNCT.search(compact) or NOT_ADDRESSEE.search(compact) or len(compact) < 2:
        return False
    seps = len(_LIST_SEP.findall(compact))
    if len(compact) > params.addressee_max and not (len(compact) <= params.addressee_list_max and seps >= params.addressee_list_seps):
        return False
    if compact.endswith(("：", ":")):
        word = compact[:-1]
        return len(word) > 3 or word.startswith("各") or issuer_name(word, to_simplified(word)) is not None
    if not compact.startswith("各") or seps == 0 or re.search(r"[:：]", compact):
        return False
    last = _LIST_SEP.split(compact)[-1]
    return issuer_name(last, to_simplified(last)) is not None


# The start of an organ's name that is no place name: a party or state organ.
_ORGAN_START = re.compile(r"^(?:中共|中国共产党|中华人民共和国|国务院|中央|全国|最高人民|共青团|政协)")
PLACE_PREFIX_MAX = 8  # a place name that starts an organ's name is at most this long (新疆维吾尔自治区)


def joint_organs(name: str) -> list[str]:
    """The organs of an issuer written as one run: glued (山东省农业农村厅山东省财政厅, 中共宿州市委宿州市人民政府)
    or set apart by spaces (遂宁市财政局 遂宁市卫生健康委员会). A cut is made only where an organ's name ends
    and the rest is an organ itself that starts with a party or state organ or with a place the first
    one names too (not a unit under it: 宁波市公安局江北分局); one organ (湖南省人民政府办公厅) stays whole."""
    from archive import gazetteer
    from archive.chinese import to_simplified
    from archive.textparse import issuer_name

    name = name.strip()
    words = name.split()
    if len(words) > 1:
        if all(issuer_name(w, to_simplified(w)) == w for w in words):
            return [p for w in words for p in joint_organs(w)]
        return [name]
    key = to_simplified(name)
    for cut in range(4, len(key) - 3):
        head, rest = key[:cut], key[cut:]
        if issuer_name(head, head) != head or issuer_name(rest, rest) != rest:
            continue
        places = [rest[:n] for n in range(2, min(PLACE_PREFIX_MAX, len(rest) - 2) + 1) if gazetteer.is_place(rest[:n])]
        if _ORGAN_START.match(rest) or any(p in head for p in places):  # 江北分局 after 宁波市公安局: a unit of it
            return [name[:cut], *joint_organs(name[cut:])]
    return [name]


def _org_parts(parts: list[str], params: LayoutParams) -> bool:
    """Whether a line's parts (a trailing date aside) all name organisations: 北京市教育委员会  北京市财政局."""
    from archive.textparse import issuer_name

    names = parts[:-1] if len(parts) > 1 and _DATE_ONLY.match(parts[-1].replace(" ", "")) else parts
    if len(names) == 1 and " " in names[0]:  # 国务院办公厅 中央军委办公厅: single spaces between organisations
        names = names[0].split()
    return bool(names) and all(len(p) <= params.heading_max and "关于" not in p and issuer_name(p, p) == p for p in names)


def _with_repeats(lines: list[Line], out: list[Features], params: LayoutParams) -> list[Features]:
    """Mark the lines near the top whose title stands again in one of the next lines."""
    reach = min(len(lines), params.chrome_prefix_max + params.repeat_window + 1)
    cores = [title_core(ln.key) for ln in lines[:reach]]
    for i, f in enumerate(out[:reach]):
        c = cores[i]
        if len(c) >= params.repeat_min and i < params.chrome_prefix_max:
            f.repeats_next = any(
                c == d or (len(d) >= params.repeat_min and c.endswith(d) and out[i].serial_inside)
                for d in cores[i + 1 : i + 1 + params.repeat_window]
            )
    return out


def title_core(text: str) -> str:
    """A title line as compared with another: no spaces, no 《》 around it, no 发文字号 before or after it."""
    c = re.sub(r"\s+", "", text).rstrip("|｜")
    c = _TRAILING_COUNT.sub("", c)  # …的通知0: a page's counter glued to its copy of the title
    m = serial_in(c)
    if m is not None and (m.start() == 0 or re.fullmatch(r"[（(]?", c[: m.start()][-1:] or "") is not None):
        if m.start() <= 1:
            c = c[m.end() :]
        elif re.fullmatch(r"[）)]?", c[m.end() :]):
            c = re.sub(r"[（(]$", "", c[: m.start()])
    if c.startswith("《") and c.endswith("》") and c.count("《") == 1:
        c = c[1:-1]
    return c
