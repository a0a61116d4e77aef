"""Which archived document cites which: references resolved against the archive.

The references of each article's text (archive.references) are resolved once per
index version (IndexHandle.shared, like the facet columns), so `bulletins index` and
`bulletins add` bring the links up to date by making a new version: the new document's
own references and the cited-by lists and 效力 of what it cites alike. What a segment's
articles say is read once per process (segments never change; `CACHE_SEGMENTS`), so a
version after `add` reads only the new segment (xinwen: 2.7 CPU-s cold, 0.2 after).

Resolution, for precision:
- a 发文字号 by its year and 序号 exactly, its 机关代字 ending with the archived
  document's (the text's "依据国办发" is cut to 国办发 by archive.references; a longer
  prefix still ends with it); one document must remain;
- a 《title》 (without a number, or whose number is not archived) by the title
  normalised (indexer.store.analysis.normalize, white space and punctuation dropped) equal to
  one archived article's title; else to the 《…》 a title announces (印发《X》, 发布《X》:
  the article that published it; `PUBLISHED_TITLES`); else, for a cited title that
  starts with 关于, to a title from its 关于 on (the issuer left out: `ISSUER_OMITTED`).
  A title shorter than `MIN_TITLE_CHARS`, or held by more than one issue, stays
  unresolved.
A reference to the document's own issue is not a link.

效力 (status), per reader: a document that a later 公文 (same date or after) says it
废止 is 已废止 (news and 简报 only report it: `ACTS_ONLY_FROM_GONGWEN`), one it 修订 is
已修订 (废止 wins), any other 公文 is 现行有效; only citing documents in the reader's
`allowed` mask count, so no label, link or count comes from a document they may not read.
A search of an archive without a 公文 has no 效力 and does not build the graph.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from archive.gongwen import serial_parts
from archive.references import IN_FORCE, REPEAL, REPEALED, REVISE, REVISED, STATUSES, Reference, find_references
from indexer.store.analysis import normalize
from indexer.store.records import Searcher

MIN_TITLE_CHARS = 4  # a 《…》 shorter than this (《求是》) is not resolved by title
PUBLISHED_TITLES = True  # a title 印发《X》 / 发布《X》 also answers to 《X》
ACTS_ONLY_FROM_GONGWEN = True  # only a 公文 repeals or revises: news and 简报 report it ("修订《X》…")
ISSUER_OMITTED = True  # 《关于X的意见》 also answers to a title 中共中央 国务院关于X的意见 (its issuer left out)
_PUBLISHED = re.compile(r"(?:印发|发布|公布|颁布)《([^《》]{2,80})》")
_PUNCT = re.compile(r"[\s\W_]+")
_CODES = {None: 0, REPEAL: 1, REVISE: 2}
_ACTIONS = {1: REPEAL, 2: REVISE}


def title_key(title: str) -> str:
    """A title as compared: normalised, without white space or punctuation (《》 included)."""
    return _PUNCT.sub("", normalize(title or ""))


@dataclass
class CiteGraph:
    """The resolved references of one index version (docnums of that version)."""

    n: int
    bulletin: list[str | None]  # per docnum: its issue id
    order: np.ndarray  # per docnum: the article's number in its issue
    date: np.ndarray  # per docnum: yyyymmdd or 0
    gongwen: np.ndarray  # per docnum: a 公文
    by_serial: dict[tuple[int, int], list[tuple[str, int]]]  # (year, 序号) -> [(机关代字, docnum)]
    by_title: dict[str, list[int]]  # title_key -> docnums (the first article of each issue)
    src: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # per edge
    dst: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    action: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int8))  # 0, 1 废止, 2 修订
    found: int = 0  # references found in the texts
    resolved_by: dict[str, int] = field(default_factory=dict)  # how: serial, title, published

    def resolve(self, ref: Reference, src: int | None = None) -> tuple[int, str] | None:
        """The docnum a reference names and how it was found, or None (not archived, or
        ambiguous); never the citing document's own issue (`src`)."""
        own = self.bulletin[src] if src is not None else None
        if ref.serial is not None:
            org, year, number = ref.serial
            hits = [(o, d) for o, d in self.by_serial.get((year, number), ()) if o and org.endswith(o)
                    and self.bulletin[d] != own]
            if hits:
                longest = max(len(o) for o, _d in hits)
                best = {d for o, d in hits if len(o) == longest}
                return (best.pop(), "serial") if len(best) == 1 else None
        if ref.title is not None:
            key = title_key(ref.title)
            if len(key) >= MIN_TITLE_CHARS:
                for how in ("title", "published", "about"):
                    if how == "about" and not (ISSUER_OMITTED and key.startswith("关于")):
                        break
                    docs = [d for d in self.by_title.get(f"{how}:{key}", ()) if self.bulletin[d] != own]
                    if len({self.bulletin[d] for d in docs}) == 1:
                        return docs[0], how
                    if docs:
                        return None  # held by several issues
        return None

    def _edges(self, mask: np.ndarray, allowed: np.ndarray | None) -> np.ndarray:
        return mask if allowed is None else mask & allowed[self.src]

    def statuses(self, allowed: np.ndarray | None = None) -> dict[str, np.ndarray]:
        """The 效力 masks (STATUSES) as `allowed`'s reader sees them."""
        repealed = np.zeros(self.n, bool)
        revised = np.zeros(self.n, bool)
        repealed[self.dst[self._edges(self.action == 1, allowed)]] = True
        revised[self.dst[self._edges(self.action == 2, allowed)]] = True
        revised &= ~repealed
        return {IN_FORCE: self.gongwen & ~repealed & ~revised, REPEALED: repealed, REVISED: revised}

    def cited_by(self, doc: int, allowed: np.ndarray | None = None) -> list[tuple[int, str | None]]:
        """The documents citing `doc` that `allowed` holds, newest first, with their action."""
        edges = np.flatnonzero(self._edges(self.dst == doc, allowed))
        got: dict[int, str | None] = {}
        for e in edges:  # a document citing twice: the citation with an action tells
            got[int(self.src[e])] = _ACTIONS.get(int(self.action[e])) or got.get(int(self.src[e]))
        return sorted(got.items(), key=lambda da: (-int(self.date[da[0]]), da[0]))


