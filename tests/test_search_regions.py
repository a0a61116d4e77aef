"""Places from the text: the 地区 facet (hierarchical, multi-select) and place:/city:/province:.

On the test corpus (tests/conftest.py): the seed issue (淮安市, 连云港市 headings) and
five generated issues whose 25 articles each name one of 南京市 苏州市 无锡市 徐州市 常州市
in their heading and text.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from archive.model import Article, Bulletin
from indexer.store.documents import article_doc


def api(client: Any, **params: Any) -> dict[str, Any]:
    r = client.get("/api/search", query_string=params)
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.get_json()


def regions(data: dict[str, Any]) -> dict[str, int]:
    return {f["value"]: f["count"] for f in data["facets"]["region"]}


def test_region_facet_counts_provinces_by_mention(client: Any) -> None:
    data = api(client, q="志愿服务")
    got = regions(data)
    # every generated article and both seed articles are in 江苏省; nothing deeper is shown
    # until a province is chosen
    assert got["江苏省"] >= 27
    assert all(f["depth"] == 0 for f in data["facets"]["region"])
    item = next(f for f in data["facets"]["region"] if f["value"] == "江苏省")
    assert item["label"] == "江苏省" and not item["selected"] and "region=" in item["toggle_url"]


def test_choosing_a_province_opens_its_cities(client: Any) -> None:
    data = api(client, q="志愿服务", region="江苏省")
    got = regions(data)
    for city in ("南京市", "苏州市", "无锡市", "徐州市", "常州市"):
        assert got[f"江苏省/{city}"] == 5, city
    assert got["江苏省/淮安市"] == 1 and got["江苏省/连云港市"] == 1
    cities = [f for f in data["facets"]["region"] if f["depth"] == 1]
    assert all(f["parent"] == "江苏省" and "/" not in f["label"] for f in cities)
    assert data["total"] == got["江苏省"]


def test_region_facet_is_multi_select(client: Any) -> None:
    one = api(client, q="志愿服务", region="江苏省/南京市")
    assert one["total"] == 5
    both = api(client, q="志愿服务", region=["江苏省/南京市", "江苏省/苏州市"])
    assert both["total"] == 10
    assert both["filters"]["region"] == ["江苏省/南京市", "江苏省/苏州市"]
    selected = [f for f in both["facets"]["region"] if f["selected"]]
    assert {f["value"] for f in selected} == {"江苏省/南京市", "江苏省/苏州市"}
    # un-choosing one keeps the other
    nanjing = next(f for f in selected if f["value"] == "江苏省/南京市")
    assert "region=%E6%B1%9F%E8%8B%8F%E7%9C%81%2F%E8%8B%8F%E5%B7%9E%E5%B8%82" in nanjing["toggle_url"]
    assert "%E5%8D%97%E4%BA%AC" not in nanjing["toggle_url"]


def test_drilling_down_narrows(client: Any) -> None:
    data = api(client, q="志愿服务", region="江苏省")
    nanjing = next(f for f in data["facets"]["region"] if f["value"] == "江苏省/南京市")
    after = client.get(nanjing["toggle_url"].replace("/?", "/api/search?")).get_json()
    assert after["filters"]["region"] == ["江苏省/南京市"] and after["total"] == 5
    # the province stays open: its other cities can be added (OR)
    suzhou = next(f for f in after["facets"]["region"] if f["value"] == "江苏省/苏州市")
    both = client.get(suzhou["toggle_url"].replace("/?", "/api/search?")).get_json()
    assert both["filters"]["region"] == ["江苏省/南京市", "江苏省/苏州市"] and both["total"] == 10


def test_year_facet_is_multi_select_too(client: Any) -> None:
    both = api(client, q="志愿服务", year=["2022", "2023"])
    assert both["total"] == api(client, q="志愿服务")["total"] - api(client, q="志愿服务 NOT 年份:2022 NOT 年份:2023")["total"]
    assert both["total"] == api(client, q="志愿服务", year="2022")["total"] + api(client, q="志愿服务", year="2023")["total"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("place:南京", 5),  # the short form resolves to the unit 江苏省/南京市
        ("place:南京市", 5),
        ("city:苏州", 5),
        ("地区:无锡", 5),
        ("province:江苏 志愿服务", 27),
        ("省份:江苏省 志愿服务", 27),
        ("city:淮安", 1),
        ("place:清江浦区", 1),  # a county named in the seed's 淮安 article
        ("place:北京", 0),
    ],
)
def test_place_fields_match_the_units_mentioned(client: Any, query: str, expected: int) -> None:
    assert api(client, q=query)["total"] == expected, query


def test_hits_carry_their_regions(client: Any) -> None:
    hit = api(client, q="口罩行动")["hits"][0]
    assert "江苏省/淮安市/清江浦区" in hit["regions"]


def test_search_page_shows_the_region_facet_with_its_cities(client: Any) -> None:
    html = client.get("/", query_string={"q": "志愿服务", "region": "江苏省"}).get_data(as_text=True)
    section = re.search(r'<section class="facet" id="facet-region">(.*?)</section>', html, re.S)
    assert section, "no 地区 facet"
    body = section.group(1)
    assert "<h2>地区</h2>" in body and "江苏省" in body and "南京市" in body and "苏州市" in body
    assert 'class="selected"' in body
    # the chosen region is kept by the search form and listed as a removable filter
    assert 'name="region" value="江苏省"' in html
    assert "地区：江苏省" in html


def test_doc_type_is_indexed() -> None:
    a = Article("a1", "b1", 1, "关于开展志愿服务的通知", None, None, (), None, ("正文",), "正文")
    b = Bulletin("b1", "x.txt", "text", "某市文件", None, None, 2024, dt.date(2024, 3, 1), None, None, None,
                 (), (a,), kind="公文", doc_type="通知")
    doc = article_doc(b, a, "x.txt\tabc")
    assert doc.values["doc_type"] == "通知"
