"""The 简报 and 公文 layouts on Documents: raw-text lines and whole paragraphs with hints.

Documents are built here from text (one Paragraph per line, or per paragraph
with the hints a .docx/PDF/OFD reader would set), not by a second reader.
"""

from __future__ import annotations

import datetime as dt

import pytest

from archive.document import Document, Paragraph
from archive.doctypes import doc_type_of
from archive.gongwen import normalise_serial
from archive.parse import parse_document, parse_text

RED = "#e60012"


def lines_doc(text: str, name: str = "x.txt") -> Document:
    """Raw text as a reader gives it: one paragraph per line."""
    return Document(name=name, format="text", paragraphs=tuple(Paragraph(ln) for ln in text.split("\n")), source=text)


def para_doc(*paras: Paragraph, fmt: str = "docx", meta: dict[str, str] | None = None) -> Document:
    """Whole paragraphs with hints, as .docx/OFD/PDF readers give them."""
    return Document(name=f"x.{fmt}", format=fmt, paragraphs=paras, meta=meta or {})


def body(text: str, page: int = 1) -> Paragraph:
    return Paragraph(text, page=page, size=16.0, align="justify")


# --- 简报 -----------------------------------------------------------------

TRADITIONAL = """創文簡報

第九期

（總第十六期）

某某市創建全國文明城市工作指揮部辦公室        2021年6月15日

【工作動態】

玄武區：開展志願服務活動

本月以來，玄武區組織志願者開展文明勸導活動，共計三百餘人次參與。

報：市委、市政府領導

共印100份
"""


def test_traditional_bulletin_with_total_issue_on_its_own_line():
    b = parse_document(lines_doc(TRADITIONAL))
    assert (b.kind, b.series, b.issue, b.issue_total, b.date) == ("简报", "創文簡報", 9, 16, dt.date(2021, 6, 15))
    assert b.issuer == "某某市創建全國文明城市工作指揮部辦公室"  # as written, not folded
    assert (b.copies, b.recipients) == (100, ("報：市委、市政府領導",))
    (a,) = b.articles
    assert (a.section, a.place, a.title) == ("工作動態", "玄武區", "開展志願服務活動")
    assert a.city == "南京市"  # 玄武區 looked up as 玄武区
    assert b.warnings == ()


def test_series_and_issue_on_one_line_issuer_marked_editor():
    text = "创文简报 第9期\n\n县创文办编   2023年5月6日\n\n编者按：本期聚焦志愿服务。\n\n全县志愿服务活动\n\n全县各地开展志愿服务活动，效果良好，群众满意度明显提升。\n"
    b = parse_text(text, "x.txt")
    assert (b.series, b.issue, b.date, b.issuer) == ("创文简报", 9, dt.date(2023, 5, 6), "县创文办")
    assert [a.title for a in b.articles] == ["编者按", "全县志愿服务活动"]
    assert b.articles[0].paragraphs == ("编者按：本期聚焦志愿服务。",)


def test_issuer_after_zhuban_and_date_in_chinese_numerals():
    text = "工作简报\n\n2023年第3期（总第58期）\n\n主办：某某区文明办\n\n二〇二三年三月五日\n\n文明实践进社区\n\n区里开展文明实践活动，覆盖全部街道和社区。\n"
    b = parse_text(text, "x.txt")
    assert (b.issue, b.issue_total, b.year, b.date, b.issuer) == (3, 58, 2023, dt.date(2023, 3, 5), "某某区文明办")
    assert [a.title for a in b.articles] == ["文明实践进社区"]


