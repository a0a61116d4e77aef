"""Per-document values held in memory per index version: filters and facet counts
without scoring, and the list of issues for prev/next navigation.

Built once from Whoosh's columns when a new index version is first searched,
then shared by all threads (IndexHandle.shared).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from whoosh.searching import Searcher

from archive.labels import issue_label


@dataclass
class Snapshot:
    """Column values by global document number, for one index version."""

    live: frozenset[int]
    city: list[Any]
    year: list[Any]
    month: list[Any]
    bulletin: list[Any]
    series: list[Any]
    date: list[int]  # yyyymmdd, 0 when unknown
    by_value: dict[str, dict[Any, set[int]]] = field(default_factory=dict)
    newest: list[int] = field(default_factory=list)  # live docs, newest first (ties: docnum)
    rank: list[int] = field(default_factory=list)  # docnum -> position in `newest`
    issues: dict[str, dict[str, Any]] = field(default_factory=dict)  # bulletin id -> info
    series_order: dict[str, list[str]] = field(default_factory=dict)  # series -> ids by date
    # facet columns as numbers, for counting: name -> (code by docnum, -1 for none; value by code)
    coded: dict[str, tuple[np.ndarray, list[Any]]] = field(default_factory=dict)
    issue_dates: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # by bulletin code

    def _bincount(self, name: str, docs: np.ndarray) -> np.ndarray:
        code, values = self.coded[name]
        c = code[docs]
        return np.bincount(c[c >= 0], minlength=len(values))

    def counts(self, name: str, docs: np.ndarray) -> list[tuple[Any, int]]:
        """(value, documents) of facet `name` over `docs` (global docnums), values with none left out."""
        values = self.coded[name][1]
        n = self._bincount(name, docs)
        return [(values[i], int(n[i])) for i in np.flatnonzero(n)]

    def top_issues(self, docs: np.ndarray, k: int) -> list[tuple[str, int]]:
        """The `k` issues holding most of `docs`, ties to the newer issue."""
        values = self.coded["bulletin"][1]
        n = self._bincount("bulletin", docs)
        nz = np.flatnonzero(n)
        best = nz[np.lexsort((-self.issue_dates[nz], -n[nz]))[:k]]
        return [(values[i], int(n[i])) for i in best]

    def docs_with(self, name: str, values: tuple[Any, ...]) -> set[int]:
        index = self.by_value[name]
        out: set[int] = set()
        for v in values:
            out |= index.get(v, set())
        return out


def _column(searcher: Searcher, name: str) -> list[Any]:
    """The column's value for every document (None where a segment has no such column:
    Whoosh writes a column only for segments in which some document has a value)."""
    out: list[Any] = []
    for sub, _offset in searcher.leaf_searchers():
        r = sub.reader()
        n = r.doc_count_all()
        vals = list(r.column_reader(name)) if r.has_column(name) else []
        if len(vals) != n:
            vals = (vals + [None] * n)[:n]
        out.extend(vals)
    return out


def build_snapshot(searcher: Searcher) -> Snapshot:
    """Read the facet columns of every live document."""
    r = searcher.reader()
    n = r.doc_count_all()
    live = frozenset(r.all_doc_ids())
    cols = {name: _column(searcher, name) for name in ("city", "year", "month", "bulletin_id", "series", "date", "issue")}
    # A document without a value reads as the column's default (0 or 2**32-1).
    date = [d if d and 10000101 <= d <= 99991231 else 0 for d in cols["date"]]
    year = [y if y and 1000 <= y <= 9999 else None for y in cols["year"]]
    cols["issue"] = [i if i and 0 < i < 100_000 else None for i in cols["issue"]]
    snap = Snapshot(
        live=live,
        city=[c or None for c in cols["city"]],
        year=year,
        month=[m or None for m in cols["month"]],
        bulletin=cols["bulletin_id"],
        series=cols["series"],
        date=date,
    )
    snap.newest = sorted(live, key=lambda d: (-date[d], d))
    snap.rank = [len(snap.newest)] * n
    for i, d in enumerate(snap.newest):
        snap.rank[d] = i
    for name, arr in (("city", snap.city), ("year", snap.year), ("month", snap.month), ("bulletin", snap.bulletin), ("series", snap.series)):
        index: dict[Any, set[int]] = defaultdict(set)
        for d in live:
            v = arr[d]
            if v is not None:
                index[v].add(d)
        snap.by_value[name] = dict(index)
    for name, arr in (("city", snap.city), ("year", snap.year), ("month", snap.month), ("bulletin", snap.bulletin)):
        values = sorted(snap.by_value[name], key=str)
        index_of = {v: i for i, v in enumerate(values)}
        code = np.full(n, -1, dtype=np.int32)
        for v, docs in snap.by_value[name].items():
            code[np.fromiter(docs, dtype=np.int64, count=len(docs))] = index_of[v]
        snap.coded[name] = (code, values)
    order: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for d in live:
        bid = snap.bulletin[d]
        if bid in snap.issues:
            continue
        ser, iss = snap.series[d], cols["issue"][d]
        snap.issues[bid] = {
            "id": bid,
            "series": ser,
            "year": year[d],
            "issue": iss,
            "date": date[d],
            "label": issue_label(ser, year[d], iss, date[d] or None),
        }
        order[ser].append((date[d] or (year[d] or 0) * 10000, iss or 0, bid))
    snap.series_order = {s: [b for *_k, b in sorted(v)] for s, v in order.items()}
    snap.issue_dates = np.array([snap.issues[b]["date"] or 0 for b in snap.coded["bulletin"][1]], dtype=np.int64)
    return snap
