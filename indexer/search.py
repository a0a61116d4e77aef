"""Search the archive: a query string and filters → one JSON-ready dict.

The result set is exact and computed without scoring: each term's character
query gives a set of documents, combined by AND/OR/NOT and intersected with
the filters (from in-memory columns). Facet counts are taken over that whole
set. Only ranking touches scores: whole-word matches are ranked by BM25 and
come first; articles matching only as a substring follow, newest first.
Snippets are made for the page shown and nothing else.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import heapq
import itertools
import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

from whoosh import query as wq
from whoosh.searching import Searcher

from indexer import query as q
from indexer.facets import Snapshot, build_snapshot
from indexer.keyfacets import KeyFacets, build_keyfacets, region_facet
from indexer.analysis import normalize, units
from indexer.suggest import Lexicon, build_lexicon, complete
from indexer.matching import by_segment, positioned
from indexer.snippets import mark, snippet, term_regex
from indexer.substring import TermSets, substring_docs
from indexer.store import IndexHandle

SORTS = ("relevance", "date")
MAX_PER_PAGE = 100
MAX_PAGE = 10_000
ISSUE_FACET_LIMIT = 50
SCORE_ALL = 1000  # word matches scored by BM25 when there are no more than this
FEW_HITS = 2  # a query finding this many articles or fewer is offered corrections
FEW_HITS_TERM = 4  # … of its terms this short (any term that finds nothing)
MAX_CORRECTIONS = 3


@dataclass(frozen=True)
class Filters:
    """Facet filters: OR within one facet, AND across facets."""

    city: tuple[str, ...] = ()
    year: tuple[int, ...] = ()
    month: tuple[str, ...] = ()  # "2022-04"
    bulletin: tuple[str, ...] = ()  # bulletin ids (the issue facet)
    issue: int | None = None  # issue number within its year
    place: str | None = None
    series: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    region: tuple[str, ...] = ()  # unit paths of the 地区 facet: "江苏省/南京市"
    doc_type: tuple[str, ...] = ()  # 文种

    def to_dict(self) -> dict[str, Any]:
        return {
            "city": list(self.city),
            "year": list(self.year),
            "month": list(self.month),
            "bulletin": list(self.bulletin),
            "issue": self.issue,
            "place": self.place,
            "series": self.series,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "region": list(self.region),
            "doc_type": list(self.doc_type),
        }


def snapshot(handle: IndexHandle) -> Snapshot:
    return handle.shared("facets", build_snapshot)  # type: ignore[return-value]


def term_sets(handle: IndexHandle) -> TermSets:
    return handle.shared("terms", TermSets)  # type: ignore[return-value]


def key_facets(handle: IndexHandle) -> KeyFacets:
    return handle.shared("keyfacets", build_keyfacets)  # type: ignore[return-value]


def _filter_set(s: Searcher, snap: Snapshot, f: Filters, kf: KeyFacets) -> set[int] | frozenset[int]:
    docs: set[int] | frozenset[int] = snap.live
    for name, values in (("region", f.region), ("doc_type", f.doc_type)):
        if values:
            docs = docs & kf.docs_with(name, values)
    for name, values in (("city", f.city), ("year", f.year), ("month", f.month), ("bulletin", f.bulletin)):
        if values:
            docs = docs & snap.docs_with(name, values)
    if f.series:
        docs = docs & snap.docs_with("series", (f.series,))
    if f.issue is not None:
        docs = docs & set(s.docs_for_query(wq.NumericRange("issue", f.issue, f.issue)))
    if f.place:
        docs = docs & set(s.docs_for_query(wq.Term("place", f.place)))
    if f.date_from or f.date_to:
        lo = int(f.date_from.strftime("%Y%m%d")) if f.date_from else 0
        hi = int(f.date_to.strftime("%Y%m%d")) if f.date_to else 99999999
        date = snap.date
        docs = {d for d in docs if date[d] and lo <= date[d] <= hi}
    return docs


class _Evaluator:
    """Turns the parsed tree into the exact set of matching documents."""

    def __init__(self, s: Searcher, live: frozenset[int], sets: TermSets) -> None:
        self.s = s
        self.live = live
        self.sets = sets
        self.rank: list[wq.Query] = []
        self.worded: set[int] = set()  # documents holding all words of some positive term
        self.titled: set[int] = set()  # … in their title
        self.highlight: list[tuple[str, ...]] = []
        self.terms: list[str] = []

    def _text(self, docnum: int) -> str:
        f = self.s.stored_fields(docnum)
        return f"{f.get('title', '')}\n{f.get('text', '')}"

    def _all_words(self, field: str, words: tuple[str, ...]) -> frozenset[int]:
        out: frozenset[int] | None = None
        for w in sorted(words, key=lambda w: len(self.sets.docs(self.s, field, w))):
            d = self.sets.docs(self.s, field, w)
            out = d if out is None else out & d
            if not out:
                break
        return out or frozenset()

    def docs(self, node: q.Node, positive: bool = True) -> set[int] | frozenset[int]:
        if isinstance(node, q.Term):
            c = q.compile_term(node)
            if positive:
                if c.rank is not None:
                    self.rank.append(c.rank)
                    for f in c.fields:
                        docs = self._all_words(f, c.words)
                        self.worded |= docs
                        if f == "title":
                            self.titled |= docs
                self.highlight.extend(c.highlight)
                if c.highlight:
                    self.terms.append(node.text)
            out: set[int] | frozenset[int] = frozenset()
            for f in c.fields:
                gram, unit, word, pair = q.CHAR_FIELDS[f]
                out = out | substring_docs(self.s, self.sets, list(c.units), gram, unit, word, pair)
            if c.bounded is not None:  # 15万: not inside 9.15万 or 1115万
                out = {d for d in out if q.number_bounded(c, self._text(d))}
            if c.match is not None:
                out = out | set(self.s.docs_for_query(c.match))
            return out
        if isinstance(node, q.Not):
            return self.live - self.docs(node.child, not positive)
        if isinstance(node, q.Or):
            out: set[int] = set()
            for child in node.children:
                out |= self.docs(child, positive)
            return out
        pos = [c for c in node.children if not isinstance(c, q.Not)]
        neg = [c for c in node.children if isinstance(c, q.Not)]
        result: set[int] | frozenset[int] | None = None
        for child in pos:
            d = self.docs(child, positive)
            result = d if result is None else result & d
            if not result:
                break
        if result is None:
            result = self.live
        for child in neg:
            if not result:
                break
            result = result - self.docs(child.child, not positive)  # type: ignore[union-attr]
        return result


def _by_date(docs: Any, snap: Snapshot, k: int) -> list[int]:
    """The newest `k` of `docs`: a walk down the index's date order when they are
    many, a heap over them when they are few."""
    if len(docs) * 8 > len(snap.newest):
        return list(itertools.islice(filter(docs.__contains__, snap.newest), k))
    return heapq.nsmallest(k, docs, key=snap.rank.__getitem__)


def _top_scored(s: Searcher, rq: wq.Query, docs: Any, k: int) -> list[int]:
    """The `k` best of `docs` by Whoosh's BM25 for `rq`, visiting only those documents
    (a filtered Whoosh search walks every posting of the query instead)."""
    ctx = s.context(needs_current=True)
    scored: list[tuple[float, int]] = []
    for sub, offset, local in by_segment(s, docs):
        m = rq.matcher(sub, ctx)
        scored.extend((m.score(), -(d + offset)) for d in positioned(m, local))
    return [-negd for _score, negd in heapq.nlargest(k, scored)]


def _rank(s: Searcher, snap: Snapshot, ev: _Evaluator, matched: Any, k: int) -> list[int]:
    """The first `k` documents: whole-word matches first, then substring-only ones by date.

    Word matches are ranked by BM25 (Whoosh's scorer, title words weigh more)
    when there are at most SCORE_ALL of them. A word found in more articles
    than that says little about any one of them: those in whose title it
    stands are ranked by BM25 first, then the others newest first. Either
    way only the documents that rank are scored.
    """
    rank = ev.rank
    worded = ev.worded & matched
    if not rank or not worded:
        return _by_date(matched, snap, k)
    rq = rank[0] if len(rank) == 1 else wq.Or(rank)
    scored = worded if len(worded) <= SCORE_ALL else ev.titled & matched
    top: list[int] = []
    if scored and len(scored) <= SCORE_ALL:
        top = _top_scored(s, rq, scored, k)
    else:
        scored = set()
    if len(top) < k:
        top += _by_date(worded - scored, snap, k - len(top))
    if len(top) < k:
        top += _by_date(matched - worded, snap, k - len(top))
    return top


def _facets(snap: Snapshot, docs: Any, kf: KeyFacets, f: Filters, unregioned: Any) -> dict[str, list[dict[str, Any]]]:
    city = Counter(map(snap.city.__getitem__, docs))
    year = Counter(map(snap.year.__getitem__, docs))
    month = Counter(map(snap.month.__getitem__, docs))
    issue = Counter(map(snap.bulletin.__getitem__, docs))
    for c in (city, year, month, issue):
        c.pop(None, None)
    issues = snap.issues
    top_issues = heapq.nsmallest(
        ISSUE_FACET_LIMIT, issue.items(), key=lambda kv: (-kv[1], -(issues[kv[0]]["date"] or 0))
    )
    return {
        "city": [{"value": v, "count": n} for v, n in sorted(city.items(), key=lambda kv: (-kv[1], kv[0]))],
        "year": [{"value": v, "count": n} for v, n in sorted(year.items(), reverse=True)],
        "month": [{"value": v, "count": n} for v, n in sorted(month.items())],
        "issue": [
            {"value": v, "label": issues[v]["label"], "count": n} for v, n in top_issues[:ISSUE_FACET_LIMIT]
        ],
        "region": region_facet(kf.counts("region", unregioned), f.region),
        "doc_type": [{"value": v, "count": n} for v, n in kf.counts("doc_type", docs).most_common()],
    }


def _iso(yyyymmdd: int | None) -> str | None:
    if not yyyymmdd:
        return None
    return f"{yyyymmdd // 10000:04d}-{yyyymmdd // 100 % 100:02d}-{yyyymmdd % 100:02d}"


def _deepest(paths: list[str]) -> list[str]:
    """The units an article mentions, without the ancestors indexed with them."""
    paths = [p for p in paths if p]
    return [p for p in paths if not any(o.startswith(p + "/") for o in paths)]


def _hit(s: Searcher, snap: Snapshot, docnum: int, rx: Any) -> dict[str, Any]:
    f = s.stored_fields(docnum)
    bid = f.get("bulletin_id")
    return {
        "article_id": f.get("article_id"),
        "bulletin_id": bid,
        "series": f.get("series"),
        "issue": f.get("issue"),
        "year": f.get("year"),
        "date": _iso(f.get("date")),
        "city": f.get("city"),
        "place": f.get("place"),
        "regions": _deepest((f.get("region") or "").split(",")),
        "doc_type": f.get("doc_type"),
        "section": f.get("section"),
        "order": f.get("order"),
        "title": f.get("title", ""),
        "title_html": mark(f.get("title", ""), rx),
        "label": snap.issues.get(bid, {}).get("label", f.get("series")),
        "snippet": snippet(f.get("text", ""), rx),
    }


def search(
    handle: IndexHandle,
    query: str,
    filters: Filters = Filters(),
    sort: str = "relevance",
    page: int = 1,
    per_page: int = 20,
    correct: bool = True,
) -> dict[str, Any]:
    """Search the archive; see the module doc. Raises only for bad page/per_page/sort
    values and IndexUnavailableError; a malformed query is searched as plain words.

    A query that finds FEW_HITS articles or fewer gets `suggestions` (did-you-mean,
    see `corrections`); one that finds none, when the best correction finds some,
    gives that correction's results, with `corrected` = {"from", "to"} and a notice."""
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}")
    if not 1 <= page <= MAX_PAGE:
        raise ValueError(f"page must be between 1 and {MAX_PAGE}")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise ValueError(f"per_page must be between 1 and {MAX_PER_PAGE}")
    s = handle.searcher()
    snap = snapshot(handle)
    parsed = q.parse_query(query)
    kf = key_facets(handle)
    allowed = _filter_set(s, snap, filters, kf)
    ev = _Evaluator(s, snap.live, term_sets(handle))
    if parsed.tree is None:
        found = set() if parsed.nothing else snap.live
    else:
        found = ev.docs(parsed.tree)
    matched = found & allowed if allowed else set()
    # The 地区 facet counts without its own filter, so that other units can be added (OR).
    unregioned = matched
    if filters.region:
        unregioned = found & _filter_set(s, snap, dataclasses.replace(filters, region=()), kf)
    k = page * per_page
    if parsed.tree is None or sort == "date":  # (nothing to rank by)
        ordered = _by_date(matched, snap, k)
    else:
        ordered = _rank(s, snap, ev, matched, k)
    rx = term_regex(ev.highlight)
    total = len(matched)
    out = {
        "query": query,
        "total": total,
        "page": page,
        "pages": max(1, math.ceil(total / per_page)),
        "per_page": per_page,
        "sort": sort,
        "filters": filters.to_dict(),
        "hits": [_hit(s, snap, d, rx) for d in ordered[(page - 1) * per_page : k]],
        "facets": _facets(snap, matched, kf, filters, unregioned),
        "terms": ev.terms,
        "warnings": list(parsed.warnings),
        "suggestions": [],
        "corrected": None,
        # dates typed in the query, to offer as filters: {"field", "value", "term"}
        "date_filters": [{"field": f, "value": v, "term": t} for f, v, t in parsed.dates],
    }
    if correct and parsed.tree is not None and total <= FEW_HITS:
        found = corrections(handle, query, filters)
        if total == 0 and found:
            to = found[0]["query"]
            result = search(handle, to, filters, sort, page, per_page, correct=False)
            result.update(query=query, corrected={"from": query, "to": to}, suggestions=found)
            result["warnings"] = [f"没有找到“{query}”，以下是“{to}”的结果", *result["warnings"]]
            return result
        out["suggestions"] = found
    return out


