"""Traditional → simplified folding, one character for one character.

Search and the layout parser compare text with traditional characters folded
to simplified ones (簡報 → 简报, 總第 → 总第, 號 → 号), so 简报 finds 簡報 and
簡報 finds 简报. The folding is a per-character table made once from OpenCC's
`t2s` conversion (the `opencc` wheel carries its dictionaries: nothing is
downloaded), so it never changes the length of a text and offsets found on
the folded text are offsets into the original. Display always keeps the text
as written.

The table goes into the index (indexer.store.analysis folds with it): `opencc` is
pinned, and an upgrade means `bulletins index --rebuild`.
"""

from __future__ import annotations

import re
import threading

__all__ = ["fold_table", "to_simplified"]

# The CJK blocks whose characters OpenCC may map: Unified Ideographs, Extension A,
# Compatibility Ideographs, and a few CJK symbols and punctuation marks.
_RANGES = ((0x3000, 0x303F), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
_TABLE: dict[int, str] | None = None
_ANY: re.Pattern[str] | None = None  # any character the table maps: simplified text skips translate()
_LOCK = threading.Lock()


def _build() -> dict[int, str]:
    import opencc  # a C++ extension: imported on first use only

    t2s = opencc.OpenCC("t2s")
    chars = [chr(cp) for lo, hi in _RANGES for cp in range(lo, hi + 1)]
    # One call on all characters separated by newlines: OpenCC converts phrase by
    # phrase, and a newline between characters keeps every one a phrase of its own.
    converted = t2s.convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # never seen; fall back to one call per character
        converted = [t2s.convert(c) for c in chars]
    return {ord(c): s for c, s in zip(chars, converted) if s != c and len(s) == 1}


def fold_table() -> dict[int, str]:
    """The code point → simplified character table (built once per process)."""
    global _TABLE, _ANY
    if _TABLE is None:
        with _LOCK:
            if _TABLE is None:
                table = _build()
                _ANY = re.compile("[" + "".join(re.escape(chr(cp)) for cp in sorted(table)) + "]")
                _TABLE = table
    return _TABLE


def to_simplified(text: str) -> str:
    """`text` with each traditional character replaced by its simplified form.

    The length never changes (one character for one character), so spans found
    on the result slice the original.
    """
    table = fold_table()
    assert _ANY is not None
    return text.translate(table) if _ANY.search(text) else text
