"""Hostile text in queries and in bulletins never reaches a page unescaped; security headers."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest

APP_SCRIPT = '<script src="/static/app.js" defer></script>'
FORBIDDEN_TAGS = {"script", "iframe", "style", "object", "embed", "form", "math", "base", "meta", "link", "svg"}
ALLOWED_HEAD = {("link", "rel", "stylesheet"), ("link", "rel", "icon"), ("meta", None, None)}


class TagAudit(HTMLParser):
    """Collects every dangerous tag, attribute and URL an HTML parser (like a browser's) would see."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.in_head = True
        self.in_timeline = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "body":
            self.in_head = False
        if tag == "script":
            if a.get("src") != "/static/app.js" or len(a) != 2:
                self.problems.append(f"<script {attrs}>")
        elif tag == "svg" and a.get("class") == "timeline":
            pass  # our own server-rendered chart
        elif tag in ("link", "meta") and self.in_head:
            pass
        elif tag == "form" and a.get("role") == "search" and a.get("action") == "/" and a.get("method") == "get":
            pass  # our own search form
        elif tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in ("style", "srcdoc", "formaction"):
                self.problems.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action", "xlink:href") and value:
                scheme = re.sub(r"[\s\x00-\x1f]", "", value).lower().split(":", 1)[0]
                if ":" in value and scheme not in ("http", "https", "mailto") and not value.startswith("/"):
                    self.problems.append(f"<{tag} {name}={value!r}>")


def body_of(response: Any) -> str:
    return response.get_data(as_text=True)


def assert_clean(text: str) -> None:
    """No raw <script> from a bulletin or query; no dangerous tag, attribute or URL anywhere."""
    assert "<script>" not in text and "<script>alert" not in text.lower()
    audit = TagAudit()
    audit.feed(text)
    audit.close()
    assert not audit.problems, audit.problems


@pytest.mark.parametrize(
    "q",
    ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "'><svg onload=alert(1)>",
     "javascript:alert(1)", "</title><script>alert(1)</script>", "\x00<script>\x00"],
)
def test_reflected_query_is_escaped(client: Any, q: str) -> None:
    for url in ("/", "/api/search"):
        response = client.get(url, query_string={"q": q, "city": q, "issue": q})
        assert response.status_code == 200
        assert_clean(body_of(response))
    html = body_of(client.get("/", query_string={"q": q}))
    assert "&lt;" in html or "&#34;" in html or "&#39;" in html or "javascript" in q


def test_hostile_bulletin_page_is_sanitised(client: Any, ids: dict[str, str]) -> None:
    for query in ({}, {"hl": ["script", "alert", "onerror", "志愿服务", "<mark>"]}, {"q": "<script>"}):
        html = body_of(client.get(f"/bulletin/{ids['hostile']}", query_string=query))
        assert_clean(html)
    html = body_of(client.get(f"/bulletin/{ids['hostile']}", query_string={"hl": "志愿服务"}))
    assert "<mark>志愿服务</mark>" in html
    assert 'href="https://example.org/ok"' in html  # safe links survive


def test_hostile_bulletin_in_results_is_escaped(client: Any) -> None:
    for q in ("安全测试口令", "script", "alert", "onerror", "志愿服务"):
        for url in ("/", "/api/search"):
            assert_clean(body_of(client.get(url, query_string={"q": q})))
    html = body_of(client.get("/", query_string={"q": "安全测试口令"}))
    snippets = re.findall(r'<p class="snippet">(.*?)</p>', html, re.S)
    assert snippets and all(set(re.findall(r"</?(\w+)", s)) <= {"mark"} for s in snippets)


def test_every_page_has_security_headers(client: Any, ids: dict[str, str]) -> None:
    for url in ("/", "/?q=x", f"/bulletin/{ids['seed']}", "/api/search", "/nope", "/api/nope", "/?page=abc", "/static/app.js"):
        response = client.get(url)
        response.close()  # static files are streamed from an open file
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp and "object-src 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"]


def test_no_route_writes(app: Any, index_dir: Any) -> None:
    before = sorted((p.relative_to(index_dir), p.stat().st_mtime_ns) for p in index_dir.rglob("*"))
    client = app.test_client()
    for method in ("post", "put", "delete", "patch"):
        for url in ("/", "/api/search", "/bulletin/0123456789abcdef"):
            assert getattr(client, method)(url).status_code == 405
    client.get("/?q=志愿服务")
    after = sorted((p.relative_to(index_dir), p.stat().st_mtime_ns) for p in index_dir.rglob("*"))
    assert before == after


@pytest.mark.parametrize(
    "bad",
    ["<script>alert(1)</script>", '<img src=x onerror="alert(1)">', '<a href=" JaVa\tScript:alert(1)">x</a>',
     '<img src="data:image/svg+xml,x">', "<iframe src=/x></iframe>", '<p style="x">'],
)
def test_the_audit_itself_catches_danger(bad: str) -> None:
    with pytest.raises(AssertionError):
        assert_clean(f"<html><body>{bad}</body></html>")
