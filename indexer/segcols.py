"""Per-segment facet columns as numpy arrays: written once with the segment, memory-mapped.

What searching needs of every document — the facet values (city, year,
month, issue id, series), its date and issue number, and the 地区 / 文种
keywords — read from Whoosh's columns and postings takes a Python loop over
every document. A segment never changes once written (deletions live in
Whoosh's TOC), so those values are read once, when the segment is written
(`write_segment`, called by indexer.build beside the substring net), and
kept in `MAIN_<segment id>.fac` beside the segment's own files. Opening an
index version is then an mmap per segment plus numpy concatenation
(indexer.columns, indexer.keyfacets), not a loop over documents.

The file: MAGIC, a JSON header (each coded column's values; each array's
dtype, offset and length), then the arrays, 8-byte aligned:

- `<name>` (CODED): int32 code per document into the column's values, -1 for none;
- `<name>` (NUMBERS): int32 per document, 0 for none;
- `<name>.doc` / `<name>.code` (KEYS): one (document, value code) pair per
  value a document holds;
- `words.<field>.hash` / `words.<field>.df` (WORDS): the segment's jieba words
  of that field as sorted 64-bit hashes (`word_hash`) and their document
  frequencies, so that did-you-mean (indexer.suggest) counts hundreds of
  candidate words with a few numpy look-ups instead of a term-table read each
  per segment.

Whoosh's commit removes the file with its segment (its name matches the
segment file pattern). A segment without the file (written by an older
version, or by a test through the bare segment writer) is read from Whoosh
in memory (`read_segment`), with the same result.
"""

from __future__ import annotations

import hashlib
import json
import mmap
import os
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

FORMAT = 2
MAGIC = b"BULCOL01"
EXT = "fac"
# Whoosh column name → name in the file (the facet names of indexer.columns)
CODED = {"city": "city", "year": "year", "month": "month", "bulletin_id": "bulletin", "series": "series"}
NUMBERS = ("date", "issue")
KEYS = ("region", "doc_type")  # multi-valued keyword fields (indexer.keyfacets)
WORDS = ("title", "text")  # the word fields (indexer.schema)


class ColumnsFormatError(Exception):
    """A facet-column file is truncated or of another format."""


def file_name(segment_id: str) -> str:
    return f"{segment_id}.{EXT}"


def word_hash(word: str | bytes) -> int:
    """A stable 64-bit hash of a word (its UTF-8 bytes)."""
    data = word.encode("utf-8") if isinstance(word, str) else word
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little")


@dataclass
class SegmentColumns:
    """The facet values of one segment's documents (segment-local docnums)."""

    docs: int
    coded: dict[str, tuple[np.ndarray, list[Any]]]  # name -> (int32 code per doc, -1: none; values)
    numbers: dict[str, np.ndarray]  # name -> int32 per doc, 0: none
    keys: dict[str, tuple[np.ndarray, np.ndarray, list[str]]]  # name -> (doc, code, values)
    words: dict[str, tuple[np.ndarray, np.ndarray]]  # field -> (sorted uint64 word hashes, uint32 df)


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
    words: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for name in WORDS:
        pairs = [(word_hash(t), i.doc_frequency()) for t, i in reader.iter_field(name)] if name in reader.schema else []
        h = np.array([p[0] for p in pairs], dtype=np.uint64)
        df = np.array([p[1] for p in pairs], dtype=np.uint32)
        order = np.argsort(h, kind="stable")
        words[name] = (h[order], df[order])
    return SegmentColumns(n, coded, numbers, keys, words)


def write(path: Path, cols: SegmentColumns) -> None:
    """Write `cols` as one file (see the module doc), atomically."""
    arrays: dict[str, np.ndarray] = {}
    values: dict[str, list[Any]] = {}
    for name, (codes, vals) in cols.coded.items():
        arrays[name] = codes.astype(np.int32)
        values[name] = vals
    for name, a in cols.numbers.items():
        arrays[name] = a.astype(np.int32)
    for name, (docs, codes, vals) in cols.keys.items():
        arrays[f"{name}.doc"] = docs.astype(np.int32)
        arrays[f"{name}.code"] = codes.astype(np.int32)
        values[name] = vals
    for name, (h, df) in cols.words.items():
        arrays[f"words.{name}.hash"] = h.astype(np.uint64)
        arrays[f"words.{name}.df"] = df.astype(np.uint32)
    layout: dict[str, list[Any]] = {}
    offset = 0
    for name, a in arrays.items():
        layout[name] = [a.dtype.str, offset, int(a.size)]
        offset += -(-a.nbytes // 8) * 8
    header = json.dumps({"format": FORMAT, "docs": cols.docs, "values": values, "arrays": layout},
                        ensure_ascii=False).encode()
    head = MAGIC + struct.pack("<I", len(header)) + header
    head += b"\0" * (-len(head) % 8)
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as f:
        f.write(head)
        for a in arrays.values():
            f.write(np.ascontiguousarray(a).tobytes())
            f.write(b"\0" * (-a.nbytes % 8))
    os.replace(tmp, path)


def load(path: Path) -> SegmentColumns:
    """The file at `path`, memory-mapped read-only (raises FileNotFoundError, ColumnsFormatError)."""
    with open(path, "rb") as f:
        try:
            mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        except ValueError as ex:  # an empty file
            raise ColumnsFormatError(f"{path.name}: {ex}") from None
    try:
        if mm[:8] != MAGIC:
            raise ValueError("not a facet-column file")
        (hlen,) = struct.unpack("<I", mm[8:12])
        header = json.loads(mm[12 : 12 + hlen])
        if header.get("format") != FORMAT:
            raise ValueError(f"format {header.get('format')}, expected {FORMAT}")
        base = 12 + hlen + (-(12 + hlen) % 8)
        arrays = {
            name: np.frombuffer(mm, dtype=np.dtype(dt), count=count, offset=base + off)
            for name, (dt, off, count) in header["arrays"].items()
        }
        values = header["values"]
        n = int(header["docs"])
        cols = SegmentColumns(
            n,
            {name: (arrays[name], values[name]) for name in CODED.values()},
            {name: arrays[name] for name in NUMBERS},
            {name: (arrays[f"{name}.doc"], arrays[f"{name}.code"], values[name]) for name in KEYS},
            {name: (arrays[f"words.{name}.hash"], arrays[f"words.{name}.df"]) for name in WORDS},
        )
    except (ValueError, KeyError, TypeError, struct.error) as ex:
        raise ColumnsFormatError(f"{path.name}: {ex}") from None
    if any(len(c) != n for c, _v in cols.coded.values()) or any(len(a) != n for a in cols.numbers.values()):
        raise ColumnsFormatError(f"{path.name}: arrays shorter than its {n} documents")
    return cols


def write_segment(gen: Path, segment: Any) -> None:
    """Write the facet-column file of a segment just written into generation folder `gen`
    (the hook indexer.build calls beside the substring net)."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.reading import SegmentReader

    from indexer.schema import make_schema

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
