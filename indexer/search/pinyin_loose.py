"""Pinyin typed loosely: a southern accent's syllables and one slipped letter.

Input methods offer "fuzzy pinyin" (模糊音) because many people do not hear or type
zh/z, ch/c, sh/s, n/l, ing/in, eng/en or ang/an apart (`ziyuan fuwu` for 志愿服务,
`huanjin` for 环境). And a letter is easily left out, typed twice or swapped with
its neighbour (`zhiyaun`, `lajifnelei`). Letters that read as nothing in the archive
as typed are respelled here (`respellings`), and the caller reads the respellings
that are keys of the index's own words, best first (`understand.pinyin_reading`).

Only a respelling that reads as words of the archive is offered: the index decides,
not a list of the syllables people confuse.
"""

from __future__ import annotations

import time
from functools import lru_cache

from indexer.search.pinyin import PinyinTable, splits, syllables

# syllable beginnings and endings a southern accent (and a fuzzy-pinyin keyboard) mixes up
FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("z", "zh"), ("c", "ch"), ("s", "sh"),
                  ("n", "l"), ("l", "n"), ("f", "h"), ("h", "f"), ("r", "l"))
FUZZY_FINALS = (("ing", "in"), ("in", "ing"), ("eng", "en"), ("en", "eng"), ("ang", "an"), ("an", "ang"),
                ("uang", "uan"), ("uan", "uang"))
FUZZY_CHANGES = 2  # syllables respelled by accent in one part, at most
SPLITS = 4  # ways of cutting a part into syllables tried for accent respellings
RESPELLINGS = 4  # respellings of one part returned, at most (fewest changes, then commonest words)
CUT_WORDS = 5  # words a respelled part is cut into, at most, to find it reads as words of the archive
MIN_SLIP = 4  # letters a part must have before one slipped letter is put right …
MAX_SLIP = 14  # … and at most this many (a longer part is cut into words by spaces first)
# letters put back where one was left out: a pinyin word loses a vowel or a final's n, g or h
# far more often than anything else (and testing every letter costs five times as much)
PUT_BACK = "aeiouvnghr"
# the keys next to each key of a QWERTY keyboard: a wrong key typed is one of these
NEIGHBOURS = {k: set(v) for k, v in {
    "q": "wa", "w": "qeas", "e": "wrsd", "r": "etdf", "t": "ryfg", "y": "tugh", "u": "yihj", "i": "uojk",
    "o": "ipkl", "p": "ol", "a": "qwsz", "s": "awedxz", "d": "serfcx", "f": "drtgvc", "g": "ftyhbv",
    "h": "gyujnb", "j": "huikmn", "k": "jiolm", "l": "kop", "z": "asx", "x": "zsdc", "c": "xdfv",
    "v": "cfgb", "b": "vghn", "n": "bhjm", "m": "njk"}.items()}


def _fuzz(syl: str) -> list[str]:
    """The syllables an accent may have typed for `syl`, or meant by it (both ways)."""
    out = []
    for a, b in FUZZY_INITIALS:
        if syl.startswith(a) and not (len(a) == 1 and syl[1:2] == "h" and a in "zcs"):
            out.append(b + syl[len(a):])
    for a, b in FUZZY_FINALS:
        if syl.endswith(a) and not syl.endswith(a + "g"):
            out.append(syl[: len(syl) - len(a)] + b)
    known = syllables()
    return [s for s in dict.fromkeys(out) if s in known and s != syl]


@lru_cache(maxsize=2048)
def syllable_splits(letters: str, limit: int = SPLITS) -> tuple[tuple[str, ...], ...]:
    """Ways of cutting `letters` into whole syllables, fewest syllables first, `limit` at most."""
    syl = syllables()
    ways: dict[int, list[tuple[str, ...]]] = {0: [()]}
    for i in range(1, len(letters) + 1):
        got = [(*w, letters[j:i]) for j in range(max(0, i - 6), i)
               if letters[j:i] in syl for w in ways.get(j, ())]
        if got:
            ways[i] = sorted(got, key=len)[: limit * 2]
    return tuple(sorted(ways.get(len(letters), []), key=len)[:limit])


