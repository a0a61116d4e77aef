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
