"""The JSON API: the same data dicts as the pages; errors as {"ok": false, "error", "status"}."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from archive.citation import citation
from webui.data import article_url, bulletin_data, parse_or_400, search_data, suggest_data
from webui.original import originals_list

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/search")
def api_search() -> Response:
    """search()'s dict for the page's parameters (what `bulletins search --json` prints)."""
    params = parse_or_400(request.args)
    return jsonify(search_data(params))


@bp.get("/suggest")
def api_suggest() -> Response:
    """Autocomplete: frequent words, names and titles of the index starting with `q`."""
    return jsonify(suggest_data(request.args.get("q")))


@bp.get("/bulletins/<bulletin_id>")
def api_bulletin(bulletin_id: str) -> Response:
    """get_bulletin()'s dict: the issue and one page (`?page=N`) of its articles, bodies as
    source text; each article with its permanent URL and citation (the page's and the
    exports' formatter)."""
    data = bulletin_data(bulletin_id, request.args)
    articles = []
    for article in data["articles"]:
        url = article_url(bulletin_id, article["order"])
        articles.append({**article, "url": url, "citation": citation(data, article, url=url)})
    return jsonify({**data, "articles": articles, "originals": originals_list(data)})  # 原件：Word · PDF

