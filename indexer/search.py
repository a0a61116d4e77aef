"""Search the archive: a query string and filters → one JSON-ready dict.

The result set is exact and computed without scoring (indexer.evaluate:
substring net, filters from in-memory columns); facet counts are taken over
that whole set (indexer.results). Only the order is scored (indexer.rank:
every hit by relevance, or by date). Snippets are made for the page shown
and nothing else.
"""

from __future__ import annotations

import math
from typing import Any

from indexer import query as q
from indexer.evaluate import Evaluator, Filters, filter_set
from indexer.columns import Snapshot, build_snapshot
from indexer.rank import by_date, by_relevance
from indexer.results import facets, hit
from indexer.snippets import term_regex
from indexer.store import IndexCorruptError, IndexHandle, names_damage
from indexer.substring import Net

__all__ = ["Filters", "IndexCorruptError", "search", "SORTS"]

SORTS = ("relevance", "date")
MAX_PER_PAGE = 100
MAX_PAGE = 10_000


def snapshot(handle: IndexHandle) -> Snapshot:
    return handle.shared("facets", build_snapshot)  # type: ignore[return-value]


def substring_net(handle: IndexHandle) -> Net:
    return handle.shared("net", Net)  # type: ignore[return-value]


@names_damage
def search(
    handle: IndexHandle,
    query: str,
    filters: Filters = Filters(),
    sort: str = "relevance",
    page: int = 1,
    per_page: int = 20,
) -> dict[str, Any]:
    """Search the archive; see the module doc. Raises only for bad page/per_page/sort
    values and IndexUnavailableError; a malformed query is searched as plain words."""
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}")
    if not 1 <= page <= MAX_PAGE:
        raise ValueError(f"page must be between 1 and {MAX_PAGE}")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise ValueError(f"per_page must be between 1 and {MAX_PER_PAGE}")
    s = handle.searcher()
    snap = snapshot(handle)
    net = substring_net(handle)
    parsed = q.parse_query(query)
    allowed = filter_set(s, snap, filters)
    ev = Evaluator(s, snap.live, net)
    if parsed.tree is None:
        matched = allowed
    else:
        matched = ev.docs(parsed.tree) & allowed if allowed else set()
    k = page * per_page
    if parsed.tree is None or sort == "date":
        ordered = by_date(matched, snap, k)
    else:
        ordered = by_relevance(net, snap, ev, matched, k)
    rx = term_regex(ev.highlight)
    total = len(matched)
    return {
        "query": query,
        "total": total,
        "page": page,
        "pages": max(1, math.ceil(total / per_page)),
        "per_page": per_page,
        "sort": sort,
        "filters": filters.to_dict(),
        "hits": [hit(s, snap, d, rx) for d in ordered[(page - 1) * per_page : k]],
        "facets": facets(snap, matched),
        "terms": ev.terms,
        "warnings": list(parsed.warnings),
    }
