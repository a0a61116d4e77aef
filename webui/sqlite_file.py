"""One SQLite file of the instance folder, its tables made on first use (the access and
alerts stores are each one)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["SqliteFile"]


class SqliteFile:
    """`path`, whose `schema` script is run once per object, before its first use."""

    def __init__(self, path: Path, schema: str, timeout: float) -> None:
        self.path = Path(path)
        self._schema = schema
        self._timeout = timeout
        self._lock = threading.Lock()
        self._ready = False  # the tables exist (made once per store object)

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        """A connection in a transaction (committed on leaving, rolled back on an error), closed after."""
        if not self._ready:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.path, timeout=self._timeout)
        try:
            if not self._ready:
                with self._lock:
                    con.executescript(self._schema)
                    self._ready = True
            with con:
                yield con
        finally:
            con.close()
