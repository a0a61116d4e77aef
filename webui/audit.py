"""The audit trail (issue 21): who, when, from where, what — one JSON object a line.

Append-only: records go to `<instance>/audit/audit.jsonl`, rotated by size
(AUDIT_MAX_BYTES, AUDIT_BACKUPS old files kept: stdlib RotatingFileHandler).
A record is one buffered append (the handler flushes each line to the page
cache; no fsync), about as cheap as a log line: measured in bench/access.py.
(A queue and a writer thread were tried first: handing each line to another
thread cost a search more, in GIL switches, than writing it.)

Recorded with accounts on: sign-in, its failure and refusal, sign-out; search
(the query and filters, and how many found), view of an issue, 原件下载,
export (format, how many), feed; add; every user, group, rule and role change
(from the admin page or the CLI, `who` = cli:<login>).
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import logging
import logging.handlers
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

AUDIT_FILE = "audit.jsonl"
AUDIT_MAX_BYTES = 10 * 1024 * 1024
AUDIT_BACKUPS = 50
_LOGGER = "bulletins.audit"

_lock = threading.Lock()
_listeners: dict[str, logging.Handler] = {}


def audit_dir(instance: Path) -> Path:
    return Path(instance) / "audit"


_resolved: dict[str, str] = {}


class _AuditHandler(logging.handlers.RotatingFileHandler):
    """Rotation by size, decided by where the open file is (the standard handler also stats
    the file's path twice per record, to skip rotating a device file: the audit file never is)."""

    def shouldRollover(self, record: logging.LogRecord) -> int:  # noqa: N802 (logging's name)
        if self.stream is None:
            self.stream = self._open()
        return int(self.maxBytes > 0 and self.stream.tell() + len(self.format(record)) + 1 >= self.maxBytes)


def _logger(folder: Path) -> logging.Logger:
    """The audit logger writing under `folder` (one file handler per folder)."""
    key = _resolved.get(str(folder)) or _resolved.setdefault(str(folder), str(Path(folder).resolve()))
    name = f"{_LOGGER}.{abs(hash(key)):x}"
    log = logging.getLogger(name)
    with _lock:
        if key not in _listeners:
            folder.mkdir(parents=True, exist_ok=True)
            handler = _AuditHandler(
                folder / AUDIT_FILE, maxBytes=AUDIT_MAX_BYTES, backupCount=AUDIT_BACKUPS, encoding="utf-8")
            handler.setFormatter(logging.Formatter("%(message)s"))
            _listeners[key] = handler
            log.handlers = [handler]
            log.setLevel(logging.INFO)
            log.propagate = False  # never into the server's own log
    return log


def write(folder: Path, who: str | None, addr: str | None, event: str, **what: Any) -> None:
    """Append one record: {"when", "who", "from", "event", …what}."""
    line = {"when": dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds"),
            "who": who, "from": addr, "event": event, **what}
    key = _resolved.get(str(folder))
    handler = _listeners.get(key) if key is not None else None
    if handler is None:
        _logger(folder)  # (makes the folder's handler)
        handler = _listeners.get(_resolved[str(folder)])
    if handler is not None:  # straight to the handler: a logger would look up its caller's frame first
        handler.handle(logging.makeLogRecord({"msg": json.dumps(line, ensure_ascii=False, default=str),
                                              "levelno": logging.INFO, "levelname": "INFO"}))


def flush(folder: Path) -> None:
    """Close the folder's file (every record so far is in it); the next record opens it again."""
    key = _resolved.get(str(folder)) or str(Path(folder).resolve())
    with _lock:
        handler = _listeners.pop(key, None)
    if handler is not None:
        logging.getLogger(f"{_LOGGER}.{abs(hash(key)):x}").handlers = []
        handler.close()


def record(event: str, **what: Any) -> None:
    """Append a record for the current request (accounts on only): who is the signed-in user
    (or `user=` given, for sign-in events), from is the client's address."""
    from flask import current_app, g, request

    if not current_app.config.get("ACCOUNTS"):
        return
    user = g.get("user")
    given = what.pop("user", None)
    who = user.name if user is not None else given
    write(audit_dir(Path(current_app.config["ACCESS_DIR"])), who, request.remote_addr, event, **what)


def cli_record(instance: Path, event: str, **what: Any) -> None:
    """A record for a change made with the CLI (who = cli:<the login running it>)."""
    try:
        login = getpass.getuser()
    except Exception:  # pragma: no cover - no login name
        login = "?"
    write(audit_dir(instance), f"cli:{login}", "local", event, **what)
    flush(audit_dir(instance))


def read(folder: Path) -> Iterator[dict[str, Any]]:
    """Every record, oldest first (the rotated files, then the current one)."""
    files = sorted(folder.glob(f"{AUDIT_FILE}.*"), key=lambda p: -int(p.suffix[1:]) if p.suffix[1:].isdigit() else 0)
    for path in [*files, folder / AUDIT_FILE]:
        try:
            with path.open(encoding="utf-8") as f:
                for line in f:
                    try:
                        yield json.loads(line)
                    except ValueError:
                        continue
        except FileNotFoundError:
            continue


def matches(rec: dict[str, Any], who: str = "", event: str = "", text: str = "", since: str = "", until: str = "") -> bool:
    """Whether a record passes the admin page's filters."""
    if who and rec.get("who") != who:
        return False
    if event and rec.get("event") != event:
        return False
    when = str(rec.get("when") or "")
    if since and when[:10] < since:
        return False
    if until and when[:10] > until:
        return False
    return not text or text in json.dumps(rec, ensure_ascii=False)


# endpoint -> event of the requests recorded after they are answered
_EVENTS = {"web.index": "search", "api.api_search": "search", "web.bulletin": "view", "api.api_bulletin": "view",
           "original.original": "download", "original.other": "download", "scan.page": "view", "exports.export": "export", "exports.feed": "feed"}


def _after(response: Any) -> Any:
    """Record the reads of a request (search, view, download, export, feed) once answered."""
    from flask import current_app, request

    if not current_app.config.get("ACCOUNTS"):
        return response
    event = _EVENTS.get(request.endpoint or "")
    if event is None or response.status_code != 200:
        return response
    what: dict[str, Any] = {}
    if event in ("search", "export", "feed"):
        what["query"] = request.args.get("q", "")
        what["filters"] = {k: v for k, v in request.args.items(multi=True) if k not in ("q", "token", "page")}
    if event == "export":
        what["format"] = request.args.get("format", "csv")
        what["count"] = int(response.headers.get("X-Export-Count") or 0)
    if request.view_args and "bulletin_id" in request.view_args:
        what["bulletin"] = request.view_args["bulletin_id"]
    record(event, **what)
    return response


def init_audit(app: Any) -> None:
    """Record the reads of every request (see _EVENTS) on `app`."""
    app.after_request(_after)
