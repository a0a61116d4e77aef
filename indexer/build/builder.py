"""Build and update the index from the corpus: incremental by default.

A run compares the corpus (path + content hash of every file) with the
manifest held in the index itself (the `source` field of its articles), then
reads, parses, analyses and writes the new and changed files in `procs`
processes (this one and forked workers, each a contiguous share of the files),
each writing segments (`SegmentFiles`: Whoosh's part, the substring net, the
word lexicon) of at most SEGMENT_CHARS characters as it goes, and commits
deletions and new segments together. A file that is rejected changes nothing:
the articles it had before stay searchable.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

import numpy as np

from archive.corpus import file_sha256, readable_name, scan_corpus
from archive.errors import BulletinError, os_reason
from archive.model import Bulletin
from archive.readers.budget import parse_within_budget, stop_readers
from archive.originals import fingerprint
from indexer.store import (
    fastwrite,
    handles as store,
    integrity,
    lexicon,
    originals,
    records,
    scanboxes,
    segcols,
    sufarray,
)
from indexer.store.documents import IndexDoc, article_doc, source_key
from indexer.store.records import Index

# Characters of marked text (about the articles' text) a process holds before
# writing them out as a segment: bounds its memory (~14 bytes a character
# while the suffix array is sorted, on top of ~110 MB of interpreter, jieba
# dictionary and gazetteer).
SEGMENT_CHARS = 4_000_000
# Below this much new text, analysing in this process beats starting workers.
INPROCESS_BYTES = 2_000_000
# A run may remove at most this share of the archived files without --allow-removal
# (one file may always go).
REMOVAL_SHARE = 0.2


class RemovalRefusedError(Exception):
    """The run would remove a large share of the archive (or all of it): the index was left as it is."""

    def __init__(self, message: str, would_remove: list[str]) -> None:
        super().__init__(message)
        self.would_remove = would_remove


@dataclass
class Rejected:
    path: str
    reason: str


@dataclass
class IndexReport:
    """What one run did; `rejected` files were left as they were in the index."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    articles: int = 0  # articles in the index after the run
    rebuilt: bool = False
    warnings: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)  # files re-made from the corpus: their segment was damaged
    # (another original, the original indexed) of issues held in several files (Word and PDF)
    originals: list[tuple[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": len(self.added),
            "updated": len(self.updated),
            "removed": len(self.removed),
            "unchanged": self.unchanged,
            "rejected": [{"path": r.path, "reason": r.reason} for r in self.rejected],
            "articles": self.articles,
            "rebuilt": self.rebuilt,
            "warnings": self.warnings,
            "repaired": len(self.repaired),
            "originals": [{"path": a, "indexed": b} for a, b in self.originals],
        }


def manifest(ix: Index, skip: frozenset[str] | set[str] = frozenset()) -> dict[str, tuple[str, str]]:
    """{relpath: (sha256, bulletin_id)} of the files whose articles the index holds
    (leaving out the segments whose ids are in `skip`: damaged ones)."""
    out: dict[str, tuple[str, str]] = {}

    def read(r: Any) -> None:
        sources = r.column_reader("source")
        bulletins = r.column_reader("bulletin_id")
        for docnum in r.all_doc_ids():
            key = sources[docnum]
            if key and key not in out:
                relpath, _, sha = key.rpartition("\t")
                out[relpath] = (sha, bulletins[docnum])

    if not skip:
        with ix.searcher() as s:
            read(s.reader())
        return out
    for r in records.segment_readers(ix, skip):
        read(r)
    return out


# -- the work of one process: read, parse, analyse and write segments ----------

# (relpath, bulletin id, rejection reason) of one file
Parsed = tuple[str, str | None, str | None]
# docnums [start, end) of each file's articles in one segment
Ranges = dict[str, tuple[int, int]]


class SegmentFiles:
    """One segment being written: its Whoosh part (stored fields, columns, small
    fields: indexer.store.fastwrite), its substring net (indexer.store.sufarray) and its word
    lexicon (indexer.store.lexicon), each file named after the segment."""

    def __init__(self, ix: Index) -> None:
        self.whoosh = fastwrite.SegmentBuilder(ix)
        self.net = sufarray.NetBuilder()
        self.words = lexicon.LexiconBuilder()
        self.docs = 0

    def add(self, doc: IndexDoc) -> int:
        """Add one analysed article; its docnum in the segment."""
        self.whoosh.add(doc)
        self.net.add(*doc.units)
        self.words.add(doc.words)
        self.docs += 1
        return self.docs - 1

    @property
    def chars(self) -> int:
        return self.net.chars

    def finish(self, gen_dir: Path) -> Any:
        """Write the segment's files; the Whoosh segment, or None when nothing was added."""
        segment = self.whoosh.finish()
        if segment is not None:
            sid = segment.segment_id()
            sufarray.write(gen_dir / sufarray.file_name(sid), self.net.arrays())
            self.words.write(gen_dir / lexicon.file_name(sid))
            segcols.write_segment(gen_dir, segment)
        return segment

    def cancel(self) -> None:
        self.whoosh.cancel()


class _Work:
    """Reads, parses and writes one run of files (one process's share), streaming:
    each file's articles are written as soon as it is parsed, so no process holds
    more than one segment's worth of articles. Whether a file is accepted is
    decided at the end, over all processes (`build_index`'s `decide`); a file written here and
    rejected then (an issue claimed by an earlier file of another process) has its
    articles marked deleted in its segment before the commit."""

    def __init__(self, paths: dict[str, Path], files: list[tuple[str, str]], owner: dict[str, str]) -> None:
        self.paths = paths  # relpath → the file to read (inside the corpus)
        self.files = files  # (relpath, sha), in corpus order
        self.owner = dict(owner)  # issue id → the file that has it (unchanged files, then this run's)

    def _parse(self, relpath: str) -> tuple[Bulletin | None, Parsed]:
        try:
            with readable_name(self.paths[relpath], relpath) as path:
                b = parse_within_budget(path)  # read in a worker under the per-file budget
        except BulletinError as ex:
            return None, (relpath, None, ex.reason)
        except Exception as ex:  # a parser bug must not stop the run
            return None, (relpath, None, f"无法解析（解析器出错）：{type(ex).__name__}: {ex}")
        return b, (relpath, b.id, None)

    def run(self, gen_dir: str, send: Callable[[str, Any], None]) -> None:
        """Send ("parsed", Parsed) per file, ("progress", (files, articles)) and
        ("segment", (segment, Ranges)) per segment written."""
        gen = Path(gen_dir)
        ix = records.open_generation(gen)
        seg = SegmentFiles(ix)
        ranges: Ranges = {}

        def flush() -> None:
            segment = seg.finish(gen)
            if segment is not None:
                send("segment", (segment, dict(ranges)))
            ranges.clear()

        try:
            for relpath, sha in self.files:
                b, parsed = self._parse(relpath)
                send("parsed", parsed)
                if b is None:
                    send("progress", (1, 0))
                    continue  # rejected (by `decide` too)
                # another original of an issue claimed already is written too: `decide` keeps the
                # preferred one (indexer.store.originals) and marks the others' articles deleted
                send("original", originals.Candidate(relpath, b.format, fingerprint(b), b.id, originals.key_of(b)))
                if b.scan:  # the OCR's line boxes, for the scan view (by content hash)
                    scanboxes.write(gen, sha, b.scan)
                self.owner[b.id] = relpath
                src = source_key(relpath, sha)
                first = seg.docs
                for a in b.articles:
                    seg.add(article_doc(b, a, src))
                ranges[relpath] = (first, seg.docs)
                send("progress", (1, len(b.articles)))
                del b
                if seg.chars >= SEGMENT_CHARS:
                    flush()
                    seg = SegmentFiles(ix)
            flush()
        except BaseException:
            seg.cancel()
            raise


def _worker(conn: Connection, work: _Work, gen_dir: str) -> None:
    try:
        work.run(gen_dir, lambda kind, payload: conn.send((kind, payload)))
        conn.send(("done", None))
    except BaseException:
        try:
            conn.send(("error", traceback.format_exc()))
        except Exception:
            pass
    finally:
        stop_readers()  # this forked process ends with os._exit: its reading worker goes now
        conn.close()


def _split(files: list[tuple[str, str]], sizes: dict[str, int], n: int) -> list[list[tuple[str, str]]]:
    """Contiguous chunks of about equal bytes (keeps each segment's docs in corpus order)."""
    total = sum(sizes[r] for r, _ in files) or 1
    chunks: list[list[tuple[str, str]]] = [[] for _ in range(n)]
    acc = 0
    for item in files:
        i = min(n - 1, acc * n // total)
        chunks[i].append(item)
        acc += sizes[item[0]]
    return [c for c in chunks if c]


PROGRESS_SECONDS = 10.0  # a progress line at most this often when not on a terminal
PROGRESS_FILES = 50  # runs of fewer files print no progress (an error stays one line)


class _Progress:
    """A tqdm bar on a terminal; otherwise, with `lines`, a line every PROGRESS_SECONDS."""

    def __init__(self, total: int, show: bool, lines: Callable[[str], None] | None) -> None:
        self.bar = None
        self.total = total
        self.lines = lines if total >= PROGRESS_FILES else None
        self.files = self.articles = 0
        self.last = time.monotonic()
        if show and total >= PROGRESS_FILES:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="file", desc="indexing", leave=False)

    def say(self, stage: str) -> None:
        if self.lines is not None:
            self.lines(f"indexing: {self.files}/{self.total} files read, {self.articles} articles; {stage}")
            self.last = time.monotonic()

    def update(self, files: int, articles: int) -> None:
        self.files += files
        self.articles += articles
        if self.bar is not None:
            self.bar.update(files)
        if self.lines is not None and time.monotonic() - self.last >= PROGRESS_SECONDS:
            self.say("parsing, analysing and writing segments")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        self.say("committing")


def _process(
    paths: dict[str, Path],
    files: list[tuple[str, str]],
    sizes: dict[str, int],
    gen_dir: str,
    owner: dict[str, str],
    decide: Callable[[list[Parsed]], set[str]],
    procs: int,
    show_progress: bool,
    lines: Callable[[str], None] | None = None,
    candidates: dict[str, originals.Candidate] | None = None,
) -> list[Any]:
    """Read, parse and write `files` in `procs` processes; returns the new segments,
    with the articles of files `decide` rejects marked deleted. Each file parsed is put in
    `candidates` (its format and fingerprint: indexer.store.originals) before `decide` is called."""
    nbytes = sum(sizes[r] for r, _ in files)
    inprocess = procs <= 1 or nbytes < INPROCESS_BYTES or len(files) < 4
    chunks = [files] if inprocess else _split(files, sizes, procs)
    if lines is not None and len(files) >= PROGRESS_FILES:
        where = "in this process" if inprocess else f"in {len(chunks)} processes"
        lines(f"indexing: reading {len(files)} files {where}")
    bar = _Progress(len(files), show_progress, lines)
    parsed: list[Parsed] = []
    written: list[tuple[Any, Ranges]] = []

    def take(kind: str, payload: Any) -> None:
        if kind == "parsed":
            parsed.append(payload)
        elif kind == "original":
            if candidates is not None:
                candidates[payload.relpath] = payload
        elif kind == "progress":
            bar.update(*payload)
        elif kind == "segment":
            written.append(payload)
        else:
            raise RuntimeError(f"index worker failed:\n{payload}")

    if inprocess:
        _Work(paths, files, owner).run(gen_dir, take)
    else:
        _run_workers(chunks, paths, owner, gen_dir, take)
    bar.close()
    accepted = decide(parsed)
    segments = []
    for segment, ranges in written:
        for relpath, (lo, hi) in ranges.items():
            if relpath not in accepted:
                for d in range(lo, hi):
                    segment.delete_document(d)
        segments.append(segment)
    return segments


def _run_workers(
    chunks: list[list[tuple[str, str]]], paths: dict[str, Path], owner: dict[str, str], gen_dir: str,
    take: Callable[[str, Any], None],
) -> None:
    """The first chunk in this process, each other in a forked worker process; all
    messages go to `take` (progress as it comes, the rest in chunk order).

    This process works too rather than only waiting: one interpreter fewer in memory
    (a worker holds the jieba dictionary and one segment; the run's memory is the sum)."""
    ctx = multiprocessing.get_context("fork")
    conns: list[Connection] = []
    workers = []
    for chunk in chunks[1:]:
        parent, child = ctx.Pipe()
        work = _Work({r: paths[r] for r, _ in chunk}, chunk, owner)
        p = ctx.Process(target=_worker, args=(child, work, gen_dir), daemon=True)
        p.start()
        child.close()
        conns.append(parent)
        workers.append(p)
    # A chunk's messages other than progress keep their order, and chunks theirs.
    own: list[tuple[str, Any]] = []
    per: dict[Connection, list[tuple[str, Any]]] = {c: [] for c in conns}
    pending = set(conns)

    def receive(c: Connection) -> None:
        try:
            kind, payload = c.recv()
        except EOFError:
            raise RuntimeError("an index worker died") from None
        if kind == "done":
            pending.discard(c)
        elif kind in ("progress", "error"):
            take(kind, payload)
        else:
            per[c].append((kind, payload))

    def mine(kind: str, payload: Any) -> None:
        if kind != "progress":
            own.append((kind, payload))
            return
        take(kind, payload)
        for c in list(pending):  # keep the workers' pipes flowing (once a file)
            while c in pending and c.poll(0):
                receive(c)

    try:
        _Work({r: paths[r] for r, _ in chunks[0]}, chunks[0], owner).run(gen_dir, mine)
        while pending:
            for c in wait(list(pending)):
                receive(c)  # type: ignore[arg-type]
        for kind, payload in own:
            take(kind, payload)
        for c in conns:
            for kind, payload in per[c]:
                take(kind, payload)
    finally:
        for p in workers:
            if p.is_alive():
                p.terminate()
            p.join(timeout=5)


def _merge_nets(gen: Path, merged: Any, sources: list[tuple[Any, list[int]]]) -> None:
    """The substring net and word lexicon of a segment Whoosh made by merging others, from theirs."""
    nets = [(sufarray.SegmentNet(gen / sufarray.file_name(seg.segment_id())), docs) for seg, docs in sources]
    try:
        arrays = sufarray.merge([(n, np.asarray(docs, dtype=np.int64)) for n, docs in nets])
    finally:
        for n, _docs in nets:
            n.close()
    sufarray.write(gen / sufarray.file_name(merged.segment_id()), arrays)
    segcols.write_segment(gen, merged)
    del arrays
    lexs = [(lexicon.SegmentLexicon(gen / lexicon.file_name(seg.segment_id())), docs) for seg, docs in sources]
    try:
        words = lexicon.merge([(lx, np.asarray(docs, dtype=np.int64)) for lx, docs in lexs])
    finally:
        for lx, _docs in lexs:
            lx.close()
    lexicon.write_merged(gen / lexicon.file_name(merged.segment_id()), words)


def _remove_scratch(gen: Path) -> None:
    """Scratch folders of writers that were killed (Whoosh leaves `*.tmp`)."""
    for entry in gen.glob("*.tmp"):
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)


