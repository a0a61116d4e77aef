"""Queries that do what they say (README, "Query syntax"): each case on a real index.

The index: the seed issue and two generated raw-text issues (seed shape) with figures
written as people write them (15万, 9.15万, 1115万, 十五万) and dates in the text.
"""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner

from bulletins.cli import cli
from indexer.search.query import MAX_QUERY_CHARS, arabic_form, cut_query, date_of, parse_query
from indexer.search.engine import search
from indexer.store.handles import IndexHandle
from tests.conftest import index_client, seed_index


ISSUE = """工作资料 注意保存

数字测试简报

第{n}期

江苏省数字测试办公室

2023年{n}月10日

南京市:志愿服务惠民生 碳达峰有行动

南京市志愿者全年累计服务群众15万人次,2023年3月启动碳达峰宣传。

苏州市:乡村 — 振兴 新画卷

苏州市全年接待游客9.15万人次,投入资金1115万元,推动乡村振兴。

无锡市:【“领头雁”】带头人 十五万

无锡市组织十五万名志愿者参与疫情防控,新冠疫苗接种有序推进。

常州市:疫情防控常态化

常州市持续做好疫情防控工作。

报:省文明办

发:各设区市文明办

(苏数测字{n}号 共印100份)
"""


@pytest.fixture(scope="module")
def handle(tmp_path_factory: pytest.TempPathFactory) -> IndexHandle:
    return seed_index(tmp_path_factory, "q", {f"数字测试简报-2023-第{n}期.txt": ISSUE.format(n=n) for n in (1, 2)})


@pytest.fixture(scope="module")
def client(handle: IndexHandle) -> Any:
    return index_client(handle)


def places(r: dict[str, Any]) -> set[str]:
    return {h["place"] for h in r["hits"]}


def test_field_phrase_works_for_every_field(handle: IndexHandle) -> None:
    r = search(handle, 'title:"碳达峰"')
    assert r["total"] == search(handle, "title:碳达峰")["total"] == 2 and not r["warnings"]
    assert search(handle, 'text:"碳达峰宣传"')["total"] == 2
    assert search(handle, 'city:"南京"')["total"] == search(handle, "city:南京")["total"] > 0
    assert search(handle, '标题:"志愿服务惠民生"')["total"] == 2


def test_full_width_operators_are_ascii(handle: IndexHandle) -> None:
    assert search(handle, "疫情 －新冠")["total"] == search(handle, "疫情 -新冠")["total"] == 2
    assert places(search(handle, "疫情 －新冠")) == {"常州市"}
    assert search(handle, "＋疫情")["total"] == search(handle, "疫情")["total"]
    assert search(handle, "（苏州 OR 无锡） 志愿者")["total"] == search(handle, "(苏州 OR 无锡) 志愿者")["total"]
    assert search(handle, "＂乡村振兴＂")["total"] == search(handle, '"乡村振兴"')["total"] == 2


def test_lower_case_operators_with_a_notice(handle: IndexHandle) -> None:
    low = search(handle, "苏州 or 无锡")
    assert low["total"] == search(handle, "苏州 OR 无锡")["total"] == 4
    assert any("当作运算符 OR" in w for w in low["warnings"])
    assert search(handle, "疫情 not 新冠")["total"] == 2
    assert search(handle, '"or"')["total"] == 0  # quoted: the word itself


@pytest.mark.parametrize("q", ["AND", "OR", "NOT", "and", "-", "+", "()", '""', "【】", "—"])
def test_a_bare_operator_or_punctuation_finds_nothing(handle: IndexHandle, q: str) -> None:
    r = search(handle, q)
    assert r["total"] == 0 and r["hits"] == [] and r["warnings"], q


def test_a_term_without_searchable_characters_is_dropped(handle: IndexHandle) -> None:
    r = search(handle, "乡村 — 振兴")
    assert r["total"] == search(handle, "乡村 振兴")["total"] > 0
    assert any("已忽略" in w and "—" in w for w in r["warnings"])
    # a title beginning with a lone bracket
    r = search(handle, "【 “领头雁” 】带头人")
    assert r["total"] == 2 and places(r) == {"无锡市"}


