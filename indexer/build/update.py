"""Index a few files just placed in the corpus (`bulletins add`), at the cost of those files.

A full run (indexer.build.builder.build_index) hashes the whole corpus and reads the
manifest from every stored article; an add knows which files are new. This
path parses only them, writes them as one new segment (with its substring
net and facet columns, by build.py's own worker code) and commits it with
the deletions of any older version of the same files, without merging other
segments (the next `bulletins index` merges small segments as usual). The
rules are the full run's: under the run lock; a file whose issue is already
archived from another file is rejected and changes nothing; a run killed at
any point leaves the previous commit serving (Whoosh writes its TOC last, by
rename, and removes a killed run's orphan files at the next commit).

Other changes to the corpus (files copied in by hand) are left to the next
`bulletins index`. `refresh` indexes the files again though their bytes are
unchanged: an editor's corrections kept beside an archived file
(archive.corrections, the bulletin page's 更正 form) change what it reads as.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from archive.corpus import NOT_BULLETINS, file_sha256, safe_relpath
from indexer.store import fastwrite, handles as store, originals, records
from indexer.build.builder import IndexReport, Rejected, _process, _remove_scratch
from indexer.store.columns import build_snapshot
from indexer.store.documents import source_key, source_path


class _NothingToCommit(Exception):
    pass


def add_files(
    corpus: Path,
    root: Path,
    names: list[str],
    wait_seconds: float = 600.0,
    on_wait: Callable[[], None] | None = None,
    refresh: bool = False,
) -> IndexReport | None:
    """Index the files `names` (relative to `corpus`, as `place_in_corpus` put them) into
    the serving index; with `refresh`, also those already indexed from the same bytes
    (files of the corpus whose corrections changed, in any of its folders). None when
    this path cannot be taken (no index yet, one of an older format or damaged, a name a
    corpus scan would skip): run build_index instead."""
    relpaths = [safe_relpath(n) for n in names]
    if any(r != n or ("/" in r and not refresh) or r.upper().startswith(NOT_BULLETINS)
           or any(part.startswith(".") for part in r.split("/"))
           for r, n in zip(relpaths, names)):
        return None
    with store.run_lock(root, wait=wait_seconds, on_wait=on_wait):
        store.check_layout(root)
        ix = store.open_writable(root)
        if ix is None:
            return None
        gen = Path(ix.storage.folder)
        if store.damaged_files(gen, ix):
            return None
        _remove_scratch(gen)
        report = IndexReport()
        files = sorted({r: file_sha256(corpus / r) for r in relpaths}.items())
        files_sha = files
        with ix.searcher() as s:
            issues = len(build_snapshot(s).issues)
            # what the index holds of these names already: the same bytes (nothing to do) or older ones
            old: dict[str, list[str]] = {}
            todo = []
            known = originals.load(gen)
            for relpath, sha in files:
                if known.get(relpath, {}).get("sha") == sha and not refresh:
                    continue  # another original of an indexed issue already
                keys = [s.stored_fields(d)["source"] for d in records.docs(s, records.prefix("source", f"{relpath}\t"))]
                keys = [k for k in dict.fromkeys(keys) if source_path({"source": k}) == relpath]
                if source_key(relpath, sha) in keys and not refresh:
                    continue
                old[relpath] = keys
                todo.append((relpath, sha))
            paths = {r: corpus / r for r, _sha in todo}
        accepted: set[str] = set()
        candidates: dict[str, originals.Candidate] = {}
        alternates = originals.load(gen)
        demoted: dict[str, str] = {}  # relpath → its source key: indexed before, now another original

        def decide(parsed: list[tuple[str, str | None, str | None]]) -> set[str]:
            """Accept a file unless it failed, or its issue is archived from another file: then
            it is another original of that issue (indexer.store.originals), the preferred one indexed,
            or rejected when its text differs (a file written and then not accepted here has its
            articles marked deleted)."""
            by_issue, failed = originals.by_issue(parsed, candidates)
            report.rejected += [Rejected(relpath, reason) for relpath, reason in failed]
            with ix.searcher() as s:
                pinned: set[str] = set()
                if any(not c.keyed for files in by_issue.values() for c in files):  # known by name only
                    mine = {c.relpath for files in by_issue.values() for c in files}
                    held = {b: c for b, c in originals.unkeyed_issues(s).items() if c.relpath not in mine}
                    by_issue, pinned = originals.regroup(by_issue, held)
                for bid, files in sorted(by_issue.items()):
                    holder = originals.indexed_candidate(s, bid)
                    if holder is not None and holder.relpath in {c.relpath for c in files}:
                        holder = None  # the file itself, indexed from older bytes
                    choice = originals.choose(files, holder, bid in pinned)
                    for relpath, why in choice.rejected:
                        report.rejected.append(Rejected(relpath, why))
                    if choice.indexed is None:
                        continue
                    key = bid if holder is not None and choice.indexed == holder.relpath else \
                        next(c.bid for c in files if c.relpath == choice.indexed)
                    if holder is None or choice.indexed != holder.relpath:
                        accepted.add(choice.indexed)
                        alternates.pop(choice.indexed, None)
                    if choice.demoted is not None and holder is not None:
                        sources = {s.stored_fields(d)["source"] for d in records.docs(s, records.term("bulletin_id", bid))}
                        for source in sources:
                            demoted[source] = choice.demoted
                    for c in choice.alternates + ([holder] if choice.demoted and holder else []):
                        if c.relpath == choice.indexed:
                            continue
                        sha = dict(files_sha).get(c.relpath) or file_sha256(corpus / c.relpath)
                        alternates[c.relpath] = {"sha": sha, "bid": key, "format": c.format}
                        report.originals.append((c.relpath, choice.indexed or ""))
            return accepted

        report.unchanged = issues
        if todo:
            writer = ix.writer(timeout=10.0, compound=False)
            try:
                # build.py's own writing of segments, in this process (one file: one small segment)
                sizes = {r: paths[r].stat().st_size for r, _sha in todo}
                segments = _process(paths, todo, sizes, str(gen), {}, decide, 1, False, None, candidates)
                if not accepted and not report.originals:  # nothing to commit (the next commit removes the segment's files)
                    raise _NothingToCommit
                for relpath in set(accepted) | {a for a, _ in report.originals}:
                    for key in old.get(relpath, []):
                        writer.delete_by_term("source", key)
                for key in demoted:
                    writer.delete_by_term("source", key)
                originals.save(gen, alternates)
                fastwrite.commit(writer, segments, merge=False)
                store.record_manifest(gen)
            except BaseException as ex:
                try:
                    writer.cancel()
                except Exception:
                    pass
                if not isinstance(ex, _NothingToCommit):
                    raise
        report.unchanged -= sum(1 for r in accepted if old.get(r))
        report.added = sorted(r for r in accepted if not old.get(r))
        report.updated = sorted(r for r in accepted if old.get(r))
        with ix.searcher() as s:
            report.articles = s.doc_count()
    return report
