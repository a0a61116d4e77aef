"""OFD (GB/T 33190, the national layout format): a small reader on zipfile and a hardened XML parser.

OFD.xml → DocBody/DocRoot → Document.xml → CommonData (templates, public and
document resources) and Pages. A scanned OFD (no text, each page one image)
is read by OCR (format "ofd-ocr"). Each page's text objects — its own, its
templates', and those inside composite objects (CompositeGraphicUnit) and page
blocks — are placed by their Boundary and TextCode X/Y (mm), grouped into
lines by position and turned into paragraphs like PDF lines. Paths are resolved
inside the container only.
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass

from archive.document import Document
from archive.errors import BulletinReadError
from archive.readers.budget import produce
from archive.readers.layout import Char, Line, line_text, paragraphs_from_lines
from archive.readers.limits import Limits
from archive.readers.safezip import SafeZip
from archive.readers.xml import parse_xml

__all__ = ["read_ofd"]

_PT_PER_MM = 72 / 25.4
_MAX_DEPTH = 20  # nesting of layers, blocks and composite units followed


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(el: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in el if _local(c.tag) == name]


def _child(el: ET.Element, name: str) -> ET.Element | None:
    return next((c for c in el if _local(c.tag) == name), None)


def _floats(s: str | None) -> list[float]:
    out: list[float] = []
    for tok in (s or "").replace(",", " ").split():
        try:
            out.append(float(tok))
        except ValueError:
            continue
    return out


def _deltas(s: str | None, n: int) -> list[float]:
    """DeltaX with its `g count value` shorthand expanded, n-1 gaps."""
    toks = (s or "").split()
    out: list[float] = []
    k = 0
    while k < len(toks) and len(out) < n:
        if toks[k] == "g" and k + 2 < len(toks):
            try:
                out += [float(toks[k + 2])] * int(toks[k + 1])
            except ValueError:
                pass
            k += 3
            continue
        try:
            out.append(float(toks[k]))
        except ValueError:
            pass
        k += 1
    return out


@dataclass
class _Glyphs:
    chars: list[tuple[float, float, float, str, float]]  # (x, baseline y, size, char, advance) in mm
    bold: bool
    color: str | None


class _Reader:
    def __init__(self, zf: SafeZip, name: str, limits: Limits) -> None:
        self.zf, self.name, self.limits = zf, name, limits
        self.composites: dict[str, tuple[ET.Element, list[float]]] = {}
        self.fonts: dict[str, str] = {}
        self.media: dict[str, str] = {}  # MultiMedia ID → part path of the image
        self.images: list[tuple[float, str]] = []  # (area in mm², media ID) on the page being read
        self.parts_read = 0
        self.costs: dict[str, int] = {}  # composite unit ID → objects placing it produces

    def xml(self, part: str) -> ET.Element:
        self.parts_read += 1
        if self.parts_read > 4 * self.limits.max_pages + 100:
            raise BulletinReadError(self.name, "OFD 引用的部件过多，已拒绝")
        return parse_xml(self.zf.read(part), self.name, part)

    def resolve(self, base_dir: str, loc: str) -> str:
        loc = loc.strip().replace("\\", "/")
        path = posixpath.normpath(loc.lstrip("/") if loc.startswith("/") else posixpath.join(base_dir, loc))
        if path.startswith("../") or path == "..":
            raise BulletinReadError(self.name, f"OFD 部件路径 {loc!r} 指向容器之外，已拒绝")
        return path

    def load_res(self, doc_dir: str, common: ET.Element) -> None:
        for tag in ("PublicRes", "DocumentRes"):
            for el in _children(common, tag):
                part = self.resolve(doc_dir, el.text or "")
                if not self.zf.find(part):
                    continue
                res = self.xml(part)
                media_dir = self.resolve(posixpath.dirname(part), res.get("BaseLoc") or ".")
                for group in res:
                    if _local(group.tag) == "Fonts":
                        for font in _children(group, "Font"):
                            self.fonts[font.get("ID", "")] = (font.get("FontName") or "") + (font.get("FamilyName") or "")
                    elif _local(group.tag) == "CompositeGraphicUnits":
                        for unit in _children(group, "CompositeGraphicUnit"):
                            content = _child(unit, "Content")
                            if content is not None:
                                self.composites[unit.get("ID", "")] = (content, _floats(unit.get("Boundary")))
                    elif _local(group.tag) == "MultiMedias":
                        for media in _children(group, "MultiMedia"):
                            file = _child(media, "MediaFile")
                            if file is not None and (file.text or "").strip() and media.get("Type", "Image") == "Image":
                                self.media[media.get("ID", "")] = self.resolve(media_dir, file.text or "")

    def unit_cost(self, uid: str, depth: int = 0, stack: frozenset[str] = frozenset()) -> int:
        """Objects that placing composite unit `uid` produces, its nested placements multiplied out
        (memoised: an OFD of units that each place the one below ten times is priced before it is expanded)."""
        if uid in self.costs:
            return self.costs[uid]
        unit = self.composites.get(uid)
        if unit is None or depth > _MAX_DEPTH:
            return 0
        if uid in stack:  # a unit that places itself: endless
            return self.limits.max_objects + 1
        total = self.content_cost(unit[0], depth, stack | {uid})
        self.costs[uid] = total
        return total

    def content_cost(self, root: ET.Element, depth: int = 0, stack: frozenset[str] = frozenset()) -> int:
        """Objects that reading `root` (a page's content, a unit's) produces, every composite unit it
        places multiplied out; counting stops past the objects budget."""
        total, todo = 0, [root]
        while todo and total <= self.limits.max_objects:
            el = todo.pop()
            total += len(el)
            for obj in el:
                tag = _local(obj.tag)
                if tag in ("Layer", "PageBlock", "Content"):
                    todo.append(obj)
                elif tag == "CompositeObject":
                    total += self.unit_cost(obj.get("ResourceID", ""), depth + 1, stack)
        return total

    def objects(self, el: ET.Element, ox: float, oy: float, out: list[_Glyphs], depth: int = 0,
                priced: bool = False) -> None:
        if depth > _MAX_DEPTH:
            return
        if not priced:  # the whole of `el` priced before any of it is expanded: nine placements of a
            # unit of 500,000 objects are refused at once, not after three of them are made
            produce(self.content_cost(el), self.name, self.limits, "OFD 图元（复合图元展开后）")
            priced = True
        for obj in el:
            tag = _local(obj.tag)
            if tag in ("Layer", "PageBlock", "Content"):
                self.objects(obj, ox, oy, out, depth + 1, priced)
            elif tag == "CompositeObject":
                box = _floats(obj.get("Boundary"))
                rid = obj.get("ResourceID", "")
                unit = self.composites.get(rid)
                if unit is not None and len(box) >= 2:
                    self.objects(unit[0], ox + box[0], oy + box[1], out, depth + 1, True)
            elif tag == "TextObject":
                self.text_object(obj, ox, oy, out)
            elif tag == "ImageObject":
                box = _floats(obj.get("Boundary"))
                if len(box) >= 4:
                    self.images.append((box[2] * box[3], obj.get("ResourceID", "")))

    def text_object(self, obj: ET.Element, ox: float, oy: float, out: list[_Glyphs]) -> None:
        box = _floats(obj.get("Boundary"))
        if len(box) < 2:
            return
        size = (_floats(obj.get("Size")) or [3.5])[0]
        ctm = _floats(obj.get("CTM"))
        a, b, c, d, e, f = ctm if len(ctm) == 6 else (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
        scale = abs(a * d - b * c) ** 0.5 or 1.0
        fill = _child(obj, "FillColor")
        rgb = _floats(fill.get("Value")) if fill is not None else []
        color = "#{:02x}{:02x}{:02x}".format(*(int(max(0, min(255, v))) for v in rgb[:3])) if len(rgb) >= 3 else None
        font = self.fonts.get(obj.get("Font", ""), "")
        weight = _floats(obj.get("Weight"))
        bold = (weight and weight[0] >= 600) or obj.get("Bold") == "true" or bool(re.search(r"黑体|Bold|粗", font))
        chars: list[tuple[float, float, float, str, float]] = []
        x = y = 0.0
        for code in _children(obj, "TextCode"):
            text = code.text or ""
            if code.get("X") is not None:
                x = (_floats(code.get("X")) or [x])[0]
            if code.get("Y") is not None:
                y = (_floats(code.get("Y")) or [y])[0]
            dxs = _deltas(code.get("DeltaX"), len(text) - 1)
            dys = _deltas(code.get("DeltaY"), len(text) - 1)
            cx, cy = x, y
            for k, ch in enumerate(text):
                advance = dxs[k] if k < len(dxs) else size * (1.0 if ord(ch) > 0x2E80 else 0.5)
                width = min(advance, size) if advance > 0 else size
                px, py = a * cx + c * cy + e, b * cx + d * cy + f  # object space → the page, by the CTM
                chars.append((ox + box[0] + px, oy + box[1] + py, size * scale, ch, width * scale))
                cx += advance
                cy += dys[k] if k < len(dys) else 0.0
            x, y = cx, cy
        produce(len(chars), self.name, self.limits, "字形")
        if chars:
            out.append(_Glyphs(chars, bool(bold), None if color in (None, "#000000") else color))


def _lines(glyphs: list[_Glyphs], page: int) -> list[Line]:
    """Glyphs → lines: same baseline (within a third of the size), sorted by x; lines top to bottom."""
    items = [(y, x, size, ch, g, w) for g in glyphs for x, y, size, ch, w in g.chars]
    items.sort(key=lambda it: (it[0], it[1]))
    rows: list[list] = []
    for it in items:
        if rows and abs(rows[-1][0][0] - it[0]) <= max(0.35 * it[2], 0.5):
            rows[-1].append(it)
        else:
            rows.append([it])
    out: list[Line] = []
    for row in rows:
        row.sort(key=lambda it: it[1])
        chars = [Char(ch, x * _PT_PER_MM, (x + w) * _PT_PER_MM, size * _PT_PER_MM) for _, x, size, ch, _, w in row]
        text = line_text(chars)
        if not text:
            continue
        sizes = Counter(round(it[2] * _PT_PER_MM, 1) for it in row if it[3].strip())
        size = sizes.most_common(1)[0][0] if sizes else 10.0
        gs = Counter(id(it[4]) for it in row)
        main = next(it[4] for it in row if id(it[4]) == gs.most_common(1)[0][0])
        baseline = row[0][0] * _PT_PER_MM
        out.append(Line(text=text, x0=chars[0].x0, x1=chars[-1].x1, top=baseline - size, bottom=baseline,
                        page=page, size=size, bold=main.bold, color=main.color))
    return out


def _page_area(el: ET.Element, default: float | None) -> float | None:
    """The area (mm²) of a Page's or Document's PhysicalBox, else `default`."""
    for holder in ("Area", "CommonData"):
        node = _child(el, holder)
        if holder == "CommonData" and node is not None:
            node = _child(node, "PageArea")
        box = _floats(_child(node, "PhysicalBox").text) if node is not None and _child(node, "PhysicalBox") is not None else []
        if len(box) >= 4 and box[2] > 0 and box[3] > 0:
            return box[2] * box[3]
    return default


def _ocr_scanned(zf: SafeZip, name: str, limits: Limits, page_images: list[str | None],
                 meta: dict[str, str]) -> Document:
    """A scanned OFD (each page one image): the images decoded within the pixel limit, then OCR."""
    import io
    import tempfile
    import warnings
    from pathlib import Path

    from PIL import Image, UnidentifiedImageError

    from archive.readers.budget import check_temp
    from archive.readers.ocr import check_ocr_pages, ocr_pages

    check_ocr_pages(len(page_images), name, limits)
    dpi = float(limits.ocr_dpi)
    with tempfile.TemporaryDirectory(prefix="bulletin-ocr-") as tmp:
        for k, part in enumerate(page_images, 1):
            out = Path(tmp) / f"page-{k:04d}.png"
            if part is None or zf.find(part) is None:
                Image.new("L", (64, 64), 255).save(out)  # no scan on this page: nothing to read
                continue
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("error", Image.DecompressionBombWarning)
                    warnings.simplefilter("ignore", UserWarning)
                    img = Image.open(io.BytesIO(zf.read(part)))
                    if img.width * img.height > limits.max_pixels:
                        raise BulletinReadError(name, f"第 {k} 页图像有 {img.width}×{img.height} 像素"
                                                      f"（上限 {limits.max_pixels:,}）：按解压炸弹拒绝")
                    img.convert("L").save(out)
                    check_temp(Path(tmp), name, limits)
                    if k == 1:
                        dpi = float(img.info.get("dpi", (dpi, dpi))[0] or dpi)
            except (Image.DecompressionBombError, Image.DecompressionBombWarning, UnidentifiedImageError, OSError,
                    SyntaxError, ValueError) as exc:
                raise BulletinReadError(name, f"第 {k} 页图像无法解码（{exc}）") from None
        doc = ocr_pages(Path(tmp), len(page_images), name, "ofd-ocr", limits, dpi, meta)
    return doc


def read_ofd(data: bytes, name: str, limits: Limits) -> Document:
    """An OFD file's text, page by page, in reading order."""
    zf = SafeZip(data, name, limits)
    reader = _Reader(zf, name, limits)
    root_part = zf.find("OFD.xml")
    if root_part is None:
        raise BulletinReadError(name, "不是 OFD 文件（zip 中没有 OFD.xml）")
    ofd = reader.xml(root_part)
    body = _child(ofd, "DocBody")
    doc_root = _child(body, "DocRoot") if body is not None else None
    if doc_root is None or not (doc_root.text or "").strip():
        raise BulletinReadError(name, "OFD.xml 没有指明 DocRoot")
    meta: dict[str, str] = {}
    info = _child(body, "DocInfo") if body is not None else None
    if info is not None:
        for tag, label in (("Title", "标题"), ("Author", "作者")):
            el = _child(info, tag)
            if el is not None and (el.text or "").strip():
                meta[label] = el.text.strip()
    doc_part = reader.resolve("", doc_root.text or "")
    document = reader.xml(doc_part)
    doc_dir = posixpath.dirname(doc_part)
    common = _child(document, "CommonData")
    templates: dict[str, str] = {}
    if common is not None:
        reader.load_res(doc_dir, common)
        for tpl in _children(common, "TemplatePage"):
            templates[tpl.get("ID", "")] = reader.resolve(doc_dir, tpl.get("BaseLoc", ""))
    pages_el = _child(document, "Pages")
    pages = _children(pages_el, "Page") if pages_el is not None else []
    if not pages:
        raise BulletinReadError(name, "OFD 文档没有页面")
    if len(pages) > limits.max_pages:
        raise BulletinReadError(name, f"OFD 有 {len(pages):,} 页（上限 {limits.max_pages:,}），已拒绝")
    lines: list[Line] = []
    page_images: list[str | None] = []  # per page, the image covering most of it (a scanned page)
    area = _page_area(document, None)
    for number, page_ref in enumerate(pages, 1):
        part = reader.resolve(doc_dir, page_ref.get("BaseLoc", ""))
        page = reader.xml(part)
        reader.images = []
        glyphs: list[_Glyphs] = []
        for tpl in _children(page, "Template"):
            tpl_part = templates.get(tpl.get("TemplateID", ""))
            if tpl_part and zf.find(tpl_part):
                tpl_page = reader.xml(tpl_part)
                content = _child(tpl_page, "Content")
                if content is not None:
                    reader.objects(content, 0.0, 0.0, glyphs)
        content = _child(page, "Content")
        if content is not None:
            reader.objects(content, 0.0, 0.0, glyphs)
        lines += _lines(glyphs, number)
        page_area = _page_area(page, area)
        big = max(reader.images, default=(0.0, ""))
        page_images.append(reader.media.get(big[1]) if page_area and big[0] >= 0.3 * page_area else None)
    paragraphs = paragraphs_from_lines(lines)
    if not any(p.text for p in paragraphs):
        if any(page_images):
            return _ocr_scanned(zf, name, limits, page_images, meta)
        raise BulletinReadError(name, "OFD 没有文字（页面上既没有文字也没有扫描页图像）")
    text = "".join(p.text for p in paragraphs)
    private = sum(1 for ch in text if "\ue000" <= ch <= "\uf8ff")
    warnings = (f"{private} of {len(text)} characters are private-use codes (a font without a Unicode map): "
                "that text is unreadable",) if private > 0.02 * len(text) else ()
    return Document(name=name, format="ofd", paragraphs=tuple(paragraphs), meta=meta, warnings=warnings)
