"""Decode a document's lines into labels: the best path through a grammar.

A layout (archive/layouts/__init__.py) gives each label an order rank and a
score for each line (from archive/features.py). The decoder finds the
sequence of labels with the highest total score whose ranks never go down
(labels of one rank may interleave; a label outside `repeat` appears on one
line at most in a row), or, for a grammar with cycles, whose every step is one
of `follows` — GB/T 9704's order of elements, or a 简报's, as a
grammar, solved by dynamic programming (Viterbi). A line whose chosen label
beats the best label the grammar would also allow there by less than
`close_call` is a close call, reported with the line's number.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

__all__ = ["Decoded", "Grammar", "decode"]

NEG = float("-inf")


@dataclass(frozen=True)
class Grammar:
    """Labels in order: `rank[label]` (non-decreasing along the document), the
    labels that may run over several lines in a row (`repeat`), and the labels a
    document may start and end with."""

    labels: tuple[str, ...]
    rank: dict[str, int]
    repeat: frozenset[str]
    follows: dict[str, frozenset[str]] | None = None  # a cyclic grammar (a 简报's articles): what may follow each label
    # An ordered grammar's labels that only some labels may follow on the next line (a 署名 stands right
    # above its 成文日期): label → the labels that may come next. The last line may bear them too.
    leads_to: dict[str, frozenset[str]] = field(default_factory=dict)

    def allowed(self, a: str, b: str) -> bool:
        """Whether label `b` may follow label `a` on the next line."""
        if self.follows is not None:
            return b in self.follows[a]
        if a in self.leads_to and b not in self.leads_to[a]:
            return False
        if a == b:
            return a in self.repeat
        return self.rank[b] >= self.rank[a]


@dataclass(frozen=True)
class Decoded:
    """One line's label, its score, and the runner-up the grammar allowed there."""

    label: str
    score: float
    second: str | None
    margin: float  # score of the label minus the runner-up's (inf when none)


def decode(n: int, grammar: Grammar, score: Callable[[int, str], float], close_call: float) -> list[Decoded]:
    """The best-scoring label sequence for lines 0..n-1 under `grammar`."""
    labels = grammar.labels
    if n == 0:
        return []
    em = [[score(i, lab) for lab in labels] for i in range(n)]
    best: list[list[float]] = [em[0][:]]
    back: list[list[int]] = [[-1] * len(labels)]
    allowed = [[grammar.allowed(a, b) for b in labels] for a in labels]
    preds = [[p for p in range(len(labels)) if allowed[p][j]] for j in range(len(labels))]
    step = _ordered_step(grammar) if grammar.follows is None else None
    for i in range(1, n):
        prev = best[-1]
        args = step(prev) if step is not None else [max(preds[j], key=prev.__getitem__, default=-1) for j in range(len(labels))]
        row, brow = [NEG] * len(labels), [-1] * len(labels)
        for j, e in enumerate(em[i]):
            arg = args[j]
            if e == NEG or arg < 0 or prev[arg] == NEG:
                continue
            row[j], brow[j] = prev[arg] + e, arg
        best.append(row)
        back.append(brow)
    j = max(range(len(labels)), key=lambda x: best[-1][x])
    path = [j]
    for i in range(n - 1, 0, -1):
        j = back[i][j]
        path.append(j)
    path.reverse()
    out: list[Decoded] = []
    for i, j in enumerate(path):
        alts = [
            k
            for k in range(len(labels))
            if k != j
            and em[i][k] != NEG
            and (i == 0 or allowed[path[i - 1]][k])
            and (i == n - 1 or allowed[k][path[i + 1]])
        ]
        if alts:
            k = max(alts, key=lambda x: em[i][x])
            out.append(Decoded(labels[j], em[i][j], labels[k], em[i][j] - em[i][k]))
        else:
            out.append(Decoded(labels[j], em[i][j], None, float("inf")))
    return out


def _ordered_step(grammar: Grammar) -> Callable[[list[float]], list[int]]:
    """For an ordered grammar: each label's best predecessor in one pass over the ranks (the best
    label of a rank at most its own, itself left out unless it repeats; ties to the first label),
    instead of a search over every allowed predecessor."""
    n = len(grammar.labels)
    by_rank: dict[int, list[int]] = {}
    for j, lab in enumerate(grammar.labels):
        by_rank.setdefault(grammar.rank[lab], []).append(j)
    ranks = sorted(by_rank)
    repeats = [lab in grammar.repeat for lab in grammar.labels]
    # Labels only some labels may follow (`leads_to`): left out of the rank pass, tried one by one.
    bound = [k for k, lab in enumerate(grammar.labels) if lab in grammar.leads_to]
    bound_to = {k: [j for j, lab in enumerate(grammar.labels) if grammar.allowed(grammar.labels[k], lab)] for k in bound}

    def step(prev: list[float]) -> list[int]:
        args = [-1] * n
        first = second = -1  # the best and second-best labels so far, ties to the lower index
        for r in ranks:
            for k in by_rank[r]:
                if k in bound_to:
                    continue
                if first < 0 or prev[k] > prev[first] or (prev[k] == prev[first] and k < first):
                    first, second = k, first
                elif second < 0 or prev[k] > prev[second] or (prev[k] == prev[second] and k < second):
                    second = k
            for j in by_rank[r]:
                args[j] = first if (first != j or repeats[j]) else second
        for k, targets in bound_to.items():
            for j in targets:
                if prev[k] != NEG and (args[j] < 0 or prev[k] > prev[args[j]] or (prev[k] == prev[args[j]] and k < args[j])):
                    args[j] = k
        return args

    return step


def close_calls(
    decoded: Sequence[Decoded], numbers: Sequence[int], texts: Sequence[str], close_call: float, names: dict[str, str], watch: frozenset[str], doubt: float = NEG
) -> list[str]:
    """Warnings for the lines whose label was a close call (only labels in `watch`): the runner-up
    within `close_call` of it, or the label itself scored below `doubt` (the line fits no element well)."""
    out = []
    for d, number, text in zip(decoded, numbers, texts):
        if d.second is not None and (d.margin < close_call or d.score < doubt) and (d.label in watch or d.second in watch):
            short = text if len(text) <= 20 else text[:20] + "…"
            out.append(f"line {number} 「{short}」: {names.get(d.label, d.label)} or {names.get(d.second, d.second)}? (margin {d.margin:.1f})")
    return out
