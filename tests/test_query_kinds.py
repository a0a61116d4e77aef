"""Query kinds of the office's own typing, never named by issue 24 (bench/querysets.py STAFF_KINDS):
figures in the other writing, dates in other words, request frames, Chinese operators, a pasted
sentence with brackets, a series named with its issue — on the seed bulletin and issues in its shape."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import seed_index, seed_shaped_issue

NEWS = "新闻测试简报"


def _issue(n: int, date: str, articles: list[tuple[str, str]]) -> str:
    return seed_shaped_issue(NEWS, n, date, articles)


ISSUES = {
    f"{NEWS}-2023-第3期.txt": _issue(3, "2023年3月15日", [
        ("南京市:交通文明劝导志愿行动启动", "南京市组织志愿者在路口开展交通文明劝导，劝导市民文明出行。"),
        ("苏州市:常熟古城区保护更新", "常熟市推进古城区保护更新，修缮老街古巷，改善居民生活。"),
        ("无锡市:市文明委召开第九次全体会议", "无锡市文明委召开第九次全体会议，部署交通文明劝导工作。"),
    ]),
    f"{NEWS}-2023-第5期.txt": _issue(5, "2023年5月20日", [
        ("徐州市:交通安全宣传进校园", "徐州市开展交通安全宣传进校园活动，覆盖学生15万人次。"),
        ("常州市:高铁隧道贯通", "沈白高铁白山隧道今天（5月20日）贯通，常州市志愿者到场服务。"),
    ]),
}


@pytest.fixture(scope="module")
def handle(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return seed_index(tmp_path_factory, "kinds", ISSUES)


def _search(handle: Any, query: str, **kw: Any) -> dict[str, Any]:
    from indexer.search.engine import search

    return search(handle, query, **kw)


def _titles(r: dict[str, Any]) -> list[str]:
    return [h["title"] for h in r["hits"]]


def test_an_arabic_figure_finds_the_chinese_one_and_back(handle: Any) -> None:
    # the text writes 第九次; staff type 9次 (was: 0 articles)
    r = _search(handle, "9次 全体会议")
    assert r["total"] >= 1 and "第九次全体会议" in r["hits"][0]["title"], _titles(r)
    # run together with a word, the figure is cut whole and searched in both writings
    r = _search(handle, "文明委9次")
    assert r["hits"] and "第九次全体会议" in r["hits"][0]["title"], (r["stage"], _titles(r))
    # 九次 is not inside 十九次, nor 1次 inside 11次
    from indexer.search import query as q

    assert q.number_pattern("九次").search("第十九次") is None
    assert q.number_pattern("九次").search("第九次") is not None


@pytest.mark.parametrize("query,term", [("2023年5月份 交通", "2023年5月份"), ("23年5月 交通", "23年5月"),
                                        ("二〇二三年五月 交通", "二〇二三年五月"), ("2023年度交通", "2023年度")])
def test_dates_in_other_words_are_applied(handle: Any, query: str, term: str) -> None:
    r = _search(handle, query)
    assert r["date_applied"] is not None and r["date_applied"]["term"] == term, (query, r["date_applied"])
    assert r["total"] >= 1 and "交通" in r["hits"][0]["title"], _titles(r)


def test_a_request_around_the_words_is_left_out(handle: Any) -> None:
    # 报道 / 文章 ask for articles; they are not what is sought (was: required, so the wrong articles)
    r = _search(handle, "帮我找一下古城区保护的文章")
    assert r["hits"] and "古城区保护" in r["hits"][0]["title"], (r["stage"], _titles(r))
    assert "文章" in (r["rewrite"] or {}).get("dropped", []), r["rewrite"]
    r = _search(handle, "关于的交通劝导")  # only function words around one word
    assert r["hits"] and "交通文明劝导" in r["hits"][0]["title"] or "劝导" in r["hits"][0]["title"]


def test_chinese_connectives_and_operators(handle: Any) -> None:
    # A和B: both, the 和 not required (the texts hold no 和)
    r = _search(handle, "古巷和修缮")
    assert r["total"] >= 1 and "古城区" in r["hits"][0]["title"], (r["stage"], _titles(r))
    # A或B run together: either
    r = _search(handle, "常熟或徐州")
    assert r["stage"] == "operators" and r["total"] >= 2, (r["stage"], r["total"])
    assert {"苏州市", "徐州市"} <= {h["city"] for h in r["hits"]}, _titles(r)
    # standing alone, 或 / 不含 are the parser's operators, with a notice
    r = _search(handle, "交通 不含 徐州")
    assert r["total"] >= 1 and "徐州市" not in {h["city"] for h in r["hits"]}, _titles(r)
    assert any("不含" in w and "NOT" in w for w in r["warnings"])
    r = _search(handle, "交通不含徐州")
    assert r["total"] >= 1 and "徐州市" not in {h["city"] for h in r["hits"]}, (r["stage"], _titles(r))


def test_a_pasted_sentence_with_brackets_and_a_typo_is_found(handle: Any) -> None:
    # （5月20日） made the query one of operators: no stage cut it, and it found nothing
    r = _search(handle, "沈白高铁白山岁道今天（5月20日）贯通")
    assert r["total"] >= 1 and r["hits"][0]["title"].endswith("高铁隧道贯通"), (r["stage"], _titles(r))


def test_a_series_named_with_its_issue_finds_that_issue(handle: Any) -> None:
    # the series' name is in no article's text: 《江苏精神文明建设简报》第11期 found other text
    r = _search(handle, "《江苏精神文明建设简报》第11期")
    assert r["total"] >= 1 and all(h["series"] == "江苏精神文明建设简报" for h in r["hits"]), _titles(r)
    r = _search(handle, "江苏精神文明建设简报 第十一期")
    assert r["total"] >= 1 and all(h["series"] == "江苏精神文明建设简报" for h in r["hits"]), _titles(r)


def test_a_run_holding_a_chinese_figure_is_still_cut_into_words(handle: Any) -> None:
    # 关于的第九次 reads as 关于的第9次 too: the pair stays whole only for a figure alone, else
    # the run as typed is cut (a first version kept it whole and found nothing)
    r = _search(handle, "关于的第九次全体会议")
    assert r["total"] >= 1 and "第九次全体会议" in r["hits"][0]["title"], (r["stage"], _titles(r))
