"""The series report: is the archive complete? Per series and year, the issues
present, the numbers missing between them, issue numbers held by more than one
file, dates that go backwards against the numbering, and the files whose
parse left warnings. A series without issue numbers that comes out daily (as
新闻联播's transcripts: most issues one day apart) has its missing days listed
instead. Built from the index once per index version."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from typing import Any

import numpy as np

from archive.labels import iso_from_yyyymmdd
from indexer.store.columns import Snapshot, build_snapshot
from indexer.store import handles as store, originals
from indexer.store.records import Searcher
from indexer.store.handles import IndexHandle


def _sources(searcher: Searcher, snap: Snapshot, allowed: np.ndarray | None = None) -> dict[str, dict[str, int]]:
    """Bulletin id → {corpus-relative path: one document number of that file} (of `allowed` docs only)."""
    out: dict[str, dict[str, int]] = defaultdict(dict)
    if not searcher.doc_count_all():  # an empty archive (Whoosh's EmptyReader has no columns)
        return out
    column = searcher.reader().column_reader("source")
    for d in (snap.live_docs() if allowed is None else np.flatnonzero(snap.live & allowed)).tolist():
        path = (column[d] or "").rpartition("\t")[0]
        out[snap.value("bulletin", d)].setdefault(path, d)
    return out


def build_report(searcher: Searcher, allowed_docs: np.ndarray | None = None,
                 alternates: originals.Alternates | None = None) -> dict[str, Any]:
    """The report dict (see the module doc); JSON-ready. With `allowed_docs` (issue 21)
    only the issues holding one of those documents are reported. `alternates`: the other
    originals of indexed issues (indexer.store.originals), listed among the issue's files, so an
    issue held as Word and as PDF counts as a duplicate (`originals` in its entry)."""
    snap = build_snapshot(searcher)
    sources = _sources(searcher, snap, allowed_docs)
    others: dict[str, list[str]] = defaultdict(list)
    for relpath, v in sorted((alternates or {}).items()):
        others[v.get("bid", "")].append(relpath)
    by_year: dict[str, dict[int | None, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    flagged: list[dict[str, Any]] = []
    for bid, info in snap.issues.items():
        if allowed_docs is not None and bid not in sources:  # access (issue 21)
            continue
        files = sources.get(bid, {})
        warnings: list[str] = []
        for path, d in sorted(files.items()):
            meta = (searcher.stored_fields(d) or {}).get("meta") or {}
            for w in meta.get("warnings") or []:
                warnings.append(w if len(files) == 1 else f"{path}: {w}")
        issue = {
            "id": bid,
            "issue": info["issue"],
            "date": iso_from_yyyymmdd(info["date"]),
            "label": info["label"],
            "files": sorted(files) + (others.get(bid, []) if files else []),
            "warnings": warnings,
        }
        year = info["year"] or (info["date"] // 10000 if info["date"] else None)
        by_year[info["series"]][year].append(issue)
        if warnings:
            flagged.append({"id": bid, "label": info["label"], "files": issue["files"], "warnings": warnings})

    series_out: list[dict[str, Any]] = []
    for name in sorted(by_year):
        unnumbered = [i for issues in by_year[name].values() for i in issues if i["issue"] is None]
        gaps = _missing_days(unnumbered)  # over the whole series: a gap may span New Year
        years_out: list[dict[str, Any]] = []
        for year in sorted(by_year[name], key=lambda y: (y is None, y or 0)):
            issues = sorted(by_year[name][year], key=lambda i: (i["issue"] is None, i["issue"] or 0, i["date"] or ""))
            numbers = sorted({i["issue"] for i in issues if i["issue"] is not None})
            missing = [n for n in range(numbers[0], numbers[-1] + 1) if n not in set(numbers)] if numbers else []
            duplicates = [
                {"issue": i["issue"], "id": i["id"], "label": i["label"], "files": i["files"],
                 # the same issue in several formats (Word and PDF): one issue, several originals
                 "originals": [f for f in i["files"] if f in (alternates or {})]}
                for i in issues if len(i["files"]) > 1
            ]
            backwards: list[dict[str, Any]] = []
            last: dict[str, Any] | None = None
            for i in issues:
                if i["issue"] is None or not i["date"]:
                    continue
                if last is not None and i["date"] < last["date"]:
                    backwards.append({"id": i["id"], "issue": i["issue"], "date": i["date"],
                                      "after_issue": last["issue"], "after_date": last["date"]})
                else:
                    last = i
            missing_dates = [d for d in gaps if year is not None and int(d[:4]) == year] if not numbers else []
            years_out.append({
                "year": year,
                "issues": issues,
                "numbers": numbers,
                "missing": missing,
                "missing_dates": missing_dates,
                "duplicates": duplicates,
                "backwards": backwards,
            })
        series_out.append({"series": name, "years": years_out})
    return {
        "series": series_out,
        "warnings": sorted(flagged, key=lambda f: f["label"]),
        "totals": {
            "series": len(series_out),
            "issues": sum(len(i["issues"]) for s in series_out for i in s["years"]),
            "missing": sum(len(y["missing"]) + len(y["missing_dates"]) for s in series_out for y in s["years"]),
            "duplicates": sum(len(y["duplicates"]) for s in series_out for y in s["years"]),
            "backwards": sum(len(y["backwards"]) for s in series_out for y in s["years"]),
            "warnings": len(flagged),
        },
    }


def _missing_days(issues: list[dict[str, Any]]) -> list[str]:
    """The days absent between the first and last issue of a daily, unnumbered series."""
    days = sorted({dt.date.fromisoformat(i["date"]) for i in issues if i["date"]})
    if len(days) < 3:
        return []
    gaps = [(b - a).days for a, b in zip(days, days[1:])]
    if statistics.median(gaps) != 1:  # not a daily series: gaps say nothing
        return []
    present = set(days)
    span = (days[-1] - days[0]).days
    return [(days[0] + dt.timedelta(n)).isoformat() for n in range(1, span) if days[0] + dt.timedelta(n) not in present]


def series_report(handle: IndexHandle, allowed_docs: np.ndarray | None = None) -> dict[str, Any]:
    """The report for the newest index version (computed once per version; with `allowed_docs`,
    issue 21, made for that reader each time): the thread's searcher is brought up to date
    first, so a thread that last looked before `bulletins add` never answers from the version
    it opened then."""
    searcher = handle.searcher()
    alternates = originals.load(store.current_dir(handle.root))
    if allowed_docs is not None:
        return build_report(searcher, allowed_docs, alternates)
    return handle.shared("series-report", lambda s: build_report(s, None, alternates))
