"""Pinyin typed for Chinese: full pinyin (spaces, tones and ü/v as you like) and initials.

`lajifenlei`, `la ji fen lei`, `lājī fēnlèi`, `zhiyuan fuwu`, `lvse` and the
initials `ljfl` are read as the Hanzi the archive itself uses, most frequent
first (`reading`). Where they come from:

- words: the index's own word lexicon (indexer.store.lexicon, titles and texts),
  each word's toneless readings (the first reading of each character, every reading
  of a common heteronym, at most MAX_COMBOS) and initials keyed to
  it with its document frequency. The table is made once per segment (segments never
  change) when the first pinyin query comes, in memory (~2.5 s of CPU for xinwen's
  1,424 issues on a loaded machine); a new index version after an add makes only its new
  segments' tables. Nothing is written to the index.
- phrases jieba splits (垃圾分类 = 垃圾 + 分类): a word matching the first
  part, then what follows it in the archive (indexer.search.phrases.continuations)
  whose characters read as the rest.

Candidates are counted exactly in the substring net; the best is searched.
Latin text the archive holds (APEC, AI) is the caller's business: it stays a
literal match and comes first (indexer.search.engine).
"""

from __future__ import annotations

import re
import sys
import threading
import time
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice, product
from typing import Any

from indexer.search import memo
from indexer.store.handles import once
from indexer.store.lexicon import WordIndex
from indexer.search.phrases import continuations
from indexer.store.substring import Net

MAX_COMBOS = 8  # readings kept per word (heteronyms multiply)
MAX_WORD = 12  # characters: longer words are not keyed (未成年人思想道德建设 is 10)
MAX_LETTERS = 40  # a longer query is not read as pinyin
FIRST_WORDS = 12  # first-word candidates (full pinyin) extended through the net, for a phrase
FIRST_INITIALS = 40  # … for initials (far more words share them: lj is 累计, 了解 … 垃圾)
FOLLOW_SAMPLE = 300  # occurrences of a first word read in the index (shared among its segments) …
MIN_FOLLOW = 30  # … but at least this many per segment
MAX_CANDIDATES = 12  # candidates counted exactly in the net
MIN_INITIALS = 2  # initials shorter than this are not read (a lone letter is too ambiguous)
MAX_INITIALS = 12  # … nor longer (a Latin word, more likely; wcnrsxddjsxf is 未成年人思想道德建设 新风)
ALTERNATIVES = 3  # other readings offered beside the one searched …
ALT_RATIO = 0.02  # … found in at least this share of its articles
MAX_PARTS = 3  # words a pinyin query is read as, at most (zhiyuan huaian → 志愿 淮安)
MAX_WAYS = 24  # ways of cutting the letters into words' keys tried
# words of each piece's key tried (most frequent first) … Initials share a key with far more
# words (cg: 成果, 成功, 出国 … 采购 the 4th, jl: 经理 the 20th): dev initials MRR@20 (s2, sample 300)
PART_CANDIDATES = {"full": 12, "initials": 40}
BEAM = 24  # … and combinations kept from one piece to the next (most articles holding them first)
# A word read only by a heteronym's rarer reading (强调 as jd, 参观 as sg) counts this share of
# its frequency against the words reading so by their first readings. Dev part of bench/querysets.py
# (sample 300), initials MRR@20: 0.69 at 1.0, 0.72 at 0.3, 0.74 at 0.1; pinyin and mixed stay 1.00.
RARER_READING = 0.1
# The string reading as the whole is taken when it is found this often against the words apart,
# both counted in the same texts (the titles first for initials). Dev initials MRR@20 (sample 300):
# 0.38 when the whole was counted in titles and texts against the words in titles; counted alike,
# 0.66 at 0.25, 0.69 at 0.5, 0.63 at 1.0 and 2.0.
WHOLE_SHARE = 0.5
# A reading of the letters as more words than the fewest any reading has counts this share of its
# articles per word beyond (see _together).
EXTRA_WORD = 0.5
# Initials are typed in the order of the words meant: a title holding a reading's words in another
# order (释放 活力 in 消费活力持续释放, for sfhl) counts this share of one holding them in the
# typed order (see _in_order; the titles of at most ORDER_SAMPLE of a reading's articles are read).
OUT_OF_ORDER = 0.0
ORDER_SAMPLE = 64
SOUND_WORDS = 6  # words of each piece's reading tried when a typed string is spelled anew (same_sound)
SPELL_LIMIT = 400  # strings spelled anew, at most
SPELL_COUNT = 24  # strings spelled from the index's words counted exactly in the net
# CPU seconds (of the searching thread) the search for a word and what follows it may take for one
# reading (when no string spelled from the index's words is found); past it no further first word
# is tried, and the candidates found so far are weighed.
READING_BUDGET = 0.008
DOC_CACHE = 4096  # words whose documents a table keeps
# Where words read apart must stand together: initials are far more ambiguous (zxjs is 中心
# 建设, 主席 建设 …), so their words are chosen by the titles that hold them all (then by the
# texts); full pinyin by titles and texts. Measured on the dev part of bench/querysets.py
# (MRR@20 at sample 300: initials 0.29 with titles and texts, 0.38 with titles; full
# pinyin 1.00 against 0.86).
TOGETHER_IN = {"full": ("title", "text"), "initials": ("title",)}
TEXTS = ("title", "text")
_HAN_WORD = re.compile(r"^[\u4e00-\u9fff]+$")
_LATIN_QUERY = re.compile(r"^[a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüv'’ 1-5]+$")
_INITIAL_LETTERS = set("bpmfdtnlgkhjqxrzcsyw")


