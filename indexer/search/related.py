"""Related articles: up to five articles of other issues that share the most
distinctive words with an article.

tf-idf over the word index: an article's key terms are its words weighted by
frequency × idf (document frequencies of the `text` words, indexer.store.lexicon); each
other article scores the sum of the idf of the key terms it holds (title words
count double). Only the posting lists of the key terms are read — distinctive
words have short lists — so a whole issue takes milliseconds; results are
kept per index version for the issues most recently viewed.
"""

from __future__ import annotations

import math
import threading
from collections import Counter, OrderedDict
from typing import Any

import numpy as np

from archive.labels import iso_from_yyyymmdd
from indexer.store.analysis import word_list
from indexer.store.lexicon import word_index
from indexer.store.records import Searcher
from indexer.store.handles import IndexHandle

KEY_TERMS = 12
RELATED = 5
MAX_DF_SHARE = 0.05  # a word in more than 5% of articles says little about any of them
CACHE_ISSUES = 256


def key_terms(searcher: Searcher, text: str, k: int = KEY_TERMS) -> list[tuple[str, float]]:
    """The `k` words of `text` with the highest tf × idf, as (word, idf)."""
    n = max(1, searcher.doc_count())
    limit = max(20, int(n * MAX_DF_SHARE))  # (a small archive keeps some words to relate by)
    tf = Counter(w for w in word_list(text) if len(w) >= 2 and not w.isdigit())
    scored: list[tuple[float, str, float]] = []
    words = word_index(searcher)
    for w, count in tf.items():
        df = words.doc_frequency("text", w)
        if df <= 1 or df > limit:  # only this article, or too common
            continue
        idf = math.log(n / df)
        scored.append((count * idf, w, idf))
    scored.sort(reverse=True)
    return [(w, idf) for _s, w, idf in scored[:k]]


def related_for(
    searcher: Searcher, article: dict[str, Any], exclude_bulletin: str, k: int = RELATED,
    allowed_docs: np.ndarray | None = None,
) -> list[dict[str, Any]]:
    """Up to `k` articles outside `exclude_bulletin` sharing the most distinctive words with `article`."""
    terms = key_terms(searcher, f"{article.get('title') or ''}\n{article.get('text') or ''}")
    if not terms:
        return []
    score: Counter[int] = Counter()
    words = word_index(searcher)
    for w, idf in terms:
        for d in words.docs("text", w):
            score[d] += idf
        for d in words.docs("title", w):
            score[d] += idf
    out: list[dict[str, Any]] = []
    for d, s in score.most_common():
        if len(out) >= k:
            break
        if allowed_docs is not None and not allowed_docs[d]:  # access (issue 21)
            continue
        f = searcher.stored_fields(d)
        if f.get("bulletin_id") == exclude_bulletin:
            continue
        shared = [w for w, _idf in terms if w in (f.get("text") or "") or w in (f.get("title") or "")]
        if len(shared) < min(2, len(terms)):  # one shared word of many is chance, not a relation
            continue
        out.append({
            "article_id": f.get("article_id"),
            "bulletin_id": f.get("bulletin_id"),
            "order": f.get("order"),
            "title": f.get("title"),
            "place": f.get("place"),
            "series": f.get("series"),
            "date": iso_from_yyyymmdd(f.get("date")),
            "shared": shared[:5],
            "score": round(s, 3),
        })
    return out


class _Cache:
    """Related articles of recently viewed issues, for one index version."""

    def __init__(self, _searcher: Searcher) -> None:
        self.lock = threading.Lock()
        self.items: OrderedDict[str, dict[str, list[dict[str, Any]]]] = OrderedDict()


def related_articles(
    handle: IndexHandle, bulletin: dict[str, Any], allowed_docs: np.ndarray | None = None, access_key: str = "",
) -> dict[str, list[dict[str, Any]]]:
    """Article id → its related articles, for every article of `bulletin` (get_bulletin's
    dict: one page of an issue); only among `allowed_docs` when given (issue 21: the
    cache is kept per `access_key`, which names that mask)."""
    s = handle.searcher()  # first: the cache below then belongs to the newest version (as the series report's)
    cache = handle.shared("related", _Cache)
    bid = bulletin["id"]
    key = f"{bid}|{bulletin.get('page', 1)}|{access_key}"
    with cache.lock:
        if key in cache.items:
            cache.items.move_to_end(key)
            return cache.items[key]
    value = {a["article_id"]: related_for(s, a, bid, allowed_docs=allowed_docs) for a in bulletin.get("articles", [])}
    with cache.lock:
        cache.items[key] = value
        while len(cache.items) > CACHE_ISSUES:
            cache.items.popitem(last=False)
    return value