def _targets(stored: dict[str, Any]) -> tuple[tuple[str, int, int] | None, list[str]]:
    """The 发文字号 parts and the title keys a document answers to."""
    meta = stored.get("meta") or {}
    parts = serial_parts(normalize(meta.get("serial") or "")) if meta.get("kind") == "公文" else None
    serial = (parts[0], int(parts[1]), parts[2]) if parts else None
    title = stored.get("title") or ""
    keys = [f"title:{title_key(title)}"]
    if PUBLISHED_TITLES:
        keys += [f"published:{title_key(t)}" for t in _PUBLISHED.findall(title)]
    if ISSUER_OMITTED:
        about = [k.split(":", 1)[1] for k in keys]
        keys += [f"about:{k[k.index('关于'):]}" for k in about if "关于" in k[1:]]
    return serial, keys


@dataclass(frozen=True)
class _SegmentRefs:
    """What one segment's articles say and answer to, deleted ones included (segments never
    change; which documents are deleted does, and is applied per version)."""

    bulletin: list[str | None]
    order: np.ndarray
    date: np.ndarray
    gongwen: np.ndarray
    targets: list[tuple[int, tuple[str, int, int] | None, list[str]]]  # (doc, 发文字号 parts, title keys)
    refs: list[tuple[int, list[Reference]]]


CACHE_SEGMENTS = 512  # segments whose references are kept (per process) between index versions
_segment_cache: OrderedDict[str, _SegmentRefs] = OrderedDict()
_segment_lock = threading.Lock()


def _read_segment(reader: Any) -> _SegmentRefs:
    n = reader.doc_count_all()
    seg = _SegmentRefs([None] * n, np.zeros(n, np.int32), np.zeros(n, np.int64), np.zeros(n, bool), [], [])
    for doc in range(n):
        stored = reader.stored_fields(doc)
        seg.bulletin[doc] = stored.get("bulletin_id")
        seg.order[doc] = stored.get("order") or 0
        seg.date[doc] = stored.get("date") or 0
        seg.gongwen[doc] = (stored.get("meta") or {}).get("kind") == "公文"
        seg.targets.append((doc, *_targets(stored)))
        found = find_references(stored.get("text") or "")
        if found:
            seg.refs.append((doc, found))
    return seg


