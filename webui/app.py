"""The Flask app factory: config, blueprints, error pages, security headers."""

from __future__ import annotations

import logging
import re
from typing import Any, Mapping

from urllib.parse import urlsplit

from flask import Flask, Request, Response, abort, jsonify, redirect, render_template, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.routing import RequestRedirect

from archive.labels import chinese_date, issue_label
from indexer.present.export import EXPORT_LIMIT
from indexer.present.page import escape_json_html
from indexer.present.settings import BASE_URL, PER_PAGE, corpus_dir, index_dir, instance_dir
from indexer.search.backend import BackendUnavailableError
from indexer.store.handles import IndexUnavailableError

log = logging.getLogger(__name__)

# Chinese titles and default messages for the error pages.
ERROR_TEXT: dict[int, tuple[str, str]] = {
    400: ("请求有误", "请求中的参数无法理解，请检查链接或检索条件。"),
    404: ("找不到页面", "您要找的页面或简报不存在，可能链接有误或已被移除。"),
    405: ("不支持的请求方式", "这个地址不支持该请求方式。"),
    500: ("服务器内部错误", "处理请求时出错了，请稍后再试。"),
    503: ("检索服务暂不可用", "检索索引暂时无法打开，请稍后再试或联系管理员。"),
}

# The named 503s: what visitors read for each kind of IndexUnavailableError (by its `code`);
# the path and the fix go to the operator's log.
INDEX_ERRORS: dict[str, str] = {
    "index_unavailable": ERROR_TEXT[503][1],
    "index_damaged": "检索索引暂时无法打开：索引文件已损坏（校验未通过），请联系管理员修复。",
}

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


class SafeJSONProvider(DefaultJSONProvider):
    """UTF-8 JSON in which <, > and & are \\u-escaped, so no HTML can ever be sniffed from it."""

    ensure_ascii = False
    sort_keys = False

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        return escape_json_html(super().dumps(obj, **kwargs))


def _error_parts(code: int, description: str | None, default_description: str | None) -> tuple[str, str]:
    title, message = ERROR_TEXT.get(code, ("出错了", "请求无法完成。"))
    if description and description != default_description:
        message = description  # our own abort() messages are Chinese already
    return title, message


def error_response(code: int, message: str, title: str, name: str | None = None) -> tuple[Response | str, int]:
    """JSON under /api, a Chinese HTML page elsewhere; `name` names the error (`code` in the JSON)."""
    if request.path.startswith("/api/") or request.path == "/api":
        body: dict[str, Any] = {"ok": False, "error": message, "status": code}
        if name:
            body["code"] = name
        return jsonify(body), code
    return render_template("error.html", code=code, title=title, message=message, name=name), code


def register_errors(app: Flask) -> None:
    """Friendly error pages and one JSON error shape; never a traceback."""

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Any:
        code = exc.code or 500
        title, message = _error_parts(code, exc.description, type(exc).description)
        return error_response(code, message, title)

    # Visitors get the message; the operator's log gets the path and the exception.
    @app.errorhandler(IndexUnavailableError)
    def index_unavailable(exc: IndexUnavailableError) -> Any:
        log.warning("index unavailable (%s): %s", exc.code, exc)
        title = ERROR_TEXT[503][0]
        return error_response(503, INDEX_ERRORS.get(exc.code, ERROR_TEXT[503][1]), title, exc.code)

    @app.errorhandler(BackendUnavailableError)  # a server, shard or replica of the backend is down
    def backend_unavailable(exc: BackendUnavailableError) -> Any:
        log.warning("search backend unavailable: %s", exc)
        named = re.sub(r"（[^（）]*:\d+）", "", str(exc))  # the shard's name, not its address
        return error_response(503, named, ERROR_TEXT[503][0], "backend_unavailable")

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Any:
        if isinstance(exc, HTTPException):  # pragma: no cover - handled above
            return http_error(exc)
        log.exception("unhandled error on %s", request.path)
        title, message = ERROR_TEXT[500]
        return error_response(InternalServerError.code, message, title)


SECURITY_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
)


def security_headers(response: Response) -> Response:
    """CSP without inline script or remote resources, no MIME sniffing, a careful referrer
    policy; dynamic answers are not cached (the index changes under them)."""
    for name, value in SECURITY_HEADERS:
        response.headers.setdefault(name, value)
    if request.endpoint != "static":
        response.headers.setdefault("Cache-Control", "no-cache")
    return response


class ClosingRequest(Request):
    """A request that closes every upload spool it opened, also those of a multipart body cut
    off inside a file part (Werkzeug's parser drops them unclosed)."""

    def _get_file_stream(self, total_content_length: int | None, content_type: str | None,
                         filename: str | None = None, content_length: int | None = None) -> Any:
        stream = super()._get_file_stream(total_content_length, content_type, filename, content_length)
        self.__dict__.setdefault("_spools", []).append(stream)
        return stream

    def close(self) -> None:
        super().close()
        for stream in self.__dict__.pop("_spools", []):
            stream.close()


class RelativeRedirectFlask(Flask):
    """Flask whose routing redirects (`//x` → `/x`, a missing trailing slash) carry a
    relative Location, so no answer ever reflects the client's Host header."""

    request_class = ClosingRequest

    def raise_routing_exception(self, request: Any) -> Any:
        exc = request.routing_exception
        if isinstance(exc, RequestRedirect):
            parts = urlsplit(exc.new_url)
            path = "/" + parts.path.lstrip("/")  # never `//host`: that would leave the site
            location = path + (f"?{parts.query}" if parts.query else "")
            abort(redirect(location, exc.code))
        return super().raise_routing_exception(request)


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Create the 简报检索 web app (read-only over the index).

    Without `test_config`, a deployment's settings are read from `config.py` in
    the instance folder: `$BULLETINS_INSTANCE`, else `var/instance/` (see README).
    """
    app = RelativeRedirectFlask(__name__, instance_relative_config=True, instance_path=str(instance_dir().resolve()))
    app.json_provider_class = SafeJSONProvider
    app.json = SafeJSONProvider(app)
    app.config.from_mapping(
        INDEX_DIR=str(index_dir()),
        CORPUS_DIR=str(corpus_dir()),  # the originals and their pictures (read only)
        PER_PAGE=PER_PAGE.number(),  # checked: a bad BULLETINS_PER_PAGE is refused (SettingError), not ignored
        BASE_URL=BASE_URL.get(),
        EXPORT_LIMIT=EXPORT_LIMIT,
        MAX_CONTENT_LENGTH=64 * 1024,  # nothing is uploaded; keep bodies small
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_mapping(test_config)

    from webui import access_admin, api, audit, auth, edit, exports, images, original, scan, subscribe, upload, views

    auth.init_auth(app)  # sign-in, sessions, CSRF (issue 21; off by default)
    audit.init_audit(app)
    app.register_blueprint(access_admin.bp)
    app.register_blueprint(upload.bp)
    app.register_blueprint(edit.bp)
    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(exports.bp)
    app.register_blueprint(original.bp)
    app.register_blueprint(images.bp)
    app.register_blueprint(scan.bp)
    subscribe.init_app(app)  # 订阅此检索: the feed explained, saved searches by e-mail (issue 20)
    register_errors(app)
    from webui.db import close_backend

    app.teardown_appcontext(close_backend)  # a search backend's connections (BACKEND), per request
    app.after_request(security_headers)
    app.jinja_env.globals.update(issue_label=issue_label, chinese_date=chinese_date)  # archive.labels
    return app
