"""Issue 19, batch 6: what real pages from offices never seen lose, held by general mechanisms.

Each test reads a real page of tests/realdocs/dev/ (batch 6, or an older dev page) and asserts
what a careful reader reads off it; each failed on main 863bfbd. The kinds: the page's title
or column name taken for the document's (the title is found above the 主送 / 发文字号, and the
page's text above it is taken off with its rule); a notice whose page prints no title; the
issuer where no 署名 stands; a | table row of the page's metadata; a 主送 with its colon lost
or a long list of organs; a 发文字号 garbled or glued before the title; a whole notice
flattened into one line; a 文种 typeset with spaces or in traditional script.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from archive.doctypes import doc_type_of
from archive.explain import explain
from archive.features import meta_pairs
from archive.parse import parse_file
from archive.readers import read_document
from bench.realdocs import half_of

DEV = Path(__file__).resolve().parent / "realdocs" / "dev"
REALDOCS = DEV.parent


def _doc(name: str):  # noqa: ANN202 - a Bulletin
    return parse_file(DEV / name)


def _placed(name: str) -> dict[str, str]:
    _b, placements = explain(read_document(DEV / name))
    assert not [p for p in placements if p.lost], name
    return {p.text: p.place for p in placements}


def test_a_column_name_above_the_title_is_the_page_s_and_kept_with_its_rule() -> None:
    """服务中心 / 行政事务 (the site's column) above 关于…的通知, a 阅读次数 row under it: none is the title."""
    b = _doc("sxqzy-2016-meizhou-zhongyao-huodong-shenbao-tongzhi.txt")
    assert (b.kind, b.articles[0].title) == ("公文", "关于规范每周重要活动申报工作的通知")
    assert b.issuer == "党委(院长)办公室" and b.addressee.rstrip(":：") == "各系、各部门"
    placed = _placed("sxqzy-2016-meizhou-zhongyao-huodong-shenbao-tongzhi.txt")
    assert placed["行政事务"].startswith("已去除：文件标题前的页面文字")
    assert placed["服务中心"].startswith("已去除：文件标题前的页面文字")  # lost on main


def test_a_news_headline_above_a_title_over_two_lines_is_not_the_title() -> None:
    """A spam line and a news headline (荊門市防辦發出緊急通知：…) twice above 關于做好當前 / 防汛…的緊急通知."""
    b = _doc("jingmen-2020-fangxun-paolao-jinji-tongzhi.txt")
    assert b.kind == "公文"
    assert b.articles[0].title == "關于做好當前防汛排澇救災工作的緊急通知"
    assert b.doc_type == "通知"
    assert b.addressee.startswith("各縣(市、區)、漳河新區")


def test_a_news_page_around_a_joint_notice_gives_the_notice_s_fields() -> None:
    """The page's headline is the attachment's name; the document: 关于印发…的通知, a 主送 of 44 organs
    on one line, 14 issuers signed two to a line."""
    b = _doc("changsanjiao-2020-qiudongji-daqi-gongjian-fangan-tongzhi.txt")
    assert b.articles[0].title == "关于印发《长三角地区2020-2021年秋冬季大气污染综合治理攻坚行动方案》的通知"
    assert b.issuer.split("、") == [
        "生态环境部", "发展改革委", "工业和信息化部", "公安部", "财政部", "住房城乡建设部", "交通运输部", "商务部",
        "市场监管总局", "能源局", "上海市人民政府", "江苏省人民政府", "浙江省人民政府", "安徽省人民政府",
    ]
    assert b.date == dt.date(2020, 10, 30) and b.addressee.startswith("南京、无锡、徐州")


@pytest.mark.parametrize(
    ("name", "issuer", "date"),
    [
        ("boertala-2024-zhou-zhengfu-gongzuo-guize.txt", None, dt.date(2024, 10, 22)),  # 主送 first, a date with no 署名
        ("dips-2020-quanxiao-zhongyao-huodong-fabu-tongzhi.txt", "党委办公室、校长办公室", dt.date(2020, 6, 16)),
        ("xishui-2009-minzheng-xianjin-danwei-tongbao.txt", "習水縣人民政府辦公室", dt.date(2009, 3, 20)),
        ("ahmedabadlife-2019-gongwu-huodong-guiding.txt", None, dt.date(2019, 6, 12)),  # no 主送 either
    ],
)
def test_a_notice_whose_page_prints_no_title(name: str, issuer: str | None, date: dt.date) -> None:
    """A 公文, its stand-in title marked as not printed (no 文种 read off it), its 署名 and 成文日期 read."""
    b = _doc(name)
    assert b.kind == "公文"
    assert b.articles[0].printed_title is False and b.doc_type is None
    assert b.articles[0].to_dict()["printed_title"] is False
    assert (b.issuer, b.date) == (issuer, date)
    _placed(name)


def test_a_printed_title_is_not_marked() -> None:
    b = _doc("hengyang-2022-shichangjianguan-zhuanfa-zhuanxiang-xingdong-tongzhi.txt")
    assert b.articles[0].printed_title is True and "printed_title" not in b.articles[0].to_dict()


def test_a_table_row_copied_with_bars_is_read_as_fields() -> None:
    assert meta_pairs("发文机关: | 盘锦市政府 | 成文日期: | |") == [("发文机关", "盘锦市政府"), ("成文日期", "")]
    assert meta_pairs("组配分类 | 部门文件 | 发布机构 | 山福镇 |") == [("组配分类", "部门文件"), ("发布机构", "山福镇")]


def test_the_title_cell_with_its_serial_and_the_issuer_the_document_prints() -> None:
    """panjin: 标 题: | 盘政发〔2010〕22号 盘锦市人民政府关于…的决定 |; the title again with its 发文字号 glued
    before it; the page's 发文机关 盘锦市政府 is an abbreviation of the title's owner."""
    b = _doc("panjin-2010-panzhengfa-22-dayubei-biaozhang-jueding.txt")
    assert b.kind == "公文" and b.serial == "盘政发〔2010〕22号"
    assert b.articles[0].title == "盘锦市人民政府关于表彰第二十二届农田基本建设“大禹杯”竞赛优胜单位和先进单位的决定"
    assert (b.issuer, b.doc_type) == ("盘锦市人民政府", "决定")


def test_a_garbled_serial_and_a_colonless_addressee() -> None:
    """guanganqu: 广安区府办发〔202026 (bracket and 号 lost), 主送 各街道办事处,区级各部门,官盛新区管委会 with no colon."""
    b = _doc("guanganqu-2020-guanganqufubanfa-26-xize-tongzhi.txt")
    assert b.kind == "公文" and b.serial == "广安区府办发〔2020〕26号"
    assert b.addressee == "各街道办事处,区级各部门,官盛新区管委会"
    assert b.articles[0].title == "广安市广安区人民政府办公室关于印发广安市广安区城市精细化管理实施细则的通知"


@pytest.mark.parametrize(
    ("name", "serial", "issuer", "date", "addressee"),
    [
        ("shanfu-2020-lushanzheng-72-yingji-yuan-tongzhi.txt", "鹿山政〔2020〕72号", "温州市鹿城区山福镇人民政府", dt.date(2020, 10, 22), "各科室,各站所,各村"),
        ("shuangfeng-2022-shaoshuangzhengfa-60-yuan-tongzhi.txt", "邵双政发〔2022〕60号", "邵东市双凤乡人民政府", dt.date(2022, 2, 27), "各村、乡属各部门"),
    ],
)
def test_a_notice_flattened_into_one_line(name: str, serial: str, issuer: str, date: dt.date, addressee: str) -> None:
    """The whole notice on one line (its breaks turned into spaces): cut back at the 主送, the sentences, 附件 and the
    signed date, each piece placed."""
    b = _doc(name)
    assert b.kind == "公文"
    assert (b.serial, b.issuer, b.date, b.addressee.rstrip(":：")) == (serial, issuer, date, addressee)
    _placed(name)


def test_a_doc_type_typeset_with_spaces_or_in_traditional_script() -> None:
    assert doc_type_of("关于转发《…的通知》的 通 知") == "通知"
    assert doc_type_of("盤錦市人民政府關於表彰先進單位的決定") == "决定"
    assert _doc("hengyang-2022-shichangjianguan-zhuanfa-zhuanxiang-xingdong-tongzhi.txt").doc_type == "通知"


def test_the_issuer_is_the_title_s_owner_before_zhuanfa_when_none_signs() -> None:
    """ruian: 瑞安市人民政府办公室 / 转发…的通知 with no 署名; the page's 发布机构 is a records office."""
    assert parse_file(DEV / "ruian-2011-ruizhengban-129-tongzhi.txt").issuer == "瑞安市人民政府办公室"


def test_a_signature_and_its_date_on_one_line_set_apart_by_one_space() -> None:
    b = _doc("jiangsu-jiaoyuting-2025-youzhi-junheng-xian-gongshi.txt")
    assert (b.kind, b.issuer, b.date) == ("公文", "江苏省教育厅", dt.date(2025, 3, 13))


def test_the_batch_6_pages_are_split_by_site_with_the_seeded_rule() -> None:
    """Batch 6 (30 pages, 30 sites never used before): each page in the half its site's seeded hash gives."""
    truth = json.loads((REALDOCS / "fields.json").read_text("utf-8"))
    pages = {k: v for k, v in truth.items() if isinstance(v, dict) and v.get("batch") == 6}
    assert len(pages) >= 30 and len({v["site"] for v in pages.values()}) == len(pages)
    older = {v.get("site") for v in truth.values() if isinstance(v, dict) and v.get("batch") != 6}
    assert not {v["site"] for v in pages.values()} & older
    for key, want in pages.items():
        assert key.split("/", 1)[0] == half_of(want["site"]), key
        assert (REALDOCS / key).is_file() and want["source"].startswith("http")


def test_the_batch_7_pages_are_split_by_site_with_the_seeded_rule() -> None:
    """Batch 7 (31 pages, 29 sites never used before): each page in the half its site's seeded hash gives."""
    truth = json.loads((REALDOCS / "fields.json").read_text("utf-8"))
    pages = {k: v for k, v in truth.items() if isinstance(v, dict) and v.get("batch") == 7}
    sites = {v["site"] for v in pages.values()}
    assert len(pages) >= 30 and len(sites) >= 20 and len({v["office"] for v in pages.values()}) >= 20
    older = {v.get("site") for v in truth.values() if isinstance(v, dict) and v.get("batch") != 7}
    assert not sites & older
    for key, want in pages.items():
        assert key.split("/", 1)[0] == half_of(want["site"]), key
        assert (REALDOCS / key).is_file() and want["source"].startswith("http")


def test_a_joint_title_s_issuers_on_lines_of_their_own_stay_in_the_title() -> None:
    """laisu: 中共…来苏镇委员会 / …来苏镇人民政府 / 关于印发…的通知 under a metadata block whose 标题 names one of
    them: the two lines are the title's, not the page's copies of it (the 署名 repeats them)."""
    b = parse_file(DEV / "laisu-2021-laisuweifa-68-tongzhi.txt")
    assert "".join(b.articles[0].title.split()) == "中共重庆市永川区来苏镇委员会重庆市永川区来苏镇人民政府关于印发《来苏镇第十一届村民委员会换届选举工作方案》的通知"


def test_a_page_titled_with_the_notice_s_first_line_gives_no_title(tmp_path: Path) -> None:
    """A saved page of the untitled boertala notice whose <title> is its 主送 line with the site's name after a
    dash: not a title (no 文种 ending); a <title> that reads as one still is."""
    lines = (DEV / "boertala-2024-zhou-zhengfu-gongzuo-guize.txt").read_text("utf-8").splitlines()
    body = "".join(f"<p>{ln}</p>" for ln in lines if ln.strip())
    page = tmp_path / "page.html"
    page.write_text(f"<html><head><title>{lines[0]}-某县人民政府</title></head><body><div>{body}</div></body></html>", "utf-8")
    b = parse_file(page)
    assert b.kind == "公文" and b.articles[0].printed_title is False and b.doc_type is None
    page.write_text(f"<html><head><title>关于印发自治州人民政府工作规则的通知-某县人民政府</title></head><body><div>{body}</div></body></html>", "utf-8")
    b = parse_file(page)
    assert (b.articles[0].title, b.articles[0].printed_title, b.doc_type) == ("关于印发自治州人民政府工作规则的通知", True, "通知")