def _segment_refs(searcher: Searcher) -> list[tuple[_SegmentRefs, int, np.ndarray]]:
    """(references, docnum offset, live mask) of each segment, read once per segment."""
    from indexer.store import segfiles  # (the segment layout: one home)

    out = []
    for (stem, offset, n), (sub, _o) in zip(segfiles.segments(searcher), searcher.leaf_searchers()):
        r = sub.reader()
        key = f"{stem.parent.parent}/{stem.name}:{n}"  # the index, the segment (a generation may change)
        with _segment_lock:
            seg = _segment_cache.get(key)
            if seg is not None:
                _segment_cache.move_to_end(key)
        if seg is None:
            seg = _read_segment(r)
            with _segment_lock:
                _segment_cache[key] = seg
                while len(_segment_cache) > CACHE_SEGMENTS:
                    _segment_cache.popitem(last=False)
        live = np.ones(n, dtype=bool)
        if r.has_deletions():
            dead = np.fromiter(r.deleted_docs_set, dtype=np.int64)
            live[dead[dead < n]] = False
        out.append((seg, offset, live))
    return out


def build_citegraph(searcher: Searcher) -> CiteGraph:
    """Every live article's references, resolved (see the module doc). Each segment is read
    once per process (its stored texts are most of the cost); resolving is per version."""
    n = searcher.reader().doc_count_all()
    g = CiteGraph(n=n, bulletin=[None] * n, order=np.zeros(n, np.int32), date=np.zeros(n, np.int64),
                  gongwen=np.zeros(n, bool), by_serial={}, by_title={})
    refs: list[tuple[int, list[Reference]]] = []
    first: dict[str, int] = {}  # issue -> its first live article's docnum
    parts = _segment_refs(searcher)
    for seg, offset, live in parts:
        span = slice(offset, offset + len(live))
        g.order[span], g.date[span] = seg.order, seg.date
        g.gongwen[span] = seg.gongwen & live
        for doc in np.flatnonzero(live):
            bid = seg.bulletin[doc]
            g.bulletin[offset + doc] = bid
            if bid is not None and (bid not in first or seg.order[doc] < g.order[first[bid]]):
                first[bid] = offset + int(doc)
        refs += [(offset + d, found) for d, found in seg.refs if live[d]]
    for seg, offset, live in parts:  # every article answers to its title; an issue's first to its number
        for doc, serial, keys in seg.targets:
            if not live[doc]:
                continue
            doc += offset
            if serial is not None and first.get(g.bulletin[doc]) == doc:
                g.by_serial.setdefault((serial[1], serial[2]), []).append((serial[0], doc))
            for key in keys:
                if len(key.split(":", 1)[1]) >= MIN_TITLE_CHARS:
                    g.by_title.setdefault(key, []).append(doc)
    src, dst, act = [], [], []
    for doc, found in refs:
        g.found += len(found)
        for ref in found:
            got = g.resolve(ref, doc)
            if got is None:
                continue
            target, how = got
            g.resolved_by[how] = g.resolved_by.get(how, 0) + 1
            code = _CODES[ref.action] if g.gongwen[doc] or not ACTS_ONLY_FROM_GONGWEN else 0
            if code and g.date[doc] and g.date[target] and g.date[doc] < g.date[target]:
                code = 0  # only a later document repeals or revises
            src.append(doc)
            dst.append(target)
            act.append(code)
    g.src = np.array(src, np.int64)
    g.dst = np.array(dst, np.int64)
    g.action = np.array(act, np.int8)
    return g


def citegraph(handle: Any) -> CiteGraph:
    """The graph of the handle's current index version (built once, shared by threads)."""
    return handle.shared("citegraph", build_citegraph)


