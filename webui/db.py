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
