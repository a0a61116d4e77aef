"""Format readers: a file's bytes → `archive.document.Document`, one reader per format.

`read_document(path)` reads the file given (and nothing else), tells its format
from the bytes (`detect.detect_format`), and hands it to its reader:

| format | reader |
| --- | --- |
| text, markdown | `textfile` (today's decoding; one Paragraph per line, `source` = the text) |
| docx | `docx` (one pass over the XML: text boxes once, tables, hints) |
| doc, wps | `office` (LibreOffice headless → .docx → `docx`) |
| pdf | `pdf` (PDFium; lines → paragraphs); image-only pages → `ocr` ("pdf-ocr") |
| image | `ocr` (PNG, JPEG, TIFF; rapidocr in a killable child process) |
| ofd | `ofd` (zipfile + defusedxml); a scanned OFD → `ocr` ("ofd-ocr") |
| html | `html` (the body, gov.cn metadata into meta, `source` = the body HTML) |

Every failure is a BulletinReadError naming the file and the reason. Documents
from the slow readers are cached by content hash (`cache`). Only regular files
are read (`read_file_bytes`). The CLI reads every file through
`budget.parse_within_budget`: in a worker process under the per-file budget of
`Limits` (time, CPU, address space, temp disk, objects produced, OCR pages).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path, PurePath

from archive.document import Document
from archive.errors import BulletinReadError, os_reason
from archive.readers import budget, cache
from archive.readers.detect import BINARY_SUFFIXES, detect_format
from archive.readers.limits import DEFAULT_LIMITS, Limits

__all__ = ["SUFFIXES", "Limits", "detect_format", "file_kind", "read_bytes", "read_document", "read_file_bytes"]

# Suffixes the readers take (the corpus keeps a file under its own suffix).
SUFFIXES = (".txt", ".text", ".md", ".markdown", ".html", ".htm", *BINARY_SUFFIXES)
_CACHED = {"docx", "doc", "wps", "pdf", "image", "ofd", "html"}
_NAMES = {"docx": ".docx (zip)", "ofd": ".ofd (zip)", "pdf": "PDF", "doc": ".doc (Word 97)", "wps": ".wps (Word 97)",
          "image": "图像"}


def _read(data: bytes, name: str, fmt: str, limits: Limits) -> Document:
    if fmt in ("text", "markdown"):
        from archive.readers.textfile import read_text_document

        return read_text_document(data, name, markdown=True if fmt == "markdown" else None)
    if fmt == "html":
        from archive.readers.html import read_html

        return read_html(data, name)
    if fmt == "docx":
        from archive.readers.docx import read_docx

        return read_docx(data, name, limits)
    if fmt in ("doc", "wps"):
        from archive.readers.office import read_office

        return read_office(data, name, fmt, limits)
    if fmt == "pdf":
        from archive.readers.pdf import read_pdf

        return read_pdf(data, name, limits)
    if fmt == "image":
        from archive.readers.ocr import read_image

        return read_image(data, name, limits)
    if fmt == "ofd":
        from archive.readers.ofd import read_ofd

        return read_ofd(data, name, limits)
    if fmt == "corrupt-zip":
        raise BulletinReadError(name, "zip 容器损坏或不完整（.docx/.ofd）：无法列出其部件")
    if fmt == "zip":
        raise BulletinReadError(name, "zip 压缩包，既不是 .docx 也不是 .ofd 文档：不读取压缩包，请解压后再加入")
    if fmt == "ole2":
        raise BulletinReadError(name, "OLE2（Office 97）文件，但不是 Word 文档（没有 WordDocument 流）")
    raise BulletinReadError(name, f"未知格式 {fmt}")


def read_bytes(data: bytes, name: str, limits: Limits = DEFAULT_LIMITS, use_cache: bool = True) -> Document:
    """The Document of a file's bytes; `name` names it in errors (and its suffix breaks ties)."""
    if len(data) > limits.max_file_bytes:
        raise BulletinReadError(name, f"文件有 {len(data):,} 字节（上限 {limits.max_file_bytes:,}），已拒绝")
    budget.reset(limits)
    fmt = detect_format(data, name)
    suffix = PurePath(name).suffix.lower()
    expected = BINARY_SUFFIXES.get(suffix)
    if fmt == "text" and expected is not None:
        kind = _NAMES.get(expected, expected)
        raise BulletinReadError(name, f"扩展名是 {suffix}，但内容不是 {kind} 文件：已损坏或扩展名不符")
    root = cache.cache_dir() if use_cache and fmt in _CACHED else None
    digest = cache.key(data) if root is not None else ""
    hit = cache.load(root, digest, name)
    if hit is not None:
        return hit
    doc = _read(data, name, fmt, limits)
    if expected is not None and expected != fmt and not (expected in ("doc", "wps") and fmt in ("doc", "wps")):
        doc = Document(name=doc.name, format=doc.format, paragraphs=doc.paragraphs, source=doc.source, meta=doc.meta,
                       ocr=doc.ocr, scan=doc.scan, warnings=(*doc.warnings, f"named {suffix} but read as {doc.format} (from its bytes)"))
    if root is not None:
        cache.store(root, digest, doc)
    return doc


_KINDS = ((stat.S_ISFIFO, "命名管道（FIFO）"), (stat.S_ISCHR, "字符设备"), (stat.S_ISBLK, "块设备"),
          (stat.S_ISSOCK, "套接字"), (stat.S_ISDIR, "文件夹"))


def file_kind(mode: int) -> str:
    """What a file that is not a regular file is (a FIFO, a device …), in words."""
    return next((label for test, label in _KINDS if test(mode)), "特殊文件")


def read_file_bytes(path: Path, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """The bytes of the regular file at `path`, at most limits.max_file_bytes of them.

    Opened without blocking (a FIFO never hangs the run) and checked with fstat
    after the open (what is read is what was checked); the cap is on the bytes
    actually read, not on st_size (0 for /dev/zero and for a FIFO)."""
    name = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise BulletinReadError(name, f"无法读取文件：{os_reason(exc)}") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise BulletinReadError(name, f"不是普通文件（{file_kind(mode)}），只读取普通文件：已跳过")
        chunks: list[bytes] = []
        size = 0
        while True:
            chunk = os.read(fd, min(1 << 20, limits.max_file_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > limits.max_file_bytes:
                raise BulletinReadError(name, f"文件超过 {limits.max_file_bytes:,} 字节"
                                              f"（上限 {limits.max_file_bytes:,}），已拒绝")
    except OSError as exc:
        raise BulletinReadError(name, f"无法读取文件：{os_reason(exc)}") from None
    finally:
        os.close(fd)
    return b"".join(chunks)


def read_document(path: Path, limits: Limits = DEFAULT_LIMITS, use_cache: bool = True) -> Document:
    """Read the file at `path` (only it, and only a regular file) into a Document.
    Raises BulletinReadError with the reason."""
    return read_bytes(read_file_bytes(Path(path), limits), str(path), limits, use_cache)
