"""A parsed query and filters → the exact set of matching documents, without scoring.

Each text term is an exact substring search in the substring net (its units,
in the title, the text or both); keyword and number terms and the filters
come from Whoosh's small fields and the in-memory columns (indexer.store.columns).
AND/OR/NOT combine document sets: boolean numpy masks over the global
docnums of the index version (indexer.store.columns). The positive text terms are
kept with their matches, for ranking (indexer.search.rank) and marking (indexer.search.snippets).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from archive.labels import to_yyyymmdd
from indexer.search import compiler
from indexer.store import records
from indexer.search import query as q
from indexer.store.analysis import units_string
from indexer.store.columns import Snapshot
from indexer.search.keyfacets import KeyFacets
from indexer.store.records import Searcher
from indexer.store.substring import Found, Net

DocSet = np.ndarray  # bool per global docnum


@dataclass(frozen=True)
class Filters:
    """Facet filters: OR within one facet, AND across facets."""

    city: tuple[str, ...] = ()
    year: tuple[int, ...] = ()
    month: tuple[str, ...] = ()  # "2022-04"
    bulletin: tuple[str, ...] = ()  # bulletin ids (the issue facet)
    issue: int | None = None  # issue number within its year
    place: str | None = None
    series: tuple[str, ...] = ()  # 简报 series (a facet: several are OR)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    region: tuple[str, ...] = ()  # unit paths of the 地区 facet: "江苏省/南京市"
    doc_type: tuple[str, ...] = ()  # 文种
    issuer: tuple[str, ...] = ()  # 发文机关 / 编发单位 (the keyword field `organ`)
    topic: tuple[str, ...] = ()  # 主题分类
    status: tuple[str, ...] = ()  # 效力 (indexer.search.citegraph: applied by indexer.search.engine, per reader)

    def to_dict(self) -> dict[str, Any]:
        return {
            "city": list(self.city),
            "year": list(self.year),
            "month": list(self.month),
            "bulletin": list(self.bulletin),
            "issue": self.issue,
            "place": self.place,
            "series": list(self.series),
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "region": list(self.region),
            "doc_type": list(self.doc_type),
            "issuer": list(self.issuer),
            "topic": list(self.topic),
            "status": list(self.status),
        }


def filter_set(s: Searcher, snap: Snapshot, f: Filters, kf: KeyFacets) -> DocSet:
    """The live documents that pass the filters (a mask)."""
    docs: DocSet = snap.live
    for name, values in (("region", f.region), ("doc_type", f.doc_type), ("organ", f.issuer), ("topic", f.topic)):
        if values:
            docs = docs & kf.docs_with(name, values)
    for name, values in (("city", f.city), ("year", f.year), ("month", f.month), ("bulletin", f.bulletin),
                         ("series", f.series)):
        if values:
            docs = docs & snap.docs_with(name, values)
    if f.issue is not None:
        docs = docs & (snap.issue == f.issue)
    if f.place:
        docs = docs & _mask(snap.n, records.docs(s, records.term("place", f.place)))
    if f.date_from or f.date_to:
        lo = to_yyyymmdd(f.date_from) or 0
        hi = to_yyyymmdd(f.date_to) or 99999999
        date = snap.date
        docs = docs & (date != 0) & (date >= lo) & (date <= hi)
    return docs


def _mask(n: int, docs: Any) -> DocSet:
    m = np.zeros(n, dtype=bool)
    ids = np.fromiter(docs, dtype=np.int64)
    m[ids[ids < n]] = True
    return m


@dataclass
class TextMatch:
    """A positive text term: its unit string, where it was looked for, what it found."""

    units: str
    texts: tuple[str, ...]
    found: Found


@dataclass
class Evaluator:
    """Turns the parsed tree into the exact set of matching documents."""

    s: Searcher
    live: DocSet
    net: Net
    matches: list[TextMatch] = field(default_factory=list)  # positive text terms, in query order
    highlight: list[tuple[str, ...]] = field(default_factory=list)  # their units, for marking
    terms: list[str] = field(default_factory=list)  # their text as typed
    by_term: dict[q.Term, TextMatch] = field(default_factory=dict)  # the same, by term node
    tree: q.Node | None = None  # the last tree evaluated (for ranking)
    issues: list[tuple[int, int | None]] = field(default_factory=list)  # issues named by positive terms

    def evaluate(self, tree: q.Node) -> DocSet:
        """The documents matching the whole query `tree` (remembered for ranking)."""
        self.tree = tree
        return self.docs(tree)

    def docs(self, node: q.Node, positive: bool = True) -> DocSet:
        if isinstance(node, q.Term):
            return self._term(node, positive)
        if isinstance(node, q.Not):
            return self.live & ~self.docs(node.child, not positive)
        if isinstance(node, q.Or):
            out = np.zeros(len(self.live), dtype=bool)
            for child in node.children:
                out |= self.docs(child, positive)
            return out
        pos = [c for c in node.children if not isinstance(c, q.Not)]
        neg = [c.child for c in node.children if isinstance(c, q.Not)]
        # a number's boundaries are checked in each article's text (number_bounded): last, and
        # only in the articles the other terms leave (十五 of 关于十五水网的情况 read 900 texts)
        pos.sort(key=_has_number)
        result: DocSet | None = None
        for child in pos:
            self._within = result
            d = self.docs(child, positive)
            self._within = None
            result = d if result is None else result & d
            if not result.any():
                break
        if result is None:
            result = self.live
        for child in neg:
            if not result.any():
                break
            result = result & ~self.docs(child, not positive)
        return result

    def _text(self, docnum: int) -> str:
        f = self.s.stored_fields(docnum)
        # staff: a 公文's header (indexer.store.documents.header_text) is searched with its text
        return f"{f.get('title', '')}\n{f.get('head') or ''}\n{f.get('text', '')}"

    def _term(self, node: q.Term, positive: bool) -> DocSet:
        c = compiler.compile_term(node)
        n = len(self.live)
        out = np.zeros(n, dtype=bool)
        if c.units:
            us = units_string(c.units)
            found = self.net.find(us)
            docs = found.docs_in(c.fields)
            if c.bounded is not None:  # 15万: not inside 9.15万 or 1115万
                within = getattr(self, "_within", None)  # (in an AND: the articles the other terms left)
                if within is not None and isinstance(node, q.Term):
                    docs = docs[within[docs]]
                docs = np.array([d for d in docs.tolist() if compiler.number_bounded(c, self._text(d))], dtype=np.int64)
            out[docs] = True
            out &= self.live
            if positive:
                self.matches.append(TextMatch(us, c.fields, found))
                self.by_term[node] = self.matches[-1]
                self.highlight.append(c.units)
                self.terms.append(node.text)
        if c.match is not None:
            out |= _mask(n, records.docs(self.s, c.match))
        if positive and c.issue is not None:
            self.issues.append(c.issue)
        return out


def _has_number(node: q.Node) -> bool:
    """Whether a positive term of `node` is a number (十五 OR 15): checked in the texts."""
    if isinstance(node, q.Term):
        return q.number_pattern(node.text) is not None
    if isinstance(node, q.Not):
        return False
    return any(_has_number(c) for c in node.children)
