"""webui.timeline and indexer.present.links: the SVG chart and the toggle URLs."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from indexer.present.links import active_filters, build_facets, state_url
from indexer.present.params import SearchParams
from webui.timeline import month_series, render_timeline


def qs(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_month_series_fills_gaps() -> None:
    assert month_series([{"value": "2021-11", "count": 2}, {"value": "2022-02", "count": 1}]) == [
        ("2021-11", 2), ("2021-12", 0), ("2022-01", 0), ("2022-02", 1)]
    assert month_series([]) == []


def test_timeline_bars_are_links_with_titles() -> None:
    p = SearchParams(q="志愿服务")
    svg = str(render_timeline(p, [{"value": "2022-04", "count": 3}, {"value": "2022-06", "count": 1}]))
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count("<a ") == 2  # empty May has no bar
    assert "<title>2022年4月：3 篇</title>" in svg and "<title>2022年6月：1 篇</title>" in svg
    assert "month=2022-04" in svg and "q=%E5%BF%97" in svg
    assert str(render_timeline(p, [])) == ""


def test_timeline_second_click_removes_month() -> None:
    p = SearchParams(q="x", month=("2022-04",))
    svg = str(render_timeline(p, [{"value": "2022-04", "count": 3}]))
    assert "month=" not in svg.split("<title>2022年4月")[0].rsplit("<a ", 1)[1]


def test_facet_toggle_urls() -> None:
    p = SearchParams(q="志愿服务", city=("淮安市",), page=3)
    facets = build_facets(p, {"city": [{"value": "淮安市", "count": 2}, {"value": "连云港市", "count": 1}],
                              "year": [{"value": 2022, "count": 3}], "month": [], "issue": []})
    huaian, lyg = facets["city"]
    assert huaian["selected"] and not lyg["selected"]
    assert "city" not in qs(huaian["toggle_url"])  # second click removes
    assert qs(lyg["toggle_url"])["city"] == ["淮安市", "连云港市"]  # combine (OR within the facet)
    assert "page" not in qs(lyg["toggle_url"])  # a new filter starts at page 1
    assert facets["year"][0]["label"] == "2022年"
    assert set(huaian) == {"value", "label", "count", "selected", "toggle_url"}


def test_selected_value_with_no_matches_stays_removable() -> None:
    p = SearchParams(city=("火星市",))
    facets = build_facets(p, {"city": []})
    assert facets["city"] == [{"value": "火星市", "label": "火星市", "count": 0, "selected": True, "toggle_url": "/"}]
    assert active_filters(p, facets) == [{"label": "城市：火星市", "remove_url": "/"}]


def test_state_url_keeps_everything_else() -> None:
    p = SearchParams(q="a b", year=(2022,), sort="date", sort_given=True)
    assert qs(state_url(p, page=2)) == {"q": ["a b"], "year": ["2022"], "sort": ["date"], "page": ["2"]}
