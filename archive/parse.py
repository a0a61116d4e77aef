"""Parse a bulletin file: read by its format's reader (archive.readers), then parsed.

Text and Markdown go to today's parsers as before; every other format reaches
the raw-text parser as its paragraphs' text (`_bulletin_from_document`, the one
bridge the 简报/公文 layout parser replaces with `parse_document(doc)`).
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from archive.document import Document

from archive.errors import BulletinError, BulletinParseError
from archive.mdparse import parse_markdown
from archive.model import Bulletin
from archive.readers import read_document
from archive.textparse import parse_raw_text

__all__ = ["is_markdown", "parse_file", "parse_text"]

MARKDOWN_SUFFIXES = {".md", ".markdown"}
_MD_TITLE = re.compile(r"^\ufeff?\s*#\s+\S")


def is_markdown(text: str, path: str) -> bool:
    """Markdown when the name says so (.md, .markdown) or the text opens with a `# ` title."""
    if Path(path).suffix.lower() in MARKDOWN_SUFFIXES:
        return True
    first = next((ln for ln in text.split("\n") if ln.strip()), "")
    return bool(_MD_TITLE.match(first))


def parse_text(text: str, path: str) -> Bulletin:
    """A Bulletin from already-decoded text; `path` names the source in ids and errors.

    Raises BulletinParseError when the text holds nothing to archive.
    """
    if not text.strip():
        raise BulletinParseError(path, "no text")
    try:
        if is_markdown(text, path):
            return parse_markdown(text, path)
        return parse_raw_text(text, path)
    except BulletinError:
        raise
    except (ValueError, IndexError, KeyError, RecursionError) as exc:  # a parser bug: name the file
        raise BulletinParseError(path, f"cannot parse: {type(exc).__name__}: {exc}") from exc


def _bulletin_from_document(doc: Document) -> Bulletin:
    """A Bulletin from any format's Document (a minimal bridge until the layout parser lands)."""
    if doc.format in ("text", "markdown") and doc.source is not None:
        return parse_text(doc.source, doc.name)
    # One paragraph per blank-line-separated block, as raw text is written.
    text = "\n\n".join(p.text.replace("\t", "  ") for p in doc.paragraphs if p.kind == "body" and p.text)
    try:
        b = parse_raw_text(text, doc.name) if text.strip() else None
    except BulletinError:
        raise
    except (ValueError, IndexError, KeyError, RecursionError) as exc:
        raise BulletinParseError(doc.name, f"cannot parse: {type(exc).__name__}: {exc}") from exc
    if b is None:
        raise BulletinParseError(doc.name, "no text")
    return dataclasses.replace(b, format=doc.format, ocr=tuple(doc.ocr), warnings=(*doc.warnings, *b.warnings))


def parse_file(path: Path) -> Bulletin:
    """Read and parse one source file of any format. Raises BulletinReadError or BulletinParseError."""
    return _bulletin_from_document(read_document(Path(path)))
