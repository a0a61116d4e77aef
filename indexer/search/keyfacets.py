"""Facets over multi-valued keyword fields: 地区 (region, hierarchical), 文种 (doc_type),
发文机关 / 编发单位 (organ) and 主题分类 (topic).

Made once per index version from each segment's facet columns (indexer.store.segcols):
one (document, value) pair per value a document holds, as numpy arrays, so that
counting a result set is a mask look-up and a bincount. Shared by all threads
through IndexHandle.shared.

Region values are paths, every level indexed: 江苏省, 江苏省/南京市,
江苏省/南京市/鼓楼区. The facet shows provinces, and under a selected province
(or city) its cities (or counties), each counting articles by mention.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from indexer.store.columns import merge_values, segments
from indexer.store.records import Searcher

FIELDS = ("region", "doc_type", "organ", "topic")
REGION_FACET_LIMIT = 40  # values shown per level


@dataclass
class KeyFacets:
    """For each field: one (live document, value code) pair per value a document holds."""

    n: int
    pairs: dict[str, tuple[np.ndarray, np.ndarray, list[str]]]  # name -> (doc, code, values)

    def docs_with(self, name: str, values: Iterable[str]) -> np.ndarray:
        """The mask of documents holding any of `values`."""
        doc, code, vals = self.pairs[name]
        chosen = set(values)
        wanted = [i for i, v in enumerate(vals) if v in chosen]
        out = np.zeros(self.n, dtype=bool)
        if wanted:
            out[doc[np.isin(code, wanted)]] = True
        return out

    def counts(self, name: str, docs: np.ndarray) -> Counter[str]:
        """How many of `docs` (a mask) hold each value."""
        doc, code, vals = self.pairs[name]
        n = np.bincount(code[docs[doc]], minlength=len(vals))
        return Counter({vals[i]: int(n[i]) for i in np.flatnonzero(n)})


def build_keyfacets(searcher: Searcher) -> KeyFacets:
    """The pairs of FIELDS over every segment (indexer.store.segcols), deleted documents left out."""
    parts = segments(searcher)
    n = searcher.reader().doc_count_all()
    pairs: dict[str, tuple[np.ndarray, np.ndarray, list[str]]] = {}
    for name in FIELDS:
        values, luts = merge_values([c.keys[name][2] for c, _o, _l in parts])
        docs, codes = [], []
        for lut, (c, offset, live) in zip(luts, parts):
            d, k, _v = c.keys[name]
            keep = live[d]
            docs.append(d[keep].astype(np.int64) + offset)
            codes.append(lut[k[keep]])
        empty = np.zeros(0, dtype=np.int64)
        pairs[name] = (np.concatenate(docs) if docs else empty, np.concatenate(codes) if codes else empty, values)
    return KeyFacets(n, pairs)


def region_label(path: str) -> str:
    """The unit's own name: 江苏省/南京市/鼓楼区 → 鼓楼区."""
    return path.rsplit("/", 1)[-1]


def region_facet(counts: Counter[str], selected: Iterable[str] = ()) -> list[dict[str, Any]]:
    """The 地区 facet: provinces, and the children of every selected unit (and of its
    ancestors), most mentioned first; each item has value, label, count, depth and parent."""
    selected = set(selected)
    open_paths = {"/".join(p.split("/")[: i + 1]) for p in selected for i in range(p.count("/") + 1)}
    by_parent: dict[str, list[tuple[str, int]]] = {}
    for path, n in counts.items():
        parent = path.rsplit("/", 1)[0] if "/" in path else ""
        if parent and parent not in open_paths:
            continue  # under a unit nobody opened: not shown
        by_parent.setdefault(parent, []).append((path, n))
    out: list[dict[str, Any]] = []

    def emit(parent: str, depth: int) -> None:
        items = sorted(by_parent.get(parent, []), key=lambda kv: (-kv[1], kv[0]))
        shown = items[:REGION_FACET_LIMIT]
        shown += [kv for kv in items[REGION_FACET_LIMIT:] if kv[0] in selected]
        for path, n in shown:
            out.append({"value": path, "label": region_label(path), "count": n, "depth": depth,
                        "parent": parent or None})
            if path in open_paths:
                emit(path, depth + 1)

    emit("", 0)
    return out
