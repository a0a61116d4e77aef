"""archive.dates: dates and issue lines as bulletins write them."""

from __future__ import annotations

import datetime as dt

import pytest

from archive.dates import IssueNumber, cn_number, find_date, parse_issue


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2022年4月2日", dt.date(2022, 4, 2)),
        ("二〇二二年四月十五日", dt.date(2022, 4, 15)),
        ("二零二三年十二月三十一日", dt.date(2023, 12, 31)),
        ("2022-04-02", dt.date(2022, 4, 2)),
        ("2022.4.2", dt.date(2022, 4, 2)),
        ("# 《新闻联播》 (20240315)", dt.date(2024, 3, 15)),
        ("印发 2022 年 4 月 2 日", dt.date(2022, 4, 2)),
        ("2022年2月30日", None),
        ("第11期", None),
        ("", None),
    ],
)
def test_find_date(text, date):
    assert find_date(text) == date


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("第11期", IssueNumber(11, None, None)),
        ("第十一期", IssueNumber(11, None, None)),
        ("2023年第3期（总第58期）", IssueNumber(3, 58, 2023)),
        ("2023年第3期 (总第58期)", IssueNumber(3, 58, 2023)),
        ("二〇二三年第三期", IssueNumber(3, None, 2023)),
        ("总第58期", IssueNumber(None, 58, None)),
        ("江苏精神文明建设简报", None),
        ("第期", None),
    ],
)
def test_parse_issue(line, expected):
    assert parse_issue(line) == expected


@pytest.mark.parametrize(("text", "n"), [("11", 11), ("十一", 11), ("二百", 200), ("１１", 11), ("x", None), ("", None)])
def test_cn_number(text, n):
    assert cn_number(text) == n


@pytest.mark.parametrize(
    ("text", "date"),
    [
        # a closing date with the letter O for 〇, as a 2006 临沧 notice prints it (tests/realdocs)
        ("二OO六年二月二十日", dt.date(2006, 2, 20)),
        # the digit 0 for 〇, as a 2001 河北 government order prints it (tests/realdocs)
        ("二00一年二月十四日", dt.date(2001, 2, 14)),
        ("二零零三年三月一日", dt.date(2003, 3, 1)),
        ("二○○九年七月十六日", dt.date(2009, 7, 16)),
        ("ＯＯ六年二月二十日", None),  # no leading 一/二: not a year
    ],
)
def test_find_date_reads_look_alike_zeros_in_a_chinese_year(text, date):
    assert find_date(text) == date


def test_a_date_line_with_look_alike_zeros_is_a_date_line_for_the_layout():
    from archive.features import line_feature
    from archive.layout import Line

    f = line_feature(Line("二OO六年二月二十日", "二OO六年二月二十日", 1), 30, None)
    assert f.date_only and f.has_date