def test_docx_like_bulletin_red_header_table_rule_and_hinted_headings():
    doc = para_doc(
        Paragraph("文明创建动态", size=36.0, color=RED, align="center"),
        Paragraph("第12期", size=16.0, align="center"),
        Paragraph("某某市文明办", size=16.0, cell=(0, 0, 0)),
        Paragraph("2024年3月1日", size=16.0, cell=(0, 0, 1)),
        Paragraph("", kind="rule"),
        Paragraph("志愿服务进万家", size=22.0, bold=True, align="center"),
        body("全市组织志愿者开展入户走访活动，共走访群众一万余户，收集意见建议三百余条"),
        Paragraph("- 2 -", kind="page-number", page=1),
        body("并逐条建立台账、限时办结。", page=2),
        Paragraph("文明餐桌在行动", size=22.0, bold=True, align="center", page=2),
        body("各餐饮单位张贴提示标识，倡导光盘行动。", page=2),
        body("报：市委、市政府领导", page=2),
        body("（市文明办简字12号  共印80份）", page=2),
    )
    b = parse_document(doc)
    assert (b.series, b.issue, b.date, b.issuer) == ("文明创建动态", 12, dt.date(2024, 3, 1), "某某市文明办")
    assert (b.serial, b.copies) == ("市文明办简字12号", 80)
    assert [a.title for a in b.articles] == ["志愿服务进万家", "文明餐桌在行动"]
    # The paragraph split by the page break is whole again; the page number is gone.
    assert b.articles[0].paragraphs == ("全市组织志愿者开展入户走访活动，共走访群众一万余户，收集意见建议三百余条并逐条建立台账、限时办结。",)
    assert b.articles[1].paragraphs == ("各餐饮单位张贴提示标识，倡导光盘行动。",)
    assert b.format == "docx"


# --- 公文 -----------------------------------------------------------------

REDHEAD = """000123
机密★1年    特急
雄安新区管理委员会文件

雄安发[2021] 5号

关于加强城市精细化管理工作的
通知

各县人民政府，新区各部门：

为进一步提升城市管理水平，现就有关事项通知如下。

一、提高认识。各单位要充分认识精细化管理的重要意义。

附件：1. 精细化管理任务清单
      2. 进度报送表

雄安新区管理委员会
二〇二一年三月五日

（此件公开发布）

附件1

精细化管理任务清单

一、道路清扫保洁。

抄送：省政府办公厅。

雄安新区管理委员会办公室        2021年3月8日印发
"""


def test_red_header_document_every_element():
    b = parse_text(REDHEAD, "x.txt")
    assert (b.kind, b.doc_type, b.series) == ("公文", "通知", "雄安新区管理委员会文件")
    assert (b.copy_no, b.secrecy, b.urgency) == ("000123", "机密★1年", "特急")
    assert b.serial == "雄安发〔2021〕5号"  # brackets and spaces normalised
    assert (b.issuer, b.date, b.year) == ("雄安新区管理委员会", dt.date(2021, 3, 5), 2021)
    assert b.addressee == "各县人民政府，新区各部门："
    assert b.attachments == ("精细化管理任务清单", "进度报送表")
    assert b.annotation == "此件公开发布"
    assert b.recipients == ("抄送：省政府办公厅。",)
    assert (b.print_org, b.print_date) == ("雄安新区管理委员会办公室", dt.date(2021, 3, 8))
    (a,) = b.articles
    assert a.title == "关于加强城市精细化管理工作的通知"  # rejoined from two lines
    assert a.paragraphs[0] == "各县人民政府，新区各部门："
    assert "附件1" in a.paragraphs and "一、道路清扫保洁。" in a.paragraphs  # the attachment is searchable
    text = a.text
    assert "雄安新区管理委员会办公室" not in text and "此件公开发布" not in text and "二〇二一年三月五日" not in text
    assert b.label == "雄安新区管理委员会文件 雄安发〔2021〕5号"
    assert b.warnings == ()


