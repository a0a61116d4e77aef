"""Search the archive: a query string and filters → one JSON-ready dict.

The result set is exact and computed without scoring (indexer.evaluate:
substring net, filters from in-memory columns); facet counts are taken over
that whole set (indexer.results). Only the order is scored (indexer.rank:
every hit by relevance, or by date). Snippets are made for the page shown
and nothing else.
"""

from __future__ import annotations

import functools
import math
import struct
import zlib
from collections.abc import Callable
from typing import Any, TypeVar

from whoosh.reading import CorruptIndexError

from indexer import query as q
from indexer.evaluate import Evaluator, Filters, filter_set
from indexer.columns import Snapshot, build_snapshot
from indexer.rank import by_date, by_relevance
from indexer.documents import iso, read_article, source_path
from indexer.results import facets, hit
from indexer.snippets import term_regex
from indexer.store import IndexCorruptError, IndexHandle
from indexer.substring import Net
from indexer.sufarray import NetFormatError

__all__ = ["Filters", "IndexCorruptError", "search", "get_bulletin", "SORTS"]

SORTS = ("relevance", "date")
MAX_PER_PAGE = 100
MAX_PAGE = 10_000


# What reading a damaged index file raises, inside Whoosh or the net.
DAMAGE = (CorruptIndexError, NetFormatError, EOFError, struct.error, zlib.error, OSError)
F = TypeVar("F", bound=Callable[..., Any])


def _damage_is_named(fn: F) -> F:
    """Report a damaged index file as IndexCorruptError (the edges translate it)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except DAMAGE as ex:
            raise IndexCorruptError(
                f"the index is damaged ({type(ex).__name__}: {ex}); "
                "run `bulletins index --rebuild` to rebuild it from the corpus"
            ) from ex

    return wrapper  # type: ignore[return-value]


def snapshot(handle: IndexHandle) -> Snapshot:
    return handle.shared("facets", build_snapshot)  # type: ignore[return-value]


def substring_net(handle: IndexHandle) -> Net:
    return handle.shared("net", Net)  # type: ignore[return-value]


@_damage_is_named
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


@_damage_is_named
def get_bulletin(handle: IndexHandle, bulletin_id: str) -> dict[str, Any] | None:
    """One issue with all its articles, in order, and its neighbours in the series."""
    s = handle.searcher()
    snap = snapshot(handle)
    info = snap.issues.get(bulletin_id)
    if info is None:
        return None
    docs = sorted(snap.docs_with("bulletin", (bulletin_id,)))
    stored = sorted((s.stored_fields(d) for d in docs), key=lambda f: f.get("order") or 0)
    first = stored[0]
    meta = first.get("meta") or {}
    relpath = source_path(first)
    order = snap.series_order.get(info["series"], [])
    i = order.index(bulletin_id) if bulletin_id in order else -1

    def neighbour(j: int) -> dict[str, str] | None:
        if i < 0 or not 0 <= j < len(order):
            return None
        other = snap.issues[order[j]]
        return {"id": other["id"], "label": other["label"]}

    return {
        "id": bulletin_id,
        "series": info["series"],
        "issue": info["issue"],
        "issue_total": meta.get("issue_total"),
        "year": info["year"],
        "date": iso(info["date"]),
        "issuer": meta.get("issuer"),
        "serial": meta.get("serial"),
        "copies": meta.get("copies"),
        "recipients": meta.get("recipients", []),
        "format": meta.get("format"),
        "label": info["label"],
        "path": relpath,
        "articles": [
            {k: a[k] for k in ("article_id", "order", "place", "city", "section", "title", "body", "text")}
            for a in map(read_article, stored)
        ],
        "prev": neighbour(i - 1),
        "next": neighbour(i + 1),
    }
