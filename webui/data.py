"""One data dict per page, built from the request args, rendered as HTML or as JSON."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, request

from indexer.present import links
from indexer.present.bulletin import backend_bulletin, get_bulletin
from indexer.present.page import search_page
from indexer.present.params import (
    BadParam, MultiArgs, SearchParams, is_bulletin_id, parse_page, parse_query, parse_search_args,
)
from indexer.search.related import related_articles
from indexer.search.engine import snapshot, suggest
from indexer.present.series import series_report
from webui.auth import allowed_docs
from webui.db import get_backend, get_index


def parse_or_400(args: MultiArgs) -> SearchParams:
    """The page state from the request, or a 400 saying which parameter is wrong."""
    try:
        return parse_search_args(args)
    except BadParam as exc:
        abort(400, str(exc))


def search_source() -> tuple[Any, Any, Any]:
    """What this request searches: (the backend or the embedded index, the reader's mask over the
    embedded index, the embedded index as the backend's vocabulary or None). With a backend
    (indexer.search.backend), it is already restricted to the reader (webui.db.get_backend)."""
    backend = get_backend()  # another search backend (indexer.search.backend), when configured
    if backend is None:
        return get_index(), allowed_docs(), None  # access (issue 21)
    from indexer.store.handles import IndexCorruptError, IndexUnavailableError

    try:  # the embedded index beside the backend: its words for the stages and corrections
        return backend, allowed_docs(), get_index()
    except (IndexUnavailableError, IndexCorruptError):  # searched without them (no corrections)
        return backend, None, None


def search_data(params: SearchParams) -> dict[str, Any]:
    """The one result dict (indexer.present.page.search_page) on the app's index or backend: what
    `/api/search` returns and the search page renders."""
    source, mask, index = search_source()
    return search_page(source, params, current_app.config["PER_PAGE"], mask, index=index)


def suggest_data(prefix: str | None) -> dict[str, Any]:
    """Autocomplete for a prefix of the query: `/api/suggest` and the search box's datalist."""
    q, _ = parse_query(prefix)
    return {"q": q, "suggestions": suggest(get_index(), q, allowed_docs=allowed_docs()) if q else []}  # access


def bulletin_data(bulletin_id: str, args: MultiArgs | None = None, whole: bool = False) -> dict[str, Any]:
    """get_bulletin()'s dict for the `page` in `args`, or a 404 for an unknown or malformed id,
    or one the reader may not see (issue 21; `whole`: unless they may see all of its articles,
    as for its original file and its pictures)."""
    if not is_bulletin_id(bulletin_id):
        abort(404, f"没有编号为 {bulletin_id[:40]} 的简报（编号应为 16 位十六进制字符）。")
    try:
        page = parse_page(args.get("page") if args is not None else None)
    except BadParam as exc:
        abort(400, str(exc))
    mask = allowed_docs()
    backend = None if whole else get_backend()  # (the original file and its pictures are this machine's)
    if backend is not None:  # read from the backend, restricted to the reader (webui.db.get_backend)
        bulletin = backend_bulletin(backend, bulletin_id, page=page, index=get_index(), allowed_docs=mask)
    else:
        bulletin = get_bulletin(get_index(), bulletin_id, page=page, allowed_docs=mask)  # access (issue 21)
    if bulletin is not None and whole and mask is not None:
        docs = snapshot(get_index()).live_docs_with("bulletin", bulletin_id)
        bulletin = bulletin if bool(mask[docs].all()) else None
    if bulletin is None:
        abort(404, f"没有编号为 {bulletin_id} 的简报。")
    if page > bulletin["pages"]:
        abort(404, f"简报 {bulletin['label']} 只有 {bulletin['pages']} 页。")
    return bulletin


def base_url() -> str:
    """The app's public address: BASE_URL when configured, else the address it was reached at."""
    return current_app.config.get("BASE_URL") or request.url_root


def article_url(bulletin_id: str, order: int | None = None) -> str:
    """The permanent URL of a bulletin's article (citations, feeds, exports)."""
    return links.article_url(base_url(), bulletin_id, order)


def related_data(bulletin: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Article id → up to five related articles of other issues, for the articles of
    `bulletin` (bulletin_data()'s dict: one page of an issue)."""
    from webui.access import mask_key
    from webui.auth import current_user, rules

    mask = allowed_docs()
    key = mask_key(rules(), current_user()) if mask is not None else ""
    return related_articles(get_index(), bulletin, mask, key)  # access (issue 21)


def archive_empty() -> bool:
    """True when the index holds no article yet (a new deployment): pages say so."""
    return get_index().searcher().doc_count() == 0


def series_data() -> dict[str, Any]:
    """The series report of the current index."""
    return series_report(get_index(), allowed_docs())  # access (issue 21)
