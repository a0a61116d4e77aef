"""Named numpy arrays in one file, read back memory-mapped (the per-segment files
beside Whoosh's: the substring net, the word lexicon).

Layout: an 8-byte magic, a little-endian uint32 header length, a JSON header
`{"format": N, "arrays": {name: [dtype, offset, count]}}`, padding to 8 bytes,
then each array's bytes, each padded to 8 bytes. Readers get views of one
read-only mmap, so server processes share the pages.
"""

from __future__ import annotations

import json
import mmap
import os
import struct
from pathlib import Path

import numpy as np


class ArrayFileError(Exception):
    """An array file is missing, truncated or of another kind or format."""


def write(path: Path, magic: bytes, fmt: int, arrays: dict[str, np.ndarray]) -> None:
    """Write `arrays` (in their order) under `magic` and format number `fmt`."""
    layout: dict[str, list[object]] = {}
    offset = 0
    for name, a in arrays.items():
        layout[name] = [a.dtype.str, offset, int(a.size)]
        offset += -(-a.nbytes // 8) * 8
    header = json.dumps({"format": fmt, "arrays": layout}).encode()
    head = magic + struct.pack("<I", len(header)) + header
    head += b"\0" * (-len(head) % 8)
    with open(path, "wb") as f:
        f.write(head)
        for a in arrays.values():
            a = np.ascontiguousarray(a)
            f.write(a.data)
            f.write(b"\0" * (-a.nbytes % 8))


class ArrayFile:
    """The arrays of one file, as read-only views of its mmap."""

    def __init__(self, path: Path, magic: bytes, fmt: int, names: tuple[str, ...] = ()) -> None:
        self.path = path
        try:
            with open(path, "rb") as f:
                self._mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
            mm = self._mm
            if mm[: len(magic)] != magic:
                raise ValueError(f"not a {magic.decode(errors='replace')} file")
            at = len(magic)
            (hlen,) = struct.unpack("<I", mm[at : at + 4])
            header = json.loads(mm[at + 4 : at + 4 + hlen])
            if header.get("format") != fmt:
                raise ValueError(f"format {header.get('format')}, expected {fmt}")
            base = at + 4 + hlen + (-(at + 4 + hlen) % 8)
            self.offsets: dict[str, int] = {}
            self.arrays: dict[str, np.ndarray] = {}
            for name, (dtype, off, count) in header["arrays"].items():
                self.arrays[name] = np.frombuffer(mm, dtype=np.dtype(dtype), count=count, offset=base + off)
                self.offsets[name] = base + off
            end = max([base] + [off + a.nbytes + (-a.nbytes % 8) for off, a in
                                zip(self.offsets.values(), self.arrays.values())])
            if end != len(mm):  # a file cut short or grown: its header does not describe it
                raise ValueError(f"{len(mm)} bytes, its header lays out {end}")
            missing = [n for n in names if n not in self.arrays]
            if missing:
                raise ValueError(f"no array {missing[0]!r}")
        except (OSError, ValueError, KeyError, TypeError) as ex:
            raise ArrayFileError(f"{path.name}: {ex}") from None

    @property
    def mm(self) -> mmap.mmap:
        return self._mm

    def close(self) -> None:
        self.arrays = {}
        try:
            self._mm.close()
        except BufferError:  # an array view is still held by a caller: the mapping goes with it
            pass


def check_header(path: Path, magic: bytes) -> str | None:
    """What is wrong with the file's header, or None: its magic, its JSON header, and its
    size against the arrays the header lays out (a cheap check, without reading the arrays)."""
    try:
        with open(path, "rb") as f:
            head = f.read(len(magic) + 4)
            if head[: len(magic)] != magic:
                return "文件头不符"
            (hlen,) = struct.unpack("<I", head[len(magic):])
            if hlen > 1 << 24:
                return "文件头不符"
            header = json.loads(f.read(hlen))
            size = os.fstat(f.fileno()).st_size
        at = len(magic) + 4 + hlen
        base = at + (-at % 8)
        end = base
        for dtype, off, count in header["arrays"].values():
            nbytes = np.dtype(dtype).itemsize * int(count)
            end = max(end, base + int(off) + nbytes + (-nbytes % 8))
    except (OSError, ValueError, KeyError, TypeError, struct.error):
        return "文件头不符"
    return None if end == size else f"大小与文件头不符（应为 {end} 字节，实为 {size} 字节）"