def test_upward_document_signer_and_web_page_metadata():
    doc = para_doc(
        Paragraph("某某县人民政府文件", size=40.0, color=RED, align="center"),
        Paragraph("某政报〔2022〕3号        签发人：张  三", size=16.0),
        Paragraph("", kind="rule"),
        Paragraph("某某县人民政府关于申请防汛资金的请示", size=22.0, align="center"),
        body("市人民政府："),
        body("今年入汛以来，我县遭受多轮强降雨，请予支持。"),
        body("妥否，请批示。"),
        body("某某县人民政府"),
        body("2022年7月1日"),
        fmt="ofd",
    )
    b = parse_document(doc)
    assert (b.doc_type, b.serial, b.signer, b.issuer) == ("请示", "某政报〔2022〕3号", "张 三", "某某县人民政府")
    assert (b.addressee, b.date) == ("市人民政府：", dt.date(2022, 7, 1))
    assert b.articles[0].paragraphs == ("市人民政府：", "今年入汛以来，我县遭受多轮强降雨，请予支持。", "妥否，请批示。")


def test_gov_cn_metadata_wins_and_title_before_the_number():
    doc = para_doc(
        body("国务院办公厅关于2025年部分节假日安排的通知"),
        body("国办发明电〔2024〕12号"),
        body("各省、自治区、直辖市人民政府，国务院各部委、各直属机构："),
        body("经党中央、国务院批准，现将2025年放假调休日期的具体安排通知如下。"),
        body("国务院办公厅"),
        body("2024年11月12日"),
        fmt="html",
        meta={"发文机关": "国务院办公厅", "成文日期": "2024年11月12日", "发文字号": "国办发明电〔2024〕12号", "标题": "国务院办公厅关于2025年部分节假日安排的通知"},
    )
    b = parse_document(doc)
    assert (b.kind, b.series, b.issuer, b.serial, b.date) == ("公文", "国务院办公厅文件", "国务院办公厅", "国办发明电〔2024〕12号", dt.date(2024, 11, 12))
    assert b.addressee == "各省、自治区、直辖市人民政府，国务院各部委、各直属机构："
    assert b.articles[0].title == "国务院办公厅关于2025年部分节假日安排的通知"


def test_two_documents_of_one_office_on_one_day_get_two_ids():
    a = parse_text(REDHEAD, "a.txt")
    b = parse_text(REDHEAD.replace("雄安发[2021] 5号", "雄安发〔2021〕6号"), "b.txt")
    assert a.id != b.id and a.date == b.date
    assert parse_text(REDHEAD, "renamed.txt").id == a.id


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("关于同意张三同志辞职的批复", "批复"),
        ("关于加快南货场铁路涵洞下穿建设的函", "函"),
        ("关于印发《某某市公共数据管理办法》的通知", "通知"),
        ("某某市数据管理办法（试行）", "办法"),
        ("市政府常务会议纪要", "纪要"),
        ("关于进一步优化政务服务的指导意见", "意见"),
        ("关于表彰先进集体的决定", "决定"),
        ("全市文明创建工作情况", None),
    ],
)
def test_doc_type_from_the_title_ending(title: str, kind: str | None):
    assert doc_type_of(title) == kind


def test_serial_forms():
    assert normalise_serial("京政发[2023]5号") == "京政发〔2023〕5号"
    assert normalise_serial("府办专督〔2020〕 24 号") == "府办专督〔2020〕24号"
    assert normalise_serial("路卫发（2011）076号") == "路卫发〔2011〕76号"


def test_a_bulletin_with_a_serial_in_its_footer_stays_a_bulletin():
    b = parse_text(TRADITIONAL.replace("共印100份", "（蘇簡字〔2021〕16號 共印100份）"), "x.txt")
    assert b.kind == "简报" and b.serial == "蘇簡字〔2021〕16號"


