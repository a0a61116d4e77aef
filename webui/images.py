"""A document's own pictures: an image a bulletin's Markdown refers to by a relative path.

The path is resolved against the bulletin's source file, inside the corpus
only (archive.corpus.document_asset: no absolute path, no `..` or link out of
the corpus); the bytes must be a raster image (their first bytes say which:
archive.readers.detect.image_type) of at most IMAGE_MAX_BYTES. Anything else
is a 404 with a Chinese message; the reason goes to the log only.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, request

from archive.corpus import AssetError, document_asset
from archive.readers.detect import image_type
from webui.data import bulletin_data
from webui.original import send_corpus_file

bp = Blueprint("images", __name__)
log = logging.getLogger(__name__)

IMAGE_MAX_BYTES = 20 * 1024 * 1024
NOT_HERE = "这期简报没有这张图片。"


@bp.get("/bulletin/<bulletin_id>/image")
def image(bulletin_id: str) -> Response:
    """The picture `?src=` (a relative path, as the document writes it) of the bulletin's own file."""
    data = bulletin_data(bulletin_id, whole=True)  # access (issue 21): a picture may be of any article
    src = request.args.get("src", "")
    try:
        path = document_asset(Path(current_app.config["CORPUS_DIR"]), data.get("path") or "", src)
        size = os.stat(path).st_size
        with open(path, "rb") as f:
            mime = image_type(f.read(16))
    except (AssetError, OSError) as exc:
        log.info("image %r of bulletin %s refused: %s", src[:200], bulletin_id, exc)
        abort(404, NOT_HERE)
    if mime is None or size > IMAGE_MAX_BYTES:
        log.info("image %r of bulletin %s refused: %s", src[:200], bulletin_id,
                 "not a raster image" if mime is None else f"{size} bytes")
        abort(404, NOT_HERE)
    response = send_corpus_file(path, mime)
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
