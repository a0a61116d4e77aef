"""Each term of a parsed query (indexer.search.query) → what evaluates it.

A text term becomes its units, searched as an exact substring of the title,
the text or both (indexer.store.substring, by indexer.search.evaluate), with the pattern
that keeps a number whole; a keyword or number term (city:, year:, 文号: …)
becomes a query on the record store's fields (indexer.store.records). The parser
knows nothing of the index; this module knows the schema's field names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archive import gazetteer
from indexer.search import memo
from indexer.store import records
from indexer.store.analysis import normalize, units
from indexer.search.query import (KEYWORD_FIELDS, NUMBER_FIELDS, PLACE_FIELDS, Term, issue_number, issue_ref,
                           number_pattern)
from indexer.store.records import FieldQuery
from indexer.store.schema import TEXTS


SERIES_MIN_CHARS = 4  # a text term this long may name a series (江苏精神文明建设简报): its articles match too


@dataclass(frozen=True)
class Compiled:
    match: FieldQuery | None  # documents matching a keyword/number term (or the issue number)
    units: tuple[str, ...] = ()  # a text term's units: substring search in `fields`, marked in snippets
    fields: tuple[str, ...] = ()
    bounded: re.Pattern[str] | None = None  # a number's boundaries, checked by `number_bounded`
    issue: tuple[int, int | None] | None = None  # the issue the term names: (number, year or None)


def number_bounded(c: Compiled, text: str) -> bool:
    """Whether `text` (an article's title and text) holds the term's number whole; True
    for terms without a number. The one check the evaluator applies after the substring
    search has found a term's documents."""
    return c.bounded is None or c.bounded.search(normalize(text)) is not None


def place_query(field: str, name: str) -> FieldQuery:
    """`place:`/`city:`/`province:` — the units the name denotes (南京 → 江苏省/南京市, 鼓楼区 →
    each 鼓楼区), at the level the field asks for, matched against every place an article
    mentions; `place:` and `city:` also match the heading's place as written."""
    found = gazetteer.units_of(name)
    want = {"province": 1, "city": 2, "place": 3}[field]
    paths = {"/".join(u[:want]) for u in found if field == "place" or len(u) >= want}
    parts: list[FieldQuery] = [records.term("region", p) for p in sorted(paths)]
    if field == "place":
        parts.append(records.term("place", name))
    elif field == "city":
        parts += [records.term("city", name)] + ([records.term("city", name + "市")] if not name.endswith("市") else [])
    return records.any_of(parts)


@memo.pure
def compile_term(t: Term) -> Compiled:
    """What evaluates one term (see the module doc)."""
    value = t.text
    if t.field in PLACE_FIELDS:
        return Compiled(place_query(t.field, value.strip()))
    if t.field == "serial":  # staff: 文号 in any bracket style, or its parts (indexer.store.serials)
        from indexer.store.serials import serial_query

        return Compiled(serial_query(value))
    if t.field in KEYWORD_FIELDS:
        v = value.strip()
        if t.field == "city" and v and not v.endswith("市"):
            return Compiled(records.any_of([records.term("city", v), records.term("city", v + "市")]))
        return Compiled(records.term(t.field, v))
    if t.field in NUMBER_FIELDS:
        n = issue_number(value) if t.field == "issue" else None
        if n is None:
            try:
                n = int(normalize(value).strip())
            except ValueError:
                return Compiled(None)
        if not 0 <= n < 2**31:
            return Compiled(None)
        return Compiled(records.number(t.field, n))

    us = units(value)
    if not us:
        return Compiled(None)
    fields = tuple(TEXTS) if t.field is None else (t.field,)
    ref = issue_ref(value) if t.field is None else None
    match: FieldQuery | None = None
    name = normalize(value).strip("《》〈〉 ")
    if t.field is None and len(name) >= SERIES_MIN_CHARS:  # a 简报's name (《创文简报》): its issues too
        match = records.term("series", name)
    if ref is not None:  # 第十一期: the articles of issue 11 (of that year: 2022年第11期), or the text
        match = records.number("issue", ref[0])
        if ref[1] is not None:
            match = records.all_of([match, records.number("year", ref[1])])
    return Compiled(match, tuple(us), fields, number_pattern(value), ref)
