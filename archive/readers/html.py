"""Saved web pages (.html/.htm): the document's body without the site's chrome, and gov.cn's metadata table.

The body is the page's known content container (gov.cn's #UCAP-CONTENT,
.pages_content, TRS editors' .TRS_Editor, …); on any other site template it
is what trafilatura, a main-content extractor made for the job, keeps of the
page: menus, breadcrumbs, related-link lists, footers and counters go whatever
their words. The page's own block elements whose text trafilatura kept become
the paragraphs, with their alignment and bold hints. Only when trafilatura
finds nothing is the block holding the most paragraph text taken. The labelled cells gov.cn policy pages carry above the body —
索引号, 主题分类, 发文机关, 成文日期, 标题, 发文字号, 发布日期 — go into
Document.meta. `source` is the body's HTML, for the web app to sanitise.
"""

from __future__ import annotations

import re
import unicodedata

import lxml.etree
import lxml.html
import trafilatura

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
LINK_GROUP_MIN = 2  # a block made only of this many links or more is navigation (a menu, a related-links list)
MATCHED_MIN = 0.8
# Labels of a page's own metadata block (its 索引号 table, <dl> or <ul>): such a block is read as
# fields and is not the document's text.
META_BLOCK_KEYS = frozenset(META_LABELS) | {
    "发布机构", "发文机构", "发文单位", "组配分类", "体裁分类", "信息分类", "文号", "生成日期", "发文日期",
    "生效时间", "生效日期", "废止时间", "有效性", "信息来源", "公开方式", "公开范围", "时效", "主题词", "关键词"}  # share of the extractor's text found in the page's own blocks to keep their hints
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


