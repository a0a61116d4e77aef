"""The 简报's elements as labels of its layout (issue 19, item 2): the 报头 (刊名, 期号, 总期号,
编发单位, 日期), the body (目录, 按语, 栏目, 标题, 正文) and the 报尾 (报/送/发, 共印), each line
labelled by archive.textparse.label_issue as the parser reads it; and the shapes of real 简报
that the old rules missed: a masthead and 报尾 keys letter-spaced to a column's width
(简　　报, 报　送：, 编　者　按：), keys with 单位/范围 (报送单位：, 发送范围：).

The seed issue (corpus/) and the real 清城区 issue (tests/public/) are labelled; the new shapes are
written as an office sets them and made into .docx and PDF with tests/docgen.py.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from archive.layout import document_lines
from archive.layouts.jianbao import PARTS
from archive.parse import parse_file
from archive.readers import read_document
from archive.textparse import label_issue
from tests.conftest import office_file

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "江苏精神文明建设简报-2022-第11期.txt"
QINGCHENG = ROOT / "tests" / "public" / "qingcheng-2014-chuangwen-jianbao-9.txt"

# A county's issue as its office types it: the two characters of 简报 set a column apart, the 报尾's
# keys spaced to one width, the red rules typed.
SPACED = """简　　报
第12期
中共某某县委办公室　　　　　　2024年5月6日
━━━━━━━━━━━━━━━━━━━━
某某县召开一季度经济形势分析会
4月10日，县委召开一季度经济形势分析会，分析研判当前经济运行态势，安排部署下一阶段重点工作。
会议要求，各乡镇、各部门要坚定信心，狠抓落实，确保完成全年目标任务。
某某镇扎实开展春季植树造林活动
今年以来，某某镇组织干部群众义务植树2万余株，新增造林面积500亩。
━━━━━━━━━━━━━━━━━━━━
报　送：市委办公室，市政府办公室
抄　送：县委常委，县人大常委会、县政府、县政协领导
发　送：各乡镇党委，县直各单位
（共印80份）
"""

# An editor's note letter-spaced, and the 报尾's keys naming a unit and a range.
UNIT_KEYS = """工作简报
第3期
某某市文明办编　　　　2023年9月1日
编　者　按：近年来，各地积极探索志愿服务新模式，现将某某区的做法刊发，供各地学习借鉴。
某某区志愿服务走深走实
某某区建立志愿服务站点120个，注册志愿者达5万人，全年开展志愿服务活动3000余场次。
某某街道打造“一刻钟便民服务圈”
某某街道整合辖区资源，建成便民服务点30个，方便居民就近办事。
报送单位：省文明办
发送范围：各县（市、区）文明办，市文明委各成员单位
共印　50　份
"""


def _lines(path: Path) -> list:
    return document_lines(read_document(path))


def test_the_seed_issue_is_labelled_header_body_and_footer() -> None:
    labelled = [(ln.text, lab) for ln, lab in label_issue(_lines(SEED))]
    head = dict(labelled[:5])
    assert head == {"工作资料 注意保存": "mark", "江苏精神文明建设简报": "name", "第11期": "issue", "江苏省文明办": "issuer", "2022年4月2日": "date"}
    labels: dict[str, list[str]] = {}
    for text, lab in labelled:
        labels.setdefault(text, []).append(lab)
    assert labels["【工作交流】"][0] == "section"
    assert labels["连云港市: 统筹文明实践资源 筑牢疫情防控防线"] == ["toc", "title"]  # listed before the article
    assert [lab for _t, lab in labelled[-4:]] == ["to", "to", "to", "copies"]
    assert labelled[-4][0].startswith("报") and labelled[-2][0].startswith("发")
    titles = [t for t, lab in labelled if lab == "title"]
    assert titles[0] == "淮安市:疫情防控齐聚力 志愿服务暖人心"
    assert {lab for _t, lab in labelled} <= set(PARTS)
    assert sum(lab == "body" for _t, lab in labelled) >= 10


def test_the_real_qingcheng_issue_labels_its_total_issue_and_its_section() -> None:
    labelled = label_issue(_lines(QINGCHENG))
    assert [lab for _ln, lab in labelled[:5]] == ["name", "issue", "total", "issuer", "section"]
    assert labelled[5][1] == "title" and labelled[6][1] == "body"


def test_a_glued_footer_is_its_own_line_labelled_as_the_footer(tmp_path: Path) -> None:
    text = "乡村振兴工作简报\n第6期\n某某县乡村振兴局编印  2024年4月15日\n某某村发展特色产业带动群众增收\n某某村依托当地资源优势，发展食用菌种植，户均增收2万元。报：县委、县政府主要领导\n送：县直有关部门 发：各乡镇 共印200份\n"
    path = tmp_path / "x.txt"
    path.write_text(text, "utf-8")
    labelled = [(ln.text, lab) for ln, lab in label_issue(_lines(path))]
    assert labelled[-3:] == [("某某村依托当地资源优势，发展食用菌种植，户均增收2万元。", "body"), ("报：县委、县政府主要领导", "to"), ("送：县直有关部门 发：各乡镇 共印200份", "to")]


@pytest.mark.parametrize("fmt", ["text", "docx", "pdf"])
def test_a_letter_spaced_masthead_and_footer_keys(fmt: str, tmp_path: Path) -> None:
    """Fails on the old code: the series is 简 (or the issue line), the recipients are lost to the
    last article."""
    b = parse_file(office_file(fmt, SPACED, tmp_path))
    assert (b.series, b.issue, b.issuer, b.date) == ("简报", 12, "中共某某县委办公室", dt.date(2024, 5, 6))
    assert b.recipients == ("报送：市委办公室，市政府办公室", "抄送：县委常委，县人大常委会、县政府、县政协领导", "发送：各乡镇党委，县直各单位")
    assert b.copies == 80
    assert [a.title for a in b.articles] == ["某某县召开一季度经济形势分析会", "某某镇扎实开展春季植树造林活动"]
    assert b.articles[-1].text.endswith("新增造林面积500亩。")


@pytest.mark.parametrize("fmt", ["text", "docx"])
def test_footer_keys_naming_a_unit_and_a_spaced_editors_note(fmt: str, tmp_path: Path) -> None:
    """Fails on the old code: 报送单位：/发送范围： stay in the last article as its text."""
    path = office_file(fmt, UNIT_KEYS, tmp_path)
    b = parse_file(path)
    assert b.recipients == ("报送：省文明办", "发送：各县（市、区）文明办，市文明委各成员单位") and b.copies == 50
    assert [a.title for a in b.articles][-2:] == ["某某区志愿服务走深走实", "某某街道打造“一刻钟便民服务圈”"]
    assert b.articles[-1].text.endswith("方便居民就近办事。")
    labels = {ln.text: lab for ln, lab in label_issue(_lines(path))}
    assert labels["编者按：近年来，各地积极探索志愿服务新模式，现将某某区的做法刊发，供各地学习借鉴。"] == "note"


def test_check_explain_names_each_line_s_element_of_the_issue() -> None:
    from archive.explain import explain, lost

    _b, placements = explain(read_document(SEED))
    place = {p.text: p.place for p in placements}
    assert place["第11期"] == "表头字段：期号〔报头·期号〕"
    assert place["(苏简字1004号 共印400份)"].endswith("〔报尾·共印〕")
    assert place["【工作交流】"].endswith("〔栏目〕")
    assert not lost(placements)


SECTIONED = """防汛工作简报
第5期（总第88期）
某某县防汛抗旱指挥部办公室　　　　　2024年6月20日
【工作动态】某某县召开防汛工作部署会
6月18日，县防指召开防汛工作部署会，安排部署主汛期防汛工作。会议要求各地压实责任，严阵以待。
【基层经验】某某镇“三个到位”筑牢防汛防线
某某镇落实人员到位、物资到位、预案到位，储备编织袋5000条、救生衣300件。
【编者按】今年入汛以来，各地扎实做好防汛准备工作，现将有关情况刊发。
签发：张三　　　　　　　核稿：李四
报：市防指办
发：各镇（街道）防办，县防指各成员单位
"""


@pytest.mark.parametrize("fmt", ["text", "docx", "pdf"])
def test_a_section_marker_heading_its_article_s_title_on_one_line(fmt: str, tmp_path: Path) -> None:
    """Fails on the old code: the titles keep 【工作动态】 and the articles have no section."""
    from archive.explain import explain, lost

    path = office_file(fmt, SECTIONED, tmp_path)
    b = parse_file(path)
    assert [(a.section, a.title) for a in b.articles] == [("工作动态", "某某县召开防汛工作部署会"), ("基层经验", "某某镇“三个到位”筑牢防汛防线")]
    assert b.articles[-1].text.endswith("现将有关情况刊发。")  # a note in brackets before a sentence stays text
    assert (b.issue, b.issue_total, b.recipients) == (5, 88, ("报：市防指办", "发：各镇（街道）防办，县防指各成员单位"))
    _b, placements = explain(read_document(path))
    assert not lost(placements)


@pytest.mark.parametrize("fmt", ["text", "docx"])
def test_an_issue_numbered_as_a_hao_under_the_series(fmt: str, tmp_path: Path) -> None:
    """Fails on the old code: 第3号 stops the 报头 — no issue, issuer or date, and the first article is
    titled 第3号某某县教育局."""
    text = "教育简报\n第3号\n某某县教育局\n二〇二四年五月六日\n某某县召开教育工作会议\n5月5日，县教育局召开全县教育工作会议，部署下一阶段工作。\n报：县委办\n"
    path = office_file(fmt, text, tmp_path)
    b = parse_file(path)
    assert (b.series, b.issue, b.issuer, b.date) == ("教育简报", 3, "某某县教育局", dt.date(2024, 5, 6))
    assert [a.title for a in b.articles] == ["某某县召开教育工作会议"] and b.warnings == ()
    assert [lab for _ln, lab in label_issue(_lines(path))][:4] == ["name", "issue", "issuer", "date"]
