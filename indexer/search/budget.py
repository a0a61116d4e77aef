"""The CPU one query may spend on finding what it means (issue 24).

A pasted sentence with typos and bare numbers, or a long paste, can make the
stages (indexer.search.stages), did-you-mean (indexer.search.engine.corrections)
and the understanding (indexer.search.understand) try many rewrites and
candidates. `search` opens a `Budget` of QUERY_CPU_SECONDS of the thread's CPU
time for the whole query (a correction or pinyin reading searched in its turn
shares it); the costly steps call `check()`, which raises `Spent` once it is
used up. Each step that can stop early catches `Spent` and keeps what it has:
the stages searched so far, the corrections found so far, no expansion. The
result then says so (NOTICE), through every entry point, since they all call
the one search. Ranking, facets and snippets of what was found are not
budgeted: their cost is bounded by the result set.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from indexer.store.handles import build_cpu

# The CPU time (seconds, of the searching thread) a query may spend before it stops trying more
# rewrites and candidates. The 41 standard queries take ≤ 20 ms at gen10k and the slowest kinds
# of bench/querysets.py well under 0.3 s (bench/README, query CPU), so only a pasted page or a
# hostile query reaches it.
QUERY_CPU_SECONDS = 1.0
NOTICE = "检索用时超出限制，已提前停止：以下是目前找到的结果，可能不完整；请缩短或修改检索词"

T = TypeVar("T")


class Spent(Exception):
    """The query's CPU budget is used up."""


class Budget:
    """One query's CPU budget (see the module doc)."""

    def __init__(self, seconds: float = QUERY_CPU_SECONDS) -> None:
        self.seconds = seconds
        self.start = time.thread_time()
        self.built = build_cpu()
        self.wall = time.perf_counter()
        self.spent = False  # set once a check found it used up: the result carries NOTICE

    def used(self) -> float:
        """The CPU this query spent, without what it spent building the index version's shared
        values (the first query after a start or a commit pays for them: not its own cost)."""
        return time.thread_time() - self.start - (build_cpu() - self.built)

    def check(self) -> None:
        """Raise Spent when the budget is used up (and from then on). The thread's CPU clock
        is read only once as much wall time has passed (a thread's CPU time never runs ahead
        of the wall clock; reading it costs ~30 µs in a process with the index mapped)."""
        if self.spent or (time.perf_counter() - self.wall > self.seconds and self.used() > self.seconds):
            self.spent = True
            raise Spent


_current: contextvars.ContextVar[Budget | None] = contextvars.ContextVar("query_budget", default=None)


def current() -> Budget | None:
    """The budget of the query being searched in this context (None outside a search)."""
    return _current.get()


def check() -> None:
    """`Budget.check` of the current query's budget (nothing outside a search)."""
    b = _current.get()
    if b is not None:
        b.check()


def exhausted() -> bool:
    """Whether the current query has used up its budget (without raising)."""
    b = _current.get()
    if b is None:
        return False
    try:
        b.check()
    except Spent:
        return True
    return False


@contextmanager
def query(seconds: float | None = None) -> Iterator[Budget]:
    """The budget of one query: a new one, or the enclosing query's when a search is made
    inside another (a correction's results, a pinyin reading's)."""
    outer = _current.get()
    if outer is not None:
        yield outer
        return
    b = Budget(QUERY_CPU_SECONDS if seconds is None else seconds)
    token = _current.set(b)
    try:
        yield b
    finally:
        _current.reset(token)


def attempt(step: Callable[[], T], otherwise: T) -> T:
    """`step()`, or `otherwise` when the query's budget runs out during it."""
    try:
        return step()
    except Spent:
        return otherwise
