"""Word .docx (and what LibreOffice converts .doc/.wps into): paragraphs with Word's own hints.

One pass over word/document.xml in reading order gives text and hints together:
paragraphs, table cells (with their coordinates), text boxes, content controls,
tracked insertions (deletions skipped). A text box is stored twice by Word — as
DrawingML in mc:Choice and as VML in mc:Fallback — and is read once, from the
Choice. Size, bold, colour, alignment and first-line indent come from the run,
its character style, the paragraph style chain and the document defaults.
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field

from archive.document import Document, Paragraph
from archive.errors import BulletinReadError
from archive.readers.budget import produce
from archive.readers.limits import Limits
from archive.readers.safezip import SafeZip
from archive.readers.xml import parse_xml

__all__ = ["read_docx"]

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"

_SKIP = {W + "del", W + "delText", W + "instrText", W + "moveFrom", W + "pPr", W + "rPr", MC + "Fallback",
         W + "commentReference", W + "footnoteReference", W + "endnoteReference", W + "proofErr", W + "bookmarkStart",
         W + "bookmarkEnd", W + "sectPr"}
_FALSE = {"0", "false", "off", "none"}
_ALIGN = {"center": "center", "right": "right", "end": "right", "both": "justify", "distribute": "justify",
          "left": "left", "start": "left"}
_PAGE_NUMBER = re.compile(r"^[\s\-—–－]*(?:第\s*)?\d{0,4}\s*(?:页)?[\s\-—–－]*$")


@dataclass
class _Style:
    based_on: str | None = None
    rpr: ET.Element | None = None
    ppr: ET.Element | None = None


@dataclass
class _Styles:
    styles: dict[str, _Style] = field(default_factory=dict)
    default_para: str | None = None
    default_rpr: ET.Element | None = None

    def chain(self, style_id: str | None) -> list[_Style]:
        out: list[_Style] = []
        seen: set[str] = set()
        while style_id and style_id not in seen and style_id in self.styles:
            seen.add(style_id)
            st = self.styles[style_id]
            out.append(st)
            style_id = st.based_on
        return out


def _val(el: ET.Element | None, attr: str = "val") -> str | None:
    return None if el is None else el.get(W + attr)


def _styles(zf: SafeZip, name: str) -> _Styles:
    out = _Styles()
    if not zf.has("word/styles.xml"):
        return out
    root = parse_xml(zf.read("word/styles.xml"), name, "word/styles.xml")
    defaults = root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    out.default_rpr = defaults
    for st in root.findall(W + "style"):
        sid = st.get(W + "styleId")
        if not sid:
            continue
        out.styles[sid] = _Style(_val(st.find(W + "basedOn")), st.find(W + "rPr"), st.find(W + "pPr"))
        if st.get(W + "type") == "paragraph" and st.get(W + "default") in ("1", "true"):
            out.default_para = sid
    return out


class _Reader:
    def __init__(self, zf: SafeZip, name: str, limits: Limits) -> None:
        self.name, self.limits = name, limits
        self.zf = zf
        self.styles = _styles(zf, name)
        self.out: list[Paragraph] = []
        self.tables = 0

    # -- properties ------------------------------------------------------------
    def _rprs(self, run_rpr: ET.Element | None, para_style: list[_Style]) -> list[ET.Element]:
        rprs: list[ET.Element] = []
        if run_rpr is not None:
            rprs.append(run_rpr)
            rstyle = _val(run_rpr.find(W + "rStyle"))
            rprs += [s.rpr for s in self.styles.chain(rstyle) if s.rpr is not None]
        rprs += [s.rpr for s in para_style if s.rpr is not None]
        if self.styles.default_rpr is not None:
            rprs.append(self.styles.default_rpr)
        return rprs

    @staticmethod
    def _first(rprs: list[ET.Element], tag: str) -> ET.Element | None:
        for rpr in rprs:
            el = rpr.find(W + tag)
            if el is not None:
                return el
        return None

    def _run_props(self, run_rpr: ET.Element | None, para_style: list[_Style]) -> tuple[float | None, bool, str | None]:
        rprs = self._rprs(run_rpr, para_style)
        sz = _val(self._first(rprs, "sz"))
        b = self._first(rprs, "b")
        color = _val(self._first(rprs, "color"))
        size = int(sz) / 2 if sz and sz.isdigit() else None
        bold = b is not None and (_val(b) or "1").lower() not in _FALSE
        colour = f"#{color.lower()}" if color and re.fullmatch(r"[0-9A-Fa-f]{6}", color) else None
        return size, bold, colour

    # -- structure -------------------------------------------------------------
    def block(self, el: ET.Element, cell: tuple[int, int, int] | None = None, kind: str = "body") -> None:
        produce(len(el), self.name, self.limits, "Word 元素")
        for child in el:
            tag = child.tag
            if tag == W + "p":
                self.paragraph(child, cell, kind)
            elif tag == W + "tbl":
                self.table(child, kind)
            elif tag == MC + "AlternateContent":
                choice = child.find(MC + "Choice")
                if choice is not None:
                    self.block(choice, cell, kind)
            elif tag in (W + "sdt",):
                content = child.find(W + "sdtContent")
                if content is not None:
                    self.block(content, cell, kind)
            elif tag in (W + "customXml", W + "ins", W + "moveTo", W + "sdtContent", W + "smartTag"):
                self.block(child, cell, kind)

    def table(self, tbl: ET.Element, kind: str) -> None:
        t = self.tables
        self.tables += 1
        for r, tr in enumerate(tbl.findall(W + "tr")):
            for c, tc in enumerate(tr.findall(W + "tc")):
                self.block(tc, (t, r, c), kind)

    def paragraph(self, p: ET.Element, cell: tuple[int, int, int] | None, kind: str) -> None:
        ppr = p.find(W + "pPr")
        pstyle_id = _val(ppr.find(W + "pStyle")) if ppr is not None else None
        chain = self.styles.chain(pstyle_id or self.styles.default_para)
        pieces: list[tuple[str, float | None, bool, str | None]] = []
        boxes: list[ET.Element] = []
        fields: list[str] = []
        self._inline(p, chain, pieces, boxes, fields)
        for box in boxes:  # a text box anchored here stands before the paragraph's own text
            self.block(box, cell, kind)
        text = _clean("".join(t for t, *_ in pieces))
        pprs = ([ppr] if ppr is not None else []) + [s.ppr for s in chain if s.ppr is not None]
        border = next((el for pp in pprs if (el := pp.find(f"{W}pBdr")) is not None), None)
        if text:
            weights: Counter = Counter()
            sizes: Counter = Counter()
            colours: Counter = Counter()
            for t, size, bold, colour in pieces:
                n = len(t.strip())
                weights[bold] += n
                sizes[size] += n
                colours[colour] += n
            size = sizes.most_common(1)[0][0]
            jc = next((_val(el) for pp in pprs if (el := pp.find(W + "jc")) is not None), None)
            ind = next((el for pp in pprs if (el := pp.find(W + "ind")) is not None), None)
            indent = _indent(ind, size)
            this_kind = kind
            if kind != "body" and ("PAGE" in " ".join(fields) or _PAGE_NUMBER.match(text)):
                this_kind = "page-number"
            self.out.append(Paragraph(
                text=text, size=size, bold=weights[True] > weights[False], color=colours.most_common(1)[0][0],
                align=_ALIGN.get(jc or ""), indent=indent, cell=cell, kind=this_kind,  # type: ignore[arg-type]
            ))
        elif kind != "body" and "PAGE" in " ".join(fields):
            self.out.append(Paragraph(text="", cell=cell, kind="page-number"))
        if border is not None and kind == "body":
            edge = border.find(W + "bottom") if border.find(W + "bottom") is not None else border.find(W + "top")
            if edge is not None and (_val(edge) or "nil") not in ("nil", "none"):
                color = _val(edge, "color")
                self.out.append(Paragraph(text="", kind="rule", cell=cell,
                                          color=f"#{color.lower()}" if color and re.fullmatch(r"[0-9A-Fa-f]{6}", color) else None))

    def _inline(self, el: ET.Element, chain: list[_Style], pieces: list, boxes: list, fields: list) -> None:
        for child in el:
            tag = child.tag
            if tag in _SKIP:
                if tag == W + "instrText" and child.text:
                    fields.append(child.text)
                continue
            if tag == W + "txbxContent":
                boxes.append(child)
            elif tag == W + "r":
                size, bold, colour = self._run_props(child.find(W + "rPr"), chain)
                for rc in child:
                    rt = rc.tag
                    if rt == W + "t":
                        pieces.append((rc.text or "", size, bold, colour))
                    elif rt in (W + "tab", W + "ptab"):
                        pieces.append(("\t", size, bold, colour))
                    elif rt in (W + "br", W + "cr"):
                        pieces.append(("\n", size, bold, colour))
                    elif rt == W + "noBreakHyphen":
                        pieces.append(("-", size, bold, colour))
                    elif rt == W + "instrText" and rc.text:
                        fields.append(rc.text)
                    elif rt not in _SKIP:
                        self._inline(rc, chain, pieces, boxes, fields)  # drawings, pictures, AlternateContent
            elif tag == W + "fldSimple":
                fields.append(child.get(W + "instr") or "")
                self._inline(child, chain, pieces, boxes, fields)
            else:
                self._inline(child, chain, pieces, boxes, fields)

    def parts(self, kind: str) -> None:
        rels_name = "word/_rels/document.xml.rels"
        if not self.zf.has(rels_name):
            return
        rels = parse_xml(self.zf.read(rels_name), self.name, rels_name)
        for rel in rels.findall(REL + "Relationship"):
            if rel.get("TargetMode") == "External" or not (rel.get("Type") or "").endswith("/" + kind):
                continue
            target = (rel.get("Target") or "").lstrip("/")
            part = target if target.startswith("word/") else f"word/{target}"
            if self.zf.has(part):
                self.block(parse_xml(self.zf.read(part), self.name, part), None, kind)


def _indent(ind: ET.Element | None, size: float | None) -> float | None:
    if ind is None:
        return None
    chars = ind.get(W + "firstLineChars")
    if chars and chars.lstrip("-").isdigit() and size:
        return int(chars) / 100 * size
    first = ind.get(W + "firstLine")
    if first and first.lstrip("-").isdigit():
        return int(first) / 20
    hanging = ind.get(W + "hanging")
    if hanging and hanging.isdigit():
        return -int(hanging) / 20
    return None


_CJK = "\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
_BREAK_CJK = re.compile(f"(?<=[{_CJK}])\\n(?=[{_CJK}])")


def _clean(text: str) -> str:
    """NFC, a line break inside the paragraph joined (nothing between Chinese, a space elsewhere)."""
    text = _BREAK_CJK.sub("", unicodedata.normalize("NFC", text))
    return text.replace("\n", " ").strip()


def read_docx(data: bytes, name: str, limits: Limits, fmt: str = "docx") -> Document:
    """A .docx file's paragraphs in reading order: body (text boxes once), then headers and footers."""
    zf = SafeZip(data, name, limits)
    if not zf.has("word/document.xml"):
        raise BulletinReadError(name, "不是 Word 文档（zip 中没有 word/document.xml）")
    root = parse_xml(zf.read("word/document.xml"), name, "word/document.xml")
    body = root.find(W + "body")
    if body is None:
        raise BulletinReadError(name, "word/document.xml 没有正文（body）")
    reader = _Reader(zf, name, limits)
    reader.block(body)
    reader.parts("header")
    reader.parts("footer")
    meta = _core_meta(zf, name)
    return Document(name=name, format=fmt, paragraphs=tuple(reader.out), meta=meta)


def _core_meta(zf: SafeZip, name: str) -> dict[str, str]:
    if not zf.has("docProps/core.xml"):
        return {}
    root = parse_xml(zf.read("docProps/core.xml"), name, "docProps/core.xml")
    meta: dict[str, str] = {}
    for el in root:
        local = el.tag.rsplit("}", 1)[-1]
        if local == "title" and (el.text or "").strip():
            meta["标题"] = el.text.strip()
        elif local == "creator" and (el.text or "").strip():
            meta["作者"] = el.text.strip()
    return meta
