"""The index for the web app: one read-only IndexHandle per app.

The handle gives each server thread its own Searcher on the newest generation
(see indexer.store.handles.IndexHandle); the web app never writes the index.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from flask import Flask, current_app

from indexer.store.handles import IndexHandle

_EXT = "bulletins.index"
log = logging.getLogger(__name__)


def get_index() -> IndexHandle:
    """The app's IndexHandle (created on first use; cheap, thread-safe, read-only)."""
    handle = current_app.extensions.get(_EXT)
    if handle is None:
        handle = IndexHandle(Path(current_app.config["INDEX_DIR"]))
        current_app.extensions[_EXT] = handle
    return handle


def warm(app: Flask) -> threading.Thread:
    """Build the index's shared tables (snapshot, substring net, facets, lexicon, the citation
    graph) in a background thread as the server starts, so the first visitor does not wait
    for them (the citation graph of 20k articles: ~10 s on a loaded 2-core machine).

    A failure here is only logged: the first request builds what is missing and reports it."""

    def run() -> None:
        from indexer.search import citegraph, engine as search

        with app.app_context():
            handle = get_index()
            try:
                if not (Path(app.config["INDEX_DIR"]) / "current").exists():
                    return
                for build in (search.snapshot, search.substring_net, search.key_facets, search.lexicon,
                              citegraph.statuses):
                    build(handle)
            except Exception:  # noqa: BLE001 - warming is best effort; requests report their own errors
                log.warning("warming the index's shared tables failed", exc_info=True)
            finally:
                handle.release_thread()

    thread = threading.Thread(target=run, name="bulletins-warm", daemon=True)
    thread.start()
    return thread
def get_backend() -> object | None:
    """The search backend named by the BACKEND setting (`bulletins serve --backend`), one per
    request (its connections are not shared between threads; a loopback connection costs
    ~2 ms) and closed at its end; None: the embedded index (get_index)."""
    from flask import g

    spec = current_app.config.get("BACKEND")
    if not spec or spec == "embedded":
        return None
    if "backend" not in g:
        from indexer.search.backend import open_backend
        from webui.auth import reader_visibility

        # access (issue 21): the reader's rules go into every query of the backend (its SQL)
        g.backend = open_backend(spec, Path(current_app.config["INDEX_DIR"])).restrict(reader_visibility())
    return g.backend


def close_backend(_exc: BaseException | None = None) -> None:
    """Close the request's backend connections (registered by create_app)."""
    from flask import g

    b = g.pop("backend", None)
    if b is not None:
        b.close()
