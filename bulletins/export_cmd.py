"""`bulletins export` and `bulletins report`: a result set to a file; the series report."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from archive.errors import os_reason
from bulletins.i18n import N_, _
from bulletins.options import index_option, setting_option
from bulletins.search_cmd import empty_archive_note, open_index_errors, parse_options, search_options
from indexer.present.settings import BASE_URL

CLI_BASE_URL = "http://127.0.0.1:8000/"
EXISTS = N_("{output} exists and was not written: choose another file name, or add --force to replace it")


@click.command(help=_("Export every article matching QUERY and the filters (at most 10,000) to a file."))
@search_options
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "docx"]), default="xlsx", show_default=True,
              help=_("CSV (UTF-8 with BOM), an Excel workbook or a Word 汇编."))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True), required=True,
              help=_("The file to write (`-`: standard output); an existing file only with --force."))
@click.option("--force", is_flag=True, help=_("Replace the output file if it exists."))
@setting_option(BASE_URL, default=lambda: BASE_URL.value() or CLI_BASE_URL, show_default=False,
                help=_("Public address of the web app, for the articles' links."))
@index_option
def export(fmt: str, output: Path, force: bool, base_url: str, index: Path, **opts: Any) -> None:
    """`bulletins export` (its help is the catalogue's, bulletins.i18n)."""
    from indexer.present.export import RENDERERS, ExportTooLarge, export_records
    from indexer.store.handles import IndexHandle

    params = parse_options(opts)
    to_stdout = str(output) == "-"
    if not to_stdout and not force and (output.exists() or output.is_symlink()):
        raise click.ClickException(_(EXISTS).format(output=output))
    handle = IndexHandle(index)
    try:
        with open_index_errors(index):
            data = export_records(handle, params, base_url)
            if not data.total:
                empty_archive_note(handle)
    except ExportTooLarge as ex:
        raise click.ClickException(str(ex)) from None
    finally:
        handle.close()
    for notice in data.notices:  # what the search did (the cover of .xlsx/.docx holds them too; .csv has none)
        click.echo(notice, err=True)
    body = RENDERERS[fmt](data)
    chunks = [body] if isinstance(body, bytes) else body
    if to_stdout:
        out = sys.stdout.buffer
        for chunk in chunks:
            out.write(chunk)
        out.flush()
        click.echo(_("{n} articles written to standard output").format(n=data.total), err=True)
        return
    try:
        # "x" (exclusive) unless --force: a file that appeared meanwhile is not replaced either
        with output.open("wb" if force else "xb") as f:
            for chunk in chunks:
                f.write(chunk)
    except FileExistsError:
        raise click.ClickException(_(EXISTS).format(output=output)) from None
    except OSError as ex:
        raise click.ClickException(_("cannot write {output}: {error}").format(output=output, error=os_reason(ex))) from None
    click.echo(_("{n} articles written to {output}").format(n=data.total, output=output))


@click.command(help=_("The series report: per series and year, issues present, missing, duplicated, out of order, "
                      "and files with parse warnings. Exits 1 when anything is missing or wrong."))
@click.option("--json", "as_json", is_flag=True, help=_("Print the report as JSON."))
@index_option
def report(as_json: bool, index: Path) -> None:
    """`bulletins report` (its help is the catalogue's, bulletins.i18n)."""
    from indexer.present.series import series_report
    from indexer.store.handles import IndexHandle

    handle = IndexHandle(index)
    try:
        with open_index_errors(index):
            data = series_report(handle)
            if not data["totals"]["issues"]:
                empty_archive_note(handle)
    finally:
        handle.close()
    t = data["totals"]
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False))
    else:
        for s in data["series"]:
            click.echo(s["series"])
            for y in s["years"]:
                line = "  " + _("{year}: {n} issues").format(year=y["year"] or "?", n=len(y["issues"]))
                if y["numbers"]:
                    line += f" (第{y['numbers'][0]}–{y['numbers'][-1]}期)"
                if y["missing"]:
                    line += _("; missing {issues}").format(issues=", ".join(f"第{n}期" for n in y["missing"]))
                if y["missing_dates"]:
                    line += _("; missing days {days}").format(days=", ".join(y["missing_dates"]))
                for d in y["duplicates"]:
                    line += _("; 第{issue}期 in {n} files ({files})").format(
                        issue=d["issue"], n=len(d["files"]), files=", ".join(d["files"]))
                    if d.get("originals"):
                        line += _(": one issue, {n} originals").format(n=len(d["files"]))
                for b in y["backwards"]:
                    line += _("; 第{issue}期 dated {date} before 第{after_issue}期 ({after_date})").format(**b)
                click.echo(line)
        for w in data["warnings"]:
            click.echo(_("warning: {warning}").format(
                warning=f"{w['label']} ({', '.join(w['files'])}): {'; '.join(w['warnings'])}"))
        click.echo(_("{series} series, {issues} issues: {missing} missing, {duplicates} duplicated, "
                     "{backwards} out of order, {warnings} with warnings").format(**t))
    # the same issue as Word and as PDF is one issue with two originals: counted, not a fault
    conflicts = [d for s in data["series"] for y in s["years"] for d in y["duplicates"]
                 if len(d["files"]) - len(d.get("originals") or []) > 1]
    if t["missing"] or conflicts or t["backwards"]:
        raise SystemExit(1)
