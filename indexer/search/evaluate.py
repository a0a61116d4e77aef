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
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from archive.labels import to_yyyymmdd
from indexer.search import budget, compiler, memo
from indexer.store import records
from indexer.search import query as q
from indexer.store.analysis import units_string
from indexer.store.columns import Snapshot
from indexer.search.keyfacets import KeyFacets
from indexer.store.records import Searcher
from indexer.store.schema import TEXTS
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
        budget.check()  # (indexer.search.budget: a pasted page stops here, not minutes later)
        c = compiler.compile_term(node)
        n = len(self.live)
        out = np.zeros(n, dtype=bool)
        if c.units:
            us = units_string(c.units)
            found = self.net.find(us)
            docs = found.docs_in(c.fields)
            if c.bounded is not None:  # 15万: not inside 9.15万 or 1115万, nor the start of 15万亿
                within = getattr(self, "_within", None)  # (in an AND: the articles the other terms left)
                docs = _bounded(self.net, c, us, within, self._text)
            out[docs] = True
            out &= self.live
            if positive:
                self.matches.append(TextMatch(us, c.fields, found))
                self.by_term[node] = self.matches[-1]
                self.highlight.append(c.units)
                self.terms.append(node.text)
        if c.match is not None:
            ids = field_docs(self.net, self.s, c.match)
            out[ids[ids < n]] = True
        if positive and c.issue is not None:
            self.issues.append(c.issue)
        return out


# -- keyword and number terms, per index version ------------------------------------

FIELD_DOCS_CACHE = 4096  # the keyword/number queries whose documents each index version keeps
FIELD_DOCS_BYTES = 32 << 20  # … and at most this many bytes of them
_field_docs: memo.PerVersion[np.ndarray] = memo.PerVersion(FIELD_DOCS_CACHE, FIELD_DOCS_BYTES, lambda a: a.nbytes)


def field_docs(net: Net, s: Searcher, match: Any) -> np.ndarray:
    """The docnums (ascending) that a keyword or number query of the
    record store matches, remembered per index version (`net` is the version's): a text term of
    four characters or more also asks whether it names a series (indexer.search.compiler), a
    lookup in every segment, and each stage and did-you-mean candidate asks again."""
    return _field_docs.remember(net, match, lambda: np.fromiter(records.docs(s, match), dtype=np.int64))


def _has_number(node: q.Node) -> bool:
    """Whether a positive term of `node` is a number (十五 OR 15): checked in the texts."""
    if isinstance(node, q.Term):
        return q.number_pattern(node.text) is not None
    if isinstance(node, q.Not):
        return False
    return any(_has_number(c) for c in node.children)


# -- a number's boundaries, from the substring net --------------------------------

# What lay between a number and its neighbour (never units, so not in the net): with a word edge
# between them, nothing, space or punctuation — the patterns of query.number_pattern look at most
# at one such character ([.,] of 9.15万), so these four cover every verdict they can give; in one
# jieba word, nothing (万亿), or between two runs what jieba keeps inside a word (96.5, 2023-08).
_APART = ("", " ", ".", ",")
_IN_WORD = ("",)
_IN_RUNS = (".", "-")
BOUNDED_CACHE = 4096  # (number, pattern, texts) whose split each index version keeps (~small arrays each)
# Stored texts one evaluation of a number term reads to settle the documents the net leaves open
# (9?15万). A bare 8 of a pasted sentence leaves 6,044 of gen10k's 26k articles open (96.5%,
# 68.8万): read at ~1.5 ms each, a query took seconds. Past this many, the rest count as not
# holding the number whole — what the net leaves open is nearly always a decimal (96.5 for 96,
# 68.8 for 8) — until a later query reads them (what is read is remembered per index version).
BOUNDARY_READS = 200


@dataclass
class _Split:
    """A number's documents by what the net says of their occurrences: `sure` holds one whole
    (15万 followed by 人); `maybe` only where what lay between decides (9?15万: 9.15万 or 9、15万),
    read in the stored text when asked, and remembered in `read`."""

    sure: np.ndarray
    maybe: np.ndarray
    read: dict[int, bool] = field(default_factory=dict)


