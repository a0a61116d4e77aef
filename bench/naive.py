"""The naive design, as a baseline: what one gets by following the Whoosh + jieba README.

* `jieba.analyse.ChineseAnalyzer` on one `content` field (heading + text, stored);
* ID fields for city/year/month/issue/series/date;
* ONE default `ix.writer()`, `add_document` per article, one commit;
* queries through `QueryParser`, `search_page(..., groupedby=[facets])` and
  `hit.highlights()` for every hit of the page.

It parses the corpus itself with a minimal regex parser (generated .txt issues
and 《新闻联播》 .md issues), independent of `archive/`.

    python -m bench.naive build CORPUS_DIR INDEX_DIR   # prints stats as JSON
"""

from __future__ import annotations

import json
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Sequence

from bench.generate import CITIES
from bench.queries import BenchQuery

if TYPE_CHECKING:
    from whoosh.fields import Schema
    from whoosh.index import Index
    from whoosh.query import Query

_DISTRICT_CITY = {d: c for c, ds in CITIES.items() for d in ds}
_HEADING = re.compile(r"^(?P<place>[\u4e00-\u9fff]{1,10}?(?:市|区|县))\s*[:：]\s*(?P<title>\S.{1,60})$")
_SECTION = re.compile(r"^【.+】$")
_PAGE = re.compile(r"^-\s*\d+\s*-$")
_FOOTER = re.compile(r"^(?:报|发|抄送)\s*[:：]")
_ISSUE = re.compile(r"^(?:(\d{4})年)?第(\d+)期")
_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
_CN_DATE = re.compile(r"^([〇一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日$")
_MD_DATE = re.compile(r"\((\d{4})(\d{2})(\d{2})\)")
_MD_PLACE = re.compile(r"^([\u4e00-\u9fff]{2,6})[:：]")
_TAG = re.compile(r"<[^>]+>")
_CN = {c: i for i, c in enumerate("〇一二三四五六七八九")}


def _cn_num(s: str) -> int:
    if len(s) == 4:  # a year, digit by digit
        return int("".join(str(_CN[c]) for c in s))
    if "十" not in s:
        return _CN[s]
    tens, _, ones = s.partition("十")
    return (_CN[tens] if tens else 1) * 10 + (_CN[ones] if ones else 0)


@dataclass(frozen=True)
class NaiveArticle:
    id: str
    series: str
    year: int | None
    month: int | None
    day: int | None
    issue: int | None
    place: str | None
    city: str | None
    heading: str
    text: str


def _city(place: str | None) -> str | None:
    if not place:
        return None
    for c in CITIES:
        if place.startswith(c):
            return c
    return _DISTRICT_CITY.get(place)


def parse_txt(path: Path) -> list[NaiveArticle]:
    """Articles of one raw-text issue: header lines, TOC, `<place>:<title>` headings, footer."""
    lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines()]
    lines = [ln for ln in lines if ln and not _PAGE.match(ln)]
    series = lines[1] if len(lines) > 1 else path.stem
    year = month = day = issue = None
    for ln in lines[:6]:
        if m := _ISSUE.match(ln):
            issue = int(m.group(2))
            year = int(m.group(1)) if m.group(1) else year
        elif m := _DATE.match(ln):
            year, month, day = (int(g) for g in m.groups())
        elif m := _CN_DATE.match(ln):
            year, month, day = (_cn_num(g) for g in m.groups())
    arts: list[NaiveArticle] = []
    current: tuple[str, str] | None = None
    body: list[str] = []

    def flush() -> None:
        if current:
            place, heading = current
            n = len(arts) + 1
            arts.append(NaiveArticle(f"{path.stem}-{n}", series, year, month, day, issue, place, _city(place),
                                     heading, "\n".join(body)))

    for i, ln in enumerate(lines):
        if _FOOTER.match(ln):
            break
        h = _HEADING.match(ln)
        if h:
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            if _HEADING.match(nxt) or _SECTION.match(nxt):
                continue  # a table-of-contents entry
            flush()
            current, body = (h.group("place"), ln), []
        elif current and not _SECTION.match(ln):
            body.append(ln)
    flush()
    return arts


def parse_md(path: Path) -> list[NaiveArticle]:
    """Articles of one 《新闻联播》 Markdown issue: `### heading` then HTML-ish body."""
    text = path.read_text(encoding="utf-8")
    year = month = day = None
    if m := _MD_DATE.search(text[:200]):
        year, month, day = (int(g) for g in m.groups())
    arts: list[NaiveArticle] = []
    for n, chunk in enumerate(text.split("\n### ")[1:], start=1):
        heading, _, rest = chunk.partition("\n")
        body = [_TAG.sub("", ln).strip() for ln in rest.splitlines() if not ln.startswith("[")]
        m = _MD_PLACE.match(heading)
        place = m.group(1) if m else None
        arts.append(NaiveArticle(f"{path.stem}-{n}", "新闻联播", year, month, day, None, place, _city(place),
                                 heading.strip(), "\n".join(b for b in body if b)))
    return arts