def _known_content(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """The page's known content container (gov.cn, TRS editors, …), or None."""
    for xpath in _CONTENT_SELECTORS:
        found = [el for el in root.xpath(xpath) if len(_text(el)) >= 20]
        if found:
            return max(found, key=lambda el: len(_text(el)))
    return None


def _densest(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """The block holding the most paragraph text (when the extractor finds nothing)."""
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
        self.owners: list[lxml.html.HtmlElement | None] = []  # the innermost block element of each paragraph
        self.block: lxml.html.HtmlElement | None = None

    def flush(self) -> None:
        text = tidy_spaces("".join(t for t, _ in self.buf).replace("\n", " "))
        if text:
            chars = sum(len(t.strip()) for t, _ in self.buf)
            bold = sum(len(t.strip()) for t, b in self.buf if b)
            self.out.append(Paragraph(text=text, bold=chars > 0 and bold * 2 > chars,
                                      align=self.align, cell=self.cell))  # type: ignore[arg-type]
            self.owners.append(self.block)
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
                    outer_block, self.block = self.block, td
                    self.walk(td, bold)
                    self.flush()
                    self.block = outer_block
                    self.flush()
            self.cell = outer
            if el.tail:
                self.buf.append((el.tail, bold))
            return
        block = tag in _BLOCK
        if block:
            self.flush()
            saved, saved_block = self.align, self.block
            self.align = _align(el) or self.align
            if tag != "br":
                self.block = el
        b = bold or tag in ("b", "strong") or "font-weight:bold" in (el.get("style") or "").replace(" ", "").lower()
        if el.text:
            self.buf.append((el.text, b))
        for child in el:
            self.walk(child, b)
        if block:
            self.flush()
            self.align, self.block = saved, saved_block
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


def _paragraphs(el: lxml.html.HtmlElement) -> list[Paragraph]:
    return _owned_paragraphs(el)[0]


def _owned_paragraphs(el: lxml.html.HtmlElement) -> tuple[list[Paragraph], list[lxml.html.HtmlElement | None]]:
    """The paragraphs of `el`, and the innermost block element each came from."""
    walker = _Walker()
    walker.block = el
    walker.walk(el)
    walker.flush()
    return walker.out, walker.owners


def _common_box(owners: list[lxml.html.HtmlElement | None]) -> lxml.html.HtmlElement | None:
    """The smallest element that holds every one of `owners`."""
    chains = [[o, *o.iterancestors()] for o in owners if o is not None]
    if not chains:
        return None
    common = set(map(id, chains[0]))
    for chain in chains[1:]:
        common &= set(map(id, chain))
    return next((el for el in chains[0] if id(el) in common), None)


def _document_span(hits: list[int], owners: list[lxml.html.HtmlElement | None]) -> tuple[int, int]:
    """The paragraphs of the document, from the ones the extractor kept (`hits`): the whole of the
    smallest page element holding them all — what the extractor dropped at its head or tail inside
    it (a short date, 署名 or 主送 line it judged too short to be content) is the document's too;
    the page's own lines left in it are the line classifier's to take off. Not widened to the
    whole page (a `body` or `html` box), where the hits' own span is kept."""
    lo, hi = hits[0], hits[-1]
    box = _common_box([owners[k] for k in hits])
    if box is None or box.tag in ("body", "html"):
        return lo, hi
    inside = [k for k, o in enumerate(owners) if o is not None and (o is box or any(a is box for a in o.iterancestors()))]
    return (min(lo, inside[0]), max(hi, inside[-1])) if inside else (lo, hi)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _block_pairs(block: lxml.html.HtmlElement) -> tuple[list[tuple[str, str]], int]:
    """(label, value) pairs of a table (label and value cells side by side), a <dl> (dt, dd) or a
    <ul>/<ol> (`label：value` items), and the number of rows or items they came from."""
    pairs: list[tuple[str, str]] = []
    if block.tag == "table":
        rows = block.xpath("./tr|./thead/tr|./tbody/tr")
        for tr in rows:
            cells = tr.xpath("./td|./th")
            pairs += [(_LABEL_CLEAN.sub("", cells[i].text_content() or ""), _text(cells[i + 1]))
                      for i in range(0, len(cells) - 1, 2)]
        return pairs, len(rows)
    if block.tag == "dl":
        terms = block.findall("dt")
        for dt in terms:
            dd = dt.getnext()
            if dd is not None and dd.tag == "dd":
                pairs.append((_LABEL_CLEAN.sub("", dt.text_content() or ""), _text(dd)))
        return pairs, len(terms)
    items = block.findall("li")
    for li in items:
        label, _, value = _text(li).replace(":", "：").partition("：")
        pairs.append((_LABEL_CLEAN.sub("", label), value.strip()))
    return pairs, len(items)


def _take_meta_blocks(root: lxml.html.HtmlElement, meta: dict[str, str]) -> None:
    """Read a page's metadata blocks (two or more 索引号/发布机构/… pairs, at least half its rows)
    into `meta` and take them out of the text."""
    for block in list(root.iter("table", "dl", "ul", "ol")):
        pairs, rows = _block_pairs(block)
        known = [(k, v) for k, v in pairs if k in META_BLOCK_KEYS]
        if len(known) >= 2 and len(known) * 2 >= rows:
            for k, v in known:
                if k in META_LABELS and v and k not in meta:
                    meta[k] = v
            block.drop_tree()


def _drop_link_groups(root: lxml.html.HtmlElement) -> None:
    """Take off every block whose whole text is the text of two or more links: menus, related-link
    lists and link rows of any site, whatever their words (a document's own lines are not links)."""
    for el in list(root.iter("ul", "ol", "dl", "table", "tr", "td", "div", "p", "span")):
        if el.getparent() is None:
            continue
        links = el.findall(".//a")
        if len(links) < LINK_GROUP_MIN:
            continue
        all_text = _squash(el.text_content() or "")
        link_text = "".join(_squash(a.text_content() or "") for a in links)
        if all_text and all_text == link_text:
            el.drop_tree()


def _extracted(text: str, root: lxml.html.HtmlElement) -> tuple[list[Paragraph], str] | None:
    """The main content trafilatura finds in the page, as the page's own paragraphs (with their
    alignment and bold hints) where they match its text, else as its own; and its HTML. None when
    it finds nothing."""
    _drop_link_groups(root)
    text = lxml.html.tostring(root, encoding="unicode", method="html")
    try:
        html = trafilatura.extract(text, output_format="html", include_tables=True, include_formatting=True,
                                   favor_precision=True, deduplicate=False, include_comments=False,
                                   include_links=False, include_images=False, with_metadata=False)
        found = lxml.html.document_fromstring(html) if html else None
    except (lxml.etree.ParserError, ValueError):
        return None
    if found is None:
        return None
    theirs = _paragraphs(found)
    if not theirs:
        return None
    kept = {_squash(p.text) for p in theirs}
    page, owners = _owned_paragraphs(root.find("body") if root.find("body") is not None else root)
    hits = [k for k, p in enumerate(page) if _squash(p.text) in kept]
    # the document runs from the first paragraph the extractor kept to the last, widened to the
    # page element that holds them: what it left out between and around them is the document's
    # too (nothing dropped without a reason)
    lo, hi = _document_span(hits, owners) if hits else (0, -1)
    ours = page[lo:hi + 1]
    matched = sum(len(_squash(page[k].text)) for k in hits)
    total = sum(len(k) for k in kept)
    body = found.find("body")
    source = "".join(lxml.html.tostring(c, encoding="unicode", method="html") for c in (body if body is not None else found))
    return (ours if matched >= MATCHED_MIN * total else theirs), source


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
    content = _known_content(root)
    if content is None:
        _take_meta_blocks(root, meta)
    got = _extracted(text, root) if content is None else None
    if got is not None:
        paragraphs, source = got
    else:
        content = content if content is not None else _densest(root)
        paragraphs = _paragraphs(content)
        source = lxml.html.tostring(content, encoding="unicode", method="html")
    if not paragraphs:
        raise BulletinReadError(name, "网页没有正文文字")
    return Document(name=name, format="html", paragraphs=tuple(paragraphs), source=source, meta=meta)
