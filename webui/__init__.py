"""简报检索 web UI: a read-only Flask app over the search index."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

if TYPE_CHECKING:  # (importing webui.* from the CLI need not load Flask)
    from flask import Flask


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Create the web app (see webui.app.create_app)."""
    from webui.app import create_app as _create_app

    return _create_app(test_config)


__all__ = ["create_app"]
