"""简报 in layouts the parser's first tests did not use (issue 19, items 2 and failure kinds 8, 10, 11).

Each shape was found by bench/jianbao_gen.py's layout families and is written
here as an office writes it: the text, and for the families, the .docx and PDF
the generator renders (python-docx; a PDF whose lines are placed one by one).
Every test fails on the code before the fix it names.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from archive.parse import parse_file, parse_text
from bench import jianbao_gen

# A title over two lines standing together between blank lines (the issue's paragraphs are spaced):
# before, both lines were read as body text and the two articles were merged into the 编者按.
SPACED_TWO_LINE = """政务公开工作动态
2016年第16期
某某市文明办编印  2016-05-15

编者按：现将有关单位的经验做法予以刊发，供各地各部门学习借鉴。

某某乡助力企业纾困解难
受到上级充分肯定

下一步，将继续完善长效机制，加强督促检查，及时总结推广经验，确保各项任务落地见效。

某某镇优化政务服务流程
各项指标稳中有进

截至目前，已累计投入资金1200余万元，惠及群众5000余户，相关做法得到广泛认可。

报：市文明委各成员单位

发：各村（社区）

共印200份
"""

# A row of asterisks under the 报头 and above the 报尾; 主办：… and the date on one line;
# 第9期 总第250期 set apart by one space (as a PDF's text has it).
STARS_HOST = """安全生产简报
第9期 总第250期
主办：某某县安全生产委员会办公室  2018年5月3日

＊＊＊＊＊＊＊＊＊＊＊＊＊＊＊＊＊＊＊＊

某某乡开展安全生产专项整治

今年以来，该乡坚持问题导向，细化工作措施，压实工作责任，各项工作取得积极进展。

如何让群众少跑腿？

活动期间，共组织专题培训6场次，开展实地督导23次，发现并整改问题41个。

＊＊＊＊＊＊＊＊＊＊＊＊＊＊＊＊＊＊＊＊

报：县委、县政府主要领导

抄送：县直有关部门

（共印80份）
"""


def test_title_over_two_lines_between_blank_lines():
    """Failure kind 8 in a spaced text: two articles, each title whole; a recipient's own bracket kept."""
    b = parse_text(SPACED_TWO_LINE, "spaced.txt")
    titles = [a.title for a in b.articles if a.title != "编者按"]
    assert titles == ["某某乡助力企业纾困解难受到上级充分肯定", "某某镇优化政务服务流程各项指标稳中有进"]
    assert b.articles[-1].text.startswith("截至目前")
    assert list(b.recipients) == ["报：市文明委各成员单位", "发：各村（社区）"]
    assert b.copies == 200


def test_recurring_second_title_line_is_not_a_table_of_contents(tmp_path: Path):
    """Two titles sharing their second line (各项指标稳中有进): before, the first was taken for a 目录
    entry of the second and dropped from the title."""
    text = SPACED_TWO_LINE.replace("受到上级充分肯定", "各项指标稳中有进")
    b = parse_text(text, "recurring.txt")
    titles = [a.title for a in b.articles if a.title != "编者按"]
    assert titles == ["某某乡助力企业纾困解难各项指标稳中有进", "某某镇优化政务服务流程各项指标稳中有进"]


def test_asterisk_rule_host_line_and_total_after_one_space():
    """Failure kind 11's typed rule as ＊＊＊＊: not an article; 主办：X with its date; 总第N期 after one space."""
    b = parse_text(STARS_HOST, "stars.txt")
    assert (b.series, b.issue, b.issue_total) == ("安全生产简报", 9, 250)
    assert (b.issuer, b.date) == ("某某县安全生产委员会办公室", dt.date(2018, 5, 3))
    assert [a.title for a in b.articles] == ["某某乡开展安全生产专项整治", "如何让群众少跑腿？"]
    assert list(b.recipients) == ["报：县委、县政府主要领导", "抄送：县直有关部门"]
    assert b.copies == 80


@pytest.mark.parametrize("fmt", ["text", "docx", "pdf"])
@pytest.mark.parametrize("family", jianbao_gen.DEV)
def test_generated_dev_family_reads_right(family: str, fmt: str, tmp_path: Path):
    """One issue of every development family, in each format, reads with every field right."""
    index = [f.name for f in jianbao_gen.FAMILIES].index(family)
    s = jianbao_gen.sample(jianbao_gen.FAMILIES[index], jianbao_gen.SEED_BASE + 1000 * index + 5)
    mine = jianbao_gen.got(jianbao_gen.render(s, fmt, tmp_path))
    wrong = {f: (s.truth[f], mine[f]) for f, ok in jianbao_gen.score(s.truth, mine).items() if not ok}
    assert wrong == {}


