"""Documents in every format made from one text bulletin, for the format and layout tests.

Everything is generated at run time from a text fixture (tests/fixtures/*.txt or
the seed issue in corpus/): `issue_from_text` finds the header and the 版记 of the
text version, and the writers lay the same lines out as an office would:

* `write_docx` — python-docx: the series as a red bold title in a text box (Word
  stores it twice: DrawingML and VML fallback), 第N期 centred, issuer and date in a
  1×2 table or on one line with a tab stop, a red rule, articles with first-line
  indents, the 版记 between rules, and a `- PAGE -` footer;
* `convert` — LibreOffice headless (.docx → .pdf / .doc), each call with its own profile;
* `write_scan` — a text PDF rasterised (pypdfium2), turned a little and speckled;
* `write_ofd` — a small OFD writer (GB/T 33190): pages, a template page, text objects per line;
* `write_govcn_html` — a page shaped like a saved gov.cn policy page (site chrome,
  the 索引号/发文机关/… table, the body in #UCAP-CONTENT).
"""

from __future__ import annotations

import io
import os
import random
import re
import shutil
import subprocess
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
SEED = REPO / "corpus" / "江苏精神文明建设简报-2022-第11期.txt"

_SERIES = re.compile(r"(简报|簡報|动态|動態|通讯|情况|快报|专报)$")
_ISSUE = re.compile(r"第\s*[0-9一二三四五六七八九十〇零百]+\s*期")
_DATE = re.compile(r"^(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|[〇零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日|\d{4}-\d{2}-\d{2})$")
_FOOTER = re.compile(r"^(报|送|发|抄送|印发)\s*[:：]")
_PAGE_NO = re.compile(r"^[—\-–]\s*\d+\s*[—\-–]$")


@dataclass(frozen=True)
class Issue:
    """A text bulletin's lines with the roles its layout gives them."""

    lines: tuple[str, ...]  # every non-blank line of the text version, stripped (page numbers dropped)
    series: int | None  # index of the series title
    issue: int | None  # index of the 第N期 line
    issuer: int | None
    date: int | None
    footer: int | None  # index of the first 版记 line

    def role(self, i: int) -> str:
        if i == self.series:
            return "series"
        if i == self.issue:
            return "issue"
        if i == self.issuer:
            return "issuer"
        if i == self.date:
            return "date"
        if self.footer is not None and i >= self.footer:
            return "footer"
        if self.series is not None and i < self.series:
            return "top"
        line = self.lines[i]
        if line.startswith("【"):
            return "section"
        if len(line) <= 30 and not re.search(r"[。；;，,！!？?、：:]$", line):
            return "heading"
        return "body"


def issue_from_text(text: str) -> Issue:
    """The roles of a text bulletin's lines (header found by shape, 版记 by its 报/发 lines)."""
    lines = tuple(ln.strip() for ln in text.splitlines() if ln.strip() and not _PAGE_NO.match(ln.strip()))
    series = next((i for i, ln in enumerate(lines[:6]) if _SERIES.search(ln)), None)
    issue = next((i for i, ln in enumerate(lines[:8]) if _ISSUE.search(ln) and len(ln) < 30), None)
    date = next((i for i, ln in enumerate(lines[:10]) if _DATE.match(ln)), None)
    issuer = date - 1 if date is not None and issue is not None and date - 1 > issue else None
    footer = next((i for i, ln in enumerate(lines) if _FOOTER.match(ln)), None)
    return Issue(lines, series, issue, issuer, date, footer)


def visual_paragraphs(issue: Issue) -> list[str]:
    """The paragraphs a reader of a laid-out page sees: issuer and date stand on one line."""
    out: list[str] = []
    for i, line in enumerate(issue.lines):
        if i == issue.date and issue.issuer is not None and out:
            out[-1] = out[-1] + " " + line
        else:
            out.append(line)
    return out


def squash(text: str) -> str:
    """Text compared across formats: NFKC (full- and half-width punctuation alike), no white space."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def cer(expected: str, got: str) -> float:
    """Character error rate: edit distance over the expected length (both squashed)."""
    a, b = squash(expected), squash(got)
    n = len(a)
    # A common prefix and suffix cost nothing (the distance of the rest is the same), so
    # near-identical long texts are quick.
    lo = 0
    while lo < min(len(a), len(b)) and a[lo] == b[lo]:
        lo += 1
    hi = 0
    while hi < min(len(a), len(b)) - lo and a[-1 - hi] == b[-1 - hi]:
        hi += 1
    a, b = a[lo : len(a) - hi], b[lo : len(b) - hi]
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1] / max(1, n)


# -- .docx ---------------------------------------------------------------------

_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_NS_EXTRA = ('xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
             'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
             'xmlns:v="urn:schemas-microsoft-com:vml"')


def _text_box_xml(text: str, size_pt: float, rgb: str, width_emu: int, height_emu: int) -> str:
    """A run holding a text box the way Word writes one: DrawingML (mc:Choice) and VML (mc:Fallback)."""
    para = (f'<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:rPr><w:b/><w:color w:val="{rgb}"/>'
            f'<w:sz w:val="{int(size_pt * 2)}"/></w:rPr><w:t>{escape(text)}</w:t></w:r></w:p>')
    return (
        '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
        f'<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="1" behindDoc="0" '
        f'locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
        '<wp:positionH relativeFrom="column"><wp:align>center</wp:align></wp:positionH>'
        '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
        f'<wp:extent cx="{width_emu}" cy="{height_emu}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        '<wp:wrapTopAndBottom/><wp:docPr id="1" name="报头"/><wp:cNvGraphicFramePr/>'
        f'<a:graphic xmlns:a="{_A}"><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        '<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr>'
        f'<a:xfrm><a:off x="0" y="0"/><a:ext cx="{width_emu}" cy="{height_emu}"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/><a:ln><a:noFill/></a:ln></wps:spPr>'
        f'<wps:txbx><w:txbxContent>{para}</w:txbxContent></wps:txbx>'
        '<wps:bodyPr rot="0" vert="horz" wrap="square" lIns="0" tIns="0" rIns="0" bIns="0" anchor="ctr"><a:noAutofit/></wps:bodyPr>'
        '</wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>'
        '<mc:Fallback><w:pict><v:shape id="报头" type="#_x0000_t202" '
        f'style="width:{width_emu / 12700:.0f}pt;height:{height_emu / 12700:.0f}pt" stroked="f" filled="f">'
        f'<v:textbox><w:txbxContent>{para}</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>'
        '</mc:AlternateContent></w:r>'
    )


def write_docx(text: str, path: Path, *, header: str = "table", text_box: bool = True) -> Path:
    """A .docx laid out like a printed 简报; `header` = "table" or "tab" for the issuer/date line."""
    import docx
    from docx.enum.section import WD_SECTION  # noqa: F401  (python-docx API check)
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    from docx.shared import Cm, Pt, RGBColor

    issue = issue_from_text(text)
    d = docx.Document()
    sec = d.sections[0]
    sec.page_width, sec.page_height = Cm(21), Cm(29.7)
    sec.left_margin = sec.right_margin = Cm(2.6)
    sec.top_margin, sec.bottom_margin = Cm(3.0), Cm(2.8)
    normal = d.styles["Normal"]
    normal.font.size = Pt(12)
    normal.font.name = "Noto Serif CJK SC"
    normal.element.rPr.rFonts.set(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia", "Noto Serif CJK SC")
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.25
    body_width = sec.page_width - sec.left_margin - sec.right_margin
    red = RGBColor(0xFF, 0x00, 0x00)

    def rule(color: str = "FF0000") -> None:
        p = d.add_paragraph()
        p._p.get_or_add_pPr().append(parse_xml(
            f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="12" w:space="1" w:color="{color}"/></w:pBdr>'))

    i = 0
    lines = issue.lines
    while i < len(lines):
        line, role = lines[i], issue.role(i)
        if role == "series":
            if text_box:
                p = d.add_paragraph()
                p._p.append(parse_xml(
                    f'<w:wrap {nsdecls("w", "wp")} {_NS_EXTRA}>'
                    + _text_box_xml(line, 26, "FF0000", int(body_width), int(Cm(2.2))) + "</w:wrap>")[0])
            else:
                p = d.add_paragraph()
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                r = p.add_run(line)
                r.bold, r.font.size, r.font.color.rgb = True, Pt(26), red
        elif role == "issue":
            p = d.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.add_run(line).font.size = Pt(16)
        elif role == "issuer" and issue.date == i + 1:
            date = lines[i + 1]
            if header == "table":
                t = d.add_table(rows=1, cols=2)
                left, right = t.rows[0].cells
                left.paragraphs[0].add_run(line)
                right.paragraphs[0].add_run(date)
                right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            else:
                p = d.add_paragraph()
                p.paragraph_format.tab_stops.add_tab_stop(body_width, WD_TAB_ALIGNMENT.RIGHT)
                p.add_run(f"{line}\t{date}")
            rule()
            i += 2
            continue
        elif role == "footer":
            if i == issue.footer:
                rule("000000")
            p = d.add_paragraph()
            p.add_run(line).font.size = Pt(11)
            if i == len(lines) - 1:
                rule("000000")
        elif role in ("heading", "section"):
            p = d.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER if role == "heading" else WD_ALIGN_PARAGRAPH.LEFT
            p.paragraph_format.space_before = Pt(6)
            r = p.add_run(line)
            r.bold = True
            r.font.size = Pt(14)
        else:
            p = d.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            if role == "body":
                p.paragraph_format.first_line_indent = Pt(24)
            p.add_run(line)
        i += 1
    footer = sec.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("- ")
    for kind, body in (("begin", None), (None, " PAGE "), ("separate", None), (None, None), ("end", None)):
        run = footer.add_run()
        if kind:
            run._r.append(parse_xml(f'<w:fldChar {nsdecls("w")} w:fldCharType="{kind}"/>'))
        elif body:
            run._r.append(parse_xml(f'<w:instrText {nsdecls("w")} xml:space="preserve">{body}</w:instrText>'))
        else:
            run.text = "1"
    footer.add_run(" -")
    d.save(str(path))
    return path


# -- LibreOffice ---------------------------------------------------------------

def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(src: Path, fmt: str, outdir: Path) -> Path:
    """`src` converted by LibreOffice headless to `fmt` ("pdf", "doc") in `outdir`."""
    exe = soffice()
    if exe is None:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="docgen-lo-") as profile:
        filt = {"pdf": "pdf:writer_pdf_Export", "doc": "doc:MS Word 97"}[fmt]
        subprocess.run(
            [exe, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore", "--convert-to", filt,
             "--outdir", str(outdir), str(src)],
            check=True, capture_output=True, timeout=180,
        )
    out = outdir / f"{src.stem}.{fmt}"
    if not out.exists():
        raise RuntimeError(f"LibreOffice made no {fmt} from {src.name}")
    return out


# -- scans -------------------------------------------------------------------

def write_scan(pdf: Path, out: Path, *, dpi: int = 200, angle: float = 0.8, noise: float = 0.002,
               pages: int | None = None, seed: int = 7, faded: tuple[int, ...] = ()) -> Path:
    """A scan of a text PDF: pages rasterised, turned by `angle` degrees, speckled; an image-only PDF
    (or a single .png/.jpg/.tif when `out` has that suffix: page 1 only). The pages in `faded`
    (1-based) come out as a fax that lost three pixel rows in four: barely legible, read by OCR
    with a low confidence."""
    import pypdfium2 as pdfium
    from PIL import Image

    rng = random.Random(seed)  # a local generator: never the global one
    doc = pdfium.PdfDocument(str(pdf))
    images = []
    for k in range(min(len(doc), pages or len(doc))):
        img = doc[k].render(scale=dpi / 72).to_pil().convert("L")
        img = img.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
        px = img.load()
        w, h = img.size
        for _ in range(int(w * h * noise)):
            px[rng.randrange(w), rng.randrange(h)] = rng.choice((0, 90, 200))
        if k + 1 in faded:
            blank = Image.new("L", (w, 1), 255)
            for y in range(h):
                if y % 4:
                    img.paste(blank, (0, y))
        images.append(img)
    doc.close()
    suffix = out.suffix.lower()
    if suffix == ".pdf":
        images[0].save(str(out), "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    elif suffix in (".tif", ".tiff"):
        images[0].save(str(out), "TIFF", compression="tiff_deflate", dpi=(dpi, dpi))
    elif suffix in (".jpg", ".jpeg"):
        images[0].save(str(out), "JPEG", quality=85, dpi=(dpi, dpi))
    else:
        images[0].save(str(out), "PNG", dpi=(dpi, dpi))
    return out


# -- OFD ----------------------------------------------------------------------

_OFD_NS = "http://www.ofdspec.org/2016"


def _wrap(text: str, width: int) -> list[str]:
    return [text[k: k + width] for k in range(0, len(text), width)] or [""]


def _ofd_package(pages: list[list[tuple[float, float, float, str, bool, str]]], path: Path, *, title: str,
                 template_line: str, shuffle: bool, rng: random.Random, size: float, lead: float, left: float,
                 top: float) -> Path:
    """The OFD zip of laid-out pages: each page's (x, y, size, text, bold, colour) TextObjects, a template page
    holding a red rule and `template_line`, objects stored out of reading order when `shuffle`."""
    files: dict[str, str] = {}
    files["OFD.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{_OFD_NS}" Version="1.0" DocType="OFD">'
        '<ofd:DocBody><ofd:DocInfo><ofd:DocID>0</ofd:DocID><ofd:Title>'
        f'{escape(title)}</ofd:Title></ofd:DocInfo>'
        '<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>')
    page_list = "".join(f'<ofd:Page ID="{10 + k}" BaseLoc="Pages/Page_{k}/Content.xml"/>' for k in range(len(pages)))
    files["Doc_0/Document.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{_OFD_NS}"><ofd:CommonData>'
        '<ofd:MaxUnitID>9999</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>'
        '<ofd:PublicRes>PublicRes.xml</ofd:PublicRes>'
        '<ofd:TemplatePage ID="2" BaseLoc="Tpls/Tpl_0/Content.xml"/></ofd:CommonData>'
        f'<ofd:Pages>{page_list}</ofd:Pages></ofd:Document>')
    files["Doc_0/PublicRes.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res xmlns:ofd="{_OFD_NS}" BaseLoc="Res"><ofd:Fonts>'
        '<ofd:Font ID="3" FontName="宋体" FamilyName="宋体"/><ofd:Font ID="4" FontName="黑体" FamilyName="黑体"/>'
        '</ofd:Fonts></ofd:Res>')
    files["Doc_0/Tpls/Tpl_0/Content.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{_OFD_NS}"><ofd:Content><ofd:Layer ID="5">'
        '<ofd:PathObject ID="7" Boundary="25 22 160 1" LineWidth="0.5"><ofd:StrokeColor Value="255 0 0"/>'
        '<ofd:AbbreviatedData>M 0 0.5 L 160 0.5</ofd:AbbreviatedData></ofd:PathObject>'
        f'<ofd:TextObject ID="6" Boundary="{left} {top - lead - 6} 80 6" Font="3" Size="{size}">'
        f'<ofd:TextCode X="0" Y="{size}">{escape(template_line)}</ofd:TextCode>'
        '</ofd:TextObject></ofd:Layer></ofd:Content></ofd:Page>')
    uid = 100
    tpl_ref = '<ofd:Template TemplateID="2" ZOrder="Background"/>'
    for k, objs in enumerate(pages):
        order = list(objs)
        if shuffle:
            rng.shuffle(order)
        body = []
        for x, yy, s, line, bold, colour in order:
            uid += 1
            dx = " ".join([f"{s:g}"] * (len(line) - 1))
            weight = ' Weight="700"' if bold else ""
            delta = f' DeltaX="{dx}"' if dx else ""
            body.append(
                f'<ofd:TextObject ID="{uid}" Boundary="{x:.2f} {yy:.2f} {len(line) * s:.2f} {s * 1.2:.2f}" '
                f'Font="{4 if bold else 3}" Size="{s:g}"{weight}>'
                f'<ofd:FillColor Value="{colour}"/>'
                f'<ofd:TextCode X="0" Y="{s:g}"{delta}>{escape(line)}</ofd:TextCode></ofd:TextObject>')
        page_no = (f'<ofd:TextObject ID="{uid + 5000}" Boundary="95 282 20 6" Font="3" Size="4.2">'
                   f'<ofd:TextCode X="0" Y="4.2">- {k + 1} -</ofd:TextCode></ofd:TextObject>')
        files[f"Doc_0/Pages/Page_{k}/Content.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{_OFD_NS}">'
            f'{tpl_ref if k == 0 else ""}<ofd:Content>'
            f'<ofd:Layer ID="{uid + 6000}">{"".join(body)}{page_no}</ofd:Layer></ofd:Content></ofd:Page>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, xml in files.items():
            zf.writestr(name, xml.encode("utf-8"))
    return path


class _PageLayout:
    """Lines placed down A4 pages (mm) for an OFD: each page a list of (x, y, size, text, bold,
    colour); a new page when `lines_per_page` lines of `lead` are full; a line larger than the
    body's `size` takes 1.6 times its size."""

    def __init__(self, size: float, lead: float, top: float, lines_per_page: int) -> None:
        self.size, self.lead, self.top, self.lines_per_page = size, lead, top, lines_per_page
        self.pages: list[list[tuple[float, float, float, str, bool, str]]] = [[]]
        self.y = top

    def put(self, x: float, s: float, line: str, bold: bool = False, colour: str = "0 0 0") -> None:
        if self.y > self.top + self.lines_per_page * self.lead:
            self.pages.append([])
            self.y = self.top
        self.pages[-1].append((x, self.y, s, line, bold, colour))
        self.y += self.lead if s <= self.size else s * 1.6


