"""Dates and issue numbers as bulletins write them: 2022年4月2日, 二〇二二年四月十五日,
2022-04-02, 第十一期, 2023年第3期（总第58期）. Chinese numerals go through cn2an."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

__all__ = ["DATE_TEXT", "ISSUE_SPAN", "IssueNumber", "cn_number", "date_line", "find_date", "issue_number", "parse_issue", "squeezed_date", "year_number"]

_CN_DIGITS = "〇零○Ｏ一二三四五六七八九十百千两"
_NUM = rf"[0-9０-９{_CN_DIGITS}]+"
# A year in Chinese numerals whose 〇 is typed with a look-alike: the letter O (二OO六) or the
# digit 0 (二00一) among the Chinese digits.
_ZERO_LIKE = "0０OoＯ○〇零"
_YEAR = rf"(?:[0-9０-９]{{4}}|[{_CN_DIGITS}]{{4}}|[一二][{_ZERO_LIKE}一二三四五六七八九]{{3}})"
_DAY = rf"[0-9０-９{_CN_DIGITS}]{{1,3}}"
# A date as a line writes it, for the layout features' patterns (one home for how a date is written).
DATE_TEXT = rf"{_YEAR}\s*年\s*{_DAY}\s*月\s*{_DAY}\s*[日号]"

_DATE_PATTERNS = (
    re.compile(rf"(?P<y>{_YEAR})\s*年\s*(?P<m>{_NUM})\s*月\s*(?P<d>{_NUM})\s*[日号]"),
    re.compile(r"(?<![0-9])(?P<y>(?:19|20)[0-9]{2})[-./](?P<m>[0-9]{1,2})[-./](?P<d>[0-9]{1,2})(?![0-9])"),
    re.compile(r"(?<![0-9])(?P<y>(?:19|20)[0-9]{2})(?P<m>[01][0-9])(?P<d>[0-3][0-9])(?![0-9])"),
)
# 第N期, or the Latin spelling some offices print (2024年 No.12, NO.3, №5).
_ISSUE = re.compile(
    rf"(?:(?P<y>{_YEAR})\s*年\s*)?(?:(?<!总)第\s*(?P<n>{_NUM})\s*期|(?<![A-Za-z])(?:No|NO|no|№)\s*[.．:：]?\s*(?P<l>[0-9０-９]{{1,4}})(?![0-9０-９]))"
    rf"(?:\s*[（(]\s*总\s*第?\s*(?P<t>{_NUM})\s*期\s*[）)])?"
)
_TOTAL = re.compile(rf"总\s*第\s*(?P<t>{_NUM})\s*期")
# Where an issue line's number stands in a line: 2023年第3期（总第58期）, 第九期, 2024年 No.12, （总第58期）.
ISSUE_SPAN = re.compile(rf"{_ISSUE.pattern}|[（(]?\s*总\s*第?\s*{_NUM}\s*期\s*[）)]?")


_CN_VALUE = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0}
_D = "一二三四五六七八九"
_CN_TENS = re.compile(f"([{_D}])?十([{_D}])?")
_CN_HUNDREDS = re.compile(f"([{_D}两])百(?:零([{_D}])|([{_D}])十([{_D}])?)?")


def plain_cn_number(text: str) -> int | None:
    """The common numerals read without cn2an (whose import compiles for ~0.3 s): digit by
    digit (二〇二二), and 1–999 in the usual forms (十一, 二十三, 一百零五, 三百二十);
    None for anything else (left to cn2an: 万, 一百五 …)."""
    if all(c in _CN_VALUE for c in text):
        return int("".join(str(_CN_VALUE[c]) for c in text))
    m = _CN_TENS.fullmatch(text)
    if m:
        return 10 * (_D.index(m[1]) + 1 if m[1] else 1) + (_D.index(m[2]) + 1 if m[2] else 0)
    m = _CN_HUNDREDS.fullmatch(text)
    if m:
        n = 100 * (2 if m[1] == "两" else _D.index(m[1]) + 1)
        if m[2]:
            n += _D.index(m[2]) + 1
        elif m[3]:
            n += 10 * (_D.index(m[3]) + 1) + (_D.index(m[4]) + 1 if m[4] else 0)
        return n
    return None


def cn_number(text: str) -> int | None:
    """11, "十一", "二〇二二" or full-width "１１" as an int; None if not a number."""
    text = text.strip().translate(str.maketrans("０１２３４５６７８９○Ｏ", "0123456789〇〇"))
    if not text:
        return None
    if text.isascii():
        return int(text) if text.isdigit() else None
    plain = plain_cn_number(text)
    if plain is not None:
        return plain
    import cn2an  # here, not at the top: its import takes ~0.3 s, paid only when a numeral needs it

    try:
        value = cn2an.cn2an(text, "smart")
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    if isinstance(value, float) and not value.is_integer():
        return None
    return int(value)


def cn_numeral(n: int) -> str:
    """`n` in the usual Chinese form (十五, 一百零五, 三千二百, 十五万), by cn2an."""
    import cn2an  # here, not at the top: its import takes ~0.3 s

    return str(cn2an.an2cn(n))


def cn_digits(n: int | str) -> str:
    """`n` written digit by digit, as years are (2023 → 二〇二三)."""
    return "".join("〇一二三四五六七八九"[int(c)] for c in str(n))
_YEAR_DIGITS = str.maketrans({**{c: "〇" for c in _ZERO_LIKE}, **{str(i): "〇一二三四五六七八九"[i] for i in range(10)},
                             **{chr(0xFF10 + i): "〇一二三四五六七八九"[i] for i in range(10)}})


def year_number(text: str) -> int | None:
    """A year as written: 2001, 二〇〇一, and 二OO六 / 二00一 with a look-alike for 〇."""
    if not text.isascii() and any(c in "一二三四五六七八九" for c in text):
        text = text.translate(_YEAR_DIGITS)
    return cn_number(text)


def _make_date(y: str, m: str, d: str) -> dt.date | None:
    year, month, day = year_number(y), cn_number(m), cn_number(d)
    if year is None or month is None or day is None:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def find_date(text: str) -> dt.date | None:
    """The first valid date written in `text`, or None."""
    best: tuple[int, dt.date] | None = None
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            date = _make_date(m["y"], m["m"], m["d"])
            if date is not None:
                if best is None or m.start() < best[0]:
                    best = (m.start(), date)
                break
    return best[1] if best else None


# A date line a page's copy lost its 年/月/日 from: the digits run together (2020226, 20171116) or set apart
# by spaces ({ 2017 6 23), with at most a stray bracket or two around them.
_SQUEEZED = re.compile(r"^[^\w\u4e00-\u9fff]{0,2}\s*(?P<y>(?:19|20)[0-9]{2})\s*(?P<md>[0-9]{2,4}|[0-9]{1,2}\s+[0-9]{1,2})\s*[^\w\u4e00-\u9fff]{0,2}$")
SQUEEZED_YEARS = (1949, 2099)  # the years a squeezed date line may name


def squeezed_date(text: str) -> dt.date | None:
    """The date of a line that is nothing but a date whose 年/月/日 were lost: `2020226` (one reading
    only: 2020-02-26, as 22 is no month), `20171116`, `2017 6 23`; None when the digits allow no
    valid date or more than one (2020111: 1-11 or 11-1)."""
    m = _SQUEEZED.match(text.strip())
    if m is None:
        return None
    year = int(m["y"])
    if not SQUEEZED_YEARS[0] <= year <= SQUEEZED_YEARS[1]:
        return None
    md = m["md"]
    if " " in md:
        splits = [tuple(md.split())]
    else:
        splits = [(md[:k], md[k:]) for k in (1, 2) if 1 <= len(md) - k <= 2]
    found = set()
    for mo, d in splits:
        if mo.startswith("0") and len(mo) == 1 or d.startswith("0") and len(d) == 1:
            continue
        try:
            found.add(dt.date(year, int(mo), int(d)))
        except ValueError:
            continue
    return found.pop() if len(found) == 1 else None


def date_line(text: str) -> dt.date | None:
    """The date a 成文日期 line gives: one written out (2022年4月2日, 二〇二二年…, 2022-04-02), or one whose
    separators a copy lost (`squeezed_date`)."""
    return find_date(text) or squeezed_date(text)


@dataclass(frozen=True)
class IssueNumber:
    """What an issue line says: 2023年第3期（总第58期） → year 2023, issue 3, total 58."""

    issue: int | None
    total: int | None
    year: int | None


def parse_issue(line: str) -> IssueNumber | None:
    """Read an issue line (第11期, 第十一期, 2023年第3期（总第58期）); None if it is not one."""
    m = _ISSUE.search(line)
    if m is None:
        t = _TOTAL.search(line)
        if t is None:
            return None
        return IssueNumber(None, cn_number(t["t"]), None)
    issue = cn_number(m["n"] or m["l"])
    if issue is None:
        return None
    total = cn_number(m["t"]) if m["t"] else None
    if total is None:
        t = _TOTAL.search(line, m.end())
        total = cn_number(t["t"]) if t else None
    year = year_number(m["y"]) if m["y"] else None
    if year is not None and not 1900 <= year <= 2100:
        year = None
    return IssueNumber(issue, total, year)


_LONE_ISSUE = re.compile(rf"^\s*(?:第\s*(?P<a>{_NUM})\s*期|(?P<b>[0-9０-９]+))\s*$")


def issue_number(text: str) -> int | None:
    """The number a person types for an issue: 11, "第11期", "第十一期" → 11; None otherwise
    (the one parser of a lone issue number: query syntax, URL parameters and the CLI)."""
    m = _LONE_ISSUE.match(text)
    if m is None:
        return None
    n = cn_number(m["a"] or m["b"])
    return n if n is not None and 0 < n < 100_000 else None
