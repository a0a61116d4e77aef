"""Exact substring search over the segments' suffix arrays (indexer.store.sufarray).

`Net` is the substring net of one index version: each segment's array with
its docnum offset. `Net.find(unit_string)` gives every document holding the
string, with what ranking needs per document and text (schema.TEXTS): how
often it occurs, how well each occurrence lines up with jieba's words (the
`edges` bits), whether it is the whole text (a title equal to the query),
and the text's length. Deleted documents are left to the caller's live set.
"""

from __future__ import annotations

import dataclasses
import mmap
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from indexer.store import segfiles, sufarray
from indexer.store.analysis import RUN_MARK, jieba_tokenizer
from indexer.store.names import SURNAME_CODES
from indexer.store.schema import TEXTS

# Strings whose matches the net keeps (least recently used let go). A query of the understood kinds
# looks up tens of strings (its words, pinyin readings, names, did-you-mean candidates): with 256,
# 566 queries asked in turn found most of theirs gone, and finding one again (the suffix array's
# pages, each occurrence's weights) was their p95 at gen10k — unspaced 53 → 30 ms, initials
# 129 → 36, alias 62 → 21, ocr 67 → 31 with 4096 (bench/README, s7-querycost). The bytes below
# stay the bound.
CACHE_STRINGS = 4096
# … and at most this much of their arrays (~38 bytes per matching article). 256 MB keeps the common
# strings of a 260k-article archive (~10 MB each; finding one again costs 0.2–0.7 s there): with 64 MB,
# 36 queries asked in turn over HTTP had p95 485 ms at 100k issues (bench/README, growth).
CACHE_BYTES = 256 << 20
# Pages of the nets' files mapped into the process beyond what it held when the net was
# opened (or last let go of them): past this many bytes they are let go (SegmentNet.release_pages), so that a
# server's resident memory stays bounded however many strings it has searched.
MAPPED_BYTES = 48 << 20
EDGE_CHECK = 8  # word edges inside a match are looked at up to this many characters
LONG = 5  # a match this long is a phrase: only its two ends are weighed
LONG_BASE = 0.7  # … weighed this much, and LONG_END more for each end on a word edge
LONG_END = 0.15

# How much one occurrence counts, by how it lines up with jieba's words.
WHOLE = 1.0  # a whole word (志愿服务), or a single character standing as a word
WORDS = 0.8  # a run of whole words (志愿服务队伍)
PART = 0.6  # the start or end of a word (合水 in 合水县, 善民 in 马善民)
INSIDE = 0.4  # inside one word (安市 in 淮安市清江浦 is an end: PART)
ACROSS = 0.15  # straddles a word edge without lining up (善民 in 改善|民生)
# A match of this many characters glued to a common surname that begins a word (福生 in 张福|生案,
# a rare name jieba cut wrongly) is a given name, weighed GIVEN_NAME_WEIGHT (when it was less).
GIVEN_NAME = (2,)
GIVEN_NAME_WEIGHT = WHOLE
NAME_WORD = 3  # … whose surname begins a word of at most this many units (张福, not 张福生案)


@dataclass
class Found:
    """One string's matches: per document (global docnums, ascending), per text."""

    docs: np.ndarray  # int64
    count: dict[str, np.ndarray]  # text name -> occurrences (int32)
    weight: dict[str, np.ndarray]  # text name -> sum of the squared alignment weights of the occurrences
    best: dict[str, np.ndarray]  # text name -> the best alignment weight of an occurrence
    exact: dict[str, np.ndarray]  # text name -> the text is this string and nothing else
    length: np.ndarray  # length of the document's text in units (for normalising)

    def nbytes(self) -> int:
        arrays = [self.docs, self.length, *self.count.values(), *self.weight.values(), *self.best.values(),
                  *self.exact.values()]
        return sum(a.nbytes for a in arrays)

    def docs_in(self, texts: tuple[str, ...]) -> np.ndarray:
        """The documents holding the string in any of `texts`."""
        if len(texts) == len(TEXTS):
            return self.docs
        hit = np.zeros(len(self.docs), dtype=bool)
        for t in texts:
            hit |= self.count[t] > 0
        return self.docs[hit]


