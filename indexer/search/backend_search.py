"""Search through the backend seam (indexer.search.backend): a query string and filters → the same
dict as indexer.search.engine.search(), for a backend other than the embedded index (MariaDB).

What it keeps of the archive: the parser and its notices (indexer.search.query), the date typed
with other words applied as the date filter (indexer.search.dateq), the exact result set and the
facet counts over all of it, the hits' shape, marks and snippets (indexer.search.results,
indexer.search.snippets). The engine finds the set; the order is the backend's `ranked` (the
archive's features on the top of the engine's order). Not here (the embedded index's
search has them): the query stages, did-you-mean, alias and pinyin expansion, related
articles and access rules; the 地区 facet is counted over the matches with its filter.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from archive.labels import issue_label
from indexer.search import compiler, dateq
from indexer.search import query as q
from indexer.search.evaluate import Filters
from indexer.search.keyfacets import region_facet
from indexer.search.results import ISSUE_FACET_LIMIT, _by_count, record_hit
from indexer.search.snippets import term_regex

SORTS = ("relevance", "date")


def _label(r: dict[str, Any]) -> str:
    from archive.labels import iso_from_yyyymmdd

    return issue_label(r.get("series"), r.get("year"), r.get("issue"), iso_from_yyyymmdd(r.get("date")) or None)


def _units(node: q.Node | None) -> list[tuple[str, ...]]:
    if node is None or isinstance(node, q.Not):
        return []
    if isinstance(node, q.Term):
        c = compiler.compile_term(node)
        return [c.units] if c.units else []
    return [u for ch in node.children for u in _units(ch)]


def search(backend: Any, query: str, filters: Filters = Filters(), sort: str = "relevance", page: int = 1,
           per_page: int = 20, apply_dates: bool = True) -> dict[str, Any]:
    """indexer.search.engine.search()'s dict over `backend` (see the module doc). Raises
    BackendUnavailableError (indexer.search.backend) when a server, shard or replica is down."""
    sort = sort if sort in SORTS else "date"  # oldest first: by date here
    parsed = q.parse_query(query)
    given = filters
    period = None
    if apply_dates:
        parsed, period = dateq.apply(parsed)
        if period is not None:
            filters = dataclasses.replace(filters, date_from=max(period.start, filters.date_from or period.start),
                                          date_to=min(period.end, filters.date_to or period.end))
    tree = parsed.tree
    if parsed.nothing:
        tree = q.Term("\x00")  # finds nothing, as the embedded index
    m = backend.evaluate(tree, filters)
    k = page * per_page
    ordered = backend.ranked(tree, m, k, "date" if tree is None else sort) if m.total else []
    shown = ordered[(page - 1) * per_page : k]
    rx = term_regex(_units(tree))
    hits = [record_hit(r, _label(r), rx) for r in backend.records(shown)]
    counts = backend.facet_counts(m)
    issues = counts["bulletin"].most_common(ISSUE_FACET_LIMIT)
    facets = {
        "city": _by_count(counts["city"]),
        "year": [{"value": v, "count": n} for v, n in sorted(counts["year"].items(), reverse=True)],
        "month": [{"value": v, "count": n} for v, n in sorted(counts["month"].items())],
        "issue": [{"value": v, "label": v, "count": n} for v, n in issues],
        "region": region_facet(counts["region"], filters.region),
        "doc_type": [{"value": v, "count": n} for v, n in counts["doc_type"].most_common()],
        "series": _by_count(counts["series"]),
        "issuer": _by_count(counts["organ"]),
        "topic": _by_count(counts["topic"]),
    }
    return {
        "query": query, "total": m.total, "page": page, "pages": max(1, math.ceil(m.total / per_page)),
        "per_page": per_page, "sort": sort, "filters": given.to_dict(), "hits": hits, "facets": facets,
        "terms": [t for t in query.split() if t], "warnings": [*([dateq.notice(period)] if period else []),
                                                              *parsed.warnings],
        "suggestions": [], "corrected": None,
        "date_filters": [{"field": f, "value": v, "term": t} for f, v, t in parsed.dates],
        "stage": "exact", "rewrite": None, "issue_offers": [],
        "date_applied": {"term": period.term, "from": period.start.isoformat(), "to": period.end.isoformat()}
        if period else None,
        "backend": backend.name,
    }
