"""Exact substring search over the character fields, fast.

A string of n units is found by:

- n = 1: its unit term; n = 2: its bigram term (no positions needed);
- n ≥ 3: the documents holding all its bigrams are the candidates. Those in
  which the string lies inside one indexed word (found by scanning the word
  lexicon, e.g. 文明实 inside 文明实践) need no further check; the rest are
  checked on the positions of a few bigrams that cover the string without
  overlap (offsets 0, 2, 4, … and the last), rarest first. A string that
  jieba cuts into two words is found at once through the word-pair field,
  also where it spans a longer pair (全国文明城市 创建活动).

Whoosh's own Phrase query builds span objects per position in Python and is
two orders of magnitude slower on common bigrams; this module never uses it.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from whoosh.searching import Searcher

from indexer.analysis import bigrams, unit_text, word_list
from indexer.matching import by_segment, positioned

CACHE_TERMS = 512


class TermSets:
    """Document sets of single terms for one index version (shared by threads)."""

    def __init__(self, searcher: Searcher) -> None:
        self._cache: dict[tuple[str, str], frozenset[int]] = {}
        self._words: dict[str, dict[str, list[str]]] = {}

    def docs(self, searcher: Searcher, field: str, term: str) -> frozenset[int]:
        key = (field, term)
        got = self._cache.get(key)
        if got is not None:
            return got
        out: set[int] = set()
        tbytes = term.encode("utf-8")
        for ss, off in searcher.leaf_searchers():
            r = ss.reader()
            if (field, tbytes) not in r:
                continue
            m = r.postings(field, tbytes)
            if off:
                out.update(d + off for d in m.all_ids())
            else:
                out.update(m.all_ids())
        result = frozenset(out)
        if len(self._cache) >= CACHE_TERMS:
            self._cache.clear()
        self._cache[key] = result
        return result

    def words_containing(self, searcher: Searcher, field: str, sub: str) -> list[str]:
        """Indexed words of `field` that contain `sub` (Chinese text only)."""
        index = self._words.get(field)
        if index is None:
            index = defaultdict(list)
            seen: set[str] = set()
            for ss, _off in searcher.leaf_searchers():
                for tbytes in ss.reader().lexicon(field):
                    w = tbytes.decode("utf-8")
                    if len(w) >= 2 and w not in seen:
                        seen.add(w)
                        for ch in set(w):
                            index[ch].append(w)
            index = self._words[field] = dict(index)
        buckets = [index.get(ch, ()) for ch in set(sub)]
        smallest = min(buckets, key=len)
        return [w for w in smallest if sub in w]


    def pairs_covering(self, searcher: Searcher, word_field: str, pair_field: str, w1: str, w2: str) -> list[str]:
        """Word-pair terms "a b" whose text contains w1+w2 across the space: a is w1
        or a word ending in w1, b is w2 or a word starting with w2 (全国文明城市 创建活动)."""
        firsts = {w1, *(w for w in self.words_containing(searcher, word_field, w1) if w.endswith(w1))}
        reader = searcher.reader()
        out: list[str] = []
        for a in sorted(firsts):
            for tbytes in reader.expand_prefix(pair_field, f"{a} {w2}"):
                out.append(tbytes.decode("utf-8") if isinstance(tbytes, bytes) else tbytes)
        return out


def _cover(n_grams: int) -> list[int]:
    """Bigram offsets that cover all units without overlap (plus the last)."""
    offs = list(range(0, n_grams, 2))
    if offs[-1] != n_grams - 1:
        offs.append(n_grams - 1)
    return offs


def _verify(searcher: Searcher, field: str, grams: list[str], docs: set[int], sets: TermSets) -> set[int]:
    """The documents of `docs` where the bigrams stand at consecutive positions."""
    offs = _cover(len(grams))
    offs.sort(key=lambda j: len(sets.docs(searcher, field, grams[j])))
    found: set[int] = set()
    for ss, off, local in by_segment(searcher, docs):
        r = ss.reader()
        starts: dict[int, set[int]] | None = None
        for j in offs:
            m = r.postings(field, grams[j].encode("utf-8"))
            nxt: dict[int, set[int]] = {}
            for d in positioned(m, local):
                ps = {p - j for p in m.value_as("positions")}
                if starts is not None:
                    ps &= starts[d]
                if ps:
                    nxt[d] = ps
            starts = nxt
            local = sorted(starts)
            if not local:
                break
        if starts:
            found.update(d + off for d in starts)
    return found


def substring_docs(
    searcher: Searcher,
    sets: TermSets,
    us: list[str],
    gram_field: str,
    unit_field: str,
    word_field: str,
    pair_field: str | None = None,
) -> set[int] | frozenset[int]:
    """Documents whose `gram_field`/`unit_field` text contains the units `us` in a row."""
    if not us:
        return frozenset()
    if len(us) == 1:
        return sets.docs(searcher, unit_field, us[0])
    grams = bigrams(us)
    if len(grams) == 1:
        return sets.docs(searcher, gram_field, grams[0])
    cand: set[int] | frozenset[int] | None = None
    for g in sorted(set(grams), key=lambda g: len(sets.docs(searcher, gram_field, g))):
        d = sets.docs(searcher, gram_field, g)
        cand = d if cand is None else cand & d
        if not cand:
            return frozenset()
    assert cand is not None
    covered: set[int] = set()
    if all(len(u) == 1 for u in us):  # Chinese characters: may lie inside one word
        sub = "".join(unit_text(u) for u in us)
        for w in sets.words_containing(searcher, word_field, sub):
            covered |= sets.docs(searcher, word_field, w) & cand
        if pair_field:
            ws = word_list(sub)
            if len(ws) == 2:  # two words side by side: word-pair terms
                for term in sets.pairs_covering(searcher, word_field, pair_field, ws[0], ws[1]):
                    covered |= sets.docs(searcher, pair_field, term) & cand
    rest = set(cand) - covered
    if rest:
        covered |= _verify(searcher, gram_field, grams, rest, sets)
    return covered
