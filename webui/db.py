"""The index for the web app: one read-only IndexHandle per app, a searcher per request on `g`.

Like flaskr's db.py: `get_searcher()` caches on `g`, `init_app(app)` registers the
teardown. The web app never writes the index.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, current_app, g

from indexer.store import IndexHandle

_EXT = "bulletins.index"


def get_index() -> IndexHandle:
    """The app's IndexHandle (created on first use; cheap, thread-safe, read-only)."""
    handle = current_app.extensions.get(_EXT)
    if handle is None:
        handle = IndexHandle(Path(current_app.config["INDEX_DIR"]))
        current_app.extensions[_EXT] = handle
    return handle


def get_searcher() -> Any:
    """A whoosh Searcher on the newest generation, shared for the request; raises IndexUnavailableError."""
    if "searcher" not in g:
        g.searcher = get_index().searcher()
    return g.searcher


def close_searcher(e: BaseException | None = None) -> None:
    """Forget the request's searcher (the handle owns and recycles it)."""
    g.pop("searcher", None)


def init_app(app: Flask) -> None:
    """Register the per-request teardown."""
    app.teardown_appcontext(close_searcher)
