"""The one result dict of a search, for the page, `/api/search` and `bulletins search --json`.

`search_page(handle, params)` is indexer.search.engine.search()'s dict with the
facets as {value, label, count, selected, toggle_url} dicts and the
parameter notices among the warnings. The web app and the CLI both print it,
so their JSON is the same byte for byte.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from indexer.present.links import build_facets, state_url
from indexer.present.params import SearchParams
from indexer.search.engine import Filters, search
from indexer.present.settings import PER_PAGE
from indexer.store.handles import IndexHandle


def filters_for(params: SearchParams) -> Filters:
    """The indexer's Filters for a page state."""
    return Filters(
        city=params.city,
        year=params.year,
        month=params.month,
        bulletin=params.bulletin,
        issue=params.issue,
        place=params.place,
        series=params.series,
        date_from=params.date_from,
        date_to=params.date_to,
        region=params.region,
        doc_type=params.doc_type,
        issuer=params.issuer,
        topic=params.topic,
        status=params.status,
    )


def search_page(
    handle: IndexHandle, params: SearchParams, per_page: int | None = None, allowed_docs: Any = None,
    index: IndexHandle | None = None,
) -> dict[str, Any]:
    """search()'s dict for `params`, its facets as link dicts (what the page renders);
    `allowed_docs`: the reader's documents (issue 21). `handle` may be another backend
    (indexer.search.backend), restricted to the reader; `index` is then the embedded index
    whose vocabulary its query stages, corrections and readings use."""
    if not isinstance(handle, IndexHandle):  # another backend behind the seam (indexer.search.backend)
        from indexer.search.backend_search import search as backend_search

        result = backend_search(handle, params.q, filters_for(params), sort=params.effective_sort, page=params.page,
                                per_page=per_page or PER_PAGE.number(), apply_dates=not params.literal_dates,
                                index=index, allowed_docs=allowed_docs, expand=params.expand,
                                correct=not params.as_typed)
    else:
        result = search(
        handle,
        params.q,
        filters_for(params),
        sort=params.effective_sort,
        page=params.page,
        per_page=per_page or PER_PAGE.number(),
        allowed_docs=allowed_docs,
        expand=params.expand,
        apply_dates=not params.literal_dates,
        correct=not params.as_typed,
        )
    data = dict(result)
    if data.get("expanded"):  # one click searches the literal form only
        data["expanded"] = {**data["expanded"], "off_url": state_url(params, expand=False)}
    exact = (data.get("rewrite") or {}).get("exact")
    if exact:  # a rare run widened to its words: one click searches it as typed only (quoted)
        data["rewrite"] = {**data["rewrite"], "exact": {**exact, "url": state_url(params, q=exact["query"])}}
    if data.get("corrected"):  # one click searches what was typed, uncorrected
        data["corrected"] = {**data["corrected"], "undo": state_url(params, as_typed=True)}
    data["facets"] = build_facets(params, result.get("facets", {}))
    data["warnings"] = list(params.notices) + list(result.get("warnings", []))
    data["issue_offers"] = [{**o, "url": state_url(params, bulletin=(o["value"],))}
                            for o in data.get("issue_offers", []) if o["value"] not in params.bulletin]
    if data.get("date_applied"):  # the one-click undo: the same search, the date searched as text
        data["date_applied"] = {**data["date_applied"], "undo": state_url(params, literal_dates=True)}
    return data


def escape_json_html(text: str) -> str:
    """JSON text with <, > and & as \\u escapes, so no HTML can ever be sniffed from it
    (they only occur inside JSON strings, where the escapes are equivalent)."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def to_json(data: Any) -> str:
    """The dict as the API writes it: UTF-8 text, compact, HTML-safe (the CLI's --json too)."""
    return escape_json_html(json.dumps(data, ensure_ascii=False, separators=(",", ":")))


def plain_snippet(snippet_html: str) -> str:
    """A hit's snippet as plain text: its <mark> tags dropped, entities decoded (CLI, feed)."""
    return html.unescape(re.sub(r"</?mark>", "", snippet_html or ""))
