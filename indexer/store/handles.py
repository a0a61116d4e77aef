"""Where the index lives, who may write it, and read-only handles on it.

Layout of the index root (default `var/index/`):

    current -> gen-20260101T120000-ab12cd   symlink to the serving generation
    gen-…/                                  a Whoosh index directory
    gen-…/READERS                           readers hold a shared flock on it
    gen-…/RETIRED                           when it stopped being current (swap time)
    .lock                                   held by the one `bulletins index` run

An incremental run commits into the current generation (Whoosh writes its TOC
last, by rename). A rebuild writes a new generation beside it and swaps the
symlink atomically, so a failed or killed rebuild leaves the old one serving.

A replaced generation is removed by a later run once STALE_SECONDS have passed
since the swap (recorded in its RETIRED file, not taken from the folder's
mtime) and no reader holds its READERS lock.
"""

from __future__ import annotations

import functools
import os
import secrets
import shutil
import stat
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar, cast

import fcntl

import filelock
from archive.errors import os_reason
from indexer.store import integrity
from indexer.store.records import Index, Searcher, create_generation, open_generation
from indexer.store.schema import SCHEMA_VERSION

T = TypeVar("T")

CURRENT = "current"
GEN_PREFIX = "gen-"
LOCK = ".lock"
READERS = "READERS"
RETIRED = "RETIRED"
PUBLISHED = "PUBLISHED"  # made just before a generation first becomes current
STALE_SECONDS = 120.0  # a replaced generation is kept at least this long after the swap


class IndexLayoutError(Exception):
    """The index folder is not laid out as `bulletins index` left it; the message says what to move."""


class IndexUnavailableError(Exception):
    """The index is missing or damaged; the message says which and what to do."""

    code = "index_unavailable"  # the error's name in the web app's 503 answers


class IndexCorruptError(IndexUnavailableError):
    """A file of the serving index is damaged (found by its checksum when the index is
    opened, or when a search reads it); the message names the files."""

    code = "index_damaged"


# What reading a damaged index file raises, inside Whoosh or the substring net.
_DAMAGE: tuple[type[BaseException], ...] = (EOFError, struct.error, zlib.error, OSError)
_F = TypeVar("_F", bound=Callable[..., Any])


def names_damage(fn: _F) -> _F:
    """Report a damaged index file met by `fn` (a search) as IndexCorruptError;
    the web app and the CLI only translate that."""
    from whoosh.reading import CorruptIndexError

    from indexer.store.sufarray import NetFormatError

    damage = (CorruptIndexError, NetFormatError, *_DAMAGE)

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except damage as ex:
            raise IndexCorruptError(
                f"索引文件已损坏（{type(ex).__name__}: {ex}）：运行 `bulletins verify` 查看受损的文件，"
                "`bulletins index` 从语料重建受损的段"
            ) from ex

    return wrapper  # type: ignore[return-value]


class IndexBusyError(Exception):
    """Another `bulletins index` run holds the index."""


def current_dir(root: Path) -> Path | None:
    """The serving generation's directory, or None when there is none."""
    link = root / CURRENT
    try:
        target = os.readlink(link)
    except OSError:
        # a real folder (a restored backup) is still served; `bulletins index` refuses it by name
        return link if link.is_dir() and not link.is_symlink() else None
    path = (root / target) if not os.path.isabs(target) else Path(target)
    return path if path.is_dir() else None


def new_generation(root: Path) -> tuple[Path, Index]:
    """Create an empty index in a fresh generation directory (not yet published)."""
    root.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    path = root / f"{GEN_PREFIX}{stamp}-{secrets.token_hex(3)}"
    path.mkdir()
    (path / "SCHEMA_VERSION").write_text(str(SCHEMA_VERSION))
    (path / READERS).touch()
    return path, create_generation(path)


def check_layout(root: Path) -> None:
    """Raise IndexLayoutError when `current` is not a link (e.g. a restored backup copied it as a folder)."""
    link = root / CURRENT
    if (link.exists() or link.is_symlink()) and not link.is_symlink():
        raise IndexLayoutError(
            f"{link} 是真实的文件夹，而不是指向某一代索引的链接（恢复的备份？）："
            f"请把它移开（mv {link} {root / 'restored-backup'}）再运行 `bulletins index`，"
            "它会从语料重建索引"
        )


