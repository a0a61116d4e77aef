"""The fixed list of benchmark queries: the same for the project, its HTTP API and the naive design."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from bench.generate import RARE_NAME


@dataclass(frozen=True)
class BenchQuery:
    name: str
    q: str
    city: tuple[str, ...] = ()
    year: tuple[int, ...] = ()
    month: tuple[str, ...] = ()  # "2021-03"
    series: str | None = None
    issue: int | None = None  # issue number within its year
    date_from: str | None = None  # ISO date
    date_to: str | None = None
    sort: str | None = None  # None: the project's default (relevance)
    page: int = 1
    tags: tuple[str, ...] = field(default=())

    def url_params(self) -> list[tuple[str, str]]:
        """Query-string parameters for `GET /api/search`."""
        p: list[tuple[str, str]] = [("q", self.q)]
        p += [("city", c) for c in self.city]
        p += [("year", str(y)) for y in self.year]
        p += [("month", m) for m in self.month]
        if self.series:
            p.append(("series", self.series))
        if self.issue is not None:
            p.append(("issue", str(self.issue)))
        if self.date_from:
            p.append(("from", self.date_from))
        if self.date_to:
            p.append(("to", self.date_to))
        if self.sort:
            p.append(("sort", self.sort))
        if self.page != 1:
            p.append(("page", str(self.page)))
        return p

    def filters_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for `indexer.search.engine.Filters`."""
        return {
            "city": self.city, "year": self.year, "month": self.month, "series": (self.series,) if self.series else (),
            "issue": self.issue,
            "date_from": dt.date.fromisoformat(self.date_from) if self.date_from else None,
            "date_to": dt.date.fromisoformat(self.date_to) if self.date_to else None,
        }


Q = BenchQuery
QUERIES: tuple[BenchQuery, ...] = (
    # common words
    Q("common 志愿服务", "志愿服务"),
    Q("common 文明", "文明"),
    Q("common 志愿者", "志愿者"),
    Q("common 新时代文明实践", "新时代文明实践"),
    Q("common 疫情防控", "疫情防控"),
    Q("word 乡村振兴", "乡村振兴"),
    Q("word 道德模范", "道德模范"),
    Q("word 垃圾分类", "垃圾分类"),
    Q("rare 心理疏导", "心理疏导"),
    Q("rare 铁脚板", "铁脚板"),
    # single characters and parts of words
    Q("char 淮", "淮"),
    Q("char 苏", "苏"),
    Q("part 安市", "安市"),
    Q("part 清江浦", "清江浦"),
    Q("part 文明实", "文明实"),
    # people
    Q("rare name", RARE_NAME),
    Q("name surname 笪", "笪"),
    # phrases and boolean
    Q("phrase 志愿服务 活动", '"志愿服务 活动"'),
    Q("phrase 文明城市创建", '"文明城市创建"'),
    Q("two words", "志愿 防疫"),
    Q("AND", "志愿 AND 防疫"),
    Q("NOT", "志愿 NOT 疫情"),
    Q("OR", "核酸检测 OR 垃圾分类"),
    # queries as people type them (issue 24: indexer/search/stages.py, indexer/search/dateq.py)
    Q("unspaced 淮安志愿服务", "淮安志愿服务", tags=("staged",)),
    Q("question 关于…的情况", "关于淮安市志愿服务的情况", tags=("staged",)),
    Q("any of the words", "垃圾分类文明劝导网格员铁脚板", tags=("staged",)),
    Q("date + topic", "2021年3月 志愿服务", tags=("staged",)),
    Q("issue named", "第十一期", tags=("staged",)),
    # filters
    Q("city filter", "志愿服务", city=("淮安市",)),
    Q("city+year filter", "志愿服务", city=("淮安市",), year=(2022,)),
    Q("two cities", "文明", city=("南京市", "苏州市")),
    Q("month filter", "文明", month=("2021-03",)),
    Q("issue filter", "文明", series="江苏精神文明建设简报", year=(2022,), issue=11),
    Q("date range", "志愿服务", date_from="2020-01-01", date_to="2020-12-31"),
    Q("open date range", "疫情防控", date_from="2023-01-01"),
    # sort and pages
    Q("sort date", "志愿服务", sort="date"),
    Q("page 10", "志愿服务", page=10),
    Q("page 10 char", "文明", page=10),
    # browsing without a query
    Q("browse city", "", city=("淮安市",)),
    Q("browse year", "", year=(2015,)),
    Q("browse all", ""),
)

QUICK_QUERIES: tuple[BenchQuery, ...] = tuple(
    q for q in QUERIES if q.name in {"common 志愿服务", "char 淮", "phrase 志愿服务 活动", "AND", "city filter",
                                     "date range", "page 10", "browse city", "rare name"}
)
