"""One issue, several originals: an office adds the same issue as Word and then as PDF.

Two files in different formats are the same issue when they parse to the same issue id
(series + year + issue, else 发文字号, else date: `archive.model.make_bulletin_id`) AND their texts agree:
the similarity of their text fingerprints is at least `SAME_TEXT`. Two files that
claim one issue number with different texts are a conflict (one is rejected), not
two originals.

Of the originals of one issue, one is indexed (`preferred`): the format that keeps
the most of the document's structure as its author typed it — Word (paragraphs,
styles and characters as typed) before OFD, HTML and text, before PDF (lines to be
rejoined, hyphenation and punctuation widths re-guessed), before any OCR'd scan
(recognised, not read) — and among equal formats the first by corpus name, so the
choice never depends on the order the files came in. The others are kept and
offered for download beside it.

The fingerprint: the text squashed (NFKC, letters, digits and characters only),
cut into overlapping `SHINGLE`-character pieces, of which the `SKETCH` smallest
hashes are kept (a bottom-k sketch); two sketches estimate the Jaccard similarity of
the two texts' pieces. The pieces are hashed all at once with numpy (a polynomial
of their code points, mixed by splitmix64's finaliser): a hash call per piece cost
a build 29 ms a file. Sketches are never stored, so the hash may change. Threshold measured by `bench/originals.py` (bench/README).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import numpy as np

from archive.model import Bulletin

# Formats by how much of the document's structure they keep: the first is indexed.
FORMAT_RANK: tuple[str, ...] = (
    "docx", "doc", "wps", "ofd", "html", "markdown", "text", "pdf", "ofd-ocr", "pdf-ocr", "image",
)
# What the bulletin page calls each format in 原件：Word · PDF.
FORMAT_NAMES: dict[str, str] = {
    "docx": "Word", "doc": "Word 97", "wps": "WPS", "ofd": "OFD", "html": "网页", "markdown": "Markdown",
    "text": "文本", "pdf": "PDF", "ofd-ocr": "OFD 扫描件", "pdf-ocr": "PDF 扫描件", "image": "扫描图像",
}
SHINGLE = 5  # characters per piece of text compared
SKETCH = 128  # hashes kept per text
# Two texts at least this similar are one issue. Measured (bench/originals.py, 5 real pairs):
# a Word issue and LibreOffice's PDF of it 1.00 each; two different issues at most 0.00.
# Halfway leaves room for OCR's errors in a scanned original.
SAME_TEXT = 0.5

_KEEP = re.compile(r"[\W_]+", re.UNICODE)

Sketch = tuple[int, ...]


def squash(text: str) -> str:
    """Text as compared across formats: NFKC, letters, digits and characters only."""
    return _KEEP.sub("", unicodedata.normalize("NFKC", text))


def _mixed(h: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser over an array of uint64 (wrapping arithmetic)."""
    h = h ^ (h >> np.uint64(30))
    h = h * np.uint64(0xBF58476D1CE4E5B9)
    h = h ^ (h >> np.uint64(27))
    h = h * np.uint64(0x94D049BB133111EB)
    return h ^ (h >> np.uint64(31))


def fingerprint_text(texts: Iterable[str]) -> Sketch:
    """The bottom-`SKETCH` sketch of the texts' `SHINGLE`-character pieces (sorted hashes)."""
    s = squash("".join(texts))
    if not s:
        return ()
    codes = np.frombuffer(s.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    width = min(SHINGLE, len(codes))
    count = len(codes) - width + 1
    h = np.zeros(count, dtype=np.uint64)
    for i in range(width):
        h = h * np.uint64(1_000_003) + codes[i:i + count]
    return tuple(int(x) for x in np.unique(_mixed(h))[:SKETCH])


def fingerprint(b: Bulletin) -> Sketch:
    """The fingerprint of an issue's articles (titles and texts, in order)."""
    return fingerprint_text(t for a in b.articles for t in (a.title, a.text))


def similarity(a: Sketch, b: Sketch) -> float:
    """The estimated Jaccard similarity of two texts' pieces, 0–1 (1: the same text)."""
    if not a or not b:
        return 1.0 if a == b else 0.0
    union = sorted(set(a) | set(b))[:SKETCH]
    both = set(a) & set(b)
    return sum(1 for h in union if h in both) / len(union)


def same_issue(a: Sketch, b: Sketch) -> bool:
    """Whether two files of one issue id are one issue in two originals (their texts agree)."""
    return similarity(a, b) >= SAME_TEXT


def rank(fmt: str | None, relpath: str) -> tuple[int, str]:
    """Sort key of an original: the one with the smallest key is indexed."""
    return (FORMAT_RANK.index(fmt) if fmt in FORMAT_RANK else len(FORMAT_RANK), relpath)


def format_name(fmt: str | None) -> str:
    """The name of an original's format as the bulletin page shows it (Word, PDF …)."""
    return FORMAT_NAMES.get(fmt or "", fmt or "原件")
