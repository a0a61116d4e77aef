"""Page errors in plain words naming the field as labelled, every bad field at once; the
advanced form's fields as query syntax (issue 20, items 7–8)."""

from __future__ import annotations

from typing import Any

import pytest
from werkzeug.datastructures import MultiDict

from indexer.present.params import BadParam, compose_query, parse_search_args
from indexer.search.query import parse_query


def test_every_bad_field_is_named_as_labelled() -> None:
    with pytest.raises(BadParam) as exc:
        parse_search_args(MultiDict([("from", "2023-13-45"), ("year", "abc"), ("page", "0"), ("sort", "random")]))
    messages = [str(e) for e in exc.value.errors]
    assert [e.name for e in exc.value.errors] == ["year", "sort", "from", "page"]
    assert "起始日期无效：2023-13-45（不存在这个日期）" in messages
    assert any(m.startswith("年份无效：abc") for m in messages) and any(m.startswith("页码无效：0") for m in messages)
    assert not any("参数" in m or "from" in m for m in messages)  # no URL parameter names


def test_one_bad_field_alone_is_a_plain_bad_param() -> None:
    with pytest.raises(BadParam) as exc:
        parse_search_args(MultiDict([("to", "yesterday")]))
    assert str(exc.value).startswith("截止日期无效：yesterday") and exc.value.errors == [exc.value]


def test_the_page_shows_every_bad_field_beside_the_rest_of_the_search(client: Any) -> None:
    r = client.get("/", query_string={"q": "志愿服务", "from": "2023-13-45", "to": "2023-02-30", "year": "abc"})
    html = r.get_data(as_text=True)
    assert r.status_code == 400
    for text in ("起始日期无效：2023-13-45", "截止日期无效：2023-02-30", "年份无效：abc"):
        assert text in html
    assert 'value="志愿服务"' in html and "共 " in html


@pytest.mark.parametrize("fields,base,want", [
    ({"adv_all": "志愿 服务"}, "", "志愿 服务"),
    ({"adv_any": "南京 苏州", "adv_none": "疫情"}, "文明", "文明 (南京 OR 苏州) -疫情"),
    ({"adv_phrase": "新时代 文明实践", "adv_scope": "title"}, "", '标题:"新时代 文明实践"'),
    ({"adv_all": "防汛", "adv_scope": "title"}, "a OR b", "(a OR b) 标题:防汛"),
    ({"adv_serial": "苏政办发〔2022〕12号"}, "", "文号:苏政办发〔2022〕12号"),
    ({"adv_serial": "国办发 2018"}, "", '文号:"国办发 2018"'),
    ({"within": "南京"}, "志愿服务", "志愿服务 南京"),
    ({"adv_all": 'x" OR (y'}, "", "x y"),  # quotes, brackets and operators typed into a field are words
])
def test_advanced_fields_become_the_query_syntax(fields: dict[str, str], base: str, want: str) -> None:
    got = compose_query(base, MultiDict(fields))
    assert got == want
    assert not parse_query(got).warnings  # well-formed: nothing for the parser to repair


def test_no_advanced_fields_is_no_query() -> None:
    assert compose_query("志愿", MultiDict([("adv_scope", "title"), ("adv_all", " ")])) is None


def test_the_api_names_every_bad_field(client: Any) -> None:
    r = client.get("/api/search", query_string={"q": "志愿服务", "from": "2023-13-45", "month": "2022-13"})
    body = r.get_json()
    assert r.status_code == 400 and body["ok"] is False
    assert "月份无效：2022-13" in body["error"] and "起始日期无效：2023-13-45" in body["error"]
