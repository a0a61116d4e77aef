"""The index for the web app: one read-only IndexHandle per app.

The handle gives each server thread its own Searcher on the newest generation
(see indexer.store.IndexHandle); the web app never writes the index.
"""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from indexer.store import IndexHandle

_EXT = "bulletins.index"


def get_index() -> IndexHandle:
    """The app's IndexHandle (created on first use; cheap, thread-safe, read-only)."""
    handle = current_app.extensions.get(_EXT)
    if handle is None:
        handle = IndexHandle(Path(current_app.config["INDEX_DIR"]))
        current_app.extensions[_EXT] = handle
    return handle


def get_backend() -> object | None:
    """The search backend named by the BACKEND setting (`bulletins serve --backend`), one per
    request (its connections are not shared between threads; a loopback connection costs
    ~2 ms) and closed at its end; None: the embedded index (get_index)."""
    from flask import g

    spec = current_app.config.get("BACKEND")
    if not spec or spec == "embedded":
        return None
    if "backend" not in g:
        from indexer.backend import open_backend

        g.backend = open_backend(spec, Path(current_app.config["INDEX_DIR"]))
    return g.backend


def close_backend(_exc: BaseException | None = None) -> None:
    """Close the request's backend connections (registered by create_app)."""
    from flask import g

    b = g.pop("backend", None)
    if b is not None:
        b.close()
