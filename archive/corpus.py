"""The corpus folder: which files in it are bulletins, under which names, and placing new ones.

One home for the corpus on disk: scanning it (`scan_corpus`: safe names,
links, unreadable folders), hashing its files, and copying a checked file in
under its telling name (`place_in_corpus`).
"""

from __future__ import annotations

import errno
import hashlib
import os
import posixpath
import re
import shutil
import stat
import tempfile
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from archive.errors import os_reason
from archive.model import Bulletin

_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')
# The suffixes each format goes by, its usual one first: the original keeps its own suffix
# when it is one of them, else it gets the usual one (a .docx saved as .pdf is kept as .docx).
FORMAT_SUFFIXES = {
    "text": (".txt", ".text"), "markdown": (".md", ".markdown"), "html": (".html", ".htm"),
    "docx": (".docx",), "doc": (".doc",), "wps": (".wps",), "pdf": (".pdf",), "pdf-ocr": (".pdf",),
    "ofd": (".ofd",), "ofd-ocr": (".ofd",), "image": (".png", ".jpg", ".jpeg", ".tif", ".tiff"),
}


# -- scanning: which files are bulletins, under which names -------------------

# Names a folder's own documents go by (any case): such a file is skipped unless its
# content is a bulletin or a 公文 (a 通知 saved as NOTICE.txt is archived).
NOT_BULLETINS = ("README", "LICENSE", "LICENCE", "COPYING", "NOTICE")
# Suffixes such notes have; a .docx, .pdf, .ofd … is a document whatever its name.
_NOTE_SUFFIXES = ("", ".txt", ".text", ".md", ".markdown", ".rst", ".html", ".htm")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".tif", ".tiff")
_REF_SUFFIXES = (".md", ".markdown", ".html", ".htm")  # documents whose pictures are files beside them
_IMAGE_REF = re.compile(r"""!\[[^\]\n]*\]\(\s*<?([^)\s>]+)|<img\b[^>]*?\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^[/\\]")
# Longest file name most file systems take, in bytes (ext4, XFS, btrfs, NTFS via UTF-16 is more lenient).
NAME_MAX_BYTES = 255
_PART_BYTES = len("." + ".4194304.part")  # the scratch name around it while copying


class CorpusUnavailableError(Exception):
    """The corpus folder is missing or cannot be read: nothing may be concluded from it."""


@dataclass
class Scan:
    """What a walk of the corpus found.

    `files` maps a corpus-relative name (always valid UTF-8: see `safe_relpath`)
    to the file to read, which is always inside the corpus. `unreadable` names
    folders and files that could not be listed or read: whatever the index holds
    from them must stay. `warnings` say what was skipped or renamed, and why.
    """

    files: dict[str, Path] = field(default_factory=dict)
    unreadable: dict[str, str] = field(default_factory=dict)  # relpath → reason
    warnings: list[str] = field(default_factory=list)

    def covers_unreadable(self, relpath: str) -> bool:
        """Whether `relpath` is an unreadable file or lies under an unreadable folder."""
        if relpath in self.unreadable:
            return True
        return any(relpath.startswith(d.rstrip("/") + "/") for d in self.unreadable if d.endswith("/"))


def safe_relpath(relpath: str) -> str:
    """A corpus-relative path as valid UTF-8 text.

    On POSIX a file name that is not UTF-8 (a zip made on Windows, unpacked
    here) reaches Python with surrogate escapes, which cannot be stored or
    shown. Such a name is read as GB18030 (what Chinese Windows writes) when
    that decodes, else its bad bytes are written as `\\xNN`. The result is
    stable from run to run, so the file keeps its articles under that name.
    """
    try:
        relpath.encode("utf-8")
        return relpath
    except UnicodeEncodeError:
        pass
    raw = os.fsencode(relpath)
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "backslashreplace")


def _within(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def require_corpus(corpus: Path) -> str:
    """The real path of the corpus folder; CorpusUnavailableError, naming the folder and the
    reason, when it is missing, not a folder or cannot be listed."""
    try:
        root = os.path.realpath(corpus)
        with os.scandir(root):
            pass
    except FileNotFoundError:
        raise CorpusUnavailableError(
            f"语料文件夹 {corpus} 不存在：请检查 --corpus 或 BULLETINS_CORPUS"
            "（拼写错误、工作文件夹不对、共享盘未挂载？）；索引保持原样"
        ) from None
    except NotADirectoryError:
        raise CorpusUnavailableError(f"语料 {corpus} 不是文件夹；索引保持原样") from None
    except OSError as ex:
        raise CorpusUnavailableError(
            f"语料文件夹 {corpus} 无法读取（{os_reason(ex)}）："
            "请修正其权限；索引保持原样"
        ) from None

    return root


def scan_corpus(corpus: Path) -> Scan:
    """Every candidate source file under `corpus`, by corpus-relative name.

    Hidden files and folders and a folder's own documents (README, LICENSE, …)
    are skipped; anything else is offered to the parser, which rejects what is
    not a bulletin with a reason. Symbolic links: a link to a file inside the
    corpus is read (as the file it points to); a link that leads outside the
    corpus, a broken link and a link to a folder are skipped with a warning,
    so nothing outside the corpus is ever read. A folder or file that cannot be
    read is listed in `unreadable`, never treated as deleted.

    Raises CorpusUnavailableError when `corpus` itself is missing, not a folder
    or cannot be listed.
    """
    root = require_corpus(corpus)
    scan = Scan()

    def rel(path: str) -> str:
        return safe_relpath(os.path.relpath(path, root).replace(os.sep, "/"))

    def on_error(ex: OSError) -> None:
        where = rel(ex.filename) if ex.filename else "?"
        scan.unreadable[where + "/"] = f"无法读取此文件夹（{os_reason(ex)}）：其文章已保留"

    for dirpath, dirnames, filenames in os.walk(root, onerror=on_error):
        keep = []
        for d in sorted(dirnames):
            if d.startswith("."):
                continue
            if os.path.islink(os.path.join(dirpath, d)):
                scan.warnings.append(f"{rel(os.path.join(dirpath, d))}: 指向文件夹的链接，不跟随")
                continue
            keep.append(d)
        dirnames[:] = keep
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = os.path.join(dirpath, name)
            relpath = rel(path)
            if os.path.islink(path):
                target = os.path.realpath(path)
                if not os.path.exists(target):
                    scan.warnings.append(f"{relpath}: 断开的链接，已跳过")
                    continue
                if not _within(target, root):
                    scan.warnings.append(f"{relpath}: 指向文库之外文件的链接，已跳过（从不读取）")
                    continue
                path = target
            try:
                mode = os.stat(path).st_mode
                if not stat.S_ISREG(mode):  # a FIFO, a device, a socket: never opened (the reader checks again)
                    from archive.readers import file_kind

                    scan.warnings.append(f"{relpath}: 不是普通文件（{file_kind(mode)}），只读取普通文件：已跳过")
                    continue
            except OSError as ex:
                scan.unreadable[relpath] = f"无法读取：{os_reason(ex)}"
                continue
            if why := folder_note(Path(path), name):
                scan.warnings.append(f"{relpath}: {why}")
                continue
            if relpath in scan.files:  # two undecodable names that read the same
                scan.warnings.append(f"{relpath}: 文件名解码后与另一个文件同名，已跳过")
                continue
            if relpath != os.path.relpath(os.path.join(dirpath, name), root).replace(os.sep, "/"):
                scan.warnings.append(
                    f"{relpath}: 文件名不是有效的 UTF-8，已按此名称编入索引（重命名该文件即可修正）"
                )
            scan.files[relpath] = Path(path)
    _drop_pictures(scan)
    return scan


def folder_note(path: Path, name: str) -> str | None:
    """Why a file named like a folder's own notes (README, LICENSE, NOTICE …) is skipped,
    or None when it is to be read: its suffix is a document format's (NOTICE-5.docx), or
    its text parses as a bulletin (an issue number or a date) or as a 公文."""
    word = next((w for w in NOT_BULLETINS if name.upper().startswith(w)), None)
    if word is None or os.path.splitext(name)[1].lower() not in _NOTE_SUFFIXES:
        return None
    from archive.errors import BulletinError
    from archive.readers.budget import parse_within_budget  # (readers; imported only for such names)

    try:
        b = parse_within_budget(path)
    except BulletinError as ex:
        return f"名为 {word}，是文件夹的说明文件而不是简报（{ex.reason}）：已跳过"
    except OSError:
        return None  # unreadable: reported by the run like any other file
    if b.kind == "公文" or b.issue is not None or b.date is not None:
        return None
    return f"名为 {word}，读来是文件夹的说明文件（没有期号、日期或发文字号）：已跳过，未编入索引"


def image_refs(text: str) -> list[str]:
    """The relative paths of the pictures a Markdown or HTML text shows (`![…](图/1.png)`,
    `<img src="…">`); remote, absolute and `data:` sources are left out."""
    refs = []
    for m in _IMAGE_REF.finditer(text):
        ref = next(g for g in m.groups() if g is not None).strip()
        ref = ref.split("#", 1)[0].split("?", 1)[0]
        if ref and not _SCHEME.match(ref):
            refs.append(urllib.parse.unquote(ref))
    return refs


def _drop_pictures(scan: Scan) -> None:
    """Images that a Markdown or HTML document of the corpus shows are its pictures, served
    with it: not scans of their own (only looked for when the corpus holds images)."""
    images = {r for r in scan.files if r.lower().endswith(IMAGE_SUFFIXES)}
    if not images:
        return
    shown: dict[str, str] = {}
    for relpath, path in scan.files.items():
        if not relpath.lower().endswith(_REF_SUFFIXES):
            continue
        try:
            with open(path, "rb") as f:
                text = f.read(4 << 20).decode("utf-8", "replace")
        except OSError:
            continue
        folder = posixpath.dirname(relpath)
        for ref in image_refs(text):
            target = posixpath.normpath(posixpath.join(folder, ref))
            if target in images:
                shown.setdefault(target, relpath)
    for target, doc in sorted(shown.items()):
        del scan.files[target]
        scan.warnings.append(f"{target}: 是 {doc} 中的图片，随其显示在简报页面上：不作为扫描件编入索引")


def corpus_file(corpus: Path, relpath: str) -> Path | None:
    """The file a corpus-relative name stands for, inside the corpus; None when there is none.

    The name is the one `scan_corpus` gave (see `safe_relpath`): a file whose
    name on disk is not UTF-8 is found by the safe name it was indexed under,
    folder by folder. Nothing outside the corpus is returned (links that lead
    out, `..`).
    """
    if not relpath or "\0" in relpath or relpath.startswith("/"):
        return None
    root = os.path.realpath(corpus)
    current = root
    for part in relpath.split("/"):
        if part in ("", ".", ".."):
            return None
        here = os.path.join(current, part)
        if not os.path.lexists(here):  # a name stored in its safe form: look for the entry it came from
            try:
                with os.scandir(current) as entries:
                    here = next((e.path for e in entries if safe_relpath(e.name) == part), here)
            except OSError:
                return None
        current = here
    target = os.path.realpath(current)
    if not _within(target, root) or target == root:
        return None
    try:
        return Path(target) if stat.S_ISREG(os.stat(target).st_mode) else None
    except OSError:
        return None


class AssetError(Exception):
    """A document's picture that cannot be served: the reason, for the log (never a server path)."""


def document_asset(corpus: Path, doc_relpath: str, ref: str) -> Path:
    """The file a document at `doc_relpath` refers to by the relative path `ref`, resolved
    inside the corpus only: no absolute path, nothing outside the corpus (`..` or a link
    that leads out), only a regular file. `ref` is a URL path: `%20`, `%E7…` stand for
    the characters of the file's name. Raises AssetError otherwise."""
    ref = urllib.parse.unquote(ref)
    if not doc_relpath or not ref or "\0" in ref or _SCHEME.match(ref) or re.match(r"^[a-zA-Z]:", ref):
        raise AssetError(f"not a relative path: {ref[:80]!r}")
    root = os.path.realpath(corpus)
    doc = corpus_file(corpus, doc_relpath)
    if doc is None:
        raise AssetError(f"the document {doc_relpath!r} is not in the corpus")
    target = os.path.realpath(os.path.join(os.path.dirname(doc), ref))
    if not _within(target, root) or target == root:
        raise AssetError(f"outside the corpus: {ref[:80]!r}")
    try:
        if not stat.S_ISREG(os.stat(target).st_mode):
            raise AssetError(f"not a file: {ref[:80]!r}")
    except FileNotFoundError:
        raise AssetError(f"no such file: {ref[:80]!r}") from None
    except OSError as ex:
        raise AssetError(f"cannot read {ref[:80]!r} ({os_reason(ex)})") from None
    return Path(target)


@contextmanager
def readable_name(path: Path, relpath: str) -> Iterator[Path]:
    """`path` under a name that is valid UTF-8, for readers that put the name in text.

    A path that is valid UTF-8 is given as it is. Otherwise a link named by the
    file's safe name (see `safe_relpath`) is made in a private temporary folder
    (the same folder for the same file on every run) and given instead.
    """
    try:
        os.fsdecode(os.fsencode(path)).encode("utf-8")
        valid = True
    except UnicodeEncodeError:
        valid = False
    if valid:
        yield path
        return
    digest = hashlib.blake2b(os.fsencode(path), digest_size=8).hexdigest()
    folder = Path(tempfile.gettempdir()) / f"bulletins-names-{os.getuid()}" / digest
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    alias = folder / relpath.rsplit("/", 1)[-1].replace("\\", "_")
    alias.unlink(missing_ok=True)
    alias.symlink_to(os.path.abspath(path))
    try:
        yield alias
    finally:
        alias.unlink(missing_ok=True)


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in 1 MB blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# -- placing a checked file in the corpus ---------------------------------------


def _cut_bytes(text: str, limit: int) -> str:
    """`text` shortened to at most `limit` UTF-8 bytes, at a character boundary."""
    raw = text.encode("utf-8")
    if len(raw) <= limit:
        return text
    return raw[:limit].decode("utf-8", "ignore").rstrip(" ._-")


def corpus_name(b: Bulletin, suffix: str) -> str:
    """`江苏精神文明建设简报-2022-第11期.docx` (the original's own suffix), a 公文's
    `<series>-<发文字号>.docx`, or with the date when the issue is unknown.

    File systems limit a name in bytes (255 on ext4), not characters: a long
    series title is shortened so that the whole name, issue and suffix kept,
    stays within NAME_MAX_BYTES less room for the `.…part` scratch name.
    """
    series = _UNSAFE.sub("_", b.series).strip(" ._") or "bulletin"
    allowed = FORMAT_SUFFIXES.get(b.format, (".txt",))
    suffix = suffix.lower() if suffix.lower() in allowed else allowed[0]
    if b.kind == "公文" and b.serial:  # two documents of one office on one day differ by it
        tail = f"-{_UNSAFE.sub('_', b.serial)}"
    elif b.year is not None and b.issue is not None:
        tail = f"-{b.year}-第{b.issue}期"
    elif b.date is not None:
        tail = f"-{b.date.isoformat()}"
    else:
        tail = f"-{b.id}"
    room = NAME_MAX_BYTES - _PART_BYTES - len((tail + suffix).encode("utf-8"))
    return (_cut_bytes(series, room) or "bulletin") + tail + suffix


@dataclass(frozen=True)
class Placed:
    dest: Path
    status: str  # "added", "same" (identical file already there), "conflict"
    reason: str = ""


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class CorpusWriteError(Exception):
    """A file could not be placed in the corpus (disk full, not writable, …); nothing was left behind."""


def place_in_corpus(src: Path, b: Bulletin, corpus: Path) -> Placed:
    """Copy `src` into `corpus` under its telling name; never overwrite a different file.

    The copy is written to a hidden `.…part` file and linked into place, so
    the corpus never holds half a file; when the copy fails (disk full, no
    permission) the scratch file is removed and CorpusWriteError says why.
    """
    try:
        corpus.mkdir(parents=True, exist_ok=True)
    except OSError as ex:
        raise CorpusWriteError(f"无法创建语料文件夹 {corpus}（{os_reason(ex)}）") from None
    dest = corpus / corpus_name(b, src.suffix)
    if dest.exists():
        if _sha(dest) == _sha(src):
            return Placed(dest, "same")
        return Placed(
            dest, "conflict", f"语料中这一期已有另一个不同的文件 {dest.name}；保持原样"
        )
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.part")
    try:
        shutil.copyfile(src, tmp)
        # link() fails if dest appeared meanwhile: still never overwrites
        os.link(tmp, dest)
    except FileExistsError:
        return Placed(dest, "conflict", f"{dest.name} 在此期间已出现在语料中；保持原样")
    except OSError as ex:
        hint = "请腾出磁盘空间" if ex.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG) else "请检查文件夹的权限"
        raise CorpusWriteError(
            f"无法将 {src.name} 复制到语料文件夹 {corpus}（{os_reason(ex)}）：{hint}后再运行"
        ) from None
    finally:
        tmp.unlink(missing_ok=True)
    return Placed(dest, "added")


