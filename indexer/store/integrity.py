"""The manifest of a generation: a checksum of every segment file, and the checks against it.

`MANIFEST.json` in a generation folder holds, for each segment of the last
commit, its documents, the corpus files its articles came from, and every
file of it (indexer.store.segfiles) with its size and BLAKE2b-128 digest. It is
written after each commit of `bulletins index`, `bulletins add` and merges
(`record`); a segment's files never change once written, so a digest already
recorded for a file of the same size is kept, not recomputed.

Three checks (`check`):

- cheap (`full=False`, when `bulletins add` opens the index): each recorded
  file is there with its size, and each array file's magic and header agree
  with its size (indexer.store.arrayfile.check_header);
- on open (`IndexHandle`, `full=True`): the same plus the digest of every
  file, once per process per file (VERIFIED caches what was checked: a later
  index version re-reads only its new segments);
- `bulletins verify` and every `bulletins index` run: the same, uncached.

A segment that fails is named with its files and what is wrong (in Chinese:
the CLI and the operator's log show it); `bulletins index` re-makes just that
segment's articles from the corpus (indexer.build.builder).
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive.errors import os_reason
from indexer.store import arrayfile, segfiles

MANIFEST = "MANIFEST.json"
FORMAT = 1
DIGEST_BYTES = 16  # BLAKE2b-128
CHUNK = 1 << 20


@dataclass(frozen=True)
class Damage:
    """One damaged file (or a segment's missing component) and what is wrong with it."""

    segment: str
    name: str
    reason: str

    def __str__(self) -> str:
        return f"{self.name}（{self.reason}）"


@dataclass
class Verified:
    """What a full check found: the damage, and what it read."""

    gen: Path
    segments: int = 0
    files: int = 0
    bytes: int = 0
    seconds: float = 0.0
    damage: list[Damage] = field(default_factory=list)
    unrecorded: list[str] = field(default_factory=list)  # segments the manifest does not know yet

    @property
    def damaged_segments(self) -> list[str]:
        return sorted({d.segment for d in self.damage})


def digest(path: Path) -> str:
    """The BLAKE2b-128 digest of a file, hex."""
    h = hashlib.blake2b(digest_size=DIGEST_BYTES)
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def read(gen: Path) -> dict[str, Any]:
    """The manifest of `gen`: {segment id: {"docs", "sources", "files": {name: [size, digest]}}};
    {} when there is none (an index written before manifests, or a killed first run)."""
    try:
        data = json.loads((gen / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("segments"), dict):
        return {}
    return data["segments"]


def _sources(gen: Path, segment: Any) -> list[str]:
    """The corpus files whose articles a segment holds (its `source` column)."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.reading import SegmentReader

    from indexer.store.documents import source_path
    from indexer.store.schema import make_schema

    reader = SegmentReader(FileStorage(str(gen)), make_schema(), segment)
    try:
        if not reader.has_column("source"):
            return []
        return sorted({source_path({"source": key}) for key in reader.column_reader("source") if key})
    finally:
        reader.close()


def record(gen: Path, segments: list[Any]) -> None:
    """Write the manifest of `gen` for its committed `segments` (Whoosh Segment objects)."""
    old = read(gen)
    out: dict[str, Any] = {}
    for seg in segments:
        sid = seg.segment_id()
        before = old.get(sid) or {}
        known = before.get("files") or {}
        files: dict[str, list[Any]] = {}
        for name in segfiles.segment_file_names(gen, sid):
            size = (gen / name).stat().st_size
            got = known.get(name)
            files[name] = got if got and got[0] == size else [size, digest(gen / name)]
        sources = before.get("sources")
        if sources is None:
            try:
                sources = _sources(gen, seg)
            except Exception:  # unreadable: the manifest still guards its bytes
                sources = []
        out[sid] = {"docs": seg.doc_count_all(), "sources": sources, "files": files}
    tmp = gen / f".{MANIFEST}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump({"format": FORMAT, "hash": f"blake2b-{DIGEST_BYTES * 8}", "segments": out}, f,
                  ensure_ascii=False, sort_keys=True)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, gen / MANIFEST)


# (path, size, mtime_ns, inode, expected digest) of files whose digest this process has checked
_VERIFIED: set[tuple[str, int, int, int, str]] = set()
_hashing_lock = threading.Lock()


def _check_file(gen: Path, sid: str, name: str, want: list[Any], full: bool, cached: bool,
                out: Verified) -> None:
    path = gen / name
    try:
        st = path.stat()
    except OSError:
        out.damage.append(Damage(sid, name, "文件缺失"))
        return
    size, expected = int(want[0]), str(want[1])
    if st.st_size != size:
        out.damage.append(Damage(sid, name, f"大小不符（应为 {size} 字节，实为 {st.st_size} 字节）"))
        return
    component = segfiles.component_of(name)
    if component is not None and component.magic is not None:
        bad = arrayfile.check_header(path, component.magic)
        if bad:
            out.damage.append(Damage(sid, name, bad))
            return
    out.files += 1
    if not full:
        return
    key = (str(path), st.st_size, st.st_mtime_ns, st.st_ino, expected)
    if cached:
        # one thread hashes a file while the others wait for it (a server's first requests)
        with _hashing_lock:
            if key in _VERIFIED:
                return
            _digest_and_compare(path, sid, name, expected, st.st_size, out, key)
    else:
        _digest_and_compare(path, sid, name, expected, st.st_size, out, None)


def _digest_and_compare(path: Path, sid: str, name: str, expected: str, size: int, out: Verified,
                        key: tuple[str, int, int, int, str] | None) -> None:
    try:
        got = digest(path)
    except OSError as ex:
        out.damage.append(Damage(sid, name, f"无法读取（{os_reason(ex)}）"))
        return
    out.bytes += size
    if got != expected:
        out.damage.append(Damage(sid, name, "校验和不符"))
    elif key is not None:
        _VERIFIED.add(key)


def check(gen: Path, segment_ids: list[str], full: bool = True, cached: bool = False) -> Verified:
    """Check the files of the live segments `segment_ids` of `gen` against its manifest
    (see the module doc); a segment the manifest does not know is checked for its
    required components and array headers only."""
    t0 = time.perf_counter()
    out = Verified(gen, segments=len(segment_ids))
    manifest = read(gen)
    for sid in segment_ids:
        entry = manifest.get(sid)
        if entry is None:
            out.unrecorded.append(sid)
            names = segfiles.segment_file_names(gen, sid)
            for c in segfiles.missing_components(names):
                out.damage.append(Damage(sid, f"{sid}.{c.suffix}", "文件缺失"))
            for name in names:
                c = segfiles.component_of(name)
                bad = arrayfile.check_header(gen / name, c.magic) if c is not None and c.magic else None
                if bad:
                    out.damage.append(Damage(sid, name, bad))
            continue
        for name, want in sorted(entry.get("files", {}).items()):
            _check_file(gen, sid, name, want, full, cached, out)
    out.seconds = time.perf_counter() - t0
    return out


def sources_of(gen: Path, segment_ids: list[str]) -> list[str]:
    """The corpus files recorded for the segments `segment_ids` (as the manifest has them)."""
    manifest = read(gen)
    return sorted({s for sid in segment_ids for s in (manifest.get(sid) or {}).get("sources", [])})
