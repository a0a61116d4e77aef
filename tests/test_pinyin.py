"""Pinyin typed for Chinese (issue 24): full pinyin and initials read as the archive's own
Hanzi, on the seed bulletin (江苏精神文明建设简报 第11期: 淮安, 志愿服务 …) and one
generated issue in its shape (垃圾分类, which jieba cuts in two, and the Latin APEC)."""

from __future__ import annotations

from typing import Any

import pytest

from indexer.search.pinyin import kind_of, kinds_of, normalize_query, word_keys
from indexer.search.engine import search
from indexer.store.handles import IndexHandle
from tests.conftest import index_client, seed_index

ISSUE = """工作资料 注意保存

城乡建设测试简报

第1期

江苏省城乡建设测试办公室

2024年1月10日

南京市:垃圾分类进社区

今年以来,南京市深入推进垃圾分类工作,在全市社区设立垃圾分类指导员,居民垃圾分类知晓率明显提高。

苏州市:APEC 工商领导人对话会在苏州举行

会议讨论了 APEC 区域的绿色发展。

报:省文明办

发:各设区市文明办

(苏城测字1号 共印100份)
"""


@pytest.fixture(scope="module")
def handle(tmp_path_factory: pytest.TempPathFactory) -> IndexHandle:
    return seed_index(tmp_path_factory, "pinyin", {"城乡建设测试简报-2024-第1期.txt": ISSUE})


@pytest.fixture(scope="module")
def client(handle: IndexHandle) -> Any:
    return index_client(handle)


@pytest.mark.parametrize("typed", ["lajifenlei", "la ji fen lei", "lājī fēnlèi", "LAJIFENLEI", "la'ji'fen'lei"])
def test_normalized_letters(typed: str) -> None:
    assert normalize_query(typed) == "lajifenlei" and kind_of("lajifenlei") == "full"


def test_kinds_and_keys() -> None:
    assert kind_of("ljfl") == "initials" and kind_of("zyfw") == "initials"
    assert kinds_of("xian") == ("full", "initials")  # 西安, or the initials of 4 characters
    assert kinds_of("apec") == ("initials",) and kind_of("internationalization") is None
    assert normalize_query("淮安") is None and normalize_query("2023") is None
    assert word_keys("绿色")[0] == ("lvse",) and normalize_query("lǜsè") == "lvse"
    assert "yinhang" in word_keys("银行")[0] and "yh" in word_keys("银行")[1]  # 行: xing and hang
    assert "changjiang" in word_keys("长江")[0]


@pytest.mark.parametrize(("typed", "meant", "kind"), [
    ("huaian", "淮安", "拼音"),
    ("huai an", "淮安", "拼音"),
    ("zhiyuan fuwu", "志愿服务", "拼音"),
    ("zhìyuàn fúwù", "志愿服务", "拼音"),
    ("zyfw", "志愿服务", "拼音首字母"),
    ("lajifenlei", "垃圾分类", "拼音"),  # two jieba words: read through what follows 垃圾
    ("ljfl", "垃圾分类", "拼音首字母"),
])
def test_pinyin_is_searched_as_hanzi(handle: IndexHandle, typed: str, meant: str, kind: str) -> None:
    assert search(handle, typed, correct=False)["total"] == 0  # the letters are in no text
    r = search(handle, typed)
    assert r["pinyin"]["to"] == meant and r["query"] == typed
    assert r["total"] == search(handle, meant)["total"] > 0
    assert f"按{kind}“{typed}”检索：{meant}" in r["warnings"]
    assert meant in r["hits"][0]["title"] + r["hits"][0]["snippet"].replace("<mark>", "").replace("</mark>", "")


def test_latin_in_the_text_stays_literal(handle: IndexHandle) -> None:
    r = search(handle, "APEC")
    assert r["total"] >= 1 and r.get("pinyin") is None
    assert "APEC" in r["hits"][0]["title"]


def test_not_pinyin_is_left_alone(handle: IndexHandle) -> None:
    r = search(handle, "qwrtz")
    assert r["total"] == 0 and r.get("pinyin") is None


