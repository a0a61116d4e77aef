"""`bulletins index` and `bulletins add`: keep the index in step with the corpus."""

from __future__ import annotations

import errno
import json
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bulletins.options import (
    backend_errors, backend_option, budget_option, corpus_option, index_option, setting_option, workers_option,
)
from indexer.settings import WAIT

if TYPE_CHECKING:  # the build module (and Whoosh's writer) load only when indexing
    from indexer.build import IndexReport


def _print_report(report: IndexReport, seconds: float, as_json: bool) -> None:
    d = report.to_dict()
    if as_json:
        click.echo(json.dumps({**d, "seconds": round(seconds, 3)}, ensure_ascii=False))
        return
    what = "rebuilt" if d["rebuilt"] else "updated"
    click.echo(
        f"index {what} in {seconds:.1f} s: {d['added']} added, {d['updated']} updated, "
        f"{d['removed']} removed, {d['unchanged']} unchanged, {len(d['rejected'])} rejected; "
        f"{d['articles']} articles searchable"
        + (f"; {d['repaired']} files re-made from the corpus (their segment was damaged)" if d["repaired"] else "")
    )
    for w in d["warnings"]:
        click.echo(f"warning: {w}", err=True)
    for r in d["rejected"]:
        click.echo(f"rejected {r['path']}: {r['reason']}", err=True)


def use_reader_cache(index: Path) -> None:
    """Cache extracted documents beside the index (`var/index` → `var/cache`), unless $BULLETINS_CACHE says where."""
    from archive.readers.cache import CACHE_ENV

    os.environ.setdefault(CACHE_ENV, str(Path(index).resolve().parent / "cache"))


def fill_backend(spec: str | None, index: Path, rebuild: bool, as_json: bool) -> None:
    """Bring the backend `--backend` names in step with the index just written (its records):
    nothing for the embedded index itself."""
    if not spec or spec == "embedded":
        return
    from indexer.backend import EmbeddedBackend, open_backend
    from indexer.mariadb_backend import fill_from

    t0 = time.perf_counter()
    with backend_errors():
        backend = open_backend(spec, index)
        embedded = EmbeddedBackend(index)
        try:
            written, gone = fill_from(embedded, backend, replace=rebuild)  # type: ignore[arg-type]
        finally:
            embedded.close()
            backend.close()
    if not as_json:
        click.echo(f"backend {backend.name} updated in {time.perf_counter() - t0:.1f} s: "
                   f"{written} articles written, {gone} removed")


def _run(
    corpus: Path, index: Path, rebuild: bool, procs: int | None, wait: float, as_json: bool,
    allow_removal: bool = False, added: list[str] | None = None, workers: str | None = None,
) -> int:
    """A full run, or with `added` (names `add` placed in the corpus) just those files
    (indexer.update), falling back to a full run where that path cannot be taken. With
    `workers` (a full run), the files are first read on that Dask scheduler's workers."""
    from archive.corpus import CorpusUnavailableError
    from indexer.build import RemovalRefusedError, build_index
    from indexer.distribute import DistributeError
    from indexer.store import IndexBusyError, IndexLayoutError

    use_reader_cache(index)  # worker processes inherit it

    def on_wait() -> None:
        click.echo(f"another `bulletins index` run is writing {index}; waiting up to {wait:.0f} s…", err=True)

    t0 = time.perf_counter()
    tty = sys.stderr.isatty()
    pre_read = None
    try:
        if workers and added is None:  # read on the workers first, without the index lock
            from indexer.distribute import read_corpus_on_workers

            pre_read = read_corpus_on_workers(corpus, index, workers, rebuild,
                                              None if as_json else lambda line: click.echo(line, err=True)).pre_read
        report = None
        if added is not None:
            from indexer.update import add_files

            report = add_files(corpus, index, added, wait_seconds=wait, on_wait=on_wait)
        if report is None:
            report = build_index(
                corpus, index, rebuild=rebuild, procs=procs, wait_seconds=wait, on_wait=on_wait,
                show_progress=tty and not as_json, allow_removal=allow_removal,
                progress_lines=None if tty or as_json else lambda line: click.echo(line, err=True),
                pre_read=pre_read,
            )
    except (IndexBusyError, IndexLayoutError, CorpusUnavailableError, RemovalRefusedError) as ex:
        raise click.ClickException(str(ex)) from None
    except DistributeError as ex:  # before anything was written
        raise click.ClickException(f"{ex}；索引未改动") from None
    except OSError as ex:  # disk full, permissions: one line, the served index is unchanged
        where = f" {ex.filename}" if ex.filename else f" in {index}"
        hint = "free some space (or raise the quota or file-size limit)" if ex.errno in (
            errno.ENOSPC, errno.EDQUOT, errno.EFBIG) else "check the permissions of the corpus and index folders"
        raise click.ClickException(
            f"cannot write{where} ({ex.strerror or ex}): {hint} and run again; the served index is unchanged"
        ) from None
    _print_report(report, time.perf_counter() - t0, as_json)
    return 1 if report.rejected else 0


