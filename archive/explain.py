"""Where each paragraph of a document ended up: `bulletins check --explain`.

Every paragraph of a document ends in exactly one place: a header field (标题,
发文字号, 主送, 署名, 成文日期, 期号 …), an article (its 正文, or an attachment
when the layout model labels it so), the 版记 / 报尾, or removed — site chrome,
the page's metadata block, a repeated page title, a page number, a rule — with
the rule that removed it. `explain` reports one `Placement` per paragraph;
a paragraph found nowhere is `lost`, which is a bug (tests/test_nothing_dropped.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archive.dates import DATE_TEXT, find_date, squeezed_date
from archive.document import Document
from archive.layout import Line, document_lines, is_page_number, is_typed_rule
from archive.features import serial_in
from archive.gongwen import normalise_serial
from archive.model import Bulletin
from archive.paragraphs import strip_bullet
from archive.layouts.jianbao import PARTS
from archive.textparse import glued_footer_at, is_confidential_mark

__all__ = ["TOC_ONLY", "Placement", "explain", "lost"]

# Words a header or 报尾 line carries besides its fields (编印, 主办, 期, 共印N份 …).
_FILLER = re.compile(
    r"第?\s*[0-9０-９〇零○一二三四五六七八九十百]+\s*期|总第|總第|[0-9〇零○一二三四五六七八九十]+\s*年|No\.?\s*\d+|"
    r"编印|編印|主办|主辦|编发|編發|编|編|印发|印發|出版|日期|期号|共印\s*[0-9０-９〇零一二三四五六七八九十百]+\s*份|"
    r"[（）()【】〔〕\[\]《》<>「」:：,，、.。·•\-—_~|/\s\u3000]"
)


TOC_ONLY = "目录条目：无对应文章，未收录"  # the Markdown parser drops a table of contents whole
TOC_TITLES = {"新闻摘要", "目录", "本期目录", "本期要目", "要目", "内容提要", "本期导读", "导读", "本期内容", "内容摘要", "本期要览"}
_TOC_ITEM = re.compile(r"^(?:[0-9０-９]{1,2}[.．、]|[（(][0-9０-９]{1,2}[）)])")


@dataclass(frozen=True)
class Placement:
    """One paragraph (a line of raw text, a paragraph of other formats) and where it went."""

    number: int
    text: str
    place: str  # 表头字段 …, 第N篇文章 …, 版记/报尾, 已去除：<rule>, or 未归属 (lost)

    @property
    def lost(self) -> bool:
        return self.place.startswith("未归属")


_FOLD = str.maketrans({",": "，", ":": "：", "(": "（", ")": "）", ";": "；", "!": "！", "?": "？"})


def _squash(text: str) -> str:
    """Text as compared: no spaces, ASCII punctuation as its full-width form."""
    return re.sub(r"\s+", "", text).translate(_FOLD)


def _fields(b: Bulletin) -> list[tuple[str, str]]:
    """(field name, value) of the header and 版记 fields a line can hold."""
    out: list[tuple[str, str]] = []
    for name, value in (
        ("名称", b.series), ("发文机关", b.issuer), ("发文字号", b.serial), ("主送机关", b.addressee), ("签发人", b.signer),
        ("附注", b.annotation), ("份号", b.copy_no), ("密级", b.secrecy), ("紧急程度", b.urgency), ("印发机关", b.print_org),
    ):
        if value:
            out.append((name, value))
            if name == "发文机关":
                out += [(name, part) for part in value.split("、")]
    out += [("标题", a.title) for a in b.articles[:1] if b.kind == "公文"]
    out += [("附件说明", a) for a in b.attachments]
    return out


def _header_place(text: str, b: Bulletin, fields: list[tuple[str, str]]) -> str | None:
    """The header fields a line holds, when it holds nothing else."""
    rest = _squash(text)
    names: list[str] = []
    for name, value in sorted(fields, key=lambda nv: -len(nv[1])):
        v = _squash(value)
        if v and v in rest:
            rest = rest.replace(v, "")
            names.append(name)
    for name, value in fields:
        v = _squash(value)
        if v and len(rest) >= 4 and rest in v:  # a title or 主送 over several lines
            rest = ""
            names.append(name)
    if (m := serial_in(rest)) is not None and b.serial and normalise_serial(m.group()) == normalise_serial(b.serial):
        rest = rest.replace(m.group(), "")
        names.append("发文字号")
    if b.issue is not None and re.search(r"第\s*[0-9０-９〇零○一二三四五六七八九十百]+\s*期|No\.?\s*\d+", rest) and not re.search(r"[总總]第", rest):
        names.append("期号")
    if b.issue_total is not None and re.search(r"[总總]第", rest):
        names.append("总期号")
    date = find_date(text)
    if date is not None and date in (b.date, b.print_date):
        names.append("日期")
        rest = re.sub(r"\d{4}[-./]\d{1,2}[-./]\d{1,2}", "", rest)  # 2022-04-02, (2023-05-06)
    if date is None and b.date is not None and squeezed_date(text) == b.date:  # 2020226: a 成文日期 that lost its 年月日
        names.append("日期")
        rest = ""
    if b.date is not None and b.date.strftime("%Y%m%d") in rest:  # 《新闻联播》 (20221003)
        rest = rest.replace(b.date.strftime("%Y%m%d"), "")
        rest = re.sub(r"\d{1,2}[:：]\d{2}", "", rest)
        names.append("日期")
    if re.search(r"共印\s*[0-9０-９〇零一二三四五六七八九十百]+\s*份", text) and b.copies:
        names.append("印数")
    if date is not None:
        rest = re.sub(DATE_TEXT, "", rest)  # 二OO六年二月二十日 as well
    rest = _FILLER.sub("", rest)
    if date is not None:
        rest = re.sub(r"[0-9〇零○Ｏ一二三四五六七八九十]+[月日号]", "", rest)
    if names and len(rest) <= 2:
        return "表头字段：" + "、".join(dict.fromkeys(names))
    return None


def _article_place(text: str, b: Bulletin, bodies: list[str]) -> str | None:
    key = _squash(strip_bullet(text.strip()))
    if not key:
        return None
    section = re.sub(r"^[【〔［\[]|[】〕］\]]$", "", key)
    if any(a.section and _squash(a.section) == section for a in b.articles):
        return "栏目"
    for k, body in enumerate(bodies, 1):
        if key in body:
            return f"第{k}篇文章"
    return None


def _title_place(text: str, b: Bulletin) -> str | None:
    key = _squash(strip_bullet(text.strip()))
    for k, a in enumerate(b.articles, 1):
        title = _squash(a.title)
        if title and (key in title or title in key) and len(key) <= len(title) + 20:
            return f"第{k}篇文章标题"
    return None


def _footer_place(text: str, b: Bulletin) -> str | None:
    key = _squash(text)
    for r in b.recipients:
        r2 = _squash(r)
        if key and (key in r2 or r2 in key):
            return "版记/报尾"
    if re.search(r"共印\s*[0-9０-９〇零一二三四五六七八九十百]+\s*份", text) and b.copies:
        return "版记/报尾：印数"
    return None


def explain(doc: Document) -> tuple[Bulletin, list[Placement]]:
    """Parse a document and say, for each of its paragraphs, where it went."""
    from archive.mdparse import markdown_lines
    from archive.parse import parse_document, parse_lines

    removed: dict[tuple[int, str], str] = {}
    labels: dict[int, str] = {}
    parts: dict[int, str] = {}
    if doc.format == "markdown":
        b = parse_document(doc)
        lines = markdown_lines(doc.source or "")
    else:
        b, page = parse_lines(doc)
        b = parse_document(doc) if doc.format == "html" else b  # the pictures a saved page adds
        from archive.layouts import unflatten, without_jammer

        kept, noise = without_jammer(document_lines(doc))  # a jammer's runs cut off the lines they were glued to
        lines = unflatten(sorted([*kept, *(ln for ln, _rule in noise)], key=lambda ln: ln.number))  # a notice flattened into one line: its pieces, placed one by one
        removed = {(ln.number, ln.key): rule for ln, rule in page.removed}
        if b.kind == "公文":
            from archive.layouts import label_lines

            _feats, decoded = label_lines(page.lines)
            labels = {ln.number: d.label for ln, d in zip(page.lines, decoded)}
        elif b.kind == "简报":
            from archive.textparse import label_issue

            for ln, part in label_issue(page.lines):  # the 简报's element of each line, named after its place
                parts.setdefault(ln.number, PARTS[part])
    bodies = [_squash(a.text) for a in b.articles]
    titles = [_squash(a.title) for a in b.articles]
    fields = _fields(b)
    out: list[Placement] = []
    in_toc = False
    for ln in _raw_units(doc, lines):
        if isinstance(ln, Placement):
            out.append(ln)
            continue
        key = _squash(ln.text)
        if key in TOC_TITLES:
            in_toc = True
            out.append(Placement(ln.number, ln.text, "已去除：目录标题"))
            continue
        if in_toc:
            if key in titles or any(a.section and _squash(a.section) == key for a in b.articles):
                in_toc = False  # the first article: the table of contents is over
            else:
                out.append(Placement(ln.number, ln.text, _toc_place(ln.text, key, b, titles, bodies, fields)))
                continue
        if (ln.number, ln.key) in removed:
            place = "已去除：" + removed[ln.number, ln.key]
        elif b.kind == "简报" and is_confidential_mark(ln.key):
            place = "已去除：报头的内部资料标注"
        elif (glued := _glued_place(ln, b, bodies)) is not None:
            place = glued
        else:
            place = (
                _article_place(ln.text, b, bodies)
                or _header_place(ln.text, b, fields)
                or _title_place(ln.text, b)
                or _footer_place(ln.text, b)
                or "未归属（丢失）"
            )
            if b.kind == "公文" and place.startswith("第") and labels.get(ln.number) == "attachment":
                place += "（附件）"
            if place.startswith("未归属") and parts.get(ln.number) == PARTS["colophon"]:
                place = "已去除：报尾的签发、编辑与联系行"  # read as the 报尾's, not archived (no field holds them)
            if ln.number in parts and not place.startswith("未归属"):
                place += f"〔{parts[ln.number]}〕"
        out.append(Placement(ln.number, ln.text, place))
    return b, out


def _glued_place(ln: Line, b: Bulletin, bodies: list[str]) -> str | None:
    """A line whose end is the 报尾 glued to the last article's final sentence: both parts placed."""
    if b.kind != "简报" or (at := glued_footer_at(ln.key)) is None:
        return None
    first, second = _article_place(ln.text[:at], b, bodies), _footer_place(ln.text[at:], b)
    return f"{first}＋{second}" if first and second else None


