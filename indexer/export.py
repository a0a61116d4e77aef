"""Exports of a whole result set: CSV, XLSX and a Word 汇编 (.docx).

No Flask here: the web app (`/api/export`) and the CLI (`bulletins export`)
both call `export_records()` and one of the renderers, so a file made on the
page and one made on the command line are the same. The records come from
indexer.search.search() (the whole result set as one page) and
indexer.bulletin.get_bulletin() (full text and issue metadata); citations from
archive.citation.

CSV is written row by row (the web app streams it); XLSX and DOCX are ZIP
containers whose directory is written last, so they are built in memory and
sent whole.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from archive.citation import citation
from archive.labels import chinese_date, issue_label
from indexer.links import active_filters, article_url
from indexer.page import filters_for
from indexer.params import SearchParams
from indexer.bulletin import MAX_ARTICLES_PER_PAGE, article_page, get_bulletin
from indexer.search import search
from indexer.store import IndexHandle

EXPORT_LIMIT = 10_000
EXPORT_FORMATS = ("csv", "xlsx", "docx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
COLUMNS = ("序号", "标题", "地点", "城市", "简报", "期次", "日期", "编发单位", "栏目", "引用", "链接", "正文")


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


def export_records(handle: IndexHandle, params: SearchParams, base_url: str, limit: int = EXPORT_LIMIT) -> Export:
    """Every article matching `params` in the search's order; raises ExportTooLarge beyond `limit`."""
    filters = filters_for(params)
    sort = params.effective_sort
    dates = not params.literal_dates
    first = search(handle, params.q, filters, sort=sort, page=1, per_page=1, apply_dates=dates)
    total = first["total"]
    if total > limit:
        raise ExportTooLarge(total, limit)
    hits = search(handle, params.q, filters, sort=sort, page=1, per_page=max(1, total),
                  apply_dates=dates)["hits"] if total else []
    issues: dict[tuple[str, int], dict[str, Any] | None] = {}
    records: list[Record] = []
    for hit in hits:
        bid = hit["bulletin_id"]
        key = (bid, article_page(hit["order"], MAX_ARTICLES_PER_PAGE))  # the page of the issue holding it
        if key not in issues:
            issues[key] = get_bulletin(handle, bid, page=key[1], per_page=MAX_ARTICLES_PER_PAGE)
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
    )


def _row(r: Record) -> list[Any]:
    return [r.n, r.title, r.place or "", r.city or "", r.series, r.issue_label,
            r.date.isoformat() if r.date else "", r.issuer or "", r.section or "", r.citation, r.url, r.text]


def render_csv(export: Export) -> Iterator[bytes]:
    """UTF-8 CSV with a BOM (so Excel reads the Chinese), one header row, one row per article."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    yield "\ufeff".encode("utf-8") + buffer.getvalue().encode("utf-8")
    for r in export.records:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(_row(r))
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
    ]


def _east_asian_font(style: Any, name: str) -> None:
    """Set the East Asian font of a python-docx style (Word otherwise picks a Latin font)."""
    from docx.oxml.ns import qn

    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def _toc_field(paragraph: Any) -> None:
    """A Word TOC field (headings 1), filled in when Word updates fields on opening."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def run_with(child: Any) -> None:
        r = OxmlElement("w:r")
        r.append(child)
        paragraph._p.append(r)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    begin.set(qn("w:dirty"), "true")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = 'TOC \\o "1-1" \\h \\z \\u'
    run_with(instr)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run_with(sep)
    text = OxmlElement("w:t")
    text.text = "（在 Word 中按 F9 更新页码目录）"
    run_with(text)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


class _Appender:
    """Appends paragraphs to a python-docx body in constant time.

    `Document.add_paragraph` finds the body's closing <w:sectPr> by scanning
    every child, which makes a 10,000-article 汇编 quadratic (minutes); this
    keeps the sectPr and inserts before it, and resolves each style name once.
    """

    def __init__(self, doc: Any) -> None:
        self.doc = doc
        self.body = doc.element.body
        self.end = self.body.sectPr
        self.style_ids: dict[str, str] = {}

    def paragraph(self, text: str = "", style: str | None = None) -> Any:
        """A new last paragraph (its <w:p> element) with `text` as one run."""
        from docx.oxml import OxmlElement

        p = OxmlElement("w:p")
        if self.end is not None:
            self.end.addprevious(p)
        else:  # pragma: no cover - python-docx's template always ends with a sectPr
            self.body.append(p)
        if style:
            if style not in self.style_ids:
                self.style_ids[style] = self.doc.styles[style].style_id
            p.get_or_add_pPr().style = self.style_ids[style]
        if text:
            self.run(p, text)
        return p

    @staticmethod
    def run(p: Any, text: str, italic: bool = False, bold: bool = False) -> None:
        """Append a run of plain text (one line: the caller splits paragraphs)."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        r = OxmlElement("w:r")
        if italic or bold:
            rpr = OxmlElement("w:rPr")
            if bold:
                rpr.append(OxmlElement("w:b"))
            if italic:
                rpr.append(OxmlElement("w:i"))
            r.append(rpr)
        t = OxmlElement("w:t")
        t.set(qn("xml:space"), "preserve")
        t.text = text
        r.append(t)
        p.append(r)


def render_docx(export: Export) -> bytes:
    """A Word 汇编: a cover (query, filters, date, count), a table of contents, and each
    article with its title, source line, citation and full text."""
    from docx import Document
    from docx.enum.section import WD_SECTION
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc = Document()
    for style_name in ("Normal", "Title", "Heading 1", "Heading 2"):
        _east_asian_font(doc.styles[style_name], "宋体" if style_name == "Normal" else "黑体")
    doc.styles["Normal"].font.size = Pt(11)
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

    doc.add_section(WD_SECTION.NEW_PAGE)
    from docx.text.paragraph import Paragraph

    w = _Appender(doc)
    w.paragraph("目录", "Heading 2")
    _toc_field(Paragraph(w.paragraph(), doc._body))
    for r in export.records:
        p = w.paragraph(_cell(r.heading), "List Number")
        w.run(p, f"　{r.series} {chinese_date(r.date)}", italic=True)

    for r in export.records:
        heading = w.paragraph(_cell(r.heading), "Heading 1")
        Paragraph(heading, doc._body).paragraph_format.page_break_before = True
        source = [r.issue_label]
        if r.date and chinese_date(r.date) not in r.issue_label:
            source.append(chinese_date(r.date))
        source += [x for x in (r.place, r.section, r.issuer) if x]
        w.run(w.paragraph(), _cell(" · ".join(source)), italic=True)
        cite = w.paragraph()
        w.run(cite, "引用：", bold=True)
        w.run(cite, _cell(r.citation))
        for para in r.text.split("\n"):
            if para.strip():
                w.paragraph(_cell(para))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


RENDERERS: dict[str, Callable[[Export], Any]] = {"csv": render_csv, "xlsx": render_xlsx, "docx": render_docx}


def export_filename(params: SearchParams, fmt: str, today: dt.date | None = None) -> str:
    """A Chinese file name like 简报检索-垃圾分类-2026-12-01.xlsx (no path characters)."""
    what = params.q or "全部"
    what = re.sub(r'[\\/:*?"<>|\x00-\x1f\s]+', "_", what).strip("._")[:40] or "检索结果"
    return f"简报检索-{what}-{(today or dt.date.today()).isoformat()}.{fmt}"
