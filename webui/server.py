"""The app under waitress: limits on every connection, secure headers on waitress's own error pages.

One slow or greedy client must not lock others out. waitress reads requests in
its event loop (no thread is taken until a request is complete) but, as it
comes, accepts 100 connections and closes one only after `channel_timeout`
seconds of *inactivity*: ~110 clients sending a byte a second held every slot.
Here a connection may spend at most REQUEST_SECONDS receiving one request,
many more connections are accepted (poll(), not select(), so beyond 1,024
descriptors), and bodies and headers are capped before they are spooled.
"""

from __future__ import annotations

import gc
import logging
import time
import warnings
from typing import Any

from waitress.channel import HTTPChannel
from waitress.server import create_server as waitress_server
from waitress.task import ErrorTask

from webui.app import SECURITY_HEADERS

REQUEST_SECONDS = 10.0  # to receive one request's headers and body
IDLE_SECONDS = 30.0  # an idle keep-alive connection is closed after this
CONNECTION_LIMIT = 1000
MAX_BODY_BYTES = 64 * 1024  # nothing is uploaded (the app's MAX_CONTENT_LENGTH too)
MAX_HEADER_BYTES = 32 * 1024
QUEUE_LOG_SECONDS = 60.0  # "Task queue depth" is logged at most this often


class _SecureErrorTask(ErrorTask):
    """waitress's own error answers (400, 413, 431, …) with the app's security headers."""

    def execute(self) -> None:
        self.response_headers.extend(SECURITY_HEADERS)
        self.response_headers.append(("Cache-Control", "no-store"))
        super().execute()


class _BoundedChannel(HTTPChannel):
    """A channel that records when its current request began arriving."""

    error_task_class = _SecureErrorTask
    request_started: float | None = None

    def received(self, data: bytes) -> bool:
        if self.request is None and self.request_started is None:
            self.request_started = time.monotonic()
        done = super().received(data)
        if self.request is None:  # nothing half-received: the next request has not begun
            self.request_started = None
        return done


class _QueueDepthFilter(logging.Filter):
    """Let waitress's "Task queue depth is N" warning through once a minute, not per request."""

    def __init__(self) -> None:
        super().__init__()
        self.last = 0.0
        self.hidden = 0

    def filter(self, record: logging.LogRecord) -> bool:
        now = time.monotonic()
        if now - self.last < QUEUE_LOG_SECONDS:
            self.hidden += 1
            return False
        if self.hidden:
            record.msg = f"{record.msg} ({self.hidden} more such warnings in the last minute)"
        self.last, self.hidden = now, 0
        return True


_QUEUE_FILTER = _QueueDepthFilter()


def _install_log_filter() -> None:
    queue_log = logging.getLogger("waitress.queue")
    if _QUEUE_FILTER not in queue_log.filters:
        queue_log.addFilter(_QUEUE_FILTER)


def _upload_limit(app: Any) -> int | None:
    """The body limit of the upload page when accounts are on (None otherwise)."""
    if not getattr(app, "config", {}).get("ACCOUNTS"):
        return None
    from webui.upload import MAX_UPLOAD_BYTES

    return MAX_UPLOAD_BYTES


def create_server(
    app: Any, host: str = "127.0.0.1", port: int = 8000, threads: int = 8,
    request_seconds: float = REQUEST_SECONDS, **kw: Any,
) -> Any:
    """A waitress server for `app` with the limits above (port 0 picks a free port:
    see `server.effective_port`); `kw` overrides waitress options. Raises OSError
    when the port is taken."""
    _install_log_filter()
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "threads": threads,
        "connection_limit": CONNECTION_LIMIT,
        "channel_timeout": IDLE_SECONDS,
        "cleanup_interval": 2,
        # with accounts on, 编辑 upload files (webui.upload; the app keeps 64 KB for every other request)
        "max_request_body_size": _upload_limit(app) or MAX_BODY_BYTES,
        "max_request_header_size": MAX_HEADER_BYTES,
        "asyncore_use_poll": True,
        "ident": "waitress",
        **kw,
    }
    failure: OSError | None = None
    try:
        server = waitress_server(app, **options)
    except OSError as ex:
        failure = ex.with_traceback(None)
    if failure is not None:
        # waitress leaves its half-made listening socket and trigger behind: collect them now, quietly
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            gc.collect()
        raise failure
    server.channel_class = _BoundedChannel
    maintenance = server.maintenance

    def bounded_maintenance(now: float) -> None:
        """waitress's idle sweep, plus: close a connection that has taken too long over one request."""
        maintenance(now)
        mono = time.monotonic()
        for channel in list(server.active_channels.values()):
            started = getattr(channel, "request_started", None)
            if started is not None and mono - started > request_seconds and not channel.requests:
                channel.will_close = True

    server.maintenance = bounded_maintenance
    return server
