"""Named errors of the archive: each says which file and why."""

from __future__ import annotations


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
