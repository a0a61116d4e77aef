"""Chinese analysis for the index: jieba words and character units.

Whoosh pickles the schema, analyzers included, into the index: the classes
below must keep this import path (``indexer.analysis``). The jieba dictionary
itself is never pickled; it is loaded once per process on first use.

Three views of one text:

- words: jieba's precise-mode words, positions are running word numbers and
  offsets point into the original text (phrase queries and ranking);
- units: every Chinese character, every run of other letters and every run
  of digits is one unit; punctuation and space are skipped (substring search).
  A unit that is not a Chinese character is written with a trailing space, so
  that joined units never read alike ("covid 19 " ≠ "covid19 ");
- bigrams: adjacent units joined, positioned by unit number, so any substring
  of two or more units is a phrase of bigrams.

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


def _build_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in range(0x10000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        c = chr(cp)
        n = unicodedata.normalize("NFKC", c).lower()
        if len(n) == 1:
            n = to_simplified(n)  # 簡報 is searched as 简报, both ways (archive.chinese)
        if n != c and len(n) == 1:
            table[cp] = n
    return table


_TABLE: dict[int, str] | None = None


def normalize(text: str) -> str:
    """NFKC, lower case and traditional → simplified, character by character:
    the length never changes.

    Full-width letters and digits become ASCII, Latin letters lower case; a
    character whose NFKC form is longer than one character is kept as it is.
    """
    global _TABLE
    if _TABLE is None:
        _TABLE = _build_table()
    return text.translate(_TABLE)


def units(text: str) -> list[str]:
    """The normalised search units of `text`, in order (see the module doc)."""
    return [c or o + " " for c, o in _UNIT_RE.findall(normalize(text))]


def unit_spans(text: str) -> Iterator[tuple[str, int, int]]:
    """(unit, start, end) for each unit of `text`, offsets into `text`."""
    for m in _UNIT_RE.finditer(normalize(text)):
        c = m.group(1)
        yield (c or m.group(2) + " "), m.start(), m.end()


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
                import rjieba

                tk = rjieba.Jieba()
                for word, freq, tag in user_words():
                    tk.add_word(word, freq, tag)
                _jieba = tk
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
