"""Visiting chosen documents in Whoosh posting lists, segment by segment."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from whoosh.searching import Searcher

from indexer.fastwrite import install_fast_skip

install_fast_skip()  # skip_to by bisection: this module's callers skip a lot


def by_segment(searcher: Searcher, docs: Iterable[int]) -> Iterator[tuple[Any, int, list[int]]]:
    """(leaf searcher, docnum offset, sorted segment-local docnums) for each segment
    holding some of `docs` (global docnums)."""
    docs = list(docs)
    for sub, offset in searcher.leaf_searchers():
        hi = offset + sub.doc_count_all()
        local = sorted(d - offset for d in docs if offset <= d < hi)
        if local:
            yield sub, offset, local


def positioned(matcher: Any, local: list[int]) -> Iterator[int]:
    """Move `matcher` to each of the sorted docnums `local` that it holds, yielding it
    there (the caller reads the matcher's value or score at that moment)."""
    for d in local:
        if not matcher.is_active():
            return
        if matcher.id() < d:
            matcher.skip_to(d)
            if not matcher.is_active():
                return
        if matcher.id() == d:
            yield d
