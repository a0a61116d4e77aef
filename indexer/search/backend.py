"""The seam between the search layer and storage: the few operations a search backend does.

Two backends implement it: the embedded index (`EmbeddedBackend`, the project's own files
and the default) and MariaDB + Mroonga, sharded with Spider (indexer.search.mariadb_backend).
Both take the tree of the archive's own parser (indexer.search.query) and the facet filters
(indexer.search.evaluate.Filters) and give the exact set of matching articles; the archive keeps
its parser, notices, facet semantics and ranking.

- `evaluate(tree, filters)` → `Matches`: the exact matching set (None: browse, every article);
- `article_ids(matches, among=None)`: the set as article ids (sorted), the one currency both
  backends share; with `among`, only those of them (what a short list, such as the 效力 sets, holds);
- `records(ids)`: the stored records (the shape indexer.store.documents.read_article reads);
- `facet_counts(matches)`: counts per FACETS value over the set;
- `add(records)` / `delete(ids)`: write documents;
- `open()` / `close()` / `health()`: `health` raises BackendUnavailableError naming what is down;
- `restrict(visible)`: every read after it only within what one reader may see (access rules,
  indexer.search.visibility.Visibility): sets, counts, facets and records alike.

The search through the seam (indexer.search.backend_search) and the bulletin view
(indexer.present.bulletin.backend_bulletin) also ask a database backend for `count`, `ranked`,
`within`, `issue_labels`, `issue_articles` and `series_issues` (indexer.search.mariadb_backend).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Protocol, runtime_checkable

import numpy as np

from indexer.search import query as q
from indexer.search.evaluate import Evaluator, Filters, filter_set

# The facets counted over a result set: the Snapshot's columns, then the keyword facets
# (indexer.search.keyfacets); `bulletin` is the issue facet, `organ` the 发文机关 (issuer) one.
COLUMN_FACETS = ("city", "year", "month", "series", "bulletin")
KEY_FACETS = ("region", "doc_type", "organ", "topic")
FACETS = COLUMN_FACETS + KEY_FACETS


class BackendUnavailableError(Exception):
    """A server, shard or replica of the backend cannot answer: the message names it and
    why (Chinese, for the page and the CLI). Never a partial answer: the web says 503."""


@dataclass(frozen=True)
class Matches:
    """The exact set of articles a query matched: `total`, and the backend's own handle on
    them (`docs`: docnums for the embedded index, article ids for MariaDB)."""

    total: int
    docs: Any


@runtime_checkable
class Backend(Protocol):
    name: str

    def open(self) -> None: ...

    def close(self) -> None: ...

    def health(self) -> None: ...

    def evaluate(self, tree: q.Node | None, filters: Filters = Filters()) -> Matches: ...

    def restrict(self, visible: Any) -> "Backend": ...

    def article_ids(self, matches: Matches, among: Iterable[str] | None = None) -> list[str]: ...

    def records(self, ids: Iterable[str]) -> list[dict[str, Any]]: ...

    def facet_counts(self, matches: Matches) -> dict[str, Counter[Any]]: ...

    def add(self, records: Iterable[dict[str, Any]]) -> int: ...

    def delete(self, ids: Iterable[str]) -> int: ...


class EmbeddedBackend:
    """The embedded index (indexer.store.handles, indexer.search.engine's evaluation) behind the seam.

    Writing goes through files (indexer.build.builder / indexer.build.update: `bulletins index`, `add`),
    which parse and analyse them; `add`/`delete` of records say so."""

    name = "embedded"

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.handle: Any = None
        self.visible: Any = None  # indexer.search.visibility.Visibility (None: everything)

    def restrict(self, visible: Any) -> "EmbeddedBackend":
        """Every read from now on only within what `visible` lets the reader see (its mask)."""
        self.visible = visible
        return self

    def _visible_mask(self) -> Any:
        if self.visible is None:
            return None
        s, snap, _net, _kf = self._parts()
        return self.visible.mask(s, snap)

    def open(self) -> None:
        from indexer.store.handles import IndexHandle

        if self.handle is None:
            self.handle = IndexHandle(self.root)

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None

    def health(self) -> None:
        """Raises BackendUnavailableError when the index cannot be opened."""
        from indexer.store.handles import IndexUnavailableError

        self.open()
        try:
            self.handle.searcher()
        except IndexUnavailableError as ex:
            raise BackendUnavailableError(str(ex)) from None

    def _parts(self) -> tuple[Any, Any, Any, Any]:
        from indexer.search import engine as search

        self.open()
        h = self.handle
        return h.searcher(), search.snapshot(h), search.substring_net(h), search.key_facets(h)

    def evaluate(self, tree: q.Node | None, filters: Filters = Filters()) -> Matches:
        """indexer.search.evaluate's exact set within indexer.search.evaluate.filter_set (as indexer.search.engine)."""
        s, snap, net, kf = self._parts()
        found = snap.live if tree is None else Evaluator(s, snap.live, net).evaluate(tree)
        found = found & filter_set(s, snap, filters, kf)
        mask = self._visible_mask()
        docs = np.flatnonzero(found if mask is None else found & mask)
        return Matches(len(docs), docs)

    def article_ids(self, matches: Matches, among: Iterable[str] | None = None) -> list[str]:
        s = self._parts()[0]
        ids = sorted(s.stored_fields(int(d))["article_id"] for d in matches.docs)
        if among is None:
            return ids
        keep = set(among)
        return [i for i in ids if i in keep]

    def records(self, ids: Iterable[str]) -> list[dict[str, Any]]:
        s = self._parts()[0]
        mask = self._visible_mask()
        out = []
        for i in ids:
            d = s.document_number(article_id=i)
            if d is not None and (mask is None or mask[d]):
                out.append(dict(s.stored_fields(d)))
        return out

    def all_records(self) -> Iterable[dict[str, Any]]:
        """Every live article's stored record (what another backend is filled from)."""
        s = self._parts()[0]
        reader = s.reader()
        for d in reader.all_doc_ids():
            yield dict(reader.stored_fields(d))

    def facet_counts(self, matches: Matches) -> dict[str, Counter[Any]]:
        _s, snap, _net, kf = self._parts()
        out: dict[str, Counter[Any]] = {n: Counter(dict(snap.counts(n, matches.docs))) for n in COLUMN_FACETS}
        mask = snap.mask(matches.docs)
        for n in KEY_FACETS:
            out[n] = kf.counts(n, mask)
        return out

    def add(self, records: Iterable[dict[str, Any]]) -> int:
        raise NotImplementedError("嵌入式索引按文件写入：请用 bulletins index / bulletins add")

    def delete(self, ids: Iterable[str]) -> int:
        raise NotImplementedError("嵌入式索引按文件写入：请用 bulletins index / bulletins add")


def open_backend(spec: str | None, index: Path) -> Backend:
    """The backend a `--backend` value names: empty or `embedded` → the index at `index`;
    `mariadb://user:password@host:port/db[?shards=host:port,…]` → MariaDB + Mroonga."""
    if not spec or spec == "embedded":
        return EmbeddedBackend(index)
    if spec.startswith("mariadb://"):
        from indexer.search.mariadb_backend import MariaDBBackend

        return MariaDBBackend.from_url(spec)
    raise ValueError(f"无法识别的检索后端“{spec}”：应为 embedded 或 mariadb://用户:密码@主机:端口/库名")
