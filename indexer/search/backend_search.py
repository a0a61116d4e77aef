"""Search through the backend seam (indexer.search.backend): a query string and filters → the same
dict as indexer.search.engine.search(), for a backend other than the embedded index (MariaDB).

What it keeps of the archive: the parser and its notices (indexer.search.query), the date typed
with other words applied as the date filter (indexer.search.dateq), the query stages
(indexer.search.stages: their counts are the backend's), did-you-mean (indexer.search.engine
.corrections, counting through the backend), short and full names and pinyin readings
(indexer.search.understand), the 效力 facet and filter (indexer.search.citegraph), the exact
result set and the facet counts over all of it, the issues a query naming one (第十一期) offers
as filters, the hits' shape, marks and snippets. The
candidates those draw on are the embedded index's vocabulary (`index`); the order is the
backend's `ranked`. Access rules are the backend's own restriction (`restrict`). Not here:
the 地区 facet is counted over the matches with its filter.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from archive.labels import issue_label
from indexer.search import compiler, dateq
from indexer.search import query as q
from indexer.search import stages as st
from indexer.search import understand as uh
from indexer.search import budget
from indexer.search.engine import FEW_HITS, MAX_ISSUE_OFFERS, stopped
from indexer.store.analysis import unit_string, units, units_string
from indexer.search.evaluate import Filters
from indexer.search.keyfacets import region_facet
from indexer.search.results import ISSUE_FACET_LIMIT, _by_count, record_hit
from indexer.search.snippets import term_regex

SORTS = ("relevance", "date")


def _label(r: dict[str, Any]) -> str:
    from archive.labels import iso_from_yyyymmdd

    return issue_label(r.get("series"), r.get("year"), r.get("issue") or None, iso_from_yyyymmdd(r.get("date")) or None)


def _units(node: q.Node | None) -> list[tuple[str, ...]]:
    if node is None or isinstance(node, q.Not):
        return []
    if isinstance(node, q.Term):
        c = compiler.compile_term(node)
        return [c.units] if c.units else []
    return [u for ch in node.children for u in _units(ch)]


def _vocabulary(index: Any) -> Any:
    """The embedded index whose words, aliases and pinyin readings the understanding uses
    (the one `index`/`add --backend` wrote beside the backend), or None when it cannot be read."""
    if index is None:
        return None
    from indexer.store.handles import IndexCorruptError, IndexUnavailableError

    try:
        index.searcher()
    except (IndexUnavailableError, IndexCorruptError):
        return None
    return index


def _statuses(vocab: Any, allowed_docs: Any) -> dict[str, set[str]]:
    """The 效力 values (indexer.search.citegraph) as the reader sees them, as article ids: the
    citation graph is the archive's own, made from the embedded index's texts."""
    import numpy as np

    from indexer.search import citegraph as cg

    if vocab is None:
        return {v: set() for v in cg.STATUSES}
    s = vocab.searcher()
    return {v: {s.stored_fields(int(d))["article_id"] for d in np.flatnonzero(m)}
            for v, m in cg.statuses(vocab, allowed_docs).items()}


def search(backend: Any, query: str, filters: Filters = Filters(), sort: str = "relevance", page: int = 1,
           per_page: int = 20, apply_dates: bool = True, index: Any = None, allowed_docs: Any = None,
           correct: bool = True, expand: bool = True, stages: bool = True) -> dict[str, Any]:
    """indexer.search.engine.search()'s dict over `backend` (see `_search`), with the 效力 facet and
    filter: the articles of each status as the reader sees them, counted within the backend's set."""
    from indexer.search import citegraph as cg

    vocab = _vocabulary(index)
    statuses = _statuses(vocab, allowed_docs)
    statused = set().union(*statuses.values())  # only these of a set are read back (`_ids`)
    chosen = set().union(*(statuses.get(v, set()) for v in filters.status)) if filters.status else None
    backend.within(chosen)
    outer = budget.current() is None
    try:
        with budget.query() as spent:  # the same CPU budget as the embedded index's (indexer.search.budget)
            out = _search(backend, query, filters, sort, page, per_page, apply_dates, index, allowed_docs, correct,
                          expand, stages, statused)
        if outer:
            stopped(out, spent)
        if chosen is not None:  # the facet counts without its own filter (OR), as the embedded index's
            backend.within(None)
            plain = out.get("pinyin", {}).get("to") or (out.get("corrected") or {}).get("to") or query
            unstatused = set(_search(backend, plain, filters, sort, 1, 1, apply_dates, index, allowed_docs,
                                     False, expand, stages, statused)["_ids"])
        else:
            unstatused = set(out["_ids"])
    finally:
        backend.within(None)
    del out["_ids"]
    out["facets"]["status"] = [{"value": v, "count": n} for v in cg.STATUSES
                               if (n := len(statuses[v] & unstatused))]
    for h in out["hits"]:
        h["status"] = next((v for v in (cg.REPEALED, cg.REVISED, cg.IN_FORCE) if h["article_id"] in statuses[v]), None)
    return out


