"""Word 97 .doc and Kingsoft .wps: LibreOffice headless converts to .docx, then the .docx reader.

Each conversion gets its own LibreOffice profile (`-env:UserInstallation`), so
concurrent conversions never share one, and runs in its own process group,
killed when it runs past the time budget.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from archive.document import Document
from archive.errors import BulletinReadError
from archive.readers.budget import grant
from archive.readers.docx import read_docx
from archive.readers.limits import Limits
from archive.readers.sandbox import run_budgeted

__all__ = ["convert_to_docx", "read_office", "soffice_path"]


def soffice_path() -> str | None:
    """The LibreOffice program, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_docx(data: bytes, name: str, fmt: str, limits: Limits) -> bytes:
    """The .docx LibreOffice makes of a .doc/.wps file's bytes."""
    exe = soffice_path()
    if exe is None:
        raise BulletinReadError(name, f"读取 .{fmt} 需要 LibreOffice（Debian：libreoffice-writer-nogui），未安装")
    with tempfile.TemporaryDirectory(prefix="bulletin-lo-") as tmp:
        src = Path(tmp) / f"source.{fmt}"
        src.write_bytes(data)
        out = Path(tmp) / "out"
        grant(limits.convert_seconds)  # the reading worker's wall time grows by the conversion's budget
        result = run_budgeted(
            [exe, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--norestore", "--nologo",
             "--nolockcheck", "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), str(src)],
            name, f"用 LibreOffice 将 .{fmt} 转换为 .docx", limits.convert_seconds,
            env={"HOME": tmp, "PATH": "/usr/bin:/bin:/usr/local/bin", "LANG": "C.UTF-8"},
        )
        made = out / "source.docx"
        if not made.exists():
            err = result.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
            raise BulletinReadError(name, f"LibreOffice 无法转换此 .{fmt} 文件，文件可能损坏（{err[0][:200]}）")
        return made.read_bytes()


def read_office(data: bytes, name: str, fmt: str, limits: Limits) -> Document:
    """A .doc or .wps file as a Document (format "doc" or "wps")."""
    return read_docx(convert_to_docx(data, name, fmt, limits), name, limits, fmt=fmt)
