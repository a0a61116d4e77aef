"""`bulletins check`: show what the parser extracts from bulletin files."""

from __future__ import annotations

import json
from pathlib import Path

import click

from archive.confidence import LOW_CONFIDENCE, low_confidence_pages
from archive.corpus import CorpusUnavailableError, folder_note, scan_corpus
from archive.errors import BulletinError, shown
from archive.model import Bulletin
from bulletins.i18n import _
from bulletins.options import budget_option


def _summary(b: Bulletin, threshold: float = LOW_CONFIDENCE) -> str:
    lines = [
        f"{shown(b.path)}: {b.label} [{b.format}]",
        "  " + _("series {series} | issue {issue} | total {total} | year {year} | date {date}").format(
            series=b.series, issue=b.issue, total=b.issue_total, year=b.year, date=b.date.isoformat() if b.date else None),
        "  " + _("issuer {issuer} | serial {serial} | copies {copies}").format(
            issuer=b.issuer, serial=b.serial, copies=b.copies),
    ]
    if b.kind == "公文":  # the GB/T 9704 elements the document has
        parts = [("文种", b.doc_type), ("份号", b.copy_no), ("密级", b.secrecy), ("紧急程度", b.urgency), ("签发人", b.signer),
                 ("主送", b.addressee), ("附件", "；".join(b.attachments)), ("附注", b.annotation), ("印发", b.print_org),
                 ("印发日期", b.print_date.isoformat() if b.print_date else None)]
        lines.append("  公文 | " + " | ".join(f"{k} {v}" for k, v in parts if v))
    if b.ocr:
        pages = ", ".join(f"{k}: {c:.2f}" for k, c in enumerate(b.ocr, 1))
        lines.append("  " + _("text from OCR — confidence by page {pages}").format(pages=pages))
        lines += ["  " + _("warning: low OCR confidence on page {page} ({confidence} < {threshold}): "
                           "check the text against the original").format(
                      page=k, confidence=f"{b.ocr[k - 1]:.2f}", threshold=f"{threshold:.2f}")
                  for k in low_confidence_pages(b.ocr, threshold)]
    lines += ["  " + _("recipient {name}").format(name=r) for r in b.recipients]
    lines += ["  " + _("warning: {warning}").format(warning=shown(w)) for w in b.warnings]
    lines.append("  " + _("{n} article(s)").format(n=len(b.articles)))
    for a in b.articles:
        where = f" [{a.city}]" if a.city else ""
        section = f"【{a.section}】 " if a.section else ""
        lines.append(f"  {a.order:3d}. {section}{a.heading}{where} — " + _("{n} chars").format(n=len(a.text)))
    return "\n".join(shown(line) for line in lines)  # a document's control characters never reach the terminal


@click.command(help=_("Parse FILES (text, Markdown, .docx, .doc, .wps, .pdf, scans, .ofd, .html) and print what was "
                      "extracted, with each file's format; a folder stands for the files `bulletins index` would read in it; "
                      "exit 1 if any file is rejected."))
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help=_("One JSON object per file per line."))
@click.option("--explain", "explain_lines", is_flag=True,
              help=_("Line by line: where each paragraph went (a field, an article, an attachment, the 版记, or removed and why)."))
@click.option("--min-confidence", type=click.FloatRange(0, 1), default=LOW_CONFIDENCE, show_default=True,
              help=_("Flag OCR pages whose mean confidence is below this."))
@budget_option
def check(files: tuple[Path, ...], as_json: bool, min_confidence: float, explain_lines: bool = False) -> None:
    """`bulletins check` (its help is the catalogue's, bulletins.i18n)."""
    from archive.readers.budget import parse_within_budget  # here: the other commands (serve) need no parser

    files, rejected = _expand(files)
    if explain_lines:
        _explain_files(files, rejected)
        return
    for path in files:
        try:
            bulletin = parse_within_budget(path)  # as `add` and `index` read it: one budget per file
        except BulletinError as exc:
            rejected += 1
            click.echo(_("rejected {path}: {reason}").format(path=shown(exc.path), reason=exc.reason), err=True)
            continue
        skipped = folder_note(path, path.name)  # what `bulletins index` would make of it in a corpus
        if as_json:
            out = bulletin.to_dict()
            out["low_confidence_pages"] = low_confidence_pages(bulletin.ocr, min_confidence)
            out["index_skips"] = skipped
            click.echo(json.dumps(out, ensure_ascii=False))
        else:
            click.echo(_summary(bulletin, min_confidence))
            if skipped:
                click.echo("  " + _("note: in a corpus, `bulletins index` skips this file: {why}").format(why=skipped))
    if rejected:
        click.echo(_("{rejected} of {n} file(s) rejected").format(rejected=rejected, n=len(files)), err=True)
        raise SystemExit(1)


def _expand(given: tuple[Path, ...]) -> tuple[tuple[Path, ...], int]:
    """The files to check: a folder stands for the files `bulletins index` would read in it
    (scan_corpus: hidden files and a folder's own README are skipped, as in a corpus); with
    the number of folders that could not be read, each named on stderr."""
    files: list[Path] = []
    bad = 0
    for path in given:
        if not path.is_dir():
            files.append(path)
            continue
        try:
            scan = scan_corpus(path)
        except CorpusUnavailableError as ex:
            bad += 1
            click.echo(_("error: {error}").format(error=shown(str(ex))), err=True)
            continue
        for warning in scan.warnings:
            click.echo(_("warning: {warning}").format(warning=shown(warning)), err=True)
        for relpath, reason in sorted(scan.unreadable.items()):
            bad += 1
            click.echo(_("rejected {path}: {reason}").format(path=shown(str(path / relpath)), reason=reason), err=True)
        files += [scan.files[r] for r in sorted(scan.files)]
    return tuple(files), bad


def _explain_files(files: tuple[Path, ...], bad: int = 0) -> None:
    """`check --explain`: each paragraph's number, where it went, and its text; exit 1 if
    a file is rejected or a paragraph went nowhere."""
    from archive.explain import explain, lost
    from archive.readers import read_document
    from archive.readers.budget import run_within_budget

    for path in files:
        try:  # read as `add` and `index` read it: one budget per file
            b, placements = run_within_budget(lambda path=path: explain(read_document(path)), str(path))
        except BulletinError as exc:
            bad += 1
            click.echo(_("rejected {path}: {reason}").format(path=shown(exc.path), reason=exc.reason), err=True)
            continue
        click.echo(f"{shown(path)}: {b.label} [{b.format}]")
        for p in placements:
            text = p.text if len(p.text) <= 40 else p.text[:40] + "…"
            click.echo(f"  {p.number:4d}  {p.place}  | {text}")
        missing = lost(placements)
        if missing:
            bad += 1
            click.echo("  " + _("warning: {n} paragraph(s) placed nowhere: {numbers}").format(
                n=len(missing), numbers="、".join(str(p.number) for p in missing)), err=True)
    if bad:
        raise SystemExit(1)
