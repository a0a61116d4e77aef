"""Raw-text bulletins written for the tests, in each form and encoding."""

from __future__ import annotations

import codecs
import datetime as dt
from pathlib import Path

import pytest

from archive.model import make_bulletin_id
from archive.parse import parse_file, parse_text

FIXTURES = Path(__file__).resolve().parent / "fixtures"
NANJING = FIXTURES / "nanjing-2022-chinese-numerals.txt"


def test_chinese_numerals_issue_and_date():
    b = parse_file(NANJING)
    assert (b.series, b.issue, b.issue_total, b.year, b.date) == ("南京文明创建简报", 11, None, 2022, dt.date(2022, 4, 15))
    assert b.issuer == "南京市文明委办公室"
    assert (b.serial, b.copies) == ("宁文简字12号", 200)
    assert b.recipients == ("抄送：省文明委各成员单位", "发：各区文明委，江北新区文明办")
    assert b.warnings == ()


def test_district_and_provincial_headings():
    a1, a2 = parse_file(NANJING).articles
    assert (a1.place, a1.city, a1.section, a1.title) == ("玄武区", "南京市", "基层动态", "“红色跑腿”暖人心")
    assert (a2.place, a2.city, a2.section, a2.title) == ("省文明办", None, "省级部署", "部署“文明餐桌”行动")
    assert a2.heading == "省文明办：部署“文明餐桌”行动"


def test_paragraphs_rejoined_across_page_numbers():
    a1, a2 = parse_file(NANJING).articles
    assert a1.paragraphs == (
        "疫情期间，玄武区组建“红色跑腿”志愿服务队，为居家老人代购药品、生活物资。",
        "一是摸清底数。街道、社区逐户走访，建立独居老人台账，共排查登记 1200 户。",
        "二是精准服务。志愿者 24 小时响应，累计服务 3 600 余次，身边群众纷纷点赞。",
    )
    # "- 3 -" between two halves of a sentence is dropped and the halves joined.
    assert a2.paragraphs[0].endswith("要求南京、苏州、沭阳县等地率先推进，引导群众践行光盘行动。")
    assert a2.places == ("南京", "苏州", "沭阳县")
    assert "—2—" not in a1.text and "- 3 -" not in a2.text
    assert "抄送" not in a2.text and "共印" not in a2.text


def test_total_issue_iso_date_and_former_place_name():
    b = parse_file(FIXTURES / "jiangsu-2023-total-issue.txt")
    assert (b.series, b.issue, b.issue_total, b.year) == ("淮安文明实践动态", 3, 58, 2023)
    assert b.date == dt.date(2022, 4, 2)
    assert b.issuer == "淮安市文明办"
    assert (b.serial, b.copies) == ("淮文简字58号", 150)
    assert b.warnings == ("issue year 2023 differs from the date 2022-04-02",)
    a1, a2 = b.articles
    # "楚州区 ： …" with spaces around a full-width colon; 楚州区 is 淮安区 since 2012.
    assert (a1.place, a1.city, a1.title) == ("楚州区", "淮安市", "老地名里的新风尚")
    assert a1.places == ("淮安区", "楚州区", "清河区", "清浦区")
    # A short standalone line followed by body text is a heading without a place.
    assert (a2.place, a2.city, a2.title) == (None, None, "邻里守望一家亲")
    assert a2.text == "城南街道开展邻里节活动，300 余户居民参与，Wi-Fi 课堂同步直播。"


def test_headerless_file_is_archived_with_a_warning():
    b = parse_file(FIXTURES / "headerless.txt")
    assert b.series == "关于做好志愿服务工作的几点体会"
    assert (b.issue, b.year, b.date, b.issuer) == (None, None, None, None)
    assert len(b.warnings) == 1 and "no bulletin header" in b.warnings[0]
    (a,) = b.articles
    assert a.title == "关于做好志愿服务工作的几点体会"
    assert a.paragraphs == ("近年来，我们坚持把志愿服务作为文明实践的重要抓手，取得了一定成效。", "一是建强队伍。二是完善机制。")
    # Still an id: from the series and the file name, as no year, issue or date is known.
    assert b.id == make_bulletin_id(b.series, None, None, None, fallback=str(FIXTURES / "headerless.txt"))


def test_header_without_headings_becomes_one_article():
    text = "江苏文明简报\n\n第5期\n\n江苏省文明办\n\n2022年5月1日\n\n全省各地广泛开展志愿服务活动。\n\n活动取得实效。\n"
    b = parse_text(text, "one.txt")
    assert (b.issue, b.date, b.issuer) == (5, dt.date(2022, 5, 1), "江苏省文明办")
    (a,) = b.articles
    # The first sentence titles the one article and stays its first paragraph.
    assert (a.place, a.title) == (None, "全省各地广泛开展志愿服务活动。")
    assert a.paragraphs == ("全省各地广泛开展志愿服务活动。", "活动取得实效。")


def test_single_line_text():
    b = parse_text("只有一行字", "one-line.txt")
    assert b.series == "只有一行字"
    assert [a.title for a in b.articles] == ["只有一行字"]


def _encodings(text: str) -> dict[str, bytes]:
    return {
        "gb18030": text.encode("gb18030"),
        "utf16-bom": text.encode("utf-16"),
        "utf8-bom": codecs.BOM_UTF8 + text.encode("utf-8"),
        "crlf": text.replace("\n", "\r\n").encode("utf-8"),
        "cr": text.replace("\n", "\r").encode("utf-8"),
    }


@pytest.mark.parametrize("form", ["gb18030", "utf16-bom", "utf8-bom", "crlf", "cr"])
def test_every_encoding_parses_to_the_same_bulletin(tmp_path: Path, form: str):
    expected = parse_file(NANJING).to_dict()
    path = tmp_path / f"{form}.txt"
    path.write_bytes(_encodings(NANJING.read_text("utf-8"))[form])
    got = parse_file(path).to_dict()
    assert got["path"] == str(path)
    for d in (expected, got):
        d.pop("path")
    assert got == expected  # ids too: a re-encoded issue is the same issue


def test_seed_in_gb18030_keeps_its_id(tmp_path: Path):
    seed = Path(__file__).resolve().parent.parent / "corpus" / "江苏精神文明建设简报-2022-第11期.txt"
    path = tmp_path / "seed-gbk.txt"
    path.write_bytes(seed.read_text("utf-8").encode("gb18030"))
    assert parse_file(path).id == parse_file(seed).id


def test_sentence_starting_with_a_place_is_body_text():
    text = (
        "江苏文明简报\n\n第5期\n\n2022年5月1日\n\n玄武区：文明实践暖人心\n\n"
        "南京市：今年以来，全市开展志愿服务 3000 余次。\n\n活动取得实效。\n"
    )
    (a,) = parse_text(text, "x.txt").articles
    assert (a.place, a.title) == ("玄武区", "文明实践暖人心")
    assert a.paragraphs == ("南京市：今年以来，全市开展志愿服务 3000 余次。", "活动取得实效。")
