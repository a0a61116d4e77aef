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
`bulletins index`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from whoosh import query as wq

from archive.corpus import NOT_BULLETINS, file_sha256, safe_relpath
from indexer import fastwrite, store
from indexer.build import IndexReport, Rejected, _remove_scratch, _Work
from indexer.columns import build_snapshot
from indexer.documents import source_key, source_path


def add_files(
    corpus: Path,
    root: Path,
    names: list[str],
    wait_seconds: float = 600.0,
    on_wait: Callable[[], None] | None = None,
) -> IndexReport | None:
    """Index the files `names` (relative to `corpus`, as `place_in_corpus` put them) into
    the serving index. None when this path cannot be taken (no index yet, one of an
    older format or damaged, a name a corpus scan would skip): run build_index instead."""
    relpaths = [safe_relpath(n) for n in names]
    if any(r != n or "/" in r or r.upper().startswith(NOT_BULLETINS) or r.startswith(".")
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
                keys = [s.stored_fields(d)["source"] for d in s.docs_for_query(wq.Prefix("source", f"{relpath}\t"))]
                keys = [k for k in dict.fromkeys(keys) if source_path({"source": k}) == relpath]
                if source_key(relpath, sha) in keys:
                    continue
                old[relpath] = keys
                todo.append((relpath, sha))
            work = _Work({r: corpus / r for r, _sha in todo}, todo)
            accepted: set[str] = set()
            for relpath, bid, reason in sorted(work.parse()):
                if reason is not None:
                    report.rejected.append(Rejected(relpath, reason))
                    continue
                owners = {source_path(s.stored_fields(d)) for d in s.docs_for_query(wq.Term("bulletin_id", bid))}
                others = sorted(owners - {relpath})
                if others:
                    report.rejected.append(Rejected(relpath, f"the same issue is already archived from {others[0]}"))
                else:
                    accepted.add(relpath)
        report.unchanged = issues - sum(1 for r in accepted if old.get(r))
        if accepted:
            writer = ix.writer(timeout=10.0, compound=False)
            try:
                segments = work.write(str(gen), accepted, lambda _files, _articles: None)
                for relpath in accepted:
                    for key in old.get(relpath, []):
                        writer.delete_by_term("source", key)
                fastwrite.commit(writer, segments, merge=False)
            except BaseException:
                try:
                    writer.cancel()
                except Exception:
                    pass
                raise
            store.record_sizes(gen)
        report.added = sorted(r for r in accepted if not old.get(r))
        report.updated = sorted(r for r in accepted if old.get(r))
        with ix.searcher() as s:
            report.articles = s.doc_count()
    return report