def _search(backend: Any, query: str, filters: Filters = Filters(), sort: str = "relevance", page: int = 1,
            per_page: int = 20, apply_dates: bool = True, index: Any = None, allowed_docs: Any = None,
            correct: bool = True, expand: bool = True, stages: bool = True,
            statused: frozenset[str] | set[str] = frozenset()) -> dict[str, Any]:
    """indexer.search.engine.search()'s dict over `backend` (see the module doc). Raises
    BackendUnavailableError (indexer.search.backend) when a server, shard or replica is down.

    `index`: the embedded index (an IndexHandle) whose vocabulary the query stages, did-you-mean,
    aliases and pinyin draw their candidates from; every set and count is the backend's, within
    its restriction (the reader's access rules, `backend.restrict`). `allowed_docs`: the same
    reader's mask over that index, for the pinyin readings' choice (None: every article)."""
    sort = sort if sort in SORTS else "date"  # oldest first: by date here
    vocab = _vocabulary(index)
    parsed = q.parse_query(query)
    given = filters
    period = None
    if apply_dates:
        parsed, period = dateq.apply(parsed)
        if period is not None:
            filters = dataclasses.replace(filters, date_from=max(period.start, filters.date_from or period.start),
                                          date_to=min(period.end, filters.date_to or period.end))
    tried: dict[Any, int] = {}
    found: dict[Any, Any] = {}  # the sets evaluated whole (total and facet counts), by tree

    def count(tree: q.Node) -> int:  # within the filters and the reader's access (the backend's SQL)
        if tree not in tried:
            if tree == parsed.tree:  # the query as typed: most often the set shown, evaluated once for both
                found[tree] = backend.evaluate(tree, filters)
                tried[tree] = found[tree].total
            else:
                tried[tree] = backend.count(tree, filters)
        return tried[tree]

    offered: list[dict[str, Any]] | None = None

    def offer() -> list[dict[str, Any]]:
        nonlocal offered
        if offered is None:
            from indexer.search.engine import corrections

            typed = query.replace(period.term, " ", 1).strip() if period else query
            offered = corrections(vocab, typed, filters, allowed_docs, count=count) if vocab is not None else []
        return offered

    plan = st.Plan("exact", parsed.tree)
    exact_n: int | None = None
    if parsed.tree is not None and stages and not parsed.nothing:
        from indexer.search.engine import word_fixer

        ctx = st.Context(query, parsed, count, lambda: (offer()[0]["query"] if correct and offer() else None),
                         word_fixer(vocab, count) if correct and vocab is not None else None)
        plan, _n = st.run(ctx)
        exact_n = ctx.counts.get("exact")
    tree = plan.tree
    expanded: dict[str, Any] | None = None
    if expand and vocab is not None and parsed.tree is not None:  # short and full names (indexer.search.aliases)
        from indexer.search.understand import expand_names

        typed = expand_names(vocab, parsed.tree) if plan.stage not in ("exact", "correction") else None
        if typed is not None and count(typed[0]):  # a name typed whole before its words
            plan, tree = st.Plan("exact", parsed.tree), typed[0]
            expanded = {"names": typed[1], "extra": count(q.And((typed[0], q.Not(parsed.tree))))}
        else:
            wide = expand_names(vocab, tree)
            if wide is not None and tree is not None:
                extra = count(q.And((wide[0], q.Not(tree))))
                if extra:
                    tree, expanded = wide[0], {"names": wide[1], "extra": extra}
    if parsed.nothing or tree is None and parsed.tree is not None:
        tree = q.Term("\x00")  # finds nothing, as the embedded index
    m = found[tree] if tree in found else backend.evaluate(tree, filters)
    k = page * per_page
    ordered = backend.ranked(tree, m, k, "date" if tree is None else sort, filters, runs=plan.runs,
                             held=plan.any_words) if m.total else []
    shown = ordered[(page - 1) * per_page : k]
    rx = term_regex(_units(tree))
    shown_records = backend.records(shown)
    hits = [record_hit(r, _label(r), rx) for r in shown_records]
    if plan.any_words:  # the ranked OR: how many of the words each article holds
        for h, r in zip(hits, shown_records):
            held = [w for w in plan.any_words if _holds(r, w)]
            h["words_held"] = {"words": held, "count": len(held), "of": len(plan.any_words)}
    counts = backend.facet_counts(m)
    issues = counts["bulletin"].most_common(ISSUE_FACET_LIMIT)
    named = _issue_named(tree) if m.total else None  # 第十一期: the issues of that number among the matches
    offers = backend.issue_offers(m, named[0], named[1], MAX_ISSUE_OFFERS) if named else []
    labels = backend.issue_labels([v for v, _n in [*issues, *offers]])  # 简报 第5期 (2023-…), as the embedded facet
    facets = {
        "city": _by_count(counts["city"]),
        "year": [{"value": v, "count": n} for v, n in sorted(counts["year"].items(), reverse=True)],
        "month": [{"value": v, "count": n} for v, n in sorted(counts["month"].items())],
        "issue": [{"value": v, "label": labels.get(v, v), "count": n} for v, n in issues],
        "region": region_facet(counts["region"], filters.region),
        "doc_type": [{"value": v, "count": n} for v, n in counts["doc_type"].most_common()],
        "series": _by_count(counts["series"]),
        "issuer": _by_count(counts["organ"]),
        "topic": _by_count(counts["topic"]),
    }
    out = {
        "query": query, "total": m.total, "page": page, "pages": max(1, math.ceil(m.total / per_page)),
        "per_page": per_page, "sort": sort, "filters": given.to_dict(), "hits": hits, "facets": facets,
        "terms": [t for t in query.split() if t], "warnings": [*([dateq.notice(period)] if period else []),
                                                              *plan.notices, *parsed.warnings],
        "suggestions": [], "corrected": {"from": plan.corrected[0], "to": plan.corrected[1]} if plan.corrected else None,
        "date_filters": [{"field": f, "value": v, "term": t} for f, v, t in parsed.dates],
        "stage": plan.stage, "rewrite": plan.info or None,
        "issue_offers": [{"value": v, "label": labels.get(v, v), "count": n} for v, n in offers],
        "date_applied": {"term": period.term, "from": period.start.isoformat(), "to": period.end.isoformat()}
        if period else None,
        "backend": backend.name,
        # the matched article ids that have a 效力 (for its facet; not returned): only those are read
        "_ids": backend.article_ids(m, among=statused) if m.total and statused else [],
    }
    if expanded is not None:
        names = expanded["names"]
        out["expanded"] = {"names": {t: list(v) for t, v in names.items()}, "extra": expanded["extra"]}
        shown_names = "；".join(f"“{t}”也检索了{'、'.join(f'“{n}”' for n in ns)}" for t, ns in names.items())
        out["warnings"].append(f"{shown_names}（同一名称的简称或全称，排在原词的结果之后）")
    if not correct or vocab is None:
        return out
    again = dict(index=index, allowed_docs=allowed_docs, correct=False, expand=expand, stages=stages,
                 apply_dates=apply_dates, statused=statused)
    if plan.corrected:
        out["suggestions"] = offer()
        return out
    total = m.total
    few = total <= FEW_HITS or (exact_n is not None and 0 < exact_n <= FEW_HITS)
    absent = exact_n == 0 and uh.may_be_pinyin(query)
    if parsed.tree is None or not (few or absent) or budget.exhausted():
        return out
    from indexer.search.engine import snapshot, substring_net

    snap = snapshot(vocab)
    visible = snap.live if allowed_docs is None else snap.live & allowed_docs  # access (issue 21)
    read = budget.attempt(lambda: uh.pinyin_reading(vocab, vocab.searcher(), snap, substring_net(vocab), query,
                                                    visible), None)
    if read is not None:  # the backend's counts (within the filters) of the readings
        read_n = count(q.parse_query(read.text).tree) if q.parse_query(read.text).tree is not None else 0
        others = [{"query": t, "count": n} for t, _n in read.others
                  if (n := count(q.parse_query(t).tree) if q.parse_query(t).tree is not None else 0)]
        if read_n > total or absent:
            if total == 0 or absent:
                result = _search(backend, read.text, given, sort, page, per_page, **again)
                result.update(query=query, pinyin={"from": query, "to": read.text, "kind": read.kind},
                              suggestions=others)
                result["warnings"] = [uh.pinyin_notice(query, read), *result["warnings"]]
                if page == 1 and sort == "relevance" and result["hits"]:  # each likely reading on page 1
                    shown = {h["article_id"] for h in result["hits"]}
                    blended = []
                    for t in uh.readings_to_blend(read):
                        top = _search(backend, t, given, sort, 1, uh.BLEND_READINGS + 1, **again)["hits"]
                        h = next((h for h in top if h["article_id"] not in shown), None)
                        if h is not None:
                            shown.add(h["article_id"])
                            blended.append({**h, "reading": t})
                    uh.splice_blended(result, blended)
                return result
            out["suggestions"] = [{"query": read.text, "count": read_n}, *others]
            return out
    if not few:
        return out
    if total == 0 and offer():
        to = offer()[0]["query"]
        result = _search(backend, to, given, sort, page, per_page, **again)
        result.update(query=query, corrected={"from": query, "to": to}, suggestions=offer())
        result["warnings"] = [f"没有找到“{query}”，以下是“{to}”的结果", *result["warnings"]]
        return result
    out["suggestions"] = offer()
    return out


def _issue_named(node: q.Node | None) -> tuple[int, int | None] | None:
    """The first issue a positive term of the tree names (第十一期, 2022年第11期): (number, year
    or None), as indexer.search.evaluate.Evaluator.issues holds them."""
    if node is None or isinstance(node, q.Not):
        return None
    if isinstance(node, q.Term):
        return compiler.compile_term(node).issue
    for ch in node.children:
        found = _issue_named(ch)
        if found is not None:
            return found
    return None


def _holds(record: dict[str, Any], word: str) -> bool:
    """Whether the article holds `word` (its units, in its title or text)."""
    needle = units_string(units(word))
    head = record.get("head") or ""
    return any(needle in unit_string(t) for t in (record.get("title") or "", f"{head}\n{record.get('text') or ''}"))
