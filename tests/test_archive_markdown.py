"""Markdown bulletins: a written fixture, and the 《新闻联播》 corpus when present."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.errors import BulletinError
from archive.parse import is_markdown, parse_file, parse_text

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "xinwen-lianbo"


@pytest.fixture(scope="module")
def md():
    return parse_file(FIXTURES / "markdown-issue.md")


def test_title_carries_series_issue_and_date(md):
    assert md.format == "markdown"
    assert (md.series, md.issue, md.year, md.date) == ("江苏精神文明建设简报", 5, 2023, dt.date(2023, 5, 6))
    assert md.warnings == ()


def test_toc_skipped_sections_kept(md):
    assert [(a.section, a.place, a.city, a.title) for a in md.articles] == [
        ("工作交流", "江苏南京", "南京市", "文明实践进社区"),
        ("工作交流", "陕西", None, "志愿服务交流"),
        ("经验做法", "省文明办", None, "总结推广典型经验"),
    ]


def test_inline_html_reduced_to_text_body_keeps_markup(md):
    a = md.articles[0]
    assert a.paragraphs == ("南京市玄武区在社区开展文明实践活动。", "活动覆盖 12 个街道。", "详情见江苏文明网。")
    assert "<script>" not in a.text and "alert" not in a.text
    assert "<strong>南京市</strong>" in a.body
    assert "[江苏文明网](https://www.jswmw.cn/a?b=1&c=2)" in a.body
    assert not a.body.startswith("###")
    assert a.places == ("江苏", "南京", "南京市", "玄武区")


def test_markdown_list_items(md):
    assert md.articles[1].paragraphs == ("一是交流经验，互学互鉴。", "二是共建平台。")


def test_format_choice():
    assert is_markdown("anything", "a.md") and is_markdown("x", "b.MARKDOWN")
    assert is_markdown("\n# 标题\n正文", "a.txt")
    assert not is_markdown("#标签 不是标题", "a.txt")
    assert not is_markdown("江苏精神文明建设简报\n第11期", "a.txt")


def test_markdown_without_headings_is_one_article():
    b = parse_text("# 《新闻联播》 (20240315)\n\n今天的节目到此结束。\n", "x.md")
    assert (b.series, b.date, b.issue) == ("新闻联播", dt.date(2024, 3, 15), None)
    assert [a.title for a in b.articles] == ["《新闻联播》 (20240315)"]
    assert b.articles[0].paragraphs == ("今天的节目到此结束。",)


def test_xinwen_lianbo_shape():
    text = (
        "# 《新闻联播》 (20240315)\n\n## 新闻摘要\n\n1.陕西：春耕；\n\n## 详细新闻\n\n"
        "### 陕西：春耕备耕忙\n\n<p><strong>央视网消息</strong>（新闻联播）：春耕。</p>\n\n[查看原文](https://tv.cctv.com/x)\n\n"
        "### 江苏南京：文明实践\n\n<p>南京。</p>\n"
    )
    b = parse_text(text, "20240315.md")
    assert (b.series, b.date, b.year, b.issue) == ("新闻联播", dt.date(2024, 3, 15), 2024, None)
    assert [(a.section, a.place, a.city, a.title) for a in b.articles] == [
        ("详细新闻", "陕西", None, "春耕备耕忙"),
        ("详细新闻", "江苏南京", "南京市", "文明实践"),
    ]
    assert b.articles[0].paragraphs == ("央视网消息（新闻联播）：春耕。", "查看原文")
    assert "[查看原文](https://tv.cctv.com/x)" in b.articles[0].body


@pytest.mark.corpus
def test_xinwen_lianbo_corpus():
    if not CORPUS.is_dir():
        pytest.skip(f"{CORPUS} is absent")
    files = sorted(CORPUS.glob("*.md"))
    assert len(files) == 1423
    start = time.perf_counter()
    articles = warnings = 0
    rejected: list[str] = []
    for path in files:
        try:
            b = parse_file(path)
        except BulletinError as exc:
            rejected.append(str(exc))
            continue
        headings = path.read_text("utf-8").count("\n### ")
        assert len(b.articles) == headings, path.name
        assert b.date is not None and b.date.strftime("%Y%m%d") == path.stem, path.name
        assert b.series == "新闻联播" and b.year == b.date.year and b.issue is None
        assert all(a.paragraphs for a in b.articles), path.name
        articles += len(b.articles)
        warnings += len(b.warnings)
    elapsed = time.perf_counter() - start
    print(f"xinwen-lianbo: {len(files)} files, {articles} articles, {warnings} warnings, "
          f"{len(rejected)} rejected in {elapsed:.1f}s")
    assert rejected == []
    assert warnings == 0
    assert articles == 19876


def test_text_before_the_first_heading_is_kept():
    text = "# 江苏文明简报\n\n第5期\n\n2022年5月1日\n\n编者按：各地积极探索，现将经验刊发。\n\n## 玄武区：文明实践\n\n正文。\n"
    b = parse_text(text, "x.md")
    assert (b.issue, b.date) == (5, dt.date(2022, 5, 1))
    assert [(a.title, a.paragraphs) for a in b.articles] == [
        ("江苏文明简报", ("编者按：各地积极探索，现将经验刊发。",)),
        ("文明实践", ("正文。",)),
    ]


MD_WITH_HEADER_AND_FOOTER = """# 江苏精神文明建设简报

第11期

（總第58期）

江苏省文明办  2022年4月2日

## 工作交流

### 淮安市：疫情防控齐聚力 志愿服务暖人心