def test_add_two_documents_of_one_office_on_one_day(tmp_path):
    from click.testing import CliRunner

    from bulletins.cli import cli

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text(REDHEAD, "utf-8")
    second.write_text(REDHEAD.replace("雄安发[2021] 5号", "雄安发〔2021〕6号").replace("精细化管理", "垃圾分类"), "utf-8")
    for f in (first, second):
        r = CliRunner().invoke(cli, ["add", str(f), "--corpus", str(corpus), "--index", str(index)])
        assert r.exit_code == 0, r.output
    assert sorted(p.name for p in corpus.iterdir()) == ["雄安新区管理委员会文件-雄安发〔2021〕5号.txt", "雄安新区管理委员会文件-雄安发〔2021〕6号.txt"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # （总第N期） above 第N期; issuer and date on one line
        ("文明简报\n\n总第16期\n\n第9期\n\n某某县文明办  2023年5月6日\n\n活动开展\n\n全县开展志愿服务活动，群众广泛参与，效果良好。\n",
         ("文明简报", 9, 16, dt.date(2023, 5, 6), "某某县文明办")),
        # 编印单位： and 日期： labels, spaces inside the issue line
        ("文明创建简报\n\n2023年 第 3 期\n\n编印单位：某某区文明办    日期：2023年3月5日\n\n活动开展\n\n全区开展志愿服务活动，群众广泛参与，效果良好。\n",
         ("文明创建简报", 3, None, dt.date(2023, 3, 5), "某某区文明办")),
    ],
)
def test_more_bulletin_headers(text: str, expected: tuple):
    b = parse_text(text, "x.txt")
    assert (b.series, b.issue, b.issue_total, b.date, b.issuer) == expected
    assert [a.title for a in b.articles] == ["活动开展"] and b.warnings == ()


def test_joint_document_two_issuers_and_a_web_page_with_site_chrome():
    joint = (
        "中共某某县委办公室\n某某县人民政府办公室文件\n\n某委办发〔2023〕12号\n\n关于印发《某某县文明城市创建工作方案》的通知\n\n"
        "各乡镇党委、政府，县直各单位：\n\n现将《某某县文明城市创建工作方案》印发给你们，请认真贯彻落实。\n\n"
        "中共某某县委办公室　　　　某某县人民政府办公室\n2023年3月1日\n\n（此件公开发布）\n\n抄送：市委办公室，市政府办公室。\n\n"
        "中共某某县委办公室                2023年3月2日印发\n"
    )
    b = parse_text(joint, "x.txt")
    assert (b.series, b.issuer, b.serial, b.date) == ("中共某某县委办公室 某某县人民政府办公室文件", "中共某某县委办公室、某某县人民政府办公室", "某委办发〔2023〕12号", dt.date(2023, 3, 1))
    assert (b.print_org, b.print_date, b.annotation) == ("中共某某县委办公室", dt.date(2023, 3, 2), "此件公开发布")
    page = "北京市人民政府关于加快建设全球数字经济标杆城市的实施方案\n京政发[2023]5号\n各区人民政府，市政府各委、办、局：\n现将有关事项通知如下。\n北京市人民政府　　2023年5月10日\n（此件公开发布）\n扫一扫在手机打开当前页\n分享到：\n"
    b = parse_text(page, "x.txt")
    assert (b.doc_type, b.serial, b.issuer, b.date, b.annotation) == ("方案", "京政发〔2023〕5号", "北京市人民政府", dt.date(2023, 5, 10), "此件公开发布")
    assert b.articles[0].paragraphs == ("各区人民政府，市政府各委、办、局：", "现将有关事项通知如下。")


def test_minutes_numbered_without_an_office_prefix_and_without_a_signature():
    b = parse_text("某某市人民政府常务会议纪要\n\n〔2023〕5号\n\n2023年4月10日，市长主持召开常务会议，研究部署有关工作。纪要如下：\n\n一、会议听取了城市管理工作汇报。\n", "x.txt")
    assert (b.kind, b.doc_type, b.serial, b.issuer) == ("公文", "纪要", "〔2023〕5号", None)
    assert "no 成文日期 found" in b.warnings


def test_a_long_web_page_title_is_not_joined_to_its_number():
    title = "国务院办公厅关于进一步优化政务服务提升行政效能推动“高效办成一件事”的指导意见"
    doc = para_doc(body(title), body("国办发〔2024〕3号"), body("各省、自治区、直辖市人民政府，国务院各部委、各直属机构："),
                   body("为深入贯彻落实党中央、国务院决策部署，经国务院同意，现提出如下意见。"), body("国务院办公厅"), body("二〇二四年一月十二日"), fmt="html")
    b = parse_document(doc)
    assert (b.articles[0].title, b.serial, b.issuer, b.date, b.doc_type) == (title, "国办发〔2024〕3号", "国务院办公厅", dt.date(2024, 1, 12), "意见")


