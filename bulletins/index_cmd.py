"""`bulletins index` and `bulletins add`: keep the index in step with the corpus."""

from __future__ import annotations

import errno
import json
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from archive.errors import os_reason
from archive.errors import shown
from bulletins.i18n import _
from bulletins.options import (
    backend_errors, backend_option, budget_option, corpus_option, index_option, setting_option, workers_option,
)
from indexer.present.settings import WAIT

if TYPE_CHECKING:  # the build module (and Whoosh's writer) load only when indexing
    from indexer.build.builder import IndexReport


def _print_report(report: IndexReport, seconds: float, as_json: bool, per_file: bool = True) -> None:
    """The run's summary line; with `per_file`, a line per other original and per rejected file too."""
    d = report.to_dict()
    if as_json:
        click.echo(json.dumps({**d, "seconds": round(seconds, 3)}, ensure_ascii=False))
        return
    what = _("index rebuilt in {seconds} s") if d["rebuilt"] else _("index updated in {seconds} s")
    click.echo(
        what.format(seconds=f"{seconds:.1f}") + _(": {added} added, {updated} updated, {removed} removed, "
                                                  "{unchanged} unchanged, {rejected} rejected; {articles} articles searchable").format(
            added=d["added"], updated=d["updated"], removed=d["removed"], unchanged=d["unchanged"],
            rejected=len(d["rejected"]), articles=d["articles"])
        + (_("; {n} files re-made from the corpus (their segment was damaged)").format(n=d["repaired"])
           if d["repaired"] else "")
    )
    for w in d["warnings"]:
        click.echo(_("warning: {warning}").format(warning=shown(w)), err=True)
    for o in d["originals"] if per_file else ():
        click.echo(_("{path}: another original of the issue of {indexed} (one issue, two originals; "
                     "searched by the text of {indexed})").format(path=shown(o["path"]), indexed=shown(o["indexed"])), err=True)
    for r in d["rejected"] if per_file else ():
        click.echo(_("rejected {path}: {reason}").format(path=shown(r["path"]), reason=r["reason"]), err=True)


def use_reader_cache(index: Path) -> None:
    """Cache extracted documents beside the index (`var/index` → `var/cache`), unless $BULLETINS_CACHE says where."""
    from archive.readers.cache import CACHE_ENV

    os.environ.setdefault(CACHE_ENV, str(Path(index).resolve().parent / "cache"))


def fill_backend(spec: str | None, index: Path, rebuild: bool, as_json: bool) -> None:
    """Bring the backend `--backend` names in step with the index just written (its records):
    nothing for the embedded index itself."""
    if not spec or spec == "embedded":
        return
    from indexer.search.backend import EmbeddedBackend, open_backend
    from indexer.search.mariadb_backend import fill_from

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
    report_out: list[IndexReport] | None = None,
) -> int:
    """A full run, or with `added` (names `add` placed in the corpus) just those files
    (indexer.build.update), falling back to a full run where that path cannot be taken. With
    `workers` (a full run), the files are first read on that Dask scheduler's workers."""
    from archive.corpus import CorpusUnavailableError
    from indexer.build.builder import RemovalRefusedError, build_index
    from indexer.build.distribute import DistributeError
    from indexer.store.handles import IndexBusyError, IndexLayoutError

    use_reader_cache(index)  # worker processes inherit it

    def on_wait() -> None:
        click.echo(_("another `bulletins index` run is writing {index}; waiting up to {seconds} s…").format(
            index=index, seconds=f"{wait:.0f}"), err=True)

    t0 = time.perf_counter()
    tty = sys.stderr.isatty()
    pre_read = None
    try:
        if workers and added is None:  # read on the workers first, without the index lock
            from indexer.build.distribute import read_corpus_on_workers

            pre_read = read_corpus_on_workers(corpus, index, workers, rebuild,
                                              None if as_json else lambda line: click.echo(line, err=True)).pre_read
        report = None
        if added is not None:
            from indexer.build.update import add_files

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
        raise click.ClickException(_("{error}; the index is unchanged").format(error=ex)) from None
    except OSError as ex:  # disk full, permissions: one line, the served index is unchanged
        where = str(ex.filename) if ex.filename else _("in {index}").format(index=index)
        hint = _("free some space (or raise the quota or file-size limit)") if ex.errno in (
            errno.ENOSPC, errno.EDQUOT, errno.EFBIG) else _("check the permissions of the corpus and index folders")
        raise click.ClickException(
            _("cannot write {where} ({error}): {hint} and run again; the served index is unchanged").format(
                where=where, error=os_reason(ex), hint=hint)
        ) from None
    _print_report(report, time.perf_counter() - t0, as_json, per_file=report_out is None)
    if report_out is not None:  # the caller says what became of each rejected file
        report_out.append(report)
    _send_digests(index)
    return 1 if report.rejected else 0


