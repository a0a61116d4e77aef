"""The substring net of one Whoosh segment: a suffix array over its articles' units.

For every document of a segment, in docnum order, the unit strings
(indexer.store.analysis.unit_string) of its title and of its text are laid end to
end, each region closed by SEP. The file `MAIN_<segment id>.sub`, beside the
segment's own files, holds:

- `alphabet`: the code points present, ascending (uint32); `chars`: each
  position's rank in it, big-endian (2 bytes, or 4 for a segment with more
  than 65,536 distinct characters), so that byte order is code point order;
- `sa`: the suffix array of `chars` (uint32), built by libdivsufsort
  (pydivsufsort) over the bytes, keeping the suffixes that start on a character;
- `regions`: where each region starts (2 per document, then the end), so a
  position's document is a binary search away;
- `edges`: one bit per position (and one past the end), set where a jieba word
  or a region begins: how a match lines up with the words, for ranking.

An exact substring is a range of `sa` found by binary search on the bytes;
its positions give the documents (and where in them). The file is opened
memory-mapped, so server processes share its pages. Whoosh's commit removes
the file with its segment (its name matches Whoosh's segment file pattern); a
segment made by merging others gets its array from theirs (`merge`), with no
new analysis. The layout is versioned (FORMAT); numpy and pydivsufsort are
pinned in pyproject.toml.
"""

from __future__ import annotations

import mmap
import os
from pathlib import Path

# libdivsufsort is built with OpenMP (libgomp), whose thread pool does not
# survive fork(): a worker forked after this process sorted an array would hang
# on its first sort. Index builds get their parallelism from worker processes,
# so each process sorts on one thread (read by libgomp when it is loaded).
os.environ["OMP_NUM_THREADS"] = "1"

import numpy as np  # noqa: E402
from pydivsufsort import divsufsort  # noqa: E402

from indexer.store import arrayfile, segfiles  # noqa: E402
from indexer.store.analysis import unit_arrays  # noqa: E402

FORMAT = 1
MAGIC = segfiles.magic(segfiles.NET)
EXT = segfiles.NET.suffix
SEP = 1  # closes each region; never in a unit string
ARRAYS = ("alphabet", "chars", "sa", "regions", "edges")


# A substring-net file is missing, truncated or of another format (as any
# per-segment array file: one error for the index's damage checks).
NetFormatError = arrayfile.ArrayFileError


def file_name(segment_id: str) -> str:
    """The net's file of a segment (Whoosh's segment id already starts with the index name)."""
    return segfiles.file_name(segment_id, segfiles.NET)


# Characters of marked text turned into unit code points at a time (bounds the temporaries).
BATCH_CHARS = 1 << 18


class NetBuilder:
    """Collects the marked texts (analysis.cut) of a segment's documents; their unit
    strings are made a batch at a time (analysis.unit_arrays), so what is held is
    the code points (4 bytes a unit) and what is built at once is one batch."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pending = 0
        self.codes: list[np.ndarray] = []
        self.starts: list[np.ndarray] = []
        self.units = 0
        self.docs = 0
        self.chars = 0

    def add(self, title: str, text: str) -> None:
        """The next document's marked title and text."""
        self.parts.append(title)
        self.parts.append(text)
        self.docs += 1
        n = len(title) + len(text) + 2
        self.chars += n
        self.pending += n
        if self.pending >= BATCH_CHARS:
            self._convert()

    def _convert(self) -> None:
        if not self.parts:
            return
        codes, starts = unit_arrays("\x01".join(self.parts) + "\x01")  # each region closed by SEP
        self.parts, self.pending = [], 0
        self.codes.append(codes)
        self.starts.append(starts + self.units)
        self.units += len(codes)

    def __len__(self) -> int:
        return self.docs

    def arrays(self) -> dict[str, np.ndarray]:
        self._convert()
        codes = np.concatenate(self.codes) if self.codes else np.zeros(0, dtype=np.uint32)
        starts = np.concatenate(self.starts) if self.starts else np.zeros(0, dtype=np.int64)
        self.codes, self.starts, self.units, self.docs, self.chars = [], [], 0, 0, 0
        holder = [codes]
        del codes
        return _finish(holder, starts)


# Suffixes handed from libdivsufsort's output to the array at a time (bounds the temporaries).
_CHUNK = 1 << 20


def _sort(chars: np.ndarray) -> np.ndarray:
    """The suffix array of `chars` (big-endian, `width` bytes a character), as uint32.

    libdivsufsort sorts the bytes; the suffixes starting on a character are kept,
    a chunk at a time, so the peak is the sort's own output (4 bytes a byte) and
    the result (4 bytes a character)."""
    width = chars.dtype.itemsize
    raw = divsufsort(chars.view(np.uint8))
    sa = np.empty(len(chars), dtype=np.uint32)
    shift = width.bit_length() - 1
    at = 0
    for i in range(0, len(raw), _CHUNK):
        part = raw[i : i + _CHUNK]
        keep = part[(part & (width - 1)) == 0] >> shift
        sa[at : at + len(keep)] = keep
        at += len(keep)
    assert at == len(chars)
    return sa


