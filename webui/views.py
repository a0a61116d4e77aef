"""HTML pages: the search page, the bulletin view and the series report."""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import parse_qsl, urlencode

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from archive.citation import citation
from archive.labels import chinese_date, month_label, year_label
from indexer.present.bulletin import article_page
from indexer.present.export import EXPORT_FORMATS, export_seconds
from indexer.present.links import active_filters, state_url
from indexer.present.params import (
    ADVANCED, BadParam, SearchParams, clean_text, compose_query, parse_query, parse_search_args, parse_terms,
)
from indexer.search.engine import SORTS
from webui.auth import feed_token_args
from webui.data import archive_empty, article_url, bulletin_data, related_data, search_data, series_data, suggest_data
from webui.original import originals_list
from webui.render import Budget, highlight_text, render_body, terms_regex
from webui.timeline import render_timeline

bp = Blueprint("web", __name__)

CITED_BY_SHOWN = 20  # 被引用 entries listed under an article (newest first; /api/bulletins has all)
MAX_BACK = 2000  # characters of the `back` parameter (the search a bulletin was opened from)


def bulletin_url(
    bulletin_id: str, terms: list[str] | tuple[str, ...] = (), order: int | None = None, back: str | None = None
) -> str:
    """Link to a bulletin (and one of its articles), carrying the search terms to highlight
    and the search it was opened from (`back`, that search's query string)."""
    anchor = f"a{order}" if order is not None else None
    page = article_page(order)
    return url_for(
        "web.bulletin", bulletin_id=bulletin_id, hl=list(terms) or None, page=page if page > 1 else None,
        back=back or None, _anchor=anchor,
    )


def page_links(params: SearchParams, page: int, pages: int) -> list[dict[str, Any]]:
    """Numbered page links around the current page, with gaps as None."""
    if pages <= 1:
        return []
    wanted = {1, pages} | {p for p in range(page - 2, page + 3) if 1 <= p <= pages}
    out: list[dict[str, Any]] = []
    last = 0
    for p in sorted(wanted):
        if p - last > 1:
            out.append({"gap": True})
        out.append({"number": p, "url": state_url(params, page=p), "current": p == page})
        last = p
    return out


def did_you_mean(params: SearchParams, data: dict[str, Any]) -> list[dict[str, Any]]:
    """The corrections search() offers, each a link that searches it (one click)."""
    shown = (data.get("corrected") or {}).get("to")
    return [
        {"query": s["query"], "count": s["count"], "url": state_url(params, q=s["query"])}
        for s in data.get("suggestions", []) if s["query"] != shown
    ]


def date_offers(params: SearchParams, data: dict[str, Any]) -> list[dict[str, str]]:
    """Dates typed in the query (2023年3月, 2023-03, 2023年) as one-click filters: the month or
    year chosen, the date taken out of the query text."""
    out: list[dict[str, str]] = []
    for d in data.get("date_filters", []):
        rest = " ".join(params.q.replace(d["term"], " ", 1).split())
        if d["field"] == "month":
            year, month = d["value"].split("-")
            label = month_label(d["value"])
            url = state_url(params, q=rest, month=tuple(dict.fromkeys((*params.month, d["value"]))))
        else:
            label = year_label(int(d["value"]))
            url = state_url(params, q=rest, year=tuple(dict.fromkeys((*params.year, int(d["value"])))))
        out.append({"label": label, "url": url})
    return out


def suggestions(params: SearchParams) -> list[dict[str, str]]:
    """What to try when nothing matched: single words of the query, or a clean slate."""
    out: list[dict[str, str]] = []
    words = params.q.split()
    if len(words) > 1:
        for w in words[:5]:
            out.append({"label": f"只搜“{w}”", "url": state_url(params, q=w)})
    if params.has_filters and params.q:
        out.append({"label": f"不加筛选，只搜“{params.q}”", "url": state_url(SearchParams(q=params.q))})
    return out


def _parse_keeping_the_rest(args: MultiDict) -> tuple[SearchParams, dict[str, str]]:
    """The page state; a bad parameter is dropped (and reported by name) and the rest kept."""
    errors: dict[str, str] = {}
    args = MultiDict(args)
    for _ in range(20):  # at most one pass per parameter name
        try:
            return parse_search_args(args), errors
        except BadParam as exc:
            for e in exc.errors:  # every bad field at once, each beside its field
                errors.setdefault(e.name, str(e))
                args.poplist(e.name)
                if e.name == "from":  # a reversed range: the message stands beside both fields
                    args.poplist("to")
    return SearchParams(), errors  # pragma: no cover - every pass removes a name


def search_links(params: SearchParams) -> dict[str, str]:
    """The feed, subscribe and export links of a search (the same state, without its page)."""
    args = dataclasses.replace(params, page=1).to_args()
    feed_query = urlencode([*args, *feed_token_args()])  # access (issue 21): the subscriber's own feed token
    urls = {"feed": url_for("exports.feed") + ("?" + feed_query if feed_query else ""),
            "subscribe": url_for("subscribe.subscribe_page") + ("?" + urlencode(args) if args else "")}  # issue 20
    for fmt in EXPORT_FORMATS:
        urls[fmt] = url_for("exports.export") + "?" + urlencode([*args, ("format", fmt)])
    return urls


