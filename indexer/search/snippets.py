"""Snippets: the passage of a stored text around the search terms, marked.

Works on the page's few stored texts only, by searching the normalised text
(same length as the original) for each term's unit sequence, allowing
punctuation and space between units, as the character index does.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

from indexer.search import compiler
from indexer.search import query as q
from indexer.store.analysis import normalize, unit_text

SNIPPET_CHARS = 140


def term_regex(unit_seqs: Iterable[Sequence[str]]) -> re.Pattern[str] | None:
    """One regex finding any of the unit sequences in normalised text."""
    alts = []
    for us in unit_seqs:
        if not us:
            continue
        alts.append(r"[\W_]*".join(re.escape(unit_text(u)) for u in us))
    if not alts:
        return None
    alts.sort(key=len, reverse=True)
    return re.compile("|".join(alts))


def query_regex(query: str) -> re.Pattern[str] | None:
    """The regex that marks what `query` matches, as search() marks its hits.

    Only positive terms are marked (not those under NOT); normalised forms
    match too (`１５万` marks 15万, `"口罩 行动"` marks 口罩行动).
    """
    seqs: list[tuple[str, ...]] = []

    def walk(node: q.Node | None, positive: bool) -> None:
        if node is None:
            return
        if isinstance(node, q.Term):
            units = compiler.compile_term(node).units
            if positive and units:
                seqs.append(units)
        elif isinstance(node, q.Not):
            walk(node.child, not positive)
        else:
            for child in node.children:
                walk(child, positive)

    walk(q.parse_query(query).tree, True)
    return term_regex(seqs)


def _spans(text: str, rx: re.Pattern[str] | None) -> list[tuple[int, int]]:
    if rx is None or not text:
        return []
    return [m.span() for m in rx.finditer(normalize(text)) if m.end() > m.start()]


def mark(text: str, rx: re.Pattern[str] | None) -> str:
    """`text` HTML-escaped, with every term occurrence in <mark>."""
    out: list[str] = []
    last = 0
    for a, b in _spans(text, rx):
        out.append(html.escape(text[last:a]))
        out.append(f"<mark>{html.escape(text[a:b])}</mark>")
        last = b
    out.append(html.escape(text[last:]))
    return "".join(out)


def snippet(text: str, rx: re.Pattern[str] | None, width: int = SNIPPET_CHARS) -> str:
    """A window of about `width` characters around the densest run of matches."""
    text = text.replace("\n", " ")
    spans = _spans(text, rx)
    if not spans:
        cut = text[:width]
        return html.escape(cut) + ("…" if len(text) > width else "")
    # the window that starts a little before the match with most others in reach:
    # two pointers over the sorted starts, so the cost is linear in the matches
    best, best_n = spans[0][0], 0
    j = 0
    for i, (a, _b) in enumerate(spans):
        j = max(j, i)
        while j < len(spans) and spans[j][0] < a + width:
            j += 1
        if j - i > best_n:
            best, best_n = a, j - i
    start = max(0, best - width // 4)
    end = min(len(text), start + width)
    start = max(0, min(start, end - width))
    out: list[str] = ["…" if start > 0 else ""]
    last = start
    for a, b in spans:
        if a >= end:
            break
        if b <= start:
            continue
        a, b = max(a, start), min(b, end)
        out.append(html.escape(text[last:a]))
        out.append(f"<mark>{html.escape(text[a:b])}</mark>")
        last = b
    out.append(html.escape(text[last:end]))
    out.append("…" if end < len(text) else "")
    return "".join(out)