def lexicon(handle: IndexHandle) -> Lexicon:
    return handle.shared("lexicon", build_lexicon)  # type: ignore[return-value]


def _plain_terms(node: q.Node | None) -> list[q.Term]:
    """The positive text terms of a tree (those a typo can be in)."""
    if node is None:
        return []
    if isinstance(node, q.Term):
        return [node] if node.field in (None, "title", "text") else []
    if isinstance(node, q.Not):
        return []
    return [t for c in node.children for t in _plain_terms(c)]


def corrections(handle: IndexHandle, query: str, filters: Filters = Filters()) -> list[dict[str, Any]]:
    """Did-you-mean: the query with one term corrected (or every term that finds few),
    with how many articles the corrected query finds within `filters`. Each weak term's
    corrections are ranked by how many articles hold the corrected string, those of the
    same length (a character replaced or two swapped) before those with one dropped;
    only corrections finding more than the query itself are offered."""
    s = handle.searcher()
    snap = snapshot(handle)
    sets = term_sets(handle)
    allowed = _filter_set(s, snap, filters, key_facets(handle))
    lex = lexicon(handle)

    def found(text: str) -> int:
        tree = q.parse_query(text).tree
        if tree is None:
            return 0
        return len(_Evaluator(s, snap.live, sets).docs(tree) & allowed)

    terms = list(dict.fromkeys(_plain_terms(q.parse_query(query).tree)))
    # a term that finds nothing is corrected; one that finds a few only when it is short
    # (a word's typo): a long phrase that finds one article found what it was after
    weak = []
    for t in terms:
        n = found(f'"{t.text}"' if t.field is None else f"{t.field}:{t.text}")
        if n == 0 or (n <= FEW_HITS and len(t.text) <= FEW_HITS_TERM):
            weak.append(t)
    options: dict[str, int] = {}
    best_each: list[tuple[str, str]] = []
    for t in weak:
        ranked = []
        for cand, weight in lex.candidates(s, t.text):
            n = len(_Evaluator(s, snap.live, sets).docs(q.Term(cand, field=t.field)) & allowed)
            if n:
                ranked.append((weight, n, cand))
        # same-length corrections first (a shorter string is always found more often)
        ranked.sort(key=lambda wnc: (-wnc[0], -wnc[1], wnc[2]))
        ranked = [(n, cand) for _w, n, cand in ranked]
        if ranked:
            best_each.append((t.text, ranked[0][1]))
        for _n, cand in ranked[:MAX_CORRECTIONS]:
            fixed = query.replace(t.text, cand, 1)
            options.setdefault(fixed, found(fixed))
    if len(best_each) > 1:
        fixed = query
        for old, new in best_each:
            fixed = fixed.replace(old, new, 1)
        options.setdefault(fixed, found(fixed))
    order = {fq: i for i, fq in enumerate(options)}  # the best-weighted corrections were offered first
    own = found(query)  # a correction must find more than the query itself
    ranked_opts = sorted(((n, fq) for fq, n in options.items() if n > own), key=lambda nq: order[nq[1]])
    return [{"query": fq, "count": n} for n, fq in ranked_opts[:MAX_CORRECTIONS]]


SUGGEST_TITLES = 200  # newest articles whose title holds the prefix, read for title completions


def suggest(handle: IndexHandle, prefix: str, limit: int = 10) -> list[dict[str, Any]]:
    """Autocomplete: frequent words and names of the index, then titles (of the newest
    articles), that start with `prefix`."""
    prefix = " ".join(prefix.split())[:50]
    if not prefix or not units(prefix):
        return []
    s = handle.searcher()
    snap = snapshot(handle)
    words = lexicon(handle).words(s, normalize(prefix), limit)
    docs = _Evaluator(s, snap.live, term_sets(handle)).docs(q.Term(prefix, field="title"))
    titles: Counter[str] = Counter()
    for d in _by_date(docs, snap, SUGGEST_TITLES):
        title = " ".join((s.stored_fields(d).get("title") or "").split())
        if title.startswith(prefix) and title != prefix:
            titles[title] += 1
    ranked = sorted(titles.items(), key=lambda tn: (-tn[1], tn[0]))
    return complete(words, ranked, limit)