READ_FAILED = "无法读取"  # how a reason begins when the file could not be read (archive.readers, the hashing above)


def _previous_manifest(root: Path) -> dict[str, tuple[str, str]]:
    """The serving generation's manifest, read-only (what a rebuild would replace), or {}."""
    cur = store.current_dir(root)
    if cur is None:
        return {}
    try:
        return manifest(records.open_generation(cur, readonly=True))
    except Exception:  # unreadable: nothing to compare with
        return {}


def _check_removal(
    old: dict[str, tuple[str, str]], gone: list[str], kept_files: int, allow: bool, rebuild: bool,
    unreadable: frozenset[str] | set[str] = frozenset(),
) -> None:
    """Refuse to remove more than REMOVAL_SHARE of the archive (or all of it) unless `allow`."""
    if allow or not gone:
        return
    lost = [r for r in gone if r in unreadable]
    if lost:
        raise RemovalRefusedError(
            f"a rebuild would drop the articles of {len(lost)} files it cannot read ({', '.join(lost[:10])}): "
            "fix their permissions, or run again with --allow-removal to drop them",
            gone,
        )
    everything = kept_files == 0
    if not everything and (len(gone) <= 1 or len(gone) <= REMOVAL_SHARE * len(old)):
        return
    shown = ", ".join(gone[:10]) + (f" and {len(gone) - 10} more" if len(gone) > 10 else "")
    why = "the corpus has no bulletin files left" if everything else (
        f"that is {len(gone)} of the {len(old)} archived files, more than {REMOVAL_SHARE:.0%}"
    )
    verb = "a rebuild would drop" if rebuild else "this run would remove"
    raise RemovalRefusedError(
        f"{verb} the articles of {len(gone)} files ({shown}): {why}. Nothing was changed. "
        "If the corpus folder is the right one and these files were removed on purpose, "
        "run again with --allow-removal",
        gone,
    )


