"""The saved-search store (issue 20): subscriptions and the ledger of what was new when.

One small SQLite file in the instance folder (`var/instance/alerts.sqlite3`), beside the
account store and for the same reason: the web app's threads (subscribe, confirm,
unsubscribe) and the CLI (`bulletins index` / `add`, which send the digests) both write it.
Nothing here imports Flask.

"New" is kept with a ledger, not with timestamps of the index: every issue (bulletin id)
is entered once, with the number of the run that first saw it (`seq`). A subscription's
watermark is the run it was last sent for; its new articles are those of issues entered
after it. A re-index, a `--rebuild` or a changed file keeps its issues' ids, so nothing
is sent twice; an issue whose id changes (a 更正 of its series, number or date) is new.
A run that fails to send keeps the watermark, so the same articles go next time.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from webui.sqlite_file import SqliteFile

DB_NAME = "alerts.sqlite3"
MAX_PER_ADDRESS = 20  # subscriptions one address may hold
MAX_UNCONFIRMED = 3  # unconfirmed ones per address (each sent a confirmation e-mail)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS subscriptions (
    id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, query TEXT NOT NULL, email TEXT NOT NULL,
    user TEXT, confirmed INTEGER NOT NULL DEFAULT 0, watermark INTEGER NOT NULL, base_url TEXT NOT NULL,
    created REAL NOT NULL, last_sent REAL, last_error TEXT);
CREATE TABLE IF NOT EXISTS seen (bulletin TEXT PRIMARY KEY, seq INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""


class SubscriptionError(ValueError):
    """A subscription the store refuses (too many for one address …); the message is Chinese."""


@dataclass(frozen=True)
class Subscription:
    id: int
    name: str
    query: str  # the search's URL query string (indexer.present.params state, without its page)
    email: str
    user: str | None  # the signed-in user it belongs to (accounts on), else None
    confirmed: bool
    watermark: int  # the ledger run it was last sent for
    base_url: str  # the address the subscriber used (links when BULLETINS_BASE_URL is unset)
    last_error: str | None = None


class AlertsStore(SqliteFile):
    """Subscriptions and the ledger, in `folder`/alerts.sqlite3."""

    def __init__(self, folder: Path) -> None:
        super().__init__(Path(folder) / DB_NAME, _SCHEMA, timeout=30)

    @staticmethod
    def exists(folder: Path) -> bool:
        """Whether any subscription was ever made here (the index run skips everything otherwise)."""
        return (Path(folder) / DB_NAME).is_file()

    # -- the ledger ---------------------------------------------------------------------------

    def catch_up(self, bulletins: Iterable[str]) -> int:
        """Enter the issues not seen before under a new run number; the current run number."""
        ids = list(bulletins)
        with self._db() as con:
            row = con.execute("SELECT value FROM meta WHERE key = 'seq'").fetchone()
            seq = int(row[0]) if row else 0
            known = {r[0] for r in con.execute("SELECT bulletin FROM seen")}
            fresh = [b for b in dict.fromkeys(ids) if b not in known]
            if fresh:
                seq += 1
                con.executemany("INSERT INTO seen (bulletin, seq) VALUES (?, ?)", [(b, seq) for b in fresh])
                con.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('seq', ?)", (seq,))
            return seq

    def entered_between(self, after: int, upto: int) -> list[str]:
        """The issues first seen in runs after `after`, up to `upto`."""
        with self._db() as con:
            return [r[0] for r in con.execute("SELECT bulletin FROM seen WHERE seq > ? AND seq <= ?", (after, upto))]

    # -- subscriptions ------------------------------------------------------------------------

    def add(self, name: str, query: str, email: str, user: str | None, base_url: str, watermark: int) -> Subscription:
        """A new unconfirmed subscription (SubscriptionError when the address holds too many)."""
        with self._db() as con:
            held = con.execute("SELECT count(*), sum(confirmed = 0) FROM subscriptions WHERE email = ?",
                               (email,)).fetchone()
            if held[0] >= MAX_PER_ADDRESS:
                raise SubscriptionError(f"地址 {email} 已有 {held[0]} 个订阅（最多 {MAX_PER_ADDRESS} 个）：请先退订不用的")
            if (held[1] or 0) >= MAX_UNCONFIRMED:
                raise SubscriptionError(f"地址 {email} 已有 {held[1]} 个订阅等待确认：请先点击确认邮件中的链接")
            cur = con.execute(
                "INSERT INTO subscriptions (name, query, email, user, watermark, base_url, created) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)", (name, query, email, user, watermark, base_url, time.time()))
            sub_id = int(cur.lastrowid or 0)
        got = self.get(sub_id)
        assert got is not None
        return got

    def get(self, sub_id: int) -> Subscription | None:
        with self._db() as con:
            row = con.execute(f"SELECT {_COLUMNS} FROM subscriptions WHERE id = ?", (sub_id,)).fetchone()
        return _sub(row) if row else None

    def confirm(self, sub_id: int) -> Subscription | None:
        """Mark it confirmed (idempotent); None when it no longer exists."""
        with self._db() as con:
            con.execute("UPDATE subscriptions SET confirmed = 1 WHERE id = ?", (sub_id,))
        return self.get(sub_id)

    def remove(self, sub_id: int) -> bool:
        """Remove it; whether it existed."""
        with self._db() as con:
            return con.execute("DELETE FROM subscriptions WHERE id = ?", (sub_id,)).rowcount > 0

    def of(self, email: str | None = None, user: str | None = None) -> list[Subscription]:
        """The subscriptions of an address, or of a signed-in user, oldest first."""
        where, arg = ("user = ?", user) if user is not None else ("email = ?", email)
        with self._db() as con:
            rows = con.execute(f"SELECT {_COLUMNS} FROM subscriptions WHERE {where} ORDER BY id", (arg,)).fetchall()
        return [_sub(r) for r in rows]

    def confirmed(self) -> list[Subscription]:
        with self._db() as con:
            rows = con.execute(f"SELECT {_COLUMNS} FROM subscriptions WHERE confirmed = 1 ORDER BY id").fetchall()
        return [_sub(r) for r in rows]

    def sent(self, sub_id: int, seq: int) -> None:
        """Its digest up to run `seq` went out (or there was nothing new): move the watermark."""
        with self._db() as con:
            con.execute("UPDATE subscriptions SET watermark = max(watermark, ?), last_sent = ?, last_error = NULL "
                        "WHERE id = ?", (seq, time.time(), sub_id))

    def failed(self, sub_id: int, error: str) -> None:
        """Sending failed: the watermark stays (the same articles are tried next time)."""
        with self._db() as con:
            con.execute("UPDATE subscriptions SET last_error = ? WHERE id = ?", (error, sub_id))


_COLUMNS = "id, name, query, email, user, confirmed, watermark, base_url, last_error"


def _sub(row: tuple[object, ...]) -> Subscription:
    return Subscription(int(row[0]), str(row[1]), str(row[2]), str(row[3]), row[4] if row[4] is None else str(row[4]),
                        bool(row[5]), int(row[6]), str(row[7]), None if row[8] is None else str(row[8]))  # type: ignore[arg-type]
