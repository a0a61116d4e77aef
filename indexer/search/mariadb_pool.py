"""Connections to the MariaDB servers kept open between searches: one pool per server a
process talks to (indexer.search.mariadb_backend takes its connections here).

The web app makes a backend per request (its reader's access rules are the backend's own);
without a pool each request opened a connection to the head and to every shard (a TCP
handshake, MariaDB's authentication and the session's settings: ~2–10 ms each under load)
and closed them at its end. Now a backend takes a pooled connection per server when it
first needs one and gives it back at `close()`; a server thread reuses what the previous
request gave back. PyMySQL connections are not thread-safe: a connection is held by one
backend (one request) at a time.

A server that restarted leaves its pooled connections dead. The first use of one fails with
a lost-connection error (`lost`); the caller drops it — with every idle connection to that
server (`Pool.drop`) — and tries once more on a fresh connection, which either answers (the
server is back: reconnected without a restart of the archive) or cannot connect (the server
is down: the backend's BackendUnavailableError names it). So a dead server is found on the
first query after it died, and a server that came back is used on the first query after.
"""

from __future__ import annotations

import atexit
import threading
from collections.abc import Callable, Hashable
from typing import Any

POOL_IDLE = 8  # idle connections kept per server (more than the web app's threads are closed on return)
# MariaDB / PyMySQL client error codes of a connection that is gone (server gone away, lost during
# a query, commands out of sync after a broken read, lost reading from the socket)
LOST_CODES = frozenset({2006, 2013, 2014, 2055})


def lost(ex: BaseException) -> bool:
    """Whether `ex` (a PyMySQL error) says the connection itself is gone, not the query wrong."""
    import pymysql

    if isinstance(ex, pymysql.err.InterfaceError):  # (0, '') : used after the socket closed
        return True
    args = getattr(ex, "args", ())
    return isinstance(ex, pymysql.err.OperationalError) and bool(args) and args[0] in LOST_CODES


class Pool:
    """The idle connections to one server (and database, user, session settings)."""

    def __init__(self, connect: Callable[[], Any], limit: int = POOL_IDLE) -> None:
        self.connect = connect
        self.limit = limit
        self.idle: list[Any] = []
        self.lock = threading.Lock()

    def take(self) -> tuple[Any, bool]:
        """(connection, reused): an idle connection (the last given back; it may have died since),
        else a new one (`connect` raises when the server cannot be reached)."""
        with self.lock:
            if self.idle:
                return self.idle.pop(), True
        return self.connect(), False

    def give(self, conn: Any) -> None:
        """Back to the idle list, or closed when it holds `limit` already."""
        with self.lock:
            if len(self.idle) < self.limit:
                self.idle.append(conn)
                return
        close_quietly(conn)

    def drop(self, conn: Any | None = None) -> None:
        """Close `conn` (broken) and every idle connection: a server that dropped one has most
        likely restarted or gone, and its other connections with it."""
        with self.lock:
            idle, self.idle = self.idle, []
        for c in (conn, *idle):
            if c is not None:
                close_quietly(c)

    def close(self) -> None:
        self.drop()


_POOLS: dict[Hashable, Pool] = {}
_LOCK = threading.Lock()


def pool(key: Hashable, connect: Callable[[], Any]) -> Pool:
    """The process's pool for `key` (a server with its database, user and session settings),
    made on first use with `connect` as its way to open a connection."""
    with _LOCK:
        p = _POOLS.get(key)
        if p is None:
            p = _POOLS[key] = Pool(connect)
        return p


def close_all() -> None:
    """Close every pooled connection (at exit; tests that stop their servers)."""
    with _LOCK:
        pools = list(_POOLS.values())
        _POOLS.clear()
    for p in pools:
        p.close()


def close_quietly(conn: Any) -> None:
    """Close a connection that may be broken already (what is left of it)."""
    try:
        conn.close()
    except Exception:  # noqa: BLE001 - a connection already broken closes as it can
        pass


atexit.register(close_all)