def _send_digests(index: Path) -> None:
    """The saved searches' e-mails after the run (webui.alerts): nothing when nobody subscribed;
    a failure to send is one named line on stderr, and the run still succeeds (retried next run)."""
    from indexer.present.settings import INSTANCE
    from webui.alerts_store import AlertsStore

    instance = Path(INSTANCE.value())
    if not AlertsStore.exists(instance):
        return
    from webui.alerts import send_after_index

    try:
        run = send_after_index(index, instance)
    except Exception as ex:  # (the index run has succeeded: e-mail never makes it fail)
        click.echo(_("saved searches not sent: {error}").format(error=f"{type(ex).__name__}: {ex}"), err=True)
        return
    if run.sent:
        click.echo(_("saved searches: {n} e-mail(s) sent").format(n=run.sent), err=True)
    for why in run.skipped:
        click.echo(_("saved search not sent: {why}").format(why=why), err=True)
    if run.no_server:
        click.echo(_("saved searches not sent: no mail server is set (BULLETINS_SMTP_HOST); the new matches of "
                     "{n} subscription(s) wait").format(n=run.no_server), err=True)
    if run.failure:
        click.echo(_("saved-search e-mails failed: {error}; the new matches of {n} subscription(s) are sent again "
                     "after the next index run (the index is updated)").format(error=run.failure, n=run.waiting), err=True)
    if run.error:
        click.echo(_("saved searches not sent: {error}").format(error=run.error), err=True)


@click.command(help=_(
    "Index the corpus: add new files, re-index changed ones, drop deleted ones.\n\n"
    "Exits 1 when any file was rejected (after indexing all the others), and without changing anything "
    "when the corpus folder is missing or unreadable or the run would remove more than a fifth of the "
    "archive (see --allow-removal). Saved searches with new matches are then e-mailed."))
@corpus_option
@index_option
@click.option("--rebuild", is_flag=True, help=_("Build a fresh index beside the old one and swap it in."))
@click.option("--procs", type=click.IntRange(1, 64), default=None, help=_("Worker processes (default: one per core)."))
@setting_option(WAIT)
@click.option("--allow-removal", is_flag=True,
              help=_("Allow removing more than a fifth of the archived files (or all of them) in one run."))
@click.option("--json", "as_json", is_flag=True, help=_("Print the summary as JSON."))
@budget_option
@workers_option
@backend_option
def index(
    corpus: Path, index: Path, rebuild: bool, procs: int | None, wait: float, allow_removal: bool, as_json: bool,
    workers: str | None, backend: str | None = None,
) -> None:
    """`bulletins index` (its help is the catalogue's, bulletins.i18n)."""
    code = _run(corpus, index, rebuild, procs, wait, as_json, allow_removal, workers=workers)
    fill_backend(backend, index, rebuild, as_json)  # the records of the index just written
    sys.exit(code)


