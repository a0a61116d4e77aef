"""The JSON API: the same data dicts as the pages; errors as {"ok": false, "error", "status"}."""

from __future__ import annotations

from typing import Any

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


def _with_urls(article: dict[str, Any]) -> dict[str, Any]:
    """An article's cites / cited_by / status_by entries, each linked document with its `url`."""

    def url(doc: dict[str, Any]) -> dict[str, Any]:
        return {**doc, "url": article_url(doc["bulletin_id"], doc["order"])}

    return {
        "cites": [{**c, "target": url(c["target"])} for c in article.get("cites", [])],
        "cited_by": [url(c) for c in article.get("cited_by", [])],
        "status_by": [url(c) for c in article.get("status_by", [])],
    }


@bp.get("/bulletins/<bulletin_id>")
def api_bulletin(bulletin_id: str) -> Response:
    """get_bulletin()'s dict: the issue and one page (`?page=N`) of its articles, bodies as
    source text; each article with its permanent URL and citation (the page's and the
    exports' formatter)."""
    data = bulletin_data(bulletin_id, request.args)
    articles = []
    for article in data["articles"]:
        url = article_url(bulletin_id, article["order"])
        linked = _with_urls(article)  # [citations] each linked document with its permanent URL
        articles.append({**article, **linked, "url": url, "citation": citation(data, article, url=url)})
    return jsonify({**data, "articles": articles, "originals": originals_list(data)})  # 原件：Word · PDF