def _toc_place(text: str, key: str, b: Bulletin, titles: list[str], bodies: list[str], fields: list[tuple[str, str]]) -> str:
    """A line of a table of contents: every piece of it stands in a title or a body (or is a header field)."""
    if _header_place(text, b, fields):
        return "表头字段（目录中）"
    item = _TOC_ITEM.sub("", key)
    pieces = [_squash(p) for p in re.split(r"[\s：:；;。，,、\-－—–/／（）()“”\"《》【】]+", _TOC_ITEM.sub("", text.strip())) if len(p) >= 2]
    if not pieces or (len(key) <= 12 and key.endswith("：") and not item[:-1] in "".join(titles)):
        return "已去除：目录的引导语" if len(key) <= 12 else "未归属（丢失）"
    if all(any(p in t for t in titles) or any(p in body for body in bodies) or _header_place(p, b, fields) for p in pieces):
        return "已去除：目录条目（与文章重复）"
    return TOC_ONLY


def _raw_units(doc: Document, lines: list[Line]) -> list[Line | Placement]:
    """The document's lines as the parser saw them, with the paragraphs it never
    saw (page numbers, rules, running heads) placed as removed."""
    if doc.format == "markdown":
        return list(lines)
    seen = {ln.number for ln in lines}
    out: list[Line | Placement] = []
    units = doc.source.split("\n") if doc.format == "text" and doc.source is not None else [p.text for p in doc.paragraphs]
    kinds = ["body"] * len(units) if doc.format == "text" and doc.source is not None else [p.kind for p in doc.paragraphs]
    by_number: dict[int, list[Line]] = {}
    for ln in lines:
        by_number.setdefault(ln.number, []).append(ln)
    for number, (text, kind) in enumerate(zip(units, kinds), 1):
        if number in by_number:
            out += by_number[number]
        elif number in seen or not text.strip():
            continue
        elif kind == "rule" or is_typed_rule(text):
            out.append(Placement(number, text.strip(), "已去除：分隔线"))
        elif is_page_number(text.strip()):
            out.append(Placement(number, text.strip(), "已去除：页码"))
        elif kind != "body":
            out.append(Placement(number, text.strip(), f"已去除：页眉页脚（{kind}）"))
        else:  # joined into the line before it (a paragraph a page break split)
            continue
    return out


def lost(placements: list[Placement]) -> list[Placement]:
    """The paragraphs that ended nowhere."""
    return [p for p in placements if p.lost]
