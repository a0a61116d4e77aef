"""The one module that reaches into Whoosh's writer internals (whoosh3==3.54.0).

Why: Whoosh's `add_document` runs the analyzer through generic per-token code,
pushes every posting through an external-sort pool and then through
`FieldWriter.add_postings` one call at a time (~9 µs a posting, measured).
The archive analyses each article once (indexer.store.documents), keeps the
segment's postings in memory per term (documents arrive in docnum order, so
each term's list is already sorted), and hands whole blocks to Whoosh's own
W3 posting writer: the bytes on disk are the ones Whoosh would write.
Several processes each write whole segments; one commit adds them all to the
index at once (the TOC is written last, by rename).

tests/test_fastwrite.py checks this path against `add_document` posting by
posting and column by column. Pin whoosh3 exactly: these internals are not
public API, and `require_pinned_whoosh` refuses any other version.

`commit` also reports which segments Whoosh merged, and in what order, so
that the substring net of the merged segment can be made from theirs.
"""

from __future__ import annotations

import operator
from array import array
from collections.abc import Callable
from importlib import metadata
from typing import Any

from whoosh.codec.base import Segment
from whoosh.codec.whoosh3 import W3PostingsWriter
from whoosh.index import Index
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from indexer.store.documents import IndexDoc

WHOOSH_VERSION = "3.54.0"  # the version these internals were written for (pyproject pins it)


class WhooshVersionError(Exception):
    """The installed whoosh3 is not the version the fast writer was written for."""


def require_pinned_whoosh() -> None:
    """Refuse to write with a whoosh3 other than the pinned one (a clear error, not bad bytes)."""
    try:
        found = metadata.version("whoosh3")
    except metadata.PackageNotFoundError:
        found = "none"
    if found != WHOOSH_VERSION:
        raise WhooshVersionError(
            f"whoosh3 {found} is installed, but the index writer needs exactly {WHOOSH_VERSION}: "
            f"run `pip install whoosh3=={WHOOSH_VERSION}` (pyproject.toml pins it)"
        )


def segment_writer(ix: Index) -> SegmentWriter:
    """A writer for one new segment that does not take the index lock.

    The caller must hold the lock (via `ix.writer()`) for the whole run.
    """
    writer = SegmentWriter(ix, _lk=False, compound=False)
    # Whoosh names every writer's scratch folder "<index>.tmp" and destroys it
    # when done: writers running side by side need folders of their own
    # (the shared one is left to the committing writer, which owns it).
    writer._tempstorage = writer.storage.temp_storage(None)
    writer.pool.tempstore = writer._tempstorage
    return writer


class _FastPostingsWriter(W3PostingsWriter):
    """Whoosh's W3 posting writer with the per-posting Python loops of its
    block minifiers replaced by C-level equivalents (same values, same bytes)."""

    def _mini_ids(self) -> tuple[int, ...]:
        ids = self._ids
        return (ids[0], *map(operator.sub, ids[1:], ids[:-1]))

    def _mini_weights(self) -> Any:
        weights = self._weights
        n = len(weights)
        if weights.count(1.0) == n:
            return None
        if weights.count(weights[0]) == n:
            return weights[0]
        return tuple(weights)


ANALYSED_CACHE = 50_000  # (field, value) analyses kept by a segment builder

# zlib level for posting blocks: 1 is about twice as fast as Whoosh's 3 and
# the block header records the level, so readers need nothing else.
COMPRESSION = 1


def _quantised(length: int) -> int:
    # Whoosh stores field lengths as one byte; the posting writer sees them
    # read back from there.
    return byte_to_length(length_to_byte(length))


# -- recording postings (what a segment's documents hold), no Whoosh in here ---


class DocsRecorder:
    """The documents holding one term (Existence format: weight 1, no value)."""

    __slots__ = ("ids",)

    def __init__(self) -> None:
        self.ids = array("I")

    def add(self, docnum: int, weight: float = 1.0, value: bytes = b"") -> None:
        self.ids.append(docnum)

    def block(self, start: int, end: int) -> tuple[array, array, list[bytes]]:
        ids = self.ids[start:end]
        return ids, array("f", [1.0]) * len(ids), []


