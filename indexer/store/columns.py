"""Per-document values of one index version, as numpy arrays: filters and facet counts
without scoring, the date order, and the list of issues for prev/next navigation.

Made when a new index version is first searched from each segment's facet
columns (indexer.store.segcols: memory-mapped files written with the segment), by
numpy concatenation and re-coding, then shared by all threads
(IndexHandle.shared). Document sets are boolean masks over global docnums
(`n` of them, deleted documents False in `live`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from whoosh.searching import Searcher

from archive.labels import issue_label
from indexer.store import segfiles
from indexer.store.segcols import SegmentColumns, segment_columns

FACETS = ("city", "year", "month", "bulletin", "series")


def segments(searcher: Searcher) -> list[tuple[SegmentColumns, int, np.ndarray]]:
    """(columns, docnum offset, live mask) of each segment of `searcher`."""
    out = []
    leaves = searcher.leaf_searchers()
    for (stem, offset, n), (sub, _o) in zip(segfiles.segments(searcher), leaves):
        r = sub.reader()
        live = np.ones(n, dtype=bool)
        if r.has_deletions():
            dead = np.fromiter(r.deleted_docs_set, dtype=np.int64)
            live[dead[dead < n]] = False
        out.append((segment_columns(stem, r), offset, live))
    return out


def merge_values(parts: list[list[Any]]) -> tuple[list[Any], list[np.ndarray]]:
    """The sorted union of several segments' value lists, and each segment's map from its
    codes to the union's (with a trailing -1, so that code -1 maps to -1)."""
    values = sorted({v for p in parts for v in p}, key=str)
    index = {v: i for i, v in enumerate(values)}
    luts = [np.array([index[v] for v in p] + [-1], dtype=np.int32) for p in parts]
    return values, luts


class _Issues(Mapping[str, dict[str, Any]]):
    """Bulletin id → {id, series, year, issue, date, label}, for issues with a live document
    (made on first look-up of each)."""

    def __init__(self, snap: "Snapshot") -> None:
        self.snap = snap
        self._made: dict[str, dict[str, Any]] = {}

    def __getitem__(self, bid: str) -> dict[str, Any]:
        got = self._made.get(bid)
        if got is not None:
            return got
        snap = self.snap
        code = snap.index("bulletin").get(bid)
        d = -1 if code is None else int(snap.first_doc[code])
        if d < 0:
            raise KeyError(bid)
        ser = snap.value("series", d)
        year = snap.value("year", d)
        iss = int(snap.issue[d]) or None
        date = int(snap.date[d])
        info = {"id": bid, "series": ser, "year": year, "issue": iss, "date": date,
                "label": issue_label(ser, year, iss, date or None)}
        self._made[bid] = info
        return info

    def __iter__(self) -> Iterator[str]:
        values = self.snap.coded["bulletin"][1]
        return (values[c] for c in np.flatnonzero(self.snap.first_doc >= 0))

    def __len__(self) -> int:
        return int(np.count_nonzero(self.snap.first_doc >= 0))


@dataclass
class Snapshot:
    """Column values by global document number, for one index version."""

    n: int
    live: np.ndarray  # bool per docnum
    # facet columns as numbers: name -> (int32 code by docnum, -1 for none; value by code)
    coded: dict[str, tuple[np.ndarray, list[Any]]]
    date: np.ndarray  # int32 yyyymmdd, 0 when unknown
    issue: np.ndarray  # int32 issue number, 0 when unknown
    newest: np.ndarray = field(init=False)  # live docs, newest first (ties: docnum)
    rank: np.ndarray = field(init=False)  # docnum -> position in `newest` (n for deleted)
    first_doc: np.ndarray = field(init=False)  # by bulletin code: its first live docnum, -1 for none
    issue_dates: np.ndarray = field(init=False)  # by bulletin code: its date (0 when unknown)

    def __post_init__(self) -> None:
        docs = np.flatnonzero(self.live)
        self.newest = docs[np.lexsort((docs, -self.date[docs].astype(np.int64)))]
        self.rank = np.full(self.n, len(self.newest), dtype=np.int64)
        self.rank[self.newest] = np.arange(len(self.newest))
        code = self.coded["bulletin"][0][docs]
        has = code >= 0
        uniq, first = np.unique(code[has], return_index=True)
        self.first_doc = np.full(len(self.coded["bulletin"][1]), -1, dtype=np.int64)
        self.first_doc[uniq] = docs[has][first]
        self.issue_dates = np.where(self.first_doc >= 0, self.date[np.maximum(self.first_doc, 0)], 0).astype(np.int64)
        self._indexes: dict[str, dict[Any, int]] = {}

    def index(self, name: str) -> dict[Any, int]:
        """Value → code of facet `name` (made on first use)."""
        got = self._indexes.get(name)
        if got is None:
            got = self._indexes[name] = {v: i for i, v in enumerate(self.coded[name][1])}
        return got

    def value(self, name: str, docnum: int) -> Any:
        """Facet `name`'s value of one document (None for none)."""
        code, values = self.coded[name]
        c = int(code[docnum])
        return values[c] if c >= 0 else None

    def live_docs(self) -> np.ndarray:
        return np.flatnonzero(self.live)

    def mask(self, docs: np.ndarray) -> np.ndarray:
        """The boolean mask of docnum array `docs`."""
        m = np.zeros(self.n, dtype=bool)
        m[docs] = True
        return m

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

    def docs_with(self, name: str, values: tuple[Any, ...]) -> np.ndarray:
        """The mask of live documents whose facet `name` is one of `values`."""
        index = self.index(name)
        codes = [index[v] for v in values if v in index]
        if not codes:
            return np.zeros(self.n, dtype=bool)
        return np.isin(self.coded[name][0], codes) & self.live

    def live_docs_with(self, name: str, value: Any) -> list[int]:
        """The live docnums whose facet `name` is `value`, ascending."""
        return np.flatnonzero(self.docs_with(name, (value,))).tolist()

    @cached_property
    def issues(self) -> _Issues:
        return _Issues(self)

    @cached_property
    def series_order(self) -> dict[str, list[str]]:
        """Series → its issue ids by date (or year), issue number and id."""
        order: dict[str, list[tuple[int, int, str]]] = {}
        for bid in self.issues:
            info = self.issues[bid]
            order.setdefault(info["series"], []).append(
                (info["date"] or (info["year"] or 0) * 10000, info["issue"] or 0, bid))
        return {s: [b for *_k, b in sorted(v)] for s, v in order.items()}


def build_snapshot(searcher: Searcher) -> Snapshot:
    """The columns of every segment of `searcher`, as one Snapshot."""
    parts = segments(searcher)
    n = searcher.reader().doc_count_all()
    live = np.concatenate([lv for _c, _o, lv in parts]) if parts else np.zeros(0, dtype=bool)
    coded: dict[str, tuple[np.ndarray, list[Any]]] = {}
    for name in FACETS:
        values, luts = merge_values([c.coded[name][1] for c, _o, _l in parts])
        codes = [lut[c.coded[name][0]] for lut, (c, _o, _l) in zip(luts, parts)]
        coded[name] = (np.concatenate(codes) if codes else np.zeros(0, dtype=np.int32), values)
    numbers = {
        name: (np.concatenate([c.numbers[name] for c, _o, _l in parts]) if parts else np.zeros(0, dtype=np.int32))
        for name in ("date", "issue")
    }
    assert len(live) == n, (len(live), n)
    return Snapshot(n, live, coded, numbers["date"], numbers["issue"])
