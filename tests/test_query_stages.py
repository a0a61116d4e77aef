"""Queries as people type them (issue 24): the staged query, dates applied, issues, numbers,
generic district names — on the seed bulletin and issues written in its shape."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner

from tests.conftest import seed_index, seed_shaped_issue

NEWS = "新闻测试简报"


def _issue(n: int, date: str, articles: list[tuple[str, str]]) -> str:
    return seed_shaped_issue(NEWS, n, date, articles)


ISSUES = {
    f"{NEWS}-2023-第3期.txt": _issue(3, "2023年3月15日", [
        ("南京市:交通文明劝导志愿行动启动", "南京市组织志愿者在路口开展交通文明劝导，劝导市民文明出行。"),
        ("苏州市:常熟古城区保护更新", "常熟市推进古城区保护更新，修缮老街古巷，改善居民生活。"),
        ("无锡市:学习《求是》第11期文章", "无锡市组织党员学习《求是》第11期刊发的重要文章，交流学习体会。"),
    ]),
    f"{NEWS}-2023-第5期.txt": _issue(5, "2023年5月20日", [
        ("徐州市:交通安全宣传进校园", "徐州市开展交通安全宣传进校园活动，覆盖学生15万人次。"),
        ("常州市:全年投资总额", "全市固定资产投资总额达1.5万亿元，其中民间投资15万亿元的说法有误。"),
    ]),
}


@pytest.fixture(scope="module")
def handle(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return seed_index(tmp_path_factory, "stages", ISSUES)


def _search(handle: Any, query: str, **kw: Any) -> dict[str, Any]:
    from indexer.search.engine import search

    return search(handle, query, **kw)


def test_unspaced_words_find_the_huaian_article_first(handle: Any) -> None:
    r = _search(handle, "淮安志愿服务")  # was 0 articles: the run is searched as one string
    assert r["total"] >= 1 and r["hits"][0]["city"] == "淮安市"
    assert r["stage"] == "words" and r["warnings"][0] == "按词检索：淮安 志愿服务"


@pytest.mark.parametrize("query", ["淮安市志愿者疫情防控", "关于淮安市志愿服务的情况"])
def test_longer_unspaced_queries_and_questions_find_it(handle: Any, query: str) -> None:
    r = _search(handle, query)
    assert r["total"] >= 1 and r["hits"][0]["city"] == "淮安市", (query, r["stage"], r["warnings"])


def test_a_question_says_which_words_it_left_out(handle: Any) -> None:
    r = _search(handle, "关于淮安市志愿服务的情况")
    left = next(w for w in r["warnings"] if w.startswith("以下结果未包含："))
    assert {"关于", "的", "情况"} <= set(left.removeprefix("以下结果未包含：").split("、"))


def test_quotes_and_found_substrings_stay_exact(handle: Any) -> None:
    assert _search(handle, '"淮安志愿服务"')["total"] == 0
    for q in ("善民", "安市", "淮", "淮安 志愿服务", "志愿服务 NOT 淮安"):
        r = _search(handle, q)
        assert r["stage"] == "exact" and r["total"] >= 1, q


def test_a_ranked_or_says_how_many_words_each_article_holds(handle: Any) -> None:
    r = _search(handle, "交通劝导古城区修缮")  # no article holds all four words
    assert r["stage"] == "any" and r["total"] >= 2
    held = [h["words_held"]["count"] for h in r["hits"]]
    assert held == sorted(held, reverse=True) and held[0] >= 2
    assert r["warnings"][0].startswith("按任一词检索：")


def test_stage_registry_takes_new_entries_in_order(handle: Any) -> None:
    from indexer.search import stages as st

    before = list(st.STAGES)
    try:
        st.register("upper", lambda ctx: None, before="words")
        names = [n for n, _s in st.STAGES]
        assert names.index("upper") == names.index("words") - 1
        assert _search(handle, "淮安志愿服务")["stage"] == "words"
    finally:
        st.STAGES[:] = before


def test_a_month_with_a_topic_is_applied_as_the_date_filter(handle: Any) -> None:
    r = _search(handle, "2023年3月 交通")
    assert r["date_applied"] == {"term": "2023年3月", "from": "2023-03-01", "to": "2023-03-31"}
    assert [h["title"] for h in r["hits"]] == ["交通文明劝导志愿行动启动"]
    assert r["warnings"][0].startswith("已按日期筛选：2023年3月")
    undone = _search(handle, "2023年3月 交通", apply_dates=False)
    assert undone["date_applied"] is None and undone["total"] == 0  # the date as text: no article holds it


@pytest.mark.parametrize("query, titles", [
    ("2023年5月20日 交通", ["交通安全宣传进校园"]),
    ("2023年 交通", ["交通文明劝导志愿行动启动", "交通安全宣传进校园"]),
    ("2023年3月中旬 交通", ["交通文明劝导志愿行动启动"]),
    ("2023年二季度 交通", ["交通安全宣传进校园"]),
    ("2023年3月至5月 交通", ["交通文明劝导志愿行动启动", "交通安全宣传进校园"]),
    ("交通 2023年3月至4月", ["交通文明劝导志愿行动启动"]),
    # years as a span, and from a year on (session 9, bench kind year_span)
    ("2023—2024年 交通", ["交通文明劝导志愿行动启动", "交通安全宣传进校园"]),
    ("2023年至2025年 交通", ["交通文明劝导志愿行动启动", "交通安全宣传进校园"]),
    ("交通 2023年以来", ["交通文明劝导志愿行动启动", "交通安全宣传进校园"]),
    ("2023年至今交通", ["交通文明劝导志愿行动启动", "交通安全宣传进校园"]),
])
def test_each_form_of_a_typed_date_is_applied(handle: Any, query: str, titles: list[str]) -> None:
    r = _search(handle, query)
    assert r["date_applied"] is not None
    assert sorted(h["title"] for h in r["hits"]) == sorted(titles)


def test_a_span_of_years_backwards_or_without_year_marks_is_not_a_date() -> None:
    from indexer.search.dateq import period_of

    assert period_of("2019—2023年").start.isoformat() == "2019-01-01"
    assert period_of("2023—2019年") is None  # backwards
    assert period_of("2019-2023") is None  # a number range, maybe
    assert period_of("2020年以来").end >= period_of("2020年以来").start.replace(year=2026)
    assert (period_of("2020年以前").start.year, period_of("2020年以前").end.isoformat()) == (1900, "2020-12-31")


def test_a_date_alone_stays_text_and_is_offered(handle: Any) -> None:
    r = _search(handle, "2023年3月")
    assert r["date_applied"] is None and r["date_filters"][0]["value"] == "2023-03"


def test_page_api_and_cli_show_the_applied_date_and_its_undo(handle: Any) -> None:
    from bulletins.cli import cli
    from tests.conftest import index_client

    client = index_client(handle)
    page = client.get("/?q=2023年3月+交通").get_data(as_text=True)
    assert "撤销日期筛选" in page and "dates=text" in page
    api = client.get("/api/search?q=2023年3月+交通").get_json()
    assert api["date_applied"]["from"] == "2023-03-01" and "dates=text" in api["date_applied"]["undo"]
    assert client.get("/api/search?q=2023年3月+交通&dates=text").get_json()["date_applied"] is None
    out = CliRunner().invoke(cli, ["search", "2023年3月 交通", "--index", str(handle.root), "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["date_applied"]["to"] == "2023-03-31"


def test_a_number_ends_at_its_unit(handle: Any) -> None:
    r = _search(handle, "15万")
    titles = [h["title"] for h in r["hits"]]
    assert "交通安全宣传进校园" in titles
    assert "全年投资总额" not in titles  # 15万亿 and 1.5万亿 are not 15万
    assert _search(handle, "15万亿")["hits"][0]["title"] == "全年投资总额"


@pytest.mark.parametrize("query", ["第十一期", "第11期", "2022年第11期"])
def test_an_issue_named_ranks_its_own_articles_first_and_is_offered(handle: Any, query: str) -> None:
    r = _search(handle, query)
    assert r["hits"][0]["series"] == "江苏精神文明建设简报", [h["title"] for h in r["hits"]]
    titles = [h["title"] for h in r["hits"]]
    if "学习《求是》第11期文章" in titles:  # quoting the phrase ranks after the issue
        assert titles[-1] == "学习《求是》第11期文章"
    assert len(titles) >= 2 and all(h["series"] == "江苏精神文明建设简报" for h in r["hits"][:2])
    assert r["issue_offers"] and r["issue_offers"][0]["label"].startswith("江苏精神文明建设简报 2022年第11期")


def test_a_generic_district_counts_only_with_its_city(handle: Any) -> None:
    r = _search(handle, "古城区")
    assert r["total"] == 1
    assert not any(f["value"].startswith("云南省") for f in r["facets"]["region"])


def test_question_words_are_not_required_by_the_words_stage() -> None:
    # 是什么 / 哪些 make a question, they are not sought: the old words stage required them, and
    # the few articles holding 是 and 什么 were taken as enough
    from indexer.search import query as qq
    from indexer.search import stages as st

    for typed, gone in (("创新开展是什么", ("是什么", "什么")), ("垃圾分类有哪些", ("有哪些", "哪些"))):
        ctx = st.Context(typed, qq.parse_query(typed), lambda t: 0, lambda: None)
        plan = st.words_stage(ctx)
        assert plan is not None and not set(gone) & set(plan.info["words"]), plan.info
        assert set(gone) & set(plan.info["dropped"]) and any(n.startswith("以下结果未包含") for n in plan.notices)


# Words typed apart, one of them remembered wrongly (春节): three articles hold all four scattered in
# their text, none in its title; the one sought has the other three in its title (a real xinwen title).
SCATTERED = {
    f"{NEWS}-2023-第7期.txt": _issue(7, "2023年9月28日", [
        ("国家铁路局:全国铁路今起实行第四季度列车运行图",
         "今天零时起，全国铁路实行第四季度列车运行图，优化客货运输组织，增开旅客列车。"),
        ("南京市:节日出行服务保障", "春节前后，南京站加开临时列车，铁路部门调整运行图，保障旅客出行。"),
        ("苏州市:站点服务提质", "铁路苏州站春节期间增开列车，按新运行图组织客流，服务返乡旅客。"),
    ]),
    f"{NEWS}-2023-第8期.txt": _issue(8, "2023年10月9日", [
        ("无锡市:交通运输保障有力", "春节运输期间，无锡铁路部门增开列车，运行图调整后运力充足。"),
    ]),
}


@pytest.fixture(scope="module")
def scattered(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return seed_index(tmp_path_factory, "scattered", SCATTERED)


def test_a_title_holding_all_words_but_one_ranks_above_the_words_scattered(scattered: Any) -> None:
    """No title holds all four words: the ranked OR competes with the AND, and the title
    holding three of them comes first, above the articles holding all four in their text."""
    r = _search(scattered, "铁路 列车 运行图 春节")
    assert r["hits"][0]["title"].endswith("全国铁路今起实行第四季度列车运行图")
    assert {h["title"].split(":")[-1] for h in r["hits"][1:4]} == {"节日出行服务保障", "站点服务提质", "交通运输保障有力"}
    assert r["total"] > 3 and r["stage"] == "any"
    assert "含全部词的 3 篇文章均不在标题中含全部词，以下也列出含部分词的文章" in r["warnings"]
    assert r["rewrite"]["exact"]["count"] == 3
    # a title holding every word stays the AND's: nothing widened
    exact = _search(scattered, "铁路 列车 运行图")
    assert exact["hits"][0]["title"].endswith("全国铁路今起实行第四季度列车运行图")


def test_a_series_with_its_year_and_issue_run_together_finds_that_issue(index_dir: Any) -> None:
    from indexer.search import stages as st
    from indexer.search.engine import search
    from indexer.store.handles import IndexHandle

    # was: 2022年 cut off the issue and searched as text (the seed's articles never write it)
    assert st.query_words("《江苏精神文明建设简报》2022年第11期") == ["江苏精神文明建设简报", "2022年第11期"]
    assert st.query_words("2022年第十一期创文简报")[0] == "2022年第十一期"
    r = search(IndexHandle(index_dir), "江苏精神文明建设简报2022年第11期")
    assert r["total"] >= 1 and all(h["issue"] == 11 and h["year"] == 2022 for h in r["hits"]), \
        [(h["issue"], h["year"]) for h in r["hits"]]
    assert r["issue_offers"] and r["issue_offers"][0]["count"] == r["total"]
