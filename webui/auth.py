"""Sign-in and sessions (issue 21), off by default.

With accounts off (`BULLETINS_ACCOUNTS`, indexer.present.settings) nothing here
changes a request: no sign-in, every document readable, as on loopback for
one person. With accounts on, every page, API call, export, original and
picture needs a signed-in user (or, for `/feed`, a user's feed token); the
allowed-documents mask of that user (webui.access) is what every surface reads.

Sessions are Flask's signed cookies (HttpOnly, SameSite=Lax, Secure when the
request came over HTTPS — through ProxyFix from a trusted proxy — or when
SESSION_COOKIE_SECURE is set), ended after SESSION_IDLE seconds without a
request. Sign-in failures are limited per address (RATE_FAILURES in
RATE_WINDOW seconds) and lock the account after MAX_FAILURES for
LOCK_SECONDS. Passwords are never logged: only the name and the outcome go to
the audit trail. CSRF tokens (Flask-WTF's CSRFProtect) guard every POST form.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import defaultdict, deque
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Flask, abort, current_app, g, jsonify, redirect, render_template, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from indexer.present.settings import SESSION_IDLE, accounts_on
from webui import audit
from webui.access_store import AccessError, AccessStore, User
from webui.access_store import instance_secret as _secret_key  # (also signs the alert e-mails' links)
from webui.auth_passwords import verify_password

bp = Blueprint("auth", __name__)
csrf = CSRFProtect()

MAX_FAILURES = 5  # failed sign-ins in a row that lock an account
LOCK_SECONDS = 15 * 60
RATE_FAILURES = 10  # failed sign-ins from one address …
RATE_WINDOW = 5 * 60  # … within this many seconds: that address waits
PUBLIC_ENDPOINTS = {"auth.login", "static", "subscribe.confirm", "subscribe.unsubscribe"}  # (e-mail links: signed)
UPLOAD_ENDPOINTS = {"upload.upload_files"}
SEEN_REFRESH = 30  # seconds: how often a session's last-seen time is renewed (the idle timeout's precision)


class _SessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure when configured so, or when the request came over HTTPS.

    Per request, only the cookie's signature is checked: the signing serializer is made once
    per secret key (Flask makes it for every request, twice), and the cookie is re-signed only
    when the session changes — the last-seen time every SEEN_REFRESH seconds, which also
    renews its expiry (SESSION_REFRESH_EACH_REQUEST off)."""

    _serializers: dict[Any, Any] = {}

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or (request.is_secure if request else False)

    def get_signing_serializer(self, app: Flask) -> Any:
        key = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        got = self._serializers.get(key)
        if got is None:
            got = self._serializers[key] = super().get_signing_serializer(app)
        return got


class _Failures:
    """Failed sign-ins per client address in the last RATE_WINDOW seconds (this process)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.by_addr: dict[str, deque[float]] = defaultdict(deque)

    def _trim(self, q: deque[float], now: float) -> None:
        while q and now - q[0] > RATE_WINDOW:
            q.popleft()

    def limited(self, addr: str) -> bool:
        now = time.monotonic()
        with self.lock:
            q = self.by_addr[addr]
            self._trim(q, now)
            return len(q) >= RATE_FAILURES

    def add(self, addr: str) -> None:
        with self.lock:
            self.by_addr[addr].append(time.monotonic())


def store() -> AccessStore:
    """The app's account store (in its instance folder)."""
    got = current_app.extensions.get("bulletins.access")
    if got is None:
        got = current_app.extensions["bulletins.access"] = AccessStore(Path(current_app.config["ACCESS_DIR"]))
    return got


def peer_addr() -> str:
    """The address that connected to us (not what a forwarded header claims)."""
    orig = request.environ.get("werkzeug.proxy_fix.orig", {})
    return str(orig.get("REMOTE_ADDR") or request.remote_addr or "")


def client_addr() -> str:
    """The client's address: the proxy's X-Forwarded-For when it came from a trusted proxy."""
    return str(request.remote_addr or "")


def current_user() -> User | None:
    """The signed-in user of this request (None when signed out or accounts are off)."""
    return g.get("user")


def allowed_docs() -> Any:
    """The allowed-documents mask of this request's reader, or None (accounts off, or an
    administrator): what webui.data passes to every indexer call."""
    if not current_app.config.get("ACCOUNTS"):
        return None
    if "allowed_docs" not in g:
        from webui.access import allowed_mask
        from webui.db import get_index

        g.allowed_docs = allowed_mask(get_index(), rules(), current_user())
    return g.allowed_docs


