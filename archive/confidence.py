"""OCR confidence: when a page of text read from a scan needs a person to check it.

A page's confidence is the mean of its lines' recognition scores
(Bulletin.ocr, one per page, 0–1). `bulletins check`, the index and the
bulletin page all judge it by this one threshold.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["LOW_CONFIDENCE", "low_confidence_pages", "ocr_summary"]

LOW_CONFIDENCE = 0.8  # an OCR page whose mean confidence is below this is flagged for a person to check


def low_confidence_pages(ocr: Sequence[float], threshold: float = LOW_CONFIDENCE) -> list[int]:
    """The 1-based pages whose OCR confidence is below `threshold`."""
    return [k for k, c in enumerate(ocr, 1) if c < threshold]


def ocr_summary(ocr: Sequence[float], threshold: float = LOW_CONFIDENCE) -> dict[str, Any] | None:
    """What a reader is told of text from OCR: the confidence of each page and of
    the whole (the mean of its pages), and the pages below `threshold`; None
    when the text did not come from OCR."""
    if not ocr:
        return None
    pages = [round(float(c), 4) for c in ocr]
    return {
        "pages": pages,
        "confidence": round(sum(pages) / len(pages), 4),
        "threshold": threshold,
        "low_pages": low_confidence_pages(pages, threshold),
    }
