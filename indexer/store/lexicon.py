"""The word lexicon of each segment: which articles hold each jieba word, per text.

Whoosh's own posting writer costs ~100 µs a term in Python (a block, a pickle
and a term-table entry for each of a segment's ~50,000 words); the lexicon is
instead written once per segment as sorted numpy arrays, beside the segment's
substring net, in `<segment id>.lex` (indexer.store.arrayfile, memory-mapped). For
each text of schema.TEXTS:

- `<text>.key`: each word's first KEY_BYTES bytes of UTF-8 (numpy `S`), words
  sorted by their UTF-8 bytes (code point order): a binary search in C;
- `<text>.blob` / `<text>.off`: the words' whole UTF-8, one after another;
- `<text>.start` / `<text>.docs`: the segment-local docnums holding each word,
  ascending (CSR: word i's are docs[start[i]:start[i+1]]).

What reads it: did-you-mean and autocomplete (indexer.search.suggest: document
frequencies, words by prefix) and related articles (indexer.search.related: document
frequencies and the articles holding a word). Like Whoosh's, a document
frequency counts the documents of the segment, deleted ones included (an upper
bound); `docs` leaves deleted documents out. A segment Whoosh makes by merging
others gets its lexicon from theirs (`merge`), with no new analysis.
"""

from __future__ import annotations

import heapq
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from indexer.store import arrayfile, segfiles
from indexer.store.schema import TEXTS

FORMAT = 1
MAGIC = segfiles.magic(segfiles.LEXICON)
EXT = segfiles.LEXICON.suffix
KEY_BYTES = 12  # four Chinese characters: most words are their own key


def file_name(segment_id: str) -> str:
    """The lexicon file of a segment (named like Whoosh's segment files, so removed with them)."""
    return segfiles.file_name(segment_id, segfiles.LEXICON)


def _names(text: str) -> tuple[str, ...]:
    return tuple(f"{text}.{part}" for part in ("key", "blob", "off", "start", "docs"))


def _arrays(words: list[str], word_of: np.ndarray, docs: np.ndarray) -> dict[str, np.ndarray]:
    """The arrays of one text from its sorted `words` and its (word index, docnum) pairs."""
    # pairs come in docnum order (per source, for a merge): a stable sort by word keeps it per word
    order = np.argsort(word_of, kind="stable")
    word_of, docs = word_of[order], docs[order]
    start = np.zeros(len(words) + 1, dtype=np.uint32)
    np.cumsum(np.bincount(word_of, minlength=len(words)), out=start[1:])
    encoded = [w.encode("utf-8") for w in words]
    off = np.zeros(len(words) + 1, dtype=np.uint64)
    np.cumsum(np.fromiter(map(len, encoded), dtype=np.uint64, count=len(encoded)), out=off[1:])
    blob = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    key = np.array([e[:KEY_BYTES] for e in encoded], dtype=f"S{KEY_BYTES}")
    small = docs.max(initial=0) < 1 << 16
    return {"key": key, "blob": blob, "off": off, "start": start,
            "docs": docs.astype(np.uint16 if small else np.uint32)}


def _text_arrays(flat: list[str], counts: np.ndarray) -> dict[str, np.ndarray]:
    """From every document's words laid end to end (`counts` words a document)."""
    words = sorted(set(flat))
    index = dict(zip(words, range(len(words))))
    word_of = np.fromiter(map(index.__getitem__, flat), dtype=np.int64, count=len(flat))
    docs = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    return _arrays(words, word_of, docs)


class LexiconBuilder:
    """Collects the words of a segment's documents, in docnum order."""

    def __init__(self) -> None:
        self.flat: dict[str, list[str]] = {t: [] for t in TEXTS}
        self.counts: dict[str, list[int]] = {t: [] for t in TEXTS}

    def add(self, words: dict[str, set[str]]) -> None:
        """The next document's distinct words, per text."""
        import sys

        for t in TEXTS:
            ws = words.get(t, ())
            # interned: a word held by many documents is one string object
            self.flat[t].extend(map(sys.intern, ws))
            self.counts[t].append(len(ws))

    def write(self, path: Path) -> None:
        """Write the lexicon file (and forget the words)."""
        arrays: dict[str, np.ndarray] = {}
        for t in TEXTS:
            counts = np.asarray(self.counts[t], dtype=np.int64)
            for part, a in _text_arrays(self.flat[t], counts).items():
                arrays[f"{t}.{part}"] = a
            self.flat[t], self.counts[t] = [], []
        arrayfile.write(path, MAGIC, FORMAT, arrays)


