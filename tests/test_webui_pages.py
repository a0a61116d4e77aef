"""The search page and the bulletin view, through the Flask test client, on a real index."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from tests.conftest import EXTRA_SERIES

HREF = re.compile(r'href="([^"]*)"')


def page(client: Any, url: str, status: int = 200, **query: Any) -> str:
    response = client.get(url, query_string=query or None)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def link_with(html: str, needle: str) -> str:
    """The href of the first <a> whose content contains `needle`."""
    m = re.search(r'<a [^>]*?href="([^"]*)"[^>]*>(?:(?!</a>).)*?' + re.escape(needle), html, re.S)
    assert m, f"no link containing {needle!r}"
    return m.group(1).replace("&amp;", "&")


def test_search_page_basics(client: Any) -> None:
    html = page(client, "/", q="口罩行动")
    assert 'name="viewport"' in html and 'lang="zh-CN"' in html
    assert 'value="口罩行动"' in html  # the box keeps the query
    assert "共 1 篇" in html
    assert "疫情防控齐聚力" in html and "江苏精神文明建设简报 2022年第11期" in html
    assert "2022年4月2日" in html and "淮安市" in html
    assert "<mark>口罩行动</mark>" in html  # the snippet's highlight, rendered as HTML
    assert '<svg class="timeline"' in html and "<title>2022年4月：1 篇</title>" in html
    for heading in ("城市", "年份", "期次"):
        assert f"<h2>{heading}</h2>" in html


def test_browse_shows_newest_first(client: Any) -> None:
    html = page(client, "/")
    assert "最新文章" in html and "共 29 篇" in html
    hits = re.findall(r'<li class="hit">\s*<h3><a [^>]*>([^<]*)<', html)
    assert len(hits) == 20 and all(h.startswith("第5期") for h in hits[:5])  # 2023-10, the newest issue
    assert "疫情防控齐聚力" not in html  # 2022: on page 2
    assert 'rel="next"' in html


def test_hit_links_to_article_anchor_with_terms(client: Any, ids: dict[str, str]) -> None:
    html = page(client, "/", q="口罩行动")
    href = link_with(html, "疫情防控齐聚力")
    parts = urlsplit(href)
    assert parts.path == f"/bulletin/{ids['seed']}" and parts.fragment == "a1"
    assert parse_qs(parts.query)["hl"] == ["口罩行动"]


def test_facet_click_adds_and_second_click_removes(client: Any) -> None:
    html = page(client, "/", q="志愿服务")
    add = link_with(html, "南京市")
    assert parse_qs(urlsplit(add).query)["city"] == ["南京市"]
    filtered = page(client, add)
    assert "共 5 篇" in filtered and 'aria-current="true"' in filtered
    remove = link_with(filtered, "南京市")
    assert "city" not in parse_qs(urlsplit(remove).query)
    assert parse_qs(urlsplit(remove).query)["q"] == ["志愿服务"]


def test_filters_combine_or_within_and_across(client: Any) -> None:
    both = page(client, "/", q="志愿服务", city=["南京市", "苏州市"])
    assert "共 10 篇" in both
    narrowed = page(client, "/?q=志愿服务&city=南京市&city=苏州市&month=2023-02")
    assert "共 2 篇" in narrowed


def test_year_shows_its_months(client: Any) -> None:
    html = page(client, "/", q="志愿服务", year="2023")
    assert "2023年2月" in html and "2023年10月" in html
    month = link_with(html, "2023年4月")
    assert parse_qs(urlsplit(month).query)["month"] == ["2023-04"]
    assert "共 5 篇" in page(client, month)


def test_issue_facet_by_id_and_by_number(client: Any, ids: dict[str, str]) -> None:
    assert "共 2 篇" in page(client, "/", issue=ids["seed"])
    assert "共 5 篇" in page(client, "/", q="志愿服务", issue="3")
    html = page(client, "/", q="志愿服务")
    assert "志愿服务测试简报 2023年第3期" in html


def test_date_range_and_sort(client: Any) -> None:
    html = page(client, "/", q="志愿服务", **{"from": "2023-04-01", "to": "2023-06-30"})
    assert "共 10 篇" in html and 'value="2023-04-01"' in html and 'value="2023-06-30"' in html
    by_date = page(client, "/", q="志愿服务", sort="date")
    assert '<strong aria-current="true">按日期（新→旧）</strong>' in by_date
    assert by_date.index("第5期第") < by_date.index("第4期第") < by_date.index("第2期第")
    oldest = page(client, "/", q="志愿服务", sort="oldest")
    assert '<strong aria-current="true">按日期（旧→新）</strong>' in oldest
    assert oldest.index("第1期第") < oldest.index("第2期第") < oldest.index("第3期第")


def test_pagination(client: Any) -> None:
    first = page(client, "/", q="志愿服务")
    second_url = link_with(first, "下一页")
    assert parse_qs(urlsplit(second_url).query)["page"] == ["2"]
    second = page(client, second_url)
    assert 'aria-current="page">2<' in second and "上一页" in second
    assert 'start="21"' in second
    beyond = page(client, "/", q="志愿服务", page="50")
    assert "第 50 页没有结果" in beyond


def test_empty_result_explains_and_suggests(client: Any) -> None:
    html = page(client, "/", q="不存在的词语组合", city="南京市")
    assert "没有找到包含“<strong>不存在的词语组合</strong>”的文章" in html
    remove = link_with(html, "去掉筛选")
    assert "city" not in parse_qs(urlsplit(remove).query)
    assert "更短" in html


def test_unknown_facet_values_give_zero_results(client: Any) -> None:
    html = page(client, "/", city="火星市", issue="ffffffffffffffff")
    assert "共 0 篇" in html and "城市：火星市" in html
    assert "共 0 篇" in page(client, "/", year="1999")


def test_long_query_is_truncated_with_notice(client: Any) -> None:
    html = page(client, "/", q="志" * 1000)
    assert "检索词过长" in html and "志" * 201 not in html


def test_form_works_without_javascript(client: Any) -> None:
    html = page(client, "/", q="志愿服务", city="南京市", sort="date")
    form = html[html.index("<form"): html.index("</form>")]
    assert 'method="get"' in form
    assert '<input type="hidden" name="city" value="南京市">' in form
    assert '<input type="hidden" name="sort" value="date">' in form
    assert 'id="search-form"' in form
    assert 'type="date" name="from" form="search-form"' in html  # in the 筛选 panel, submitted with the form


def test_bulletin_view(client: Any, ids: dict[str, str]) -> None:
    html = page(client, f"/bulletin/{ids['seed']}", hl="口罩行动")
    assert "江苏精神文明建设简报" in html and "2022年第11期" in html
    assert "江苏省文明办" in html and "2022年4月2日" in html
    assert 'id="a1"' in html and 'id="a2"' in html
    assert "<mark>口罩行动</mark>" in html
    assert "江苏省文明办. 淮安市：疫情防控齐聚力 志愿服务暖人心[N/OL]. 江苏精神文明建设简报, 2022-04-02(11)[" in html
    assert f"http://localhost/bulletin/{ids['seed']}#a1" in html and "《《" not in html
    assert "readonly" in html and 'class="copy"' in html


def test_bulletin_highlight_from_q(client: Any, ids: dict[str, str]) -> None:
    html = page(client, f"/bulletin/{ids['seed']}", q="口罩行动")
    assert "<mark>口罩行动</mark>" in html and "返回检索结果" in html
    assert "<mark>" not in page(client, f"/bulletin/{ids['seed']}").split("</header>", 2)[-1]


def test_bulletin_prev_next_in_series(client: Any, ids: dict[str, str]) -> None:
    html = page(client, f"/bulletin/{ids['extra3']}")
    assert link_with(html, "上一期").startswith(f"/bulletin/{ids['extra2']}")
    assert link_with(html, "下一期").startswith(f"/bulletin/{ids['extra4']}")
    assert "已是最早一期" in page(client, f"/bulletin/{ids['extra1']}")
    assert "已是最新一期" in page(client, f"/bulletin/{ids['extra5']}")


@pytest.mark.parametrize("bad", ["ffffffffffffffff", "nothex", "0123", "FFFFFFFFFFFFFFFF", "a" * 300, "%3Cscript%3E"])
def test_unknown_bulletin_is_chinese_404(client: Any, bad: str) -> None:
    html = page(client, f"/bulletin/{bad}", status=404)
    assert "找不到页面" in html and "Traceback" not in html
    assert "<script>" not in html.replace('<script src="/static/app.js" defer></script>', "")


@pytest.mark.parametrize(
    "query,status",
    [({"page": "abc"}, 400), ({"page": "0"}, 400), ({"page": "10001"}, 400), ({"from": "2022-13-45"}, 400),
     ({"to": "yesterday"}, 400), ({"year": "twenty"}, 400), ({"month": "2022-13"}, 400), ({"sort": "random"}, 400)],
)
def test_bad_params_are_friendly_400(client: Any, query: dict[str, str], status: int) -> None:
    html = page(client, "/", status=status, q="志愿服务", **query)
    name, value = next(iter(query.items()))
    from indexer.present.params import LABELS

    assert f"{LABELS[name]}无效：{value}" in html and 'class="field-error"' in html and "Traceback" not in html
    assert 'id="q"' in html and 'value="志愿服务"' in html  # the search page, the rest of the query kept
    total = client.get("/api/search", query_string={"q": "志愿服务"}).get_json()["total"]
    assert total > 20 and f"共 {total} 篇" in html  # … and searched without the bad parameter


def test_bad_date_is_shown_beside_the_date_fields(client: Any) -> None:
    html = page(client, "/", status=400, q="志愿服务", city="南京市", **{"from": "2023-05-01", "to": "2023-04-01"})
    panel = html[html.index('id="facet-dates"'):html.index('id="facet-city"')]
    assert "起始日期晚于截止日期" in panel and 'aria-invalid="true"' in panel
    assert '<input type="hidden" name="city" value="南京市">' in html and "共 5 篇" in html


def test_unknown_route_is_chinese_404(client: Any) -> None:
    assert "找不到页面" in page(client, "/no/such/page", status=404)


def test_post_is_refused(client: Any) -> None:
    assert client.post("/", data={"q": "x"}).status_code == 405


def test_missing_index_is_503(missing_index_app: Any) -> None:
    client = missing_index_app.test_client()
    for url in ("/", "/?q=志愿服务", "/bulletin/0123456789abcdef"):
        response = client.get(url)
        assert response.status_code == 503
        html = response.get_data(as_text=True)
        assert "检索服务暂不可用" in html and "bulletins index" not in html
        assert str(missing_index_app.config["INDEX_DIR"]) not in html


def test_internal_error_is_friendly_500(app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import webui.views

    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(webui.views, "search_data", boom)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        response = app.test_client().get("/?q=x")
    finally:
        app.config["PROPAGATE_EXCEPTIONS"] = None
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "服务器内部错误" in html and "secret internals" not in html and "Traceback" not in html


def test_series_listing_for_extra(client: Any) -> None:
    html = page(client, "/", series=EXTRA_SERIES)
    assert "共 25 篇" in html and unquote("简报：") in html
