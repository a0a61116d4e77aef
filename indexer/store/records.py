"""Whoosh as the record store, as the rest of the archive sees it.

Whoosh holds each article's stored record and its keyword and number fields
(city, region, issue, date, 文号 …), and manages the segments (commit, merge,
clean-up). Everything else a search reads — the jieba words, the substring net,
the facet columns — is the archive's own per-segment files (indexer.store.segfiles).
This module is the narrow way in for the packages above the store: the
searcher type, opening a generation, queries on the keyword and number fields,
the documents such a query matches, and the segments' own readers. Search,
ranking and the outputs never import Whoosh themselves.

A generation is always opened with the schema of the code (`make_schema()`),
never with the one Whoosh pickled into the index's TOC: unpickling it would
import every class it names by its module path, so an index written before a
module moved could not be opened. With the schema given,
Whoosh skips the pickled copy unread. The schema's own version (SCHEMA_VERSION)
says when an index is of another format.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from whoosh import index as _index
from whoosh import query as _q
from whoosh.index import Index
from whoosh.reading import CorruptIndexError
from whoosh.searching import Searcher

from indexer.store.schema import make_schema

__all__ = ["CorruptIndexError", "Index", "Searcher", "FieldQuery", "NOTHING", "open_generation", "create_generation",
           "term", "prefix", "number", "any_of", "all_of", "describe", "docs", "segment_readers"]

FieldQuery = _q.Query  # a query on the keyword and number fields (never the texts)
NOTHING: FieldQuery = _q.NullQuery


def open_generation(gen: Path | str, readonly: bool = False) -> Index:
    """The Whoosh index of generation folder `gen`, with the code's schema (see the module doc)."""
    return _index.open_dir(str(gen), readonly=readonly, schema=make_schema())


def create_generation(gen: Path | str) -> Index:
    """A new, empty Whoosh index in folder `gen`."""
    return _index.create_in(str(gen), make_schema())


def term(field: str, value: str) -> FieldQuery:
    """Documents whose keyword field `field` holds `value`."""
    return _q.Term(field, value)


def prefix(field: str, value: str) -> FieldQuery:
    """Documents whose keyword field `field` holds a value starting with `value`."""
    return _q.Prefix(field, value)


def number(field: str, lo: int, hi: int | None = None) -> FieldQuery:
    """Documents whose number field `field` is in [lo, hi] (hi defaults to lo)."""
    return _q.NumericRange(field, lo, lo if hi is None else hi)


def any_of(queries: Iterable[FieldQuery]) -> FieldQuery:
    """Documents matching any of `queries`."""
    qs = list(queries)
    if not qs:
        return NOTHING
    return qs[0] if len(qs) == 1 else _q.Or(qs)


def all_of(queries: Iterable[FieldQuery]) -> FieldQuery:
    """Documents matching all of `queries`."""
    qs = list(queries)
    if not qs:
        return NOTHING
    return qs[0] if len(qs) == 1 else _q.And(qs)


def describe(query: FieldQuery) -> tuple[Any, ...]:
    """A field query as plain data, for another engine to translate (indexer.search.mariadb_backend):
    ("term", field, value), ("range", field, lo, hi), ("and", parts), ("or", parts) or ("none",)."""
    if isinstance(query, _q.Term):
        return ("term", query.fieldname, query.text)
    if isinstance(query, _q.NumericRange):
        return ("range", query.fieldname, query.start, query.end)
    if isinstance(query, (_q.And, _q.Or)):
        return ("and" if isinstance(query, _q.And) else "or", [describe(sub) for sub in query.subqueries])
    if query is _q.NullQuery or isinstance(query, type(_q.NullQuery)):
        return ("none",)
    raise ValueError(f"no plain form for the field query {query!r}")


def docs(searcher: Searcher, query: FieldQuery) -> Iterator[int]:
    """The docnums that `query` matches, in docnum order."""
    return iter(searcher.docs_for_query(query))


def segment_readers(ix: Index, skip: frozenset[str] | set[str] = frozenset()) -> Iterator[Any]:
    """A reader on each committed segment of `ix` whose id is not in `skip`, closed after use."""
    from whoosh.reading import SegmentReader

    for seg in ix._segments():
        if seg.segment_id() in skip:
            continue
        r = SegmentReader(ix.storage, ix.schema, seg)
        try:
            yield r
        finally:
            r.close()