def iter_articles(corpus_dir: Path) -> Iterator[NaiveArticle]:
    for path in sorted(corpus_dir.iterdir()):
        if path.suffix == ".txt":
            yield from parse_txt(path)
        elif path.suffix == ".md":
            yield from parse_md(path)


def corpus_bytes(corpus_dir: Path) -> int:
    return sum(p.stat().st_size for p in corpus_dir.iterdir() if p.suffix in (".txt", ".md"))


def _chinese_analyzer() -> Any:
    """jieba's ChineseAnalyzer; importing jieba.analyse leaks an open file (idf.txt): silence that once."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        from jieba.analyse import ChineseAnalyzer
    return ChineseAnalyzer


def _schema() -> Schema:
    ChineseAnalyzer = _chinese_analyzer()
    from whoosh.fields import ID, STORED, TEXT, Schema

    return Schema(
        id=ID(stored=True, unique=True), heading=STORED, content=TEXT(stored=True, analyzer=ChineseAnalyzer()),
        series=ID(stored=True), city=ID(stored=True), year=ID(stored=True), month=ID(stored=True),
        issue=ID(stored=True), date=ID(stored=True),
    )


def build(corpus_dir: Path, index_dir: Path) -> dict[str, float | int]:
    """Index every article of `corpus_dir` into a new index at `index_dir`; return stats."""
    from whoosh import index

    t0 = time.perf_counter()
    index_dir.mkdir(parents=True, exist_ok=True)
    ix = index.create_in(str(index_dir), _schema())
    writer = ix.writer()
    n = 0
    for a in iter_articles(corpus_dir):
        date = f"{a.year:04d}{a.month:02d}{a.day:02d}" if a.year and a.month and a.day else ""
        writer.add_document(
            id=a.id, heading=a.heading, content=a.heading + "\n" + a.text, series=a.series, city=a.city or "",
            year=str(a.year or ""), month=f"{a.year:04d}-{a.month:02d}" if a.year and a.month else "", issue=str(a.issue or ""), date=date,
        )
        n += 1
    writer.commit()
    return {"articles": n, "bytes": corpus_bytes(corpus_dir), "seconds": time.perf_counter() - t0}


def _filter(q: BenchQuery) -> Query | None:
    from whoosh import query as Q

    parts: list[Query] = []
    for field, values in (("city", q.city), ("year", q.year), ("month", q.month)):
        if values:
            parts.append(Q.Or([Q.Term(field, str(v)) for v in values]))
    if q.series:
        parts.append(Q.Term("series", q.series))
    if q.issue is not None:
        parts.append(Q.Term("issue", str(q.issue)))
    if q.date_from or q.date_to:
        lo = q.date_from.replace("-", "") if q.date_from else None
        hi = q.date_to.replace("-", "") if q.date_to else None
        parts.append(Q.TermRange("date", lo, hi))
    return Q.And(parts) if parts else None


FACETS = ("city", "year", "month", "issue")


@dataclass
class NaiveResult:
    name: str
    seconds: list[float]
    hits: int
    facets: dict[str, int]  # facet -> number of distinct values


def run_query(ix: Index, q: BenchQuery) -> tuple[int, dict[str, int]]:
    """One query the naive way: parse, search a page with facets, highlight each hit."""
    from whoosh import query as Q
    from whoosh import sorting
    from whoosh.qparser import QueryParser

    with ix.searcher() as s:
        parsed = QueryParser("content", ix.schema).parse(q.q) if q.q.strip() else Q.Every()
        kw: dict[str, Any] = {}
        if q.sort == "date":
            kw = {"sortedby": "date", "reverse": True}
        page = s.search_page(parsed, q.page, pagelen=20, filter=_filter(q),
                             groupedby={f: sorting.FieldFacet(f) for f in FACETS}, **kw)
        for hit in page:
            hit.highlights("content")
        res = page.results
        return len(res), {f: len(res.groups(f)) for f in FACETS}


def query(index_dir: Path, queries: Sequence[BenchQuery], repeat: int = 1) -> list[NaiveResult]:
    """Run each query once to warm up, then `repeat` timed times; return the latencies."""
    import logging

    import jieba
    from whoosh import index

    jieba.setLogLevel(logging.WARNING)
    _chinese_analyzer()  # the index's pickled schema imports it
    ix = index.open_dir(str(index_dir))
    out = []
    for q in queries:
        hits, facets = run_query(ix, q)
        secs = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            run_query(ix, q)
            secs.append(time.perf_counter() - t0)
        out.append(NaiveResult(q.name, secs, hits, facets))
    return out


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 3 or argv[0] != "build":
        print("usage: python -m bench.naive build CORPUS_DIR INDEX_DIR", file=sys.stderr)
        return 2
    stats = build(Path(argv[1]), Path(argv[2]))
    print(json.dumps(stats))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
