"""Facets as plain dicts (value, label, count, selected, toggle_url) and URLs of page states.

Computed once here and used by both the HTML page and the JSON API.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Iterable
from urllib.parse import urlencode

from webui.params import SearchParams

Facet = dict[str, Any]


def state_url(params: SearchParams, base: str = "/", **changes: Any) -> str:
    """The URL of `params` with `changes` applied; any change other than `page` resets to page 1."""
    if "page" not in changes:
        changes["page"] = 1
    new = dataclasses.replace(params, **changes)
    query = urlencode(new.to_args())
    return f"{base}?{query}" if query else base


def _toggle(values: tuple[Any, ...], value: Any) -> tuple[Any, ...]:
    return tuple(v for v in values if v != value) if value in values else values + (value,)


def _month_label(month: str) -> str:
    year, mon = month.split("-")
    return f"{int(year)}年{int(mon)}月"


def _items(
    params: SearchParams,
    counted: Iterable[dict[str, Any]],
    selected: tuple[Any, ...],
    field: str,
    label: Any = str,
    base: str = "/",
) -> list[Facet]:
    """Facet dicts for one field: the counted values, plus selected values that matched nothing."""
    items: list[Facet] = []
    seen: set[Any] = set()
    for entry in counted:
        value = entry["value"]
        seen.add(value)
        items.append(
            {
                "value": value,
                "label": entry.get("label") or label(value),
                "count": entry.get("count", 0),
                "selected": value in selected,
                "toggle_url": state_url(params, base, **{field: _toggle(selected, value)}),
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
                    "toggle_url": state_url(params, base, **{field: _toggle(selected, value)}),
                }
            )
    return items


def _region_items(params: SearchParams, counted: list[dict[str, Any]], base: str) -> list[Facet]:
    """The 地区 facet: provinces, the cities under a selected province, the counties under a
    selected city (`depth` 0, 1, 2); several may be selected (OR). Choosing a unit under a
    chosen one replaces it (drilling down narrows); choosing a sibling adds it."""
    items = _items(params, counted, params.region, "region", label=lambda v: v.rsplit("/", 1)[-1], base=base)
    extra = {e["value"]: e for e in counted}
    for item in items:
        value = item["value"]
        if value not in params.region:  # choosing a unit narrows its chosen ancestor: 江苏省 → 南京市
            chosen = tuple(r for r in params.region if not value.startswith(r + "/")) + (value,)
            item["toggle_url"] = state_url(params, base, region=chosen)
        item["depth"] = extra.get(item["value"], {}).get("depth", item["value"].count("/"))
        item["parent"] = extra.get(item["value"], {}).get("parent")
    return items


def build_facets(params: SearchParams, raw: dict[str, list[dict[str, Any]]], base: str = "/") -> dict[str, list[Facet]]:
    """The facet sidebar: city, year, month (all months; the page shows those of chosen years) and issue."""
    facets: dict[str, list[Facet]] = {
        "city": _items(params, raw.get("city", []), params.city, "city", base=base),
        "year": _items(params, raw.get("year", []), params.year, "year", label=lambda y: f"{y}年", base=base),
        "month": _items(params, raw.get("month", []), params.month, "month", label=_month_label, base=base),
        "issue": _items(params, raw.get("issue", []), params.bulletin, "bulletin", base=base),
        "region": _region_items(params, raw.get("region", []), base),
        "doc_type": _items(params, raw.get("doc_type", []), params.doc_type, "doc_type", base=base),
    }
    if params.issue is not None:  # `issue=11`: a number, shown as a removable filter
        facets["issue"].append(
            {
                "value": str(params.issue),
                "label": f"第{params.issue}期",
                "count": None,
                "selected": True,
                "toggle_url": state_url(params, base, issue=None),
            }
        )
    return facets


def active_filters(params: SearchParams, facets: dict[str, list[Facet]], base: str = "/") -> list[dict[str, str]]:
    """Every filter in force, with a URL that removes it (for the empty-result hints and the chips)."""
    labels = {(name, f["value"]): f["label"] for name, items in facets.items() for f in items}
    out: list[dict[str, str]] = []
    for c in params.city:
        out.append({"label": f"城市：{c}", "remove_url": state_url(params, base, city=_toggle(params.city, c))})
    for y in params.year:
        out.append({"label": f"年份：{y}年", "remove_url": state_url(params, base, year=_toggle(params.year, y))})
    for m in params.month:
        out.append({"label": f"月份：{_month_label(m)}", "remove_url": state_url(params, base, month=_toggle(params.month, m))})
    for b in params.bulletin:
        out.append(
            {
                "label": f"期次：{labels.get(('issue', b), b)}",
                "remove_url": state_url(params, base, bulletin=_toggle(params.bulletin, b)),
            }
        )
    if params.issue is not None:
        out.append({"label": f"期号：第{params.issue}期", "remove_url": state_url(params, base, issue=None)})
    if params.place:
        out.append({"label": f"地点：{params.place}", "remove_url": state_url(params, base, place=None)})
    if params.series:
        out.append({"label": f"简报：{params.series}", "remove_url": state_url(params, base, series=None)})
    if params.date_from:
        out.append({"label": f"起始：{params.date_from.isoformat()}", "remove_url": state_url(params, base, date_from=None)})
    if params.date_to:
        out.append({"label": f"截止：{params.date_to.isoformat()}", "remove_url": state_url(params, base, date_to=None)})
    for r in params.region:
        out.append({"label": f"地区：{r.replace('/', ' › ')}", "remove_url": state_url(params, base, region=_toggle(params.region, r))})
    for d in params.doc_type:
        out.append({"label": f"文种：{d}", "remove_url": state_url(params, base, doc_type=_toggle(params.doc_type, d))})
    return out
