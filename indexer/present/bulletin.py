"""One issue for the bulletin page and API: its metadata, one page of its articles, its neighbours.

The cost is bounded by the page, not by the issue: an issue of 200,000 tiny
articles reads the stored fields of `per_page` of them. Articles of one
source file are written one after another in file order, so the issue's
document numbers, sorted, are its articles in order.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from archive.confidence import ocr_summary
from archive.labels import iso_from_yyyymmdd, issue_label
from indexer.search.citegraph import article_links
from indexer.store.documents import source_path
from indexer.search.engine import snapshot
from indexer.store.handles import IndexHandle, names_damage

ARTICLES_PER_PAGE = 50
MAX_ARTICLES_PER_PAGE = 200


def article_page(order: int | None, per_page: int = ARTICLES_PER_PAGE) -> int:
    """The page of an issue on which the article numbered `order` (from 1) stands."""
    if not order or order < 1:
        return 1
    return (order - 1) // per_page + 1


@names_damage
def get_bulletin(
    handle: IndexHandle, bulletin_id: str, page: int = 1, per_page: int = ARTICLES_PER_PAGE,
    allowed_docs: np.ndarray | None = None,
) -> dict[str, Any] | None:
    """One issue with one page of its articles, in order, and its neighbours in the series.

    None when there is no such issue; a page past the last gives no articles
    (`pages` says how many there are). Raises ValueError for page < 1 or a
    per_page outside 1…MAX_ARTICLES_PER_PAGE.
    """
    if page < 1:
        raise ValueError("page must be at least 1")
    if not 1 <= per_page <= MAX_ARTICLES_PER_PAGE:
        raise ValueError(f"per_page must be between 1 and {MAX_ARTICLES_PER_PAGE}")
    s = handle.searcher()
    snap = snapshot(handle)
    info = snap.issues.get(bulletin_id)
    if info is None:
        return None
    docs = snap.live_docs_with("bulletin", bulletin_id)
    if allowed_docs is not None:  # access (issue 21): only the articles the reader may see
        docs = [d for d in docs if allowed_docs[d]]
        if not docs:
            return None
    first = s.stored_fields(docs[0])
    shown = docs[(page - 1) * per_page : page * per_page]
    pairs = sorted(((s.stored_fields(d), d) for d in shown), key=lambda fd: fd[0].get("order") or 0)
    order = snap.series_order.get(info["series"], [])
    if allowed_docs is not None:  # access (issue 21): neighbours among the issues the reader may see
        seen = set(snap.coded["bulletin"][1][c] for c in np.unique(snap.coded["bulletin"][0][allowed_docs]) if c >= 0)
        order = [b for b in order if b in seen]
    i = order.index(bulletin_id) if bulletin_id in order else -1

    def neighbour(j: int) -> dict[str, str] | None:
        if i < 0 or not 0 <= j < len(order):
            return None
        other = snap.issues[order[j]]
        return {"id": other["id"], "label": other["label"]}

    articles = [(f, article_links(handle, d, f.get("text") or "", allowed_docs)) for f, d in pairs]
    return _bulletin_dict(bulletin_id, info, first, len(docs), page, per_page, articles,
                          neighbour(i - 1), neighbour(i + 1))


def _bulletin_dict(bulletin_id: str, info: dict[str, Any], first: dict[str, Any], count: int, page: int,
                   per_page: int, articles: list[tuple[dict[str, Any], dict[str, Any]]],
                   prev: dict[str, str] | None, next_: dict[str, str] | None) -> dict[str, Any]:
    """The bulletin dict (see get_bulletin) from the issue's `info` (series, issue, year, date,
    label), its first visible article's record, the page's (record, links) pairs in order."""
    meta = first.get("meta") or {}
    return {
        "id": bulletin_id,
        "series": info["series"],
        "issue": info["issue"],
        "issue_total": meta.get("issue_total"),
        "year": info["year"],
        "date": iso_from_yyyymmdd(info["date"]),
        "issuer": meta.get("issuer"),
        "serial": meta.get("serial"),
        "copies": meta.get("copies"),
        "recipients": meta.get("recipients", []),
        "format": meta.get("format"),
        "kind": meta.get("kind") or "简报",
        "doc_type": meta.get("doc_type"),
        "ocr": ocr_summary(meta.get("ocr") or ()),  # None unless the text came from OCR
        "warnings": meta.get("warnings", []),
        "label": info["label"],
        "path": source_path(first),
        "article_count": count,
        "page": page,
        "pages": max(1, math.ceil(count / per_page)),
        "per_page": per_page,
        "articles": [
            {
                "article_id": f.get("article_id"),
                "order": f.get("order"),
                "place": f.get("place"),
                "city": f.get("city"),
                "section": f.get("section"),
                "title": f.get("title"),
                "body": f.get("body"),
                "text": f.get("text"),
                # [citations] cites, cited_by, status (效力), status_by: as the reader may see them
                **links,
            }
            for f, links in articles
        ],
        "prev": prev,
        "next": next_,
    }


NO_LINKS = {"cites": [], "cited_by": [], "status": None, "status_by": []}


def backend_bulletin(
    backend: Any, bulletin_id: str, page: int = 1, per_page: int = ARTICLES_PER_PAGE, index: Any = None,
    allowed_docs: np.ndarray | None = None,
) -> dict[str, Any] | None:
    """get_bulletin's dict read from a search backend (indexer.search.mariadb_backend, restricted to
    the reader: the articles and neighbouring issues they may see); the citation links are the
    archive's own graph, of the embedded `index` beside it (with the reader's mask), when given."""
    if page < 1:
        raise ValueError("page must be at least 1")
    if not 1 <= per_page <= MAX_ARTICLES_PER_PAGE:
        raise ValueError(f"per_page must be between 1 and {MAX_ARTICLES_PER_PAGE}")
    ids = backend.issue_articles(bulletin_id)
    if not ids:
        return None
    first = backend.records(ids[:1])[0]
    shown = backend.records(ids[(page - 1) * per_page : page * per_page])
    info = {"series": first.get("series"), "issue": first.get("issue") or None, "year": first.get("year"),
            "date": first.get("date") or 0}
    info["label"] = issue_label(info["series"], info["year"], info["issue"], info["date"] or None)
    order = backend.series_issues(first.get("series")) if first.get("series") else []
    i = order.index(bulletin_id) if bulletin_id in order else -1
    labels = backend.issue_labels([order[j] for j in (i - 1, i + 1) if i >= 0 and 0 <= j < len(order)])

    def neighbour(j: int) -> dict[str, str] | None:
        if i < 0 or not 0 <= j < len(order):
            return None
        return {"id": order[j], "label": labels.get(order[j], order[j])}

    s = index.searcher() if index is not None else None

    def links(f: dict[str, Any]) -> dict[str, Any]:
        d = s.document_number(article_id=f.get("article_id")) if s is not None else None
        return NO_LINKS if d is None else article_links(index, d, f.get("text") or "", allowed_docs)

    return _bulletin_dict(bulletin_id, info, first, len(ids), page, per_page, [(f, links(f)) for f in shown],
                          neighbour(i - 1), neighbour(i + 1))
