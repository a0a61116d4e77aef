"""Slips of the keyboard that are not a wrong character (bench/querysets.py SLIP_KINDS): a
character left out (志愿务), typed twice (常常态) or two swapped (以换旧新), and a word whose end an
input method left in pinyin (垃圾fenlei) — on the seed bulletin and issues in its shape."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import seed_index, seed_shaped_issue

NEWS = "键盘测试简报"
SEED_TITLE = "疫情防控齐聚力 志愿服务暖人心"  # the seed's 淮安 article

ISSUES = {
    f"{NEWS}-2023-第6期.txt": seed_shaped_issue(NEWS, 6, "2023年6月12日", [
        ("无锡市:垃圾分类进社区", "无锡市推进垃圾分类进社区，居民垃圾分类投放准确率持续提升。"),
        ("苏州市:以旧换新促消费", "苏州市开展家电以旧换新活动，以旧换新补贴惠及市民。"),
        ("常州市:文明创建常态长效", "常州市推动文明创建常态长效，文明创建工作保持常态。"),
        ("南通市:志愿服务站点", "南通市新建志愿服务站点，志愿服务覆盖城乡。"),
    ]),
}


@pytest.fixture(scope="module")
def handle(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return seed_index(tmp_path_factory, "slips", ISSUES)


def _search(handle: Any, query: str) -> dict[str, Any]:
    from indexer.search.engine import search

    return search(handle, query)


def test_a_character_left_out_is_put_back(handle: Any) -> None:
    # 志愿务 is in no article; 志愿服务 is (was: the extra-looking 务 dropped, 志愿 searched)
    r = _search(handle, "志愿务 淮安")
    assert r["corrected"]["to"] == "志愿服务 淮安", (r["stage"], r["warnings"])
    assert r["hits"][0]["title"] == SEED_TITLE


def test_a_character_typed_twice_is_dropped_first(handle: Any) -> None:
    r = _search(handle, "常常态 文明创建")
    assert r["corrected"]["to"] == "常态 文明创建", (r["stage"], r["warnings"])
    assert r["hits"][0]["title"] == "文明创建常态长效"


def test_two_characters_the_other_way_round_are_swapped_back(handle: Any) -> None:
    r = _search(handle, "以换旧新 苏州")
    assert r["corrected"]["to"] == "以旧换新 苏州", (r["stage"], r["warnings"])
    assert r["hits"][0]["title"] == "以旧换新促消费"


def test_a_word_whose_end_was_left_in_pinyin_is_read_whole(handle: Any) -> None:
    r = _search(handle, "垃圾fenlei")
    assert "按拼音“垃圾fenlei”检索：垃圾分类" in r["warnings"], r["warnings"]
    assert r["hits"][0]["title"] == "垃圾分类进社区" and r["total"] == 1
    r = _search(handle, "志愿fuwu 淮安")  # beside another word: the seed's article
    assert r["hits"][0]["title"] == SEED_TITLE, r["warnings"]
    # a Latin word the archive holds is no pinyin: searched as typed
    assert not any("拼音" in w for w in _search(handle, "淮安APEC")["warnings"])
