"""One data dict per page, built from the request args, rendered as HTML or as JSON."""

from __future__ import annotations

from typing import Any

from flask import abort

from indexer.bulletin import get_bulletin
from indexer.search import SORTS, Filters, search, suggest
from webui.db import get_index
from webui.facets import build_facets
from webui.params import BadParam, MultiArgs, SearchParams, is_bulletin_id, parse_page, parse_query, parse_search_args

PER_PAGE = 20


def parse_or_400(args: MultiArgs) -> SearchParams:
    """The page state from the request, or a 400 saying which parameter is wrong."""
    try:
        return parse_search_args(args, tuple(SORTS))
    except BadParam as exc:
        abort(400, str(exc))


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
    )


def search_data(params: SearchParams, base: str = "/") -> dict[str, Any]:
    """search()'s dict for `params`, its facets as {value,label,count,selected,toggle_url} dicts.

    This is what `/api/search` returns and what the search page renders.
    """
    result = search(
        get_index(),
        params.q,
        filters_for(params),
        sort=params.effective_sort,
        page=params.page,
        per_page=PER_PAGE,
    )
    data = dict(result)
    data["facets"] = build_facets(params, result.get("facets", {}), base=base)
    data["warnings"] = list(params.notices) + list(result.get("warnings", []))
    return data


def suggest_data(prefix: str | None) -> dict[str, Any]:
    """Autocomplete for a prefix of the query: `/api/suggest` and the search box's datalist."""
    q, _ = parse_query(prefix)
    return {"q": q, "suggestions": suggest(get_index(), q) if q else []}


def bulletin_data(bulletin_id: str, args: MultiArgs | None = None) -> dict[str, Any]:
    """get_bulletin()'s dict for the `page` in `args`, or a 404 for an unknown or malformed id."""
    if not is_bulletin_id(bulletin_id):
        abort(404, f"没有编号为 {bulletin_id[:40]} 的简报（编号应为 16 位十六进制字符）。")
    try:
        page = parse_page(args.get("page") if args is not None else None)
    except BadParam as exc:
        abort(400, str(exc))
    bulletin = get_bulletin(get_index(), bulletin_id, page=page)
    if bulletin is None:
        abort(404, f"没有编号为 {bulletin_id} 的简报。")
    if page > bulletin["pages"]:
        abort(404, f"简报 {bulletin['label']} 只有 {bulletin['pages']} 页。")
    return bulletin