def build_index(
    corpus: Path,
    root: Path,
    rebuild: bool = False,
    procs: int | None = None,
    wait_seconds: float = 600.0,
    on_wait: Callable[[], None] | None = None,
    show_progress: bool = False,
    progress_lines: Callable[[str], None] | None = None,
    allow_removal: bool = False,
    pre_read: Callable[[dict[str, Path], list[tuple[str, str]]], Any] | None = None,
) -> IndexReport:
    """Bring the index at `root` up to date with `corpus` (see the module doc).

    `pre_read(paths, todo)`, when given, names the files to index that were already read
    elsewhere and rejected (its `.rejected`, relpath → reason; indexer.build.distribute reads on
    Dask workers into the reader cache before the run): they are reported as rejected and
    not read again; its `.warnings` join the report's.

    Raises CorpusUnavailableError (missing or unreadable corpus folder) and
    RemovalRefusedError (a large share of the archive would go) before anything
    is written; the served index stays as it was.
    """
    procs = procs or os.cpu_count() or 1
    report = IndexReport()
    with store.run_lock(root, wait=wait_seconds, on_wait=on_wait):
        store.check_layout(root)
        # The corpus first: a missing or unreadable folder must not look like an empty one.
        scan = scan_corpus(corpus)
        report.warnings.extend(scan.warnings)
        for relpath, reason in sorted(scan.unreadable.items()):
            report.rejected.append(Rejected(relpath, reason))
        store.remove_stale(root)
        ix = None if rebuild else store.open_writable(root)
        if ix is None and not rebuild and store.current_dir(root) is not None:
            report.warnings.append("索引无法打开或是旧格式（older format）：已从语料重建")
        old: dict[str, tuple[str, str]] = {}
        drop: list[str] = []  # damaged segments: left out of the commit, their files re-made
        remade: set[str] = set()
        if ix is not None:
            found = integrity.check(Path(ix.storage.folder), store.live_segments(ix), full=True)
            if found.damage and len(found.damaged_segments) == found.segments:
                report.warnings.append(f"{store.damage_message(found.damage)}：每个段都已损坏，"
                                       "已从语料重建索引")
                ix = None
            elif found.damage:
                drop = found.damaged_segments
                remade = set(integrity.sources_of(Path(ix.storage.folder), drop))
                report.warnings.append(
                    f"受损的段 {', '.join(drop)}"
                    f"（{'；'.join(str(d) for d in found.damage[:5])}）：已从语料重新生成其 {len(remade)} 个文件，"
                    "其他段保留"
                )
        if ix is not None:
            try:
                old = manifest(ix, skip=set(drop))
            except Exception as ex:  # a damaged segment: the corpus is the source of truth
                report.warnings.append(
                    f"索引无法读取（{type(ex).__name__}: {ex}）：已从语料重建"
                )
                ix = None
        fresh = ix is None

        paths = scan.files
        current: dict[str, str] = {}
        sizes: dict[str, int] = {}
        for relpath, path in paths.items():
            try:  # both or neither (a file gone between the two was indexed with no size: KeyError)
                sha, size = file_sha256(path), path.stat().st_size
                current[relpath], sizes[relpath] = sha, size
            except OSError as ex:
                scan.unreadable[relpath] = f"cannot read: {os_reason(ex)}"
                report.rejected.append(Rejected(relpath, f"无法读取：{os_reason(ex)}；其文章已保留"))
        # What would go: files no longer in the corpus, never those that could not be read.
        # A fresh build drops what the serving generation holds and this corpus does not give.
        before = old if not fresh else _previous_manifest(root)
        if fresh:
            dropped = sorted(r for r in before if r not in current)
        else:
            dropped = sorted(r for r in old if r not in paths and not scan.covers_unreadable(r))
        unreadable = {r for r in dropped if scan.covers_unreadable(r)}
        _check_removal(before, dropped, len(current), allow_removal, fresh, unreadable)

        report.rebuilt = fresh
        if fresh:
            gen, ix = store.new_generation(root)
        else:
            gen = Path(ix.storage.folder)
            _remove_scratch(gen)
        # Unchanged files keep their issue ids; a new file may not claim one of them.
        owner = {bid: r for r, (sha, bid) in old.items() if current.get(r) == sha}
        # Other originals of an issue (indexer.store.originals) whose bytes and indexed original are
        # unchanged stay as they are; the others are read and decided again.
        alternates = {r: v for r, v in (originals.load(gen) if not fresh else {}).items()
                      if current.get(r) == v.get("sha") and owner.get(v.get("bid", "")) is not None}
        todo = sorted((r, sha) for r, sha in current.items() if old.get(r, ("",))[0] != sha and r not in alternates)
        report.unchanged = len(current) - len(todo)
        gone = dropped if not fresh else []
        candidates: dict[str, originals.Candidate] = {}
        decided: set[str] = set()
        demoted: set[str] = set()

        def decide(parsed: list[Parsed]) -> set[str]:
            by_issue, failed = originals.by_issue(parsed, candidates)
            report.rejected += [Rejected(relpath, reason) for relpath, reason in failed]
            with ix.searcher() as s:
                pinned: set[str] = set()
                if any(not c.keyed for files in by_issue.values() for c in files):  # known by name only
                    held = {b: c for b, c in originals.unkeyed_issues(s).items() if owner.get(b) == c.relpath}
                    by_issue, pinned = originals.regroup(by_issue, held)
                for bid, files in sorted(by_issue.items()):
                    holder = originals.indexed_candidate(s, bid) if bid in owner else None
                    if holder is not None and holder.relpath != owner[bid]:
                        holder = None
                    choice = originals.choose(files, holder, bid in pinned)
                    for relpath, why in choice.rejected:
                        report.rejected.append(Rejected(relpath, why))
                    if choice.indexed is None:
                        continue
                    # the issue id of the file indexed (the group's, unless joined by its text alone)
                    key = bid if holder is not None and choice.indexed == holder.relpath else \
                        next(c.bid for c in files if c.relpath == choice.indexed)
                    if choice.indexed != owner.get(key):
                        decided.add(choice.indexed)
                    if choice.demoted is not None:
                        demoted.add(choice.demoted)
                    owner[key] = choice.indexed
                    for c in choice.alternates + ([holder] if choice.demoted and holder else []):
                        if c.relpath == choice.indexed:
                            continue
                        alternates[c.relpath] = {"sha": current[c.relpath], "bid": key, "format": c.format}
                        report.originals.append((c.relpath, choice.indexed or ""))
            return set(decided)

        early: dict[str, str] = {}
        if pre_read is not None and todo:
            done = pre_read(scan.files, todo)
            early = done.rejected
            report.warnings.extend(done.warnings)
        # compound=False: whoosh3 copies each part of a compound segment into
        # memory when reading it (BytesIO over the mmap); plain files are read on demand.
        writer = ix.writer(timeout=10.0, compound=False)
        fastwrite.drop_segments(writer, drop)
        try:
            segments = _process(scan.files, [t for t in todo if t[0] not in early], sizes, str(gen), dict(owner),
                                lambda parsed: decide(parsed + [(r, None, why) for r, why in early.items()]),
                                procs, show_progress, progress_lines, candidates)
            accepted = set(decided)
            for relpath in gone:
                writer.delete_by_term("source", source_key(relpath, old[relpath][0]))
            for relpath, _sha in todo:
                # an older version of a file now indexed, or of one that is now another original
                if (relpath in accepted or relpath in alternates) and relpath in old:
                    writer.delete_by_term("source", source_key(relpath, old[relpath][0]))
            for relpath in demoted:  # indexed before, now another original of its issue
                writer.delete_by_term("source", source_key(relpath, old[relpath][0]))
            originals.save(gen, {r: v for r, v in alternates.items() if r in current})
            fastwrite.commit(writer, segments, on_merged=lambda seg, src: _merge_nets(gen, seg, src))
        except BaseException:
            try:
                writer.cancel()
            except Exception:
                pass
            if fresh:  # a generation that never went live has no reader: its space is freed now
                store.discard_unpublished(root, gen)
            raise
        report.removed = gone if not fresh else dropped
        report.added = sorted(r for r in accepted if r not in old and r not in remade)
        report.repaired = sorted(r for r in accepted if r not in old and r in remade)
        report.updated = sorted(r for r in accepted if r in old)
        try:
            store.record_manifest(gen)
        except OSError as ex:  # committed all the same: the next run records what is missing
            report.warnings.append(f"无法记录索引的校验和（{os_reason(ex)}）："
                                   "下次 `bulletins index` 时记录")
        if fresh:
            try:
                # A file the serving generation holds that could not be read after the scan found it
                # (moved away, unmounted mid-run): its articles are not dropped by a rebuild either.
                unread = sorted({r.path for r in report.rejected if r.reason.startswith(READ_FAILED)} & set(before))
                _check_removal(before, unread, len(current), allow_removal, True, set(unread))
                store.publish(root, gen)
            except BaseException:
                store.discard_unpublished(root, gen)
                raise
        with ix.searcher() as s:
            report.articles = s.doc_count()
        report.rejected.sort(key=lambda x: x.path)
    return report
