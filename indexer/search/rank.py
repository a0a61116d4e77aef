"""Order the matching documents: by relevance (every hit scored) or by date.

The relevance of a document is the sum over the query's positive text terms
of a BM25-style score of the term's substring matches (indexer.store.substring):

- each occurrence is weighed by how it lines up with jieba's words (a whole
  word 1.0, the start or end of a word such as 善民 in 马善民 0.6, straddling a
  word edge such as 善民 in 改善|民生 0.15: substring.WHOLE … ACROSS). The best
  occurrence gives QUALITY × its weight × idf (twice that in the title), so a
  word or name match needs no separate tier and many accidents do not add up
  to one real match;
- tf is the sum of the squared weights, occurrences in the title counting
  TITLE_BOOST times; it saturates (K1) and is normalised by the text's length
  (B); idf over the archive;
- a title that is the query and nothing else adds EXACT_TITLE × idf: it ranks first;
- for a query of several terms, the terms standing side by side (the string
  of all of them, found in the net as one more substring) score again, as
  ADJACENT of a phrase term: proximity at its strongest; a title holding
  every term adds TITLE_ALL × their idf.

When the query was searched by its words (indexer.search.stages), tiers come before
all of that (`stage_scores`): an article holding a run as typed (淮安志愿服务)
gets RUN_TIER and the score that run's matches would have had, one holding the words side by side in order gets up to
PAIR_TIER (the share of adjacent pairs it holds), and in the ranked OR each
word held counts COVER_TIER, so that articles holding more of the words come first;
a title holding all of the words but one counts TITLE_NEARLY_ALL more (a word
may be misremembered: the title outranks the words scattered in a text).

The articles of an issue the query names (第十一期, 2022年第11期) get
ISSUE_TIER: the 简报's own issue ranks above text that quotes the phrase.

Ties go to the newer article. Facet counts never depend on this.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from indexer.search import query as q
from indexer.store.analysis import unit_string
from indexer.search import compiler
from indexer.search.evaluate import Evaluator, field_docs
from indexer.store.columns import Snapshot
from indexer.store.substring import Found, Net, across, lined_up

K1 = 1.2
B = 0.5
TITLE_BOOST = 3.0
QUALITY = 3.0
TITLE_QUALITY = {"title": 2.0, "text": 1.0}  # a match in the title is worth this much more a match
EXACT_TITLE = 10.0
ADJACENT = 0.5  # the terms side by side score again, this much of a term
TITLE_ALL = 3.0  # × the terms' idf, when the title holds every term
BOOSTS = {"title": TITLE_BOOST, "text": 1.0}
# the staged query's tiers (indexer.search.stages), each above anything the tiers below can add
RUN_TIER = 1_000.0  # the article's title holds a cut term as it was typed, or all of its words
RUN_TEXT_TIER = 500.0  # … its text holds the term as typed (on its own word edges)
PAIR_TIER = 300.0  # × the share of the cut terms' adjacent word pairs it holds, in order
COVER_TIER = 10_000.0  # × the words of a ranked OR it holds
# … and this many COVER_TIERs more when its title holds all of them but one (at least
# NEARLY_ALL_WORDS words typed): a title holding three of four words ranks above an article holding
# the four scattered in its text (one word may be misremembered), not above one holding two more.
# Chosen on the dev parts of bench/querysets.py (over_specified kind).
TITLE_NEARLY_ALL = 1.5
NEARLY_ALL_WORDS = 3
ISSUE_TIER = 2_000.0  # the article is of the issue the query names (第十一期, 2022年第11期)


def by_date(docs: np.ndarray, snap: Snapshot, k: int) -> list[int]:
    """The newest `k` of `docs` (a mask, or an array of docnums): a walk down the
    index's date order when they are many, a sort of their ranks when they are few."""
    if docs.dtype == bool:
        if int(np.count_nonzero(docs)) * 8 > len(snap.newest):
            return snap.newest[docs[snap.newest]][:k].tolist()
        docs = np.flatnonzero(docs)
    rank = snap.rank[docs]
    if len(docs) > k:
        keep = np.argpartition(rank, k - 1)[:k] if k > 0 else np.zeros(0, dtype=np.int64)
        docs, rank = docs[keep], rank[keep]
    return docs[np.argsort(rank, kind="stable")].tolist()


def oldest(docs: np.ndarray, snap: Snapshot, k: int) -> list[int]:
    """The oldest `k` of `docs` (an array of docnums), in docnum order within a day, undated last."""
    date = snap.date[docs]
    order = np.lexsort((docs, date, date == 0))
    return docs[order[:k]].tolist()


def _idf(net: Net, found: Found, texts: tuple[str, ...]) -> float:
    df = len(found.docs_in(texts))
    return math.log(1.0 + (net.doc_count - df + 0.5) / (df + 0.5))


