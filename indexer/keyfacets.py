"""Facets over multi-valued keyword fields: 地区 (region, hierarchical) and 文种 (doc_type).

Read once per index version from the fields' postings (every value's documents),
then inverted to each document's values, so that counting a result set is one
pass over its documents. Shared by all threads through IndexHandle.shared.

Region values are paths, every level indexed: 江苏省, 江苏省/南京市,
江苏省/南京市/鼓楼区. The facet shows provinces, and under a selected province
(or city) its cities (or counties), each counting articles by mention.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from whoosh.searching import Searcher

FIELDS = ("region", "doc_type")
REGION_FACET_LIMIT = 40  # values shown per level


@dataclass
class KeyFacets:
    """For each field: value → its documents, and document → its values."""

    docs: dict[str, dict[str, frozenset[int]]]
    values: dict[str, dict[int, tuple[str, ...]]]
    live: frozenset[int] = frozenset()
    totals: dict[str, Counter[str]] = field(default_factory=dict)  # counts over the whole index

    def docs_with(self, name: str, values: Iterable[str]) -> set[int]:
        index = self.docs.get(name, {})
        out: set[int] = set()
        for v in values:
            out |= index.get(v, frozenset())
        return out

    def counts(self, name: str, docs: Collection[int]) -> Counter[str]:
        """How many of `docs` hold each value (a large set: the whole index less the rest)."""
        per_doc = self.values.get(name, {})
        if len(docs) * 2 > len(self.live) and name in self.totals:
            c = self.totals[name].copy()
            rest = Counter(v for d in self.live if d not in docs for v in per_doc.get(d, ()))
            c.subtract(rest)
            return +c
        c = Counter()
        for d in docs:
            vs = per_doc.get(d)
            if vs:
                c.update(vs)
        return c


def build_keyfacets(searcher: Searcher) -> KeyFacets:
    """Read the postings of FIELDS from every segment."""
    docs: dict[str, dict[str, frozenset[int]]] = {}
    values: dict[str, dict[int, tuple[str, ...]]] = {}
    live = set(searcher.reader().all_doc_ids())
    for name in FIELDS:
        by_value: dict[str, set[int]] = {}
        for sub, offset in searcher.leaf_searchers():
            r = sub.reader()
            if name not in r.schema:
                continue
            for tbytes in r.lexicon(name):
                term = tbytes.decode("utf-8") if isinstance(tbytes, bytes) else tbytes
                ids = r.postings(name, tbytes).all_ids()
                by_value.setdefault(term, set()).update(d + offset for d in ids if d + offset in live)
        docs[name] = {v: frozenset(ds) for v, ds in by_value.items() if ds}
        per_doc: dict[int, list[str]] = {}
        for v, ds in sorted(docs[name].items()):
            for d in ds:
                per_doc.setdefault(d, []).append(v)
        values[name] = {d: tuple(vs) for d, vs in per_doc.items()}
    totals = {name: Counter({v: len(ds) for v, ds in docs[name].items()}) for name in FIELDS}
    return KeyFacets(docs, values, frozenset(live), totals)


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
