"""Pages whose cost is bounded by the request, not by the document, and that mark what the search matched (issues 14, 12).

Pathological documents (a huge article full of matches, 10 KB of unclosed `[`,
an issue of thousands of tiny articles) are generated here; each request on
them must come back with a 200 well within a generous hang guard (timings
themselves are measured in bench/faults.py).
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest

from indexer.build.builder import build_index
from indexer.search.snippets import mark, query_regex, snippet
from webui.render import MARKDOWN_MAX_BRACKETS, markdown_to_html, render_body

HANG_GUARD = 20.0  # seconds: a stall, not a timing (bench/faults.py measures)
HEADER = "# 《{series}》 ({date})\n\n## 详细新闻\n\n"


def guarded(fn: Any, *args: Any, **kw: Any) -> Any:
    t0 = time.perf_counter()
    out = fn(*args, **kw)
    assert time.perf_counter() - t0 < HANG_GUARD, f"{fn.__name__} stalled"
    return out


# -- one highlighter for snippets and the whole issue ---------------------------


@pytest.mark.parametrize("q,marked", [("１５万", "15 万"), ('"口罩 行动"', "口罩行动"), ("口罩行动", "口罩行动")])
def test_bulletin_page_marks_normalised_queries(client: Any, ids: dict[str, str], q: str, marked: str) -> None:
    html = client.get(f"/bulletin/{ids['seed']}", query_string={"q": q}).get_data(as_text=True)
    body = html.split("</header>", 1)[1]
    assert f"<mark>{marked}</mark>" in body


def test_search_link_carries_terms_that_mark_the_article(client: Any) -> None:
    data = client.get("/api/search", query_string={"q": "１５万"}).get_json()
    hit = next(h for h in data["hits"] if "15 万" in re.sub("<[^>]+>", "", h["snippet"]))
    assert "<mark>15 万</mark>" in hit["snippet"]
    html = client.get(f"/bulletin/{hit['bulletin_id']}", query_string={"hl": data["terms"]}).get_data(as_text=True)
    assert "<mark>15 万</mark>" in html.split("</header>", 1)[1]


def test_not_terms_are_not_marked() -> None:
    assert mark("开展口罩行动", query_regex("口罩 -行动")) == "开展<mark>口罩</mark>行动"


# -- linear snippets -----------------------------------------------------------


def test_snippet_of_a_5mb_text_full_of_matches_is_linear() -> None:
    text = "各地广泛开展志愿服务活动。" * 400_000  # 5.2 M characters, 400,000 matches
    rx = query_regex("志愿服务")
    out = guarded(snippet, text, rx)
    assert out.count("<mark>志愿服务</mark>") >= 5 and len(re.sub("<[^>]+>", "", out)) <= 150


def test_snippet_picks_the_densest_window() -> None:
    text = "志愿服务" + "无关内容。" * 100 + "志愿服务，志愿服务，又是志愿服务" + "其他。" * 100
    out = snippet(text, query_regex("志愿服务"))
    assert out.count("<mark>") == 3 and out.startswith("…")


# -- Markdown within a budget; remote images never load -------------------------


@pytest.mark.parametrize(
    "bad", ["[" * 10_000, "![" * 5_000, "[" * 5_000 + "]" * 5_000, "[](" * 3_000, "<a " * 4_000, "志愿服务。\n\n" * 20_000]
)
def test_pathological_markdown_falls_back_to_plain_text(bad: str) -> None:
    out = guarded(markdown_to_html, "志愿服务" + bad)
    assert "按纯文本显示" in out and "<mark>" not in out
    assert "[[[" in out or "&lt;a" in out or "[](" in out or "![" in out or out.count("<p>") > 1000
    marked = str(guarded(render_body, "志愿服务" + bad, query_regex("志愿服务")))
    assert "<mark>志愿服务</mark>" in marked


def test_ordinary_markdown_keeps_its_links() -> None:
    out = markdown_to_html("见[通知](https://example.org/a)和[附件](/static/x)。" + "[x]" * (MARKDOWN_MAX_BRACKETS // 4))
    assert 'href="https://example.org/a"' in out and "按纯文本显示" not in out


@pytest.mark.parametrize(
    "src", ["https://tracker.example/p.gif", "http://tracker.example/p.gif", "//tracker.example/p.gif",
            "/\\tracker.example/p.gif", "HTTPS://tracker.example/p.gif"]
)
def test_remote_images_become_links(src: str) -> None:
    for source in (f'<img src="{src}" alt="照片">', f"![照片]({src})", f'<p><img src="{src}" width="1" height="1"></p>'):
        out = str(render_body(source, query_regex("照片")))
        assert "<img" not in out, out
        assert "tracker.example" in out and "<a " in out and "nofollow" in out


def test_local_images_stay() -> None:
    assert '<img alt="图" src="/static/a.png">' in markdown_to_html("![图](/static/a.png)")


def test_csp_allows_no_remote_images(client: Any) -> None:
    csp = client.get("/").headers["Content-Security-Policy"]
    img = next(d for d in csp.split(";") if d.strip().startswith("img-src")).split()[1:]
    assert img == ["'self'", "data:"]


# -- bounded issue page and API ------------------------------------------------


def tiny_issue(n: int) -> str:
    return HEADER.format(series="小文章测试简报", date="20220303") + "".join(
        f"### 第{k}篇短讯\n\n志愿服务短讯正文{k}号\n\n" for k in range(1, n + 1)
    )


@pytest.fixture(scope="module")
def tiny_app(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from webui import create_app

    root = tmp_path_factory.mktemp("tiny")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "tiny.md").write_text(tiny_issue(2_000), encoding="utf-8")
    (corpus / "brackets.md").write_text(
        HEADER.format(series="方括号测试简报", date="20220302") + "### 方括号\n\n志愿服务" + "[" * 10_000 + "\n",
        encoding="utf-8",
    )
    build_index(corpus, root / "index", procs=1)
    return create_app({"TESTING": True, "INDEX_DIR": str(root / "index")})


def _bid(client: Any, q: str) -> str:
    return client.get("/api/search", query_string={"q": q}).get_json()["hits"][0]["bulletin_id"]


def test_issue_api_is_paginated(tiny_app: Any) -> None:
    client = tiny_app.test_client()
    bid = _bid(client, "第7篇短讯")
    data = guarded(client.get, f"/api/bulletins/{bid}").get_json()
    assert (data["article_count"], data["pages"], data["page"], len(data["articles"])) == (2000, 40, 1, 50)
    assert [a["order"] for a in data["articles"]] == list(range(1, 51))
    last = client.get(f"/api/bulletins/{bid}", query_string={"page": 40}).get_json()
    assert [a["title"] for a in last["articles"]][-1] == "第2000篇短讯"
    assert client.get(f"/api/bulletins/{bid}", query_string={"page": 41}).status_code == 404
    assert client.get(f"/api/bulletins/{bid}", query_string={"page": "x"}).status_code == 400


def test_issue_page_is_paginated_and_search_links_land_on_the_right_page(tiny_app: Any) -> None:
    client = tiny_app.test_client()
    hit = client.get("/api/search", query_string={"q": "第1234篇短讯"}).get_json()["hits"][0]
    html = client.get("/", query_string={"q": "第1234篇短讯"}).get_data(as_text=True)
    link = re.search(r'href="(/bulletin/[^"]+#a1234)"', html)
    assert link and "page=25" in link.group(1), html[:2000]
    page = guarded(client.get, link.group(1).replace("&amp;", "&").split("#")[0]).get_data(as_text=True)
    assert 'id="a1234"' in page and "<mark>第1234篇短讯</mark>" in page
    assert page.count('class="article"') == 50 and "本期共 2000 篇" in page
    assert hit["order"] == 1234


def test_unclosed_brackets_issue_page_is_quick(tiny_app: Any) -> None:
    client = tiny_app.test_client()
    bid = _bid(client, "方括号")
    html = guarded(client.get, f"/bulletin/{bid}", query_string={"q": "志愿服务"}).get_data(as_text=True)
    assert "按纯文本显示" in html and "<mark>志愿服务</mark>" in html


@pytest.mark.stress
def test_issue_of_200000_tiny_articles(tmp_path: Path) -> None:
    """The issue of the report: 200,000 tiny articles; the page and the API read one page of them."""
    import tracemalloc

    from webui import create_app

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "tiny.md").write_text(tiny_issue(200_000), encoding="utf-8")
    build_index(corpus, tmp_path / "index")
    client = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "index")}).test_client()
    bid = _bid(client, "第7篇短讯")
    client.get(f"/bulletin/{bid}")  # warm the shared snapshot
    for url in (f"/bulletin/{bid}", f"/api/bulletins/{bid}"):
        tracemalloc.start()
        t0 = time.perf_counter()
        r = client.get(url, query_string={"q": "志愿服务"})
        seconds = time.perf_counter() - t0
        _cur, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"\n[200,000 tiny articles] {url}: {seconds:.2f} s, peak {peak / 1e6:.1f} MB, {len(r.data)} bytes")
        assert r.status_code == 200 and seconds < HANG_GUARD and peak < 50e6