def accent_respellings(letters: str) -> dict[str, int]:
    """Respellings of `letters` with one or two syllables changed by accent (zi → zhi, yin → ying),
    each with the number of syllables changed."""
    out: dict[str, int] = {}
    for way in syllable_splits(letters):
        alts = [_fuzz(s) for s in way]
        for i, alt in enumerate(alts):
            for a in alt:
                one = (*way[:i], a, *way[i + 1:])
                out.setdefault("".join(one), 1)
                if FUZZY_CHANGES < 2:
                    continue
                for j in range(i + 1, len(way)):
                    for b in alts[j]:
                        out.setdefault("".join((*one[:j], b, *one[j + 1:])), 2)
    out.pop(letters, None)
    return out


def slip_respellings(letters: str) -> set[str]:
    """Respellings of `letters` with one letter put right: one left out (any letter put back),
    one typed twice, two swapped, or a neighbouring key typed for one; each a run of whole syllables."""
    if not MIN_SLIP <= len(letters) <= MAX_SLIP:
        return set()
    out: set[str] = set()
    n = len(letters)
    for i in range(n):
        out.add(letters[:i] + letters[i + 1:])
        if i + 1 < n:
            out.add(letters[:i] + letters[i + 1] + letters[i] + letters[i + 2:])
        for c in NEIGHBOURS.get(letters[i], ()):
            out.add(letters[:i] + c + letters[i + 1:])
    for i in range(n + 1):
        for c in PUT_BACK:
            out.add(letters[:i] + c + letters[i:])
    out.discard(letters)
    return {t for t in out if _splits(t)}


_splits = lru_cache(maxsize=8192)(splits)


def word_score(table: PinyinTable, letters: str) -> float:
    """How well `letters` reads as words of the archive: the document frequency of the commonest
    word reading as the whole, else of the rarest word in the best cut into words'
    keys, CUT_WORDS at most (0: it reads as no words of the archive)."""
    whole = table.words(letters, "full")
    if whole:
        return float(whole[0][1])
    best = 0.0
    for way in syllable_splits(letters):
        # cut the syllables into runs, each run a key of a word (2–4 syllables a word)
        best = max(best, _cut_score(table, way, 0))
    return best


def _cut_score(table: PinyinTable, way: tuple[str, ...], start: int, depth: int = 0) -> float:
    if start == len(way):
        return float("inf")
    if depth >= CUT_WORDS:
        return 0.0
    best = 0.0
    for end in range(start + 2, min(len(way), start + 4) + 1):  # (a word has two characters or more)
        got = table.words("".join(way[start:end]), "full")
        if got:
            best = max(best, min(float(got[0][1]), _cut_score(table, way, end, depth + 1)))
    return best


def respellings(table: PinyinTable, letters: str, deadline: float | None = None,
                slips: bool = True) -> list[str]:
    """The respellings of one part's `letters` that read as words of the archive, best first:
    fewest changes (an accent's syllable counts one, a slipped letter one), then the commonest
    words; RESPELLINGS at most. Slipped letters (with `slips`) are tried only while `deadline`
    (time.thread_time) has not passed."""
    scored: list[tuple[int, float, str]] = []
    for text, changes in accent_respellings(letters).items():
        if (s := word_score(table, text)) > 0:
            scored.append((changes, -s, text))
    for text in slip_respellings(letters) if slips else ():
        if deadline is not None and time.thread_time() > deadline:
            break
        if (s := word_score(table, text)) > 0:
            scored.append((1, -s, text))
    scored.sort()
    return list(dict.fromkeys(t for _c, _s, t in scored))[:RESPELLINGS]
