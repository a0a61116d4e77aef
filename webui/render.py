"""Untrusted article bodies to safe HTML: Markdown within a budget, then nh3, then <mark> in text nodes only.

Marking uses the one highlighter, `indexer.search.snippets.mark`, with the regex that
`indexer.search.snippets.query_regex` makes from the query, so the bulletin page marks
what the search matched (normalised forms included). Remote images become
links: a page never makes the reader's browser call another host.
"""

from __future__ import annotations

import html
import re
import time
from typing import Callable, Iterable

import markdown
import nh3
from markupsafe import Markup

from archive.references import Reference, find_references
from indexer.search.snippets import mark, query_regex

# A small, safe set: text structure, lists, tables, links and plain images.
ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6",
        "strong", "b", "em", "i", "u", "s", "del", "ins", "sub", "sup", "small",
        "blockquote", "ul", "ol", "li", "dl", "dt", "dd",
        "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
        "pre", "code", "a", "img", "span", "div",
    }
)
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})  # relative URLs pass too; data:/javascript: do not
LINK_REL = "noopener noreferrer nofollow"

# Python-Markdown is quadratic on some inputs (10 KB of unclosed `[` took 9.5 s,
# nested brackets and unclosed raw tags too) and slow on very long text. An article
# beyond these limits, or met once the page has spent MARKDOWN_PAGE_SECONDS on
# Markdown, is shown as escaped plain text with a notice.
MARKDOWN_MAX_CHARS = 60_000
MARKDOWN_MAX_BRACKETS = 300  # `[` characters in one article
MARKDOWN_MAX_TAGS = 3_000  # `<` characters in one article
MARKDOWN_PAGE_SECONDS = 1.0
PLAIN_NOTICE = '<p class="notice">本文篇幅或格式超出网页排版的限度，以下按纯文本显示。</p>'

# A tag in nh3's output: attribute values are always double-quoted and escape `<`/`>`.
_TAG = re.compile(r'<(?:[^>"\']|"[^"]*"|\'[^\']*\')*>')
_ATTR = re.compile(r'([a-zA-Z-]+)="([^"]*)"')
_REMOTE = re.compile(r"^\s*(?:[a-zA-Z][a-zA-Z0-9+.-]*:|[/\\]{2})")  # a scheme, or // /\ \\ (browsers read all as //)


def sanitize(fragment: str, extra_tags: Iterable[str] = ()) -> str:
    """HTML made safe: only ALLOWED_TAGS/ATTRIBUTES, safe URL schemes, no script/style content."""
    return nh3.clean(
        fragment,
        tags=set(ALLOWED_TAGS) | set(extra_tags),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )


def _image_as_link(tag: str) -> str:
    """A remote `<img>` (absolute or protocol-relative URL) as a link to it; other tags as given."""
    if not tag.startswith("<img"):
        return tag
    attrs = dict(_ATTR.findall(tag))
    src = html.unescape(attrs.get("src", ""))
    if not _REMOTE.match(src):
        return tag  # relative: served by the archive itself
    label = html.unescape(attrs.get("alt", "") or attrs.get("title", "")).strip() or "外部图片"
    return f'<a href="{html.escape(src)}" rel="{LINK_REL}">［图片：{html.escape(label)}］</a>'


def unload_remote_images(safe_html: str) -> str:
    """Replace every remote image in sanitised HTML by a link, so no page loads a tracking pixel."""
    return _TAG.sub(lambda m: _image_as_link(m.group(0)), safe_html)


def _fits_markdown(source: str) -> bool:
    return (
        len(source) <= MARKDOWN_MAX_CHARS
        and source.count("[") <= MARKDOWN_MAX_BRACKETS
        and source.count("<") <= MARKDOWN_MAX_TAGS
    )


def plain_to_html(source: str) -> str:
    """Text as escaped paragraphs (blank lines part them), in linear time."""
    paras = [p.strip() for p in re.split(r"\n\s*\n", source or "") if p.strip()]
    return "".join(f"<p>{html.escape(p)}</p>" for p in paras)


def markdown_to_html(source: str) -> str:
    """Render untrusted Markdown (which may hold raw HTML) and sanitise the result.

    Articles beyond the Markdown limits above are rendered as plain text with a notice.
    """
    if not _fits_markdown(source or ""):
        return PLAIN_NOTICE + plain_to_html(source)
    rendered = markdown.markdown(source or "", extensions=["tables", "sane_lists"], output_format="html")
    return unload_remote_images(sanitize(rendered))