@bp.get("/")
def index() -> tuple[str, int]:
    """The search page: query, facets, timeline, results; browse the newest articles when empty.

    A parameter that cannot be understood is shown beside its field (status 400)
    and the rest of the search is kept.
    """
    params, errors = _parse_keeping_the_rest(request.args)
    if any(name in request.args for name in ADVANCED) and not errors:
        # the advanced form / 在结果中检索: redirected to the URL the query syntax gives
        q, _notes = parse_query(compose_query(params.q, request.args) or params.q)
        return redirect(state_url(dataclasses.replace(params, q=q, page=1))), 302  # type: ignore[return-value]
    data = search_data(params)
    filters = active_filters(params, data["facets"])
    back = urlencode(params.to_args())
    return render_template(
        "search.html",
        params=params,
        errors=errors,
        data=data,
        filters=filters,
        timeline=render_timeline(params, data["facets"]["month"]),
        pagination=page_links(params, data["page"], data["pages"]),
        prev_url=state_url(params, page=data["page"] - 1) if data["page"] > 1 else None,
        next_url=state_url(params, page=data["page"] + 1) if data["page"] < data["pages"] else None,
        sort_urls={s: state_url(params, sort=s, sort_given=True) for s in SORTS},
        suggestions=suggestions(params),
        links=search_links(params),
        export_limit=current_app.config["EXPORT_LIMIT"],
        export_seconds={fmt: round(export_seconds(fmt, data["total"])) for fmt in EXPORT_FORMATS},
        back=back,
        did_you_mean=did_you_mean(params, data),
        date_offers=date_offers(params, data),
        completions=suggest_data(params.q)["suggestions"] if params.q else [],
        bulletin_url=bulletin_url,
        chinese_date=chinese_date,
        archive_empty=data["total"] == 0 and archive_empty(),
    ), (400 if errors else 200)


def _back_url(raw: str | None) -> str | None:
    """The search page a bulletin was opened from, rebuilt through the parser (never a foreign URL)."""
    if not raw or len(raw) > MAX_BACK:
        return None
    try:
        params = parse_search_args(MultiDict(parse_qsl(raw, keep_blank_values=False)))
    except BadParam:
        return None
    return state_url(params, page=params.page)


@bp.get("/bulletin/<bulletin_id>")
def bulletin(bulletin_id: str) -> str:
    """One issue (a page of its articles), each article with an anchor, a citation and
    related articles; search terms highlighted; a way back to the search it came from."""
    data = bulletin_data(bulletin_id, request.args)
    terms = parse_terms(request.args)
    q, _ = parse_query(request.args.get("q"))
    rx = terms_regex(q, terms)
    if q and not terms:
        terms = [w for w in (clean_text(t).strip("\"'()（）") for t in q.split()) if w and w.upper() not in ("AND", "OR", "NOT")]
    related = related_data(data)
    back = request.args.get("back")
    back_url = _back_url(back)
    if back_url is None and (q or terms):
        back_url = state_url(SearchParams(q=q or " ".join(terms)))
    budget = Budget()

    def image_url(src: str) -> str:
        return url_for("images.image", bulletin_id=bulletin_id, src=src)

    def linker(article: dict[str, Any]) -> Any:
        """A reference of this article → (url, title) of the document it names, if the reader may read it."""
        targets = {(c["title"], c["serial"]): c["target"] for c in article.get("cites", [])}

        def link(ref: Any) -> tuple[str, str] | None:
            t = targets.get((ref.title, ref.serial_text))
            return (bulletin_url(t["bulletin_id"], (), t["order"], back if back_url else None), t["title"]) if t else None
        return link

    articles = [
        {
            **article,
            "anchor": f"a{article['order']}",
            "title_html": highlight_text(article.get("title") or "", rx),
            "body_html": render_body(article.get("body") or "", rx, budget, image_url, linker(article)),
            "url": article_url(bulletin_id, article["order"]),
            "citation": citation(data, article, url=article_url(bulletin_id, article["order"])),
            "related": related.get(article.get("article_id"), []),
        }
        for article in data.get("articles", [])
    ]

    def page_url(n: int) -> str:
        return url_for("web.bulletin", bulletin_id=bulletin_id, q=q or None, hl=parse_terms(request.args) or None,
                       page=n if n > 1 else None, back=back if back_url else None)

    pages = data["pages"]
    article_pages = [{"number": n, "url": page_url(n), "current": n == data["page"]}
                     for n in sorted({1, pages} | set(range(max(1, data["page"] - 3), min(pages, data["page"] + 3) + 1)))]
    return render_template(
        "bulletin.html",
        bulletin=data,
        articles=articles,
        terms=terms,
        back_url=back_url,
        back=back if back_url else None,
        date_text=chinese_date(data.get("date")),
        bulletin_url=bulletin_url,
        article_pages=article_pages if pages > 1 else [],
        cited_by_shown=CITED_BY_SHOWN,
        originals=originals_list(data),
    )


@bp.get("/series")
def series() -> str:
    """The series report: per series and year the issues present, missing, duplicated, out of order."""
    return render_template("series.html", report=series_data(), bulletin_url=bulletin_url)