class WeightedRecorder(DocsRecorder):
    """Documents with a weight and an encoded value each (Whoosh's other formats)."""

    __slots__ = ("weights", "values")

    def __init__(self) -> None:
        super().__init__()
        self.weights = array("f")
        self.values: list[bytes] = []

    def add(self, docnum: int, weight: float = 1.0, value: bytes = b"") -> None:
        self.ids.append(docnum)
        self.weights.append(weight)
        self.values.append(value)

    def block(self, start: int, end: int) -> tuple[array, array, list[bytes]]:
        return self.ids[start:end], self.weights[start:end], [v for v in self.values[start:end] if v]


# -- serialising them: the one place that touches the W3 writer's privates -----


class W3Sink:
    """Writes recorded posting lists through Whoosh's W3 field writer, block by block."""

    def __init__(self, fieldwriter: Any) -> None:
        self.fw = fieldwriter

    def field(self, name: str, field: Any) -> None:
        self.fw.start_field(name, field)

    def term(self, term: bytes, rec: DocsRecorder, lengths: dict[int, int] | None) -> None:
        fw = self.fw
        fw.start_term(term)
        pw = fw._postwriter
        pw.__class__ = _FastPostingsWriter
        pw._compression = COMPRESSION
        limit = pw._blocklimit
        for start in range(0, len(rec.ids), limit):
            if start:
                pw._write_block()
            ids, weights, values = rec.block(start, start + limit)
            pw._ids, pw._weights, pw._values = ids, weights, values
            pw._maxweight = max(0, max(weights))
            ls = [x for x in map(lengths.get, ids) if x] if lengths else []
            pw._minlength = min(ls) if ls else None
            pw._maxlength = max(ls) if ls else 0
        fw.finish_term()

    def end_field(self) -> None:
        self.fw.finish_field()

    def close(self) -> None:
        self.fw.close()


class SegmentBuilder:
    """Builds one segment from analysed articles, postings recorded in memory."""

    def __init__(self, ix: Index) -> None:
        require_pinned_whoosh()
        self.writer = segment_writer(ix)
        self.schema = self.writer.schema
        # field -> term (str when analysed here, bytes from a Whoosh field) -> its recorder
        self.terms: dict[str, dict[Any, DocsRecorder]] = {}
        self.lengths: dict[str, dict[int, int]] = {}
        self.postings = 0
        # (field, value) -> what Whoosh's field analysis gives for it: most values repeat
        # (series, month, year, date, city …), and a numeric field's trie terms cost ~20 µs
        self._analysed: dict[tuple[str, Any], list[Any]] = {}

    def add(self, doc: IndexDoc) -> None:
        """Add one analysed article's Whoosh fields (what `add_document` does; its
        words and units go to the lexicon and the net, not here)."""
        w = self.writer
        schema = self.schema
        perdoc = w.perdocwriter
        docnum = w.docnum
        values = doc.values
        names = sorted(n for n, v in values.items() if v is not None)
        perdoc.start_doc(docnum)
        try:
            for name in names:
                field = schema[name]
                length = 0
                if field.indexed:
                    items = self._analyse(name, field, values[name])
                    if field.scorable:
                        length = sum(freq for _t, freq, _w, _v in items)
                    self._add_items(name, field, docnum, items)
                if field.scorable and length:
                    self.lengths.setdefault(name, {})[docnum] = _quantised(length)
                value = values.get(name)
                perdoc.add_field(name, field, value if field.stored else None, length)
                column = field.column_type
                if column and value is not None:
                    perdoc.add_column_value(name, column, field.to_column_value(value))
        except ValueError:
            perdoc.cancel_doc()
            raise
        perdoc.finish_doc()
        w._added = True
        w.docnum += 1

    def _analyse(self, name: str, field: Any, value: Any) -> list[Any]:
        if getattr(field, "unique", False):
            return list(field.index(value))
        key = (name, value)
        items = self._analysed.get(key)
        if items is None:
            if len(self._analysed) >= ANALYSED_CACHE:
                self._analysed.clear()
            items = self._analysed[key] = list(field.index(value))
        return items

    def _entries(self, name: str) -> dict[Any, DocsRecorder]:
        terms = self.terms.get(name)
        if terms is None:
            terms = self.terms[name] = {}
        return terms

    def _add_items(self, name: str, field: Any, docnum: int, items: list[Any]) -> None:
        terms = self._entries(name)
        kind = DocsRecorder if field.format.fixed_value_size() == 0 else WeightedRecorder
        for tbytes, _freq, weight, vbytes in items:
            rec = terms.get(tbytes)
            if rec is None:
                rec = terms[tbytes] = kind()
            rec.add(docnum, weight, vbytes)
        self.postings += len(items)

    def _write_postings(self) -> None:
        sink = W3Sink(self.writer.fieldwriter)
        for name in sorted(self.terms):
            sink.field(name, self.schema[name])
            lens = self.lengths.get(name)
            terms = self.terms[name]
            # str terms sort in code point order, which is UTF-8 byte order
            for term in sorted(terms):
                sink.term(term.encode("utf-8") if isinstance(term, str) else term, terms[term], lens)
            sink.end_field()
        sink.close()

    def finish(self) -> Segment | None:
        """Write out the segment; None when nothing was added. Does not touch the TOC."""
        w = self.writer
        try:
            if not w._added:
                w._close_segment()
                return None
            w.perdocwriter.close()
            self._write_postings()
            w._close_segment()
            w._assemble_segment()
            return w.get_segment()
        finally:
            self.terms = {}
            w._tempstorage.destroy()

    def cancel(self) -> None:
        """Abandon the segment (its files are removed by the next commit)."""
        try:
            self.writer._close_segment()
        finally:
            self.writer._tempstorage.destroy()