def test_api_and_page_show_the_reading(client: Any) -> None:
    data = client.get("/api/search", query_string={"q": "huaian"}).get_json()
    assert data["pinyin"]["to"] == "淮安" and data["hits"]
    html = client.get("/", query_string={"q": "lajifenlei"}).get_data(as_text=True)
    assert "按拼音“lajifenlei”检索：垃圾分类" in html


def test_words_read_apart_are_those_the_archive_holds_together(handle: IndexHandle) -> None:
    # 垃圾 and 社区 stand apart in the title 垃圾分类进社区; typed joined, no string of the
    # archive reads as the whole (the old code found nothing)
    r = search(handle, "lajishequ")
    assert r["pinyin"]["to"] == "垃圾 社区" and r["total"] >= 1
    assert search(handle, "ljsq")["pinyin"]["to"] == "垃圾 社区"


def test_pinyin_beside_hanzi_is_read_with_them(handle: IndexHandle) -> None:
    r = search(handle, "shequ 垃圾分类")
    assert r["pinyin"]["to"] == "社区 垃圾分类" and r["total"] >= 1
    assert "垃圾分类" in r["hits"][0]["title"]


def test_tone_marks_are_read_before_the_word_stages(handle: IndexHandle) -> None:
    # the word stages made pieces of the accented letters, found some, and the reading was lost
    r = search(handle, "lājī fēnlèi")
    assert r["pinyin"]["to"] == "垃圾分类"


def test_a_reading_apart_counts_only_what_the_reader_may_see(handle: IndexHandle) -> None:
    import numpy as np

    from indexer.search.engine import snapshot

    none = np.zeros(snapshot(handle).n, dtype=bool)  # access rules (issue 21): a reader who may see nothing
    for typed in ("lajishequ", "shequ 垃圾分类", "ljsq"):
        r = search(handle, typed, allowed_docs=none)
        assert r["total"] == 0 and not r["hits"] and r.get("pinyin") is None, typed


INITIALS_ISSUE = """工作资料 注意保存

城乡建设测试简报

第2期

江苏省城乡建设测试办公室

2024年2月10日

无锡市:社区为老人服务

无锡市新吴区的社区今天起上门为老人办事。

常州市:会议强调安全生产

会议强调,由社区发文通知居民做好安全生产检查。

镇江市:会议强调防汛准备

会议强调,由社区发文通知居民做好防汛准备。

扬州市:会议强调文明出行

会议强调,各街道做好文明出行宣传。

泰州市:监督检查开展

泰州市开展监督检查。

报:省文明办

(苏城测字2号 共印100份)
"""


@pytest.fixture(scope="module")
def initials_handle(tmp_path_factory: pytest.TempPathFactory) -> IndexHandle:
    return seed_index(tmp_path_factory, "initials", {"城乡建设测试简报-2024-第2期.txt": INITIALS_ISSUE})


def test_initials_weigh_the_whole_string_and_the_words_in_the_same_texts(initials_handle: IndexHandle) -> None:
    # 社区发文 (sqfw) runs across words in two texts; 社区 and 服务 stand in one title. The old code
    # counted the string in titles and texts against the words in titles, and read 社区发文.
    r = search(initials_handle, "sqfw")
    assert r["pinyin"]["to"] == "社区 服务"
    assert "社区为老人服务" in r["hits"][0]["title"]


def test_a_heteronyms_rarer_reading_weighs_less(initials_handle: IndexHandle) -> None:
    from indexer.search.understand import pinyin_table

    # 强调 (three articles) reads jd only by 强's rarer reading jiang; 监督 (one) by its first
    words = [w for w, _n in pinyin_table(initials_handle).words("jd", "initials")]
    assert words.index("监督") < words.index("强调")
    assert pinyin_table(initials_handle).words("qd", "initials")[0][0] == "强调"


def test_a_phrase_is_spelled_from_the_index_words_first(handle: IndexHandle, monkeypatch: Any) -> None:
    import indexer.search.pinyin as py

    def dear(*_a: Any, **_k: Any) -> Any:
        raise AssertionError("the continuation search ran")

    # 垃圾分类 is 垃圾 + 分类 of the index's words: found without reading what follows 垃圾
    monkeypatch.setattr(py, "continuations", dear)
    assert search(handle, "lajifenlei")["pinyin"]["to"] == "垃圾分类"
    assert search(handle, "ljfl")["pinyin"]["to"] == "垃圾分类"