def _in_title(found: Found, docs: np.ndarray) -> np.ndarray:
    """Whether each of `docs` (sorted) holds the string in its title."""
    if not len(found.docs):
        return np.zeros(len(docs), dtype=bool)
    idx = np.minimum(np.searchsorted(found.docs, docs), len(found.docs) - 1)
    return (found.docs[idx] == docs) & (found.count["title"][idx] > 0)


def _title_cover(node: q.Node, ev: Evaluator, docs: np.ndarray) -> np.ndarray | None:
    """Whether each document's title satisfies the positive text terms of `node`
    (AND: all, OR: any); None where the node has none."""
    if isinstance(node, q.Term):
        m = ev.by_term.get(node)
        return None if m is None or "title" not in m.texts else _in_title(m.found, docs)
    if isinstance(node, q.Not):
        return None
    parts = [p for p in (_title_cover(c, ev, docs) for c in node.children) if p is not None]
    if not parts:
        return None
    out = parts[0].copy()
    for p in parts[1:]:
        out = (out & p) if isinstance(node, q.And) else (out | p)
    return out


def term_scores(net: Net, found: Found, texts: tuple[str, ...], docs: np.ndarray) -> np.ndarray:
    """The score of one string's matches for each of `docs` (sorted global docnums)."""
    out = np.zeros(len(docs), dtype=np.float64)
    if not len(found.docs) or not len(docs):
        return out
    idx = np.minimum(np.searchsorted(found.docs, docs), len(found.docs) - 1)
    hit = found.docs[idx] == docs
    sel = idx[hit]
    tf = np.zeros(len(sel), dtype=np.float64)
    best = np.zeros(len(sel), dtype=np.float64)
    for t in texts:
        tf += BOOSTS[t] * found.weight[t][sel]
        best = np.maximum(best, TITLE_QUALITY[t] * found.best[t][sel])
    idf = _idf(net, found, texts)
    norm = K1 * (1.0 - B + B * found.length[sel] / net.avg_length)
    score = idf * (QUALITY * best + tf * (K1 + 1.0) / (tf + norm))
    if "title" in texts:
        score += EXACT_TITLE * idf * found.exact["title"][sel]
    out[hit] = score
    return out


def _holding(net: Net, text: str, docs: np.ndarray) -> np.ndarray:
    """1.0 for each of `docs` (sorted) that holds `text` in its title or text, else 0.0."""
    found = net.find(unit_string(text))
    if not len(found.docs):
        return np.zeros(len(docs), dtype=np.float64)
    idx = np.minimum(np.searchsorted(found.docs, docs), len(found.docs) - 1)
    return (found.docs[idx] == docs).astype(np.float64)


def _lined_up(found: Found, us: str, text: str, docs: np.ndarray) -> np.ndarray:
    """1.0 for each of `docs` (sorted) holding unit string `us` in `text` on its own word
    edges (substring.lined_up: a use of the words, not a run across them), else 0.0."""
    out = np.zeros(len(docs), dtype=np.float64)
    if not len(found.docs) or not len(docs):
        return out
    idx = np.minimum(np.searchsorted(found.docs, docs), len(found.docs) - 1)
    hit = found.docs[idx] == docs
    out[hit] = lined_up(found, us, text)[idx[hit]]
    return out


def _words_side_by_side(net: Net, text: str, docs: np.ndarray) -> np.ndarray:
    """1.0 for each of `docs` holding `text` (two words joined) in its title or its text, other
    than only across its own words (substring.across: 企业市场 in 中小企业|市场), else 0.0."""
    us = unit_string(text)
    found = net.find(us)
    out = np.zeros(len(docs), dtype=np.float64)
    if not len(found.docs) or not len(docs):
        return out
    real = ~(across(found, us, "title") | (found.count["title"] == 0)) | \
        ~(across(found, us, "text") | (found.count["text"] == 0))
    idx = np.minimum(np.searchsorted(found.docs, docs), len(found.docs) - 1)
    hit = found.docs[idx] == docs
    out[hit] = real[idx[hit]]
    return out


def _words_sought(plan: "Any") -> tuple[str, ...]:
    """The words a staged plan looks for: its cut terms' words and the plain terms beside them."""
    if plan.title_words:
        return tuple(plan.title_words)
    words = [w for seq in plan.sequences for w in seq]
    tree = plan.tree
    for k in (tree.children if isinstance(tree, q.And) else (tree,)):
        if isinstance(k, q.Term) and k.field in (None, "title", "text"):
            words.append(k.text)
    return tuple(dict.fromkeys(words))


def _title_holds(net: Net, words: tuple[str, ...], docs: np.ndarray) -> np.ndarray:
    """1.0 for each of `docs` whose title holds every one of `words` (anywhere, any order)."""
    out = np.ones(len(docs), dtype=np.float64) if words else np.zeros(len(docs), dtype=np.float64)
    for w in words:
        found = net.find(unit_string(w))
        out *= _in_title(found, docs)
    return out


