"""Untrusted article bodies to safe HTML: Markdown, then nh3, then <mark> in text nodes only."""

from __future__ import annotations

import html
import re
from typing import Iterable

import markdown
import nh3
from markupsafe import Markup, escape

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
MAX_TERMS = 20

# A tag in nh3's output: attribute values are always double-quoted and escape `<`/`>`.
_TAG = re.compile(r'<(?:[^>"\']|"[^"]*"|\'[^\']*\')*>')


def sanitize(fragment: str, extra_tags: Iterable[str] = ()) -> str:
    """HTML made safe: only ALLOWED_TAGS/ATTRIBUTES, safe URL schemes, no script/style content."""
    return nh3.clean(
        fragment,
        tags=set(ALLOWED_TAGS) | set(extra_tags),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def markdown_to_html(source: str) -> str:
    """Render untrusted Markdown (which may hold raw HTML) and sanitise the result."""
    rendered = markdown.markdown(source or "", extensions=["tables", "sane_lists"], output_format="html")
    return sanitize(rendered)


def _term_pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    cleaned = sorted({t.strip() for t in terms if t and t.strip()}, key=len, reverse=True)[:MAX_TERMS]
    if not cleaned:
        return None
    return re.compile("|".join(re.escape(t) for t in cleaned), re.IGNORECASE)


def highlight_text(text: str, terms: Iterable[str]) -> Markup:
    """Plain text escaped, with every occurrence of a term wrapped in <mark>."""
    pattern = _term_pattern(terms)
    if pattern is None:
        return Markup(escape(text))
    out: list[str] = []
    pos = 0
    for m in pattern.finditer(text):
        out.append(str(escape(text[pos : m.start()])))
        out.append(f"<mark>{escape(m.group(0))}</mark>")
        pos = m.end()
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))


def highlight_html(safe_html: str, terms: Iterable[str]) -> str:
    """Wrap terms in <mark> inside the text nodes of already-sanitised HTML; tags are left untouched."""
    terms = list(terms)
    if _term_pattern(terms) is None:
        return safe_html
    out: list[str] = []
    pos = 0
    for m in _TAG.finditer(safe_html):
        if m.start() > pos:
            out.append(str(highlight_text(html.unescape(safe_html[pos : m.start()]), terms)))
        out.append(m.group(0))
        pos = m.end()
    if pos < len(safe_html):
        out.append(str(highlight_text(html.unescape(safe_html[pos:]), terms)))
    # Belt and braces: the result goes through the sanitiser once more, now allowing <mark>.
    return sanitize("".join(out), extra_tags={"mark"})


def render_body(source: str, terms: Iterable[str] = ()) -> Markup:
    """An article body for the bulletin page: Markdown → sanitised HTML → highlighted terms."""
    return Markup(highlight_html(markdown_to_html(source), terms))