def _finish(holder: list[np.ndarray], word_starts: np.ndarray) -> dict[str, np.ndarray]:
    """The arrays of a segment from its code points (regions closed by SEP; in a
    one-item list, released once no longer needed) and word starts."""
    codes = holder.pop()
    n = len(codes)
    seps = np.flatnonzero(codes == SEP)
    regions = np.empty(len(seps) + 1, dtype=np.uint32)
    regions[0] = 0
    regions[1:] = seps + 1
    edges = np.zeros(n + 1, dtype=bool)
    edges[word_starts] = True
    edges[regions] = True
    edges[seps] = True
    del seps
    if n:
        alphabet = np.flatnonzero(np.bincount(codes)).astype(np.uint32)
    else:
        alphabet = np.zeros(0, dtype=np.uint32)
    width = 2 if len(alphabet) <= 1 << 16 else 4
    lut = np.zeros(int(alphabet[-1]) + 1 if n else 1, dtype=f">u{width}")
    lut[alphabet] = np.arange(len(alphabet))
    chars = lut[codes]
    del lut, codes
    sa = _sort(chars) if n else np.zeros(0, dtype=np.uint32)
    return {"alphabet": alphabet, "chars": chars, "sa": sa, "regions": regions, "edges": np.packbits(edges)}


def write(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write the arrays as one file (indexer.store.arrayfile: MAGIC, a JSON header, each array 8-byte aligned)."""
    arrayfile.write(path, MAGIC, FORMAT, {name: arrays[name] for name in ARRAYS})


class SegmentNet:
    """One segment's substring net, memory-mapped read-only."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file = arrayfile.ArrayFile(path, MAGIC, FORMAT, ARRAYS)
        self._mm = self._file.mm
        arrays = self._file.arrays
        self.alphabet = arrays["alphabet"]
        self.chars = arrays["chars"]
        self.sa = arrays["sa"]
        self.regions = arrays["regions"]
        self.edges = arrays["edges"]
        self.width = self.chars.dtype.itemsize
        self._chars_at = self._file.offsets["chars"]
        self.docs = (len(self.regions) - 1) // 2

    def encode(self, us: str) -> bytes | None:
        """The bytes of unit string `us` in this segment's alphabet (None: a character it lacks)."""
        codes = np.frombuffer(us.encode("utf-32-le"), dtype="<u4")
        if not len(codes):
            return None
        idx = np.searchsorted(self.alphabet, codes)
        if (idx >= len(self.alphabet)).any() or (self.alphabet[np.minimum(idx, len(self.alphabet) - 1)] != codes).any():
            return None
        return idx.astype(f">u{self.width}").tobytes()

    def range(self, pattern: bytes) -> tuple[int, int]:
        """The range of `sa` whose suffixes begin with `pattern`."""
        sa, mm, w, at, n = self.sa, self._mm, self.width, self._chars_at, len(pattern)
        lo, hi = 0, len(sa)
        while lo < hi:
            mid = (lo + hi) // 2
            s = at + int(sa[mid]) * w
            if mm[s : s + n] < pattern:
                lo = mid + 1
            else:
                hi = mid
        first = lo
        hi = len(sa)
        while lo < hi:
            mid = (lo + hi) // 2
            s = at + int(sa[mid]) * w
            if mm[s : s + n] <= pattern:
                lo = mid + 1
            else:
                hi = mid
        return first, lo

    def positions(self, us: str) -> np.ndarray:
        """Every position where unit string `us` occurs (unsorted, int64)."""
        pattern = self.encode(us)
        if pattern is None:
            return np.zeros(0, dtype=np.int64)
        lo, hi = self.range(pattern)
        return self.sa[lo:hi].astype(np.int64)

    def edge(self, pos: np.ndarray) -> np.ndarray:
        """Whether a word or region begins at each of the positions."""
        return ((self.edges[pos >> 3] >> (7 - (pos & 7))) & 1).astype(bool)

    def codes(self) -> np.ndarray:
        """The code points of the whole segment (for merging)."""
        return self.alphabet[self.chars.astype(np.int64)]

    def release_pages(self) -> None:
        """Let go of the file's pages mapped into this process (they stay in the page
        cache, and are mapped again, from there, when next read)."""
        try:
            self._mm.madvise(mmap.MADV_DONTNEED)
        except (AttributeError, OSError, ValueError):  # no madvise here, or closed
            pass

    def close(self) -> None:
        self.alphabet = self.chars = self.sa = self.regions = self.edges = None  # type: ignore[assignment]
        self._file.close()


def merge(sources: list[tuple[SegmentNet, np.ndarray]]) -> dict[str, np.ndarray]:
    """The arrays of a segment holding, in order, the documents `docs` (sorted
    segment-local docnums) of each source net: what Whoosh's merge writes."""
    code_parts: list[np.ndarray] = []
    edge_parts: list[np.ndarray] = []
    for net, docs in sources:
        reg = net.regions.astype(np.int64)
        n = int(reg[-1])
        keep_doc = np.zeros(net.docs, dtype=bool)
        keep_doc[np.asarray(docs, dtype=np.int64)] = True
        lengths = reg[2::2] - reg[:-1:2]
        keep = np.repeat(keep_doc, lengths)
        code_parts.append(net.codes()[keep])
        edge_parts.append(np.unpackbits(net.edges)[:n].astype(bool)[keep])
    codes = np.concatenate(code_parts) if code_parts else np.zeros(0, dtype=np.uint32)
    del code_parts
    edges = np.concatenate(edge_parts) if edge_parts else np.zeros(0, dtype=bool)
    del edge_parts
    holder = [codes]
    del codes
    return _finish(holder, np.flatnonzero(edges))
