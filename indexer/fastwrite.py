"""The one module that reaches into Whoosh's writer internals (whoosh3==3.54.0).

Why: Whoosh's `add_document` runs the analyzer and builds every posting
through generic per-token code (~9 µs a posting). The archive analyses each
article once (indexer.documents), then hands the ready postings to the
segment writer's pool here; several processes each write a whole segment, and
one commit adds them all to the index atomically (the TOC is written last, by
rename). tests/test_fastwrite.py checks this path against `add_document`.
"""

from __future__ import annotations

from typing import Any

from whoosh.codec.base import Segment
from whoosh.index import Index
from whoosh.writing import SegmentWriter

from indexer.documents import IndexDoc


def segment_writer(ix: Index, limitmb: int = 256) -> SegmentWriter:
    """A writer for one new segment that does not take the index lock.

    The caller must hold the lock (via `committer`) for the whole run.
    """
    writer = SegmentWriter(ix, _lk=False, limitmb=limitmb)
    # Whoosh names every writer's scratch folder "<index>.tmp" and destroys it
    # when done: writers running side by side need folders of their own
    # (the shared one is left to the committing writer, which owns it).
    writer._tempstorage = writer.storage.temp_storage(None)
    writer.pool.tempstore = writer._tempstorage
    return writer


def positions_encoder(ix_or_schema: Any) -> Any:
    """The Positions format's encoder, as the word and bigram fields use it."""
    schema = ix_or_schema.schema if hasattr(ix_or_schema, "schema") else ix_or_schema
    return schema["text"].format.encode


def add_doc(writer: SegmentWriter, doc: IndexDoc) -> None:
    """Add one analysed article to `writer`: what `add_document` does, minus analysis."""
    schema = writer.schema
    perdoc = writer.perdocwriter
    pool_add = writer.pool.add
    docnum = writer.docnum
    values = doc.values
    postings = doc.postings
    names = sorted(n for n in set(values) | set(postings) if values.get(n) is not None or n in postings)
    perdoc.start_doc(docnum)
    try:
        for name in names:
            field = schema[name]
            length = 0
            if name in postings:
                items, length = postings[name]
                for tbytes, _freq, weight, vbytes in items:
                    pool_add((name, tbytes, docnum, weight, vbytes))
            elif field.indexed:
                for tbytes, freq, weight, vbytes in field.index(values[name]):
                    if field.scorable:
                        length += freq
                    pool_add((name, tbytes, docnum, weight, vbytes))
            value = values.get(name)
            perdoc.add_field(name, field, value if field.stored else None, length)
            column = field.column_type
            if column and value is not None:
                perdoc.add_column_value(name, column, field.to_column_value(value))
    except ValueError:
        perdoc.cancel_doc()
        raise
    perdoc.finish_doc()
    writer._added = True
    writer.docnum += 1


def finish_segment(writer: SegmentWriter) -> Segment | None:
    """Write out the segment; None when nothing was added. Does not touch the TOC."""
    if not writer._added:
        writer._close_segment()
        writer._tempstorage.destroy()
        return None
    segment = writer._finalize_segment()
    writer._tempstorage.destroy()
    return segment


def cancel_segment(writer: SegmentWriter) -> None:
    """Abandon a segment being written (its files are removed by the next commit)."""
    try:
        writer._close_segment()
    finally:
        writer._tempstorage.destroy()


def commit(
    writer: SegmentWriter,
    extra_segments: list[Segment],
    merge: bool = True,
    optimize: bool = False,
) -> None:
    """Commit `writer` (holding the index lock) together with segments written elsewhere.

    Deletions made on `writer`, documents added to it and the extra segments
    become visible at once, when the new TOC is renamed into place.
    """
    try:
        final = writer._merge_segments(None, optimize, merge)
        if writer._added:
            final.append(writer._finalize_segment())
        else:
            writer._close_segment()
        final.extend(s for s in extra_segments if s is not None)
        writer._commit_toc(final)
    except BaseException:
        writer._cleanup_on_error()
        raise
    writer._finish()
