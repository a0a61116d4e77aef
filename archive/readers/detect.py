"""Which reader a file needs, told from its bytes (the name only breaks ties between equals)."""

from __future__ import annotations

import io
import re
import struct
import zipfile
from pathlib import PurePath

__all__ = ["BINARY_SUFFIXES", "detect_format", "image_type", "ole2_streams"]

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")
_HTML_START = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b", re.I | re.S)
# Streams Kingsoft WPS writes beside Word 97's own; a .doc saved by WPS has them too.
_WPS_STREAMS = ("WpsCustomData", "KSOProductBuildVer", "KSOTemplateDocerSaveRecord")
# The suffix each binary format goes by, for "named .docx but is not a zip" messages.
BINARY_SUFFIXES = {
    ".docx": "docx", ".doc": "doc", ".wps": "wps", ".pdf": "pdf", ".ofd": "ofd",
    ".png": "image", ".jpg": "image", ".jpeg": "image", ".tif": "image", ".tiff": "image",
}
HTML_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml"}
MARKDOWN_SUFFIXES = {".md", ".markdown"}


def ole2_streams(data: bytes, limit: int = 4096) -> list[str]:
    """Names in an OLE2 (Compound File) directory; [] when it cannot be read."""
    if not data.startswith(OLE2_MAGIC) or len(data) < 512:
        return []
    try:
        shift = struct.unpack_from("<H", data, 0x1E)[0]
        if shift not in (9, 12):
            return []
        size = 1 << shift
        first_dir = struct.unpack_from("<I", data, 0x30)[0]
        difat = struct.unpack_from("<109I", data, 0x4C)
        fat: list[int] = []
        for sector in difat:
            if sector >= 0xFFFFFFFA:
                break
            off = 512 + sector * size
            fat.extend(struct.unpack_from(f"<{size // 4}I", data, off))
        names: list[str] = []
        sector, seen = first_dir, set()
        while sector < 0xFFFFFFFA and sector not in seen and len(names) < limit:
            seen.add(sector)
            off = 512 + sector * size
            for k in range(size // 128):
                entry = data[off + 128 * k: off + 128 * (k + 1)]
                if len(entry) < 128:
                    break
                length = struct.unpack_from("<H", entry, 64)[0]
                if 2 <= length <= 64 and entry[66] in (1, 2, 5):
                    names.append(entry[: length - 2].decode("utf-16-le", "replace"))
            sector = fat[sector] if sector < len(fat) else 0xFFFFFFFE
        return names
    except (struct.error, IndexError):
        return []


# Raster images a browser shows, by their first bytes (SVG is left out: it can carry script).
_IMAGE_TYPES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"), (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"), (b"BM", "image/bmp"), (b"II*\x00", "image/tiff"), (b"MM\x00*", "image/tiff"),
)


def image_type(head: bytes) -> str | None:
    """The MIME type of a raster image told from its first bytes (PNG, JPEG, GIF, WebP, BMP,
    TIFF), or None for anything else."""
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return next((mime for magic, mime in _IMAGE_TYPES if head.startswith(magic)), None)


def _zip_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = {n.lower() for n in zf.namelist()}
    except (zipfile.BadZipFile, ValueError, EOFError, OSError):
        return None
    if "word/document.xml" in names:
        return "docx"
    if "ofd.xml" in names:
        return "ofd"
    return "zip"


def detect_format(data: bytes, name: str) -> str:
    """The format of `data`: "text", "markdown", "html", "docx", "doc", "wps", "pdf", "ofd", "image",
    or "zip"/"ole2" (containers no reader takes), or "corrupt-zip"."""
    suffix = PurePath(name).suffix.lower()
    head = data[:2048]
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(_IMAGE_MAGIC):
        return "image"
    if head.startswith(OLE2_MAGIC):
        streams = ole2_streams(data)
        if "WordDocument" in streams or (not streams and suffix in (".doc", ".wps")):
            return "wps" if suffix == ".wps" or any(s in streams for s in _WPS_STREAMS) else "doc"
        return "ole2"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(data) or "corrupt-zip"
    if _HTML_START.match(head.lstrip(b"\xef\xbb\xbf")) or suffix in HTML_SUFFIXES:
        return "html"
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    return "text"
