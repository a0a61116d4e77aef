"""Named errors of the archive: each says which file and why."""

from __future__ import annotations

import re


class BulletinError(Exception):
    """Base class: a source file could not be archived."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class BulletinReadError(BulletinError):
    """The file's bytes cannot be read as text (empty, binary, unknown encoding)."""


class BulletinParseError(BulletinError):
    """The text was read but cannot be made into a bulletin (nothing in it to archive).

    The layout parsers never reject a document for one bad line: what a line
    lacks becomes a warning that names the line, and the document is archived.
    """


_UNSHOWN = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")


def shown(text: object) -> str:
    """`text` (a file name, a message naming one) fit for one line of a terminal or a log: control
    characters, line breaks, zero-width and bidirectional marks escaped (`\\n`, `\\x1b`, `\\u202e`), so a
    file's name can neither forge a line of output nor hide part of itself."""
    return _UNSHOWN.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), str(text))
