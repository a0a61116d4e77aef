"""The OCR line boxes of scanned originals, kept with the index (issue 20: the scan view).

One small compressed file per scanned source file, named by the file's content
hash (its bytes, not its name: a file indexed twice or renamed shares one), in the
index generation's `scanboxes/` folder. Written by the indexing processes as each
file is parsed, read by the bulletin's scan view. The interface is `write`, `read`
and `indexed_sha`; which storage holds the boxes is this module's business alone.
A seed issue of 2 pages holds about 40 lines: ~1.5 KB compressed.
"""

from __future__ import annotations

import json
import os
import zlib
from collections.abc import Sequence
from pathlib import Path

from archive.scanpages import ScanPage

FOLDER = "scanboxes"


def _path(gen: Path, sha: str) -> Path:
    return Path(gen) / FOLDER / f"{sha}.json.z"


def write(gen: Path, sha: str, pages: Sequence[ScanPage]) -> None:
    """Keep the boxes of the scanned file with content hash `sha` in generation `gen`."""
    path = _path(gen, sha)
    path.parent.mkdir(exist_ok=True)
    data = zlib.compress(json.dumps([p.to_json() for p in pages], ensure_ascii=False).encode("utf-8"), 6)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def read(gen: Path | None, sha: str) -> list[ScanPage]:
    """The boxes of the scanned file with content hash `sha`, page by page ([] when none are kept)."""
    if gen is None or not sha or not all(c in "0123456789abcdef" for c in sha):
        return []
    try:
        raw = json.loads(zlib.decompress(_path(gen, sha).read_bytes()).decode("utf-8"))
        return [ScanPage.from_json(p) for p in raw]
    except (OSError, ValueError, KeyError, TypeError, zlib.error):
        return []


def indexed_sha(searcher: object, docnum: int) -> str:
    """The content hash of the source file a stored article was indexed from."""
    stored = searcher.stored_fields(docnum) or {}  # type: ignore[attr-defined]
    return (stored.get("source") or "").rpartition("\t")[2]