@click.command(help=_(
    "Check FILES, copy the good ones into the corpus under telling names, and index them.\n\n"
    "A folder stands for the files under it (walked as the corpus is: hidden files, links leading out of it "
    "and links to folders are passed over). "
    "A rejected file changes nothing; a different file already in the corpus is never overwritten. "
    "Only these files are indexed (other changes to the corpus wait for the next `bulletins index`). "
    "Saved searches with new matches are then e-mailed."))
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@corpus_option
@index_option
@click.option("--json", "as_json", is_flag=True, help=_("Print the index summary as JSON."))
@budget_option
@workers_option
@backend_option
def add(files: tuple[Path, ...], corpus: Path, index: Path, as_json: bool, workers: str | None,
        backend: str | None = None) -> None:
    """`bulletins add` (its help is the catalogue's, bulletins.i18n)."""
    from archive.corpus import CorpusUnavailableError, CorpusWriteError, place_in_corpus, require_corpus, sources_to_add
    from archive.errors import BulletinError
    from archive.readers.budget import parse_within_budget

    # A new archive (no index yet) starts its corpus folder; beside an index, a corpus folder
    # that does not exist is a mistyped --corpus: an error, not a new folder beside the real one.
    if index.is_dir() and any(index.iterdir()):
        try:
            require_corpus(corpus)
        except CorpusUnavailableError as ex:
            raise click.ClickException(str(ex)) from None
    use_reader_cache(index)  # what add reads now, the index run after it reads from the cache
    failed = False
    sources = sources_to_add(list(files), corpus, skip=(index,))  # a folder: the files under it
    for w in sources.warnings:
        click.echo(_("warning: {warning}").format(warning=shown(w)), err=True)
    for path, reason in sources.refused:
        click.echo(_("rejected {path}: {reason}").format(path=shown(path), reason=reason), err=True)
        failed = True
    files = tuple(shown_as for shown_as, _read in sources.files)
    reading = {shown_as: read for shown_as, read in sources.files}
    placed_names: list[str] = []
    early: dict[str, str] = {}
    if workers:  # a large scan: read (OCR) on the workers into the cache, then checked here as usual
        from indexer.build.distribute import DistributeError, read_on_workers

        try:
            done = read_on_workers(workers, [(str(p), reading[p]) for p in files],
                                   None if as_json else lambda line: click.echo(line, err=True))
        except DistributeError as ex:
            raise click.ClickException(_("{error}; the corpus and the index are unchanged").format(error=ex)) from None
        early = done.rejected
        for w in done.warnings:
            click.echo(_("warning: {warning}").format(warning=shown(w)), err=True)
    # Every file is checked (in its budgeted worker) before any is placed: a bad file, whatever
    # its failure, is a rejection, and never leaves another half-added.
    checked = []
    for path in files:
        if str(path) in early:
            click.echo(_("rejected {path}: {reason}").format(path=shown(path), reason=early[str(path)]), err=True)
            failed = True
            continue
        try:
            checked.append((path, parse_within_budget(reading[path])))
        except BulletinError as ex:
            click.echo(_("rejected {path}: {reason}").format(path=shown(path), reason=ex.reason), err=True)
            failed = True
    # Each file is placed, then indexed; its verdict is printed once, after the index has
    # decided (another original of an archived issue, or a conflict with it). A file the
    # index rejects is taken out of the corpus again: the corpus is left as it was.
    verdicts: list[tuple[Path, Any, Any]] = []  # (the file given, Placed, its Bulletin)
    for path, b in checked:
        try:
            placed = place_in_corpus(reading[path], b, corpus)
        except CorpusWriteError as ex:
            click.echo(_("error: {error}").format(error=ex), err=True)
            failed = True
            continue
        if placed.status == "conflict":
            click.echo(_("rejected {path}: {reason}").format(path=shown(path), reason=placed.reason), err=True)
            failed = True
        else:
            placed_names.append(placed.dest.name)
            verdicts.append((path, placed, b))
    reports: list[Any] = []
    code = _run(corpus, index, False, None, 600.0, as_json, added=placed_names, report_out=reports)
    fill_backend(backend, index, False, as_json)
    report = reports[0] if reports else None
    rejected = {r.path: r.reason for r in report.rejected} if report is not None else {}
    others = dict(report.originals) if report is not None else {}
    for path, placed, b in verdicts:
        name = placed.dest.name
        if name in rejected:
            if placed.status == "added":
                placed.dest.unlink(missing_ok=True)
            click.echo(_("rejected {path}: {reason}; not placed in the corpus").format(
                path=path, reason=rejected.pop(name)), err=True)
        elif name in others:
            click.echo(_("{path} → {dest}: another original of {label} (one issue, two originals; "
                         "searched by the text of {indexed})").format(
                path=path, dest=placed.dest, label=b.label, indexed=others[name]), err=True)
        elif placed.status == "same":
            click.echo(_("{path}: already in the corpus as {name}").format(path=shown(path), name=name), err=True)
        else:
            also = [o for o, indexed in others.items() if indexed == name]
            click.echo(_("{path} → {dest} ({label}, {n} articles)").format(
                path=path, dest=placed.dest, label=b.label, n=len(b.articles))
                + (_("; {others}: another original of this issue (one issue, two originals; "
                     "searched by this file's text)").format(others=", ".join(also)) if also else ""), err=True)
    for relpath, reason in rejected.items():  # files of the corpus the run read besides these
        click.echo(_("rejected {path}: {reason}").format(path=relpath, reason=reason), err=True)
    sys.exit(1 if failed or code else 0)
