"""What follows a string in the archive: multi-word phrases read from the substring net.

jieba splits many of the phrases people type (垃圾分类 is 垃圾 + 分类), so they
are no word of the lexicon. The substring net (indexer.store.sufarray) knows them
anyway: the suffixes starting with a prefix are one range of a segment's
suffix array, the characters after each occurrence are `chars[pos + len:]`,
and the `edges` bits say where jieba's words begin. So `continuations` reads,
for a sample of a prefix's occurrences, the next characters up to a word edge,
and counts them: 垃圾 → 垃圾分类 (412), 垃圾处理 (57)… Nothing is written at
build time; the caller caches what it needs per index version.
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np

from indexer.store.substring import Net

SAMPLE = 1500  # occurrences read per segment (spread evenly over the prefix's range)
MAX_EXTEND = 8  # characters read after the prefix
_HAN = re.compile(r"[\u4e00-\u9fff]")
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")


def _han_ok(s: str) -> bool:
    return all(_HAN.match(c) for c in s)


def continuations(net: Net, prefix: str, extend: int = MAX_EXTEND, sample: int = SAMPLE,
                  words: int = 1, min_words: int | None = None) -> Counter[str]:
    """Occurrences of `prefix` + its next characters up to each of the `min_words`-th to the
    `words`-th word edges after the prefix's end (the first completes the word the prefix
    ends inside: 垃圾分 → 垃圾分类), ending in a word of two characters or more, Chinese
    characters only, at most `extend` of them; at most `sample` occurrences read per
    segment, scaled back to whole counts. `prefix` is a unit string of Chinese characters.
    With `words=0`, every run of the next characters that ends on a word edge, however
    many edges it crosses (up to `extend` Chinese characters)."""
    out: Counter[str] = Counter()
    n = len(prefix)
    min_words = words if min_words is None else min_words
    for seg, _offset in net.parts:
        pattern = seg.encode(prefix)
        if pattern is None:
            continue
        lo, hi = seg.range(pattern)
        if hi <= lo:
            continue
        idx = np.arange(lo, hi) if hi - lo <= sample else np.linspace(lo, hi - 1, sample).astype(np.int64)
        scale = (hi - lo) / len(idx)
        pos = seg.sa[idx].astype(np.int64) + n
        ahead = np.minimum(pos[:, None] + np.arange(extend + 1)[None, :], len(seg.chars) - 1)
        codes = seg.alphabet[seg.chars[ahead].astype(np.int64)]
        edge = seg.edge(ahead.ravel()).reshape(ahead.shape)
        here: Counter[str] = Counter()
        for row_codes, row_edge in zip(codes.tolist(), edge.tolist()):
            if not words:  # every run up to a word edge, of up to `extend` Chinese characters
                tail = "".join(map(chr, row_codes[:extend]))
                m = _HAN_RUN.match(tail)
                for k in range(1, m.end() + 1 if m else 0):
                    if row_edge[k]:
                        here[tail[:k]] += 1
                continue
            tail = "".join(map(chr, row_codes[:extend]))
            m = _HAN_RUN.match(tail)
            han = m.end() if m else 0
            passed, last = 0, 0 if row_edge[0] else None  # where the current word began
            for k in range(1, min(extend, han) + 1):
                if row_edge[k]:
                    passed += 1
                    # a phrase ends in a word of two characters or more (not 发展的, 发展和)
                    if passed >= min_words and (last is None or k - last >= 2):
                        here[tail[:k]] += 1
                    if passed == words:
                        break
                    last = k
        for tail, c in here.items():
            out[prefix + tail] += round(c * scale)
    return out


def phrase_counts(net: Net, prefix: str, max_words: int = 2) -> Counter[str]:
    """Phrases starting with `prefix` that end on a word edge, 1..max_words words past it."""
    return continuations(net, prefix, words=max_words, min_words=1)
