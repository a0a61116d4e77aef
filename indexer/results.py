"""The parts of the result dict: facet counts over all matches, and the page's hits."""

from __future__ import annotations

from typing import Any

import numpy as np
from whoosh.searching import Searcher

from indexer.documents import read_article
from indexer.columns import Snapshot
from indexer.evaluate import Filters
from indexer.keyfacets import KeyFacets, region_facet
from indexer.snippets import mark, snippet

ISSUE_FACET_LIMIT = 50


def facets(
    snap: Snapshot, docs: np.ndarray, mask: np.ndarray, kf: KeyFacets, f: Filters, unregioned: np.ndarray
) -> dict[str, list[dict[str, Any]]]:
    """Counts by city, year, month and issue (the top ISSUE_FACET_LIMIT) and 文种 over the
    matches (`docs`, sorted docnums, and the same as `mask`); the 地区 facet over the mask
    `unregioned` (the matches without its own filter, so that other units can be added: OR)."""
    arr = docs
    city, year, month = (dict(snap.counts(n, arr)) for n in ("city", "year", "month"))
    issues = snap.issues
    top_issues = snap.top_issues(arr, ISSUE_FACET_LIMIT)
    return {
        "city": [{"value": v, "count": n} for v, n in sorted(city.items(), key=lambda kv: (-kv[1], kv[0]))],
        "year": [{"value": v, "count": n} for v, n in sorted(year.items(), reverse=True)],
        "month": [{"value": v, "count": n} for v, n in sorted(month.items())],
        "issue": [
            {"value": v, "label": issues[v]["label"], "count": n} for v, n in top_issues[:ISSUE_FACET_LIMIT]
        ],
        "region": region_facet(kf.counts("region", unregioned), f.region),
        "doc_type": [{"value": v, "count": n} for v, n in kf.counts("doc_type", mask).most_common()],
    }


def hit(s: Searcher, snap: Snapshot, docnum: int, rx: Any) -> dict[str, Any]:
    """One hit of the page: the article (without its text and body), its title and snippet marked."""
    a = read_article(s.stored_fields(int(docnum)))
    text = a.pop("text")
    del a["body"]
    a["title_html"] = mark(a["title"], rx)
    a["label"] = snap.issues.get(a["bulletin_id"], {}).get("label", a["series"])
    a["snippet"] = snippet(text, rx)
    return a
