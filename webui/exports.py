"""Downloads of a search: `/api/export?…&format=csv|xlsx|docx` and the Atom feed `/feed?…`."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, abort, current_app, request, stream_with_context

from indexer.present.export import CONTENT_TYPES, EXPORT_FORMATS, RENDERERS, ExportTooLarge, export_filename, export_records
from indexer.present.feed import render_feed
from indexer.present.links import state_url
from webui.auth import feed_token_args
from webui.data import base_url, parse_or_400, search_source

bp = Blueprint("exports", __name__)


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback and the UTF-8 name (RFC 6266 / RFC 5987 `filename*`).

    Every character of the name is percent-encoded there or replaced in the fallback, so
    no name (a line break, a quote, a semicolon, a lone surrogate) can break the header."""
    fallback = "".join(c if c.isascii() and c.isalnum() or c in ".-_" else "_" for c in filename)
    encoded = quote(filename.encode("utf-8", "backslashreplace"), safe="")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"


@bp.get("/api/export")
def export() -> Response:
    """The whole result set of a search as CSV (streamed), XLSX or a Word 汇编."""
    fmt = request.args.get("format", "csv")
    if fmt not in EXPORT_FORMATS:
        abort(400, f"导出格式无效：{fmt[:20]}（只能是 " + "、".join(EXPORT_FORMATS) + "）")
    params = parse_or_400(request.args)
    try:
        source, mask, index = search_source()  # the backend when configured (restricted to the reader)
        data = export_records(index or source, params, base_url(), current_app.config["EXPORT_LIMIT"], mask,
                              backend=source if index is not None else None)
    except ExportTooLarge as exc:
        abort(400, str(exc))
    body = RENDERERS[fmt](data)
    if fmt == "csv":
        body = stream_with_context(body)
    response = Response(body, content_type=CONTENT_TYPES[fmt])
    response.headers["Content-Disposition"] = content_disposition(export_filename(params, fmt))
    response.headers["X-Export-Count"] = str(data.total)
    return response


@bp.get("/feed")
def feed() -> Response:
    """An Atom feed of the search's newest articles (subscribe to follow new issues)."""
    params = parse_or_400(request.args)
    self_url = request.url
    page_url = base_url().rstrip("/") + state_url(params, page=1)
    source, mask, index = search_source()  # access (issue 21): the backend is restricted to the reader
    body = render_feed(source, params, base_url(), self_url, page_url, mask, index=index)
    return Response(body, content_type="application/atom+xml; charset=utf-8")
