"""Per-segment facet columns as numpy arrays: written once with the segment, memory-mapped.

What searching needs of every document — the facet values (city, year,
month, issue id, series), its date and issue number, and the 地区 / 文种
keywords — read from Whoosh's columns and postings takes a Python loop over
every document. A segment never changes once written (deletions live in
Whoosh's TOC), so those values are read once, when the segment is written
(`write_segment`, called by indexer.build.builder beside the substring net), and
kept in `MAIN_<segment id>.fac` beside the segment's own files. Opening an
index version is then an mmap per segment plus numpy concatenation
(indexer.store.columns, indexer.search.keyfacets), not a loop over documents.

The file (indexer.store.arrayfile): `values`, the coded columns' and keywords'
value lists as JSON, then

- `<name>` (CODED): int32 code per document into the column's values, -1 for none;
- `<name>` (NUMBERS): int32 per document, 0 for none;
- `<name>.doc` / `<name>.code` (KEYS): one (document, value code) pair per
  value a document holds.

Whoosh's commit removes the file with its segment (its name matches the
segment file pattern). A segment without the file (written by an older
version, or by a test through the bare segment writer) is read from Whoosh
in memory (`read_segment`), with the same result.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from indexer.store import arrayfile, segfiles

FORMAT = 2  # 2: the organ (发文机关) and topic (主题分类) keywords
MAGIC = segfiles.magic(segfiles.FACETS)
EXT = segfiles.FACETS.suffix
# Whoosh column name → name in the file (the facet names of indexer.store.columns)
CODED = {"city": "city", "year": "year", "month": "month", "bulletin_id": "bulletin", "series": "series"}
NUMBERS = ("date", "issue")
KEYS = ("region", "doc_type", "organ", "topic")  # multi-valued keyword fields (indexer.search.keyfacets)


class ColumnsFormatError(Exception):
    """A facet-column file is truncated or of another format."""


def file_name(segment_id: str) -> str:
    return segfiles.file_name(segment_id, segfiles.FACETS)


@dataclass
class SegmentColumns:
    """The facet values of one segment's documents (segment-local docnums)."""

    docs: int
    coded: dict[str, tuple[np.ndarray, list[Any]]]  # name -> (int32 code per doc, -1: none; values)
    numbers: dict[str, np.ndarray]  # name -> int32 per doc, 0: none
    keys: dict[str, tuple[np.ndarray, np.ndarray, list[str]]]  # name -> (doc, code, values)


def _clean(name: str, v: Any) -> Any:
    # A document without a value reads as the column's default ('' or 0 or 2**32-1).
    if name == "year":
        return v if isinstance(v, int) and 1000 <= v <= 9999 else None
    return v or None


def _number(name: str, v: Any) -> int:
    if not isinstance(v, int):
        return 0
    if name == "date":
        return v if 10000101 <= v <= 99991231 else 0
    return v if 0 < v < 100_000 else 0


def read_segment(reader: Any) -> SegmentColumns:
    """The columns of one Whoosh segment reader (a Python pass over its documents)."""
    n = reader.doc_count_all()

    def column(name: str) -> list[Any]:
        vals = list(reader.column_reader(name)) if reader.has_column(name) else []
        return (vals + [None] * n)[:n] if len(vals) != n else vals

    coded: dict[str, tuple[np.ndarray, list[Any]]] = {}
    for wname, name in CODED.items():
        vals = [_clean(wname, v) for v in column(wname)]
        values = sorted({v for v in vals if v is not None}, key=str)
        index = {v: i for i, v in enumerate(values)}
        codes = np.fromiter((index.get(v, -1) if v is not None else -1 for v in vals), dtype=np.int32, count=n)
        coded[name] = (codes, values)
    numbers = {name: np.fromiter((_number(name, v) for v in column(name)), dtype=np.int32, count=n) for name in NUMBERS}
    keys: dict[str, tuple[np.ndarray, np.ndarray, list[str]]] = {}
    for name in KEYS:
        docs: list[np.ndarray] = []
        codes_: list[np.ndarray] = []
        values: list[str] = []
        if name in reader.schema:
            for tbytes in reader.lexicon(name):
                ids = np.fromiter(reader.postings(name, tbytes).all_ids(), dtype=np.int32)
                if not len(ids):
                    continue
                docs.append(ids)
                codes_.append(np.full(len(ids), len(values), dtype=np.int32))
                values.append(tbytes.decode("utf-8") if isinstance(tbytes, bytes) else tbytes)
        empty = np.zeros(0, dtype=np.int32)
        keys[name] = (np.concatenate(docs) if docs else empty, np.concatenate(codes_) if codes_ else empty, values)
    return SegmentColumns(n, coded, numbers, keys)


