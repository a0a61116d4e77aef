"""原件下载: the bulletin's original file, as it came into the corpus."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, current_app, send_file

from webui.data import bulletin_data

bp = Blueprint("original", __name__)

CONTENT_TYPES = {
    ".txt": "text/plain; charset=utf-8", ".text": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8", ".markdown": "text/markdown; charset=utf-8",
    ".html": "text/html", ".htm": "text/html",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".doc": "application/msword", ".wps": "application/msword",  # a .wps is a Word 97 file
    ".pdf": "application/pdf", ".ofd": "application/ofd",
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".tif": "image/tiff", ".tiff": "image/tiff",
}


def _is_utf8(path: Path) -> bool:
    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@bp.get("/bulletin/<bulletin_id>/original")
def original(bulletin_id: str) -> Response:
    """The one corpus file the bulletin was read from, as an attachment under its Chinese name."""
    data = bulletin_data(bulletin_id)
    relpath = data.get("path") or ""
    corpus = Path(current_app.config["CORPUS_DIR"]).resolve()
    target = (corpus / relpath).resolve()
    if not relpath or not target.is_relative_to(corpus) or target == corpus or not target.is_file():
        abort(404, "这期简报的原件不在文库中。")
    suffix = target.suffix.lower()
    mimetype = CONTENT_TYPES.get(suffix, "application/octet-stream")
    if mimetype.startswith("text/plain") and not _is_utf8(target):
        mimetype = "text/plain"  # GB18030 and others: no charset claimed
    # send_file writes `filename*=UTF-8''…` (RFC 5987) for a non-ASCII name, with an ASCII fallback
    response = send_file(target, mimetype=mimetype, as_attachment=True, download_name=target.name,
                         conditional=True, max_age=0)
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"  # never run a saved page's script
    return response
