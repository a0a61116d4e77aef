"""Golden test: the seed issue, 江苏精神文明建设简报 2022年第11期, field by field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from archive.model import make_article_id, make_bulletin_id
from archive.parse import parse_file

SEED = Path(__file__).resolve().parent.parent / "corpus" / "江苏精神文明建设简报-2022-第11期.txt"


@pytest.fixture(scope="module")
def seed():
    return parse_file(SEED)


def test_header(seed):
    assert seed.format == "text"
    assert seed.series == "江苏精神文明建设简报"
    assert seed.issue == 11
    assert seed.issue_total is None
    assert seed.year == 2022
    assert seed.date == dt.date(2022, 4, 2)
    assert seed.issuer == "江苏省文明办"
    assert seed.label == "江苏精神文明建设简报 2022年第11期"


def test_footer(seed):
    assert seed.serial == "苏简字1004号"
    assert seed.copies == 400
    assert seed.recipients == (
        "报：中央文明办 省文明委主任、副主任、委员",
        "发：各设区市、县(市、区)文明委、文明办,省文明委成员单位",
    )
    assert seed.warnings == ()


def test_ids(seed):
    assert seed.id == make_bulletin_id("江苏精神文明建设简报", 2022, 11, None, "x")
    assert [a.id for a in seed.articles] == [make_article_id(seed.id, 1), make_article_id(seed.id, 2)]
    assert all(a.bulletin_id == seed.id for a in seed.articles)


def test_exactly_two_articles_not_the_table_of_contents(seed):
    assert [(a.order, a.place, a.city, a.section) for a in seed.articles] == [
        (1, "淮安市", "淮安市", "工作交流"),
        (2, "连云港市", "连云港市", "工作交流"),
    ]


def test_article_1(seed):
    a = seed.articles[0]
    assert a.title == "疫情防控齐聚力 志愿服务暖人心"
    assert a.heading == "淮安市：疫情防控齐聚力 志愿服务暖人心"
    assert a.text.startswith("本轮新冠肺炎疫情发生后")
    assert a.text.endswith("强大志愿力量。")
    assert "口罩行动" in a.text
    assert {"淮安市", "清江浦区"} <= set(a.places)
    assert a.places[0] == "淮安市"


def test_article_1_list_items_and_page_break(seed):
    paragraphs = seed.articles[0].paragraphs
    assert paragraphs[1].startswith("一是广泛发动志愿服务力量。")  # "- " bullet stripped
    # "…掌握最新疫情防控政策," continued after a page break: one paragraph.
    second = paragraphs[2]
    assert second.startswith("二是扎实开展疫情防控宣传。")
    assert "最新疫情防控政策,确保疫情防控宣传全覆盖" in second
    assert "身边的弱势群体" in paragraphs[4]  # "身 边" rejoined
    assert "5057 个" in paragraphs[1]  # spaces around digits kept


def test_article_2(seed):
    a = seed.articles[1]
    assert a.title == "统筹文明实践资源 筑牢疫情防控防线"
    assert a.text.startswith("面对突如其来的新冠肺炎疫情")
    assert "马善民" in a.text
    assert "雷锋的士" in a.text
    assert "疫情防控志愿服务队1800 余支" in a.text  # split across pages
    assert a.text.endswith("生命安全和身体健康。")
    assert "连云港市" in a.places


def test_footer_not_in_last_article(seed):
    text = seed.articles[-1].text
    for piece in ("中央文明办", "苏简字", "共印", "报：", "报:", "发:"):
        assert piece not in text


def test_to_dict_is_json_ready(seed):
    d = seed.to_dict()
    assert d["date"] == "2022-04-02"
    assert d["articles"][1]["city"] == "连云港市"