def stage_scores(net: Net, plan: "Any", docs: np.ndarray, ev: Evaluator | None = None) -> np.ndarray:
    """The tiers of a staged query (see the module doc) for each of `docs` (sorted docnums);
    the words the evaluator `ev` has already found are not looked up again."""
    held: dict[str, np.ndarray] = {}
    titled: dict[str, np.ndarray] = {}
    if ev is not None and plan is not None and plan.any_words:
        for term, m in ev.by_term.items():
            found = m.found.docs_in(m.texts)
            c = compiler.compile_term(term)
            if c.match is not None:  # a series named (南京文明简报), an issue (2022年第1期): its articles hold it
                found = np.union1d(found, field_docs(net, ev.s, c.match))
            if len(found):
                idx = np.minimum(np.searchsorted(found, docs), len(found) - 1)
                held[term.text] = (found[idx] == docs).astype(np.float64)
            else:
                held[term.text] = np.zeros(len(docs), dtype=np.float64)
            if "title" in m.texts:
                titled[term.text] = np.maximum(titled.get(term.text, 0.0), _in_title(m.found, docs))
    out = np.zeros(len(docs), dtype=np.float64)
    if plan is None:
        return out
    all_titled = _title_holds(net, _words_sought(plan), docs) if plan.runs else None
    for r in plan.runs:  # the run as typed (or all the words sought in the title)
        us = unit_string(r)
        found = net.find(us)
        tier = RUN_TIER * np.maximum(_lined_up(found, us, "title", docs), all_titled) \
            + RUN_TEXT_TIER * _lined_up(found, us, "text", docs)
        out += tier / len(plan.runs) + term_scores(net, found, tuple(BOOSTS), docs)
    pairs = [a + b for seq in plan.sequences for a, b in zip(seq, seq[1:])]
    if pairs:
        out += PAIR_TIER * sum(_words_side_by_side(net, p, docs) for p in pairs) / len(pairs)
    for w in plan.any_words:
        out += COVER_TIER * (held[w] if held and w in held else _holding(net, w, docs))
    if len(plan.any_words) >= NEARLY_ALL_WORDS and titled:
        in_title = sum(titled.get(w, 0.0) for w in plan.any_words)
        out += COVER_TIER * TITLE_NEARLY_ALL * (in_title >= len(plan.any_words) - 1)
    return out


def by_relevance(net: Net, snap: Snapshot, ev: Evaluator, matched: np.ndarray, k: int,
                 plan: "Any" = None) -> list[int]:
    """The `k` best of `matched` (sorted docnums) by relevance (see the module doc), ties newest
    first; `plan` is the staged query's plan (indexer.search.stages.Plan), whose tiers come first."""
    if not ev.matches or not len(matched):
        return by_date(matched, snap, k)
    docs = np.asarray(matched, dtype=np.int64)
    return best_of(docs, relevance(net, snap, ev, docs, plan), snap, k)


def relevance(net: Net, snap: Snapshot, ev: Evaluator, docs: np.ndarray, plan: "Any" = None) -> np.ndarray:
    """The relevance score of each of `docs` (sorted docnums; see the module doc)."""
    score = stage_scores(net, plan, docs, ev)
    for number, year in ev.issues:  # the issue named ranks above text quoting the phrase
        of_issue = snap.issue[docs] == number
        if year is not None:
            of_issue &= snap.docs_with("year", (year,))[docs]
        score += ISSUE_TIER * of_issue
    for m in ev.matches:
        score += term_scores(net, m.found, m.texts, docs)
    tree = ev.tree
    if isinstance(tree, q.And):
        terms = [ev.by_term.get(c) for c in tree.children if isinstance(c, q.Term)]
        if len(terms) == len(tree.children) and all(terms):  # plain words side by side
            texts = tuple(t for t in BOOSTS if all(t in m.texts for m in terms))  # type: ignore[union-attr]
            if texts:
                joined = "".join(m.units for m in terms)  # type: ignore[union-attr]
                score += ADJACENT * term_scores(net, net.find(joined), texts, docs)
        every = _title_cover(tree, ev, docs)  # the title holds every term: about all of them
        if every is not None:
            score += every * TITLE_ALL * sum(_idf(net, m.found, m.texts) for m in ev.matches)
    return score


def best_of(docs: np.ndarray, score: np.ndarray, snap: Snapshot, k: int) -> list[int]:
    """The `k` of `docs` with the highest `score`, best first, ties newest first."""
    rank = snap.rank[docs]
    if len(docs) > k:
        kth = np.partition(score, len(docs) - k)[len(docs) - k]  # the k-th best score
        above = np.flatnonzero(score > kth)
        tied = np.flatnonzero(score == kth)
        tied = tied[np.argsort(rank[tied], kind="stable")[: k - len(above)]]
        keep = np.concatenate([above, tied])
        docs, score, rank = docs[keep], score[keep], rank[keep]
    order = np.lexsort((rank, -score))
    return docs[order].tolist()
