"""Parse a bulletin file: raw text or Markdown, chosen by extension and content."""

from __future__ import annotations

import re
from pathlib import Path

from archive.errors import BulletinError, BulletinParseError
from archive.mdparse import parse_markdown
from archive.model import Bulletin
from archive.read import read_text
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


def parse_file(path: Path) -> Bulletin:
    """Read and parse one source file. Raises BulletinReadError or BulletinParseError."""
    return parse_text(read_text(path), str(path))
