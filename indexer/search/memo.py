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
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

F = TypeVar("F", bound=Callable[..., Any])
V = TypeVar("V")

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


class PerVersion(Generic[V]):
    """What each index version remembers of one dear computation, keyed by the version's
    object (its substring net) and forgotten with it: at most `entries` results per version,
    and at most `max_bytes` of them by `size`, the least recently used let go first."""

    def __init__(self, entries: int, max_bytes: int | None = None, size: Callable[[V], int] = lambda _v: 0) -> None:
        self.entries = entries
        self.max_bytes = max_bytes
        self._size = size
        self._per: weakref.WeakKeyDictionary[Any, OrderedDict[Hashable, V]] = weakref.WeakKeyDictionary()
        self._bytes: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def get(self, version: Any, key: Hashable) -> V | None:
        with self._lock:
            per = self._per.get(version)
            got = per.get(key) if per is not None else None
            if got is not None:
                per.move_to_end(key)  # type: ignore[union-attr]
            return got

    def put(self, version: Any, key: Hashable, value: V) -> None:
        with self._lock:
            per = self._per.setdefault(version, OrderedDict())
            if key in per:
                return
            per[key] = value
            self._bytes[version] = self._bytes.get(version, 0) + self._size(value)
            while per and (len(per) > self.entries
                           or (self.max_bytes is not None and self._bytes[version] > self.max_bytes)):
                _k, old = per.popitem(last=False)
                self._bytes[version] -= self._size(old)

    def remember(self, version: Any, key: Hashable, make: Callable[[], V]) -> V:
        """The result for `key`, made by `make()` (outside the lock) the first time."""
        got = self.get(version, key)
        if got is None:
            got = make()
            self.put(version, key, got)
        return got

    def clear(self) -> None:
        with self._lock:
            self._per.clear()
            self._bytes.clear()
