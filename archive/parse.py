"""Parse a bulletin or official document: a Document (any format) → a Bulletin.

`parse_document` is the one entry for every format: Markdown goes to the
Markdown parser (it needs the markup), everything else to the layout parsers
on the document's lines — the GB/T 9704 公文 layout when the document has it
(a 发文字号, a `XX文件` 发文机关标志, a `关于…的通知` title), else the 简报 layout.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from archive.document import Document, Paragraph
from archive.errors import BulletinError, BulletinParseError
from archive.gongwen import looks_like_gongwen
from archive.layout import document_lines
from archive.chinese import to_simplified
from archive.dates import ISSUE_SPAN
from archive.doctypes import doc_type_of
from archive.features import PARAMS
from archive.layouts import LAYOUTS, Page, choose_layout, read_page
from archive.mdparse import markdown_lines, parse_markdown
from archive.model import Bulletin
from archive.read import normalise_text
from archive.readers import read_document
from archive.readers.limits import DEFAULT_LIMITS, Limits

__all__ = ["is_markdown", "parse_document", "parse_file", "parse_lines", "parse_text"]

MARKDOWN_SUFFIXES = {".md", ".markdown"}
_MD_TITLE = re.compile(r"^\ufeff?\s*#\s+\S")
_MD_H1 = re.compile(r"^\ufeff?[ \t]*#[ \t]+(?P<t>\S.*)$", re.M)
# Worth a look as a 公文 (a 发文字号 or a `XX文件` line near the top): most Markdown is not.
_GONGWEN_HINT = re.compile(r"[〔\[［(（【]\s*(?:19|20)\d{2}\s*[〕\]］)）】]\s*第?\s*\d+\s*[号號]|文件\s*$", re.M)


def _gongwen_md_title(source: str) -> bool:
    """Whether a Markdown text's `# ` title is a 公文's: it names a 文种 (…的通知, …规定, …条例), is no
    sentence and no issue line, and no 第N期 stands in the lines under it."""
    m = _MD_H1.search(source[:2000])
    if m is None:
        return False
    title = to_simplified(m["t"].strip().strip("#").strip())
    if len(title) > PARAMS.title_max or title.endswith(("。", "！", "？", "；")) or doc_type_of(title) is None:
        return False
    return ISSUE_SPAN.search(source[: m.end() + 400]) is None


def is_markdown(text: str, path: str) -> bool:
    """Markdown when the name says so (.md, .markdown) or the text opens with a `# ` title."""
    if Path(path).suffix.lower() in MARKDOWN_SUFFIXES:
        return True
    first = next((ln for ln in text.split("\n") if ln.strip()), "")
    return bool(_MD_TITLE.match(first))


def parse_document(doc: Document) -> Bulletin:
    """A Bulletin from a Document, whatever format it was read from.

    Raises BulletinParseError when the document holds nothing to archive.
    """
    path = doc.name
    try:
        if doc.format == "markdown":
            if not (doc.source or "").strip():
                raise BulletinParseError(path, "没有文字")
            source = doc.source or ""
            titled = _gongwen_md_title(source)
            plain = markdown_lines(source) if doc.meta.get("发文字号") or titled or _GONGWEN_HINT.search(source[:3000]) else []
            if plain and (titled or looks_like_gongwen(plain, doc.meta, strict=True)):  # a 公文 written in Markdown:
                b = LAYOUTS[0].assemble(plain, path, doc.format, doc.meta, doc.ocr)  # its lines go to the 公文 layout
            else:
                b = parse_markdown(source, path)
        else:
            b, _page = parse_lines(doc)
    except BulletinError:
        raise
    except (ValueError, IndexError, KeyError, TypeError, AttributeError, RecursionError) as exc:  # a parser bug: name the file
        raise BulletinParseError(path, f"无法解析（解析器出错）：{type(exc).__name__}: {exc}") from exc
    if doc.format == "html" and doc.source and "<img" in doc.source:
        b = _with_figures(b, doc.source)
    if doc.warnings:
        b = dataclasses.replace(b, warnings=(*doc.warnings, *b.warnings))
    if doc.scan:  # the OCR's line boxes, for the scan view (issue 20)
        b = dataclasses.replace(b, scan=doc.scan)
    return b


def parse_lines(doc: Document) -> tuple[Bulletin, Page]:
    """A non-Markdown Document's Bulletin, and its page as read (the lines the page's
    own chrome took off, with their rules): the layout registry picks the parser."""
    lines = document_lines(doc)
    if not lines:
        raise BulletinParseError(doc.name, "没有文字")
    page = read_page(lines, doc.meta)
    if not page.lines:
        raise BulletinParseError(doc.name, "没有文字")
    layout = choose_layout(page.lines, page.meta)
    b = layout.assemble(page.lines, doc.name, doc.format, page.meta, doc.ocr)
    if page.warnings:
        b = dataclasses.replace(b, warnings=(*b.warnings, *page.warnings))
    return b, page


def _with_figures(b: Bulletin, source: str) -> Bulletin:
    """A saved page's pictures in its articles' bodies (`![alt](src)`, after the paragraph they
    follow on the page), for the bulletin page to show; the text, and so the index, is unchanged."""
    from archive.readers.html import html_figures

    bodies = [list(a.paragraphs) for a in b.articles]
    if not bodies:
        return b
    squashed = [[re.sub(r"\s+", "", p) for p in paras] for paras in bodies]
    for before, src, alt in html_figures(source):
        mark = "![" + re.sub(r"[\[\]]", "", alt) + "](<" + src.replace(">", "%3E") + ">)"
        at = None
        key = re.sub(r"\s+", "", before or "")
        if key:
            at = next(((k, j) for k, paras in enumerate(squashed) for j, p in enumerate(paras) if key in p or (p and p in key)), None)
        if at is None and before is not None:
            continue  # the picture follows text no article holds (the page's chrome): left out
        k, j = at if at is not None else (0, -1)
        bodies[k].insert(j + 1, mark)
        squashed[k].insert(j + 1, "")
    articles = tuple(dataclasses.replace(a, body="\n\n".join(paras)) for a, paras in zip(b.articles, bodies))
    return dataclasses.replace(b, articles=articles)


def text_document(text: str, path: str) -> Document:
    """Already-decoded text or Markdown as a Document: one paragraph per line, as
    the text reader (archive/readers/textfile.py) gives a file's."""
    fmt = "markdown" if is_markdown(text, path) else "text"
    return Document(name=path, format=fmt, paragraphs=tuple(Paragraph(ln) for ln in text.split("\n")), source=text)


def parse_text(text: str, path: str) -> Bulletin:
    """A Bulletin from already-decoded text; `path` names the source in ids and errors.

    Raises BulletinParseError when the text holds nothing to archive.
    """
    text = normalise_text(text)
    if not text.strip():
        raise BulletinParseError(path, "没有文字")
    return parse_document(text_document(text, path))


def parse_file(path: Path, limits: Limits = DEFAULT_LIMITS) -> Bulletin:
    """Read and parse one source file of any format, with an editor's corrections kept beside it
    (issue 21). Raises BulletinReadError or BulletinParseError. In-process: `check`, `add`,
    `index` and the web app call it through archive.readers.budget.parse_within_budget."""
    from archive.corrections import corrected

    return corrected(parse_document(read_document(Path(path), limits)), Path(path))