def write(path: Path, cols: SegmentColumns) -> None:
    """Write `cols` as one file (indexer.store.arrayfile; the value lists as a JSON array `values`)."""
    values: dict[str, list[Any]] = {name: vals for name, (_c, vals) in cols.coded.items()}
    values.update({name: vals for name, (_d, _c, vals) in cols.keys.items()})
    arrays: dict[str, np.ndarray] = {
        "values": np.frombuffer(json.dumps(values, ensure_ascii=False).encode(), dtype=np.uint8),
    }
    for name, (codes, _vals) in cols.coded.items():
        arrays[name] = codes.astype(np.int32)
    for name, a in cols.numbers.items():
        arrays[name] = a.astype(np.int32)
    for name, (docs, codes, _vals) in cols.keys.items():
        arrays[f"{name}.doc"] = docs.astype(np.int32)
        arrays[f"{name}.code"] = codes.astype(np.int32)
    tmp = path.with_name(f".{path.name}.tmp")
    arrayfile.write(tmp, MAGIC, FORMAT, arrays)
    os.replace(tmp, path)


_NAMES = ("values", *CODED.values(), *NUMBERS, *(f"{k}.{p}" for k in KEYS for p in ("doc", "code")))


def load(path: Path) -> SegmentColumns:
    """The file at `path`, memory-mapped read-only (raises FileNotFoundError, ColumnsFormatError)."""
    if not path.exists():
        raise FileNotFoundError(path)
    try:
        arrays = arrayfile.ArrayFile(path, MAGIC, FORMAT, _NAMES).arrays
        values = json.loads(arrays["values"].tobytes())
        n = len(arrays["date"])
        cols = SegmentColumns(
            n,
            {name: (arrays[name], values[name]) for name in CODED.values()},
            {name: arrays[name] for name in NUMBERS},
            {name: (arrays[f"{name}.doc"], arrays[f"{name}.code"], values[name]) for name in KEYS},
        )
    except (arrayfile.ArrayFileError, ValueError, KeyError, TypeError) as ex:
        raise ColumnsFormatError(f"{path.name}: {ex}") from None
    if any(len(c) != n for c, _v in cols.coded.values()) or any(len(a) != n for a in cols.numbers.values()):
        raise ColumnsFormatError(f"{path.name}: columns of different lengths")
    return cols


def write_segment(gen: Path, segment: Any) -> None:
    """Write the facet-column file of a segment just written into generation folder `gen`
    (the hook indexer.build.builder calls beside the substring net)."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.reading import SegmentReader

    from indexer.store.schema import make_schema

    reader = SegmentReader(FileStorage(str(gen)), make_schema(), segment)
    try:
        cols = read_segment(reader)
    finally:
        reader.close()
    write(gen / file_name(segment.segment_id()), cols)


def segment_columns(stem: Path, reader: Any) -> SegmentColumns:
    """The columns of the segment whose files share `stem` (`<gen>/<segment id>`):
    its file when there is one that fits, else read from Whoosh's `reader`."""
    path = stem.with_name(file_name(stem.name))
    try:
        cols = load(path)
    except (FileNotFoundError, ColumnsFormatError):  # derived data: read it from the segment instead
        return read_segment(reader)
    if cols.docs != reader.doc_count_all():
        raise ColumnsFormatError(f"{path.name}: {cols.docs} documents, its segment has {reader.doc_count_all()}")
    return cols
