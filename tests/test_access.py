"""Accounts, sessions, roles, rules and the audit trail (issue 21), on the shared test index."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bulletins.cli import cli
from tests.conftest import EXTRA_SERIES


def _token(client: Any, path: str = "/login") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]


def _login(client: Any, user: str, password: str, **environ: Any) -> Any:
    return client.post("/login", data={"username": user, "password": password, "csrf_token": _token(client)},
                       environ_base=environ)


@pytest.fixture()
def instance(tmp_path: Path) -> Path:
    """An instance folder with users made by the CLI (as an administrator would)."""
    folder = tmp_path / "instance"
    run = CliRunner()
    for name, role in (("alice", "读者"), ("bob", "编辑"), ("root", "管理员")):
        r = run.invoke(cli, ["users", "add", name, "--role", role, "--password-stdin", "--instance", str(folder)],
                       input=f"{name}-secret-pw\n")
        assert r.exit_code == 0, r.output
    return folder


@pytest.fixture()
def accounts_app(index_dir: Path, corpus_dir: Path, instance: Path) -> Any:
    from webui import create_app

    return create_app({"TESTING": True, "INDEX_DIR": str(index_dir), "CORPUS_DIR": str(corpus_dir),
                       "ACCOUNTS": True, "ACCESS_DIR": str(instance)})


def _audit(instance: Path) -> list[dict[str, Any]]:
    from webui import audit

    folder = audit.audit_dir(instance)
    audit.flush(folder)
    return list(audit.read(folder))


def test_accounts_off_is_today(client: Any) -> None:
    """Off by default: no sign-in, every page as before; the account pages do not exist."""
    assert client.get("/?q=志愿服务").status_code == 200
    assert client.get("/api/search?q=志愿服务").get_json()["total"] > 0
    assert client.get("/login").status_code == 302
    assert client.get("/admin/").status_code == 404
    assert "Set-Cookie" not in client.get("/").headers


def test_sign_in_needs_the_right_password_and_a_csrf_token(accounts_app: Any, instance: Path) -> None:
    client = accounts_app.test_client()
    assert client.get("/?q=志愿服务").status_code == 302
    assert client.get("/api/search?q=志愿服务").status_code == 401
    no_token = client.post("/login", data={"username": "alice", "password": "alice-secret-pw"})
    assert no_token.status_code == 400 and "CSRF" in no_token.get_data(as_text=True)
    assert _login(client, "alice", "wrong-password").status_code == 401
    r = _login(client, "alice", "alice-secret-pw")
    assert r.status_code == 302
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert client.get("/api/search?q=志愿服务").get_json()["total"] > 0
    records = _audit(instance)
    assert [r["event"] for r in records if r["event"].startswith("signin")] == ["signin-failed", "signin"]
    search = [r for r in records if r["event"] == "search"]
    assert search[-1]["who"] == "alice" and search[-1]["query"] == "志愿服务"
    assert not any("secret-pw" in json.dumps(r) or "wrong-password" in json.dumps(r) for r in records)


def test_the_session_ends_after_the_idle_timeout(accounts_app: Any) -> None:
    client = accounts_app.test_client()
    _login(client, "alice", "alice-secret-pw")
    assert client.get("/api/search?q=志愿服务").status_code == 200
    with client.session_transaction() as s:
        s["seen"] = time.time() - accounts_app.config["SESSION_IDLE"] - 1
    assert client.get("/api/search?q=志愿服务").status_code == 401
    page = client.get("/").headers["Location"]
    assert "超时" in client.get(page).get_data(as_text=True) or page.startswith("/login")


def test_the_session_cookie_is_signed_again_only_when_the_last_seen_time_is_renewed(accounts_app: Any) -> None:
    """Speed (issue 21): a search does not re-sign the cookie (it did on every request); the
    last-seen time, renewed every SEEN_REFRESH seconds, re-signs it and so renews its expiry."""
    from webui.auth import SEEN_REFRESH

    client = accounts_app.test_client()
    _login(client, "alice", "alice-secret-pw")
    r = client.get("/api/search?q=志愿服务")
    assert r.status_code == 200 and "Set-Cookie" not in r.headers
    with client.session_transaction() as s:
        s["seen"] = time.time() - SEEN_REFRESH - 1
    r = client.get("/api/search?q=志愿服务")
    assert r.status_code == 200 and "session=" in r.headers.get("Set-Cookie", "")
    assert "Expires=" in r.headers["Set-Cookie"] and "HttpOnly" in r.headers["Set-Cookie"]
    assert "Set-Cookie" not in client.get("/api/search?q=志愿服务").headers


def test_repeated_failures_lock_the_account(accounts_app: Any) -> None:
    from webui.auth import MAX_FAILURES

    client = accounts_app.test_client()
    for _ in range(MAX_FAILURES):
        assert _login(client, "bob", "not-bobs-password", REMOTE_ADDR="10.0.0.7").status_code == 401
    locked = _login(client, "bob", "bob-secret-pw", REMOTE_ADDR="10.0.0.8")
    assert locked.status_code == 403 and "锁定" in locked.get_data(as_text=True)


def test_failures_from_one_address_are_rate_limited(accounts_app: Any) -> None:
    from webui.auth import RATE_FAILURES

    client = accounts_app.test_client()
    for i in range(RATE_FAILURES):
        _login(client, f"nobody{i}", "whatever-pw", REMOTE_ADDR="10.9.9.9")
    r = _login(client, "alice", "alice-secret-pw", REMOTE_ADDR="10.9.9.9")
    assert r.status_code == 429
    assert _login(client, "alice", "alice-secret-pw", REMOTE_ADDR="10.9.9.10").status_code == 302


def test_the_cookie_is_secure_behind_an_https_proxy(index_dir: Path, instance: Path) -> None:
    from webui import create_app

    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir), "ACCOUNTS": True, "ACCESS_DIR": str(instance),
                      "TRUSTED_PROXIES": ["10.1.1.1"]})
    client = app.test_client()
    r = client.post("/login", data={"username": "alice", "password": "alice-secret-pw",
                                    "csrf_token": _token(client)},
                    environ_base={"REMOTE_ADDR": "10.1.1.1"},
                    headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "192.0.2.5",
                             "Referer": "https://localhost/login"})  # (CSRF over HTTPS checks the referrer)
    assert r.status_code == 302 and "Secure" in r.headers["Set-Cookie"]


def test_a_proxy_user_header_is_taken_only_from_trusted_proxies(index_dir: Path, instance: Path) -> None:
    from webui import create_app

    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir), "ACCOUNTS": True, "ACCESS_DIR": str(instance),
                      "TRUSTED_PROXIES": ["10.1.1.1"], "PROXY_USER_HEADER": "X-Remote-User"})
    client = app.test_client()
    header = {"X-Remote-User": "carol"}
    assert client.get("/api/search?q=志愿服务", headers=header, environ_base={"REMOTE_ADDR": "10.2.2.2"}).status_code == 401
    r = client.get("/api/search?q=志愿服务", headers=header, environ_base={"REMOTE_ADDR": "10.1.1.1"})
    assert r.status_code == 200 and r.get_json()["total"] > 0
    from webui.access_store import AccessStore

    user = AccessStore(instance).get_user("carol")
    assert user is not None and user.role == "reader" and user.source == "proxy"


def test_an_admin_changing_a_rule_takes_effect(accounts_app: Any, ids: dict[str, str], instance: Path) -> None:
    """A series default 受限 set on the admin page hides the series from a reader at once."""
    reader, admin = accounts_app.test_client(), accounts_app.test_client()
    _login(reader, "alice", "alice-secret-pw")
    _login(admin, "root", "root-secret-pw")
    before = reader.get("/api/search", query_string={"q": "志愿服务"}).get_json()["total"]
    assert reader.get("/admin/").status_code == 403
    r = admin.post("/admin/", data={"action": "default", "series": EXTRA_SERIES, "policy": "closed",
                                    "csrf_token": _token(admin, "/admin/")})
    assert r.status_code == 302
    after = reader.get("/api/search", query_string={"q": "志愿服务"}).get_json()
    assert after["total"] == before - 25 and not any(h["series"] == EXTRA_SERIES for h in after["hits"])
    assert reader.get(f"/bulletin/{ids['extra1']}").status_code == 404
    assert admin.get("/api/search", query_string={"q": "志愿服务"}).get_json()["total"] == before
    admin.post("/admin/", data={"action": "grant", "scope": "issue", "target": ids["extra1"],
                                "principal": "用户:alice", "csrf_token": _token(admin, "/admin/")})
    assert reader.get("/api/search", query_string={"q": "志愿服务"}).get_json()["total"] == before - 20
    assert reader.get(f"/bulletin/{ids['extra1']}").status_code == 200
    events = [r["event"] for r in _audit(instance) if r["who"] == "root"]
    assert "rule-default" in events and "rule-grant" in events


def test_feed_tokens_can_be_revoked(accounts_app: Any) -> None:
    client = accounts_app.test_client()
    _login(client, "alice", "alice-secret-pw")
    page = client.get("/?q=志愿服务").get_data(as_text=True)
    feed = re.search(r'href="(/feed\?[^"]*token=[^"]+)"', page).group(1).replace("&amp;", "&")  # type: ignore[union-attr]
    anonymous = accounts_app.test_client()
    assert anonymous.get(feed).status_code == 200 and b"<entry>" in anonymous.get(feed).data
    client.post("/account", data={"action": "renew-feed", "csrf_token": _token(client, "/account")})
    assert anonymous.get(feed).status_code == 403
    assert anonymous.get("/feed?q=志愿服务").status_code == 401


def test_exports_are_audited_with_their_count(accounts_app: Any, instance: Path) -> None:
    client = accounts_app.test_client()
    _login(client, "bob", "bob-secret-pw")
    r = client.get("/api/export", query_string={"q": "志愿服务", "format": "csv"})
    r.get_data()
    exports = [x for x in _audit(instance) if x["event"] == "export"]
    assert exports[-1]["who"] == "bob" and exports[-1]["count"] == int(r.headers["X-Export-Count"]) > 0


def test_the_audit_page_filters_and_exports(accounts_app: Any) -> None:
    admin = accounts_app.test_client()
    _login(admin, "root", "root-secret-pw")
    admin.get("/api/search?q=口罩行动")
    page = admin.get("/admin/audit", query_string={"event": "search", "text": "口罩行动"}).get_data(as_text=True)
    assert "口罩行动" in page and "signin" not in page.split("<tbody>")[1]
    jsonl = admin.get("/admin/audit", query_string={"event": "search", "format": "jsonl"}).get_data(as_text=True)
    lines = [json.loads(x) for x in jsonl.splitlines()]
    assert lines and all(x["event"] == "search" for x in lines)


def test_cli_manages_users_groups_and_rules(instance: Path) -> None:
    run = CliRunner()

    def ok(*args: str, input: str | None = None) -> str:
        r = run.invoke(cli, [*args, "--instance", str(instance)], input=input)
        assert r.exit_code == 0, r.output
        return r.output

    assert "group 办公室 created" in ok("groups", "add", "办公室")  # (English: tests/conftest.py)
    ok("groups", "join", "办公室", "alice")
    ok("access", "grant", "series", EXTRA_SERIES, "组:办公室")
    ok("access", "default", EXTRA_SERIES, "受限")
    ok("users", "role", "alice", "编辑")
    ok("users", "passwd", "alice", "--password-stdin", input="a-new-password\n")
    listing = ok("access", "list")
    assert f"简报系列\t{EXTRA_SERIES}\tgroup:办公室" in listing and "受限" in listing
    assert "alice\t编辑" in ok("users", "list")
    bad = run.invoke(cli, ["users", "role", "alice", "国王", "--instance", str(instance)])
    assert bad.exit_code == 1 and "角色“国王”无效" in bad.output
    short = run.invoke(cli, ["users", "add", "dave", "--password-stdin", "--instance", str(instance)], input="short\n")
    assert short.exit_code == 1 and "至少" in short.output
    ok("users", "remove", "alice")
    events = [r["event"] for r in _audit(instance)]
    assert {"user-add", "group-add", "group-member", "rule-grant", "rule-default", "role", "user-passwd",
            "user-remove"} <= set(events)
    assert all(r["who"].startswith("cli:") for r in _audit(instance))


def test_serve_refuses_a_network_address_without_sign_in(monkeypatch: pytest.MonkeyPatch) -> None:
    import bulletins.serve_cmd as serve_cmd

    started: list[Any] = []

    class Server:
        effective_port = 8000

        def run(self) -> None:
            started.append(True)

        def close(self) -> None:
            pass

    monkeypatch.delenv("BULLETINS_ACCOUNTS", raising=False)
    monkeypatch.setattr("webui.server.create_server", lambda app, **kw: (started.append(app), Server())[1])
    r = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0"])
    assert r.exit_code == 1 and "--open" in r.output and not started
    r = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0", "--open"])
    assert r.exit_code == 0, r.output
    app = started[0]
    assert app.config["OPEN_NETWORK"]
    page = app.test_client().get("/").get_data(as_text=True)
    assert "未启用登录" in page
    assert serve_cmd.is_loopback("127.0.0.1") and serve_cmd.is_loopback("::1") and not serve_cmd.is_loopback("10.0.0.1")


def test_the_audit_trail_rotates_by_size_and_reads_back_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from webui import audit

    monkeypatch.setattr(audit, "AUDIT_MAX_BYTES", 2000)
    folder = audit.audit_dir(tmp_path)
    for i in range(100):
        audit.write(folder, "alice", "10.0.0.1", "search", query=f"第{i}次检索")
    audit.flush(folder)
    rotated = sorted(p.name for p in folder.glob(f"{audit.AUDIT_FILE}.*"))
    assert rotated and all(p.stat().st_size <= 2000 for p in folder.iterdir())
    records = list(audit.read(folder))
    kept = [int(r["query"][1:-3]) for r in records]
    assert kept == list(range(100 - len(kept), 100)) and len(kept) > 20  # oldest first, none lost within the kept files
    assert all(r["who"] == "alice" and r["from"] == "10.0.0.1" and r["when"].endswith("+00:00") for r in records)


def test_an_admin_reindexes_from_the_admin_page(tmp_path: Path, instance: Path) -> None:
    """A file copied into the corpus by hand is searchable after 重新索引 (as `bulletins index`)."""
    import shutil

    from tests.conftest import SEED, extra_issue
    from webui import create_app

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus / SEED.name)
    r = CliRunner().invoke(cli, ["index", "--corpus", str(corpus), "--index", str(tmp_path / "index")])
    assert r.exit_code == 0, r.output
    app = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "index"), "CORPUS_DIR": str(corpus),
                      "ACCOUNTS": True, "ACCESS_DIR": str(instance)})
    admin, reader = app.test_client(), app.test_client()
    _login(admin, "root", "root-secret-pw")
    _login(reader, "alice", "alice-secret-pw")
    (corpus / f"{EXTRA_SERIES}-2023-第1期.txt").write_text(extra_issue(1), encoding="utf-8")
    assert reader.post("/admin/reindex", data={"csrf_token": _token(reader, "/account")}).status_code == 403
    assert admin.post("/admin/reindex", data={"csrf_token": _token(admin, "/admin/")}).status_code == 302
    deadline = time.monotonic() + 120
    while "上次重新索引" not in (page := admin.get("/admin/").get_data(as_text=True)):
        assert time.monotonic() < deadline, page
        time.sleep(0.5)
    assert "新增 1" in page
    assert reader.get("/api/search", query_string={"series": EXTRA_SERIES}).get_json()["total"] == 5
    assert any(r["event"] == "reindex" and r["who"] == "root" for r in _audit(instance))