_EMPTY = np.zeros(0, dtype=np.int64)


def lined_up(found: Found, us: str, text: str) -> np.ndarray:
    """Whether each document of `found` (the matches of unit string `us`) holds an occurrence
    in `text` that starts and ends on a word edge of its own jieba words: the string used as
    words (企业|市场 in 企业|市场预期), not a coincidence across them (中小企业|市场: 企业市场
    starts inside a word). Read from the best alignment weight (see `_weights`)."""
    least = LONG_BASE + 2 * LONG_END if len(us) >= LONG else WORDS
    return found.best[text] >= least - 1e-4


def across(found: Found, us: str, text: str) -> np.ndarray:
    """Whether each document of `found` holds `us` in `text` only across its own words (a word
    edge inside every occurrence, and one of its ends inside a word: 企业市场 in 中小企业|市场),
    never inside one word or on word edges. A string of LONG units or more is never across
    (only its ends are weighed)."""
    if len(us) >= LONG:
        return np.zeros(len(found.docs), dtype=bool)
    held = found.count[text] > 0
    return held & (found.best[text] <= ACROSS + 1e-4)


def _empty() -> Found:
    z = np.zeros(0, dtype=np.int32)
    f = np.zeros(0, dtype=np.float32)
    b = np.zeros(0, dtype=bool)
    return Found(_EMPTY, {t: z for t in TEXTS}, {t: f for t in TEXTS}, {t: f for t in TEXTS}, {t: b for t in TEXTS}, z)


def _weights(net: sufarray.SegmentNet, pos: np.ndarray, n: int) -> np.ndarray:
    start = net.edge(pos)
    end = net.edge(pos + n)
    if n >= LONG:
        return (LONG_BASE + LONG_END * start + LONG_END * end).astype(np.float32)
    inner = np.zeros(len(pos), dtype=bool)
    for k in range(1, min(n, EDGE_CHECK + 1)):
        inner |= net.edge(pos + k)
    both = start & end
    w = np.where(
        inner,
        np.where(both, WORDS, ACROSS),
        np.where(both, WHOLE, np.where(start | end, PART, INSIDE)),
    ).astype(np.float32)
    if n in GIVEN_NAME:
        low = np.flatnonzero((w < GIVEN_NAME_WEIGHT) & (pos > 0))
        if len(low):
            w[low[_after_surname(net, pos[low])]] = GIVEN_NAME_WEIGHT
    return w


def _after_surname(net: sufarray.SegmentNet, pos: np.ndarray) -> np.ndarray:
    """Whether the unit before each position is a common surname (indexer.store.names) that
    begins a word standing alone (张|福生) or a word of at most NAME_WORD units that jieba's
    dictionary lacks (张福|生案, not 文化|工作): what makes the match a given name."""
    before = pos - 1
    code = net.alphabet[net.chars[before].astype(np.int64)].astype(np.int64)
    keep = np.flatnonzero(np.isin(code, _SURNAME_CODES) & net.edge(before))
    out = np.zeros(len(pos), dtype=bool)
    if not len(keep):
        return out
    at = before[keep]
    size = np.zeros(len(at), dtype=np.int64)  # the surname's word's length (0: longer than NAME_WORD)
    for k in range(NAME_WORD, 0, -1):
        size = np.where(net.edge(at + k), k, size)
    last = len(net.chars) - 1
    grams = np.stack([net.alphabet[net.chars[np.minimum(at + k, last)].astype(np.int64)].astype(np.int64)
                      * (k < size) for k in range(NAME_WORD)], axis=1)
    words, inverse = np.unique(grams, axis=0, return_inverse=True)
    tok = jieba_tokenizer()
    unknown = np.array([not tok.has_word("".join(chr(c) for c in w if c)) for w in words], dtype=bool)
    out[keep] = (size == 1) | ((size > 1) & unknown[inverse.reshape(-1)])
    return out


