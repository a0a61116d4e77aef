"""archive.citation: GB/T 7714-2015 references, on the seed issue and parsed issues with 总第 numbers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from archive.citation import citation, doc_type_code
from archive.parse import parse_file, parse_text

SEED = Path(__file__).resolve().parent.parent / "corpus" / "江苏精神文明建设简报-2022-第11期.txt"


def _cite(path_or_text: object, order: int = 1, **kw: object) -> str:
    b = parse_file(path_or_text) if isinstance(path_or_text, Path) else parse_text(str(path_or_text), "x.txt")
    d = b.to_dict()
    return citation(d, d["articles"][order - 1], **kw)


def test_seed_first_article_is_the_example() -> None:
    assert _cite(SEED) == "江苏省文明办. 淮安市：疫情防控齐聚力 志愿服务暖人心[N]. 江苏精神文明建设简报, 2022-04-02(11)."


def test_seed_second_article_and_online_form() -> None:
    url = "http://127.0.0.1:8000/bulletin/abc#a2"
    text = _cite(SEED, 2, url=url, accessed=dt.date(2026, 12, 1))
    assert text == (
        "江苏省文明办. 连云港市：统筹文明实践资源 筑牢疫情防控防线[N/OL]. "
        "江苏精神文明建设简报, 2022-04-02(11)[2026-12-01]. " + url + "."
    )


ISSUE_WITH_TOTAL = """《学习〈条例〉简报》

2023年第3期（总第58期）

南京市文明办

2023年5月6日

玄武区：学习《江苏省文明行为促进条例》推动文明实践

玄武区组织社区干部学习《江苏省文明行为促进条例》，开展文明实践活动二十场。

报：省文明办
"""


def test_issue_with_total_number_uses_the_issue_of_the_year_and_nests_no_marks() -> None:
    b = parse_text(ISSUE_WITH_TOTAL, "学习-2023-3.txt")
    assert (b.issue, b.issue_total, b.year) == (3, 58, 2023)
    text = _cite(ISSUE_WITH_TOTAL)
    assert "(3)" in text and "58" not in text
    assert text.endswith(", 2023-05-06(3).")
    assert "《《" not in text and "》》" not in text
    assert "学习《江苏省文明行为促进条例》推动文明实践[N]." in text


def test_document_type_codes() -> None:
    assert doc_type_code("简报") == "N"
    assert doc_type_code("公文") == "A"


def test_a_gongwen_is_cited_as_an_archival_record_with_its_serial() -> None:
    b = {"kind": "公文", "issuer": "江苏省文明办", "date": "2022-04-02", "serial": "苏文明办〔2022〕11号",
         "series": "江苏省文明办文件", "issue": None}
    a = {"place": None, "title": "关于开展文明城市创建活动的通知"}
    assert citation(b, a) == "江苏省文明办. 关于开展文明城市创建活动的通知: 苏文明办〔2022〕11号[A]. 2022-04-02."


def test_missing_issuer_and_date_leave_no_stray_punctuation() -> None:
    assert citation({"series": "新闻联播", "issue": None, "date": None}, {"title": "标题"}) == "标题[N]. 新闻联播."