class Budget:
    """Seconds of Markdown rendering one page may spend; articles after that are plain text."""

    def __init__(self, seconds: float = MARKDOWN_PAGE_SECONDS) -> None:
        self.left = seconds

    def render(self, source: str) -> str:
        if self.left <= 0:
            return PLAIN_NOTICE + plain_to_html(source)
        t0 = time.perf_counter()
        try:
            return markdown_to_html(source)
        finally:
            self.left -= time.perf_counter() - t0


def highlight_text(text: str, rx: re.Pattern[str] | None) -> Markup:
    """Plain text escaped, with what `rx` matches wrapped in <mark> (indexer.search.snippets.mark)."""
    return Markup(mark(text, rx))


def highlight_html(safe_html: str, rx: re.Pattern[str] | None) -> str:
    """Wrap matches of `rx` in <mark> inside the text nodes of already-sanitised HTML; tags are left untouched."""
    if rx is None:
        return safe_html
    out: list[str] = []
    pos = 0
    for m in _TAG.finditer(safe_html):
        if m.start() > pos:
            out.append(mark(html.unescape(safe_html[pos : m.start()]), rx))
        out.append(m.group(0))
        pos = m.end()
    if pos < len(safe_html):
        out.append(mark(html.unescape(safe_html[pos:]), rx))
    # Belt and braces: the result goes through the sanitiser once more, now allowing <mark>.
    return unload_remote_images(sanitize("".join(out), extra_tags={"mark"}))


def link_references(safe_html: str, link: Callable[[Reference], tuple[str, str] | None]) -> str:
    """Each reference (archive.references) in the text nodes of sanitised HTML, outside any
    link, that `link` resolves to (url, title) wrapped in a link to it; the rest as it was."""
    out: list[str] = []
    pos = 0
    depth = 0  # inside <a>…</a>: left alone

    def text(segment: str) -> str:
        plain = html.unescape(segment)
        refs = [(r, link(r)) for r in find_references(plain)] if depth == 0 else []
        if not any(target for _r, target in refs):
            return segment
        parts, at = [], 0
        for ref, target in refs:
            if target is None:
                continue
            url, title = target
            parts.append(html.escape(plain[at : ref.start]))
            parts.append(f'<a href="{html.escape(url)}" title="{html.escape(title)}">'
                         f'{html.escape(plain[ref.start : ref.end])}</a>')
            at = ref.end
        parts.append(html.escape(plain[at:]))
        return "".join(parts)

    for m in _TAG.finditer(safe_html):
        if m.start() > pos:
            out.append(text(safe_html[pos : m.start()]))
        tag = m.group(0)
        if re.match(r"<a[\s>]", tag):
            depth += 1
        elif tag.startswith("</a"):
            depth = max(0, depth - 1)
        out.append(tag)
        pos = m.end()
    if pos < len(safe_html):
        out.append(text(safe_html[pos:]))
    return unload_remote_images(sanitize("".join(out)))


def local_images(safe_html: str, image_url: Callable[[str], str]) -> str:
    """Point every relative `<img src>` of sanitised HTML (a picture beside the document in the
    corpus) at the archive's image route, `image_url(src as written)`."""

    def fix(m: re.Match[str]) -> str:
        tag = m.group(0)
        if not tag.startswith("<img"):
            return tag
        src = html.unescape(dict(_ATTR.findall(tag)).get("src", ""))
        if not src or _REMOTE.match(src):
            return tag
        return re.sub(r'src="[^"]*"', lambda _: f'src="{html.escape(image_url(src))}"', tag, count=1)

    return _TAG.sub(fix, safe_html)


def render_body(source: str, rx: re.Pattern[str] | None = None, budget: Budget | None = None,
                image_url: Callable[[str], str] | None = None,
                link: Callable[[Reference], tuple[str, str] | None] | None = None) -> Markup:
    """An article body for the bulletin page: Markdown → sanitised HTML → references linked
    (`link`: a reference → the (url, title) of the document it names) → marked matches;
    with `image_url`, the document's own pictures are served by the archive."""
    body = budget.render(source) if budget is not None else markdown_to_html(source)
    if link is not None:
        body = link_references(body, link)
    body = highlight_html(body, rx)
    return Markup(local_images(body, image_url) if image_url is not None else body)


def terms_regex(q: str, terms: Iterable[str] = ()) -> re.Pattern[str] | None:
    """The highlighting regex for the bulletin page: from the query, else from `hl` terms."""
    if q:
        return query_regex(q)
    quoted = [f'"{t.replace(chr(34), " ")}"' for t in terms if t.strip()]
    return query_regex(" OR ".join(quoted)) if quoted else None