def reader_visibility() -> Any:
    """This request's reader's access decisions (indexer.search.visibility.Visibility) for a search
    backend, which applies them itself (in its SQL), or None (accounts off, or an administrator)."""
    if not current_app.config.get("ACCOUNTS"):
        return None
    user = current_user()
    if user is not None and user.role == "admin":
        return None
    from webui.access import visibility

    return visibility(rules(), user)


def feed_token_args() -> list[tuple[str, str]]:
    """[("token", …)] of the signed-in user, for the feed links of their searches ([] with accounts off)."""
    user = current_user()
    if user is None or not current_app.config.get("ACCOUNTS"):
        return []
    return [("token", store().feed_token(user.name))]


def rules() -> Any:
    """The access rules, re-read when the store changes (looked at once per request)."""
    if "rules" not in g:
        g.rules = store().cached_rules()
    return g.rules


def _safe_next(target: str | None) -> str:
    """A local path to go to after sign-in (never another site)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("web.index")
    parts = urlsplit(target)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _proxy_user() -> User | None:
    """The user a trusted reverse proxy names in its header (only from TRUSTED_PROXIES)."""
    header = current_app.config.get("PROXY_USER_HEADER")
    if not header or peer_addr() not in set(current_app.config.get("TRUSTED_PROXIES") or ()):
        return None
    name = (request.headers.get(header) or "").strip()
    if not name:
        return None
    user = store().get_user(name)
    if user is None:
        store().ensure_user(name, "reader", "proxy")
        audit.record("signin", user=name, how="proxy")
        user = store().get_user(name)
    return user


def _identify() -> Any:
    """Before each request with accounts on: who is asking; sign-in required except to sign in."""
    if not current_app.config.get("ACCOUNTS"):
        return None
    g.user = None
    user = _proxy_user()
    name = session.get("user")
    if user is None and name:
        seen = float(session.get("seen") or 0)
        if time.time() - seen > current_app.config["SESSION_IDLE"]:
            session.clear()
            g.expired = True
        else:
            g.rules, users = store().cached_state()  # (the rules too: one look at the store per request)
            user = users.get(name)
            if user is None:  # removed since
                session.clear()
            elif time.time() - seen > SEEN_REFRESH:  # (not every request: each refresh re-signs the cookie)
                session["seen"] = time.time()
    if user is None and request.endpoint == "exports.feed" and request.args.get("token"):
        user = store().user_by_feed_token(request.args["token"])
        if user is None:
            abort(403, "订阅链接已失效（令牌已更换或撤销）：请在“我的账号”页重新获取订阅链接。")
    g.user = user
    if user is not None or request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if request.path.startswith("/api/") or request.endpoint == "exports.feed":
        return jsonify({"ok": False, "error": "请先登录。", "status": 401}), 401
    return redirect(url_for("auth.login", next=request.full_path if request.query_string else request.path))


def _upload_limits() -> None:
    """The one page that takes files gets a larger body limit (others keep the app's small one).
    Registered before CSRFProtect's check, which reads the form: after it, a file over the small
    limit was refused (413) before this could raise it."""
    if current_app.config.get("ACCOUNTS") and request.endpoint in UPLOAD_ENDPOINTS:
        from webui.upload import MAX_UPLOAD_BYTES

        request.max_content_length = MAX_UPLOAD_BYTES
        request.max_form_memory_size = MAX_UPLOAD_BYTES


def require(role: str) -> User:
    """The signed-in user when they have `role` (or higher); 403 otherwise; 404 with
    accounts off (then the CLI is the administrator's tool)."""
    if not current_app.config.get("ACCOUNTS"):
        abort(404, "本服务未启用账号（BULLETINS_ACCOUNTS=off）：账号、权限和审计请用命令行 bulletins users/groups/access 管理。")
    user = current_user()
    if user is None or not user.can(role):
        abort(403, "您的账号没有这项权限。")
    return user


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """The sign-in form; POST checks the name and password."""
    if not current_app.config.get("ACCOUNTS"):
        return redirect(url_for("web.index"))
    error = "登录已超时，请重新登录。" if g.get("expired") else None
    status = 200
    if request.method == "POST":
        name = (request.form.get("username") or "").strip()[:64]
        password = request.form.get("password") or ""
        addr = client_addr()
        if failures.limited(addr):
            audit.record("signin-refused", user=name, reason="rate")
            return render_template("login.html", error="登录失败次数过多，请稍后再试。",
                                   next=request.form.get("next")), 429
        locked = store().locked_until(name)
        if locked > time.time():
            failures.add(addr)
            audit.record("signin-refused", user=name, reason="locked")
            error, status = "该账号因多次登录失败已暂时锁定，请稍后再试或联系管理员。", 403
        elif _check(name, password):
            store().clear_failures(name)
            session.clear()
            session.permanent = True
            session["user"], session["seen"] = name, time.time()
            g.user = store().get_user(name)
            audit.record("signin", user=name, how="password")
            return redirect(_safe_next(request.form.get("next")))
        else:
            failures.add(addr)
            now_locked = store().record_failure(name, MAX_FAILURES, LOCK_SECONDS)
            audit.record("signin-failed", user=name, locked=now_locked)
            error, status = "用户名或密码不正确。", 401
    return render_template("login.html", error=error, next=request.values.get("next")), status


def _check(name: str, password: str) -> bool:
    """A local password, else the directory (LDAP, when configured)."""
    stored = store().password_hash(name)
    if stored:
        return verify_password(stored, password)
    if current_app.config.get("LDAP_URL"):
        from webui.auth_ldap import ldap_groups

        groups = ldap_groups(current_app.config, name, password)
        if groups is None:
            return False
        store().ensure_user(name, "reader", "ldap")
        store().set_groups(name, groups)
        return True
    verify_password(None, password)  # as slow as a real check
    return False


@bp.post("/logout")
def logout() -> Any:
    user = current_user()
    if user is not None:
        audit.record("signout", user=user.name)
    session.clear()
    return redirect(url_for("auth.login") if current_app.config.get("ACCOUNTS") else url_for("web.index"))


@bp.route("/account", methods=["GET", "POST"])
def account() -> Any:
    """My account: role, groups, the feed token (renew = revoke the old one), password."""
    user = require("reader")
    message = None
    if request.method == "POST":
        action = request.form.get("action")
        if action == "renew-feed":
            store().feed_token(user.name, renew=True)
            audit.record("feed-token", action="renew")
            message = "已更换订阅令牌：旧的订阅链接已失效。"
        elif action == "revoke-feed":
            store().revoke_feed_token(user.name)
            audit.record("feed-token", action="revoke")
            message = "已撤销订阅令牌。"
    try:
        token = store().feed_token(user.name) if request.form.get("action") != "revoke-feed" else None
    except AccessError:
        token = None
    return render_template("account.html", user=user, token=token, message=message)


failures = _Failures()


def init_auth(app: Flask) -> None:
    """Accounts, sessions and CSRF on `app` (see the module doc)."""
    app.config.setdefault("ACCOUNTS", accounts_on())
    app.config.setdefault("SESSION_IDLE", SESSION_IDLE.number())
    app.config.setdefault("ACCESS_DIR", app.instance_path)
    app.config.setdefault("TRUSTED_PROXIES", [])
    app.config.setdefault("PROXY_USER_HEADER", None)
    app.config.setdefault("OPEN_NETWORK", False)
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      PERMANENT_SESSION_LIFETIME=app.config["SESSION_IDLE"],
                      SESSION_REFRESH_EACH_REQUEST=False)  # (see _SessionInterface)
    if not app.config.get("SECRET_KEY"):
        # with accounts off nothing is signed in: a key for this process's forms is enough
        app.config["SECRET_KEY"] = _secret_key(Path(app.config["ACCESS_DIR"])) if app.config["ACCOUNTS"] \
            else secrets.token_hex(32)
    app.session_interface = _SessionInterface()
    if app.config["TRUSTED_PROXIES"]:
        app.wsgi_app = _TrustedProxyFix(app.wsgi_app, set(app.config["TRUSTED_PROXIES"]))  # type: ignore[method-assign]
    app.before_request(_upload_limits)
    csrf.init_app(app)
    app.register_blueprint(bp)
    app.before_request(_identify)

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError) -> Any:
        from webui.app import error_response

        return error_response(400, "表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试。", "请求有误")

    @app.context_processor
    def auth_context() -> dict[str, Any]:
        return {"current_user": current_user(), "accounts": app.config["ACCOUNTS"],
                "open_network": app.config["OPEN_NETWORK"]}


class _TrustedProxyFix:
    """werkzeug's ProxyFix (one proxy: X-Forwarded-For/-Proto/-Host) applied only to requests
    that come from a configured proxy address; others are taken as they are."""

    def __init__(self, app: Any, proxies: set[str]) -> None:
        self.app = app
        self.fixed = ProxyFix(app, x_for=1, x_proto=1, x_host=0)
        self.proxies = proxies

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("REMOTE_ADDR") in self.proxies:
            return self.fixed(environ, start_response)
        return self.app(environ, start_response)