def _has_gongwen(searcher: Searcher) -> bool:
    """Whether any document has a 文种 or a 发文字号 (the marks of a 公文; deleted ones count)."""
    reader = searcher.reader()
    return any(next(iter(reader.lexicon(name)), None) is not None for name in ("doc_type", "serial"))


def statuses(handle: Any, allowed: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """The 效力 masks as `allowed`'s reader sees them. An archive without a 公文 has none
    (only a 公文 is 现行有效, and only a 公文 repeals or revises): the graph, whose first
    build reads every stored text (xinwen: 2.7 CPU-s), is then not built for a search."""
    if not handle.shared("has_gongwen", _has_gongwen):
        n = handle.searcher().reader().doc_count_all()
        return {v: np.zeros(n, bool) for v in STATUSES}
    return citegraph(handle).statuses(allowed)


def status_filter(handle: Any, chosen: tuple[str, ...], allowed: np.ndarray | None = None) -> np.ndarray | None:
    """The documents of any of the `chosen` 效力 values as `allowed`'s reader sees them
    (None when none is chosen: no filter)."""
    if not chosen:
        return None
    masks = statuses(handle, allowed)
    out = np.zeros(len(next(iter(masks.values()))), bool)
    for value in chosen:
        out |= masks[value]
    return out


def status_facet(handle: Any, docs: np.ndarray, allowed: np.ndarray | None = None) -> list[dict[str, Any]]:
    """The 效力 facet: how many of `docs` (a mask) hold each status, in STATUSES order,
    those with none left out."""
    masks = statuses(handle, allowed)
    counts = ((v, int(np.count_nonzero(masks[v][: len(docs)] & docs))) for v in STATUSES)
    return [{"value": v, "count": n} for v, n in counts if n]


def _brief(searcher: Searcher, doc: int) -> dict[str, Any]:
    """A linked document as the page names it: its issue, article number, title and date."""
    f = searcher.stored_fields(doc)
    date = f.get("date")
    return {"bulletin_id": f.get("bulletin_id"), "order": f.get("order"), "title": f.get("title") or "",
            "date": f"{date // 10000:04d}-{date // 100 % 100:02d}-{date % 100:02d}" if date else None}


def article_links(handle: Any, doc: int, text: str, allowed: np.ndarray | None = None) -> dict[str, Any]:
    """An article's links as `allowed`'s reader sees them: `cites` (each reference of `text`
    that resolves to a document they may read: its title and 发文字号 as printed, the action,
    the target), `cited_by` (newest first, each with its action), `status` (效力: 现行有效 for
    a 公文 nobody repealed or revised, 已废止, 已修订, else None) and `status_by` (the
    documents that did it)."""
    g = citegraph(handle)
    s = handle.searcher()
    cites = []
    for ref in find_references(text):
        got = g.resolve(ref, doc)
        if got is None or (allowed is not None and not allowed[got[0]]):
            continue
        acts = g.gongwen[doc] or not ACTS_ONLY_FROM_GONGWEN
        cites.append({"title": ref.title, "serial": ref.serial_text, "action": ref.action if acts else None, "how": got[1],
                      "target": _brief(s, got[0])})
    cited_by = [{**_brief(s, d), "action": a} for d, a in g.cited_by(doc, allowed)]
    repealed = [c for c in cited_by if c["action"] == REPEAL]
    revised = [c for c in cited_by if c["action"] == REVISE]
    status = REPEALED if repealed else REVISED if revised else IN_FORCE if g.gongwen[doc] else None
    return {"status": status, "status_by": repealed or revised, "cites": cites, "cited_by": cited_by}


def label_hits(handle: Any, hits: list[dict[str, Any]], docs: Any, allowed: np.ndarray | None = None) -> None:
    """Give each hit (of docnum `docs[i]`) its 效力 as `allowed`'s reader sees it (`status`:
    现行有效, 已废止, 已修订, or None for a document that is neither a 公文 nor acted on)."""
    masks = statuses(handle, allowed) if hits else {}
    for h, d in zip(hits, docs):
        h["status"] = next((v for v in (REPEALED, REVISED, IN_FORCE) if masks[v][int(d)]), None)
