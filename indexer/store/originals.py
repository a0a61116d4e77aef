"""The other originals of indexed issues: where they are kept and how a run decides them.

An issue archived as Word and as PDF is indexed once, from its preferred original
(`archive.originals.rank`); the others are recorded here, per index generation, in
one small side file `originals.json`: {corpus-relative path: {"sha", "bid", "format"}}.
It is derived from the corpus like the rest of the index: a run that finds it
missing reads those files again and decides them again. Its interface is `load`,
`save` and `of_issue` (what storage back end holds it is this module's business).

`choose` decides one issue id's files: the file already indexed (if any) or else the
best-ranked new one is the reference; a file in another format whose text agrees with
it (`archive.originals.same_issue`) is another original of the issue; one whose text
does not is rejected (a different issue claiming the same number), and so is a second
file in a format the issue has already (a duplicate copy). Of the originals, the
best-ranked is indexed.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


from archive.originals import Sketch, fingerprint_text, rank, same_issue, similarity
from indexer.store import records
from indexer.store.records import Searcher

SAME_ISSUE = "同一期已由 "  # how a rejection for an issue already archived from another file begins

FILE = "originals.json"

# {relpath: {"sha": …, "bid": …, "format": …}}
Alternates = dict[str, dict[str, str]]


def load(gen: Path | None) -> Alternates:
    """The other originals recorded in generation `gen` ({} when none, or unreadable)."""
    if gen is None:
        return {}
    try:
        data = json.loads((Path(gen) / FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): v for k, v in data.items() if isinstance(v, dict)} if isinstance(data, dict) else {}


def save(gen: Path, alternates: Alternates) -> None:
    """Record the other originals in generation `gen` (written whole, then renamed into place)."""
    path = Path(gen) / FILE
    tmp = path.with_name(f".{FILE}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(dict(sorted(alternates.items())), ensure_ascii=False, indent=0), "utf-8")
    os.replace(tmp, path)


def of_issue(gen: Path | None, bid: str) -> list[tuple[str, str]]:
    """(relpath, format) of the other originals of issue `bid`, in rank order."""
    found = [(r, v.get("format") or "") for r, v in load(gen).items() if v.get("bid") == bid]
    return sorted(found, key=lambda x: rank(x[1], x[0]))


@dataclass(frozen=True)
class Candidate:
    """One file of an issue: its corpus name, format and text fingerprint; its issue id, and
    whether that id comes from what the file says (series + number, 发文字号 or date) or, when
    it says none of them, from its name (`keyed` False: then only its text can tell its issue)."""

    relpath: str
    format: str
    sketch: Sketch
    bid: str = ""
    keyed: bool = True


@dataclass
class Choice:
    """What `choose` decided for one issue id."""

    indexed: str | None = None  # the file whose articles are indexed
    alternates: list[Candidate] = field(default_factory=list)  # the other originals
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (relpath, reason)
    demoted: str | None = None  # the file indexed before, now an other original


def choose(files: list[Candidate], holder: Candidate | None, pinned: bool = False) -> Choice:
    """Decide the files of one issue id: `files` parsed in this run, `holder` the file
    indexed already (unchanged, not among `files`). `pinned`: the holder stays indexed
    whatever its rank (the files came to it by their text alone, under other ids)."""
    files = sorted(files, key=lambda c: rank(c.format, c.relpath))
    ref = holder or (files[0] if files else None)
    out = Choice()
    if ref is None:
        return out
    same = [ref] if holder is not None else []
    for c in files:
        twin = next((m for m in same if m.format == c.format), None)
        if c is ref:
            same.append(c)
        elif not same_issue(c.sketch, ref.sketch):
            out.rejected.append((c.relpath, f"{SAME_ISSUE}{ref.relpath} 入库，且文字不同"
                                 f"（相似度 {similarity(c.sketch, ref.sketch):.2f}）："
                                 "不是它的另一份原件"))
        elif twin is not None:  # a second copy in the same format: a duplicate file, not another original
            out.rejected.append((c.relpath, f"{SAME_ISSUE}{twin.relpath} 入库"))
        else:
            same.append(c)
    same.sort(key=lambda c: (not (pinned and c is holder), rank(c.format, c.relpath)))
    out.indexed = same[0].relpath
    out.alternates = same[1:]
    if holder is not None and out.indexed != holder.relpath:
        out.demoted = holder.relpath
    return out


def key_of(b: Any) -> bool:
    """Whether a Bulletin's id comes from what it says (archive.model.make_bulletin_id), not its name."""
    return (b.serial is not None and b.issue is None) or (b.year is not None and b.issue is not None) \
        or b.date is not None


