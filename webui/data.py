"""One data dict per page, built from the request args, rendered as HTML or as JSON."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, request

from indexer import links
from indexer.page import search_page
from indexer.params import BadParam, MultiArgs, SearchParams, is_bulletin_id, parse_search_args
from indexer.related import related_articles
from indexer.search import get_bulletin
from indexer.series import series_report
from webui.db import get_index


def parse_or_400(args: MultiArgs) -> SearchParams:
    """The page state from the request, or a 400 saying which parameter is wrong."""
    try:
        return parse_search_args(args)
    except BadParam as exc:
        abort(400, str(exc))


def search_data(params: SearchParams) -> dict[str, Any]:
    """The one result dict (indexer.page.search_page) on the app's index: what
    `/api/search` returns and the search page renders."""
    return search_page(get_index(), params, current_app.config["PER_PAGE"])


def bulletin_data(bulletin_id: str) -> dict[str, Any]:
    """get_bulletin()'s dict, or a 404 for an unknown or malformed id."""
    if not is_bulletin_id(bulletin_id):
        abort(404, f"没有编号为 {bulletin_id[:40]} 的简报（编号应为 16 位十六进制字符）。")
    bulletin = get_bulletin(get_index(), bulletin_id)
    if bulletin is None:
        abort(404, f"没有编号为 {bulletin_id} 的简报。")
    return bulletin


def base_url() -> str:
    """The app's public address: BASE_URL when configured, else the address it was reached at."""
    return current_app.config.get("BASE_URL") or request.url_root


def article_url(bulletin_id: str, order: int | None = None) -> str:
    """The permanent URL of a bulletin's article (citations, feeds, exports)."""
    return links.article_url(base_url(), bulletin_id, order)


def related_data(bulletin_id: str) -> dict[str, list[dict[str, Any]]]:
    """Article id → up to five related articles of other issues."""
    bulletin = get_bulletin(get_index(), bulletin_id)
    return related_articles(get_index(), bulletin) if bulletin else {}


def series_data() -> dict[str, Any]:
    """The series report of the current index."""
    return series_report(get_index())
