"""What one reader may see, as a decision per rule level, independent of any backend (issue 21, 23).

The access rules (webui.access_store) decide at three levels: a document's own rule, else its
issue's, else its series' (its rule, else the series default; open when unset). `Visibility`
is those decisions for one reader, already taken, so that each backend applies the same
rules its own way: the embedded index as a numpy mask over its document numbers (`mask`),
MariaDB as a predicate in the SQL of every query (indexer.search.mariadb_backend), so that
counts, facets and suggestions never include what the reader may not see.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Visibility:
    """One reader's decisions: the series that are closed to them (a series not named is
    open, as is an article with no series), and the issues and documents whose own rule
    overrides that (True: may see)."""

    closed_series: frozenset[str]
    issues: tuple[tuple[str, bool], ...] = ()  # (bulletin id, may see)
    documents: tuple[tuple[str, bool], ...] = ()  # (article id, may see)
    key: str = ""  # names these decisions (rules version and reader), for caches

    def mask(self, searcher: Any, snap: Any) -> np.ndarray:
        """The live documents of the embedded index (its Snapshot) the reader may see."""
        from indexer.store import records

        series_codes, series_values = snap.coded["series"]
        series_ok = np.ones(len(series_values) + 1, dtype=bool)  # index -1 (no series): open
        for i, name in enumerate(series_values):
            series_ok[i] = name not in self.closed_series
        mask = series_ok[series_codes]
        if self.issues:
            bulletin_codes, bulletin_values = snap.coded["bulletin"]
            index = snap.index("bulletin")
            lut_decided = np.zeros(len(bulletin_values) + 1, dtype=bool)
            lut_ok = np.zeros(len(bulletin_values) + 1, dtype=bool)
            for bid, ok in self.issues:
                code = index.get(bid)
                if code is not None:
                    lut_decided[code] = True
                    lut_ok[code] = ok
            mask = np.where(lut_decided[bulletin_codes], lut_ok[bulletin_codes], mask)
        for aid, ok in self.documents:
            docs = np.fromiter(records.docs(searcher, records.term("article_id", aid)), dtype=np.int64)
            mask[docs[docs < snap.n]] = ok
        return mask & snap.live

    def sql(self) -> tuple[str, list[Any]]:
        """The same decisions as a MariaDB boolean expression over `articles` (article_id,
        bulletin_id, series) and its parameters: document rule, else issue rule, else series."""
        params: list[Any] = []
        whens = []
        for rules, column in ((self.documents, "article_id"), (self.issues, "bulletin_id")):
            for ok in (True, False):
                ids = [t for t, k in rules if k is ok]
                if ids:
                    whens.append(f"WHEN {column} IN ({', '.join(['%s'] * len(ids))}) THEN {'TRUE' if ok else 'FALSE'}")
                    params += ids
        closed = sorted(self.closed_series)
        series = "TRUE" if not closed else \
            f"(series IS NULL OR series NOT IN ({', '.join(['%s'] * len(closed))}))"
        params += closed
        if not whens:
            return series, params
        return f"(CASE {' '.join(whens)} ELSE {series} END)", params
