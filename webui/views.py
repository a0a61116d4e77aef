"""HTML pages: the search page and the bulletin view."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request, url_for

from indexer.bulletin import article_page
from webui.data import bulletin_data, parse_or_400, search_data, suggest_data
from webui.facets import active_filters, state_url
from webui.params import SearchParams, clean_text, parse_query, parse_terms
from webui.render import Budget, chinese_date, citation, highlight_text, render_body, terms_regex
from webui.timeline import render_timeline

bp = Blueprint("web", __name__)


def bulletin_url(bulletin_id: str, terms: list[str] | tuple[str, ...] = (), order: int | None = None) -> str:
    """Link to a bulletin (and one of its articles), carrying the search terms to highlight."""
    anchor = f"a{order}" if order is not None else None
    page = article_page(order)
    return url_for(
        "web.bulletin", bulletin_id=bulletin_id, hl=list(terms) or None, page=page if page > 1 else None, _anchor=anchor
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
            label = f"{int(year)}年{int(month)}月"
            url = state_url(params, q=rest, month=tuple(dict.fromkeys((*params.month, d["value"]))))
        else:
            label = f"{d['value']}年"
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


@bp.get("/")
def index() -> str:
    """The search page: query, facets, timeline, results; browse the newest articles when empty."""
    params = parse_or_400(request.args)
    data = search_data(params)
    filters = active_filters(params, data["facets"])
    return render_template(
        "search.html",
        params=params,
        data=data,
        filters=filters,
        timeline=render_timeline(params, data["facets"]["month"]),
        pagination=page_links(params, data["page"], data["pages"]),
        prev_url=state_url(params, page=data["page"] - 1) if data["page"] > 1 else None,
        next_url=state_url(params, page=data["page"] + 1) if data["page"] < data["pages"] else None,
        sort_urls={s: state_url(params, sort=s, sort_given=True) for s in ("relevance", "date")},
        suggestions=suggestions(params),
        did_you_mean=did_you_mean(params, data),
        date_offers=date_offers(params, data),
        completions=suggest_data(params.q)["suggestions"] if params.q else [],
        bulletin_url=bulletin_url,
        chinese_date=chinese_date,
    )


@bp.get("/bulletin/<bulletin_id>")
def bulletin(bulletin_id: str) -> str:
    """One whole issue, each article with an anchor and a citation; search terms highlighted."""
    data = bulletin_data(bulletin_id, request.args)
    terms = parse_terms(request.args)
    q, _ = parse_query(request.args.get("q"))
    rx = terms_regex(q, terms)
    if q and not terms:
        terms = [w for w in (clean_text(t).strip("\"'()（）") for t in q.split()) if w and w.upper() not in ("AND", "OR", "NOT")]
    budget = Budget()
    articles = [
        {
            **article,
            "anchor": f"a{article['order']}",
            "title_html": highlight_text(article.get("title") or "", rx),
            "body_html": render_body(article.get("body") or "", rx, budget),
            "citation": citation(data, article),
        }
        for article in data.get("articles", [])
    ]

    def page_url(n: int) -> str:
        return url_for("web.bulletin", bulletin_id=bulletin_id, q=q or None, hl=parse_terms(request.args) or None,
                       page=n if n > 1 else None)

    pages = data["pages"]
    article_pages = [{"number": n, "url": page_url(n), "current": n == data["page"]}
                     for n in sorted({1, pages} | set(range(max(1, data["page"] - 3), min(pages, data["page"] + 3) + 1)))]
    back_url = state_url(SearchParams(q=q)) if q else (state_url(SearchParams(q=" ".join(terms))) if terms else None)
    return render_template(
        "bulletin.html",
        bulletin=data,
        articles=articles,
        terms=terms,
        back_url=back_url,
        date_text=chinese_date(data.get("date")),
        bulletin_url=bulletin_url,
        article_pages=article_pages if pages > 1 else [],
    )
