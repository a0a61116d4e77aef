"""A word found nowhere in a query typed as people type it (甜宁营造: 甜宁 is a slip of the pinyin
input for 天宁): corrected by one character from the index's own pairs of characters, chosen by what
is found with the other words, with a notice and a one-click search as typed — on the seed bulletin
and issues in its shape (issue 24: typos, places)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import index_client, seed_index, seed_shaped_issue

NEWS = "新闻测试简报"

ISSUES = {
    f"{NEWS}-2023-第4期.txt": seed_shaped_issue(NEWS, 4, "2023年4月10日", [
        ("常州市天宁区:营造文明过节新风尚", "天宁区各街道组织志愿者走进社区，营造文明过节的浓厚氛围。"),
        ("常州市:文明交通劝导", "常州市志愿者在路口劝导市民文明出行，营造安全有序的交通环境。"),
        ("泰州市姜堰区:乡村文明实践", "泰州市姜堰区推进新时代文明实践，乡村文明程度持续提升。"),
        ("成都市:都江堰景区文明旅游", "成都市都江堰景区开展文明旅游宣传，游客文明出游。"),
        ("无锡市:完善指标体系", "无锡市完善测评指标体系，营造比学赶超氛围。"),
    ]),
}


@pytest.fixture(scope="module")
def handle(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return seed_index(tmp_path_factory, "wordfix", ISSUES)


def _search(handle: Any, query: str, **kw: Any) -> dict[str, Any]:
    from indexer.search.engine import search

    return search(handle, query, **kw)


def test_a_place_mistyped_by_its_sound_is_corrected_with_the_other_words(handle: Any) -> None:
    # 甜宁 is in no article; 天宁 (same sound) is, beside 营造 (was: an OR ranking every 营造 first)
    r = _search(handle, "甜宁营造")
    assert r["stage"] == "fixed" and r["corrected"] == {"from": "甜宁营造", "to": "天宁营造"}, (r["stage"], r["warnings"])
    assert r["total"] == 1 and r["hits"][0]["title"] == "营造文明过节新风尚"
    assert any("已更正“甜宁”→“天宁”" in w for w in r["warnings"])
    # the seed's own article: 淮按 → 淮安 beside 志愿服务
    r = _search(handle, "淮按志愿服务")
    assert r["stage"] == "fixed" and r["rewrite"]["fixed"] == {"淮按": "淮安"}
    assert r["hits"][0]["title"] == "疫情防控齐聚力 志愿服务暖人心", [h["title"] for h in r["hits"]]


def test_the_other_words_choose_between_corrections(handle: Any) -> None:
    # 疆堰 could be 姜堰 or (都)江堰: with 泰州市 it is 姜堰, with 成都市 it is 江堰
    r = _search(handle, "泰州市疆堰文明")
    assert r["rewrite"]["fixed"] == {"疆堰": "姜堰"} and r["hits"][0]["title"] == "乡村文明实践"
    r = _search(handle, "成都市疆堰文明")
    assert r["rewrite"]["fixed"] == {"疆堰": "江堰"} and r["hits"][0]["title"] == "都江堰景区文明旅游"


def test_words_that_are_there_are_not_corrected_nor_is_a_query_as_typed(handle: Any) -> None:
    assert _search(handle, "淮安志愿服务")["stage"] == "words"
    r = _search(handle, "马善民志愿服务")  # a name of the seed, run together with a word
    assert r["stage"] != "fixed" and not r["corrected"]
    # `correct=False` (the page's 仍按…检索): as typed, nothing corrected
    r = _search(handle, "甜宁营造", correct=False)
    assert r["stage"] != "fixed" and not r["corrected"]


def test_the_page_offers_the_search_as_typed(handle: Any) -> None:
    client = index_client(handle)
    page = client.get("/", query_string={"q": "甜宁营造"}).get_data(as_text=True)
    assert "“天宁营造”的检索结果" in page and "仍按“甜宁营造”检索" in page and "typed=1" in page
    page = client.get("/", query_string={"q": "甜宁营造", "typed": "1"}).get_data(as_text=True)
    assert "仍按“甜宁营造”检索" not in page and "“甜宁营造”的检索结果" in page



def test_a_dictionary_word_the_archive_lacks_is_no_slip(handle: Any) -> None:
    # 标题 is in no article, and 标体 (of 指标体系) is found with 营造 and 氛: but 标题 is a word, not a slip
    r = _search(handle, "标题 营造 氛")
    assert r["stage"] != "fixed" and not r["corrected"], (r["stage"], r["warnings"])


def test_a_field_name_with_a_space_after_its_colon_names_the_field() -> None:
    from indexer.search import query as q

    assert q.parse_query("标题： 迈上").tree == q.Term("迈上", field="title")
    assert q.parse_query('title: "乡村 振兴"').tree == q.Term("乡村 振兴", field="title", phrase=True)
    assert q.parse_query("标题：").warnings  # a field with nothing after it is still named
