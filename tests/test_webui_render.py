"""webui.render: untrusted Markdown/HTML → safe HTML; <mark> only in text nodes."""

from __future__ import annotations

import re

import pytest

from indexer.search.snippets import query_regex
from webui.render import highlight_html, highlight_text, markdown_to_html, render_body

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<body onload=alert(1)>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[d](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![i](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)",
    "![j](javascript:alert(1))",
    '<a href="vbscript:msgbox(1)">v</a>',
    "<iframe src=//evil.example></iframe>",
    "<style>body{display:none}</style>",
    "<svg onload=alert(1)><circle/></svg>",
    '<p style="background:url(javascript:alert(1))" onclick="alert(1)">t',
    "<div><b>unclosed <i>tags",
    "<scr<script>ipt>alert(1)</script>",
    '<a href="#" onmouseover="alert(1)">m</a>',
    "<object data=x></object><embed src=x><form action=x><input></form>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
]
BAD = re.compile(r"<script|<iframe|<style|<svg|<object|<embed|<form|<math|on\w+\s*=|javascript:|vbscript:|data:|style=", re.I)


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_markup_is_neutralised(source: str) -> None:
    out = markdown_to_html(source)
    assert not BAD.search(out), out


@pytest.mark.parametrize("source", HOSTILE)
def test_highlight_keeps_output_safe(source: str) -> None:
    out = str(render_body(source + " alert 志愿服务", query_regex("alert OR script OR onerror OR 志愿服务")))
    assert not BAD.search(out), out
    if "志愿服务" in out:  # (unless the hostile markup swallowed the rest as raw text)
        assert "<mark>志愿服务</mark>" in out


def test_safe_markup_survives() -> None:
    out = markdown_to_html("**重点** [链接](https://example.org/a) [邮件](mailto:a@b.c) [相对](/bulletin/x)\n\n- 一是\n- 二是")
    assert "<strong>重点</strong>" in out
    assert 'href="https://example.org/a"' in out and 'href="mailto:a@b.c"' in out and 'href="/bulletin/x"' in out
    assert "<li>一是</li>" in out


def test_highlight_only_in_text_nodes() -> None:
    safe = '<p><a href="https://example.org/口罩行动" title="口罩行动">口罩行动</a> 与口罩行动</p>'
    out = highlight_html(safe, query_regex("口罩行动"))
    assert 'href="https://example.org/口罩行动"' in out or "href=\"https://example.org/%E5%8F%A3" in out
    assert 'title="口罩行动"' in out
    assert out.count("<mark>口罩行动</mark>") == 2


def test_highlight_text_escapes() -> None:
    assert str(highlight_text("<b>口罩</b>", query_regex("口罩"))) == "&lt;b&gt;<mark>口罩</mark>&lt;/b&gt;"
    assert str(highlight_text("a & b", None)) == "a &amp; b"


def test_highlight_entities_not_broken() -> None:
    out = highlight_html("<p>a &amp; amp b</p>", query_regex("amp"))
    assert out == "<p>a &amp; <mark>amp</mark> b</p>"