def test_generated_pdf_is_read_as_a_pdf(tmp_path: Path):
    """The generator's PDF is a real PDF the reader takes apart line by line (not a text file)."""
    s = jianbao_gen.sample(jianbao_gen.FAMILIES[0], jianbao_gen.SEED_BASE)
    b = parse_file(jianbao_gen.render(s, "pdf", tmp_path))
    assert b.format == "pdf" and b.series == s.truth["series"]


STAR_SECTIONS = """城乡建设工作简报
2024年第7期
某某县住房和城乡建设局编印  2024年7月8日

★工作动态

某某镇扎实推进老旧小区改造

今年以来，该镇坚持问题导向，细化工作措施，各项工作取得积极进展。

（某某镇供稿）

■ 基层经验

某某街道推进垃圾分类工作

截至目前，已累计投入资金1200余万元，惠及群众5000余户。

（某某街道供稿）
"""


def test_star_marked_section_heading_is_a_section_not_an_article():
    """A 栏目 marked ★工作动态 / ■ 基层经验: before, each became an article of its own, with no text."""
    b = parse_text(STAR_SECTIONS, "star.txt")
    assert [(a.section, a.title) for a in b.articles] == [
        ("工作动态", "某某镇扎实推进老旧小区改造"),
        ("基层经验", "某某街道推进垃圾分类工作"),
    ]
    assert b.articles[0].text.endswith("（某某镇供稿）")


MARKDOWN_BOLD_TITLES = """# 乡村振兴工作简报

第5期

某某县乡村振兴局编印  2024年3月15日

---

**某某镇多措并举推进农村人居环境整治**

今年以来，某某镇以农村人居环境整治为抓手，累计清理垃圾2000余吨，改造农村户厕500余座。

**如何让群众少跑腿？**

县政务服务中心推行“一窗受理”，办事时间平均缩短一半。

---

报：县委、县政府主要领导

送：县直有关部门

共印120份
"""


def test_markdown_jianbao_with_bold_titles_goes_through_the_grammar():
    """A Word 简报 saved as Markdown (titles bold, no `##`): before, one article holding everything."""
    b = parse_text(MARKDOWN_BOLD_TITLES, "jianbao.md")
    assert b.format == "markdown"
    assert (b.series, b.issue, b.issuer, b.date) == ("乡村振兴工作简报", 5, "某某县乡村振兴局", dt.date(2024, 3, 15))
    assert [a.title for a in b.articles] == ["某某镇多措并举推进农村人居环境整治", "如何让群众少跑腿？"]
    assert list(b.recipients) == ["报：县委、县政府主要领导", "送：县直有关部门"] and b.copies == 120


def test_generated_markdown_issue_reads_right(tmp_path: Path):
    """The generator's Markdown rendering of a two-line-title family reads with every field right."""
    index = [f.name for f in jianbao_gen.FAMILIES].index("twoline-question")
    s = jianbao_gen.sample(jianbao_gen.FAMILIES[index], jianbao_gen.SEED_BASE + 1000 * index + 5)
    mine = jianbao_gen.got(jianbao_gen.render(s, "markdown", tmp_path))
    assert {f for f, ok in jianbao_gen.score(s.truth, mine).items() if not ok} == set()


TOC_TWO_LINE = """營商環境快報
第3期  總第45期
某某縣發展和改革局編  2023-04-06

本期目錄

縣人社局優化政務服務流程各項指標穩中有進

某某鄉創新基層治理模式

縣人社局優化政務服務流程
各項指標穩中有進

今年以來，該局堅持問題導向，細化工作措施，各項工作取得積極進展。

某某鄉創新基層治理模式

截至目前，已累計投入資金1200余萬元，惠及群眾5000余戶。
"""


def test_table_of_contents_lists_a_two_line_title_on_one_line():
    """A 目录 entry is the two lines of a title joined: before, it stayed in the body as an article."""
    b = parse_text(TOC_TWO_LINE, "toc.txt")
    assert [a.title for a in b.articles] == ["縣人社局優化政務服務流程各項指標穩中有進", "某某鄉創新基層治理模式"]
    assert b.issue_total == 45


def test_a_table_of_contents_of_one_entry_under_its_section_line():
    """An issue of one article whose 目录 lists it under 【工作交流】 (the leak test's public issue):
    with the rule for a title's recurring line, the entry became an empty article of its own."""
    text = "\n\n".join(["工作资料 注意保存", "公开测试简报", "第1期", "测试办公室", "2023年5月8日", "【工作交流】",
                        "南京市:公开文章 社区议事会", "南京市:公开文章 社区议事会",
                        "南京市社区议事会每月召开一次,居民踊跃参加。", "议事会讨论停车和绿化。",
                        "报:省文明办", "发:各设区市文明办", "(测字1号 共印100份)"]) + "\n"
    b = parse_text(text, "one.txt")
    assert [(a.title, a.text[:12]) for a in b.articles] == [("公开文章 社区议事会", "南京市社区议事会每月召开")]