def test_the_bulletin_api_carries_kind_and_doc_type(tmp_path):
    from click.testing import CliRunner

    from bulletins.cli import cli
    from indexer.present.bulletin import get_bulletin
    from indexer.search.engine import search
    from indexer.store.handles import IndexHandle

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "xiongan-5.txt").write_text(REDHEAD, "utf-8")  # not notice.txt: NOTICE files are skipped
    r = CliRunner().invoke(cli, ["index", "--corpus", str(corpus), "--index", str(index)])
    assert r.exit_code == 0, r.output
    hit = search(IndexHandle(index), "精细化管理")["hits"][0]
    b = get_bulletin(IndexHandle(index), hit["bulletin_id"])
    assert b is not None
    assert (b["kind"], b["doc_type"], b["serial"], b["issuer"]) == ("公文", "通知", "雄安发〔2021〕5号", "雄安新区管理委员会")


def test_letter_spaced_masthead_and_series_close_up():
    b = parse_text("江 苏 文 明 简 报\n\n第 5 期\n\n江苏省文明办　　2024年1月2日\n\n活动开展\n\n全省开展志愿服务活动，群众广泛参与，效果良好。\n", "x.txt")
    assert (b.series, b.issue, b.issuer, b.date) == ("江苏文明简报", 5, "江苏省文明办", dt.date(2024, 1, 2))
    g = parse_text(REDHEAD.replace("雄安新区管理委员会文件", "雄 安 新 区 管 理 委 员 会 文 件"), "x.txt")
    assert g.series == "雄安新区管理委员会文件"


def test_a_page_known_as_a_gongwen_by_its_metadata_keeps_all_its_text():
    doc = para_doc(
        body("为进一步规范管理，经研究，现就有关事项通知如下。"),
        body("一、严格落实责任。"),
        body("某某市人民政府办公室"),
        body("2023年6月1日"),
        fmt="html",
        meta={"发文字号": "某政办发〔2023〕9号", "标题": "某某市人民政府办公室关于加强管理的通知", "发文机关": "某某市人民政府办公室"},
    )
    b = parse_document(doc)
    assert (b.kind, b.doc_type, b.serial, b.date) == ("公文", "通知", "某政办发〔2023〕9号", dt.date(2023, 6, 1))
    assert b.articles[0].title == "某某市人民政府办公室关于加强管理的通知"
    assert b.articles[0].paragraphs == ("为进一步规范管理，经研究，现就有关事项通知如下。", "一、严格落实责任。")


def test_signer_on_a_line_of_its_own():
    b = parse_text(REDHEAD.replace("雄安发[2021] 5号", "雄安发[2021] 5号\n签发人：李四"), "x.txt")
    assert (b.signer, b.serial, b.articles[0].title) == ("李四", "雄安发〔2021〕5号", "关于加强城市精细化管理工作的通知")


def test_table_of_contents_with_dot_leaders_and_page_numbers():
    text = (
        "文明简报\n\n第7期\n\n某某市文明办  2024年2月1日\n\n本期要目\n\n"
        "玄武区：红色跑腿暖人心……………………1\n\n省文明办：部署文明餐桌行动…………3\n\n"
        "玄武区：红色跑腿暖人心\n\n玄武区组建志愿服务队，为居家老人代购药品。\n\n"
        "省文明办：部署文明餐桌行动\n\n省文明办召开视频会议，部署全省行动。\n"
    )
    b = parse_text(text, "x.txt")
    assert [(a.place, a.title) for a in b.articles] == [("玄武区", "红色跑腿暖人心"), ("省文明办", "部署文明餐桌行动")]
    assert b.articles[0].paragraphs == ("玄武区组建志愿服务队，为居家老人代购药品。",)


