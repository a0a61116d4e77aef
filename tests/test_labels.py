"""archive.labels: one home for issue, date and month labels and the yyyymmdd encoding."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from archive.labels import chinese_date, from_yyyymmdd, issue_label, iso_from_yyyymmdd, month_label, to_yyyymmdd
from archive.parse import parse_file

SEED = Path(__file__).resolve().parent.parent / "corpus" / "江苏精神文明建设简报-2022-第11期.txt"


def test_yyyymmdd_round_trip_and_bad_values() -> None:
    assert to_yyyymmdd(dt.date(2022, 4, 2)) == 20220402 and to_yyyymmdd(None) is None
    assert from_yyyymmdd(20220402) == dt.date(2022, 4, 2)
    assert from_yyyymmdd(0) is None and from_yyyymmdd(20221345) is None
    assert iso_from_yyyymmdd(20220402) == "2022-04-02" and iso_from_yyyymmdd(None) is None


def test_labels_from_the_model_and_from_index_values_agree() -> None:
    seed = parse_file(SEED)
    assert seed.label == "江苏精神文明建设简报 2022年第11期"
    assert issue_label(seed.series, seed.year, seed.issue, to_yyyymmdd(seed.date)) == seed.label
    assert issue_label("新闻联播", None, None, 20240315) == issue_label("新闻联播", None, None, dt.date(2024, 3, 15)) == "新闻联播 2024年3月15日"
    assert issue_label("新闻联播", None, None, None) == "新闻联播"


def test_date_and_month_labels() -> None:
    assert chinese_date("2022-04-02") == chinese_date(dt.date(2022, 4, 2)) == "2022年4月2日"
    assert chinese_date(None) == "" and chinese_date("not a date") == "not a date"
    assert month_label("2022-04") == "2022年4月" and month_label("x") == "x"
