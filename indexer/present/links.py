"""Facets as plain dicts (value, label, count, selected, toggle_url) and URLs of page states.

Computed once here and used by both the HTML page and the JSON API.
"""

from __future__ import annotations

import functools
from typing import Any, Iterable
from urllib.parse import quote_plus

from archive.labels import issue_number_label, month_label, year_label
from indexer.present.params import SearchParams

Facet = dict[str, Any]


def state_url(params: SearchParams, **changes: Any) -> str:
    """The URL of `params` with `changes` applied; any change other than `page` resets to page 1."""
    if "page" not in changes:
        changes["page"] = 1
    # urlencode(args), with each pair's encoding remembered: a page makes hundreds of
    # these URLs (one per facet value), mostly of the same pairs
    query = "&".join([_pair(k, v) for k, v in params.to_args(**changes)])
    return f"/?{query}" if query else "/"


@functools.lru_cache(maxsize=8192)
def _pair(name: str, value: str) -> str:
    return f"{quote_plus(name)}={quote_plus(value)}"


_MARK = "\x00mark\x00"


class _FieldURLs:
    """state_url(params, **{field: values}) for many `values` of one field: the URL's
    parts before and after that field's parameters are encoded once."""

    def __init__(self, params: SearchParams, field: str) -> None:
        args = params.to_args(page=1, **{field: (_MARK,)})
        i = next(k for k, (_n, v) in enumerate(args) if v == _MARK)
        self.name = args[i][0]
        self.before = [_pair(k, v) for k, v in args[:i]]
        self.after = [_pair(k, v) for k, v in args[i + 1 :]]

    def url(self, values: tuple[Any, ...]) -> str:
        query = "&".join(self.before + [_pair(self.name, str(v)) for v in values] + self.after)
        return f"/?{query}" if query else "/"


def _toggle(values: tuple[Any, ...], value: Any) -> tuple[Any, ...]:
    return tuple(v for v in values if v != value) if value in values else values + (value,)


def _items(
    params: SearchParams,
    counted: Iterable[dict[str, Any]],
    selected: tuple[Any, ...],
    field: str,
    label: Any = str,
) -> list[Facet]:
    """Facet dicts for one field: the counted values, plus selected values that matched nothing."""
    items: list[Facet] = []
    seen: set[Any] = set()
    urls = _FieldURLs(params, field)
    for entry in counted:
        value = entry["value"]
        seen.add(value)
        items.append(
            {
                "value": value,
                "label": entry.get("label") or label(value),
                "count": entry.get("count", 0),
                "selected": value in selected,
                "toggle_url": urls.url(_toggle(selected, value)),
            }
        )
    for value in selected:  # keep a way to remove a filter that now matches nothing
        if value not in seen:
            items.append(
                {
                    "value": value,
                    "label": label(value),
                    "count": 0,
                    "selected": True,
                    "toggle_url": state_url(params, **{field: _toggle(selected, value)}),
                }
            )
    return items


def _region_items(params: SearchParams, counted: list[dict[str, Any]]) -> list[Facet]:
    """The 地区 facet: provinces, the cities under a selected province, the counties under a
    selected city (`depth` 0, 1, 2); several may be selected (OR). Choosing a unit under a
    chosen one replaces it (drilling down narrows); choosing a sibling adds it."""
    items = _items(params, counted, params.region, "region", label=lambda v: v.rsplit("/", 1)[-1])
    extra = {e["value"]: e for e in counted}
    urls = _FieldURLs(params, "region")
    for item in items:
        value = item["value"]
        if value not in params.region:  # choosing a unit narrows its chosen ancestor: 江苏省 → 南京市
            chosen = tuple(r for r in params.region if not value.startswith(r + "/")) + (value,)
            item["toggle_url"] = urls.url(chosen)
        item["depth"] = extra.get(item["value"], {}).get("depth", item["value"].count("/"))
        item["parent"] = extra.get(item["value"], {}).get("parent")
    return items


def topic_label(value: str) -> str:
    """A gov.cn 主题分类 as shown: 国防\\国防建设 → 国防 › 国防建设."""
    return value.replace("\\", " › ")


