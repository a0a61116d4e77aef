"""Extracted documents cached by content hash, so an unchanged file is never converted or OCRed again.

The cache is derived data (safe to delete): one JSON file per (content hash,
reader version) under the folder `$BULLETINS_CACHE` names — the CLI sets it to
`var/cache/` beside the index. Without it, nothing is cached.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
from pathlib import Path

from archive.document import Document, Paragraph
from archive.scanpages import ScanPage

__all__ = ["CACHE_ENV", "READER_VERSION", "cache_dir", "load", "store"]

CACHE_ENV = "BULLETINS_CACHE"
READER_VERSION = 3  # (3: a PDF hyphen PDFium flags as a word break is kept; 2: the OCR's line boxes, `scan`) bump when any reader's output changes: old entries are then ignored


def cache_dir() -> Path | None:
    value = os.environ.get(CACHE_ENV, "").strip()
    return Path(value) if value else None


def key(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _path(root: Path, digest: str) -> Path:
    return root / f"v{READER_VERSION}" / digest[:2] / f"{digest}.json"


def load(root: Path | None, digest: str, name: str) -> Document | None:
    """The cached Document for content `digest`, renamed to `name`; None when absent or unreadable."""
    if root is None:
        return None
    try:
        raw = json.loads(_path(root, digest).read_text("utf-8"))
        paragraphs = tuple(
            Paragraph(**{**p, "cell": tuple(p["cell"]) if p.get("cell") is not None else None}) for p in raw["paragraphs"])
        return Document(name=name, format=raw["format"], paragraphs=paragraphs, source=raw.get("source"),
                        meta=dict(raw.get("meta") or {}), ocr=tuple(raw.get("ocr") or ()),
                        warnings=tuple(raw.get("warnings") or ()),
                        scan=tuple(ScanPage.from_json(p) for p in raw.get("scan") or ()))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def store(root: Path | None, digest: str, doc: Document) -> None:
    """Keep `doc` for content `digest` (atomically; a failure to cache is not an error)."""
    if root is None:
        return
    path = _path(root, digest)
    raw = {
        "format": doc.format,
        "paragraphs": [dataclasses.asdict(p) for p in doc.paragraphs],
        "source": doc.source,
        "meta": dict(doc.meta),
        "ocr": list(doc.ocr),
        "warnings": list(doc.warnings),
        "scan": [p.to_json() for p in doc.scan],
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".part")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(raw, fh, ensure_ascii=False)
        os.replace(tmp, path)
    except OSError:
        pass
