"""`bulletins verify`: read every file of the serving index and check it against its manifest."""

from __future__ import annotations

import json
from pathlib import Path

import click

from bulletins.i18n import _
from bulletins.options import index_option


@click.command(help=_("Check every file of the serving index against the checksums recorded when it was written; "
                      "exits 1 naming each damaged file (`bulletins index` then re-makes its segment)."))
@click.option("--json", "as_json", is_flag=True, help=_("Print the result as JSON."))
@index_option
def verify(as_json: bool, index: Path) -> None:
    """`bulletins verify` (its help is the catalogue's, bulletins.i18n)."""
    from indexer.store.handles import IndexUnavailableError
    from indexer.store.handles import verify as verify_index

    try:
        found = verify_index(index)
    except IndexUnavailableError as ex:
        raise click.ClickException(str(ex)) from None
    if as_json:
        click.echo(json.dumps({
            "ok": not found.damage, "generation": found.gen.name, "segments": found.segments, "files": found.files,
            "bytes": found.bytes, "seconds": round(found.seconds, 3), "unrecorded": found.unrecorded,
            "damaged": [{"segment": d.segment, "file": d.name, "reason": d.reason} for d in found.damage],
        }, ensure_ascii=False))
    else:
        for d in found.damage:
            click.echo(_("damaged: {file}").format(file=d))
        if found.unrecorded:
            click.echo(_("note: {n} segment(s) have no recorded checksums (written by an older version, or "
                         "interrupted after writing): only their file headers were checked; the next "
                         "`bulletins index` records them").format(n=len(found.unrecorded)), err=True)
        summary = _("{generation}: {segments} segments, {files} files, {mb} MB read in {seconds} s").format(
            generation=found.gen.name, segments=found.segments, files=found.files, mb=f"{found.bytes / 1e6:.1f}",
            seconds=f"{found.seconds:.2f}")
        if found.damage:
            segments = "、".join(found.damaged_segments)
            click.echo(_("{n} file(s) of the index are damaged (segments {segments}): {summary}. "
                         "Run `bulletins index` to re-make the damaged segments from the corpus").format(
                n=len(found.damage), segments=segments, summary=summary))
        else:
            click.echo(_("the index is intact: {summary}").format(summary=summary))
    if found.damage:
        raise SystemExit(1)