def test_numbers_match_at_number_boundaries(handle: IndexHandle) -> None:
    r = search(handle, "15万")
    # the seed's "15 万余名志愿者" and 十五万 (无锡, the other writing); not 9.15万 (苏州) nor 1115万
    assert places(r) == {"南京市", "无锡市", "淮安市"}
    assert places(search(handle, "15万人次")) == {"南京市"}
    assert places(search(handle, "9.15万")) == {"苏州市"}
    assert places(search(handle, "1115万")) == {"苏州市"}
    assert search(handle, "115万")["total"] == 0
    # a term without a number is not checked: 万人次 is in 15万人次 and 9.15万人次
    assert {"南京市", "苏州市"} <= places(search(handle, "万人次"))


def test_chinese_numbers_find_arabic_ones(handle: IndexHandle) -> None:
    assert arabic_form("十五万") == "15万" and arabic_form("三百人") == "300人"
    assert arabic_form("统一") is None and arabic_form("志愿服务") is None
    assert places(search(handle, "十五万")) == {"南京市", "无锡市", "淮安市"}  # 15万 and 十五万


def test_a_typed_date_is_applied_with_words_and_offered_alone(handle: IndexHandle, client: Any) -> None:
    assert date_of("2023年3月") == ("month", "2023-03") and date_of("2023-03") == ("month", "2023-03")
    assert date_of("2023年") == ("year", "2023") and date_of("3月") is None
    r = search(handle, "2023年3月 碳达峰")  # issue 24: applied as the date filter, the rest searched
    assert r["date_applied"] == {"term": "2023年3月", "from": "2023-03-01", "to": "2023-03-31"}
    assert r["date_filters"] == [] and r["warnings"][0].startswith("已按日期筛选：2023年3月")
    as_text = search(handle, "2023年3月 碳达峰", apply_dates=False)  # the undo: as before
    assert as_text["total"] == 2 and as_text["date_applied"] is None
    assert as_text["date_filters"] == [{"field": "month", "value": "2023-03", "term": "2023年3月"}]
    html = client.get("/", query_string={"q": "2023年3月 碳达峰"}).get_data(as_text=True)
    assert "撤销日期筛选" in html and "dates=text" in html
    html = client.get("/", query_string={"q": "2023年3月"}).get_data(as_text=True)
    assert "只看2023年3月" in html and "month=2023-03" in html
    html = client.get("/", query_string={"q": "2023年"}).get_data(as_text=True)
    assert "只看2023年" in html and "year=2023" in html


def test_syntax_notice_says_how_to_fix(handle: IndexHandle) -> None:
    for q, hint in (('"志愿 服务', "引号"), ("(志愿 服务", "括号"), ("志愿 OR", "两边"), ("title:", "冒号后")):
        r = search(handle, q)
        assert any("查询语法有误" in w and hint in w for w in r["warnings"]), (q, r["warnings"])


def test_one_length_limit_cut_between_terms(handle: IndexHandle, client: Any) -> None:
    q = "志愿 " * 90 + '"碳达峰宣传"'  # the phrase starts at 270: over the limit
    cut, note = cut_query(q)
    assert len(cut) <= MAX_QUERY_CHARS and cut.endswith("志愿") and note and str(MAX_QUERY_CHARS) in note
    long_phrase = '"' + "碳" * 300 + '"'
    cut, _ = cut_query(long_phrase)
    assert cut.startswith('"') and cut.endswith('"') and len(cut) == MAX_QUERY_CHARS
    q = "碳达峰 " * 30 + '"碳达峰宣传 活动"'  # 120 + 10 characters: under the limit, untouched
    assert cut_query(q) == (q.strip(), None)
    # the same limit and notice on the page, the API and the CLI
    q = "志愿 " * 70 + '"南京市 志愿者"'
    page = client.get("/api/search", query_string={"q": q}).get_json()
    cli_out = CliRunner().invoke(cli, ["search", q, "--index", str(handle.root), "--json"])
    assert cli_out.exit_code == 0, cli_out.output
    assert page["query"] == cut_query(q)[0]
    assert any("检索词过长" in w for w in page["warnings"])
    assert parse_query(q).warnings[0] == cut_query(q)[1]