def _find_in(net: sufarray.SegmentNet, us: str) -> tuple[np.ndarray, ...]:
    """(regions, counts, squared weights, best weights, exact, doc text lengths) of the regions holding `us`."""
    pos = net.positions(us)
    if not len(pos):
        f = np.zeros(0, np.float32)
        return _EMPTY, _EMPTY, f, f, np.zeros(0, bool), _EMPTY
    pos.sort()  # in text order: the region look-up and the grouping below are then linear
    n = len(us)
    regions = net.regions
    reg = np.searchsorted(regions, pos, side="right") - 1
    w = _weights(net, pos, n)
    exact = (pos == regions[reg]) & (pos + n + 1 == regions[reg + 1])
    starts = np.flatnonzero(np.concatenate(([True], reg[1:] != reg[:-1])))
    ureg = reg[starts]
    counts = np.diff(np.append(starts, len(reg)))
    wsum = np.add.reduceat((w * w).astype(np.float64), starts).astype(np.float32)
    best = np.maximum.reduceat(w, starts).astype(np.float32)
    ex = np.logical_or.reduceat(exact, starts)
    text_region = (ureg >> 1 << 1) + TEXTS["text"]
    lengths = regions[text_region + 1].astype(np.int64) - regions[text_region] - 1
    return ureg, counts, wsum, best, ex, lengths


_RUN_MARK = ord(RUN_MARK)
_SURNAME_CODES = np.array(sorted(SURNAME_CODES), dtype=np.int64)


@dataclass
class Sides:
    """Every occurrence of a unit string (in no particular order): its document (global
    docnum), its text (the value of schema.TEXTS), and the character of the unit just
    before and just after it, as code points — a run's nearest letter or digit (its last
    before, its first after); 0 at the start or end of a text. What lay between (space,
    punctuation: never units) is not known, only whether the neighbour was in the same jieba
    word (`joined_*`: no word edge between; jieba keeps no space or punctuation inside a word
    but . - _ + # & % between letters and digits, as in 96.5 or 2023-08-01) and whether it was
    a run of letters or digits (`run_*`)."""

    docs: np.ndarray  # int64
    texts: np.ndarray  # int8
    before: np.ndarray  # int64 code points
    after: np.ndarray  # int64 code points
    joined_before: np.ndarray  # bool
    joined_after: np.ndarray  # bool
    run_before: np.ndarray  # bool
    run_after: np.ndarray  # bool


def _no_sides() -> Sides:
    b = np.zeros(0, dtype=bool)
    return Sides(_EMPTY, np.zeros(0, np.int8), _EMPTY, _EMPTY, b, b, b, b)


def _sides_in(net: sufarray.SegmentNet, us: str, offset: int) -> Sides:
    pos = net.positions(us)
    if not len(pos):
        return _no_sides()
    regions = net.regions.astype(np.int64)
    reg = np.searchsorted(regions, pos, side="right") - 1
    alphabet = net.alphabet.astype(np.int64)
    chars = net.chars
    last = len(chars) - 1

    def code(at: np.ndarray) -> np.ndarray:
        return alphabet[chars[np.clip(at, 0, last)].astype(np.int64)]

    start, end = regions[reg], regions[reg + 1] - 1  # end: the region's SEP
    before = np.where(pos > start, code(pos - 1), 0)
    run_before = before == _RUN_MARK
    before = np.where(run_before, code(pos - 2), before)  # a run's last character
    at = pos + len(us)
    after = np.where(at < end, code(at), 0)
    run_after = after == _RUN_MARK
    after = np.where(run_after, code(at + 1), after)  # a run's first character
    # (an edge lands before the opening RUN_MARK of a run it starts: at `pos` and at `at`)
    return Sides((reg >> 1) + offset, (reg & 1).astype(np.int8), before, after, (before != 0) & ~net.edge(pos),
                 (after != 0) & ~net.edge(np.minimum(at, end)), run_before, run_after)


