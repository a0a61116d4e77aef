"""`bulletins search`: the search API on the command line (the same parser and dict as /api/search)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import click

from bulletins.i18n import N_, _
from bulletins.options import backend_errors, backend_option, index_option, setting_option
from indexer.search.engine import MAX_PAGE
from indexer.present.settings import PER_PAGE


def search_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """QUERY and every filter of the search page, as CLI options (search, export)."""
    for option in reversed([
        click.argument("query", required=False, default=""),
        click.option("--city", multiple=True, help=_("Only articles of this city (repeatable).")),
        click.option("--year", multiple=True, help=_("Only this year (repeatable).")),
        click.option("--month", multiple=True, help=_("Only this month, 2022-04 (repeatable).")),
        click.option("--issue", multiple=True, help=_("Issue number (11 or 第十一期) or a bulletin id (repeatable ids).")),
        click.option("--place", help=_("Only articles whose heading names this place.")),
        click.option("--series", help=_("Only this bulletin series.")),
        click.option("--region", multiple=True, help=_("Only articles mentioning this unit: 江苏省, 江苏省/南京市 (repeatable).")),
        click.option("--doc-type", "doc_type", multiple=True, help=_("Only documents of this 文种 (repeatable).")),
        click.option("--status", multiple=True, help=_("Legal force: 现行有效, 已废止 or 已修订 (repeatable).")),
        click.option("--from", "date_from", help=_("From this date (YYYY-MM-DD).")),
        click.option("--to", "date_to", help=_("Up to this date (YYYY-MM-DD).")),
        click.option("--sort", help=_("relevance, date (newest first) or oldest (oldest first).")),
        click.option("--dates", type=click.Choice(["text"]),
                     help=_("text: a date typed with other words is searched as text, not applied as the date filter.")),
    ]):
        f = option(f)
    return f


def parse_options(opts: dict[str, Any], page: int = 1) -> Any:
    """The CLI's options through the one search-parameter parser (indexer.present.params)."""
    from indexer.present.params import BadParam, Pairs, parse_search_args

    pairs: list[tuple[str, str]] = [("q", opts.get("query") or "")]
    for name in ("city", "year", "month", "issue", "region", "doc_type", "status"):
        pairs += [(name, str(v)) for v in opts.get(name) or ()]
    for name, key in (("place", "place"), ("series", "series"), ("from", "date_from"), ("to", "date_to"), ("sort", "sort"),
                      ("dates", "dates")):
        if opts.get(key):
            pairs.append((name, str(opts[key])))
    if page != 1:
        pairs.append(("page", str(page)))
    try:
        return parse_search_args(Pairs(pairs))
    except BadParam as ex:
        raise click.BadParameter(str(ex), param_hint=f"--{ex.name}" if ex.name != "q" else "QUERY") from None


EMPTY_ARCHIVE = N_("The archive holds no article yet: put bulletin files in the corpus folder (--corpus) and run "
                  "`bulletins index`, or add them with `bulletins add FILE`")


def empty_archive_note(handle: Any) -> None:
    """Say so on stderr when the index holds no article yet (a new deployment)."""
    if handle.searcher().doc_count() == 0:
        click.echo(_(EMPTY_ARCHIVE), err=True)


def open_index_errors(index: Path) -> Any:
    """Turn the indexer's errors into CLI messages."""
    from contextlib import contextmanager

    from indexer.store.records import CorruptIndexError
    from indexer.store.handles import IndexUnavailableError

    @contextmanager
    def guard() -> Any:
        try:
            yield
        except IndexUnavailableError as ex:
            raise click.ClickException(str(ex)) from None
        except CorruptIndexError as ex:  # a damaged segment, found when the query reads it
            raise click.ClickException(
                _("the index at {index} is damaged ({error}); run `bulletins index --rebuild` to rebuild it from the corpus")
                .format(index=index, error=ex)
            ) from None

    return guard()


@click.command(help=_("Search the archive for QUERY: words, \"phrases\", AND / OR / NOT, field:value.\n\n"
                      "An empty QUERY with filters lists the matching articles, newest first."))
@search_options
@click.option("--page", type=click.IntRange(1, MAX_PAGE), default=1, show_default=True, help=_("Page of the results."))
@setting_option(PER_PAGE, "--per-page", "per_page")
@click.option("--json", "as_json", is_flag=True, help=_("Print the result as JSON (the same bytes as /api/search)."))
@index_option
@backend_option
def search(page: int, per_page: int, as_json: bool, index: Path, backend: str | None = None, **opts: Any) -> None:
    """`bulletins search` (its help is the catalogue's, bulletins.i18n)."""
    from indexer.present.page import plain_snippet, search_page, to_json
    from indexer.store.handles import IndexHandle

    params = parse_options(opts, page)
    if backend and backend != "embedded":  # another backend behind the seam (indexer.search.backend)
        from indexer.search.backend import open_backend

        with backend_errors():
            b = open_backend(backend, index)
            vocab = IndexHandle(index)  # the words the stages and corrections draw on (when it is there)
            try:
                result = search_page(b, params, per_page, index=vocab)  # type: ignore[arg-type]
            finally:
                b.close()
                vocab.close()
        _print(result, page, per_page, as_json)
        return
    handle = IndexHandle(index)
    try:
        with open_index_errors(index):
            result = search_page(handle, params, per_page)
            if not result["total"]:
                empty_archive_note(handle)
    finally:
        handle.close()  # the searcher's open files (unclosed when called in-process, e.g. CliRunner)
    _print(result, page, per_page, as_json)


def _print(result: dict[str, Any], page: int, per_page: int, as_json: bool) -> None:
    from indexer.present.page import plain_snippet, to_json

    if as_json:
        click.echo(to_json(result))
        return
    for w in result["warnings"]:
        click.echo(_("warning: {warning}").format(warning=w), err=True)
    click.echo(_("{total} articles (page {page} of {pages})").format(
        total=result["total"], page=result["page"], pages=result["pages"]))
    for i, h in enumerate(result["hits"], (page - 1) * per_page + 1):
        where = h["city"] or h["place"] or ""
        held = "  " + _("holds {count}/{of} of the words").format(**h["words_held"]) if h.get("words_held") else ""
        click.echo(f"{i:>4}. {h['title']}  [{h['label']} {h['date'] or ''} {where}]{held}")
        click.echo(f"      {plain_snippet(h['snippet'])}")
    for name, label in (("region", _("region")), ("city", _("city")), ("year", _("year")), ("month", _("month"))):
        items = result["facets"][name][:12]
        if items:
            click.echo(_("{facet}: {values}").format(
                facet=label, values=", ".join(f"{x['label']} ({x['count']})" for x in items)))