def publish(root: Path, gen: Path) -> None:
    """Point `current` at `gen`, atomically (rename of a fresh symlink); the one replaced
    is marked RETIRED with the time of the swap."""
    old = current_dir(root)
    (gen / PUBLISHED).touch()
    tmp = root / f".{CURRENT}.{os.getpid()}.{secrets.token_hex(3)}"
    os.symlink(gen.name, tmp)
    os.replace(tmp, root / CURRENT)
    fd = os.open(root, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    if old is not None and old.resolve() != gen.resolve():
        _retire(old)


def _retire(gen: Path, when: float | None = None) -> None:
    try:
        (gen / RETIRED).write_text(f"{time.time() if when is None else when!r}\n")  # repr: exact, never rounded up past now
    except OSError:
        pass  # not fatal: remove_stale then counts from when it first sees the generation


def _retired_at(gen: Path, now: float) -> float:
    """When `gen` stopped being current; marks it now when unknown or in the future."""
    try:
        at = float((gen / RETIRED).read_text().strip())
    except (OSError, ValueError):
        at = None
    if at is None or at > now:  # never marked (a killed run's, or older), or the clock stepped back
        _retire(gen, now)
        return now
    return at


def _readers_gone(gen: Path) -> bool:
    """True when no reader holds `gen` (an exclusive flock on its READERS file succeeds)."""
    try:
        fd = os.open(gen / READERS, os.O_RDONLY)
    except FileNotFoundError:
        return True  # a generation without READERS was never opened by a reader that locks
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    finally:
        os.close(fd)  # closing drops the lock
    return True


def hold_reader(gen: Path) -> int | None:
    """Take a shared flock on `gen`'s READERS file: no run removes `gen` while it is held.

    Returns the descriptor (close it to let go), or None for a generation without one.
    """
    try:
        fd = os.open(gen / READERS, os.O_RDONLY)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def discard_unpublished(root: Path, gen: Path) -> None:
    """Remove a generation this run made that never went live (a failed rebuild: a full
    disk), at once: no reader ever opened it, and the space it holds is what the next run needs."""
    cur = current_dir(root)
    if cur is not None and cur.resolve() == gen.resolve():
        return
    shutil.rmtree(gen, ignore_errors=True)


def remove_stale(root: Path, keep_seconds: float = STALE_SECONDS) -> list[str]:
    """Remove generations that are not current (left by older or killed runs).

    A generation that never went live (no PUBLISHED mark: a killed or failed
    rebuild's) goes at once. One that did is kept until `keep_seconds` after it
    was replaced (its RETIRED time; one never marked, or marked in the future,
    is marked now and goes a grace period later); either is kept for as long as
    a reader holds it. Call only while holding the run lock.
    """
    removed: list[str] = []
    if not root.is_dir():
        return removed
    cur = current_dir(root)
    now = time.time()
    for entry in root.iterdir():
        if entry.name.startswith(f".{CURRENT}."):
            entry.unlink(missing_ok=True)
            removed.append(entry.name)
        elif entry.name.startswith(GEN_PREFIX) and entry.is_dir() and not entry.is_symlink() and entry != cur:
            never_live = not (entry / PUBLISHED).exists() and not (entry / RETIRED).exists()
            if (never_live or now - _retired_at(entry, now) >= keep_seconds) and _readers_gone(entry):
                shutil.rmtree(entry, ignore_errors=True)
                removed.append(entry.name)
    return removed


# Check every file's checksum when a process first opens an index version (IndexHandle):
# ~0.1 s per 100 MB of index, once per file per process (bench/README.md, "Integrity").
VERIFY_ON_OPEN = True


def live_segments(ix: Index) -> list[str]:
    """The ids of the segments of the index's last commit."""
    return [seg.segment_id() for seg in ix._segments()]


def record_manifest(gen: Path) -> None:
    """Write `gen`'s manifest (indexer.store.integrity) for its last commit: call after each commit."""
    ix = open_generation(gen, readonly=True)
    integrity.record(gen, list(ix._segments()))


def damaged_files(gen: Path, ix: Index) -> list[str]:
    """Files of the committed index that are missing, of another size or whose header does
    not fit (the cheap check, no checksum; `bulletins add` takes its fast path only without)."""
    return [str(d) for d in integrity.check(gen, live_segments(ix), full=False).damage]


def damage_message(damage: list[integrity.Damage]) -> str:
    """One line naming the damaged files (at most five) and what to do."""
    shown = "、".join(str(d) for d in damage[:5]) + (f" 等 {len(damage)} 个文件" if len(damage) > 5 else "")
    return (f"索引已损坏：{shown}。运行 `bulletins verify` 查看，"
            "`bulletins index` 从语料重建受损的段")


def verify(root: Path) -> integrity.Verified:
    """Check every file of the serving generation against its manifest, reading all of it
    (`bulletins verify`); raises IndexUnavailableError when there is no index."""
    cur = current_dir(root)
    if cur is None:
        raise IndexUnavailableError(f"{root} 下没有索引：运行 `bulletins index` 从语料建立")
    try:
        ix = open_generation(cur, readonly=True)
        ids = live_segments(ix)
    except Exception as ex:  # the TOC itself: nothing else can be read
        found = integrity.Verified(cur)
        found.damage.append(integrity.Damage("", "_MAIN_*.toc", f"索引目录无法读取（{type(ex).__name__}）"))
        return found
    return integrity.check(cur, ids, full=True, cached=False)


def open_writable(root: Path) -> Index | None:
    """The current generation for writing, or None when there is none or it is unusable."""
    cur = current_dir(root)
    if cur is None:
        return None
    try:
        if (cur / "SCHEMA_VERSION").read_text("ascii").strip() != str(SCHEMA_VERSION):
            return None
        return open_generation(cur)
    except Exception:  # damaged: the caller rebuilds from the corpus
        return None


def _replace_odd_lock(path: Path) -> None:
    """Remove a lock that is no regular file (a link, a FIFO, a device: never a lock a run holds,
    which is a regular file `filelock` made); it holds no data, and the run makes a new one."""
    try:
        st = os.lstat(path)
    except OSError:
        return
    if not stat.S_ISREG(st.st_mode) and not stat.S_ISDIR(st.st_mode):
        try:
            os.unlink(path)
        except OSError as ex:
            raise IndexLayoutError(f"{path} 不是普通的锁文件，且无法删除（{os_reason(ex)}）：请删除它后重新运行") from None


@contextmanager
def run_lock(root: Path, wait: float = 0.0, on_wait: object = None) -> Iterator[None]:
    """Hold the index root's run lock; wait up to `wait` seconds for another run.

    The lock is an OS file lock: a killed run releases it with its process,
    so no stale lock ever needs removing by hand.
    """
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as ex:
        raise IndexLayoutError(f"无法创建索引文件夹 {root}（{os_reason(ex)}）：请检查 --index") from None
    if (root / LOCK).is_dir():
        raise IndexLayoutError(f"{root / LOCK} 是文件夹：请删除它（rmdir {root / LOCK}），它只应是一个锁文件")
    _replace_odd_lock(root / LOCK)
    lock = filelock.FileLock(str(root / LOCK))
    try:
        lock.acquire(timeout=0)
    except (PermissionError, IsADirectoryError) as ex:
        raise IndexLayoutError(
            f"无法写入索引文件夹 {root}（{os_reason(ex)}）：请修正其权限或另选 --index"
        ) from None
    except filelock.Timeout:
        if callable(on_wait):
            on_wait()
        try:
            lock.acquire(timeout=wait)
        except filelock.Timeout:
            raise IndexBusyError(
                f"another `bulletins index` run is writing {root}; try again when it has finished"
            ) from None
    try:
        yield
    finally:
        lock.release()


_builds = threading.local()  # this thread's CPU spent building shared values, and its nesting


def build_cpu() -> float:
    """The CPU seconds this thread has spent building values shared per index version
    (IndexHandle.shared: the lexicon, the substring net, the facet columns …), including a build
    under way: paid once per version by whichever query comes first, so a query's CPU budget
    leaves it out."""
    done = float(getattr(_builds, "cpu", 0.0))
    if getattr(_builds, "depth", 0):
        done += time.thread_time() - _builds.start
    return done


@contextmanager
def building() -> Iterator[None]:
    """Count what runs inside as building (build_cpu): work done once per index version or per
    process (a shared value, a table read on first use), not by the query that happens to need
    it first."""
    depth = getattr(_builds, "depth", 0)
    if depth == 0:
        _builds.start = time.thread_time()
    _builds.depth = depth + 1
    try:
        yield
    finally:
        _builds.depth = depth
        if depth == 0:  # (building inside building is counted once, by the outer one)
            _builds.cpu = float(getattr(_builds, "cpu", 0.0)) + time.thread_time() - _builds.start


def once(fn: Callable[[], T]) -> Callable[[], T]:
    """A process-wide value made on first use (as functools.lru_cache(maxsize=1)), its making
    counted as building."""
    cached = functools.lru_cache(maxsize=1)(fn)

    @functools.wraps(fn)
    def get() -> T:
        if cached.cache_info().currsize:
            return cached()
        with building():
            return cached()

    get.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
    return get


class IndexHandle:
    """Read-only access to the serving index for a process (the CLI or the web app).

    `searcher()` gives each thread its own Searcher on the newest committed
    generation, reopened when `bulletins index` commits or swaps generations.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._shared: dict[tuple[str, int], object] = {}  # (name|generation dir, version) -> value
        self._building: dict[tuple[str, int], threading.Lock] = {}  # the values being built, one lock each
        self._all: list[Searcher] = []  # every searcher opened, to close them all
        self._held: dict[int, int] = {}  # id(searcher) → fd of its generation's READERS lock

    def _open(self) -> tuple[Searcher, tuple[str, int]]:
        cur = current_dir(self.root)
        if cur is None:
            raise IndexUnavailableError(
                f"{self.root} 下没有索引：运行 `bulletins index` 从语料建立"
            )
        try:
            version = (cur / "SCHEMA_VERSION").read_text("ascii").strip()
        except (OSError, ValueError):  # missing, a folder, or bytes that are no version (garbled)
            raise IndexUnavailableError(
                f"{cur} 的索引版本文件 SCHEMA_VERSION 缺失或已损坏：运行 `bulletins index` 从语料重建"
            ) from None
        if version != str(SCHEMA_VERSION):
            raise IndexUnavailableError(
                f"{cur} 的索引是旧格式（older format）：运行 `bulletins index` 从语料重建"
            )
        fd = hold_reader(cur)  # before opening: a run cannot remove it under us from here on
        try:
            ix = open_generation(cur, readonly=True)
            # searches may not read a damaged file (postings, nets) until much later: check now
            found = integrity.check(cur, live_segments(ix), full=VERIFY_ON_OPEN, cached=True)
            if found.damage:
                raise IndexCorruptError(damage_message(found.damage))
            searcher = ix.searcher()
            key = (str(cur), ix.latest_generation())
        except IndexCorruptError:
            if fd is not None:
                os.close(fd)
            raise
        except Exception as ex:
            if fd is not None:
                os.close(fd)
            raise IndexUnavailableError(
                f"{cur} 的索引无法读取（{type(ex).__name__}: {ex}）；"
                "运行 `bulletins index --rebuild` 从语料重建"
            ) from ex
        if fd is not None:
            with self._lock:
                self._held[id(searcher)] = fd
        return searcher, key

    def _release(self, s: Searcher) -> None:
        fd = self._held.pop(id(s), None)
        if fd is not None:
            try:
                os.close(fd)
            except OSError:
                pass

    def searcher(self) -> Searcher:
        """This thread's Searcher on the newest generation (within `pinned`: the one it began with)."""
        s: Searcher | None = getattr(self._local, "searcher", None)
        pinned = getattr(self._local, "pinned", 0)
        if s is not None and pinned and self._local.checked:
            return s
        if s is not None:
            cur = current_dir(self.root)
            try:
                fresh = cur is not None and str(cur) == self._local.key[0] and s.up_to_date()
            except Exception:
                fresh = False
            if fresh:
                self._local.checked = bool(pinned)
                return s
            self._forget(s)
            self._local.searcher = None
        s, key = self._open()
        with self._lock:
            self._all.append(s)
        self._local.searcher, self._local.key = s, key
        self._local.checked = bool(pinned)
        return s

    @contextmanager
    def pinned(self) -> Iterator[None]:
        """One query's searcher: within the block, the first `searcher()` checks for a newer
        generation and the next ones give the same searcher without checking again (each step
        of a query asked again, reading the generation's folder each time; and a query never
        mixes two versions). Blocks nest: the outermost one's searcher is kept."""
        depth = getattr(self._local, "pinned", 0)
        if not depth:
            self._local.checked = False
        self._local.pinned = depth + 1
        try:
            yield
        finally:
            self._local.pinned = depth

    def _forget(self, s: Searcher) -> None:
        with self._lock:
            if s in self._all:
                self._all.remove(s)
            self._release(s)
        s.close()

    def shared(self, name: str, build: Callable[[Searcher], T]) -> T:
        """A value computed once per index version and shared by all threads.

        It belongs to the version of this thread's current searcher (the one
        the caller is using: this never reopens it, so a commit by
        `bulletins index` cannot close a searcher in the middle of a search).
        """
        s: Searcher | None = getattr(self._local, "searcher", None)
        if s is None:
            s = self.searcher()
        key = self._local.key
        full = (f"{name}|{key[0]}", key[1])
        with self._lock:
            if full in self._shared:
                return cast(T, self._shared[full])  # stored under this name by this builder
            one = self._building.setdefault(full, threading.Lock())
        with one:  # one build per value: a second thread waits for it instead of building it again
            with self._lock:
                if full in self._shared:
                    return cast(T, self._shared[full])
            with building():  # (not this query's cost: see build_cpu)
                value = build(s)
            with self._lock:
                # keep only the newest version of each shared value
                for k in [k for k in self._shared if k[0].startswith(f"{name}|")]:
                    del self._shared[k]
                self._shared[full] = value
                self._building.pop(full, None)
        return value

    def release_thread(self) -> None:
        """Close this thread's searcher (a thread that ends, so that it holds no generation)."""
        s: Searcher | None = getattr(self._local, "searcher", None)
        if s is not None:
            self._local.searcher = None
            self._forget(s)

    def close(self) -> None:
        """Close every searcher this handle opened, in any thread."""
        with self._lock:
            searchers, self._all = self._all, []
            for s in searchers:
                self._release(s)
        for s in searchers:
            try:
                s.close()
            except Exception:
                pass
        self._local = threading.local()

    def __enter__(self) -> "IndexHandle":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass
