"""Exports of a whole result set: CSV, XLSX and a Word 汇编 (.docx).

No Flask here: the web app (`/api/export`) and the CLI (`bulletins export`)
both call `export_records()` and one of the renderers, so a file made on the
page and one made on the command line are the same. The records come from
indexer.search.engine.search() (the whole result set as one page) and
indexer.present.bulletin.get_bulletin() (full text and issue metadata); citations from
archive.citation.

CSV is written row by row (the web app streams it); XLSX and DOCX are ZIP
containers whose directory is written last, so they are built in memory and
sent whole.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from archive.citation import citation
from archive.labels import chinese_date, issue_label
from indexer.present.links import active_filters, article_url
from indexer.present.page import filters_for
from indexer.present.params import SearchParams
from indexer.present.bulletin import MAX_ARTICLES_PER_PAGE, article_page, get_bulletin
from indexer.search.engine import search
from indexer.store.handles import IndexHandle

EXPORT_LIMIT = 10_000
EXPORT_FORMATS = ("csv", "xlsx", "docx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
COLUMNS = ("序号", "标题", "地点", "城市", "简报", "期次", "日期", "编发单位", "栏目", "引用", "链接", "正文")


# Seconds an export takes per 1,000 articles (records gathered + rendered), measured by
# `python -m bench.export --sizes 5000` on the shared 2-core machine: the page shows the
# estimate beside its progress indicator.
SECONDS_PER_1000 = {"csv": 3.5, "xlsx": 6.0, "docx": 7.5}


def export_seconds(fmt: str, total: int) -> float:
    """About how long an export of `total` articles takes, for the page's progress note."""
    return SECONDS_PER_1000.get(fmt, 4.0) * total / 1000


class ExportTooLarge(ValueError):
    """The result set has more articles than one export may hold."""

    def __init__(self, total: int, limit: int = EXPORT_LIMIT) -> None:
        super().__init__(
            f"检索结果共 {total:,} 篇，超过导出上限 {limit:,} 篇；请加上年份、城市等筛选条件缩小范围后再导出。"
        )
        self.total = total
        self.limit = limit


@dataclass(frozen=True)
class Record:
    """One exported article."""

    n: int
    title: str
    heading: str
    place: str | None
    city: str | None
    series: str
    issue_label: str
    date: dt.date | None
    issuer: str | None
    section: str | None
    citation: str
    url: str
    text: str


@dataclass(frozen=True)
class Export:
    """A result set ready to render: what was asked, when, and the records."""

    query: str
    filters: tuple[str, ...]
    sort: str
    made: dt.datetime
    total: int
    records: list[Record]
    notices: tuple[str, ...] = ()  # what the search did or could not do (stages, budget), as the page says it


def export_records(
    handle: IndexHandle, params: SearchParams, base_url: str, limit: int = EXPORT_LIMIT, allowed_docs: Any = None,
    backend: Any = None,
) -> Export:
    """Every article matching `params` in the search's order; raises ExportTooLarge beyond `limit`.
    `allowed_docs`: the reader's documents (issue 21), passed on to the search. `backend`: another
    search backend (indexer.search.backend, restricted to the reader) that finds them; their
    articles are read from the index `handle`."""
    filters = filters_for(params)
    sort = params.effective_sort
    dates = not params.literal_dates

    def find(h: IndexHandle, q: str, f: Any, **kw: Any) -> dict[str, Any]:  # the index's search, or the backend's
        if backend is None:
            return search(h, q, f, **kw)
        from indexer.search.backend_search import search as backend_search

        return backend_search(backend, q, f, index=h, **kw)

    first = find(handle, params.q, filters, sort=sort, page=1, per_page=1, allowed_docs=allowed_docs,  # access
                   apply_dates=dates, expand=params.expand, correct=not params.as_typed)
    total = first["total"]
    if total > limit:
        raise ExportTooLarge(total, limit)
    found = find(handle, params.q, filters, sort=sort, page=1, per_page=max(1, total),
                 allowed_docs=allowed_docs, apply_dates=dates, expand=params.expand,
                 correct=not params.as_typed) if total else first  # access (issue 21)
    hits = found["hits"] if total else []
    issues: dict[tuple[str, int], dict[str, Any] | None] = {}
    records: list[Record] = []
    for hit in hits:
        bid = hit["bulletin_id"]
        key = (bid, article_page(hit["order"], MAX_ARTICLES_PER_PAGE))  # the page of the issue holding it
        if key not in issues:
            issues[key] = get_bulletin(handle, bid, page=key[1], per_page=MAX_ARTICLES_PER_PAGE)  # full pages: hits are allowed
        b = issues[key]
        if b is None:  # pragma: no cover - the index changed between the two calls
            continue
        article = next((a for a in b["articles"] if a["order"] == hit["order"]), None)
        if article is None:  # pragma: no cover - as above
            continue
        url = article_url(base_url, bid, hit["order"])
        date = dt.date.fromisoformat(b["date"]) if b.get("date") else None
        records.append(Record(
            n=len(records) + 1,
            title=article.get("title") or "",
            heading=f"{article['place']}：{article.get('title') or ''}" if article.get("place") else (article.get("title") or ""),
            place=article.get("place"),
            city=article.get("city"),
            series=b.get("series") or "",
            issue_label=issue_label(b.get("series") or "", b.get("year"), b.get("issue"), date),
            date=date,
            issuer=b.get("issuer"),
            section=article.get("section"),
            citation=citation(b, article, url=url),
            url=url,
            text=article.get("text") or "",
        ))
    return Export(
        query=params.q,
        filters=tuple(f["label"] for f in active_filters(params, {})),
        sort=sort,
        made=dt.datetime.now().replace(microsecond=0),
        total=len(records),
        records=records,
        notices=(*params.notices, *found.get("warnings", ())),
    )


def _row(r: Record) -> list[Any]:
    return [r.n, r.title, r.place or "", r.city or "", r.series, r.issue_label,
            r.date.isoformat() if r.date else "", r.issuer or "", r.section or "", r.citation, r.url, r.text]


# What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """A CSV cell that Excel, WPS and LibreOffice show as text, never run as a formula:
    a string beginning with =, +, -, @, tab or CR gets a leading single quote (OWASP);
    the rest of the text is kept as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def render_csv(export: Export) -> Iterator[bytes]:
    """UTF-8 CSV with a BOM (so Excel reads the Chinese), one header row, one row per article;
    every cell through csv_cell (no formula)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    yield "\ufeff".encode("utf-8") + buffer.getvalue().encode("utf-8")
    for r in export.records:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([csv_cell(v) for v in _row(r)])
        yield buffer.getvalue().encode("utf-8")


# XML 1.0 (XLSX, DOCX, Atom) forbids most control characters; Excel cells hold at most 32,767.
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
CELL_MAX = 32_767


def xml_text(text: str) -> str:
    """`text` without the characters XML 1.0 cannot hold."""
    return _XML_BAD.sub("", text or "")


def _cell(text: str) -> str:
    text = xml_text(text)
    return text if len(text) <= CELL_MAX else text[: CELL_MAX - 1] + "…"


def render_xlsx(export: Export) -> bytes:
    """A spreadsheet: bold frozen header row, dates as dates, each title a hyperlink to its article."""
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_urls": False, "strings_to_formulas": False})
    sheet = book.add_worksheet("检索结果")
    head = book.add_format({"bold": True, "bg_color": "#E8EEF5", "border": 1})
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
    link_fmt = book.add_format({"font_color": "#0645AD", "underline": 1})
    wrap = book.add_format({"text_wrap": False})
    sheet.write_row(0, 0, COLUMNS, head)
    sheet.freeze_panes(1, 0)
    for i, r in enumerate(export.records, 1):
        row = _row(r)
        sheet.write_number(i, 0, r.n)
        sheet.write_url(i, 1, r.url, link_fmt, string=_cell(r.title) or r.url, tip="打开原文")
        for col in (2, 3, 4, 5, 7, 8, 9):
            sheet.write_string(i, col, _cell(row[col]))
        if r.date:
            sheet.write_datetime(i, 6, dt.datetime(r.date.year, r.date.month, r.date.day), date_fmt)
        else:
            sheet.write_blank(i, 6, None)
        sheet.write_string(i, 10, r.url)
        sheet.write_string(i, 11, _cell(r.text), wrap)
    for col, width in enumerate((6, 40, 10, 10, 22, 28, 12, 16, 12, 60, 40, 80)):
        sheet.set_column(col, col, width)
    if export.records:
        sheet.autofilter(0, 0, len(export.records), len(COLUMNS) - 1)
    info = book.add_worksheet("说明")
    for i, (k, v) in enumerate(_cover_lines(export)):
        info.write_string(i, 0, k, head)
        info.write_string(i, 1, v)
    info.set_column(0, 0, 12)
    info.set_column(1, 1, 60)
    book.close()
    return out.getvalue()


def _cover_lines(export: Export) -> list[tuple[str, str]]:
    return [
        ("检索词", export.query or "（无，全部文章）"),
        ("筛选条件", "；".join(export.filters) or "无"),
        ("排序", {"relevance": "按相关度", "date": "按日期（新→旧）", "oldest": "按日期（旧→新）"}.get(export.sort, export.sort)),
        ("导出时间", export.made.strftime("%Y-%m-%d %H:%M")),
        ("文章数", f"{export.total} 篇"),
        *(("检索说明", n) for n in export.notices),
    ]


# The Word 汇编 follows GB/T 9704-2012 (党政机关公文格式): A4, 天头 37 mm, 订口 28 mm,
# a 156 × 225 mm text block of 22 lines of 28 characters; 3号 (16 pt) 仿宋-style body,
# 2号 (22 pt) 小标宋-style titles. Each font is named with the one Word and LibreOffice
# take when it is missing (w:altName in the font table; LibreOffice then goes on to
# fontconfig, which finds Noto Serif CJK on a machine with fonts-noto-cjk).
PAGE_MM = (210, 297)
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}  # (297-37-225, 210-28-156)
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
BODY_PT = 16  # 3号
TITLE_PT = 22  # 2号
SMALL_PT = 14  # 4号: source line, citation, contents
LAYOUT_SLACK = 1.04  # lines a layout takes beyond the grid's count (line-breaking rules, widows)
LINE_PITCH_PT = 225 / LINES_PER_PAGE / 25.4 * 72  # 28.9 pt: 22 lines in the 225 mm block
FONTS = {  # role → (font asked for, its fallback)
    "body": ("仿宋_GB2312", "仿宋"),
    "title": ("方正小标宋简体", "宋体"),
    "heading": ("黑体", "SimHei"),
}
# A paragraph that is only a link back to the page an article was copied from (xinwen's
# "[查看原文](https://…)", which the Markdown reader keeps as the words 查看原文) is left
# out of print; a link inside a sentence keeps its words.
LINK_STUBS = frozenset({"查看原文", "阅读原文", "原文链接", "点击查看原文", "点击阅读原文", "查看详情", "原文"})
_LINK_STUB = re.compile(r"^\s*(?:\[[^\]]*\]\([^)]*\)\s*)+$")
_LINK = re.compile(r"\[([^\]]*)\]\((?:[^()\s]|\([^()]*\))*\)")


def printable_paragraphs(text: str) -> list[str]:
    """An article's paragraphs for print: empty ones and link stubs dropped, Markdown
    links reduced to their words."""
    out = []
    for p in text.split("\n"):
        p = p.strip()
        if p and not _LINK_STUB.match(p) and p.strip("[]【】 ") not in LINK_STUBS:
            out.append(_LINK.sub(r"\1", p))
    return out


def _east_asian_font(style: Any, name: str, size_pt: float | None = None, bold: bool | None = None) -> None:
    """Set a python-docx style's fonts (East Asian and Latin: Word otherwise picks a Latin
    font for Chinese), and its size and weight when given."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), name)
    if fonts.get(qn("w:asciiTheme")) is not None or fonts.get(qn("w:eastAsiaTheme")) is not None:
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attr), None)
    if size_pt is not None:
        style.font.size = Pt(size_pt)
    if bold is not None:
        style.font.bold = bold
    if style.font.color.type is not None:  # the template's blue headings: print black
        from docx.shared import RGBColor

        style.font.color.rgb = RGBColor(0, 0, 0)


def _font_table(doc: Any) -> None:
    """Name each font's fallback in the font table (w:altName), so that a machine without
    方正小标宋简体 or 仿宋_GB2312 shows 宋体 / 仿宋 rather than a Latin font."""
    from lxml import etree

    part = next((p for p in doc.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml"), None)
    if part is None:  # pragma: no cover - python-docx's template has one
        return
    ns = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    root = etree.fromstring(part.blob)
    for name, alt in FONTS.values():
        font = etree.SubElement(root, f"{{{ns}}}font", {f"{{{ns}}}name": name})
        etree.SubElement(font, f"{{{ns}}}altName", {f"{{{ns}}}val": alt})
        etree.SubElement(font, f"{{{ns}}}charset", {f"{{{ns}}}val": "86"})  # GB2312
        etree.SubElement(font, f"{{{ns}}}family", {f"{{{ns}}}val": "roman"})
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _update_fields_on_open(doc: Any) -> None:
    """w:updateFields in the settings: Word updates the contents' page numbers on opening
    (LibreOffice computes its page references when it lays the document out)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = OxmlElement("w:updateFields")
    el.set(qn("w:val"), "true")
    doc.settings.element.append(el)


def _page_setup(section: Any) -> None:
    from docx.shared import Mm

    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.header_distance, section.footer_distance = Mm(15), Mm(20)


def _page_number_footer(section: Any) -> None:
    """"— N —" centred in the footer, as GB/T 9704 prints page numbers (4号)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("— ")
    _field(p._p, "PAGE", "1")
    p.add_run(" —")


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _x(text: str) -> str:
    """Text for XML character data (python-docx's _cell already dropped invalid characters)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _run(text: str, bold: bool = False, italic: bool = False) -> str:
    rpr = ("<w:b/>" if bold else "") + ("<w:i/>" if italic else "")
    return f'<w:r>{"<w:rPr>" + rpr + "</w:rPr>" if rpr else ""}<w:t xml:space="preserve">{_x(text)}</w:t></w:r>'


def _field_xml(instruction: str, shown: str) -> str:
    """A field (PAGE, PAGEREF …) showing `shown` until it is updated."""
    return ('<w:r><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r>'
            f'<w:r><w:instrText xml:space="preserve"> {_x(instruction)} </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            f'<w:r><w:t>{_x(shown)}</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>')


def _field(p: Any, instruction: str, shown: str) -> None:
    """A field at the end of paragraph element `p` (the footer's PAGE)."""
    from docx.oxml import parse_xml

    for r in parse_xml(f'<w:p xmlns:w="{_W}">{_field_xml(instruction, shown)}</w:p>'):
        p.append(r)


class _Body:
    """The 汇编's paragraphs as WordprocessingML text, parsed once and put before the
    body's closing <w:sectPr>: a 10,000-article 汇编 is ~150,000 paragraphs, and making
    each element through python-docx costs ~0.1 ms a piece."""

    def __init__(self, doc: Any) -> None:
        self.doc = doc
        self.parts: list[str] = []
        self.style_ids: dict[str, str] = {}

    def style(self, name: str) -> str:
        if name not in self.style_ids:
            self.style_ids[name] = self.doc.styles[name].style_id
        return self.style_ids[name]

    def paragraph(self, runs: str, style: str | None = None, page_break: bool = False, bookmark: str | None = None,
                  mark_id: int = 0) -> None:
        ppr = (f'<w:pStyle w:val="{self.style(style)}"/>' if style else "") + ("<w:pageBreakBefore/>" if page_break else "")
        if bookmark:
            runs = f'<w:bookmarkStart w:id="{mark_id}" w:name="{bookmark}"/>{runs}<w:bookmarkEnd w:id="{mark_id}"/>'
        self.parts.append(f'<w:p>{"<w:pPr>" + ppr + "</w:pPr>" if ppr else ""}{runs}</w:p>')

    def close(self) -> None:
        from docx.oxml import parse_xml

        body = self.doc.element.body
        end = body.sectPr
        for el in parse_xml(f'<w:body xmlns:w="{_W}">{"".join(self.parts)}</w:body>'):
            end.addprevious(el)
        self.parts = []


def _width(text: str) -> float:
    """Width in full-width characters: an ASCII letter, digit or space about 0.7 of one (half, and the space LibreOffice and Word put between it and Chinese)."""
    return len(text) - 0.3 * sum(1 for c in text if c < "\u0100")


def _lines(text: str, per_line: int = CHARS_PER_LINE, indent: int = 2) -> int:
    """Lines a paragraph takes on a grid of `per_line` characters (`indent` of them indented)."""
    return max(1, math.ceil((_width(text) + indent) / per_line))


def estimated_pages(export: Export) -> list[int]:
    """The page each article starts on, estimated on GB/T 9704's 22 × 28 grid (the
    contents at 4号: 25 × 31): shown in the contents until the page references are
    updated (Word on opening, see _update_fields_on_open; LibreOffice as it lays out)."""
    small_per_line = int((PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]) / (SMALL_PT / 72 * 25.4))
    small_per_page = int(LINES_PER_PAGE * BODY_PT / SMALL_PT)
    title_per_line = int(CHARS_PER_LINE * BODY_PT / TITLE_PT)
    contents = 1 + sum(_lines(f"{r.n}．{r.heading}（{r.series} {chinese_date(r.date)}）", small_per_line, 6)
                       for r in export.records)
    page = 1 + 1 + -(-contents // small_per_page)  # the cover, then the contents
    out: list[int] = []
    for r in export.records:
        out.append(page)
        lines = 1.2 * _lines(r.heading, title_per_line, 0) + 1  # the title and the space after it
        lines += (_lines(r.issue_label, small_per_line, 0) + _lines(r.citation, small_per_line, 3)) * SMALL_PT / BODY_PT
        lines += sum(_lines(p) for p in printable_paragraphs(r.text)) * LAYOUT_SLACK
        page += max(1, math.ceil(lines / LINES_PER_PAGE))
    return out


def _styles(doc: Any) -> None:
    """The 汇编's styles on GB/T 9704's sizes and grid."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT, WD_TAB_LEADER
    from docx.shared import Mm, Pt

    styles = doc.styles
    body, title, heading = (FONTS[k][0] for k in ("body", "title", "heading"))
    normal = styles["Normal"]
    _east_asian_font(normal, body, BODY_PT)
    pf = normal.paragraph_format
    pf.line_spacing_rule, pf.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(LINE_PITCH_PT)
    pf.space_before = pf.space_after = Pt(0)
    pf.first_line_indent = Pt(2 * BODY_PT)
    pf.widow_control = True
    for name in ("Title", "Heading 1"):
        st = styles[name]
        _east_asian_font(st, title, TITLE_PT, bold=False)
        f = st.paragraph_format
        f.alignment = WD_ALIGN_PARAGRAPH.CENTER
        f.first_line_indent = Pt(0)
        f.line_spacing_rule, f.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(LINE_PITCH_PT * 1.2)
        f.space_before, f.space_after = Pt(0), Pt(LINE_PITCH_PT)
        f.keep_with_next = True
    h2 = styles["Heading 2"]
    _east_asian_font(h2, heading, BODY_PT, bold=False)
    h2.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    h2.paragraph_format.first_line_indent = Pt(0)
    for name, size in (("汇编来源", SMALL_PT), ("汇编目录", SMALL_PT)):
        st = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        st.base_style = normal
        _east_asian_font(st, body, size)
        st.paragraph_format.first_line_indent = Pt(0)
        st.paragraph_format.line_spacing = Pt(LINE_PITCH_PT * size / BODY_PT)
    toc = styles["汇编目录"].paragraph_format
    toc.left_indent, toc.first_line_indent = Pt(2 * SMALL_PT), Pt(-2 * SMALL_PT)
    toc.tab_stops.add_tab_stop(Mm(PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]),
                               WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)


def render_docx(export: Export) -> bytes:
    """A Word 汇编 to print: A4 on GB/T 9704's margins, sizes and grid; a cover (query,
    filters, date, count), a contents list with each article's page number (estimated,
    and a PAGEREF field that Word updates on opening and LibreOffice computes), and each
    article on a new page with its title, source line, citation and full text."""
    from docx import Document
    from docx.enum.section import WD_SECTION
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = Document()
    _styles(doc)
    _font_table(doc)
    _page_setup(doc.sections[0])
    doc.core_properties.title = f"简报汇编：{export.query or '全部文章'}"
    doc.core_properties.author = "简报检索"

    title = doc.add_paragraph("简报汇编", style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    cover = doc.add_table(rows=0, cols=2)
    cover.style = "Table Grid"
    for k, v in _cover_lines(export):
        cells = cover.add_row().cells
        cells[0].text, cells[1].text = k, _cell(v)
    if not export.records:
        doc.add_paragraph("没有符合条件的文章。")
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()

    section = doc.add_section(WD_SECTION.NEW_PAGE)
    _page_setup(section)
    _page_number_footer(section)
    _update_fields_on_open(doc)
    w = _Body(doc)
    w.paragraph(_run("目录"), "Heading 2")
    pages = estimated_pages(export)
    for r, page in zip(export.records, pages):
        when = f"{r.series} {chinese_date(r.date)}" if r.date else r.series
        w.paragraph(_run(f"{r.n}．" + _cell(r.heading)) + _run(f"（{when}）") + "<w:r><w:tab/></w:r>"
                    + _field_xml(f"PAGEREF _a{r.n} \\h", str(page)), "汇编目录")
    for r in export.records:
        w.paragraph(_run(_cell(r.heading)), "Heading 1", page_break=True, bookmark=f"_a{r.n}", mark_id=r.n)
        source = [r.issue_label]
        if r.date and chinese_date(r.date) not in r.issue_label:
            source.append(chinese_date(r.date))
        source += [x for x in (r.place, r.section, r.issuer) if x]
        w.paragraph(_run(_cell(" · ".join(source))), "汇编来源")
        w.paragraph(_run("引用：", bold=True) + _run(_cell(r.citation)), "汇编来源")
        for para in printable_paragraphs(r.text):
            w.paragraph(_run(_cell(para)))
    w.close()
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


RENDERERS: dict[str, Callable[[Export], Any]] = {"csv": render_csv, "xlsx": render_xlsx, "docx": render_docx}


def export_filename(params: SearchParams, fmt: str, today: dt.date | None = None) -> str:
    """A Chinese file name like 简报检索-垃圾分类-2026-12-01.xlsx (no path characters)."""
    what = params.q or "全部"
    what = re.sub(r'[\\/:*?"<>|\x00-\x1f\s]+', "_", what).strip("._")[:40] or "检索结果"
    return f"简报检索-{what}-{(today or dt.date.today()).isoformat()}.{fmt}"
