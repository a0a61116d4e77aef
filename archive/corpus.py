"""The corpus folder: where checked bulletin files are kept, under telling names."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from archive.model import Bulletin

_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def corpus_name(b: Bulletin, suffix: str) -> str:
    """`江苏精神文明建设简报-2022-第11期.txt`, a 公文's `<series>-<发文字号>.txt`, or with
    the date when the issue is unknown."""
    series = _UNSAFE.sub("_", b.series).strip(" ._") or "bulletin"
    suffix = suffix.lower() if suffix.lower() in (".txt", ".md", ".markdown", ".text") else ".txt"
    if b.kind == "公文" and b.serial:  # two documents of one office on one day differ by it
        stem = f"{series}-{_UNSAFE.sub('_', b.serial)}"
    elif b.year is not None and b.issue is not None:
        stem = f"{series}-{b.year}-第{b.issue}期"
    elif b.date is not None:
        stem = f"{series}-{b.date.isoformat()}"
    else:
        stem = f"{series}-{b.id}"
    return stem[:180] + suffix


@dataclass(frozen=True)
class Placed:
    dest: Path
    status: str  # "added", "same" (identical file already there), "conflict"
    reason: str = ""


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def place_in_corpus(src: Path, b: Bulletin, corpus: Path) -> Placed:
    """Copy `src` into `corpus` under its telling name; never overwrite a different file."""
    corpus.mkdir(parents=True, exist_ok=True)
    dest = corpus / corpus_name(b, src.suffix)
    if dest.exists():
        if _sha(dest) == _sha(src):
            return Placed(dest, "same")
        return Placed(
            dest, "conflict", f"the corpus already has a different file {dest.name} for this issue; left it as it is"
        )
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.part")
    shutil.copyfile(src, tmp)
    try:
        # link() fails if dest appeared meanwhile: still never overwrites
        os.link(tmp, dest)
    except FileExistsError:
        return Placed(dest, "conflict", f"{dest.name} appeared in the corpus meanwhile; left it as it is")
    finally:
        tmp.unlink(missing_ok=True)
    return Placed(dest, "added")