def prepare(words: list[bytes]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For SegmentLexicon.doc_frequencies: which of `words` fit in a key, as keys, and their lengths."""
    short = np.array([i for i, w in enumerate(words) if len(w) <= KEY_BYTES], dtype=np.int64)
    keys = np.array([words[i] for i in short.tolist()], dtype=f"S{KEY_BYTES}")
    lengths = np.array([len(words[i]) for i in short.tolist()], dtype=np.int64)
    return short, keys, lengths


class SegmentLexicon:
    """One segment's lexicon, memory-mapped read-only."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file = arrayfile.ArrayFile(path, MAGIC, FORMAT, tuple(n for t in TEXTS for n in _names(t)))
        a = self._file.arrays
        self.texts = {t: tuple(a[n] for n in _names(t)) for t in TEXTS}

    def _word(self, text: str, i: int) -> str:
        _key, blob, off, _start, _docs = self.texts[text]
        return bytes(blob[int(off[i]) : int(off[i + 1])]).decode("utf-8")

    def find(self, text: str, word: str) -> int:
        """The index of `word` among the text's words, or -1."""
        key, blob, off, _start, _docs = self.texts[text]
        wb = word.encode("utf-8")
        k = np.bytes_(wb[:KEY_BYTES])
        lo = int(np.searchsorted(key, k, side="left"))
        if len(wb) < KEY_BYTES:  # the key is the whole word
            return lo if lo < len(key) and key[lo] == k else -1
        hi = int(np.searchsorted(key, k, side="right"))
        for i in range(lo, hi):
            if bytes(blob[int(off[i]) : int(off[i + 1])]) == wb:
                return i
        return -1

    def doc_frequency(self, text: str, word: str) -> int:
        i = self.find(text, word)
        if i < 0:
            return 0
        start = self.texts[text][3]
        return int(start[i + 1]) - int(start[i])

    def doc_frequencies(self, text: str, words: list[bytes], prepared: Any = None) -> np.ndarray:
        """`doc_frequency` of each of `words` (UTF-8), those of up to KEY_BYTES in one search
        (such a word, when present, is the first of the words sharing its key: the shortest).
        `prepared` is `prepare(words)`, made once for many segments."""
        key, _blob, off, start, _docs = self.texts[text]
        short, keys, lengths = prepared if prepared is not None else prepare(words)
        out = np.zeros(len(words), dtype=np.int64)
        if len(key) and len(short):
            lo = np.searchsorted(key, keys.astype(key.dtype), side="left")
            at = np.minimum(lo, len(key) - 1)
            hit = (lo < len(key)) & (key[at] == keys) & ((off[at + 1].astype(np.int64) - off[at].astype(np.int64)) == lengths)
            j = lo[hit]
            out[short[hit]] = start[j + 1].astype(np.int64) - start[j].astype(np.int64)
        for i, w in enumerate(words):
            if len(w) > KEY_BYTES:
                out[i] = self.doc_frequency(text, w.decode("utf-8"))
        return out

    def docs(self, text: str, word: str) -> np.ndarray:
        """Segment-local docnums holding `word` (deleted ones included)."""
        i = self.find(text, word)
        if i < 0:
            return np.zeros(0, dtype=np.int64)
        _key, _blob, _off, start, docs = self.texts[text]
        return docs[int(start[i]) : int(start[i + 1])].astype(np.int64)

    def prefixed(self, text: str, prefix: str) -> Iterator[tuple[str, int]]:
        """(word, document frequency) of the words starting with `prefix`, in order."""
        key, _blob, _off, start, _docs = self.texts[text]
        pb = prefix.encode("utf-8")
        i = int(np.searchsorted(key, np.bytes_(pb[:KEY_BYTES]), side="left"))
        while i < len(key):
            w = self._word(text, i)
            if not w.startswith(prefix):
                if w.encode("utf-8")[: len(pb)] > pb:
                    return
            else:
                yield w, int(start[i + 1]) - int(start[i])
            i += 1

    def all_words(self, text: str) -> list[str]:
        _key, blob, off, _start, _docs = self.texts[text]
        raw = bytes(blob)
        o = off.tolist()
        return [raw[o[i] : o[i + 1]].decode("utf-8") for i in range(len(o) - 1)]

    def close(self) -> None:
        self.texts = {}
        self._file.close()


def merge(sources: list[tuple[SegmentLexicon, np.ndarray]]) -> dict[str, dict[str, np.ndarray]]:
    """The lexicon of a segment holding, in order, the documents `docs` (sorted
    segment-local docnums) of each source: what Whoosh's merge writes."""
    out: dict[str, dict[str, np.ndarray]] = {}
    for t in TEXTS:
        per = [(lex.all_words(t), lex.texts[t][3], lex.texts[t][4], docs) for lex, docs in sources]
        words = sorted(set().union(*(w for w, *_ in per)))
        index = dict(zip(words, range(len(words))))
        word_parts, doc_parts = [], []
        base = 0
        for ws, start, docs, keep in per:
            keep = np.asarray(keep, dtype=np.int64)
            n = int(keep.max()) + 1 if len(keep) else 0
            new = np.full(max(n, int(docs.max(initial=0)) + 1), -1, dtype=np.int64)
            new[keep] = base + np.arange(len(keep))
            gid = np.fromiter(map(index.__getitem__, ws), dtype=np.int64, count=len(ws))
            word_of = np.repeat(gid, np.diff(start.astype(np.int64)))
            mapped = new[docs.astype(np.int64)]
            live = mapped >= 0
            word_parts.append(word_of[live])
            doc_parts.append(mapped[live])
            base += len(keep)
        word_of = np.concatenate(word_parts) if word_parts else np.zeros(0, np.int64)
        docs = np.concatenate(doc_parts) if doc_parts else np.zeros(0, np.int64)
        # a word whose documents were all deleted goes (as Whoosh's merge drops the term)
        used, word_of = np.unique(word_of, return_inverse=True)
        out[t] = _arrays([words[i] for i in used.tolist()], word_of.astype(np.int64), docs)
    return out


def write_merged(path: Path, merged: dict[str, dict[str, np.ndarray]]) -> None:
    arrayfile.write(path, MAGIC, FORMAT, {f"{t}.{p}": a for t, parts in merged.items() for p, a in parts.items()})


# -- the index-wide view ---------------------------------------------------------

_open_lock = threading.Lock()
_open: dict[Path, SegmentLexicon] = {}


def _segment(path: Path) -> SegmentLexicon:
    with _open_lock:
        lex = _open.get(path)
        if lex is None:
            lex = _open[path] = SegmentLexicon(path)
        return lex


class WordIndex:
    """The lexicons of one searcher's segments, with their docnum offsets."""

    def __init__(self, searcher: Any) -> None:
        self.parts: list[tuple[SegmentLexicon, int, Any]] = []
        leaves = [sub.reader() for sub, _o in searcher.leaf_searchers()]
        for (stem, offset, _n), reader in zip(segfiles.segments(searcher), leaves):
            self.parts.append((_segment(stem.with_name(file_name(stem.name))), offset, reader))
        keep = {lex.path for lex, _o, _r in self.parts}
        folders = {p.parent for p in keep}
        with _open_lock:
            for path in [p for p in _open if p.parent in folders and p not in keep]:
                del _open[path]

    def doc_frequency(self, text: str, word: str) -> int:
        """In how many documents `word` is a word of `text` (deleted ones included, as Whoosh counts)."""
        return sum(lex.doc_frequency(text, word) for lex, _o, _r in self.parts)

    def doc_frequencies(self, text: str, words: list[bytes]) -> np.ndarray:
        """doc_frequency of each of `words` (UTF-8), at once."""
        out = np.zeros(len(words), dtype=np.int64)
        prepared = prepare(words)
        for lex, _o, _r in self.parts:
            out += lex.doc_frequencies(text, words, prepared)
        return out

    def docs(self, text: str, word: str) -> list[int]:
        """The live documents (global docnums, ascending) holding `word` in `text`."""
        out: list[int] = []
        for lex, offset, reader in self.parts:
            local = lex.docs(text, word)
            if reader.has_deletions():
                local = local[[not reader.is_deleted(int(d)) for d in local]] if len(local) else local
            out.extend((local + offset).tolist())
        return out

    def prefixed(self, text: str, prefix: str) -> Iterable[tuple[str, int]]:
        """(word, document frequency over all segments) of the words starting with `prefix`, in order."""
        merged = heapq.merge(*(lex.prefixed(text, prefix) for lex, _o, _r in self.parts))
        word, total = None, 0
        for w, n in merged:
            if w != word:
                if word is not None:
                    yield word, total
                word, total = w, 0
            total += n
        if word is not None:
            yield word, total


def word_index(searcher: Any) -> WordIndex:
    """The word lexicon of `searcher`'s index version (segment files opened once per process)."""
    return WordIndex(searcher)