@lru_cache(maxsize=4096)
def _toneless(syllable: str) -> str:
    """lǜ → lv, lā → la (ü written v, as pinyin keyboards do)."""
    s = unicodedata.normalize("NFD", syllable.lower()).replace("u\u0308", "v")
    return "".join(c for c in s if not unicodedata.combining(c))


@once
def _char_table() -> dict[str, tuple[str, ...]]:
    from pypinyin.pinyin_dict import pinyin_dict

    out: dict[str, tuple[str, ...]] = {}
    for cp, readings in pinyin_dict.items():
        out[chr(cp)] = tuple(dict.fromkeys(_toneless(r) for r in readings.split(",") if r))
    return out


@once
def syllables() -> frozenset[str]:
    """Every toneless syllable of pypinyin's character table (ü as v)."""
    return frozenset(r for rs in _char_table().values() for r in rs if r.isalpha())


def char_readings(ch: str) -> tuple[str, ...]:
    """The toneless readings of one character (ü as v), () for none."""
    return _char_table().get(ch, ())


# Characters read more than one way in everyday words: every reading is keyed for them
# (行 xing/hang, 长 chang/zhang …); any other character by its first (most common) reading.
HETERONYMS = set("行长重还发调都和乐数地得为着了会传藏便参差朝处干好间将降角觉卡空量率没难宁片强曲切省少识属说体提通相吐削校兴血应与曾种重转作")


@once
def _first_readings() -> dict[str, str]:
    return {ch: rs[0] for ch, rs in _char_table().items() if rs}


