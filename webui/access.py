"""Who may read what: the allowed-documents mask of a user over one index version (issue 21).

The search's document sets are numpy masks over global docnums
(indexer.store.columns); a user's mask is computed once per (index version, rules
version, user) and ANDed into every set the indexer makes — search hits and
totals, facet and timeline counts, did-you-mean and autocomplete counts,
related articles, the series report, the bulletin page, exports and feeds —
so counts and speed stay right. None means "no restriction": accounts off,
or an administrator.

The rule levels (webui.access_store): a document's own rules, else its
issue's, else its series', else the series default (open when unset).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

import numpy as np

from indexer.search.visibility import Visibility
from indexer.search.engine import snapshot
from indexer.store.handles import IndexHandle
from webui.access_store import EVERYONE, Rules, User

MASK_CACHE = 256  # users' masks kept per index version

def _decide(grants: frozenset[str] | None, principals: frozenset[str]) -> bool | None:
    """None when there is no rule at this level; else whether the user is granted."""
    if grants is None:
        return None
    return bool(grants & principals) or EVERYONE in grants


def visibility(rules: Rules, user: User | None) -> Visibility:
    """The rules decided for `user` (None: a visitor, who only gets what `*` is granted and open
    series), as indexer.search.visibility.Visibility: what every backend applies."""
    principals = user.principals if user is not None else frozenset({EVERYONE})
    closed = set()
    for name in {t for (scope, t) in rules.grants if scope == "series"} | set(rules.defaults):
        decided = _decide(rules.grants.get(("series", name)), principals)
        if not (decided if decided is not None else rules.defaults.get(name, "open") == "open"):
            closed.add(name)
    decide = {scope: tuple((t, bool(_decide(g, principals))) for (sc, t), g in sorted(rules.grants.items()) if sc == scope)
              for scope in ("issue", "document")}
    return Visibility(frozenset(closed), decide["issue"], decide["document"], mask_key(rules, user))


def build_mask(handle: IndexHandle, rules: Rules, user: User | None) -> np.ndarray:
    """The live documents `user` may read (None user: a visitor, who only gets what `*` is granted
    and open series)."""
    return visibility(rules, user).mask(handle.searcher(), snapshot(handle))


class _Masks:
    """The masks of one index version (IndexHandle.shared), by mask_key."""

    def __init__(self, _searcher: Any) -> None:
        self.lock = threading.Lock()
        self.items: OrderedDict[str, np.ndarray] = OrderedDict()


def mask_key(rules: Rules, user: User | None) -> str:
    """Names a mask within an index version: the rules' version and who (with their groups)."""
    who = "-" if user is None else f"{user.name}|{','.join(user.groups)}"
    return f"{rules.version}:{who}"


def allowed_mask(handle: IndexHandle, rules: Rules, user: User | None) -> np.ndarray | None:
    """The user's mask for the handle's current index version (made once, then shared by
    all threads), or None for an administrator (who reads everything)."""
    if user is not None and user.role == "admin":
        return None
    # this thread's searcher on the newest version first: `shared` never reopens it, and a mask of
    # the version before an add (upload, 更正) is shorter than the new version's document numbers
    handle.searcher()
    cache = handle.shared("access-masks", _Masks)
    key = mask_key(rules, user)
    with cache.lock:
        got = cache.items.get(key)
        if got is not None:
            cache.items.move_to_end(key)
            return got
    mask = build_mask(handle, rules, user)
    mask.setflags(write=False)
    with cache.lock:
        cache.items[key] = mask
        while len(cache.items) > MASK_CACHE:
            cache.items.popitem(last=False)
    return mask