class Net:
    """The substring net of one index version, shared by the threads searching it."""

    def __init__(self, searcher: Any) -> None:
        self.parts: list[tuple[sufarray.SegmentNet, int]] = []
        for stem, offset, n in segfiles.segments(searcher):
            net = _open(stem.with_name(sufarray.file_name(stem.name)))
            if net.docs != n:
                raise sufarray.NetFormatError(f"{net.path.name}: {net.docs} documents, its segment has {n}")
            self.parts.append((net, offset))
        _forget_others({net.path for net, _o in self.parts})
        self.doc_count = max(1, searcher.doc_count_all())
        total = sum(int(net.regions[-1]) for net, _o in self.parts) if self.parts else 0
        self.avg_length = max(1.0, total / self.doc_count)
        self._cache: OrderedDict[str, Found] = OrderedDict()
        self._cached_bytes = 0
        self._lock = threading.Lock()
        self._mapped_at_start = _shared_bytes()

    def find(self, us: str) -> Found:
        """Every document holding unit string `us` (analysis.unit_string), with its counts."""
        if not us:
            return _empty()
        with self._lock:
            got = self._cache.get(us)
            if got is not None:
                self._cache.move_to_end(us)
                return got
        found = self._find(us)
        size = found.nbytes()
        with self._lock:
            if us not in self._cache:
                self._cache[us] = found
                self._cached_bytes += size
            while self._cache and (len(self._cache) > CACHE_STRINGS or self._cached_bytes > CACHE_BYTES):
                _s, old = self._cache.popitem(last=False)
                self._cached_bytes -= old.nbytes()
        self._bound_mapped()
        return found

    def _bound_mapped(self) -> None:
        start = self._mapped_at_start
        if start is not None and (_shared_bytes() or 0) - start > MAPPED_BYTES:
            for net, _offset in self.parts:
                net.release_pages()
            # growth elsewhere (libraries, Whoosh's files) is not let go: count from here
            self._mapped_at_start = _shared_bytes()

    def sides(self, us: str) -> Sides:
        """Each occurrence of unit string `us` with the units either side of it (see `Sides`):
        what a number's boundaries are checked on (15万 is not the start of 15万亿) without
        reading any stored text."""
        parts = [_sides_in(net, us, offset) for net, offset in self.parts]
        parts = [p for p in parts if len(p.docs)]
        if not parts:
            return _no_sides()
        return Sides(*(np.concatenate([getattr(p, f.name) for p in parts]) for f in dataclasses.fields(Sides)))

    def _find(self, us: str) -> Found:
        per: list[tuple[np.ndarray, ...]] = []
        for net, offset in self.parts:
            got = _find_in(net, us)
            if len(got[0]):
                per.append((got[0] + 2 * offset, *got[1:]))
        if not per:
            return _empty()
        ureg, counts, wsum, best, ex, lengths = (np.concatenate([p[i] for p in per]) for i in range(6))
        docs_of = ureg >> 1
        docs, first = np.unique(docs_of, return_index=True)
        slot = np.searchsorted(docs, docs_of)
        out = _empty()
        out.docs = docs
        out.length = lengths[first].astype(np.int32)
        for name, r in TEXTS.items():
            sel = (ureg & 1) == r
            c = np.zeros(len(docs), dtype=np.int32)
            w = np.zeros(len(docs), dtype=np.float32)
            bw = np.zeros(len(docs), dtype=np.float32)
            e = np.zeros(len(docs), dtype=bool)
            c[slot[sel]] = counts[sel]
            w[slot[sel]] = wsum[sel]
            bw[slot[sel]] = best[sel]
            e[slot[sel]] = ex[sel]
            out.count[name], out.weight[name], out.best[name], out.exact[name] = c, w, bw, e
        return out


def _shared_bytes() -> int | None:
    """File-backed (and shared) memory resident in this process, from /proc (None elsewhere)."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[2]) * mmap.PAGESIZE
    except (OSError, ValueError, IndexError):
        return None


# -- open files, shared by the index versions of a process ---------------------

_open_lock = threading.Lock()
_open_nets: dict[Path, sufarray.SegmentNet] = {}


def _open(path: Path) -> sufarray.SegmentNet:
    with _open_lock:
        net = _open_nets.get(path)
        if net is None:
            net = _open_nets[path] = sufarray.SegmentNet(path)
        return net


def _forget_others(keep: set[Path]) -> None:
    """Drop the nets of segments of the same generations that are no longer live
    (a merged-away segment's file is unmapped when its last searcher lets go)."""
    folders = {p.parent for p in keep}
    with _open_lock:
        for path in [p for p in _open_nets if p.parent in folders and p not in keep]:
            del _open_nets[path]