def by_issue(parsed: list[tuple[str, str | None, str | None]], candidates: dict[str, Candidate],
             ) -> tuple[dict[str, list[Candidate]], list[tuple[str, str]]]:
    """The parsed files — (relpath, issue id, reason it failed) — as candidates by issue id,
    and the (relpath, reason) of those that failed or have no issue id."""
    issues: dict[str, list[Candidate]] = {}
    failed: list[tuple[str, str]] = []
    for relpath, bid, reason in sorted(parsed):
        if reason is not None or bid is None:
            failed.append((relpath, reason or "unreadable"))
        else:
            issues.setdefault(bid, []).append(candidates[relpath])
    return issues, failed


def regroup(by_issue: dict[str, list[Candidate]], indexed: dict[str, Candidate]) -> tuple[dict[str, list[Candidate]], set[str]]:
    """Files whose id came from their name (`keyed` False) joined to the issue their text is:
    an indexed issue in `indexed` (bid → its indexed file; it stays indexed: the returned
    `pinned` ids), or another such file of this run. Returns the groups and the pinned ids."""
    out: dict[str, list[Candidate]] = {}
    pinned: set[str] = set()
    for bid, files in sorted(by_issue.items()):
        if all(c.keyed for c in files):
            out.setdefault(bid, []).extend(files)
            continue
        ref = min(files, key=lambda c: rank(c.format, c.relpath))
        match = next((b for b, held in sorted(indexed.items())
                      if b != bid and held.format != ref.format and same_issue(ref.sketch, held.sketch)), None)
        if match is not None:
            pinned.add(match)
            out.setdefault(match, []).extend(files)
            continue
        match = next((b for b, group in out.items() if any(not c.keyed for c in group)
                      and all(c.format != ref.format for c in group)
                      and same_issue(ref.sketch, min(group, key=lambda c: rank(c.format, c.relpath)).sketch)), None)
        out.setdefault(match or bid, []).extend(files)
    return out, pinned


def unkeyed_issues(searcher: Searcher) -> dict[str, Candidate]:
    """The indexed issues that carry no number and no date (bid → their indexed file), with
    their fingerprints: what a file known only by its name may turn out to be."""
    from indexer.store.columns import build_snapshot

    out: dict[str, Candidate] = {}
    for bid, info in build_snapshot(searcher).issues.items():
        if info.get("issue") is None and not info.get("date"):
            held = indexed_candidate(searcher, bid)
            if held is not None:
                out[bid] = held
    return out


def indexed_candidate(searcher: Searcher, bid: str) -> Candidate | None:
    """The file issue `bid` is indexed from, with its format and fingerprint (from the stored articles)."""
    docs = sorted(records.docs(searcher, records.term("bulletin_id", bid)))
    stored: list[dict[str, Any]] = [searcher.stored_fields(d) or {} for d in docs]
    if not stored:
        return None
    stored.sort(key=lambda s: s.get("order") or 0)
    relpath = (stored[0].get("source") or "").rpartition("\t")[0]
    fmt = (stored[0].get("meta") or {}).get("format") or ""
    return Candidate(relpath, fmt, fingerprint_text(t for s in stored for t in (s.get("title") or "", s.get("text") or "")),
                     bid)