def write_gongwen_ofd(sample: list[tuple[str, str]], path: Path, *, chars_per_line: int = 28,
                      lines_per_page: int = 22, shuffle: bool = True, seed: int = 3) -> Path:
    """A labelled 公文 (gongwen_sample's labels) as an OFD laid out as GB/T 9704 prints it: the 发文机关标志
    large, red and centred, the 发文字号 centred, the title large and centred (wrapped), body lines indented
    two characters, the 署名 and date to the right, the 版记 small; objects out of reading order."""
    rng = random.Random(seed)
    size, lead, left, top = 5.6, 10.0, 28.0, 37.0  # mm: 三号 body on 28 lines of 28 characters
    width = chars_per_line * size
    layout = _PageLayout(size, lead, top, lines_per_page)
    pages, put = layout.pages, layout.put

    for text, lab in sample:
        if lab == "masthead":
            s = 12.0
            for chunk in _wrap(text, int(width // s)):
                put(left + (width - len(chunk) * s) / 2, s, chunk, True, "255 0 0")
        elif lab in ("serial", "title", "page_title"):
            s = size if lab == "serial" else 7.7
            for chunk in _wrap(text, int(width // s)):
                put(left + (width - len(chunk) * s) / 2, s, chunk, lab != "serial")
        elif lab in ("signature", "date"):
            put(left + width - len(text) * size - 4 * size, size, text)
        else:
            s = 4.9 if lab == "colophon" else size
            per = int(width // s)
            indent = 0 if lab == "colophon" else 2
            chunks = [text[: per - indent]] + _wrap(text[per - indent:], per) if len(text) > per - indent else [text]
            for k, chunk in enumerate(chunks):
                if chunk:
                    put(left + (indent * s if k == 0 else 0), s, chunk, lab == "mark")
    title = next((t for t, lab in sample if lab == "title"), "")
    return _ofd_package(pages, path, title=title, template_line="", shuffle=shuffle, rng=rng,
                        size=size, lead=lead, left=left, top=top)


def write_ofd(text: str, path: Path, *, chars_per_line: int = 30, lines_per_page: int = 32,
              shuffle: bool = True, seed: int = 3) -> Path:
    """An OFD of the bulletin: A4 pages (mm), one TextObject per visual line with DeltaX per glyph,
    the 版头 red title, a template page holding the page number, objects stored out of reading order."""
    issue = issue_from_text(text)
    rng = random.Random(seed)
    size, lead, left, top = 4.2, 7.0, 25.0, 30.0  # mm
    layout = _PageLayout(size, lead, top, lines_per_page)
    pages, put = layout.pages, layout.put

    width_mm = chars_per_line * size
    template_line = ""
    for i, line in enumerate(issue.lines):
        role = issue.role(i)
        if role == "series":
            s = 9.0
            put(left + (width_mm - len(line) * s) / 2, s, line, True, "255 0 0")
        elif role in ("issue", "heading"):
            s = size if role == "heading" else 5.5
            put(left + (width_mm - len(line) * s) / 2, s, line, role == "heading")
        elif role == "issuer" and issue.date == i + 1:
            date = issue.lines[i + 1]
            pages[-1].append((left, layout.y, size, line, False, "0 0 0"))
            put(left + width_mm - len(date) * size, size, date)
        elif role == "date" and issue.issuer == i - 1:
            continue
        elif role == "top" and i == 0:
            template_line = line  # page 1's template holds the line above the 报头
        else:
            if role == "footer":
                layout.y += 1.0 * lead  # the 版记 lines stand between rules
            indent = 2 * size if role == "body" else 0.0
            first = chars_per_line - 2 if role == "body" else chars_per_line
            chunks = [line[:first]] + _wrap(line[first:], chars_per_line) if len(line) > first else [line]
            for k, chunk in enumerate(chunks):
                if chunk:
                    put(left + (indent if k == 0 else 0), size, chunk, role == "section")
    title = issue.lines[issue.series] if issue.series is not None else ""
    return _ofd_package(pages, path, title=title, template_line=template_line, shuffle=shuffle, rng=rng,
                        size=size, lead=lead, left=left, top=top)


def write_ofd_scan(png: Path, path: Path) -> Path:
    """A scanned OFD: one A4 page holding the page image `png` (no text), as scanners that write OFD make."""
    files = {
        "OFD.xml": (f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{_OFD_NS}" Version="1.0" DocType="OFD">'
                    "<ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"),
        "Doc_0/Document.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{_OFD_NS}"><ofd:CommonData>'
            "<ofd:MaxUnitID>9</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>"
            "<ofd:DocumentRes>DocumentRes.xml</ofd:DocumentRes></ofd:CommonData>"
            '<ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages></ofd:Document>'),
        "Doc_0/DocumentRes.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res xmlns:ofd="{_OFD_NS}" BaseLoc="Res"><ofd:MultiMedias>'
            '<ofd:MultiMedia ID="4" Type="Image" Format="PNG"><ofd:MediaFile>scan_0.png</ofd:MediaFile></ofd:MultiMedia>'
            "</ofd:MultiMedias></ofd:Res>"),
        "Doc_0/Pages/Page_0/Content.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{_OFD_NS}"><ofd:Content><ofd:Layer ID="2">'
            '<ofd:ImageObject ID="3" Boundary="0 0 210 297" CTM="210 0 0 297 0 0" ResourceID="4"/>'
            "</ofd:Layer></ofd:Content></ofd:Page>"),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, xml in files.items():
            zf.writestr(name, xml.encode("utf-8"))
        zf.writestr("Doc_0/Res/scan_0.png", png.read_bytes())
    return path


# -- gov.cn-shaped HTML --------------------------------------------------------

GOVCN_META = {
    "索引号": "000014349/2022-00031",
    "主题分类": "综合政务\\其他",
    "发文机关": "江苏省文明办",
    "成文日期": "2022年04月02日",
    "标题": "",
    "发文字号": "苏简字〔2022〕11号",
    "发布日期": "2022年04月06日",
}


def govcn_meta(issue: Issue) -> dict[str, str]:
    """The metadata table of a saved page of this bulletin: it names no issuer or
    date the text does not print (the layout parser reads them from the table)."""
    meta = dict(GOVCN_META, 标题=issue.lines[issue.series] if issue.series is not None else issue.lines[0])
    if issue.issuer is None:
        meta.pop("发文机关")
    if issue.date is None:
        meta.pop("成文日期")
    return meta


def write_govcn_html(text: str, path: Path, encoding: str = "utf-8") -> Path:
    """A page saved from a gov.cn-style site: navigation, breadcrumbs, the metadata table, the body
    in a content div, share links and a site footer."""
    issue = issue_from_text(text)
    title = issue.lines[issue.series] if issue.series is not None else issue.lines[0]
    meta = govcn_meta(issue)
    cells = "".join(
        f'<tr><td class="t1"><b>{escape(k)}：</b></td><td class="t2">{escape(v)}</td></tr>' for k, v in meta.items())
    body = "\n".join(
        f'<p style="text-align: {"center" if issue.role(i) in ("series", "issue", "heading") else "justify"};">'
        f'{"<strong>" + escape(ln) + "</strong>" if issue.role(i) in ("heading", "section") else escape(ln)}</p>'
        for i, ln in enumerate(issue.lines))
    html = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="{encoding}"><title>{escape(title)}_政府信息公开_江苏省人民政府</title>
<meta name="ArticleTitle" content="{escape(title)}"><meta name="PubDate" content="2022-04-06 10:00">
<meta name="ContentSource" content="江苏省文明办">
<script>var _hmt = _hmt || []; document.write("统计代码");</script>
<style>.nav {{ color: red }}</style></head>
<body>
<div class="header"><div class="nav"><a href="/">首页</a> | <a href="/zw/">政务公开</a> | <a href="/fw/">办事服务</a> | <a href="/hd/">互动交流</a></div>
<form action="/search"><input name="q" placeholder="请输入关键词搜索"></form></div>
<div class="BreadcrumbNav">当前位置：<a href="/">首页</a> &gt; <a href="/zw/">政务公开</a> &gt; 文件库</div>
<div class="policyLibraryOverview_header"><table class="bd1" cellpadding="0" cellspacing="1">{cells}</table></div>
<div class="article"><div class="pages_content" id="UCAP-CONTENT">
{body}
</div></div>
<div class="share">分享到：<a href="#">微博</a><a href="#">微信</a> 【我要打印】【关闭窗口】</div>
<div class="footer"><p>主办单位：江苏省人民政府办公厅 版权所有</p><p>网站标识码 3200000001 苏ICP备05009498号</p></div>
</body></html>
"""
    path.write_bytes(html.encode(encoding, "xmlcharrefreplace"))
    return path


def gongwen_text(title: str, serial: str, paragraphs: list[str], issuer: str, date: str,
                 addressee: str = "各设区市人民政府，省各委办厅局，省各直属单位：") -> str:
    """A 公文 as the text copied from its page (as tests/public/gov-cn-2024-holiday-notice.txt):
    title, 发文字号, 主送, the paragraphs, 发文机关 and date; for documents that cite,
    revise and repeal each other (tests/test_citations.py)."""
    return "\n".join([title, serial, "", addressee, *paragraphs, issuer, date]) + "\n"


# -- hostile files -------------------------------------------------------------

def _write_pdf_objects(path: Path, objs: list[bytes], trailer_extra: str = "") -> Path:
    """A PDF of the numbered objects `objs` (object 1 the catalogue), with its xref table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for k, body in enumerate(objs, 1):
        offsets.append(out.tell())
        out.write(f"{k} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R{trailer_extra} >>\nstartxref\n{xref}\n%%EOF\n".encode())
    path.write_bytes(out.getvalue())
    return path


def write_raw_pdf(path: Path, pages: int = 1, *, encrypted: bool = False) -> Path:
    """A hand-written PDF: `pages` empty A4 pages; `encrypted` adds a standard security handler
    (RC4, revision 2) whose user password is not empty, so no reader can open it without one."""
    objs: list[bytes] = []
    kids = " ".join(f"{3 + k} 0 R" for k in range(pages))
    objs.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objs.append(f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode())
    for _ in range(pages):
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>")
    encrypt_ref = ""
    if encrypted:
        o = "".join(f"{b:02x}" for b in range(32))
        u = "".join(f"{(b * 7 + 3) % 256:02x}" for b in range(32))
        objs.append(f"<< /Filter /Standard /V 1 /R 2 /O <{o}> /U <{u}> /P -44 >>".encode())
        encrypt_ref = f" /Encrypt {len(objs)} 0 R /ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>]"
    return _write_pdf_objects(path, objs, encrypt_ref)


def write_wps_pdf(lines: list[tuple[str, float, float]], path: Path, *, font_scale: float = 0.05) -> Path:
    """A one-page PDF laid out the way Kingsoft WPS Office exports one: every line's glyphs at a font
    size 1/`font_scale` times its point size, in a text matrix scaled by `font_scale` (WPS writes 三号
    as `/F 319 Tf` with `0.05 0 0 0.05 x y Tm`). `lines` are (text, size in pt, x in pt), top to bottom,
    1.75 lines apart; the text is in the non-embedded Adobe-GB1 font STSong-Light (UniGB-UCS2-H), which
    PDFium maps back to Unicode. `font_scale=1` writes the same page the usual way."""
    ops = ["BT"]
    y = 842 - 72.0
    for text, size, x in lines:
        y -= size
        hexed = text.encode("utf-16-be").hex()
        ops.append(f"/F1 {size / font_scale:.2f} Tf {font_scale} 0 0 {font_scale} {x:.2f} {y:.2f} Tm <{hexed}> Tj")
        y -= size * 0.75
    ops.append("ET")
    stream = "\n".join(ops).encode()
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        f"<< /Length {len(stream)} >>\nstream\n".encode() + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light"
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor 7 0 R /DW 1000 >>",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0"
        b" /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
    ]
    return _write_pdf_objects(path, objs)


def png_header(width: int, height: int) -> bytes:
    """A PNG that claims `width`×`height` pixels (a decompression bomb's header) with one tiny IDAT."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 1024)) + chunk(b"IEND", b"")


def rezip(src: bytes, replace: dict[str, bytes], add: dict[str, bytes] | None = None, level: int = 6) -> bytes:
    """A copy of zip `src` with some parts replaced and some added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(src)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, replace.get(info.filename, zin.read(info.filename)))
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return out.getvalue()


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(f'<!ENTITY lol{k} "{("&lol" + (str(k - 1) if k > 1 else "") + ";") * 10}">'.encode() for k in range(1, 10))
    + b']><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
    b"<w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"
)


