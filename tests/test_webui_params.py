"""indexer.present.params: every request parameter parsed and validated in one place."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from indexer.present.params import MAX_QUERY, BadParam, SearchParams, parse_search_args, parse_terms


def parse(**kwargs: object) -> SearchParams:
    items: list[tuple[str, str]] = []
    for key, value in kwargs.items():
        key = {"from_": "from"}.get(key, key)
        for v in value if isinstance(value, list) else [value]:
            items.append((key, str(v)))
    return parse_search_args(MultiDict(items))


def test_empty_is_browse_sorted_by_date() -> None:
    p = parse()
    assert p.is_browse and p.page == 1 and p.q == ""
    assert p.effective_sort == "date"


def test_query_alone_sorts_by_relevance() -> None:
    p = parse(q="口罩行动")
    assert not p.is_browse and p.effective_sort == "relevance"


def test_repeated_values_and_dedup() -> None:
    p = parse(city=["淮安市", "连云港市", "淮安市", ""], year=["2022", "2021"], month=["2022-04"])
    assert p.city == ("淮安市", "连云港市")
    assert p.year == (2022, 2021)
    assert p.month == ("2022-04",)


def test_issue_id_or_number() -> None:
    p = parse(issue=["0123456789abcdef", "11"])
    assert p.bulletin == ("0123456789abcdef",) and p.issue == 11
    with pytest.raises(BadParam):
        parse(issue=["11", "12"])
    assert parse(issue="不存在").bulletin == ("不存在",)  # unknown: matches nothing, not an error


@pytest.mark.parametrize("text,number", [("第十一期", 11), ("第11期", 11), ("第１１期", 11), ("第一百零二期", 102), ("7", 7)])
def test_issue_numbers_as_people_write_them(text: str, number: int) -> None:
    assert parse(issue=text).issue == number


def test_issue_number_out_of_range_is_refused() -> None:
    with pytest.raises(BadParam) as exc:
        parse(issue="第九九九九九九九九期")
    assert exc.value.name == "issue"


def test_pairs_from_the_cli_parse_like_the_url() -> None:
    from indexer.present.params import Pairs

    pairs = [("q", "志愿"), ("city", "南京市"), ("city", "苏州市"), ("sort", "oldest"), ("place", "玄武区")]
    assert parse_search_args(Pairs(pairs)) == parse_search_args(MultiDict(pairs))
    p = parse_search_args(Pairs(pairs))
    assert p.city == ("南京市", "苏州市") and p.sort == "oldest" and p.place == "玄武区"


@pytest.mark.parametrize("page", ["abc", "0", "-1", "10001", "1.5", "１", "99999999999999999999"])
def test_bad_pages(page: str) -> None:
    with pytest.raises(BadParam) as exc:
        parse(page=page)
    assert exc.value.name == "page"


@pytest.mark.parametrize("page,expected", [("", 1), ("1", 1), ("2", 2), ("10000", 10000), (" 3 ", 3)])
def test_good_pages(page: str, expected: int) -> None:
    assert parse(page=page).page == expected


@pytest.mark.parametrize(
    "name,value",
    [("from_", "2022-13-45"), ("from_", "2022-02-30"), ("to", "20220402"), ("to", "昨天"),
     ("year", "22"), ("year", "abcd"), ("month", "2022-13"), ("month", "2022-4"), ("sort", "random")],
)
def test_bad_values(name: str, value: str) -> None:
    with pytest.raises(BadParam):
        parse(**{name: value})


def test_dates_and_reversed_range() -> None:
    p = parse(from_="2022-04-01", to="2022-04-30")
    assert p.date_from == dt.date(2022, 4, 1) and p.date_to == dt.date(2022, 4, 30)
    with pytest.raises(BadParam):
        parse(from_="2022-05-01", to="2022-04-01")


def test_long_query_truncated_with_notice_and_control_chars_stripped() -> None:
    p = parse(q="志" * 500)
    assert len(p.q) == MAX_QUERY and p.notices
    assert parse(q="口罩\x00行动\x07").q == "口罩行动"


def test_round_trip_through_url_args() -> None:
    p = parse(q="志愿服务", city=["淮安市"], year=["2022"], month=["2022-04"], issue=["0123456789abcdef", "11"],
              from_="2022-01-01", to="2022-12-31", sort="date", page="3")
    assert parse_search_args(MultiDict(p.to_args())) == p


def test_terms_for_highlighting() -> None:
    assert parse_terms(MultiDict([("hl", "口罩行动"), ("hl", "口罩行动"), ("hl", "\x00"), ("hl", "志愿")])) == ["口罩行动", "志愿"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["q", "city", "year", "month", "issue", "from", "to", "sort", "page", "x"]),
                          st.text(max_size=30)), max_size=8))
def test_never_raises_anything_but_badparam(items: list[tuple[str, str]]) -> None:
    try:
        p = parse_search_args(MultiDict(items))
    except BadParam:
        return
    assert "\x00" not in p.q and len(p.q) <= MAX_QUERY and 1 <= p.page <= 10_000