def word_keys(word: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(full keys, initials keys) of a Chinese word: `垃圾` → (("laji",), ("lj",)); a common
    heteronym by each of its readings (银行: yinxing and yinhang). pypinyin's phrase table is
    not used: it costs 60 MB of every process that reads pinyin."""
    if HETERONYMS.isdisjoint(word):
        first = _first_readings()
        try:
            rs = [first[c] for c in word]
        except KeyError:
            return (), ()
        return ("".join(rs),), ("".join([r[0] for r in rs]),)
    per = [char_readings(c) if c in HETERONYMS else char_readings(c)[:1] for c in word]
    if not all(per):
        return (), ()
    combos = list(islice(product(*per), MAX_COMBOS))
    full = tuple(dict.fromkeys("".join(p) for p in combos))
    initials = tuple(dict.fromkeys("".join([r[0] for r in p]) for p in combos))
    return full, initials


def normalize_query(text: str) -> str | None:
    """The letters of a query that may be pinyin (lower case, tones and spaces dropped, ü as v),
    or None when it holds anything else."""
    text = text.strip()
    if not text or not _LATIN_QUERY.match(text):
        return None
    letters = "".join(ch for ch in _toneless(text) if ch.isalpha())
    return letters if 0 < len(letters) <= MAX_LETTERS else None


def splits(letters: str) -> bool:
    """Whether `letters` is a run of whole pinyin syllables."""
    syl = syllables()
    ok = [True] + [False] * len(letters)
    for i in range(1, len(letters) + 1):
        for j in range(max(0, i - 6), i):
            if ok[j] and letters[j:i] in syl:
                ok[i] = True
                break
    return ok[-1]


def kinds_of(letters: str) -> tuple[str, ...]:
    """How `letters` may be read, in the order tried: "full" (whole syllables), then
    "initials" (one letter a character: ljfl, and 儿 as e in xyesd) when short enough."""
    out = ("full",) if splits(letters) else ()
    if MIN_INITIALS <= len(letters) <= MAX_INITIALS:
        out += ("initials",)
    return out


def kind_of(letters: str) -> str | None:
    """The first way `letters` may be read (see `kinds_of`), or None (not pinyin)."""
    kinds = kinds_of(letters)
    return kinds[0] if kinds else None


# one segment's table: key → the words reading so; and each word's document frequency
_KeyTable = dict[str, tuple[str, ...]]
# (full, initials, df, rarer): `rarer` holds the (key, word) pairs a word reads as only by a
# heteronym's rarer reading (强调 as jiangdiao / jd)
_SegmentTable = tuple[_KeyTable, _KeyTable, dict[str, int], frozenset[tuple[str, str]]]
_seg_lock = threading.Lock()
_seg_tables: dict[Any, _SegmentTable] = {}


def _segment_table(lex: Any) -> _SegmentTable:
    """(full, initials, df) of one segment's lexicon: a segment never changes, so its table is
    made once per process (a new index version only adds the tables of its new segments).
    Words are interned: a word of many segments is one string."""
    with _seg_lock:
        got = _seg_tables.get(lex.path)
    if got is not None:
        return got
    df: dict[str, int] = {}
    for t in TEXTS:
        _key, _blob, _off, start, _docs = lex.texts[t]
        counts = (start[1:].astype("int64") - start[:-1].astype("int64")).tolist()
        for w, n in zip(lex.all_words(t), counts):
            if 2 <= len(w) <= MAX_WORD and n > df.get(w, 0) and _HAN_WORD.match(w):
                df[sys.intern(w)] = n
    full: dict[str, list[str]] = {}
    initials: dict[str, list[str]] = {}
    rarer: set[tuple[str, str]] = set()
    for w in df:
        fk, ik = word_keys(w)
        for i, k in enumerate(fk):
            full.setdefault(k, []).append(w)
            if i:
                rarer.add((k, w))
        for i, k in enumerate(ik):
            initials.setdefault(k, []).append(w)
            if i and k != ik[0]:
                rarer.add((k, w))
    table = ({sys.intern(k): tuple(v) for k, v in full.items()},
             {sys.intern(k): tuple(v) for k, v in initials.items()}, df, frozenset(rarer))
    with _seg_lock:
        _seg_tables[lex.path] = table
    return table


class PinyinTable:
    """Keys → (word, document frequency) over the words of one index version (the tables
    of its segments, looked up together)."""

    def __init__(self, words: WordIndex) -> None:
        self.index = words
        self._docs: dict[tuple[str, tuple[str, ...]], Any] = {}
        self.parts = [_segment_table(lex) for lex, _o, _r in words.parts]
        keep = {lex.path for lex, _o, _r in words.parts}
        folders = {p.parent for p in keep}
        with _seg_lock:  # forget the tables of segments this index no longer has
            for path in [p for p in _seg_tables if p.parent in folders and p not in keep]:
                del _seg_tables[path]

    def words(self, key: str, kind: str) -> list[tuple[str, float]]:
        """The words reading as `key` (full pinyin or initials), most frequent first (a word
        read so only by a heteronym's rarer reading counts RARER_READING of its frequency)."""
        total: dict[str, float] = {}
        for full, initials, df, rarer in self.parts:
            for w in (full if kind == "full" else initials).get(key, ()):
                n = df[w] * (RARER_READING if (key, w) in rarer else 1.0)
                total[w] = total.get(w, 0) + n
        return sorted(total.items(), key=lambda wn: (-wn[1], wn[0]))

    def docs(self, word: str, texts: tuple[str, ...] = TEXTS) -> Any:
        """The documents holding `word` as a word of one of `texts` (global docnums, sorted;
        deleted ones included, as document frequencies count them), kept for the version."""
        import numpy as np

        got = self._docs.get((word, texts))
        if got is None:
            parts = []
            for lex, offset, _r in self.index.parts:
                for t in texts:
                    local = lex.docs(t, word)
                    if len(local):
                        parts.append(local + offset)
            got = np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)
            if len(self._docs) >= DOC_CACHE:
                self._docs.clear()
            self._docs[(word, texts)] = got
        return got


def build_table(searcher: Any) -> PinyinTable:
    """The PinyinTable of a searcher's index version (for IndexHandle.shared)."""
    from indexer.store.lexicon import word_index

    return PinyinTable(word_index(searcher))


def _reads_as(text: str, letters: str, kind: str) -> bool:
    """Whether the characters of `text` read as exactly `letters` (full pinyin or initials)."""
    if kind == "initials":
        if len(text) != len(letters):
            return False
        return all(any(r[0] == l for r in char_readings(c)) for c, l in zip(text, letters))
    ends = {0}
    for c in text:
        nxt = {e + len(r) for e in ends for r in char_readings(c) if letters.startswith(r, e)}
        if not nxt:
            return False
        ends = nxt
    return len(letters) in ends


@dataclass(frozen=True)
class Reading:
    """What a pinyin query was read as: `text` (Hanzi), found in `count` articles; `others`:
    the next best readings (text, count), offered beside it."""

    letters: str
    kind: str  # "full" | "initials"
    text: str
    count: int
    others: tuple[tuple[str, int], ...] = ()
    respelled: str = ""  # the letters as read, where they were typed loosely (indexer.search.pinyin_loose)


def candidates(table: PinyinTable, net: Net, letters: str, kind: str,
               bounds: frozenset[int] | None = None, deadline: float | None = None) -> list[tuple[str, float]]:
    """Hanzi strings that read as `letters`, with a prior (document frequency or phrase
    occurrences), best first: whole words, then a word + what follows it in the archive
    (a first word ending at one of `bounds` only, when given: the letters' syllable edges;
    no further first word once `deadline`, a time.thread_time, has passed)."""
    import time

    prior: dict[str, float] = {}
    for w, n in table.words(letters, kind)[:MAX_CANDIDATES]:
        prior[w] = max(prior.get(w, 0.0), float(n))
    # a first word reading as a prefix of the letters, then what follows it in the net
    # (FOLLOW_SAMPLE occurrences over the whole index, shared among its segments)
    per_segment = max(MIN_FOLLOW, FOLLOW_SAMPLE // max(1, len(net.parts)))
    for cut in range(2, len(letters) - (0 if kind == "initials" else 1)):
        if bounds is not None and cut not in bounds:
            continue
        rest = letters[cut:]
        extend = len(rest) if kind == "initials" else min(MAX_WORD, len(rest))
        for w, _n in table.words(letters[:cut], kind)[: FIRST_INITIALS if kind == "initials" else FIRST_WORDS]:
            if deadline is not None and time.thread_time() > deadline:
                break
            for phrase, c in _followed_as(net, w, rest, kind, extend, per_segment):
                prior[phrase] = prior.get(phrase, 0.0) + float(c)
    return sorted(prior.items(), key=lambda pc: (-pc[1], pc[0]))


# (first word, rest of the letters, kind, extend, sample) whose read continuations each
# index version keeps: a pinyin query, a did-you-mean of a sound-alike (same_sound) and
# their blending all extend the same first words again (issue 24, query cost)
FOLLOWED_CACHE = 4096
_followed: memo.PerVersion[tuple[tuple[str, int], ...]] = memo.PerVersion(FOLLOWED_CACHE)


def _followed_as(net: Net, w: str, rest: str, kind: str, extend: int, sample: int) -> tuple[tuple[str, int], ...]:
    """The phrases of the archive that start with the word `w` and go on with characters
    reading as `rest` (`kind`), with their counts (phrases.continuations), per index version."""

    def make() -> tuple[tuple[str, int], ...]:
        return tuple((phrase, c) for phrase, c in continuations(net, w, extend=extend, words=0, sample=sample).items()
                     if _reads_as(phrase[len(w) :], rest, kind))

    return _followed.remember(net, (w, rest, kind, extend, sample), make)


def _pieces(table: PinyinTable, parts: list[str], kind: str) -> list[tuple[str, ...]]:
    """Every way of cutting each space-separated part of the letters into keys of the table
    (a word's full pinyin or initials), MAX_PARTS pieces at most in all, two at least."""
    keys_of = [p for p in (t[0] if kind == "full" else t[1] for t in table.parts)]

    def is_key(k: str) -> bool:
        return any(k in keys for keys in keys_of)

    def cuts(letters: str, room: int) -> list[tuple[str, ...]]:
        if not letters:
            return [()]
        if room == 0:
            return []
        out = []
        shortest = 2 if kind == "initials" else 2  # a word's key has at least two letters
        for end in range(shortest, len(letters) + 1):
            head = letters[:end]
            if is_key(head):
                out += [(head, *rest) for rest in cuts(letters[end:], room - 1)]
        return out

    ways: list[tuple[str, ...]] = [()]
    for part in parts:
        ways = [w + c for w in ways for c in cuts(part, MAX_PARTS - len(w))]
    return [w for w in ways if len(w) >= 2]


def words_reading(table: PinyinTable, live: Any, parts: list[str], kind: str,
                  single: bool = False) -> tuple[tuple[str, ...], int] | None:
    """The letters read as several words of the archive (zhiyuan huaian → 志愿 淮安, zyha):
    of every way of cutting them into words' keys, the words (the most frequent of each
    piece, PART_CANDIDATES) that the most live articles hold together, and how many.
    Words read apart are chosen by what the archive holds together, not each by its own
    frequency (a frequent word that never goes with the others is a poor reading)."""
    for texts in dict.fromkeys((TOGETHER_IN[kind], TEXTS)):
        ranked = _together(table, live, parts, kind, texts, single)
        if ranked:
            return ranked[0][:2]
    return None


def _postings(table: PinyinTable, words: list[str], texts: tuple[str, ...]) -> tuple[Any, Any]:
    """The documents of `words` (one of `texts`) concatenated, and which word each came from."""
    import numpy as np

    docs = [table.docs(w, texts) for w in words]
    labels = np.repeat(np.arange(len(words)), [len(d) for d in docs])
    return (np.concatenate(docs) if docs else np.zeros(0, dtype=np.int64)), labels


def title_units(net: Net, doc: int) -> str:
    """The unit string of one document's title (indexer.store.analysis.unit_string), read from
    the substring net's own text (no stored record is read)."""
    from indexer.store.schema import TEXTS as REGIONS

    for seg, offset in net.parts:
        if offset <= doc < offset + seg.docs:
            r = 2 * (doc - offset) + REGIONS["title"]
            a, b = int(seg.regions[r]), int(seg.regions[r + 1]) - 1  # (the region ends in its SEP)
            return "".join(map(chr, seg.alphabet[seg.chars[a:b].astype("int64")].tolist()))
    return ""


def _in_order(text: str, words: tuple[str, ...]) -> bool:
    """Whether `words` stand in `text` one after the other, in this order (not overlapping)."""
    at = 0
    for w in words:
        i = text.find(w, at)
        if i < 0:
            return False
        at = i + len(w)
    return True


def _ordered_weight(net: Net, words: tuple[str, ...], docs: Any) -> float:
    """The articles `docs` (whose titles hold `words`) weighed by order: a title holding them in
    the typed order counts 1, another order OUT_OF_ORDER (ORDER_SAMPLE titles read, the rest
    counted at their share)."""
    if len(words) < 2 or not len(docs):
        return float(len(docs))
    seen = docs[:ORDER_SAMPLE]
    ordered = sum(_in_order(title_units(net, int(d)), words) for d in seen)
    share = (ordered + OUT_OF_ORDER * (len(seen) - ordered)) / len(seen)
    return share * len(docs)


def _together(table: PinyinTable, live: Any, parts: list[str], kind: str,
              texts: tuple[str, ...], single: bool = False,
              net: Net | None = None) -> list[tuple[tuple[str, ...], int, float]]:
    """Every reading of the letters as words held together (see `words_reading`), best first:
    by how many live articles hold them all, a reading of more words counting EXTRA_WORD of
    that per word beyond the fewest (more pieces, more chance that frequent words meet by
    accident: wnrlzc is 委内瑞拉 致辞, not 五年 热烈 征程). Counted in titles only and given
    `net`, an article holding them in another order than typed counts OUT_OF_ORDER
    (`_ordered_weight`). At most ALTERNATIVES + 1, each (words, articles, weight): the weight is
    the articles so weighed by order (the articles themselves when not)."""
    import numpy as np

    found: dict[tuple[str, ...], int] = {}
    weight: dict[tuple[str, ...], float] = {}
    by_order = net is not None and texts == ("title",)
    ways = _pieces(table, parts, kind)
    if single:  # (one word allowed: the letters stand beside other words of the query)
        ways = [tuple(parts)] + ways
    depth = PART_CANDIDATES[kind]
    for pieces in ways[:MAX_WAYS]:
        per = [[w for w, _n in table.words(p, kind)[:depth]] for p in pieces]
        if not all(per):
            continue
        beam: list[tuple[tuple[str, ...], Any]] = [((), None)]
        mark = np.zeros(len(live), dtype=bool)  # (a beam entry's documents, set and cleared in turn)
        for cands in per:
            posting, label = _postings(table, cands, texts)
            counted: list[tuple[int, int, int]] = []  # (articles, beam entry, candidate)
            for b, (words, docs) in enumerate(beam):
                if docs is None:
                    held = live[posting]
                else:
                    mark[docs] = True
                    held = mark[posting]
                    mark[docs] = False
                n = np.bincount(label[held], minlength=len(cands))
                counted += [(int(n[j]), b, j) for j in np.flatnonzero(n) if cands[j] not in words]
            counted.sort(key=lambda c: -c[0])
            grown = []
            for _n, b, j in counted[:BEAM]:
                words, docs = beam[b]
                d = table.docs(cands[j], texts)
                d = d[live[d]] if docs is None else np.intersect1d(docs, d, assume_unique=True)
                grown.append(((*words, cands[j]), d))
            beam = grown
            if not beam:
                break
        for words, docs in beam:
            if len(docs) > found.get(words, -1):
                found[words] = len(docs)
                weight[words] = _ordered_weight(net, words, docs) if by_order and net is not None else len(docs)
    if not found:
        return []
    fewest = min(len(w) for w in found)
    ranked = sorted(found.items(), key=lambda wn: (-weight[wn[0]] * EXTRA_WORD ** (len(wn[0]) - fewest), wn[0]))
    return [(ws, n, weight[ws]) for ws, n in ranked[: ALTERNATIVES + 1]]


def reading(table: PinyinTable, net: Net, live: Any, query: str, deadline: float | None = None) -> Reading | None:
    """The Hanzi a pinyin query stands for, or None when the query is not pinyin or nothing
    reads as it. Full pinyin is tried before initials; for each, the string of the archive
    reading as the whole (the candidate found in most live articles: 垃圾分类) and the words
    read apart (`words_reading`: 志愿 淮安), both counted in the same texts (TOGETHER_IN: the
    titles for initials, then titles and texts). The whole string is taken when it is found in
    at least WHOLE_SHARE of the articles that hold the words apart. The dearer search for
    candidates stops at `deadline` (time.thread_time; default READING_BUDGET from now)."""
    deadline = time.thread_time() + READING_BUDGET if deadline is None else deadline
    letters = normalize_query(query)
    if letters is None:
        return None
    parts = [p for p in (normalize_query(x) for x in query.split()) if p]
    for kind in kinds_of(letters):
        # words of the index spelling the letters (look-ups only); a word and what follows it in
        # the archive (the dearer search) only when none of them is found
        cands = spelled(table, letters, kind)[:SPELL_COUNT]
        if not count_candidates(net, live, cands):
            cands = candidates(table, net, letters, kind, deadline=deadline)[:MAX_CANDIDATES]
        for texts in dict.fromkeys((TOGETHER_IN[kind], TEXTS)):
            found = count_candidates(net, live, cands, texts)
            apart = _together(table, live, parts if len(parts) > 1 else [letters], kind, texts, net=net)
            ranked = _ranked(found, apart)
            if ranked:
                (text, n), *rest = ranked
                others = tuple((t, m) for t, m in rest if m >= ALT_RATIO * n)[:ALTERNATIVES]
                return Reading(letters, kind, text, n, others)
    return None


def _ranked(found: list[tuple[str, int]], apart: list[tuple[tuple[str, ...], int, float]]) -> list[tuple[str, int]]:
    """The readings of one kind, best first: strings reading as the whole (`found`, with their
    articles) weighed against words held together (`apart`) — a string counts as 1 / WHOLE_SHARE
    times its articles (it wins when found in WHOLE_SHARE of the articles holding the words apart).
    A reading of words that spells a string already ranked is left out."""
    scored = [(n / WHOLE_SHARE, 0, t, n) for t, n in found]
    scored += [(w, 1, " ".join(ws), n) for ws, n, w in apart]
    scored.sort(key=lambda s: (-s[0], s[1]))
    out: dict[str, tuple[str, int]] = {}
    for _s, _w, text, n in scored:
        out.setdefault(text.replace(" ", ""), (text, n))
    return list(out.values())


def spelled(table: PinyinTable, letters: str, kind: str) -> list[tuple[str, float]]:
    """Strings reading as `letters` made of words of the index: a word reading as the whole,
    then every way of cutting the letters into words' keys (`_pieces`) with the SOUND_WORDS most
    frequent words of each piece, joined; the prior is the least frequent word's frequency."""
    prior: dict[str, float] = {w: float(n) for w, n in table.words(letters, kind)[:MAX_CANDIDATES]}
    for pieces in _pieces(table, [letters], kind)[:MAX_WAYS]:
        made: list[tuple[str, float]] = [("", float("inf"))]
        for piece in pieces:
            ws = table.words(piece, kind)[:SOUND_WORDS]
            made = [(m + w, min(p, n)) for m, p in made for w, n in ws][:SPELL_LIMIT]
        for text, p in made:
            prior[text] = max(prior.get(text, 0.0), p)
    return sorted(prior.items(), key=lambda tp: (-tp[1], tp[0]))


def count_candidates(net: Net, live: Any, cands: list[tuple[str, float]],
                     texts: tuple[str, ...] = TEXTS) -> list[tuple[str, int]]:
    """The candidates found in live articles (in one of `texts`), with how many, most first."""
    out = []
    for text, _p in cands:
        docs = net.find(text).docs_in(texts)
        n = int(live[docs].sum()) if len(docs) else 0
        if n:
            out.append((text, n))
    return sorted(out, key=lambda tn: -tn[1])


def _spelled(table: PinyinTable, per: list[str], text: str, changes: int) -> list[tuple[str, float]]:
    """Strings that read as `text` (its characters' readings `per`) spelled anew from words of
    the index, piece by piece (a word of two characters or more reading as the piece, the
    SOUND_WORDS most frequent; or a character kept as typed), changing at most `changes`
    characters; the prior is the least frequent word's frequency. Dictionary look-ups only."""
    out: dict[str, float] = {}
    n = len(text)

    def grow(i: int, made: str, prior: float, changed: int) -> None:
        if len(out) >= SPELL_LIMIT:
            return
        if i == n:
            if changed:
                out[made] = max(out.get(made, 0.0), prior)
            return
        grow(i + 1, made + text[i], prior, changed)
        for j in range(i + 2, n + 1):
            key = "".join(per[i:j])
            for w, c in [wc for wc in table.words(key, "full") if len(wc[0]) == j - i][:SOUND_WORDS]:
                diff = changed + sum(a != b for a, b in zip(w, text[i:j]))
                if diff <= changes:
                    grow(j, made + w, min(prior, c), diff)

    grow(0, "", float("inf"), 0)
    return sorted(out.items(), key=lambda tp: (-tp[1], tp[0]))


def same_sound(table: PinyinTable, net: Net, live: Any, text: str, changes: int = 2,
               deadline: float | None = None) -> list[tuple[str, int]]:
    """Strings of the archive of `text`'s length that read as it does (its characters' first
    readings) and differ from it in at most `changes` characters: 旅游赤醑 → 旅游持续. For
    typos made with a pinyin keyboard. First spelled from the index's words (`_spelled`); when
    that finds nothing in the archive, and `deadline` (time.thread_time) has not passed, a word
    and what follows it in the archive (`candidates`, the dearer search)."""
    import time

    per = [char_readings(c)[:1] for c in text]
    if not all(per):
        return []
    readings = [p[0] for p in per]
    found = count_candidates(net, live, _spelled(table, readings, text, changes)[:MAX_CANDIDATES])
    if found or (deadline is not None and time.thread_time() > deadline):
        return found
    letters = "".join(readings)
    ends = frozenset(sum(len(r) for r in readings[:k]) for k in range(2, len(readings)))  # character edges
    cands = [(c, p) for c, p in candidates(table, net, letters, "full", ends)
             if len(c) == len(text) and c != text and sum(a != b for a, b in zip(c, text)) <= changes]
    return count_candidates(net, live, cands[:MAX_CANDIDATES])