def external_entity_xml(root: str, target: str = "file:///etc/passwd") -> bytes:
    """XML whose text is an external entity pointing at a file outside the document."""
    return (f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "{target}">]>'
            f"{root.replace('@@', '&xxe;')}").encode()


def add_ole2_stream(data: bytes, name: str) -> bytes:
    """An OLE2 (Word 97) file with one more, empty stream `name` in its root storage — what Kingsoft
    WPS adds to the Word 97 files it saves as .wps (`WpsCustomData`). A directory sector is appended."""
    import struct

    buf = bytearray(data)
    size = 1 << struct.unpack_from("<H", buf, 0x1E)[0]
    first_dir = struct.unpack_from("<I", buf, 0x30)[0]
    difat = [s for s in struct.unpack_from("<109I", buf, 0x4C) if s < 0xFFFFFFFA]
    per = size // 4
    fat = [v for s in difat for v in struct.unpack_from(f"<{per}I", buf, 512 + s * size)]
    chain = [first_dir]
    while fat[chain[-1]] < 0xFFFFFFFA:
        chain.append(fat[chain[-1]])
    if len(buf) % size:
        buf += bytes(size - len(buf) % size)
    new = (len(buf) - 512) // size
    if new >= len(fat) or fat[new] != 0xFFFFFFFF:
        raise ValueError("no free FAT slot for a new directory sector")
    fat[chain[-1]], fat[new] = new, 0xFFFFFFFE
    for k, s in enumerate(difat):
        struct.pack_into(f"<{per}I", buf, 512 + s * size, *fat[k * per:(k + 1) * per])
    entries = len(chain) * (size // 128)
    sector = bytearray(size)
    encoded = (name + "\0").encode("utf-16-le")
    sector[: len(encoded)] = encoded
    struct.pack_into("<HBBIII", sector, 64, len(encoded), 2, 1, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF)
    struct.pack_into("<IQ", sector, 116, 0xFFFFFFFE, 0)
    for k in range(1, size // 128):  # unused entries
        struct.pack_into("<III", sector, 128 * k + 68, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF)
    buf += sector

    def entry(i: int) -> int:
        return 512 + chain[i // (size // 128)] * size + 128 * (i % (size // 128)) if i < entries else -1

    def key(i: int) -> tuple[int, str]:
        off = entry(i)
        n = struct.unpack_from("<H", buf, off + 64)[0]
        return n, bytes(buf[off: off + n - 2]).decode("utf-16-le").upper()

    mine = (len(encoded), name.upper())
    node = struct.unpack_from("<I", buf, entry(0) + 76)[0]  # the root storage's tree
    while True:
        field = 68 if mine < key(node) else 72  # left or right sibling
        nxt = struct.unpack_from("<I", buf, entry(node) + field)[0]
        if nxt == 0xFFFFFFFF:
            struct.pack_into("<I", buf, entry(node) + field, entries)
            break
        node = nxt
    return bytes(buf)


# -- 公文 with known labels (the layout model's training and check data) --------------

_PLACES = ("江苏省", "浙江省", "安徽省", "河南省", "四川省", "湖北省", "广东省", "陕西省", "山东省", "福建省")
_CITIES = ("南京市", "杭州市", "合肥市", "郑州市", "成都市", "武汉市", "广州市", "西安市", "济南市", "厦门市",
           "镇江市", "绍兴市", "芜湖市", "洛阳市", "绵阳市", "宜昌市", "佛山市", "宝鸡市", "淄博市", "泉州市")
_COUNTIES = ("江宁区", "余杭区", "肥东县", "新郑市", "双流区", "黄陂区", "番禺区", "长安区", "章丘区", "晋江市")
_ORGANS = ("人民政府", "人民政府办公室", "教育局", "财政局", "卫生健康委员会", "人力资源和社会保障局", "发展和改革委员会",
           "自然资源和规划局", "住房和城乡建设局", "农业农村局", "生态环境局", "民政局", "文化和旅游局", "应急管理局")
_SHORT = {"人民政府": "政", "人民政府办公室": "政办", "教育局": "教", "财政局": "财", "卫生健康委员会": "卫健",
          "人力资源和社会保障局": "人社", "发展和改革委员会": "发改", "自然资源和规划局": "自然资源",
          "住房和城乡建设局": "建", "农业农村局": "农", "生态环境局": "环", "民政局": "民", "文化和旅游局": "文旅",
          "应急管理局": "应急"}
_TOPICS = ("做好2024年春季学期学校安全工作", "加强农村人居环境整治", "开展安全生产大检查", "推进政务公开工作",
           "做好高校毕业生就业工作", "进一步规范行政执法行为", "加快推进数字政府建设", "做好防汛抗旱工作",
           "开展城乡环境卫生整治行动", "加强食品安全监管", "推进基本医疗卫生服务均等化", "做好冬春季森林防火工作")
_KINDS = ("通知", "意见", "通报", "决定", "批复", "函", "实施方案")
_SENTENCES = (
    "为认真贯彻落实上级有关部署要求，进一步加强和改进相关工作，结合本地实际，现就有关事项通知如下。",
    "各地各部门要高度重视，切实加强组织领导，明确责任分工，确保各项任务落到实处。",
    "要坚持问题导向，聚焦重点领域和关键环节，扎实开展排查整治，及时消除各类隐患。",
    "要加强统筹协调，建立健全工作机制，形成上下联动、齐抓共管的工作格局。",
    "各单位要于2024年6月30日前将工作开展情况书面报送我局，联系人：张三，电话：12345678。",
    "要加大宣传力度，充分利用广播、电视、网络等媒体，营造良好的社会氛围。",
    "对工作不力、造成严重后果的，将依法依规严肃追究有关单位和人员的责任。",
    "本通知自印发之日起施行，由相关主管部门负责解释。",
)
_POINTS = ("一、提高思想认识", "二、明确工作任务", "三、强化督促检查", "（一）加强组织领导", "（二）落实工作责任")
_CN_DIGITS = "〇一二三四五六七八九"


def _cn_year(year: int, zero: str) -> str:
    return "".join(zero if d == "0" else _CN_DIGITS[int(d)] for d in str(year))


def _cn_small(n: int) -> str:
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


def gongwen_sample(seed: int) -> list[tuple[str, str]]:
    """A 公文 in one of many seeded layouts, as (line, label) pairs with the labels of the 公文
    grammar (archive/layouts/gongwen.py): page chrome and a metadata block or not, marks, a
    发文机关标志 or none, the 发文字号 before or after the title or in brackets after it, a title on
    one or two lines, a 主送 or none, 署名 one or several to a line or none, a date in Arabic or
    Chinese numerals, 附注, an attachment marked or not, 版记 and a site's closing lines."""
    rng = random.Random(seed)  # a private generator: the global one is never seeded
    place = rng.choice(_PLACES)
    city = rng.choice(_CITIES)
    top = rng.choice([place, city, city + rng.choice(_COUNTIES)])
    organ = rng.choice(_ORGANS)
    issuer = top + organ
    joint = [issuer] + ([top + o for o in rng.sample([o for o in _ORGANS if o != organ], rng.randint(1, 3))] if rng.random() < 0.25 else [])
    year = rng.randint(1998, 2025)
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    kind = rng.choice(_KINDS)
    code = top[:1] + _SHORT[organ] + rng.choice(["发", "函", "字", ""])
    code = code if code[-1] in "发函字" else code + "发"
    no = rng.randint(1, 180)
    br = rng.choice(["〔〕", "〔〕", "[]", "（）", "()"])
    serial = f"{code}{br[0]}{year}{br[1]}{no}号"
    topic = rng.choice(_TOPICS)
    title = f"{issuer if rng.random() < 0.5 else ''}关于{topic}的{kind}"
    out: list[tuple[str, str]] = []
    layout = rng.choice(["red", "red", "web", "serial_in_title", "bare", "regulation"])
    if layout == "regulation":
        title = f"{city}{topic[2:] if topic.startswith('做好') else topic}{rng.choice(['条例', '办法', '规定'])}"
    page = rng.random() < 0.3
    if page:
        for _ in range(rng.randint(1, 3)):
            out.append((rng.choice(["首页 > 政务公开 > 政策文件", "当前位置：首页 > 信息公开 > 通知公告", "设为首页 | 加入收藏 | 无障碍",
                                    "返回顶部", "您的位置：首页 > 政府信息公开", "【字体：大 中 小】", "打印本页 关闭窗口",
                                    "首页 | 政务公开 | 办事服务 | 互动交流 |", "繁体版 | English"]), "chrome"))
        if rng.random() < 0.4:
            out.append((title, "page_title"))
        style = rng.choice(["inline", "bullets", "pairs", "none"])
        stamp = f"{year}年{month:02d}月{day:02d}日 {rng.randint(8, 18)}:{rng.randint(10, 59)}"
        fields = [("索引号", f"{rng.randint(10**9, 10**10)}/{year}-{no:05d}"), ("主题分类", rng.choice(["综合政务", "教育", "通知"])),
                  (rng.choice(["发布机构", "发文机关", "发文机构"]), issuer), (rng.choice(["文号", "发文字号"]), serial),
                  (rng.choice(["成文日期", "发文日期"]), rng.choice([f"{year}-{month:02d}-{day:02d}", stamp])), ("发布日期", stamp)]
        fields = rng.sample(fields, rng.randint(2, len(fields)))
        if style == "inline":
            out += [(f"{k}：{v}", "meta") for k, v in fields]
        elif style == "bullets":
            for k, v in fields:
                out += [(f"• {k}:", "meta"), (v, "meta")]
        elif style == "pairs":
            for a in range(0, len(fields), 2):
                out.append(("  ".join(f"{k}: {v}" for k, v in fields[a : a + 2]), "meta"))
        if rng.random() < 0.4:
            out.append((f"发布时间：{year}-{month:02d}-{day:02d}  浏览次数：{rng.randint(10, 9999)}", "meta"))
        if rng.random() < 0.5:
            out.append((title, "page_title"))
    if not page and rng.random() < 0.3:
        marks = [m for m in (f"{rng.randint(0, 999999):06d}", rng.choice(["机密★1年", "秘密", ""]), rng.choice(["特急", "加急", ""])) if m]
        out.append(("  ".join(marks), "mark"))
    if layout == "regulation":  # a local regulation: its name, the 题注 under it, chapters and articles
        out.append((title, "title"))
        out.append((f"（{year}年{month}月{day}日{city}第{_cn_small(rng.randint(10, 16))}届人民代表大会常务委员会"
                    f"第{_cn_small(rng.randint(2, 40))}次会议通过）", "adoption"))
        if rng.random() < 0.5:
            out.append((f"（{year + 1}年{month}月{day}日{place}第{_cn_small(rng.randint(10, 14))}届人民代表大会常务委员会"
                        f"第{_cn_small(rng.randint(2, 40))}次会议批准）", "adoption"))
        for ch in range(1, rng.randint(2, 4)):
            out.append((f"第{_cn_small(ch)}章  {rng.choice(['总则', '监督管理', '法律责任', '附则'])}", "body"))
            for art in range(rng.randint(1, 3)):
                out.append((f"第{_cn_small(ch * 3 + art)}条  {rng.choice(_SENTENCES)}", "body"))
        return out
    if layout == "red":
        for name in joint[: rng.choice([1, len(joint)])]:
            out.append((f"{name}文件" if len(joint) == 1 else name, "masthead"))
        if len(joint) > 1 and out[-1][1] == "masthead" and not out[-1][0].endswith("文件"):
            out.append(("文件", "masthead"))
        signer = f"签发人：{rng.choice(['王明', '李华', '张建国'])}"
        together = rng.random()
        out.append((serial + (f"  {signer}" if together < 0.15 else ""), "serial"))
        if together > 0.9:  # 签发人 on a line of its own
            out.append((signer, "serial"))
    title_lines = [title]
    if len(title) > 24 and rng.random() < 0.5:
        cut = title.index("关于") + 2 if rng.random() < 0.5 and "关于" in title[2:] else len(title) // 2
        title_lines = [title[:cut], title[cut:]]
    if layout == "serial_in_title":
        title_lines[-1] += f"（{serial}）"
    for t in title_lines:
        out.append((t, "title"))
    if layout == "web":
        out.append((serial, "serial"))
    if rng.random() < 0.85:
        out.append((rng.choice(["各乡镇人民政府，各街道办事处，区政府各部门：", "各中小学：", "各县（市、区）人民政府，市政府各部门、各直属机构：",
                                "各有关单位：", f"{city}各区教育局："]), "addressee"))
    n_par = rng.randint(2, 7)
    for k in range(n_par):
        if rng.random() < 0.3:
            out.append((rng.choice(_POINTS), "body"))
        out.append(("".join(rng.sample(_SENTENCES, rng.randint(1, 3))), "body"))
    attach_named = rng.random() < 0.3
    if attach_named:
        out.append((f"附件：{rng.choice(['1.', ''])}{topic}工作方案", "body"))
    zero = rng.choice(["〇", "○", "零", "O", "0"])
    chinese = rng.random() < 0.35
    date = (f"{_cn_year(year, zero)}年{_cn_small(month)}月{_cn_small(day)}日" if chinese else f"{year}年{month}月{day}日")
    sig = rng.choice(["lines", "lines", "pairs", "none", "same_line"]) if layout != "bare" or rng.random() < 0.8 else "none"
    if sig == "lines":
        out += [(name, "signature") for name in joint]
    elif sig == "pairs":
        for a in range(0, len(joint), 2):
            out.append(("    ".join(joint[a : a + 2]), "signature"))
    if sig == "same_line":
        out.append((f"{joint[0]}    {date}", "date"))
    else:
        out.append((date, "date"))
    if rng.random() < 0.3:
        out.append((rng.choice(["（此件公开发布）", "（此件主动公开）", "（联系人：王芳，电话：87654321）"]), "note"))
    tail = rng.choice(["none", "none", "marked", "unmarked"])
    if tail == "marked":
        out += [("附件", "attachment"), (f"{topic}工作方案", "attachment")]
        out += [("".join(rng.sample(_SENTENCES, 2)), "attachment") for _ in range(rng.randint(1, 4))]
    elif tail == "unmarked":
        out += [(f"{year}年{topic}工作要点", "attachment")]
        out += [(rng.choice(_POINTS[:3]), "attachment"), ("".join(rng.sample(_SENTENCES, 2)), "attachment")]
    if rng.random() < 0.35:
        out.append((f"抄送：{city}委办公室，{city}人大常委会办公室，" + ("\n" if rng.random() < 0.2 else "") + f"{city}政协办公室。", "colophon"))
        out.append((f"{top}{rng.choice(['人民政府办公室', '政府办公室', organ])}  {year}年{month}月{min(28, day + 2)}日印发", "colophon"))
    if page and rng.random() < 0.7:
        for _ in range(rng.randint(1, 2)):
            out.append((rng.choice(["【打印本页】 【关闭窗口】", "分享到：微信 微博", "扫一扫在手机打开当前页", "返回顶部",
                                    "主办单位：某某市人民政府办公室 | 网站标识码：1234567890"]), "tail_chrome"))
    return out


def write_gongwen_docx(sample: list[tuple[str, str]], path: Path) -> Path:
    """A labelled 公文 (gongwen_sample) as the .docx an office writes: a red, large 发文机关标志,
    the 发文字号 centred over a red rule, a large centred title, the 署名 and date to the right,
    the 版记 small between rules."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    from docx.shared import Pt, RGBColor

    d = docx.Document()
    d.styles["Normal"].font.size = Pt(16)
    for text, label in sample:
        p = d.add_paragraph()
        r = p.add_run(text)
        if label == "mark":
            r.bold = True
        elif label == "masthead":
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            r.bold, r.font.size, r.font.color.rgb = True, Pt(30), RGBColor(0xFF, 0, 0)
        elif label in ("serial", "title", "page_title"):
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            if label != "serial":
                r.bold, r.font.size = True, Pt(22)
            else:
                p._p.get_or_add_pPr().append(parse_xml(
                    f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="12" w:space="1" w:color="FF0000"/></w:pBdr>'))
        elif label in ("signature", "date"):
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif label == "colophon":
            r.font.size = Pt(14)
        elif label == "body":
            p.paragraph_format.first_line_indent = Pt(32)
    d.save(str(path))
    return path