def test_a_saved_page_of_a_bulletin_takes_issuer_and_date_from_its_metadata():
    doc = para_doc(body("文明简报"), body("第3期"), body("玄武区：红色跑腿暖人心"), body("玄武区组建志愿服务队，为居家老人代购药品。"),
                   fmt="html", meta={"发文机关": "南京市文明办", "成文日期": "2023-03-05", "发文字号": "宁文〔2023〕3号"})
    b = parse_document(doc)
    assert (b.kind, b.series, b.issue, b.issuer, b.date) == ("简报", "文明简报", 3, "南京市文明办", dt.date(2023, 3, 5))
    assert b.warnings == ()


def test_a_page_with_a_number_but_no_document_title_is_not_a_gongwen():
    doc = para_doc(body("关于做好志愿服务工作的几点体会"), body("近年来，我们坚持把志愿服务作为文明实践的重要抓手，取得了一定成效。"),
                   fmt="html", meta={"发文字号": "苏简字〔2022〕11号", "发文机关": "江苏省文明办", "成文日期": "2022-04-02"})
    b = parse_document(doc)
    assert b.kind == "简报" and b.articles[0].title == "关于做好志愿服务工作的几点体会"
    assert (b.issuer, b.date) == ("江苏省文明办", dt.date(2022, 4, 2))  # the page's metadata, as a reader sees it


def test_marks_in_any_spacing_and_the_text_before_the_page_metadata():
    doc = para_doc(
        Paragraph("000123", bold=True, align="center"),
        Paragraph("机密★1年 特急", bold=True, align="center"),
        Paragraph("雄安新区管理委员会文件", bold=True, align="center"),
        Paragraph("雄安发[2021] 5号", bold=True, align="center"),
        Paragraph("关于加强城市精细化管理工作的", bold=True, align="center"),
        Paragraph("通知", bold=True, align="center"),
        Paragraph("各县人民政府，新区各部门：", align="justify"),
        Paragraph("为进一步提升城市管理水平，现就有关事项通知如下。", align="justify"),
        Paragraph("雄安新区管理委员会", align="justify"),
        Paragraph("二〇二一年三月五日", align="justify"),
        fmt="html",
        meta={"发文机关": "江苏省文明办", "发文字号": "苏简字〔2022〕11号", "成文日期": "2022年04月02日", "标题": "000123"},
    )
    b = parse_document(doc)
    assert (b.copy_no, b.secrecy, b.urgency) == ("000123", "机密★1年", "特急")
    assert (b.serial, b.issuer, b.date) == ("雄安发〔2021〕5号", "雄安新区管理委员会", dt.date(2021, 3, 5))
    assert b.articles[0].title == "关于加强城市精细化管理工作的通知"


@pytest.mark.parametrize(
    "head",
    [
        "创文简报 第9期 2023年5月6日\n\n县创文办",
        "创文简报\n\n第9期 县创文办编 2023年5月6日",
        "创文简报\n\n2023年第9期（总第58期）  县创文办  2023年5月6日",
    ],
)
def test_header_elements_on_one_line_with_single_spaces(head: str):
    b = parse_text(head + "\n\n活动开展\n\n全县开展志愿服务活动，群众广泛参与，效果良好。\n", "x.txt")
    assert (b.series, b.issue, b.date, b.issuer) == ("创文简报", 9, dt.date(2023, 5, 6), "县创文办")
    assert [a.title for a in b.articles] == ["活动开展"] and b.warnings == ()


def test_a_wrapped_printed_line_in_the_colophon():
    b = parse_text(REDHEAD.replace("2021年3月8日印发", "2021年3月8日印\n发"), "x.txt")
    assert (b.print_org, b.print_date, b.recipients) == ("雄安新区管理委员会办公室", dt.date(2021, 3, 8), ("抄送：省政府办公厅。",))


