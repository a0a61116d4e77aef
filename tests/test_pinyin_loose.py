"""Pinyin typed loosely (session 9, bench kinds fuzzy_pinyin and pinyin_slip): a southern
accent's syllables (zi for zhi, lan for nan, yin for ying) and one slipped letter are read as
the Hanzi the archive holds, on the seed bulletin and the generated issue of test_pinyin."""

from __future__ import annotations

import pytest

from indexer.search.engine import search
from indexer.search.pinyin_loose import accent_respellings, slip_respellings, syllable_splits
from indexer.store.handles import IndexHandle
from tests.conftest import seed_index, seed_shaped_issue
from tests.test_pinyin import ISSUE


@pytest.fixture(scope="module")
def handle(tmp_path_factory: pytest.TempPathFactory) -> IndexHandle:
    return seed_index(tmp_path_factory, "pinyin-loose", {"城乡建设测试简报-2024-第1期.txt": ISSUE})


def test_respellings_go_both_ways_and_stay_syllables() -> None:
    assert "zhiyuan" in accent_respellings("ziyuan")  # zh typed z
    assert "ziyuan" in accent_respellings("zhiyuan")  # and the other way
    assert "huanjing" in accent_respellings("huanjin")  # ing typed in
    assert "lajifenlei" in accent_respellings("najifenlei")  # l typed n
    assert "zhiyuan" in slip_respellings("zhiyaun")  # two letters swapped
    assert "lajifenlei" in slip_respellings("lajifenleii")  # one typed twice
    assert "fuwu" in slip_respellings("fuwuu") and "zhiyuan" in slip_respellings("zhiyuna")
    assert all(syllable_splits(t) for t in slip_respellings("zhiyaun"))  # whole syllables only
    assert slip_respellings("abc") == set()  # too short to put right


@pytest.mark.parametrize(("typed", "meant"), [
    ("sequ", "社区"),  # an accent: she → se
    ("zhiyuan fuwu", "志愿服务"),  # (as typed: not respelled)
    ("najifenlei", "垃圾分类"),  # l → n
    ("zhiyaun fuwu", "志愿服务"),  # two letters swapped
    ("lajifenlie", "垃圾分类"),
    ("lajifnelei", "垃圾分类"),
    ("huain", "淮安"),  # a letter left out
])
def test_loose_pinyin_is_read_as_the_archive_hanzi(handle: IndexHandle, typed: str, meant: str) -> None:
    r = search(handle, typed)
    assert r["pinyin"]["to"].replace(" ", "") == meant
    assert r["total"] == search(handle, meant)["total"] > 0
    respelled = [w for w in r["warnings"] if w.startswith(f"按拼音“{typed}”")]
    assert respelled and ("读作" in respelled[0]) == (typed != "zhiyuan fuwu")


def test_letters_that_no_respelling_reads_stay_unread(handle: IndexHandle) -> None:
    for typed in ("qwrtz", "xkcdqq"):
        r = search(handle, typed)
        assert r["total"] == 0 and r.get("pinyin") is None


# As in xinwen: 访问 and 文莱 are common words that meet in one article; 行稳 and 文莱 meet in twelve.
BRUNEI = seed_shaped_issue("外事测试简报", 1, "2024年2月1日", [
    ("市领导:韩正访问文莱", "应文莱苏丹邀请，韩正对文莱进行正式访问，双方就深化合作交换意见。"),
    *[(f"{city}:{city}代表团出国访问", f"{city}代表团访问友好城市，洽谈经贸合作。")
      for city in ("宿迁市", "常熟市", "昆山市", "江阴市")],
    *[(f"{city}:{city}与文莱友好交流行稳致远", f"{city}同文莱的友好交流行稳致远，双方签署了{k}项合作文件。")
      for k, city in enumerate(("南京市", "无锡市", "徐州市", "常州市", "苏州市", "南通市", "连云港市", "淮安市",
                                "盐城市", "扬州市", "镇江市", "泰州市"), 1)],
])


@pytest.fixture(scope="module")
def brunei(tmp_path_factory: pytest.TempPathFactory) -> IndexHandle:
    return seed_index(tmp_path_factory, "pinyin-brunei", {"外事测试简报-2024-第1期.txt": BRUNEI})


def test_a_reading_as_typed_gives_way_only_to_a_respelled_string(brunei: IndexHandle) -> None:
    # fangwen wenlai reads 访问 文莱 (1 article); f/h respelled, hangwen wenlai reads 行稳 文莱 in 12:
    # common words that merely meet are no reason to overrule what was typed (the first version did;
    # a part read as rare words, 蒋成 for jiangcheng, is: tixi jiangcheng → 体系 建成)
    r = search(brunei, "fangwen wenlai")
    assert r["pinyin"]["to"].replace(" ", "") == "访问文莱"
    assert not any("读作" in w for w in r["warnings"])
    assert "韩正访问文莱" in r["hits"][0]["title"]