@click.command()
@corpus_option
@index_option
@click.option("--rebuild", is_flag=True, help="Build a fresh index beside the old one and swap it in.")
@click.option("--procs", type=click.IntRange(1, 64), default=None, help="Worker processes (default: one per core).")
@setting_option(WAIT)
@click.option("--allow-removal", is_flag=True,
              help="Allow removing more than a fifth of the archived files (or all of them) in one run.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@budget_option
@workers_option
@backend_option
def index(
    corpus: Path, index: Path, rebuild: bool, procs: int | None, wait: float, allow_removal: bool, as_json: bool,
    workers: str | None, backend: str | None = None,
) -> None:
    """Index the corpus: add new files, re-index changed ones, drop deleted ones.

    Exits 1 when any file was rejected (after indexing all the others), and
    without changing anything when the corpus folder is missing or unreadable
    or the run would remove more than a fifth of the archive (see --allow-removal).
    """
    code = _run(corpus, index, rebuild, procs, wait, as_json, allow_removal, workers=workers)
    fill_backend(backend, index, rebuild, as_json)  # the records of the index just written
    sys.exit(code)


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@corpus_option
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print the index summary as JSON.")
@budget_option
@workers_option
@backend_option
def add(files: tuple[Path, ...], corpus: Path, index: Path, as_json: bool, workers: str | None,
        backend: str | None = None) -> None:
    """Check FILES, copy the good ones into the corpus under telling names, and index them.

    A rejected file changes nothing; a different file already in the corpus is
    never overwritten. Only these files are indexed (other changes to the corpus
    wait for the next `bulletins index`).
    """
    from archive.corpus import CorpusWriteError, place_in_corpus
    from archive.errors import BulletinError
    from archive.readers.budget import parse_within_budget

    use_reader_cache(index)  # what add reads now, the index run after it reads from the cache
    failed = False
    placed_names: list[str] = []
    early: dict[str, str] = {}
    if workers:  # a large scan: read (OCR) on the workers into the cache, then checked here as usual
        from indexer.distribute import DistributeError, read_on_workers

        try:
            done = read_on_workers(workers, [(str(p), p) for p in files],
                                   None if as_json else lambda line: click.echo(line, err=True))
        except DistributeError as ex:
            raise click.ClickException(f"{ex}；语料库和索引未改动") from None
        early = done.rejected
        for w in done.warnings:
            click.echo(f"warning: {w}", err=True)
    # Every file is checked (in its budgeted worker) before any is placed: a bad file, whatever
    # its failure, is a rejection, and never leaves another half-added.
    checked = []
    for path in files:
        if str(path) in early:
            click.echo(f"rejected {path}: {early[str(path)]}", err=True)
            failed = True
            continue
        try:
            checked.append((path, parse_within_budget(path)))
        except BulletinError as ex:
            click.echo(f"rejected {path}: {ex.reason}", err=True)
            failed = True
    for path, b in checked:
        try:
            placed = place_in_corpus(path, b, corpus)
        except CorpusWriteError as ex:
            click.echo(f"error: {ex}", err=True)
            failed = True
            continue
        if placed.status == "conflict":
            click.echo(f"rejected {path}: {placed.reason}", err=True)
            failed = True
        elif placed.status == "same":
            click.echo(f"{path}: already in the corpus as {placed.dest.name}", err=True)
            placed_names.append(placed.dest.name)
        else:
            click.echo(f"{path} → {placed.dest} ({b.label}, {len(b.articles)} articles)", err=True)
            placed_names.append(placed.dest.name)
    code = _run(corpus, index, False, None, 600.0, as_json, added=placed_names)
    fill_backend(backend, index, False, as_json)
    sys.exit(1 if failed or code else 0)
