"""The layout model (archive/features.py, archive/layouts/) on real local 公文.

Each test reads a real document of tests/realdocs/dev (saved-page text of local
government sites, see tests/realdocs/README.md) through parse_file, as a user's
file would, and checks the failure kind of issue 19 it shows. The dev half is
the one the model was developed on; tests never read the eval half's fields.
"""

from __future__ import annotations

from pathlib import Path

from archive.layout import document_lines
from archive.layouts import GRAMMAR_NAMES, label_lines, read_page
from archive.layouts.decode import Grammar, decode
from archive.parse import parse_file
from archive.readers import read_document

DEV = Path(__file__).resolve().parent / "realdocs" / "dev"


def test_site_chrome_and_metadata_block_before_a_gongwen_are_taken_off_and_read_as_fields() -> None:
    """Kind 1: breadcrumbs and a 索引号/发布机构/文号 block before the document made it a 简报
    with a menu line as its title."""
    b = parse_file(DEV / "taihu-2019-guize-tongzhi.txt")
    assert b.kind == "公文"
    assert b.articles[0].title == "太湖县人民政府关于印发《太湖县人民政府工作规则》的通知"
    assert b.issuer == "太湖县人民政府" and str(b.date) == "2019-01-17"
    assert b.addressee == "各乡、镇人民政府,县政府各部门、各直属机构:"
    page = read_page(document_lines(read_document(DEV / "taihu-2019-guize-tongzhi.txt")), {})
    removed = {ln.text: rule for ln, rule in page.removed}
    assert removed["首页 > 太湖县人民政府办公室信息公开 > 信息浏览"] == "页面导航或工具栏"
    assert removed["信息分类: 通知  发布机构: 太湖县人民政府办公室"] == "页面元数据（读作字段）"
    assert page.meta["发文机关"] == "太湖县人民政府办公室" and page.meta["成文日期"] == "2019-01-23"


def test_a_metadata_block_with_values_under_their_keys_gives_the_serial_and_date() -> None:
    """`• 发文字号:` with its value on the next line; the site's 发文机构 (县政府网站) is not an issuer."""
    b = parse_file(DEV / "zhenba-2024-zhengfa-7-guize.txt")
    assert b.kind == "公文" and b.serial == "镇政发〔2024〕7号" and str(b.date) == "2024-04-06"
    assert b.issuer is None
    assert b.articles[0].title == "镇巴县人民政府工作规则"


def test_serial_printed_after_the_title_in_brackets_is_the_serial_not_part_of_the_title() -> None:
    """Kind 3: `…的通知(岳办发〔2017〕2号)` on a page with chrome around it; two 署名 lines (kind 4)."""
    b = parse_file(DEV / "yueyang-2017-yuebanfa-2-tongzhi.txt")
    assert b.kind == "公文" and b.serial == "岳办发〔2017〕2号"
    assert b.articles[0].title == "中共岳阳市委办公室岳阳市人民政府办公室印发《关于全面推进政务公开工作的实施意见》的通知"
    assert b.issuer == "中共岳阳市委办公室、岳阳市人民政府办公室" and str(b.date) == "2017-01-10"


def test_a_gongwen_without_masthead_starting_with_a_repeated_page_title() -> None:
    """Kind 2: no 发文机关标志; the page's heading (发文字号 + 《title》) repeats the title, which is in 《》,
    then the 发文字号 twice and the 主送."""
    b = parse_file(DEV / "beijing-2016-jingzhengbanfa-26-tongzhi.txt")
    assert b.articles[0].title == "北京市人民政府办公厅关于印发〈北京市2016年政务公开工作要点〉的通知"
    assert b.serial == "京政办发〔2016〕26号" and b.doc_type == "通知"
    assert b.addressee == "各区人民政府,市政府各委、办、局,各市属机构:"


def test_text_after_the_date_is_kept_as_the_attachment() -> None:
    """Kind 9: a 印发…的通知 whose attached text follows the date with no 附件 line lost that text."""
    b = parse_file(DEV / "beijing-2016-jingzhengbanfa-26-tongzhi.txt")
    text = b.articles[0].text
    assert "2016年是全面建成小康社会决胜阶段的开局之年" in text
    assert "对权力清单进行动态调整" in text
    assert str(b.date) == "2016-05-28" and b.issuer == "北京市人民政府办公厅"


def test_a_typed_rule_is_a_rule_and_the_masthead_gives_the_issuer() -> None:
    """Kind 11: a rule typed as ------ under the 发文字号 became text and hid the title;
    发文字号 with square brackets."""
    b = parse_file(DEV / "guizhou-2006-qianguozifa-83-tongzhi.txt")
    assert b.articles[0].title == "关于推进矿产资源勘查规范探矿权延续登记有关问题的通知"
    assert b.serial == "黔国土资发〔2006〕83号" and b.issuer == "贵州省国土资源厅"
    assert not any(set(p) <= set("-—━ ") for p in b.articles[0].paragraphs)


