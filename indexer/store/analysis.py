"""Chinese analysis for the index: jieba words and character units.

Whoosh pickles the schema, analyzers included, into the index: the classes
below must keep this import path (``indexer.store.analysis``). The jieba dictionary
itself is never pickled; it is loaded once per process on first use.

Two views of one text:

- words: jieba's precise-mode words (the Whoosh word fields: lexicon, counts);
- units: every Chinese character, every run of other letters and every run
  of digits is one unit; punctuation and space are skipped (substring search).
  As a list (`units`), a unit that is not a Chinese character is written with
  a trailing space, so that joined units never read alike ("covid 19 " ≠
  "covid19 "). As one string (`unit_string`, what the suffix arrays of
  indexer.store.sufarray hold), a Chinese character stands for itself and a run of
  letters or digits is written between two RUN_MARKs: a string of units is
  inside another exactly when its unit string is a substring of the other's.
  `analyse` gives both at once from one jieba cut, the unit string with a
  WORD_MARK where each word begins (for ranking by word edges).

Words come from jieba's algorithm and dictionary as implemented by jieba-rs
(the `rjieba` binding, ~20x faster than the Python package): the Chinese
words are the ones the `jieba` package gives for the same dictionary, which
tests/test_analysis.py checks on real text.

Normalisation (NFKC for single characters, lower case, traditional characters
folded to simplified ones) keeps the text's length, so offsets found on the
normalised text are offsets into the original.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterator
from importlib import resources
from typing import Any

from whoosh.analysis import Token, Tokenizer

from archive.chinese import to_simplified

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
# One unit: a Chinese character (group 1), or a run of other letters or of digits (group 2).
_UNIT_RE = re.compile(f"([{_CJK}])|([^\\W\\d_{_CJK}]+|\\d+)")
# Pieces of a jieba token: a run of Chinese characters, of other letters, or of digits.
PIECE_RE = re.compile(f"[{_CJK}]+|[^\\W\\d_{_CJK}]+|\\d+")


def _fold_char(cp: int) -> str:
    """The normalised form of one code point (itself when it has none of one character)."""
    c = chr(cp)
    if cp >= 0x10000 or 0xD800 <= cp <= 0xDFFF:
        return c
    n = unicodedata.normalize("NFKC", c).lower()
    if len(n) == 1:
        n = to_simplified(n)  # 簡報 is searched as 简报, both ways (archive.chinese)
    return n if len(n) == 1 else c


class _FoldTable(dict):  # type: ignore[type-arg]
    """Code point → its normalised character, each made on first look-up (str.translate
    reads it): a process pays for the characters it meets, not for all 65,536."""

    def __missing__(self, cp: int) -> str:
        c = self[cp] = _fold_char(cp)
        return c


_TABLE = _FoldTable()
# The same as a numpy array over the BMP, for long texts (~10x faster than translate):
# (code point → character, which code points are filled in yet), filled as they are met.
_MAP: Any = None
_LONG = 256  # texts at least this long are mapped through _MAP


def normalize(text: str) -> str:
    """NFKC, lower case and traditional → simplified, character by character:
    the length never changes.

    Full-width letters and digits become ASCII, Latin letters lower case; a
    character whose NFKC form is longer than one character is kept as it is.
    """
    global _MAP
    if len(text) < _LONG:
        return text.translate(_TABLE)
    import numpy as np

    if _MAP is None:  # one assignment: a thread never sees half of it
        _MAP = (np.arange(0x10000, dtype=np.uint32), np.zeros(0x10000, dtype=bool))
    lut, known = _MAP
    try:
        codes = np.frombuffer(text.encode("utf-32-le"), dtype="<u4")
    except UnicodeEncodeError:  # a lone surrogate
        return text.translate(_TABLE)
    bmp = int(codes.max(initial=0)) < 0x10000  # (nearly always: then the code points index the map as they are)
    idx = codes if bmp else np.minimum(codes, 0xFFFF)
    seen = known[idx]
    if not seen.all():  # (once the process has met a text's characters, no pass over them is needed)
        for cp in np.unique(idx[~seen]).tolist():
            lut[cp] = ord(_TABLE[cp])
            known[cp] = True  # after the character: a reader that sees True sees it
    out = lut[idx] if bmp else np.where(codes < 0x10000, lut[idx], codes)
    return out.astype("<u4").tobytes().decode("utf-32-le")


def units(text: str) -> list[str]:
    """The normalised search units of `text`, in order (see the module doc)."""
    return [c or o + " " for c, o in _UNIT_RE.findall(normalize(text))]


def unit_spans(text: str) -> Iterator[tuple[str, int, int]]:
    """(unit, start, end) for each unit of `text`, offsets into `text`."""
    for m in _UNIT_RE.finditer(normalize(text)):
        c = m.group(1)
        yield (c or m.group(2) + " "), m.start(), m.end()


RUN_MARK = "\x02"  # around a run of letters or digits in a unit string
WORD_MARK = "\x03"  # before the first unit of each jieba word (analyse)
_CTRL_RE = re.compile("[\x00-\x03]")  # never part of a text's own units
_RUN_RE = re.compile(f"[^\\W\\d_{_CJK}]+|\\d+")
_WRAP = f"{RUN_MARK}\\g<0>{RUN_MARK}"
_DROP_RE = re.compile(f"[^\\w{RUN_MARK}{WORD_MARK}]|_")
# a word edge inside a run of letters or of digits (the run stays one unit)
_SPLIT_RUN_RE = re.compile(f"(?<=[^\\W\\d_{_CJK}]){WORD_MARK}(?=[^\\W\\d_{_CJK}])|(?<=\\d){WORD_MARK}(?=\\d)")


def _clean(text: str) -> str:
    return _CTRL_RE.sub(" ", normalize(text))


def _unit_string_of(norm: str) -> str:
    return _DROP_RE.sub("", _RUN_RE.sub(_WRAP, norm))


def unit_string(text: str) -> str:
    """The units of `text` as one string (see the module doc): "5G网络" → "\\x025\\x02\\x02g\\x02网络"."""
    return _unit_string_of(_clean(text))


def units_string(us: list[str] | tuple[str, ...]) -> str:
    """The unit string of a list of units (`units`): the same as `unit_string` of their text."""
    return "".join(f"{RUN_MARK}{u[:-1]}{RUN_MARK}" if u.endswith(" ") else u for u in us)


def analyse(text: str) -> tuple[list[str], str]:
    """The words of `text` and its unit string with a WORD_MARK before each word.

    One jieba cut serves both. Removing the marks gives `unit_string(text)`
    exactly (a word edge jieba puts inside a run of letters or digits is dropped).
    """
    norm = _clean(text)
    toks = jieba_tokenizer().cut(norm, True)
    ws = PIECE_RE.findall("\x00".join(toks))
    marked = _unit_string_of(WORD_MARK.join(toks))
    plain = _unit_string_of(norm)
    if marked.replace(WORD_MARK, "") != plain:
        marked = _unit_string_of(_SPLIT_RUN_RE.sub("", WORD_MARK.join(toks)))
        if marked.replace(WORD_MARK, "") != plain:  # never seen: keep the units, lose the edges
            marked = plain
    return ws, marked


def cut(text: str) -> tuple[set[str], str]:
    """The distinct words of `text` and its normalised text with a WORD_MARK between
    jieba's tokens: what `unit_arrays` turns into the marked unit string, a segment
    at a time (the index's path; `analyse` is the same for one text, in Python)."""
    norm = _clean(text)
    toks = jieba_tokenizer().cut(norm, True)
    return set(PIECE_RE.findall("\x00".join(set(toks)))), WORD_MARK.join(toks)


# Character classes of unit_arrays (what _RUN_RE / _DROP_RE decide, per character).
_DROP, _SINGLE, _LETTER, _DIGIT = 0, 1, 2, 3
_CLASS_CACHE: dict[int, int] = {}
_SINGLE_RE = re.compile(f"[{_CJK}]")
_KEPT_RE = re.compile(f"[^\\W_]|[{RUN_MARK}{WORD_MARK}]")


def _class_of(cp: int) -> int:
    c = chr(cp)
    if cp == 1:  # SEP between regions (indexer.store.sufarray): kept, a unit of its own
        return _SINGLE
    if not _KEPT_RE.match(c) or c in (RUN_MARK, WORD_MARK):
        return _DROP
    if _SINGLE_RE.match(c):
        return _SINGLE
    return _DIGIT if c.isdecimal() else _LETTER


def unit_arrays(joined: str) -> tuple["np.ndarray", "np.ndarray"]:
    """The code points of the unit strings of `cut`'s marked texts joined by SEP
    ("\\x01"), and where each word begins in them: what `analyse` gives text by text
    (marks removed, their positions kept), computed with numpy over a whole segment.

    Runs of letters or digits (split by nothing but a word edge) are wrapped in
    RUN_MARKs; punctuation, space and "_" are dropped; a word edge inside a run is
    dropped; an edge lands before the opening RUN_MARK of a run it starts.
    """
    import numpy as np

    raw = np.frombuffer(joined.encode("utf-32-le"), dtype="<u4")
    marks = raw == ord(WORD_MARK)
    at = np.flatnonzero(marks)
    q = at - np.arange(len(at))  # each mark's position among the other characters
    p = raw[~marks]
    del raw, marks, at
    n = len(p)
    present = np.flatnonzero(np.bincount(p)) if n else np.zeros(0, dtype=np.int64)
    lut = np.zeros(int(present[-1]) + 1 if n else 1, dtype=np.uint8)
    for cp in present.tolist():
        k = _CLASS_CACHE.get(cp)
        if k is None:
            k = _CLASS_CACHE[cp] = _class_of(cp)
        lut[cp] = k
    cls = lut[p]
    del lut
    run = cls >= _LETTER
    same_prev = np.zeros(n, dtype=bool)
    same_prev[1:] = cls[1:] == cls[:-1]
    opens = run & ~same_prev
    same_next = np.zeros(n, dtype=bool)
    same_next[:-1] = same_prev[1:]
    closes = run & ~same_next
    del same_next
    kept = cls != _DROP
    index = np.int32 if 3 * n < 2**31 else np.int64
    width = opens.astype(np.uint8) + kept + closes
    offset = np.zeros(n + 1, dtype=index)
    np.cumsum(width, out=offset[1:], dtype=index)
    del width
    out = np.empty(int(offset[-1]), dtype=np.uint32)
    rm = ord(RUN_MARK)
    at_char = offset[:-1] + opens
    out[offset[:-1][opens]] = rm
    out[at_char[kept]] = p[kept]
    out[at_char[closes] + 1] = rm
    del at_char, p, kept, closes, opens
    # word edges: not inside a run (jieba split 2023 into 20|23), else where the word's output begins
    inside = np.zeros(len(q), dtype=bool)
    mid = (q > 0) & (q < n)
    inside[mid] = run[q[mid]] & same_prev[q[mid]]
    q = q[~inside]
    return out, offset[q]


def unit_text(unit: str) -> str:
    """The unit as it appears in normalised text (without its marker space)."""
    return unit.rstrip(" ")


def bigrams(us: list[str]) -> list[str]:
    """Adjacent pairs of units; a lone unit gives no bigram."""
    return [us[i] + us[i + 1] for i in range(len(us) - 1)]


# -- jieba -----------------------------------------------------------------

_jieba_lock = threading.Lock()
_jieba: Any = None


def user_words() -> list[tuple[str, int, str]]:
    """The archive's domain dictionary (indexer/data/userdict.txt): word, frequency, tag."""
    text = (resources.files("indexer") / "data" / "userdict.txt").read_text(encoding="utf-8")
    out = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 3:
            out.append((parts[0], int(parts[1]), parts[2]))
    return out


def jieba_tokenizer() -> Any:
    """The process-wide jieba (jieba-rs) tokenizer with the domain dictionary added."""
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                # rjieba builds its default tokenizer (the dictionary, ~0.12 s) when it is
                # imported; a second rjieba.Jieba() would load it again. The module-level
                # functions are that default tokenizer: the domain words go into it.
                import rjieba

                for word, freq, tag in user_words():
                    rjieba.add_word(word, freq, tag)
                _jieba = rjieba
    return _jieba


def words(text: str) -> Iterator[tuple[str, int, int]]:
    """(word, start, end) for each indexed word of `text`, offsets into `text`.

    Words are jieba's precise cut of the normalised text; a token that mixes
    Chinese and other characters is split into its runs, and punctuation and
    space are dropped.
    """
    norm = normalize(text)
    for tok, start, _end in jieba_tokenizer().tokenize(norm, "default", True):
        for m in PIECE_RE.finditer(tok):
            yield m.group(), start + m.start(), start + m.end()


def word_list(text: str) -> list[str]:
    """Just the words of `text`, in order: what `words` gives, without offsets.

    One regex pass over the joined jieba tokens splits and filters them all
    at once (NUL never belongs to a piece, so no piece spans two tokens).
    """
    return PIECE_RE.findall("\x00".join(jieba_tokenizer().cut(normalize(text), True)))


# -- Whoosh tokenizers ---------------------------------------------------------


class _BaseTokenizer(Tokenizer):
    """Honours Whoosh's tokenizer protocol: positions are running token numbers,
    `chars` give offsets into the original text, boost/stopped reset per token."""

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __hash__(self) -> int:
        return hash(type(self).__name__)

    def _spans(self, value: str) -> Iterator[tuple[str, int, int]]:
        raise NotImplementedError

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            t.original = t.text = value
            t.boost = 1.0
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar = start_char
                t.endchar = start_char + len(value)
            yield t
            return
        for pos, (text, start, end) in enumerate(self._spans(value)):
            t.text = text
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = value[start:end]
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar = start_char + start
                t.endchar = start_char + end
            yield t


class JiebaTokenizer(_BaseTokenizer):
    """Chinese words by jieba (precise mode, HMM on), with offsets and word positions."""

    def _spans(self, value: str) -> Iterator[tuple[str, int, int]]:
        return words(value)


class UnitTokenizer(_BaseTokenizer):
    """Single units: each Chinese character, each run of other letters or digits."""

    def _spans(self, value: str) -> Iterator[tuple[str, int, int]]:
        return unit_spans(value)


class BigramTokenizer(_BaseTokenizer):
    """Adjacent unit pairs, positioned by the first unit's number."""

    def _spans(self, value: str) -> Iterator[tuple[str, int, int]]:
        ms = list(unit_spans(value))
        for (a, sa, _ea), (b, _sb, eb) in zip(ms, ms[1:]):
            yield a + b, sa, eb


def word_pairs(ws: list[str]) -> list[str]:
    """Adjacent word pairs, "w1 w2" (words never hold a space)."""
    return [f"{a} {b}" for a, b in zip(ws, ws[1:])]


class WordPairTokenizer(_BaseTokenizer):
    """Adjacent jieba word pairs, positioned by the first word's number."""

    def _spans(self, value: str) -> Iterator[tuple[str, int, int]]:
        ws = list(words(value))
        for (a, sa, _ea), (b, _sb, eb) in zip(ws, ws[1:]):
            yield f"{a} {b}", sa, eb