def build_facets(params: SearchParams, raw: dict[str, list[dict[str, Any]]]) -> dict[str, list[Facet]]:
    """The facet sidebar: city, year, month (all months; the page shows those of chosen years),
    issue, 地区, 文种, series, 发文机关, 主题分类 and 效力."""
    facets: dict[str, list[Facet]] = {
        "city": _items(params, raw.get("city", []), params.city, "city"),
        "year": _items(params, raw.get("year", []), params.year, "year", label=year_label),
        "month": _items(params, raw.get("month", []), params.month, "month", label=month_label),
        "issue": _items(params, raw.get("issue", []), params.bulletin, "bulletin"),
        "region": _region_items(params, raw.get("region", [])),
        "doc_type": _items(params, raw.get("doc_type", []), params.doc_type, "doc_type"),
        "series": _items(params, raw.get("series", []), params.series, "series"),
        "issuer": _items(params, raw.get("issuer", []), params.issuer, "issuer"),
        "topic": _items(params, raw.get("topic", []), params.topic, "topic", label=topic_label),
        "status": _items(params, raw.get("status", []), params.status, "status"),  # 效力 (indexer.search.citegraph)
    }
    if params.issue is not None:  # `issue=11`: a number, shown as a removable filter
        facets["issue"].append(
            {
                "value": str(params.issue),
                "label": issue_number_label(params.issue),
                "count": None,
                "selected": True,
                "toggle_url": state_url(params, issue=None),
            }
        )
    return facets


def active_filters(params: SearchParams, facets: dict[str, list[Facet]]) -> list[dict[str, str]]:
    """Every filter in force, with a URL that removes it (for the empty-result hints and the chips)."""
    labels = {(name, f["value"]): f["label"] for name, items in facets.items() for f in items}
    out: list[dict[str, str]] = []
    for c in params.city:
        out.append({"label": f"城市：{c}", "remove_url": state_url(params, city=_toggle(params.city, c))})
    for y in params.year:
        out.append({"label": f"年份：{year_label(y)}", "remove_url": state_url(params, year=_toggle(params.year, y))})
    for m in params.month:
        out.append({"label": f"月份：{month_label(m)}", "remove_url": state_url(params, month=_toggle(params.month, m))})
    for b in params.bulletin:
        out.append(
            {
                "label": f"期次：{labels.get(('issue', b), b)}",
                "remove_url": state_url(params, bulletin=_toggle(params.bulletin, b)),
            }
        )
    if params.issue is not None:
        out.append({"label": f"期号：{issue_number_label(params.issue)}", "remove_url": state_url(params, issue=None)})
    if params.place:
        out.append({"label": f"地点：{params.place}", "remove_url": state_url(params, place=None)})
    for s in params.series:
        out.append({"label": f"简报：{s}", "remove_url": state_url(params, series=_toggle(params.series, s))})
    if params.date_from:
        out.append({"label": f"起始：{params.date_from.isoformat()}", "remove_url": state_url(params, date_from=None)})
    if params.date_to:
        out.append({"label": f"截止：{params.date_to.isoformat()}", "remove_url": state_url(params, date_to=None)})
    for r in params.region:
        out.append({"label": f"地区：{r.replace('/', ' › ')}", "remove_url": state_url(params, region=_toggle(params.region, r))})
    for d in params.doc_type:
        out.append({"label": f"文种：{d}", "remove_url": state_url(params, doc_type=_toggle(params.doc_type, d))})
    for d in params.issuer:
        out.append({"label": f"发文机关：{d}", "remove_url": state_url(params, issuer=_toggle(params.issuer, d))})
    for d in params.topic:
        out.append({"label": f"主题分类：{topic_label(d)}", "remove_url": state_url(params, topic=_toggle(params.topic, d))})
    for d in params.status:
        out.append({"label": f"效力：{d}", "remove_url": state_url(params, status=_toggle(params.status, d))})
    return out


def article_url(base_url: str, bulletin_id: str, order: int | None = None) -> str:
    """The permanent URL of a bulletin (and one article of it) under the app's public address."""
    url = f"{base_url.rstrip('/')}/bulletin/{bulletin_id}"
    return f"{url}#a{order}" if order is not None else url