本轮疫情发生后，淮安市积极组织志愿者，

- 2 -

有序参与疫情防控工作。

### “领头雁”路丙辉：为党育人 为国育才

他坚持立德树人。

报：中央文明办

发：各设区市文明委

（苏简字1004号 共印400份）
"""


def test_markdown_issue_has_the_raw_text_header_and_footer():
    b = parse_text(MD_WITH_HEADER_AND_FOOTER, "x.md")
    assert (b.series, b.issue, b.issue_total, b.date, b.issuer) == ("江苏精神文明建设简报", 11, 58, dt.date(2022, 4, 2), "江苏省文明办")
    assert (b.serial, b.copies, b.recipients) == ("苏简字1004号", 400, ("报：中央文明办", "发：各设区市文明委"))
    a1, a2 = b.articles
    # The page number is dropped and the paragraph it split is whole again.
    assert a1.paragraphs == ("本轮疫情发生后，淮安市积极组织志愿者，有序参与疫情防控工作。",)
    # The footer is not part of the last article.
    assert a2.paragraphs == ("他坚持立德树人。",)
    assert "共印" not in a2.body and "报：" not in a2.body
    assert b.warnings == ()


def test_markdown_titles_keep_their_inner_spaces():
    b = parse_text(MD_WITH_HEADER_AND_FOOTER, "x.md")
    assert [a.title for a in b.articles] == ["疫情防控齐聚力 志愿服务暖人心", "“领头雁”路丙辉：为党育人 为国育才"]
    assert b.articles[1].place is None  # a person, not a place


def test_markdown_without_footer_keeps_its_last_lines():
    text = "# 《新闻联播》 (20240315)\n\n## 详细新闻\n\n### 国务院常务会议\n\n会议强调，要抓好落实。\n\n联系电话：12345\n"
    (a,) = parse_text(text, "x.md").articles
    assert a.paragraphs == ("会议强调，要抓好落实。", "联系电话：12345")


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpora/xinwen-lianbo absent")
def test_xinwen_headings_keep_spaces_and_get_no_footer():
    files = sorted(CORPUS.glob("*.md"))[:200]
    spaced = 0
    for path in files:
        b = parse_file(path)
        assert (b.serial, b.copies, b.recipients) == (None, None, ())
        spaced += sum(" " in a.title for a in b.articles)
    assert spaced > 0


def test_traditional_markdown_issue():
    b = parse_text("# 創文簡報 第九期（總第十六期） (2021-06-15)\n\n## 工作動態\n\n### 玄武區：開展志願服務活動\n\n本月以來，玄武區組織志願者開展活動。\n", "x.md")
    assert (b.series, b.issue, b.issue_total, b.date) == ("創文簡報", 9, 16, dt.date(2021, 6, 15))
    assert [(a.place, a.city, a.section, a.title) for a in b.articles] == [("玄武區", "南京市", "工作動態", "開展志願服務活動")]


def test_a_gongwen_written_in_markdown():
    text = (
        "雄安新区管理委员会文件\n\n雄安发〔2021〕5号\n\n# 关于加强城市精细化管理工作的通知\n\n各县人民政府，新区各部门：\n\n"
        "为进一步提升城市管理水平，\n现就有关事项通知如下。\n\n- 2 -\n\n一、提高认识。\n\n雄安新区管理委员会\n\n2021年3月5日\n\n（此件公开发布）\n"
    )
    b = parse_text(text, "x.md")
    assert (b.kind, b.format, b.doc_type, b.serial, b.issuer, b.date, b.annotation) == (
        "公文", "markdown", "通知", "雄安发〔2021〕5号", "雄安新区管理委员会", dt.date(2021, 3, 5), "此件公开发布")
    (a,) = b.articles
    assert a.title == "关于加强城市精细化管理工作的通知"
    assert a.paragraphs == ("各县人民政府，新区各部门：", "为进一步提升城市管理水平，现就有关事项通知如下。", "一、提高认识。")


# -- the fast path for inline HTML against HTMLParser ------------------------------


def _parsed(text: str) -> str:
    from archive import htmltext

    parser = htmltext._Text()
    parser.feed(text)
    parser.close()
    return "".join(parser.out)


_PIECES = ["<p>", "</p>", "<br>", "<br/>", "<br />", "<strong>", "</strong>", '<p style="text-indent: 2em;">',
           "<span style='color: red'>", "</span>", "<P>", "<div\nclass=x>", "&nbsp;", "&amp;", "&lt;", "&#20013;",
           "&", "<", ">", '"', "'", "<!-- c -->", "<script>x</script>", "<3", "</>", "< p>", "<a href=\"x>y\">",
           "志愿服务", " ", "\n", "2023年", "a=b"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=14))
def test_simple_html_path_gives_what_the_parser_gives(pieces):
    from archive import htmltext

    text = "".join(pieces)
    simple = htmltext._simple_html_to_text(text)
    if simple is not None:
        assert simple == _parsed(text)


def test_simple_html_path_on_real_issues():
    from archive import htmltext

    texts = [p.read_text("utf-8") for p in sorted(Path(__file__).resolve().parent.glob("fixtures/*.md"))]
    if CORPUS.is_dir():
        texts += [p.read_text("utf-8") for p in sorted(CORPUS.glob("*.md"))[::7]]
    taken = 0
    for text in texts:
        simple = htmltext._simple_html_to_text(text)
        if simple is not None:
            taken += 1
            assert simple == _parsed(text)
    assert taken >= 0.9 * len(texts)