def drop_segments(writer: SegmentWriter, segment_ids: list[str]) -> None:
    """Leave the segments `segment_ids` (damaged ones) out of `writer`'s commit: their
    documents are gone from the new TOC, and Whoosh's clean-up after it removes their files."""
    if not segment_ids:
        return
    writer.segments = [s for s in writer.segments if s.segment_id() not in segment_ids]
    writer._setup_doc_offsets()


# (merged segment, [(source segment, its live docnums in the order copied)])
MergeHook = Callable[[Segment, list[tuple[Segment, list[int]]]], None]

# Merging: only segments of fewer than MERGE_DOCS documents, the smallest first,
# MERGE_MIN or more at once, into one of at most MERGE_DOCS documents.
MERGE_DOCS = 1_000
MERGE_MIN = 4


def merge_small(writer: SegmentWriter, segments: list[Segment]) -> list[Segment]:
    """The merge policy of every commit: the small segments that runs of
    `bulletins add` leave are merged, a bounded handful at a time; the large
    segments a build writes are never merged again.

    (Whoosh's MERGE_SMALL merges the smallest segments up to a Fibonacci point:
    on an index of ~100 build segments one `add` would merge twenty of them, and
    rebuild their substring net and lexicon, tens of millions of characters.)"""
    from whoosh.reading import SegmentReader

    small = sorted((s for s in segments if s.doc_count() < MERGE_DOCS), key=lambda s: s.doc_count())
    pick: list[Segment] = []
    total = 0
    for seg in small:
        if total + seg.doc_count() > MERGE_DOCS:
            break
        pick.append(seg)
        total += seg.doc_count()
    if len(pick) < MERGE_MIN:
        return segments
    for seg in pick:
        reader = SegmentReader(writer.storage, writer.schema, seg)
        writer.add_reader(reader)
        reader.close()
    chosen = {id(s) for s in pick}
    return [s for s in segments if id(s) not in chosen]


def commit(
    writer: SegmentWriter,
    extra_segments: list[Segment],
    merge: bool = True,
    optimize: bool = False,
    on_merged: MergeHook | None = None,
) -> None:
    """Commit `writer` (holding the index lock) together with segments written elsewhere.

    Deletions made on `writer` and the extra segments become visible at once,
    when the new TOC is renamed into place. When Whoosh's merge policy merges
    existing segments into the writer's own segment, `on_merged` is called
    before the TOC is written with that segment and the sources it copied, in
    order (the writer must hold no documents of its own: it only deletes).
    """
    require_pinned_whoosh()
    sources: list[tuple[Segment, list[int]]] = []
    add_reader = writer.add_reader

    def recording_add_reader(reader: Any) -> None:
        sources.append((reader.segment(), list(reader.all_doc_ids())))
        add_reader(reader)

    writer.add_reader = recording_add_reader  # type: ignore[method-assign]
    try:
        final = writer._merge_segments(None if optimize or not merge else merge_small, optimize, merge)
        if writer._added:
            merged = writer._finalize_segment()
            if on_merged is not None and sources:
                on_merged(merged, sources)
            final.append(merged)
        else:
            writer._close_segment()
        final.extend(s for s in extra_segments if s is not None)
        writer._commit_toc(final)
    except BaseException:
        writer._cleanup_on_error()
        raise
    writer._finish()
