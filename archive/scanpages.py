"""Where the OCR read each line of a scanned page: the boxes behind the scan view (issue 20).

The OCR worker gives, per page, its lines' boxes in pixels of the image it read
(after its own deskew by `angle` degrees). A `ScanPage` keeps them as fractions of
that image (0–1, y down), so the page rendered at any size, turned by the same
angle, lines up with them. `hits` finds where search terms fall on a page: the
part of a line's box their characters take, in proportion to the line's text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["Box", "ScanPage", "hits"]

_DIGITS = 4  # fractions kept to 1/10,000 of the page: well under a pixel at any view size


@dataclass(frozen=True)
class Box:
    """One OCR line: its text, box (fractions of the page) and recognition score."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    confidence: float


@dataclass(frozen=True)
class ScanPage:
    """One OCR'd page: its number (1-based), the deskew angle the OCR applied, and its lines."""

    page: int
    angle: float
    lines: tuple[Box, ...]

    @classmethod
    def from_ocr(cls, page: int, result: dict[str, Any]) -> "ScanPage":
        """From the OCR worker's result for a page: items [text, x0, x1, top, bottom, score] in pixels."""
        w = float(result.get("width") or 0) or 1.0
        h = float(result.get("height") or 0) or 1.0
        lines = tuple(
            Box(str(text), round(x0 / w, _DIGITS), round(top / h, _DIGITS), round(x1 / w, _DIGITS),
                round(bottom / h, _DIGITS), round(float(score), 3))
            for text, x0, x1, top, bottom, score in (result.get("items") or [])
        )
        lines = tuple(sorted(lines, key=lambda b: (round(b.y0, 2), b.x0)))
        return cls(page, round(float(result.get("angle") or 0.0), 2), lines)

    def to_json(self) -> dict[str, Any]:
        return {"page": self.page, "angle": self.angle,
                "lines": [[b.text, b.x0, b.y0, b.x1, b.y1, b.confidence] for b in self.lines]}

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> "ScanPage":
        return cls(int(raw["page"]), float(raw.get("angle") or 0.0),
                   tuple(Box(str(t), float(a), float(b), float(c), float(d), float(e)) for t, a, b, c, d, e in raw["lines"]))


def _fold(text: str) -> str:
    """Text as matched: NFKC (full- and half-width alike), lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def hits(page: ScanPage, terms: Iterable[str]) -> list[Box]:
    """The boxes of `page` where any of `terms` occurs: for each occurrence in a line, the
    part of the line's box its characters take (in proportion to their place in the line;
    white space inside the line and the term ignored)."""
    wanted = [t for t in (re.sub(r"\s+", "", _fold(t)) for t in terms) if t]
    out: list[Box] = []
    for line in page.lines:
        raw = _fold(line.text)
        keep = [i for i, ch in enumerate(raw) if not ch.isspace()]
        squashed = "".join(raw[i] for i in keep)
        if not squashed:
            continue
        for term in wanted:
            for m in re.finditer(re.escape(term), squashed):
                start, end = keep[m.start()], keep[m.end() - 1] + 1
                width = line.x1 - line.x0
                out.append(Box(term, round(line.x0 + width * start / len(raw), _DIGITS), line.y0,
                               round(line.x0 + width * end / len(raw), _DIGITS), line.y1, line.confidence))
    return out


def page_text(page: ScanPage) -> list[str]:
    """The page's recognised lines, top to bottom."""
    return [b.text for b in page.lines]


def pages_json(pages: Sequence[ScanPage]) -> list[dict[str, Any]]:
    return [p.to_json() for p in pages]