BLEND_ISSUE = """工作资料 注意保存

城乡建设测试简报

第3期

江苏省城乡建设测试办公室

2024年3月10日

南京市:市政府宣布举行防汛演练

市政府宣布举行全市防汛演练,各区参加。

苏州市:宣布举行文明城市创建推进会

会上宣布举行文明城市创建推进活动。

无锡市:宣布举行招商大会

无锡市宣布举行今年的招商大会。

常州市:人民银行宣布降息

人民银行常州分行宣布降息后,企业贷款成本下降。

报:省文明办

(苏城测字3号 共印100份)
"""


@pytest.fixture(scope="module")
def blend_handle(tmp_path_factory: pytest.TempPathFactory) -> IndexHandle:
    return seed_index(tmp_path_factory, "blend", {"城乡建设测试简报-2024-第3期.txt": BLEND_ISSUE})


def test_letters_read_two_ways_show_the_other_reading_second(blend_handle: IndexHandle) -> None:
    # xbjx is 宣布举行 (three titles) or 宣布降息 (one): the old code showed only the first
    # reading's three articles; the 降息 article now comes second, marked with its reading.
    r = search(blend_handle, "xbjx")
    assert r["pinyin"]["to"] == "宣布举行" and r["pinyin"]["kind"] == "initials"
    assert "宣布举行" in r["hits"][0]["title"] and "reading" not in r["hits"][0]
    assert "降息" in r["hits"][1]["title"] and r["hits"][1]["reading"] == "宣布降息"
    assert sum("降息" in h["title"] for h in r["hits"]) == 1
    assert any(w.startswith("也可能是：宣布降息") for w in r["warnings"])
    assert [b["reading"] for b in r["blended"]] == ["宣布降息"]
    # the best reading's own hits are all there, in their order, after it
    assert [h["title"] for h in r["hits"] if "reading" not in h] == [
        h["title"] for h in search(blend_handle, "宣布举行")["hits"]]


def test_a_second_page_and_a_date_sort_are_not_blended(blend_handle: IndexHandle) -> None:
    assert "blended" not in search(blend_handle, "xbjx", sort="date")
    assert all("降息" not in h["title"] for h in search(blend_handle, "xbjx", sort="date")["hits"])


# Titles of xinwen-lianbo (2023–2024), in a 简报's shape: 释放 and 活力 stand in two titles the
# other way round (活力…释放), 首发 and 活力 in one title in the order typed.
ORDER_ISSUE = """工作资料 注意保存

城乡建设测试简报

第4期

江苏省城乡建设测试办公室

2024年4月10日

新年伊始 各地消费活力持续释放

新年伊始,各地消费市场人气旺盛。

新春消费亮点纷呈 市场活力加速释放

春节期间,各地消费市场亮点纷呈。

多举措推进首发经济 各地不断激发消费活力

各地多举措推进首发经济。

巴媒称以军袭击加沙地带两处难民营致严重伤亡

巴勒斯坦媒体报道了袭击。

俄称在库尔斯克又收复两处定居点 乌称新型导弹已用于作战

俄方称收复定居点。

报:省文明办

(苏城测字4号 共印100份)
"""


@pytest.fixture(scope="module")
def order_handle(tmp_path_factory: pytest.TempPathFactory) -> IndexHandle:
    return seed_index(tmp_path_factory, "order", {"城乡建设测试简报-2024-第4期.txt": ORDER_ISSUE})


@pytest.mark.parametrize("typed, meant, title", [
    ("sfhl", "首发 活力", "首发经济"),  # the old code read 释放 活力 (two titles, both the other way round)
    ("lcdd", "两处 导弹", "导弹"),  # … and 两处 地带 (one title each: 地带 stands before 两处)
])
def test_initials_read_words_in_the_order_typed(order_handle: IndexHandle, typed: str, meant: str,
                                                title: str) -> None:
    r = search(order_handle, typed)
    assert r["pinyin"]["to"] == meant and r["pinyin"]["kind"] == "initials"
    assert title in r["hits"][0]["title"]
