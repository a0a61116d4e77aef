"""A server-rendered SVG bar chart: matching articles per month, each bar a link to that month."""

from __future__ import annotations

from typing import Any, Iterable

from markupsafe import Markup, escape

from archive.labels import month_label

from indexer.present.links import state_url
from indexer.present.params import SearchParams

SLOT = 22  # width of one month in SVG units
BAR = 16
HEIGHT = 110  # plot area
TOP = 14  # room for the tallest count
BOTTOM = 30  # room for month and year labels
LABEL_MONTHS = 24  # label every month when there are at most this many
MIN_WIDTH = 300
MAX_FILLED_MONTHS = 240  # fill gaps between months only for spans up to 20 years


def _next_month(month: str) -> str:
    y, m = int(month[:4]), int(month[5:7])
    return f"{y + 1}-01" if m == 12 else f"{y}-{m + 1:02d}"


def month_series(counted: Iterable[dict[str, Any]]) -> list[tuple[str, int]]:
    """(month, count) in chronological order, with empty months between the first and last filled in."""
    counts = {str(e["value"]): int(e.get("count") or 0) for e in counted}
    months = sorted(m for m in counts if len(m) == 7)
    if not months:
        return []
    out: list[tuple[str, int]] = []
    month = months[0]
    for _ in range(MAX_FILLED_MONTHS):
        out.append((month, counts.get(month, 0)))
        if month >= months[-1]:
            return out
        month = _next_month(month)
    return [(m, counts[m]) for m in months]  # too long a span: only months with matches


def render_timeline(params: SearchParams, counted: Iterable[dict[str, Any]]) -> Markup:
    """The inline SVG for the month facet of a result, or an empty string when there is nothing to chart."""
    series = month_series(counted)
    if not series:
        return Markup("")
    peak = max(c for _, c in series) or 1
    width = max(MIN_WIDTH, len(series) * SLOT)
    offset = (width - len(series) * SLOT) / 2
    total_h = TOP + HEIGHT + BOTTOM
    parts: list[str] = [
        f'<svg class="timeline" width="{width:g}" height="{total_h}" viewBox="0 0 {width} {total_h}" role="img" '
        f'aria-labelledby="timeline-title" xmlns="http://www.w3.org/2000/svg">',
        '<title id="timeline-title">各月匹配文章数</title>',
        f'<line class="tl-axis" x1="0" y1="{TOP + HEIGHT}" x2="{width}" y2="{TOP + HEIGHT}"/>',
    ]
    last_year = None
    for i, (month, count) in enumerate(series):
        x = offset + i * SLOT + (SLOT - BAR) / 2
        h = 0 if count == 0 else max(2.0, HEIGHT * count / peak)
        y = TOP + HEIGHT - h
        title = escape(f"{month_label(month)}：{count} 篇")
        selected = month in params.month
        if count:
            if selected and len(params.month) == 1:
                href = state_url(params, month=())  # a second click removes the month filter
            else:
                href = state_url(params, month=(month,))
            cls = "tl-bar selected" if selected else "tl-bar"
            parts.append(
                f'<a href="{escape(href)}" aria-label="{title}">'
                f'<title>{title}</title>'
                f'<rect class="{cls}" x="{x:g}" y="{y:g}" width="{BAR}" height="{h:g}"/>'
                f'<rect class="tl-hit" x="{offset + i * SLOT:g}" y="{TOP}" width="{SLOT}" height="{HEIGHT}"/>'
                "</a>"
            )
            if len(series) <= 36 or count == peak:
                parts.append(
                    f'<text class="tl-count" x="{x + BAR / 2:g}" y="{y - 3:g}" text-anchor="middle">{count}</text>'
                )
        if len(series) <= LABEL_MONTHS:
            parts.append(
                f'<text class="tl-month" x="{x + BAR / 2:g}" y="{TOP + HEIGHT + 12}" '
                f'text-anchor="middle">{int(month[5:7])}月</text>'
            )
        year = month[:4]
        if year != last_year:
            parts.append(
                f'<text class="tl-year" x="{offset + i * SLOT:g}" y="{total_h - 3}">{escape(year)}年</text>'
            )
            last_year = year
    parts.append("</svg>")
    return Markup("".join(parts))