_splits: memo.PerVersion[_Split] = memo.PerVersion(BOUNDED_CACHE)


def _verdicts(c: compiler.Compiled, body: str, codes: np.ndarray, joined: np.ndarray, runs: np.ndarray,
              head: bool) -> tuple[np.ndarray, np.ndarray]:
    """For each occurrence's neighbour on one side: whether the number is whole on that side
    whatever lay between (yes), and whether it is broken whatever lay between (no)."""
    assert c.bounded is not None
    edge_run = c.units[0 if head else -1].endswith(" ")  # the number's own unit on that side is a run
    kind = np.where(joined, np.where(runs & edge_run, 2, 1), 0)  # 0 apart, 1 in one word, 2 two runs in one
    uniq, inv = np.unique(np.stack([codes, kind]), axis=1, return_inverse=True)
    yes = np.zeros(uniq.shape[1], dtype=bool)
    no = np.zeros(uniq.shape[1], dtype=bool)
    for i, (cp, k) in enumerate(uniq.T.tolist()):
        got = set()
        for sep in (_APART, _IN_WORD, _IN_RUNS)[k]:
            if head:
                lead = (chr(cp) if cp else "") + (sep if cp else "")
                got.add(c.bounded.match(lead + body, len(lead)) is not None)
            else:
                got.add(c.bounded.match(body + ((sep + chr(cp)) if cp else "")) is not None)
        yes[i], no[i] = got == {True}, got == {False}
    return yes[inv], no[inv]


def _split(net: Net, c: compiler.Compiled, us: str) -> _Split:
    """The documents holding the number `us` in the term's texts, split by the net (see _Split)."""
    assert c.bounded is not None
    return _splits.remember(net, (us, c.bounded.pattern, c.fields), lambda: _split_now(net, c, us))


def _split_now(net: Net, c: compiler.Compiled, us: str) -> _Split:
    assert c.bounded is not None
    sides = net.sides(us)
    keep = np.isin(sides.texts, [TEXTS[t] for t in c.fields])
    docs = sides.docs[keep]
    body = ""  # the term as it may stand in a text (two runs apart: 15 5万 is one run otherwise)
    for i, u in enumerate(c.units):
        body += (" " if i and u.endswith(" ") and c.units[i - 1].endswith(" ") else "") + u.strip()
    head_yes, head_no = _verdicts(c, body, sides.before[keep], sides.joined_before[keep], sides.run_before[keep],
                                  head=True)
    tail_yes, tail_no = _verdicts(c, body, sides.after[keep], sides.joined_after[keep], sides.run_after[keep],
                                  head=False)
    sure = np.unique(docs[head_yes & tail_yes])
    maybe = np.setdiff1d(np.unique(docs[~(head_yes & tail_yes) & ~head_no & ~tail_no]), sure, assume_unique=True)
    return _Split(sure, maybe)


def _bounded(net: Net, c: compiler.Compiled, us: str, within: DocSet | None,
             text: Callable[[int], str]) -> np.ndarray:
    """The documents (ascending) holding the number term `c` whole (compiler.number_bounded),
    from the units either side of each occurrence in the net; only a document whose every
    occurrence depends on a character the net does not keep (9?15万) is read, only among
    `within` (the articles the other terms of an AND left), at most BOUNDARY_READS at a time."""
    sp = _split(net, c, us)
    maybe = sp.maybe if within is None else sp.maybe[within[sp.maybe]]
    whole = []
    reads = 0
    for d in maybe.tolist():
        verdict = sp.read.get(d)
        if verdict is None:
            if reads >= BOUNDARY_READS:
                continue  # (see BOUNDARY_READS)
            if reads % 16 == 0:
                budget.check()
            reads += 1
            verdict = sp.read[d] = compiler.number_bounded(c, text(d))
        if verdict:
            whole.append(d)
    if not whole:
        return sp.sure
    return np.union1d(sp.sure, np.array(whole, dtype=np.int64))
