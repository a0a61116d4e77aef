"""Remembering what a query's steps compute again and again (issue 24, query cost).

One search runs the same pure steps many times over: each stage (indexer.search.stages)
cuts the typed string into words again, did-you-mean (indexer.search.engine.corrections)
evaluates the query again for every candidate, and each evaluation compiles every term
again. `pure` remembers such a step's results for the process (the step must depend on
its arguments only: jieba's dictionary, the gazetteer and the parser's tables are fixed
for a process); what depends on the index is remembered per index version where it is
computed (indexer.search.evaluate, indexer.store.substring).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

# Results each pure step keeps (least recently used first out): a typed query makes a few
# dozen calls of each, so this holds the words and terms of the last few hundred queries.
PURE_RESULTS = 8192


def pure(fn: F) -> F:
    """`fn` remembered for the process (functools.lru_cache of PURE_RESULTS); a list result is
    kept as a tuple and each caller gets its own list, so that no caller can change what the
    next one gets."""
    cached = functools.lru_cache(maxsize=PURE_RESULTS)(lambda *a, **kw: _frozen(fn(*a, **kw)))

    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        got = cached(*args, **kwargs)
        return list(got) if isinstance(got, _Frozen) else got

    call.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
    call.cache_info = cached.cache_info  # type: ignore[attr-defined]
    return call  # type: ignore[return-value]


class _Frozen(tuple):  # type: ignore[type-arg]
    """A list result, kept as a tuple."""


def _frozen(got: Any) -> Any:
    return _Frozen(got) if isinstance(got, list) else got
