"""Fuzzing the readers under the per-file budget: real seeds, hypothesis mutations, crash files kept.

A file is read and parsed as `bulletins check/add/index` read it
(`archive.readers.budget.parse_within_budget`), under a tight budget. Any
outcome is fine except a crash: a reader or parser bug (an exception that is
not a BulletinError, named `读取失败：…` by the worker or `无法解析（解析器出错）：…`
by the parser) or the worker's abnormal death. A rejection for a budget is the
budget doing its work. Each crash input is kept under tests/fuzz_regressions/
(`<format>-<sha256[:12]>.<suffix>`), and `tests/test_fuzz_readers.py` replays
them all in `make test`.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from archive.errors import BulletinError
from archive.readers import Limits
from archive.readers.budget import parse_within_budget
from tests import docgen

HERE = Path(__file__).resolve().parent
REGRESSIONS = HERE / "fuzz_regressions"
PUBLIC = HERE / "public"
# A budget small enough that a fuzz run stays short, large enough for every seed.
FUZZ_LIMITS = Limits(wall_seconds=20, cpu_seconds=15, memory_bytes=768 * 1024 * 1024, temp_bytes=64 * 1024 * 1024,
                     max_objects=200_000, ocr_pages=2, ocr_min_seconds=20, ocr_seconds_per_page=10,
                     convert_seconds=30)
CRASH_MARKS = ("读取失败：", "读取进程异常", "无法解析（解析器出错）：")


@dataclass(frozen=True)
class Outcome:
    ok: bool  # read and parsed
    reason: str  # the rejection's reason, "" when read

    @property
    def crash(self) -> bool:
        return any(self.reason.startswith(m) for m in CRASH_MARKS)


def read_under_budget(path: Path, limits: Limits = FUZZ_LIMITS) -> Outcome:
    """What reading `path` as the CLI does gives, as an Outcome."""
    try:
        parse_within_budget(path, limits)
    except BulletinError as ex:
        return Outcome(False, ex.reason)
    return Outcome(True, "")


def seeds(folder: Path) -> dict[str, list[Path]]:
    """Real seeds per format: the seed issue in corpus/, tests/public/, tests/fixtures/, and
    documents tests/docgen.py makes of the seed issue (in `folder`)."""
    text = docgen.SEED.read_text("utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    out: dict[str, list[Path]] = {
        "text": [docgen.SEED, *sorted(PUBLIC.glob("*.txt"))[:2]],
        "markdown": [HERE / "fixtures" / "markdown-issue.md"],
        "html": [*sorted(PUBLIC.glob("*.html"))[:2], docgen.write_govcn_html(text, folder / "seed.html")],
        "docx": [docgen.write_docx(text, folder / "seed.docx")],
        "ofd": [docgen.write_ofd(text, folder / "seed.ofd"), *sorted(PUBLIC.glob("*.ofd"))[:2]],
        "pdf": [docgen.write_raw_pdf(folder / "blank.pdf", pages=1)],
        "image": [],
    }
    if docgen.soffice() is not None:
        out["pdf"].insert(0, docgen.convert(out["docx"][0], "pdf", folder))
    from PIL import Image, ImageDraw

    img = Image.new("L", (240, 60), 255)
    ImageDraw.Draw(img).rectangle((10, 20, 200, 30), fill=0)
    png = folder / "seed.png"
    img.save(png)
    out["image"].append(png)
    return out


def zip_parts(data: bytes) -> list[str]:
    """The XML parts of a zip container (docx/ofd), or [] for another format."""
    if not data.startswith(b"PK"):
        return []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return [n for n in zf.namelist() if n.endswith((".xml", ".rels"))]
    except zipfile.BadZipFile:
        return []


def mutate(data: bytes, flips: list[tuple[int, int]], cut: int | None, splice: tuple[int, int, int, int] | None,
           part: str | None = None) -> bytes:
    """`data` with bytes replaced (offset, byte), a slice copied `n` times elsewhere (splice: start,
    length, at, n; it makes structure repeat and nest) and cut at `cut`; inside the zip part `part`
    when given (re-zipped, so the XML parsers and readers see the change, not a bad CRC)."""
    if part is not None:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            inner = zf.read(part)
        return docgen.rezip(data, {part: mutate(inner, flips, cut, splice)})
    buf = bytearray(data)
    if not buf:
        return bytes(buf)
    for offset, byte in flips:
        buf[offset % len(buf)] = byte
    if splice is not None:
        start, length, at, n = splice
        start %= len(buf)
        piece = bytes(buf[start:start + length])
        at %= len(buf) + 1
        buf[at:at] = piece * n
    if cut is not None and len(buf) > 1:
        del buf[max(1, cut % len(buf)):]
    return bytes(buf)


def keep(data: bytes, fmt: str, suffix: str) -> Path:
    """Save a crash input as a regression file; its path."""
    REGRESSIONS.mkdir(exist_ok=True)
    path = REGRESSIONS / f"{fmt}-{hashlib.sha256(data).hexdigest()[:12]}{suffix}"
    path.write_bytes(data)
    return path
