"""How an issue, a date and a month are written for people, and the yyyymmdd
integer the index stores dates as. One home for each: the model, the indexer,
the exports and the web page all call these."""

from __future__ import annotations

import datetime as dt

__all__ = [
    "chinese_date",
    "from_yyyymmdd",
    "issue_label",
    "issue_number_label",
    "iso_from_yyyymmdd",
    "month_label",
    "to_yyyymmdd",
    "year_label",
]


def to_yyyymmdd(date: dt.date | None) -> int | None:
    """2022-04-02 → 20220402 (the index's date column and range bounds)."""
    return date.year * 10000 + date.month * 100 + date.day if date else None


def from_yyyymmdd(value: int | None) -> dt.date | None:
    """20220402 → 2022-04-02; None for 0, None or a value that is not a date."""
    if not value:
        return None
    try:
        return dt.date(value // 10000, value // 100 % 100, value % 100)
    except ValueError:
        return None


def iso_from_yyyymmdd(value: int | None) -> str | None:
    """20220402 → "2022-04-02" (None when unknown)."""
    date = from_yyyymmdd(value)
    return date.isoformat() if date else None


def chinese_date(date: dt.date | str | None) -> str:
    """2022-04-02 (a date or its ISO text) → 2022年4月2日; "" when unknown; other text as given."""
    if not date:
        return ""
    if isinstance(date, str):
        try:
            date = dt.date.fromisoformat(date[:10])
        except ValueError:
            return date
    return f"{date.year}年{date.month}月{date.day}日"


def year_label(year: int) -> str:
    """2022 → 2022年."""
    return f"{year}年"


def month_label(month: str) -> str:
    """"2022-04" → 2022年4月 (other text as given)."""
    year, _, mon = month.partition("-")
    if not (year.isdigit() and mon.isdigit()):
        return month
    return f"{int(year)}年{int(mon)}月"


def issue_number_label(issue: int) -> str:
    """11 → 第11期."""
    return f"第{issue}期"


def issue_label(
    series: str, year: int | None, issue: int | None, date: dt.date | int | None, serial: str | None = None
) -> str:
    """`江苏精神文明建设简报 2022年第11期`, else with the date, else the series alone;
    a 公文 given its 发文字号 (`serial`) is `<series> <serial>`.

    `date` may be a date or the index's yyyymmdd integer.
    """
    if serial:
        return f"{series} {serial}"
    if isinstance(date, int):
        date = from_yyyymmdd(date)
    if year is not None and issue is not None:
        return f"{series} {year}年{issue_number_label(issue)}"
    if date is not None:
        return f"{series} {chinese_date(date)}"
    return series
