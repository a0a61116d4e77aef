"""normalize() of long texts (a numpy table filled as characters are met) equals the
per-character definition, for every character of the BMP (others are kept as they are)."""

from __future__ import annotations

import random
import unicodedata

from archive.chinese import to_simplified
from indexer.store.analysis import _LONG, normalize


def _one(c: str) -> str:
    if 0xD800 <= ord(c) <= 0xDFFF or ord(c) >= 0x10000:  # the folding covers the BMP
        return c
    n = unicodedata.normalize("NFKC", c).lower()
    if len(n) == 1:
        n = to_simplified(n)
    return n if len(n) == 1 else c


def test_long_and_short_texts_normalise_alike() -> None:
    every = "".join(chr(cp) for cp in range(0x10000) if not 0xD800 <= cp <= 0xDFFF)
    expected = "".join(map(_one, every))
    assert normalize(every) == expected  # the table path, all at once
    rng = random.Random(11)
    for _ in range(200):  # texts around the threshold, astral characters mixed in
        text = "".join(rng.choice((every[rng.randrange(len(every))], chr(rng.randrange(0x10000, 0x30000))))
                       for _ in range(rng.randrange(_LONG - 5, _LONG + 5)))
        assert normalize(text) == "".join(map(_one, text))
    assert normalize("簡報ＡＢＣ１２３，" * 40) == "简报abc123," * 40
