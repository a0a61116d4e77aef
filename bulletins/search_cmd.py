"""`bulletins search`: the search API on the command line."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path

import click

from bulletins.options import index_option


def _date(_ctx: object, _param: object, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2022-04-02") from None


def _month(_ctx: object, _param: object, value: str | None) -> str | None:
    if value is None:
        return None
    if re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
        return value
    if re.fullmatch(r"([1-9]|1[0-2])", value):
        return value  # a bare month number: combined with --year below
    raise click.BadParameter(f"{value!r} is not a month like 2022-04 (or 4 with --year)")


def _plain(snippet: str) -> str:
    return html.unescape(re.sub(r"</?mark>", "", snippet))


@click.command()
@click.argument("query", required=False, default="")
@click.option("--city", multiple=True, help="Only articles of this city (repeatable).")
@click.option("--year", type=click.IntRange(1900, 2100), multiple=True, help="Only this year (repeatable).")
@click.option("--month", callback=_month, help="Only this month: 2022-04, or 4 with --year.")
@click.option("--issue", help="Issue number within its year (11 or 第十一期), or a bulletin id.")
@click.option("--from", "date_from", callback=_date, help="From this date (YYYY-MM-DD).")
@click.option("--to", "date_to", callback=_date, help="Up to this date (YYYY-MM-DD).")
@click.option("--region", multiple=True, help="Only articles mentioning this unit: 江苏省, 江苏省/南京市 (repeatable).")
@click.option("--doc-type", multiple=True, help="Only documents of this 文种 (repeatable).")
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance", show_default=True)
@click.option("--page", type=click.IntRange(1, 10_000), default=1, show_default=True)
@click.option("--per-page", type=click.IntRange(1, 100), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@index_option
def search(
    query: str, city: tuple[str, ...], year: tuple[int, ...], month: str | None, issue: str | None,
    date_from: dt.date | None, date_to: dt.date | None, region: tuple[str, ...], doc_type: tuple[str, ...],
    sort: str, page: int, per_page: int,
    as_json: bool, index: Path,
) -> None:
    """Search the archive for QUERY: words, "phrases", AND / OR / NOT, field:value.

    An empty QUERY with filters lists the matching articles, newest first.
    """
    from indexer.query import issue_number
    from indexer.search import Filters
    from indexer.search import search as run_search
    from whoosh.reading import CorruptIndexError

    from indexer.store import IndexHandle, IndexUnavailableError

    months: tuple[str, ...] = ()
    if month:
        if "-" in month:
            months = (month,)
        elif year:
            months = tuple(f"{y:04d}-{int(month):02d}" for y in year)
        else:
            raise click.BadParameter("a bare month number needs --year", param_hint="--month")
    issue_no: int | None = None
    bulletins: tuple[str, ...] = ()
    if issue:
        if issue.isdigit():
            issue_no = int(issue)
        elif (n := issue_number(issue)) is not None:
            issue_no = n
        elif re.fullmatch(r"[0-9a-f]{16}", issue):
            bulletins = (issue,)
        else:
            raise click.BadParameter(f"{issue!r} is neither an issue number nor a bulletin id", param_hint="--issue")
    filters = Filters(city=city, year=year, month=months, bulletin=bulletins, issue=issue_no,
                      date_from=date_from, date_to=date_to, region=region, doc_type=doc_type)
    handle = IndexHandle(index)
    try:
        result = run_search(handle, query, filters, sort=sort, page=page, per_page=per_page)
    except IndexUnavailableError as ex:
        raise click.ClickException(str(ex)) from None
    except CorruptIndexError as ex:  # a damaged segment, found when the query reads it
        raise click.ClickException(
            f"the index at {index} is damaged ({ex}); run `bulletins index --rebuild` to rebuild it from the corpus"
        ) from None
    finally:
        handle.close()  # the searcher's open files (unclosed when called in-process, e.g. CliRunner)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    for w in result["warnings"]:
        click.echo(f"warning: {w}", err=True)
    click.echo(f"{result['total']} articles (page {result['page']} of {result['pages']})")
    for i, h in enumerate(result["hits"], (page - 1) * per_page + 1):
        where = h["city"] or h["place"] or ""
        click.echo(f"{i:>4}. {h['title']}  [{h['label']} {h['date'] or ''} {where}]")
        click.echo(f"      {_plain(h['snippet'])}")
    for name in ("region", "city", "year", "month"):
        items = result["facets"][name][:12]
        if items:
            click.echo(f"{name}: " + ", ".join(f"{x['value']} ({x['count']})" for x in items))
