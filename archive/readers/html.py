"""Saved web pages (.html/.htm): the document's body without the site's chrome, and gov.cn's metadata table.

The body is the page's known content container (gov.cn's #UCAP-CONTENT,
.pages_content, TRS editors' .TRS_Editor, …) or else the block holding the most
paragraph text. Its block elements become paragraphs, with alignment and
bold hints. The labelled cells gov.cn policy pages carry above the body —
索引号, 主题分类, 发文机关, 成文日期, 标题, 发文字号, 发布日期 — go into
Document.meta. `source` is the body's HTML, for the web app to sanitise.
"""

from __future__ import annotations

import re
import unicodedata

import lxml.etree
import lxml.html

from archive.document import Document, Paragraph
from archive.errors import BulletinReadError
from archive.read import decode_bytes
from archive.readers.layout import collapse_spaces as tidy_spaces

__all__ = ["META_LABELS", "html_figures", "read_html"]

META_LABELS = ("索引号", "主题分类", "发文机关", "成文日期", "标题", "发文字号", "发布日期")
_CONTENT_SELECTORS = (
    '//*[@id="UCAP-CONTENT"]', '//*[contains(concat(" ", normalize-space(@class), " "), " pages_content ")]',
    '//*[contains(concat(" ", normalize-space(@class), " "), " TRS_Editor ")]', '//*[@id="zoom"]',
    '//*[contains(concat(" ", normalize-space(@class), " "), " article-content ")]', "//article",
)
_DROP = ("script", "style", "noscript", "template", "nav", "header", "footer", "form", "aside", "iframe", "button",
         "select", "input", "textarea", "object", "embed", "svg")
_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "td", "th", "table", "section", "article",
          "blockquote", "pre", "center", "dd", "dt", "ul", "ol", "hr", "figure", "figcaption", "br"}
_ALIGN = re.compile(r"text-align\s*:\s*(left|right|center|justify)", re.I)
_LABEL_CLEAN = re.compile(r"[\s:：\u3000]+")


def _text(el: lxml.html.HtmlElement) -> str:
    return tidy_spaces(unicodedata.normalize("NFC", el.text_content() or ""))


def _meta_table(root: lxml.html.HtmlElement) -> dict[str, str]:
    meta: dict[str, str] = {}
    for cell in root.iter("td", "th", "dt", "span", "li", "div", "p"):
        if len(cell) > 3:
            continue
        label = _LABEL_CLEAN.sub("", cell.text_content() or "")
        if label not in META_LABELS or label in meta:
            continue
        nxt = cell.getnext()
        if nxt is None:
            continue
        value = _text(nxt)
        if value and len(value) < 300:
            meta[label] = value
    return meta


def _content(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    for xpath in _CONTENT_SELECTORS:
        found = [el for el in root.xpath(xpath) if len(_text(el)) >= 20]
        if found:
            return max(found, key=lambda el: len(_text(el)))
    body = root.find("body")
    body = body if body is not None else root
    best, best_score = body, 0
    for el in body.iter("div", "td", "section", "article", "main"):
        score = sum(len(_text(p)) for p in el if isinstance(p.tag, str) and p.tag in ("p", "h1", "h2", "h3", "br"))
        if score > best_score:
            best, best_score = el, score
    return best


def _align(el: lxml.html.HtmlElement) -> str | None:
    style = el.get("style") or ""
    m = _ALIGN.search(style)
    if m:
        return m.group(1).lower()
    a = (el.get("align") or "").lower()
    if el.tag == "center":
        return "center"
    return a if a in ("left", "right", "center", "justify") else None


class _Walker:
    def __init__(self) -> None:
        self.out: list[Paragraph] = []
        self.buf: list[tuple[str, bool]] = []
        self.align: str | None = None
        self.cell: tuple[int, int, int] | None = None
        self.tables = 0

    def flush(self) -> None:
        text = tidy_spaces("".join(t for t, _ in self.buf).replace("\n", " "))
        if text:
            chars = sum(len(t.strip()) for t, _ in self.buf)
            bold = sum(len(t.strip()) for t, b in self.buf if b)
            self.out.append(Paragraph(text=text, bold=chars > 0 and bold * 2 > chars,
                                      align=self.align, cell=self.cell))  # type: ignore[arg-type]
        self.buf = []

    def walk(self, el: lxml.html.HtmlElement, bold: bool = False) -> None:
        if not isinstance(el.tag, str):  # comments, processing instructions
            if el.tail:
                self.buf.append((el.tail, bold))
            return
        tag = el.tag.lower()
        if tag == "table":
            self.flush()
            t = self.tables
            self.tables += 1
            outer = self.cell
            for r, tr in enumerate(el.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")):
                for c, td in enumerate(tr.xpath("./td|./th")):
                    self.cell = (t, r, c)
                    self.walk(td, bold)
                    self.flush()
            self.cell = outer
            if el.tail:
                self.buf.append((el.tail, bold))
            return
        block = tag in _BLOCK
        if block:
            self.flush()
            saved = self.align
            self.align = _align(el) or self.align
        b = bold or tag in ("b", "strong") or "font-weight:bold" in (el.get("style") or "").replace(" ", "").lower()
        if el.text:
            self.buf.append((el.text, b))
        for child in el:
            self.walk(child, b)
        if block:
            self.flush()
            self.align = saved
        if el.tail:
            self.buf.append((el.tail, bold))


def html_figures(source: str) -> list[tuple[str | None, str, str]]:
    """The pictures of a page's body HTML (Document.source) in order, each as (the text of the
    last block before it, or None; its src as written; its alt text)."""
    try:
        root = lxml.html.fragment_fromstring(source, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return []
    out: list[tuple[str | None, str, str]] = []
    last: str | None = None
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.lower()
        if tag == "img" and (el.get("src") or "").strip():
            out.append((last, el.get("src", "").strip(), tidy_spaces(el.get("alt") or el.get("title") or "")))
        elif tag in _BLOCK and not any(isinstance(c.tag, str) and c.tag.lower() in _BLOCK for c in el.iterdescendants()):
            text = _text(el)
            if text:
                last = text
    return out


def read_html(data: bytes, name: str) -> Document:
    """A saved web page's body paragraphs, with gov.cn metadata in meta and the body HTML as source."""
    text = decode_bytes(data, name)
    try:
        root = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise BulletinReadError(name, f"无法解析 HTML（{exc}）") from None
    for el in root.xpath("//*[self::" + " or self::".join(_DROP) + "]"):
        el.drop_tree()
    meta = _meta_table(root)
    if "标题" not in meta:
        title = root.xpath('string(//meta[@name="ArticleTitle"]/@content)') or root.findtext(".//title") or ""
        title = tidy_spaces(re.split(r"[_|｜]", title)[0])
        if title:
            meta["标题"] = title
    content = _content(root)
    walker = _Walker()
    walker.walk(content)
    walker.flush()
    paragraphs = [p for p in walker.out if p.text]
    if not paragraphs:
        raise BulletinReadError(name, "网页没有正文文字")
    source = lxml.html.tostring(content, encoding="unicode", method="html")
    return Document(name=name, format="html", paragraphs=tuple(paragraphs), source=source, meta=meta)
