"""Index a few files just placed in the corpus (`bulletins add`), at the cost of those files.

A full run (indexer.build.build_index) hashes the whole corpus and reads the
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
from indexer import fastwrite, records, store
from indexer.build import IndexReport, Rejected, _process, _remove_scratch
from indexer.columns import build_snapshot
from indexer.documents import source_key, source_path


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
        with ix.searcher() as s:
            issues = len(build_snapshot(s).issues)
            # what the index holds of these names already: the same bytes (nothing to do) or older ones
            old: dict[str, list[str]] = {}
            todo = []
            for relpath, sha in files:
                keys = [s.stored_fields(d)["source"] for d in records.docs(s, records.prefix("source", f"{relpath}\t"))]
                keys = [k for k in dict.fromkeys(keys) if source_path({"source": k}) == relpath]
                if source_key(relpath, sha) in keys and not refresh:
                    continue
                old[relpath] = keys
                todo.append((relpath, sha))
            paths = {r: corpus / r for r, _sha in todo}
        accepted: set[str] = set()

        def decide(parsed: list[tuple[str, str | None, str | None]]) -> set[str]:
            """Accept a file unless it failed or its issue is archived from another file
            (a file written and then rejected here has its articles marked deleted)."""
            claimed: dict[str, str] = {}
            with ix.searcher() as s:
                for relpath, bid, reason in sorted(parsed):
                    if reason is not None:
                        report.rejected.append(Rejected(relpath, reason))
                        continue
                    holder = claimed.get(bid) if bid is not None else None
                    if bid is not None and holder is None:
                        others = sorted({source_path(s.stored_fields(d))
                                         for d in records.docs(s, records.term("bulletin_id", bid))} - {relpath})
                        holder = others[0] if others else None
                    if holder is not None and holder != relpath:
                        report.rejected.append(Rejected(relpath, f"the same issue is already archived from {holder}"))
                    else:
                        if bid is not None:
                            claimed[bid] = relpath
                        accepted.add(relpath)
            return accepted

        report.unchanged = issues
        if todo:
            writer = ix.writer(timeout=10.0, compound=False)
            try:
                # build.py's own writing of segments, in this process (one file: one small segment)
                sizes = {r: paths[r].stat().st_size for r, _sha in todo}
                segments = _process(paths, todo, sizes, str(gen), {}, decide, 1, False)
                if not accepted:  # nothing to commit (the next commit removes the segment's files)
                    raise _NothingToCommit
                for relpath in accepted:
                    for key in old.get(relpath, []):
                        writer.delete_by_term("source", key)
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
