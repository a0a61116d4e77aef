"""Dates typed in a query, applied as the date filter.

A query such as ``2023年3月 交通`` means "交通 in March 2023", not the string
2023年3月. When a plain term of a query that is an AND of terms is a period —
a day (2023年3月5日, 2023-03-05), a month (2023年3月, 2023-03), a year (2023年),
a part of a month (2023年3月上旬/中旬/下旬), a quarter (2023年一季度, 2023年Q1)
or a span of months (2023年3月至5月, 2023年3月-5月) — and the rest of the query
is not empty, `apply` takes the term out and gives the period as a date range;
the search says so in a notice that carries a one-click undo (`dates=text` in
the URL searches the date as text again). Days and numbers are read by
archive.dates (find_date, cn_number). A date typed alone stays text, offered
as a filter (query.Parsed.dates).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, replace

from archive.dates import cn_number, find_date
from indexer.search import query as q
from indexer.store.analysis import normalize

_N = r"[0-9〇零一二三四五六七八九十两]{1,3}"
_Y = r"(?P<y>(?:19|20)[0-9]{2}|[〇零一二三四五六七八九]{4})"
_PERIOD = re.compile(
    rf"^{_Y}(?:年|-|/|\.)?"
    rf"(?:(?P<q>(?:第)?[一二三四1-4])季度|q(?P<qn>[1-4])|(?P<h>上|下)半年"
    rf"|(?P<m>{_N})月?(?:(?P<x>上旬|中旬|下旬)|(?:至|到|-|—|~|～)(?:(?:19|20)[0-9]{{2}}年)?(?P<m2>{_N})月"
    rf"|(?:(?P<d>{_N})[日号]?))?)?年?$"
)
_DAY = re.compile(r"^(?:19|20)[0-9]{2}[-./][0-9]{1,2}[-./][0-9]{1,2}$")
# years as a span (2019—2023年, 2019年至2023年) and from a year on (2020年以来, 2020年至今) or up to
# it (2020年以前: 以前 counts the year itself, as 以上/以下 count their number in statutes)
_YEAR = r"(?:19|20)[0-9]{2}"
_TO = r"(?:至|到|-|—|–|~|～)"
_UP_TO = ("以前", "之前")
_ON_WORDS = "以来|至今|以后|之后|" + "|".join(_UP_TO)  # (起 only alone: glued, 2020年起草 is no date)
_YEARS = re.compile(rf"^(?P<a>{_YEAR})(?P<ya>年)?{_TO}(?P<b>{_YEAR})(?P<yb>年)?$")
_SINCE = re.compile(rf"^(?P<y>{_YEAR})年?(?P<w>{_ON_WORDS}|起)$")
_SPAN = ("上旬", "中旬", "下旬")
MIN_YEAR, MAX_YEAR = 1900, 2100


@dataclass(frozen=True)
class Period:
    """A period typed in a query: its words as typed and the dates it spans (inclusive)."""

    term: str
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        if self.start == self.end:
            return f"{self.start.year}年{self.start.month}月{self.start.day}日"
        return f"{self.start.isoformat()} 至 {self.end.isoformat()}"


def _month_end(y: int, m: int) -> dt.date:
    return dt.date(y, m, calendar.monthrange(y, m)[1])


# Other wordings of the same periods: 3月份 is 3月, 2023年度 is 2023年, and a two-digit year with
# a month (23年3月) is of this century.
_WORDINGS = ((re.compile(r"月份"), "月"), (re.compile(r"年度"), "年"),
             (re.compile(r"^([0-9]{2})年(?=[0-9]{1,2}月)"), r"20\1年"))


def _reworded(t: str) -> str:
    for rx, to in _WORDINGS:
        t = rx.sub(to, t)
    return t


def period_of(text: str) -> Period | None:
    """The period `text` names, whole (see the module doc), or None."""
    t = _reworded(normalize(text.strip()).replace(" ", ""))
    span = _year_span(text, t)
    if span is not None:
        return span
    if _DAY.match(t):
        day = find_date(t)
        return Period(text, day, day) if day else None
    m = _PERIOD.match(t)
    if m is None or not any(c.isdigit() or c in "〇零一二三四五六七八九" for c in t[:4]):
        return None
    y = cn_number(m["y"])
    if y is None or not MIN_YEAR <= y <= MAX_YEAR:
        return None
    if m["d"]:
        day = find_date(t if "年" in t else f"{y}年{cn_number(m['m'])}月{cn_number(m['d'])}日")
        if day is None and m["m"] and m["d"]:
            try:
                day = dt.date(y, cn_number(m["m"]) or 0, cn_number(m["d"]) or 0)
            except ValueError:
                return None
        return Period(text, day, day) if day else None
    if m["q"] or m["qn"]:
        k = int(m["qn"]) if m["qn"] else "一二三四".index(m["q"][-1]) + 1 if m["q"][-1] in "一二三四" else int(m["q"][-1])
        return Period(text, dt.date(y, 3 * k - 2, 1), _month_end(y, 3 * k))
    if m["h"]:
        return Period(text, dt.date(y, 1, 1), dt.date(y, 6, 30)) if m["h"] == "上" else \
            Period(text, dt.date(y, 7, 1), dt.date(y, 12, 31))
    if m["m"]:
        mon = cn_number(m["m"])
        if mon is None or not 1 <= mon <= 12:
            return None
        if m["x"]:
            k = _SPAN.index(m["x"])
            start = dt.date(y, mon, 1 + 10 * k)
            end = dt.date(y, mon, 10 + 10 * k) if k < 2 else _month_end(y, mon)
            return Period(text, start, end)
        if m["m2"]:
            mon2 = cn_number(m["m2"])
            if mon2 is None or not mon <= mon2 <= 12:
                return None
            return Period(text, dt.date(y, mon, 1), _month_end(y, mon2))
        if not ("年" in t or "-" in t or "/" in t or "." in t):
            return None
        return Period(text, dt.date(y, mon, 1), _month_end(y, mon))
    if "年" not in t:
        return None  # a bare 2023 is a number
    return Period(text, dt.date(y, 1, 1), dt.date(y, 12, 31))


def _year_span(text: str, t: str) -> Period | None:
    """Years as a span, or from or up to a year (see _YEARS and _SINCE), or None. A span needs 年
    or 至/到 (2019-2023 alone may be a number), and goes forwards."""
    m = _YEARS.match(t)
    if m is not None and (m["ya"] or m["yb"] or re.search("[至到]", t)):
        a, b = int(m["a"]), int(m["b"])
        return Period(text, dt.date(a, 1, 1), dt.date(b, 12, 31)) if a < b else None
    m = _SINCE.match(t)
    if m is None:
        return None
    y = int(m["y"])
    if m["w"] in _UP_TO:
        return Period(text, dt.date(MIN_YEAR, 1, 1), dt.date(y, 12, 31))
    return Period(text, dt.date(y, 1, 1), max(dt.date.today(), dt.date(y, 12, 31)))


_LEAD = re.compile(rf"^((?:{_YEAR}年?{_TO}{_YEAR}年|{_YEAR}年?(?:{_ON_WORDS})"
                   r"|(?:19|20)[0-9]{2}年度?|[0-9]{2}年(?=[0-9]{1,2}月))"
                   r"(?:[0-9]{1,2}月份?(?:[0-9]{1,2}[日号]|上旬|中旬|下旬)?|[一二三四1-4]季度|[上下]半年)?)")


def _split(t: q.Term) -> tuple[Period, str] | None:
    """A term that is a period, or starts with one and goes on (2023年3月交通): the period and the rest."""
    p = period_of(t.text)
    if p is not None:
        return p, ""
    if q.issue_ref(t.text) is not None:
        return None  # 2022年第11期 names an issue, not a year
    m = _LEAD.match(normalize(t.text))
    if m and m.end() < len(t.text):
        p = period_of(t.text[: m.end()])
        if p is not None:
            return p, t.text[m.end():]
    return None


# A date is applied beside a topic of at most this many words (2023年3月 淮安 志愿服务); beside
# more, it is part of a sentence typed or pasted (2025年新疆外贸进出口总值突破5000亿元), and the
# filter would hide the article the sentence is from (written in another year). The topics of
# bench/querysets.py's date kinds are 1–2 words; its sentences (sentence_typo, long_paste) 7 or more.
DATE_TOPIC_WORDS = 6


def _sentence(others: list[q.Node]) -> bool:
    """Whether the terms left beside a date hold more than DATE_TOPIC_WORDS words."""
    from indexer.search.stages import query_words  # (stages reads periods from here)

    n = 0
    for o in others:
        for t in ([o] if isinstance(o, q.Term) else []):
            n += len(query_words(t.text))
    return n > DATE_TOPIC_WORDS


def apply(parsed: q.Parsed) -> tuple[q.Parsed, Period | None]:
    """The parsed query without its first period term, and that period — when the query is
    an AND of terms (or one term) and something else is left to search; else (parsed, None)."""
    tree = parsed.tree
    parts = list(tree.children) if isinstance(tree, q.And) else \
        [tree] if tree is not None and (isinstance(tree, q.Term) or q.is_number_or(tree)) else []
    for i, p in enumerate(parts):
        if q.is_number_or(p):
            p = p.children[0]  # type: ignore[union-attr]  # 二〇二三年九月 OR 2023年9月: the date as typed
        if not isinstance(p, q.Term) or p.field is not None or p.phrase:
            continue
        got = _split(p)
        if got is None:
            continue
        period, rest = got
        others = parts[:i] + ([q.Term(rest)] if rest else []) + parts[i + 1:]
        if not any(not isinstance(o, q.Not) for o in others):
            return parsed, None  # nothing left to search: the date stays text (offered as a filter)
        if _sentence(others):
            return parsed, None  # a date inside a pasted sentence (2009年，宣纸制作技艺被…): its words
        new: q.Node = others[0] if len(others) == 1 else q.And(tuple(others))
        dates = tuple(d for d in parsed.dates if d[2] != p.text)
        return replace(parsed, tree=new, dates=dates), period
    return parsed, None


def notice(period: Period) -> str:
    """What the search says when it applied a typed date."""
    return f"已按日期筛选：{period.term}（{period.label}），其余的词按文字检索；要把日期当作文字检索，请点“撤销日期筛选”"