MAX_FOLDER_FILES = 10_000  # files one folder given to `bulletins add` may hold; a bigger one is an `index` run


@dataclass
class Sources:
    """The files a list of paths given to `bulletins add` stands for: a file for itself, a folder
    for the candidate files under it (walked as the corpus is: `scan_corpus`).

    `files` are (the path as shown, the file to read), each file once; `refused` are (a path, the
    Chinese reason) for what cannot be added (an unreadable folder or file, an empty folder);
    `warnings` say what was passed over and why (a link leading out of the folder, a FIFO …)."""

    files: list[tuple[Path, Path]] = field(default_factory=list)
    refused: list[tuple[Path, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def sources_to_add(paths: list[Path], corpus: Path | None = None, skip: tuple[Path, ...] = (),
                   max_files: int = MAX_FOLDER_FILES) -> Sources:
    """Expand `paths` (files and folders) into the files to add; files of a folder that lie under
    `skip` (the index) are left out, those already in `corpus` are passed over with a warning
    (`bulletins index` reads them where they are). A folder is walked with `scan_corpus`'s rules, so nothing a link leads to
    outside that folder is read, a link to a folder is not followed (no loop), a FIFO or device
    is never opened; the same file given twice (a folder and a file in it) is added once."""
    out = Sources()
    seen: set[str] = set()
    skipped = [os.path.realpath(s) for s in skip]
    home = os.path.realpath(corpus) if corpus is not None else None

    def take(shown_as: Path, path: Path) -> None:
        real = os.path.realpath(path)
        if real in seen:
            return
        seen.add(real)
        out.files.append((shown_as, path))

    for given in paths:
        if not os.path.isdir(given):
            take(given, given)  # a file, a link, a FIFO, a missing name: the reader says what it is
            continue
        try:
            scan = scan_corpus(given)
        except CorpusUnavailableError as ex:
            out.refused.append((given, str(ex).replace("语料文件夹", "文件夹").split("；索引保持原样")[0]))
            continue
        out.warnings += [f"{given}/{w}" for w in scan.warnings]
        for relpath, reason in scan.unreadable.items():
            out.refused.append((given / relpath.rstrip("/"), reason.split("：其文章已保留")[0]))
        chosen = [(given / rel, p) for rel, p in scan.files.items()
                  if not any(_within(os.path.realpath(p), s) for s in skipped)]
        if home is not None:
            inside = [c for c in chosen if _within(os.path.realpath(c[1]), home)]
            if inside:
                out.warnings.append(f"{given}: {len(inside)} 个文件已在语料文件夹中，不再复制"
                                    "（`bulletins index` 就地读取它们）")
                chosen = [c for c in chosen if c not in inside]
                if not chosen:
                    continue
        if not chosen and not scan.unreadable:
            out.refused.append((given, "文件夹中没有可添加的文件（隐藏文件、说明文件和链接不算）"))
        if len(chosen) > max_files:
            out.refused.append((given, f"文件夹中有 {len(chosen):,} 个文件（上限 {max_files:,}）："
                                       "请把它作为语料文件夹运行 `bulletins index`"))
            continue
        for shown_as, path in chosen:
            take(shown_as, path)
    return out
