"""原件下载: the bulletin's original file, as it came into the corpus."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath
from typing import Any

from flask import Blueprint, Response, abort, current_app, send_file

from archive.corpus import corpus_file
from webui.data import bulletin_data
from webui.exports import content_disposition

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


def _text_charset(path: Path) -> str | None:
    """The charset of a text file: utf-8, else gb18030 when it decodes so (what Chinese
    Windows writes), else None (no charset is claimed)."""
    data = path.read_bytes()
    for charset in ("utf-8", "gb18030"):
        try:
            data.decode(charset)
        except UnicodeDecodeError:
            continue
        return charset
    return None


def send_corpus_file(path: Path, mimetype: str, **kwargs: Any) -> Response:
    """A corpus file as a response, by an open file: its name on disk may not be UTF-8
    (which a path-based answer would have to encode), so the ETag comes from its size and time."""
    st = os.stat(path)
    return send_file(open(path, "rb"), mimetype=mimetype, conditional=True, max_age=0,  # noqa: SIM115 (closed with the response)
                     etag=f"{st.st_mtime_ns:x}-{st.st_size:x}", last_modified=st.st_mtime, **kwargs)


def other_originals(bulletin_id: str) -> list[tuple[str, str]]:
    """(relpath, format) of the bulletin's other originals (the same issue as PDF beside its
    Word file: indexer.store.originals), in the order the page lists them."""
    from indexer.store import handles as store, originals
    from webui.db import get_index

    return originals.of_issue(store.current_dir(get_index().root), bulletin_id)


def originals_list(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The page's 原件：Word · PDF — each original's format name and download URL, the one
    whose text is indexed first."""
    from archive.originals import format_name
    from flask import url_for

    out = [{"name": format_name(data.get("format")), "path": data.get("path"), "indexed": True,
            "url": url_for("original.original", bulletin_id=data["id"])}]
    for n, (relpath, fmt) in enumerate(other_originals(data["id"]), start=1):
        out.append({"name": format_name(fmt), "path": relpath, "indexed": False,
                    "url": url_for("original.other", bulletin_id=data["id"], n=n)})
    return out


@bp.get("/bulletin/<bulletin_id>/original/<int:n>")
def other(bulletin_id: str, n: int) -> Response:
    """The bulletin's `n`-th other original (the same issue in another format), as an attachment."""
    data = bulletin_data(bulletin_id, whole=True)  # access (issue 21): as for its indexed original
    others = other_originals(bulletin_id)
    if not 1 <= n <= len(others):
        abort(404, "这期简报没有这份原件。")
    return _send(others[n - 1][0])


@bp.get("/bulletin/<bulletin_id>/original")
def original(bulletin_id: str) -> Response:
    """The one corpus file the bulletin was read from, as an attachment under its Chinese name."""
    data = bulletin_data(bulletin_id, whole=True)  # access (issue 21): the whole file, so the whole issue
    return _send(data.get("path") or "")


def _send(relpath: str) -> Response:
    """The corpus file `relpath` as an attachment under its Chinese name (404 when it is gone)."""
    # (a file whose name on disk is not UTF-8 is found by the safe name it was indexed under)
    target = corpus_file(Path(current_app.config["CORPUS_DIR"]), relpath)
    if target is None:
        abort(404, "这期简报的原件不在文库中。")
    name = relpath.rsplit("/", 1)[-1]  # its safe, readable name
    suffix = PurePosixPath(name).suffix.lower()
    mimetype = CONTENT_TYPES.get(suffix, "application/octet-stream")
    charset = _text_charset(target) if mimetype.startswith(("text/plain", "text/markdown")) else None
    if charset is not None:
        mimetype = f"{mimetype.split(';')[0]}; charset={charset}"
    response = send_corpus_file(target, mimetype)
    # our own header, not send_file's: its fallback keeps a line break in the name, which no header may hold
    response.headers["Content-Disposition"] = content_disposition(name)
    if mimetype.startswith("text/"):
        response.headers["Content-Type"] = mimetype if charset else mimetype.split(";")[0]  # (Flask would add utf-8)
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"  # never run a saved page's script
    return response