def test_issuer_is_the_signature_not_the_titles_short_name() -> None:
    """Kind 6: the title says 湖州市卫生健康委, the 署名 湖州市卫生健康委员会."""
    b = parse_file(DEV / "huzhou-2023-huweijianfa-1-tongzhi.txt")
    assert b.issuer == "湖州市卫生健康委员会" and b.serial == "湖卫健发〔2023〕1号"
    assert b.articles[0].title == "湖州市卫生健康委关于印发2023年全市卫生健康工作要点的通知"


def test_a_site_collection_page_with_blurb_and_repeated_masthead() -> None:
    """A document-sharing site's blurb and `第一篇:` heading before a 红头 with a title over two lines."""
    b = parse_file(DEV / "hunan-2009-xiangzhengbanfa-24-tongzhi.txt")
    assert b.series == "湖南省人民政府办公厅文件" and b.serial == "湘政办发〔2009〕24号"
    assert b.articles[0].title == "湖南省人民政府办公厅关于加强普通高等学校毕业生就业工作的通知"


def test_the_decode_follows_the_order_and_reports_a_close_call() -> None:
    """The grammar never lets a label of a lower rank follow a higher one; a close call names the line."""
    g = Grammar(labels=("a", "b"), rank={"a": 0, "b": 1}, repeat=frozenset({"a", "b"}))
    scores = {(0, "a"): 1.0, (0, "b"): 0.0, (1, "a"): 0.0, (1, "b"): 5.0, (2, "a"): 3.0, (2, "b"): 2.5}
    out = decode(3, g, lambda i, lab: scores[(i, lab)], 1.0)
    assert [d.label for d in out] == ["a", "b", "b"]  # `a` scores more on line 3 but may not follow `b`
    assert out[2].second is None  # nothing else the grammar allows there
    lines = document_lines(read_document(DEV / "yueyang-2017-yuebanfa-2-tongzhi.txt"))
    _feats, decoded = label_lines(lines)
    labels = {ln.number: d.label for ln, d in zip(lines, decoded)}
    assert labels[2] == "chrome" and labels[14] == "signature" and labels[18] == "date" and labels[22] == "attachment"
    assert GRAMMAR_NAMES["date"] == "成文日期"


def test_the_shipped_weights_are_fitted_for_this_model() -> None:
    """archive/data/gongwen_weights.json (python -m bench.fit_layout) has a weight for every class and
    piece of evidence the model scores, and was fitted on generated and real development lines."""
    import json
    from importlib import resources

    from archive.layouts import gongwen

    data = json.loads(resources.files("archive").joinpath(gongwen.WEIGHTS_FILE).read_text("utf-8"))
    assert data["classes"] == list(gongwen.CLASSES) and data["evidence"] == list(gongwen.EVIDENCE)
    assert len(data["weights"]) == len(gongwen.CLASSES) and all(len(row) == len(gongwen.EVIDENCE) for row in data["weights"])
    assert data["trained_on"]["generated_lines"] > 1000 and data["trained_on"]["real_dev_lines"] > 0
    assert data["line_accuracy"]["generated"] >= 0.95
    assert set(gongwen.weights()) == set(gongwen.CLASSES)


def test_the_tail_is_read_from_the_labels() -> None:
    """署名 (two to a line), 成文日期, 附注, an unmarked attachment and the 版记 with a wrapped 抄送 line
    come from the decode of the last lines."""
    from archive.layout import document_lines
    from archive.layouts import label_window
    from archive.layouts.gongwen import TAIL_LABELS
    from archive.parse import parse_text, text_document

    text = (
        "关于做好防汛抗旱工作的通知\n各乡镇人民政府：\n为做好今年防汛抗旱工作，现将有关事项通知如下。\n"
        "某某县水利局    某某县应急管理局\n二〇二三年五月六日\n（此件公开发布）\n2023年防汛抗旱工作要点\n"
        "一、压实防汛责任。各乡镇要落实防汛责任制，明确责任人。\n抄送：县委办公室，县人大常委会办公室，\n县政协办公室。\n"
        "某某县水利局办公室  2023年5月8日印发\n"
    )
    lines = document_lines(text_document(text, "x.txt"))
    labels = [d.label for d in label_window(lines, 2, len(lines), TAIL_LABELS)]
    assert labels == ["body", "signature", "date", "note", "attachment", "attachment", "colophon", "colophon", "colophon"]
    b = parse_text(text, "x.txt")
    assert (b.issuer, str(b.date), b.annotation) == ("某某县水利局、某某县应急管理局", "2023-05-06", "此件公开发布")
    assert b.recipients == ("抄送：县委办公室，县人大常委会办公室，县政协办公室。",)
    assert (b.print_org, str(b.print_date)) == ("某某县水利局办公室", "2023-05-08")
    assert "压实防汛责任" in b.articles[0].text
