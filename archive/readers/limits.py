"""The limits every reader keeps, so that one hostile or huge file cannot stop a run."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_LIMITS", "Limits"]


@dataclass(frozen=True)
class Limits:
    """Bounds on what one file may cost; a file past any of them is refused with the reason."""

    max_file_bytes: int = 200 * 1024 * 1024  # the file as it comes
    max_part_bytes: int = 64 * 1024 * 1024  # one zip part (docx/ofd) after inflating
    max_total_bytes: int = 256 * 1024 * 1024  # all parts of one zip after inflating
    max_ratio: int = 200  # inflated / compressed size of one zip part (a zip bomb is far past it)
    max_pages: int = 1000  # pages of a PDF or OFD
    max_pixels: int = 60_000_000  # one image (Pillow's bomb limit); a 20,000 × 20,000 scan is refused
    convert_seconds: float = 120.0  # one LibreOffice conversion (.doc/.wps → .docx), killed past it
    ocr_seconds_per_page: float = 60.0  # OCR budget per page (with a floor for model start-up) …
    ocr_min_seconds: float = 30.0  # … but never less than this for a whole file
    ocr_dpi: int = 200  # rasterising image-only PDF pages for OCR


DEFAULT_LIMITS = Limits()
