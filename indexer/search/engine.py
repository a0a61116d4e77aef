"""Search the archive: a query string and filters → one JSON-ready dict.

The result set is exact and computed without scoring (indexer.search.evaluate:
substring net, filters from in-memory columns); facet counts are taken over
that whole set (indexer.search.results). Only the order is scored (indexer.search.rank:
every hit by relevance, or by date). Snippets are made for the page shown
and nothing else.
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from typing import Any

import numpy as np

from indexer.search import budget
from indexer.search import query as q
from indexer.search import dateq
from indexer.search import stages as st
from indexer.store.analysis import normalize, unit_string, units
from indexer.store.columns import Snapshot, build_snapshot
from indexer.search.evaluate import Evaluator, Filters, filter_set
from indexer.search.keyfacets import KeyFacets, build_keyfacets
from indexer.search.rank import by_date, by_relevance, oldest
from indexer.search.results import facets, hit
from indexer.store.serials import serial_first
from indexer.search.snippets import term_regex
from indexer.store.handles import IndexCorruptError, IndexHandle, names_damage
from indexer.store.substring import Net, lined_up
from indexer.search.suggest import Lexicon, build_lexicon, complete, phrases, plausible
from indexer.search import understand as uh  # [understand] pinyin, aliases (the one home of their glue)
from indexer.search import citegraph as cg  # [citations] the 效力 filter and facet

__all__ = ["Filters", "IndexCorruptError", "search", "corrections", "suggest", "SORTS"]

SORTS = ("relevance", "date", "oldest")  # date: newest first; oldest: oldest first
MAX_PER_PAGE = 10_000  # an export takes the whole result set as one page; the page and CLI show ≤ 100
MAX_PAGE = 10_000
FEW_HITS = 2  # a query finding this many articles or fewer is offered corrections
FEW_HITS_TERM = 4  # … of its terms this short (any term that finds nothing)
MAX_CORRECTIONS = 3
MAX_ISSUE_OFFERS = 5  # issues offered as a filter for a query naming one (第十一期)
SUGGEST_TITLES = 200  # newest articles whose title holds the prefix, read for title completions


def snapshot(handle: IndexHandle) -> Snapshot:
    return handle.shared("facets", build_snapshot)


def substring_net(handle: IndexHandle) -> Net:
    return handle.shared("net", Net)  # type: ignore[return-value]


def key_facets(handle: IndexHandle) -> KeyFacets:
    return handle.shared("keyfacets", build_keyfacets)


def lexicon(handle: IndexHandle) -> Lexicon:
    return handle.shared("lexicon", build_lexicon)  # type: ignore[return-value]


@names_damage
def search(
    handle: IndexHandle,
    query: str,
    filters: Filters = Filters(),
    sort: str = "relevance",
    page: int = 1,
    per_page: int = 20,
    correct: bool = True,
    allowed_docs: np.ndarray | None = None,  # access (issue 21): the documents the reader may see
    expand: bool = True,
    stages: bool = True,
    apply_dates: bool = True,
) -> dict[str, Any]:
    """Search the archive; see the module doc and `_search`. The whole query — its stages,
    did-you-mean, pinyin and names — spends at most budget.QUERY_CPU_SECONDS of CPU on finding
    what it means (indexer.search.budget); past it the search returns what it found, with
    `stopped` true and budget.NOTICE first among the warnings."""
    outer = budget.current() is None
    with budget.query() as b, handle.pinned():
        out = _search(handle, query, filters, sort, page, per_page, correct, allowed_docs, expand, stages,
                      apply_dates)
    if outer:
        stopped(out, b)
    return out


def stopped(out: dict[str, Any], b: budget.Budget) -> None:
    """Mark a result whose query ran out of its CPU budget: `stopped` and the notice."""
    out["stopped"] = b.spent
    if b.spent and budget.NOTICE not in out["warnings"]:
        out["warnings"].insert(0, budget.NOTICE)


def _search(
    handle: IndexHandle,
    query: str,
    filters: Filters,
    sort: str,
    page: int,
    per_page: int,
    correct: bool,
    allowed_docs: np.ndarray | None,
    expand: bool,
    stages: bool,
    apply_dates: bool,
) -> dict[str, Any]:
    """Search the archive within the current query budget; see the module doc. Raises only for bad page/per_page/sort
    values and IndexUnavailableError; a malformed query is searched as plain words.

    A query that finds FEW_HITS articles or fewer (or whose string as typed does) gets
    `suggestions` (did-you-mean, see `corrections`); one that finds none, when the best correction finds some,
    gives that correction's results, with `corrected` = {"from", "to"} and a notice.

    With `stages`, a query whose string is not found goes through indexer.search.stages (its
    words, without function words, any of them): `stage` names the one searched, its
    notices lead the warnings, and in the ``any`` stage each hit lists the words it holds.

    With `apply_dates`, a date typed beside other words (2023年3月 交通) is applied as the
    date filter (indexer.search.dateq): `date_applied` = {"term", "from", "to"} and a notice; the
    undo is the same search with `apply_dates=False` (`dates=text` in a URL).

    `expand`: also search the other names of a short or full name (indexer.search.aliases),
    ranked after the literal form; a query in pinyin that finds nothing is searched as the
    Hanzi it reads as (indexer.search.pinyin).

    `allowed_docs` (access rules, issue 21): the reader's documents. It is part of the
    filter set, so the stages, counts, facets, corrections and readings see only those."""
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}")
    if not 1 <= page <= MAX_PAGE:
        raise ValueError(f"page must be between 1 and {MAX_PAGE}")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise ValueError(f"per_page must be between 1 and {MAX_PER_PAGE}")
    s = handle.searcher()
    snap = snapshot(handle)
    net = substring_net(handle)
    parsed = q.parse_query(query)
    period = None
    given = filters
    if apply_dates:
        parsed, period = dateq.apply(parsed)
        if period is not None:
            filters = dataclasses.replace(
                filters, date_from=max(period.start, filters.date_from or period.start),
                date_to=min(period.end, filters.date_to or period.end))
    kf = key_facets(handle)
    allowed = filter_set(s, snap, filters, kf)
    allowed = allowed if allowed_docs is None else allowed & allowed_docs  # access (issue 21)
    unstatused = allowed  # [citations] the 效力 facet counts without its own filter (OR)
    by_status = cg.status_filter(handle, filters.status, allowed_docs)
    allowed = allowed if by_status is None else allowed & by_status
    offered: list[dict[str, Any]] | None = None

    def offer() -> list[dict[str, Any]]:
        nonlocal offered
        if offered is None:
            # the query as searched: without a date applied as the filter
            offered = corrections(handle, query.replace(period.term, " ", 1).strip() if period else query, filters,
                                  allowed_docs)
        return offered

    plan = st.Plan("exact", parsed.tree)
    exact_n: int | None = None
    if parsed.tree is None:
        ev = Evaluator(s, snap.live, net)
        found = np.zeros(snap.n, dtype=bool) if parsed.nothing else snap.live
    elif not stages:
        ev = Evaluator(s, snap.live, net)
        found = budget.attempt(lambda: ev.evaluate(parsed.tree), np.zeros(snap.n, dtype=bool))
    else:
        plan, ev, found, ctx = _staged(s, snap, net, parsed, query, allowed, offer if correct else lambda: [],
                                       handle if correct else None)
        exact_n = ctx.counts.get("exact")
    # [understand] short and full names: the literal form OR its other names (indexer.search.aliases)
    wide = None
    if expand and plan.stage not in ("exact", "correction"):
        wide = budget.attempt(lambda: uh.typed_names(handle, s, snap, net, parsed, allowed), None)  # names first
        if wide is not None:
            plan, ev, found = st.Plan("exact", parsed.tree), wide.ev, np.zeros(snap.n, dtype=bool)
    if expand and wide is None:
        wide = budget.attempt(lambda: uh.alias_expansion(handle, s, snap, net, plan.tree), None)
    literal = found
    if wide is not None:
        found = found | wide.found
    found = found if allowed_docs is None else found & allowed_docs  # access (issue 21)
    matched = found & allowed
    if wide is not None:
        wide.extra = int(np.count_nonzero(matched & ~literal))
        if not wide.extra:  # the other names found nothing more: as if not expanded
            wide, found, matched = None, literal, literal & allowed
    # The 地区 facet counts without its own filter, so that other units can be added (OR).
    unregioned = matched
    if filters.region:
        unregioned = found & filter_set(s, snap, dataclasses.replace(filters, region=()), kf)
    docs = np.flatnonzero(matched)
    issue_offers: list[dict[str, Any]] = []
    for number, year in ev.issues[:1]:  # 第十一期: the issues of that number among the matches, as filters
        of_issue = matched & (snap.issue == number)
        if year is not None:
            of_issue &= snap.docs_with("year", (year,))
        issue_offers = [{"value": bid, "label": snap.issues[bid]["label"], "count": n}
                        for bid, n in snap.top_issues(np.flatnonzero(of_issue), MAX_ISSUE_OFFERS)]
    k = page * per_page
    if sort == "oldest":
        ordered = oldest(docs, snap, k)
    elif parsed.tree is None or sort == "date":  # (nothing to rank by)
        ordered = by_date(matched, snap, k)
    elif wide is not None:  # [understand] the literal form first, then its other names
        ordered = uh.literal_first(net, snap, ev, wide, literal & allowed, matched, k)
    else:
        ordered = by_relevance(net, snap, ev, docs, k, plan)
        ordered = serial_first(s, query, matched, ordered)  # staff: a query that is a 发文字号
    total = len(docs)

    def shown(out: dict[str, Any]) -> dict[str, Any]:
        """`out` with its page (the hits: stored records read, snippets made) and its facet
        counts: made only for the result returned, never for one given up for the results of a
        pinyin reading or a correction (each search of those makes its own)."""
        rx = term_regex(ev.highlight + (wide.ev.highlight if wide is not None else []))
        hits = [hit(s, snap, d, rx) for d in ordered[(page - 1) * per_page : k]]
        cg.label_hits(handle, hits, ordered[(page - 1) * per_page : k], allowed_docs)  # [citations] 效力
        if plan.any_words:  # the ranked OR: how many of the words each article holds
            for h, d in zip(hits, ordered[(page - 1) * per_page : k]):
                held = [w for w in plan.any_words if _holds(ev, w, d)]
                h["words_held"] = {"words": held, "count": len(held), "of": len(plan.any_words)}
        out["hits"] = hits
        out["facets"] = {**facets(snap, docs, matched, kf, filters, unregioned),
                         "status": cg.status_facet(handle, found & unstatused, allowed_docs)}  # [citations]
        return out

    out = {
        "query": query,
        "total": total,
        "page": page,
        "pages": max(1, math.ceil(total / per_page)),
        "per_page": per_page,
        "sort": sort,
        "filters": given.to_dict(),
        "hits": [],  # the page and the facets: made by `shown` for the result returned
        "facets": {},
        "terms": ev.terms,
        "warnings": [*([dateq.notice(period)] if period else []), *plan.notices, *parsed.warnings],
        "suggestions": [],
        "corrected": {"from": plan.corrected[0], "to": plan.corrected[1]} if plan.corrected else None,
        # dates typed in the query, to offer as filters: {"field", "value", "term"}
        "date_filters": [{"field": f, "value": v, "term": t} for f, v, t in parsed.dates],
        # how the query was searched (indexer.search.stages): exact, correction, words, content, any …
        "stage": plan.stage,
        "rewrite": plan.info or None,
        # a date typed with other words, applied as the date filter: {"term", "from", "to"}
        # the issues a query naming one (第十一期) holds, offered as filters: {"value", "label", "count"}
        "issue_offers": issue_offers,
        "date_applied": {"term": period.term, "from": period.start.isoformat(), "to": period.end.isoformat()}
        if period else None,
    }
    if wide is not None:  # [understand]
        out["expanded"] = wide.to_dict()
        out["warnings"].append(wide.notice())
    if correct and plan.corrected:
        out["suggestions"] = offer()
        return shown(out)
    # A string found a few times as typed (垃圾分累) is offered its correction even when the
    # stages went on to find more by its words.
    few = total <= FEW_HITS or (exact_n is not None and 0 < exact_n <= FEW_HITS)
    # [understand] letters found nowhere as typed: their pinyin reading comes before what the
    # word stages made of them (zǒnglǐ yìzhǎng is no words of the archive)
    absent = exact_n == 0 and uh.may_be_pinyin(query)
    if correct and parsed.tree is not None and (few or absent) and not budget.exhausted():
        # [understand] pinyin read as Hanzi: searched instead when the letters find nothing
        visible = snap.live if allowed_docs is None else snap.live & allowed_docs  # access (issue 21)
        read = budget.attempt(lambda: uh.pinyin_reading(handle, s, snap, net, query, visible), None)
        if read is not None and (read.count > total or absent):
            if total == 0 or absent:
                result = search(handle, read.text, given, sort, page, per_page, correct=False, stages=stages,
                                apply_dates=apply_dates, expand=expand, allowed_docs=allowed_docs)
                result.update(query=query, pinyin={"from": query, "to": read.text, "kind": read.kind},
                              suggestions=[{"query": t, "count": n} for t, n in read.others])
                result["warnings"] = [uh.pinyin_notice(query, read), *result["warnings"]]
                if page == 1 and sort == "relevance":  # [understand] each likely reading on the first page
                    budget.attempt(lambda: uh.blend_readings(s, snap, net, result, read, allowed), None)
                return result
            out["suggestions"] = [{"query": t, "count": n} for t, n in ((read.text, read.count), *read.others)]
            return shown(out)
        if not few:
            return shown(out)
        if total == 0 and offer() and not budget.exhausted():
            to = offer()[0]["query"]
            result = search(handle, to, given, sort, page, per_page, correct=False, stages=stages,
                            apply_dates=apply_dates, expand=expand, allowed_docs=allowed_docs)
            result.update(query=query, corrected={"from": query, "to": to}, suggestions=offer())
            result["warnings"] = [f"没有找到“{query}”，以下是“{to}”的结果", *result["warnings"]]
            return result
        out["suggestions"] = offer()
    return shown(out)


def _staged(s: Any, snap: Snapshot, net: Net, parsed: q.Parsed, query: str, allowed: np.ndarray,
            offer: Any, fixer: IndexHandle | None = None) -> tuple[st.Plan, Evaluator, np.ndarray, st.Context]:
    """Run the stages (indexer.search.stages) on the parsed query: the plan searched, its evaluator
    (its matches, for ranking and marking), the documents it finds, and the context. `fixer` (the index
    whose words correct a word found nowhere, the ``fixed`` stage; None: no such corrections)."""
    tried: dict[Any, tuple[Evaluator, np.ndarray]] = {}

    def evaluate(tree: q.Node) -> tuple[Evaluator, np.ndarray]:
        if tree not in tried:
            ev = Evaluator(s, snap.live, net)
            tried[tree] = (ev, ev.evaluate(tree))
        return tried[tree]

    def count(tree: q.Node) -> int:
        return int(np.count_nonzero(evaluate(tree)[1] & allowed))

    def correction() -> str | None:
        got = offer()
        return got[0]["query"] if got else None

    def uses(tree: q.Node, runs: tuple[str, ...]) -> tuple[int, int]:
        anywhere = evaluate(tree)[1] & allowed
        titled = anywhere.copy()
        for r in runs:
            us = unit_string(r)
            f = net.find(us)
            in_title, in_text = lined_up(f, us, "title"), lined_up(f, us, "text")
            for mask, held in ((anywhere, in_title | in_text), (titled, in_title)):
                keep = np.zeros(snap.n, dtype=bool)
                keep[f.docs[held]] = True
                mask &= keep
        return int(np.count_nonzero(anywhere)), int(np.count_nonzero(titled))

    ctx = st.Context(query, parsed, count, correction, word_fixer(fixer, count) if fixer is not None else None,
                     uses=uses)
    plan, _n = st.run(ctx)
    nothing = (Evaluator(s, snap.live, net), np.zeros(snap.n, bool))
    # (the plan's tree was counted, so evaluated, unless the budget ran out on the first stage)
    ev, found = budget.attempt(lambda: evaluate(plan.tree), nothing) if plan.tree is not None else nothing
    return plan, ev, found, ctx


def word_fixer(handle: IndexHandle, count: Any) -> Any:
    """For the ``fixed`` stage: (a word found nowhere, the query's other words) → the word's
    one-character correction (Lexicon.replacements: the index's own pairs of characters) that
    `count` (a tree → articles, any backend) finds in the most articles with the other words,
    a sound-alike weighted before a look-alike; None when none is found with them."""

    def fix(word: str, others: list[str]) -> str | None:
        rest = tuple(q.Term(o) for o in others)
        best: tuple[float, str] | None = None
        for cand, weight in lexicon(handle).replacements(handle.searcher(), word):
            node = st.word_node(count, cand)
            n = int(count(q.And((node, *rest)) if rest else node))
            if n and (best is None or n * weight > best[0]):
                best = (n * weight, cand)
        return best[1] if best else None

    return fix


def _holds(ev: Evaluator, word: str, docnum: int) -> bool:
    """Whether the document holds `word` (a term of the evaluated tree)."""
    for term, m in ev.by_term.items():
        if term.text == word:
            docs = m.found.docs_in(m.texts)
            i = int(np.searchsorted(docs, docnum))
            return i < len(docs) and int(docs[i]) == docnum
    return False


def _plain_terms(node: q.Node | None) -> list[q.Term]:
    """The positive text terms of a tree (those a typo can be in)."""
    if node is None:
        return []
    if isinstance(node, q.Term):
        return [node] if node.field in (None, "title", "text") else []
    if isinstance(node, q.Not):
        return []
    return [t for c in node.children for t in _plain_terms(c)]


@names_damage
def corrections(
    handle: IndexHandle, query: str, filters: Filters = Filters(), allowed_docs: np.ndarray | None = None,
    count: Any = None,
) -> list[dict[str, Any]]:
    """Did-you-mean: the query with one term corrected (or every term that finds few),
    with how many articles the corrected query finds within `filters`. Each weak term's
    corrections are ranked by how many articles hold the corrected string, those of the
    same length (a character replaced or two swapped) before those with one dropped;
    only corrections finding more than the query itself are offered.

    `count` (a parsed tree → articles, within the filters and the reader's access): where the
    counts come from when another backend searches (indexer.search.backend_search); the
    candidates are always the index's own words.

    Within the query's CPU budget (indexer.search.budget): when it runs out, the corrections
    counted so far are offered."""
    with budget.query(), handle.pinned():
        return _corrections(handle, query, filters, allowed_docs, count)


def _corrections(handle: IndexHandle, query: str, filters: Filters, allowed_docs: np.ndarray | None,
                 count: Any) -> list[dict[str, Any]]:
    s = handle.searcher()
    snap = snapshot(handle)
    net = substring_net(handle)
    allowed = filter_set(s, snap, filters, key_facets(handle))
    allowed = allowed if allowed_docs is None else allowed & allowed_docs  # access (issue 21)
    by_status = cg.status_filter(handle, filters.status, allowed_docs)  # [citations]
    allowed = allowed if by_status is None else allowed & by_status
    lex = lexicon(handle)

    def found(text: str) -> int:
        tree = q.parse_query(text).tree
        if tree is None:
            return 0
        if count is not None:  # another backend's counts (issue 23)
            return int(count(tree))
        return int(np.count_nonzero(Evaluator(s, snap.live, net).docs(tree) & allowed))

    options: dict[str, int] = {}
    weights: dict[str, float] = {}  # [understand] each option's edit weight (suggest.plausible)
    try:
        own = _options(handle, s, snap, net, lex, query, allowed, count, found, options, weights)
    except budget.Spent:  # the corrections counted so far
        own = 0
    order = {fq: i for i, fq in enumerate(options)}  # the best-weighted corrections were offered first
    ranked_opts = sorted(((n, fq) for fq, n in options.items() if n > own), key=lambda nq: order[nq[1]])
    offered = [{"query": fq, "count": n, "weight": weights.get(fq, 1.0)} for n, fq in ranked_opts]
    return plausible(offered)[:MAX_CORRECTIONS]  # [understand] no nonsense second choice


def _options(handle: IndexHandle, s: Any, snap: Snapshot, net: Net, lex: Lexicon, query: str, allowed: np.ndarray,
             count: Any, found: Any, options: dict[str, int], weights: dict[str, float]) -> int:
    """Fill `options` (each corrected query → what it finds) and `weights`; what the query
    itself finds (a correction must find more)."""
    terms = list(dict.fromkeys(_plain_terms(q.parse_query(query).tree)))
    # a term that finds nothing is corrected; one that finds a few only when it is short
    # (a word's typo): a long phrase that finds one article found what it was after
    weak = []
    for t in terms:
        if q.issue_ref(t.text) is not None:  # [understand] 第十一期 names an issue: no typo to correct
            continue
        if uh.known_name(handle, net, t.text):  # [understand] a name of the alias table is no typo
            continue
        n = found(f'"{t.text}"' if t.field is None else f"{t.field}:{t.text}")
        if n == 0 or (n <= FEW_HITS and len(t.text) <= FEW_HITS_TERM):
            weak.append(t)
    best_each: list[tuple[str, str]] = []
    for t in weak:
        ranked = []
        # [understand] two characters when one replaced finds nothing (one dropped is a poorer guess)
        for cands in (lex.candidates, uh.two_characters(handle, lex, snap, net)):
            for cand, weight in cands(s, t.text):
                budget.check()
                cand_tree = q.Term(cand, field=t.field)
                n = int(count(cand_tree)) if count is not None else \
                    int(np.count_nonzero(Evaluator(s, snap.live, net).docs(cand_tree) & allowed))
                if n:
                    ranked.append((weight, n, cand))
            if any(w >= 1.0 for w, _n, _c in ranked):
                break
        # same-length corrections first (a shorter string is always found more often)
        ranked.sort(key=lambda wnc: (-wnc[0], -wnc[1], wnc[2]))
        best = [(n, cand) for _w, n, cand in ranked]
        if best:
            best_each.append((t.text, best[0][1]))
        weight_of = {cand: w for w, _n, cand in ranked}
        for _n, cand in best[:MAX_CORRECTIONS]:
            fixed = query.replace(t.text, cand, 1)
            options.setdefault(fixed, found(fixed))
            weights.setdefault(fixed, weight_of[cand])
    if len(best_each) > 1:
        fixed = query
        for old, new in best_each:
            fixed = fixed.replace(old, new, 1)
        options.setdefault(fixed, found(fixed))
    return found(query)  # a correction must find more than the query itself


@names_damage
def suggest(
    handle: IndexHandle, prefix: str, limit: int = 10, allowed_docs: np.ndarray | None = None
) -> list[dict[str, Any]]:
    """Autocomplete: frequent words and names of the index, then titles (of the newest
    articles), that start with `prefix`."""
    prefix = " ".join(prefix.split())[:50]
    if not prefix or not units(prefix):
        return []
    s = handle.searcher()
    snap = snapshot(handle)
    words = lexicon(handle).words(s, normalize(prefix), limit, allowed_docs)  # access (issue 21): counted over it
    docs = Evaluator(s, snap.live, substring_net(handle)).docs(q.Term(prefix, field="title"))
    docs = docs if allowed_docs is None else docs & allowed_docs  # access (issue 21)
    titles: Counter[str] = Counter()
    for d in by_date(docs, snap, SUGGEST_TITLES):
        title = " ".join((s.stored_fields(d).get("title") or "").split())
        if title.startswith(prefix) and title != prefix:
            titles[title] += 1
    ranked = sorted(titles.items(), key=lambda tn: (-tn[1], tn[0]))
    # [understand] multi-word phrases of the archive (垃圾 → 垃圾分类); near-duplicate titles as one
    return complete(words, ranked, limit, phrases(substring_net(handle), normalize(prefix), live=snap.live if allowed_docs is None else snap.live & allowed_docs))
