"""What every format reader gives the bulletin parser: ordered paragraphs with layout hints.

A reader (one per format: text, Markdown, .docx, .doc/.wps, PDF, OCR of scans
and images, OFD, HTML) turns a file's bytes into a `Document`; the layout
parser (简报 and 公文) turns a `Document` into a `Bulletin`. Neither side knows
the other's internals: this module is the whole contract between them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["Document", "Paragraph", "ParagraphKind"]

# "body": running text or a heading; "header"/"footer": a page header or footer
# the format marks as such; "page-number": a page number set aside by the reader;
# "rule": a horizontal rule (the red line under a 报头, the lines of a 版记), text "".
ParagraphKind = Literal["body", "header", "footer", "page-number", "rule"]


@dataclass(frozen=True)
class Paragraph:
    """One paragraph as the format gives it, with the hints the format has.

    Raw text gives one Paragraph per line (the parser rejoins lines split by
    page breaks); formats with real paragraphs (.docx, OFD, HTML) or rebuilt ones
    (PDF, OCR) give whole paragraphs. Hints a format lacks stay None.
    """

    text: str  # as extracted, NFC, no line breaks inside
    page: int | None = None  # 1-based page it starts on
    size: float | None = None  # font size in points (of most of its text)
    bold: bool = False
    color: str | None = None  # "#rrggbb" of most of its text ("#ff0000"-ish for a red 报头)
    align: Literal["left", "center", "right", "justify"] | None = None
    indent: float | None = None  # first-line indent in points (two characters ≈ 2 × size)
    cell: tuple[int, int, int] | None = None  # (table, row, column), 0-based, for text in a table
    kind: ParagraphKind = "body"
    confidence: float | None = None  # OCR confidence in [0, 1]; None when not from OCR


@dataclass(frozen=True)
class Document:
    """A file as a reader read it: what the layout parser works on."""

    name: str  # the path as given, for ids and error messages
    # "text" | "markdown" | "docx" | "doc" | "wps" | "pdf" | "pdf-ocr" | "image" | "ofd" | "ofd-ocr" | "html"
    format: str
    paragraphs: tuple[Paragraph, ...]
    # The decoded source text for "text"/"markdown" (the Markdown parser and the
    # bulletin view need the markup); the sanitisable body HTML for "html"; else None.
    source: str | None = None
    # Metadata the format itself carries, by its Chinese label where it has one:
    # a gov.cn page's 索引号/发文机关/成文日期/发文字号/主题分类/标题, a PDF's 标题/作者.
    meta: Mapping[str, str] = field(default_factory=dict)
    # Per page, the mean OCR confidence in [0, 1] when the text came from OCR; else ().
    ocr: tuple[float, ...] = ()
    warnings: tuple[str, ...] = ()
    # Per OCR'd page, where each recognised line is on it (archive.scanpages.ScanPage); else ().
    scan: tuple[Any, ...] = ()

    @property
    def text(self) -> str:
        """The body paragraphs' text, one per line."""
        return "\n".join(p.text for p in self.paragraphs if p.kind == "body")