def test_contact_lines_without_a_footer_stay_in_the_last_article():
    text = "文明简报\n\n第2期\n\n某某市文明办  2024年2月1日\n\n活动开展\n\n全市开展志愿服务活动，群众广泛参与。\n\n联系人：张三\n\n联系电话：12345678\n"
    (a,) = parse_text(text, "x.txt").articles
    assert a.paragraphs == ("全市开展志愿服务活动，群众广泛参与。", "联系人：张三联系电话：12345678")


def test_text_copied_from_a_web_page_one_paragraph_a_line_keeps_its_standalone_headings():
    """Lines that are whole paragraphs (long, ending in 。) with no blank lines between
    them: a short unpunctuated line among them is a heading, not a wrapped line."""
    body = "各地积极开展志愿服务活动，组织党员干部深入社区、走进农村，为群众办实事解难题，受到广泛好评和一致赞誉，形成了人人参与、人人共享的良好氛围。"
    text = "\n".join([
        "文明创建简报", "第三期", "某区文明办编印 2024年5月6日", "【工作动态】",
        "某街道开展文明劝导活动", body, body,
        "某社区举行志愿服务启动仪式", body,
    ])
    b = parse_document(lines_doc(text))
    assert [(a.section, a.title) for a in b.articles] == [
        ("工作动态", "某街道开展文明劝导活动"), ("工作动态", "某社区举行志愿服务启动仪式")]
    assert b.articles[0].paragraphs == (body, body)


def test_wrapped_text_of_short_lines_is_still_joined_not_cut_into_headings():
    """Text wrapped at a page's width (lines of ~28 characters) has no such headings."""
    para = "为深入贯彻落实全省精神文明建设工作会议精神进一步推动志愿服务制度化常态化发展现将有关情况通报如下各地要认真对照抓好落实。"
    wrapped = [para[k: k + 28] for k in range(0, len(para), 28)]
    text = "\n".join(["文明创建简报", "第三期", "某区文明办编印 2024年5月6日", "", "某街道开展文明劝导活动", "", *wrapped])
    b = parse_document(lines_doc(text))
    assert [a.title for a in b.articles] == ["某街道开展文明劝导活动"]
    assert b.articles[0].paragraphs == (para,)


def test_joint_gongwen_title_led_by_its_issuers_and_a_signature_of_two_organs():
    """A 联合行文 as gov.cn prints it: the title's first line only the issuers' names,
    the 署名 two organs apart by one space."""
    doc = para_doc(
        Paragraph("国务院办公厅、中央军委办公厅", bold=True, align="center"),
        Paragraph("关于加强某项调查和管理工作的通知", bold=True, align="center"),
        Paragraph("国办发〔1996〕25号", align="center"),
        Paragraph("各省、自治区、直辖市人民政府：", align="justify"),
        Paragraph("现就有关问题通知如下，请认真贯彻执行。", align="justify"),
        Paragraph("国务院办公厅 中央军委办公厅", align="right"),
        Paragraph("一九九六年六月二十九日", align="right"),
        fmt="html",
    )
    b = parse_document(doc)
    assert b.kind == "公文"
    assert b.articles[0].title == "国务院办公厅、中央军委办公厅关于加强某项调查和管理工作的通知"
    assert b.issuer == "国务院办公厅、中央军委办公厅"
    assert b.series == "国务院办公厅文件"
    assert (b.serial, b.date, b.doc_type) == ("国办发〔1996〕25号", dt.date(1996, 6, 29), "通知")


def test_masthead_without_wenjian_above_the_docno_is_not_taken_for_the_title():
    doc = para_doc(
        Paragraph("中共某县委办公室", size=26, color=RED, align="center"),
        Paragraph("某办发〔2021〕5号", align="center"),
        Paragraph("关于做好某项工作的通知", bold=True, align="center"),
        Paragraph("各乡镇党委：", align="justify"),
        Paragraph("现将有关事项通知如下。", align="justify"),
        Paragraph("中共某县委办公室", align="right"),
        Paragraph("2021年5月6日", align="right"),
    )
    b = parse_document(doc)
    assert (b.series, b.articles[0].title, b.issuer) == ("中共某县委办公室文件", "关于做好某项工作的通知", "中共某县委办公室")
