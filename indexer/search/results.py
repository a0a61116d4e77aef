"""The parts of the result dict: facet counts over all matches, and the page's hits."""

from __future__ import annotations

from typing import Any

import numpy as np

from indexer.store.documents import read_article
from indexer.store.columns import Snapshot
from indexer.search.evaluate import Filters
from indexer.search.keyfacets import KeyFacets, region_facet
from indexer.store.records import Searcher
from indexer.search.snippets import mark, snippet

ISSUE_FACET_LIMIT = 50


def facets(
    snap: Snapshot, docs: np.ndarray, mask: np.ndarray, kf: KeyFacets, f: Filters, unregioned: np.ndarray
) -> dict[str, list[dict[str, Any]]]:
    """Counts by city, year, month, issue (the top ISSUE_FACET_LIMIT), series, 文种,
    发文机关 (organ) and 主题分类 (topic) over the
    matches (`docs`, sorted docnums, and the same as `mask`); the 地区 facet over the mask
    `unregioned` (the matches without its own filter, so that other units can be added: OR)."""
    arr = docs
    city, year, month, series = (dict(snap.counts(n, arr)) for n in ("city", "year", "month", "series"))
    issues = snap.issues
    top_issues = snap.top_issues(arr, ISSUE_FACET_LIMIT)
    return {
        "city": _by_count(city),
        "year": [{"value": v, "count": n} for v, n in sorted(year.items(), reverse=True)],
        "month": [{"value": v, "count": n} for v, n in sorted(month.items())],
        "issue": [
            {"value": v, "label": issues[v]["label"], "count": n} for v, n in top_issues[:ISSUE_FACET_LIMIT]
        ],
        "region": region_facet(kf.counts("region", unregioned), f.region),
        "doc_type": [{"value": v, "count": n} for v, n in kf.counts("doc_type", mask).most_common()],
        "series": _by_count(series),
        "issuer": _by_count(kf.counts("organ", mask)),
        "topic": _by_count(kf.counts("topic", mask)),
    }


def _by_count(counts: dict[str, int]) -> list[dict[str, Any]]:
    """Facet entries, most matches first (ties by value)."""
    return [{"value": v, "count": n} for v, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def hit(s: Searcher, snap: Snapshot, docnum: int, rx: Any) -> dict[str, Any]:
    """One hit of the page: the article (without its text and body), its title and snippet
    marked, its issuer (发文机关 / 编发单位) and a 公文's 发文字号."""
    stored = s.stored_fields(int(docnum))
    return record_hit(stored, snap.issues.get(stored.get("bulletin_id"), {}).get("label", stored.get("series")), rx)


def record_hit(stored: dict[str, Any], label: str | None, rx: Any) -> dict[str, Any]:
    """`hit`'s dict from a stored record and its issue's label (any backend's records)."""
    a = read_article(stored)
    meta = stored.get("meta") or {}
    a["issuer"] = stored.get("issuer")
    a["serial"] = meta.get("serial") if meta.get("kind") == "公文" else None
    text = a.pop("text")
    head = a.pop("head") or ""
    del a["body"]
    a["title_html"] = mark(a["title"], rx)
    a["label"] = label
    a["snippet"] = snippet(text, rx)
    if head and "<mark>" not in a["snippet"] and rx is not None and rx.search(head):
        a["snippet"] = snippet(f"{head}\n{text}", rx)  # matched in the header (文号, 发文机关 …)
    return a
