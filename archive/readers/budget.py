"""One budget for every file: each file is read and parsed in a worker process.

`parse_within_budget(path)` sends the file to this thread's reading worker
(archive/readers/reading_worker.py): a fresh interpreter started at the
thread's first file that reads one file after another (a fork per file cost
40–100 ms in a large process such as a build's, more than reading a small
file). `run_within_budget(fn, name, limits)` forks a worker for one call of any
`fn()` (a closure cannot be sent to another interpreter). Either sends its
result back through a pipe, and reads each file under the per-file budget of
`Limits` whatever the format, so that the next bomb shape is caught too:

- address space: RLIMIT_AS at the worker's size when the file is sent plus `memory_bytes`
  (a MemoryError, or the worker's death, is the named rejection);
- CPU: RLIMIT_CPU at what the worker has used plus `cpu_seconds` (SIGXCPU kills it);
- wall time: the parent kills the worker's process group past `wall_seconds`,
  plus the budget a conversion or OCR asks for (`grant`), never more;
- temporary disk: the worker's own folder (its TMPDIR), of at most `temp_bytes`
  (`check_temp`; RLIMIT_FSIZE caps any one file written), removed by the
  parent whatever the worker's end; folders left by a killed run are removed
  at the next start;
- objects produced: readers count what they make (`produce`) against
  `max_objects`, so a structure that multiplies (an OFD's nested composite
  units) is stopped by what it produces, not by its depth.

A helper program (LibreOffice, the OCR worker) gets its own address space and
is killed with the worker (PR_SET_PDEATHSIG), and the worker with the thread
that started it. A worker that was killed, ran out of memory, hit a reader bug
or read `reading_worker.READER_FILES` files is replaced by a fresh one, so no file is read in
a worker whose state is in doubt. `parse_within_budget(path)` is the one entry
`bulletins check`, `add` and `index` read files through.
"""

from __future__ import annotations

import ctypes
import gc
import itertools
import os
import pickle
import resource
import select
import shutil
import signal
import struct
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from archive.errors import BulletinError, BulletinParseError, BulletinReadError
from archive.readers.limits import Limits

if TYPE_CHECKING:
    from archive.model import Bulletin

__all__ = ["check_temp", "grant", "helper_preexec", "parse_within_budget", "produce", "reset", "run_within_budget",
           "stop_readers", "temp_root"]

T = TypeVar("T")

_PR_SET_PDEATHSIG = 1
_HEADER = struct.Struct("!cI")  # message kind, payload length
_MB = 1024 * 1024

# State of this process as a reading worker (set in the child after the fork).
_channel: int | None = None
_produced = 0
_limits: Limits | None = None


def _gib(n: int) -> str:
    return f"{n / _MB:,.0f} MB"


# -- in the worker: what readers call ------------------------------------------


def reset(limits: Limits | None = None) -> None:
    """Start counting a new file's objects (read_bytes calls it)."""
    global _produced, _limits
    _produced = 0
    if limits is not None:
        _limits = limits


def produce(n: int, name: str, limits: Limits, what: str = "对象") -> None:
    """Count `n` more objects made from the file `name`; BulletinReadError past `max_objects`."""
    global _produced
    _produced += n
    if _produced > limits.max_objects:
        raise BulletinReadError(
            name, f"超出对象预算：读取时生成的对象（{what}）已超过 {limits.max_objects:,} 个（max_objects，"
                  "可用 BULLETINS_READ_OBJECTS 调高）")


def grant(seconds: float) -> None:
    """Ask the parent for `seconds` more wall time (a helper program's own budget)."""
    if _channel is not None:
        _send(_channel, b"g", pickle.dumps(float(seconds)))


def check_temp(folder: Path, name: str, limits: Limits) -> None:
    """BulletinReadError when the files under `folder` pass the temporary disk budget."""
    used = sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file())
    if used > limits.temp_bytes:
        raise BulletinReadError(
            name, f"超出临时磁盘预算：临时文件已占 {_gib(used)}（temp_bytes 上限 {_gib(limits.temp_bytes)}，"
                  "可用 BULLETINS_READ_TEMP_MB 调高）")


_libc: Any = None


def _load_libc() -> Any:
    """The C library (for prctl), loaded once in the parent: a dlopen per worker costs milliseconds."""
    global _libc
    if _libc is None:
        try:
            _libc = ctypes.CDLL(None, use_errno=True)
        except OSError:
            _libc = False
    return _libc


def _prctl_deathsig() -> None:
    try:
        libc = _load_libc()
        if libc:
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except AttributeError:  # not Linux: the wall-time kill still applies
        pass


def helper_preexec(limits: Limits | None = None) -> Callable[[], None]:
    """A Popen preexec_fn for a helper program: its own address space budget (not the worker's),
    and killed when the process that started it dies."""
    lim = limits or _limits or Limits()

    def setup() -> None:
        _prctl_deathsig()
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        soft = lim.helper_memory_bytes if hard == resource.RLIM_INFINITY else min(lim.helper_memory_bytes, hard)
        try:
            resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
            # the helper's time is bounded by its own wall-time budget (sandbox.py), not the worker's CPU
            resource.setrlimit(resource.RLIMIT_CPU, (resource.getrlimit(resource.RLIMIT_CPU)[1],) * 2)
        except (ValueError, OSError):
            pass
    return setup


# -- the pipe ---------------------------------------------------------------------


def _send(fd: int, kind: bytes, payload: bytes) -> None:
    data = _HEADER.pack(kind, len(payload)) + payload
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def _caller_progress() -> Callable[..., None] | None:
    """The OCR progress callback the caller set (archive.readers.ocr.reporting_to), if any."""
    from archive.readers.ocr import _reporting

    return _reporting.get()


def _reporting_through(fn: Callable[[], T], wfd: int) -> Callable[[], T]:
    """`fn` reporting its OCR pages down the pipe (kind p), for the parent to relay to its callback."""
    def run() -> T:
        from archive.readers.ocr import reporting_to

        with reporting_to(lambda *page: _send(wfd, b"p", pickle.dumps(page))):
            return fn()
    return run


def _vm_size() -> int:
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _setup_worker(wfd: int, folder: Path) -> None:
    """What a reading worker does once, after the fork: its own process group, killed with the
    thread that started it, default signals, and its temporary folder."""
    global _channel
    _channel = wfd
    os.setpgid(0, 0)
    _prctl_deathsig()
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGXFSZ, signal.SIG_DFL)  # Python ignores it: past RLIMIT_FSIZE the worker dies
    tempfile.tempdir = str(folder)
    os.environ["TMPDIR"] = str(folder)


def _set_file_limits(limits: Limits, base: int, cpu_used: float, caps: dict[int, int]) -> None:
    """The per-file budget from here on: `cpu_seconds` more CPU than `cpu_used`, `memory_bytes`
    more address space than `base`, files of at most `temp_bytes`; never above `caps`, the soft
    limits the worker started with (an operator's ulimit, a full-disk test)."""
    def bounded(which: int, soft: int) -> None:
        cap = caps.get(which, resource.RLIM_INFINITY)
        _, hard = resource.getrlimit(which)
        for bound in (cap, hard):
            if bound != resource.RLIM_INFINITY:
                soft = min(soft, bound)
        resource.setrlimit(which, (soft, hard))

    bounded(resource.RLIMIT_CPU, max(1, int(cpu_used + limits.cpu_seconds + 0.999)))
    bounded(resource.RLIMIT_FSIZE, max(_MB, limits.temp_bytes))
    if base:
        bounded(resource.RLIMIT_AS, base + limits.memory_bytes)


def _soft_caps() -> dict[int, int]:
    return {which: resource.getrlimit(which)[0]
            for which in (resource.RLIMIT_CPU, resource.RLIMIT_FSIZE, resource.RLIMIT_AS)}


def _outcome(fn: Callable[[], Any], limits: Limits) -> tuple[bytes, bool]:
    """fn() as the pickled message for the parent: its result, or the named error; and whether
    the worker is still sound (False after a memory, recursion or unexpected failure)."""
    reset(limits)
    try:
        result = fn()
        return pickle.dumps(("ok", result), protocol=pickle.HIGHEST_PROTOCOL), True
    except BulletinError as ex:
        return pickle.dumps(("error", type(ex).__name__, ex.reason)), True
    except MemoryError:
        return pickle.dumps(("error", "BulletinReadError", _memory_reason(limits))), False
    except RecursionError:
        return pickle.dumps(("error", "BulletinReadError",
                             f"文档结构嵌套过深：读取时递归超过 {sys.getrecursionlimit():,} 层，已拒绝")), False
    except Exception as ex:  # a reader or parser bug: named, never a traceback
        where = traceback.extract_tb(ex.__traceback__)[-1:]
        at = f"（{Path(where[0].filename).name}:{where[0].lineno}）" if where else ""
        return pickle.dumps(("error", "BulletinReadError", f"读取失败：{type(ex).__name__}: {ex}{at}"[:500])), False


def _child(fn: Callable[[], Any], wfd: int, folder: Path, limits: Limits, base: int) -> None:
    """A worker for one call: limits set, then fn(); the result (or the named error) goes to the parent."""
    def body() -> None:
        gc.disable()  # short-lived: a collection would only copy the parent's pages (refcounting frees the rest)
        _setup_worker(wfd, folder)
        own = resource.getrusage(resource.RUSAGE_SELF)
        _set_file_limits(limits, base, own.ru_utime + own.ru_stime, _soft_caps())
        payload, _ = _outcome(fn, limits)
        _send(wfd, b"r", payload)

    _exit_after(body)


def _exit_after(body: Callable[[], None]) -> NoReturn:
    """Run a worker's `body`, then end the process: exit code 3 after a MemoryError, 4 after any
    other failure (the parent names the reason)."""
    code = 0
    try:
        body()
    except MemoryError:
        code = 3
    except BaseException:
        code = 4
    finally:
        os._exit(code)


def _memory_reason(limits: Limits) -> str:
    return (f"超出内存预算：读取时需要的地址空间超过 {_gib(limits.memory_bytes)}（memory_bytes，"
            "可用 BULLETINS_READ_MEMORY_MB 调高）")


def temp_root() -> Path:
    """The folder under which each reading process has its workers' temporary folder (`<pid>-0`)."""
    return Path(tempfile.gettempdir()) / f"bulletins-read-{os.getuid()}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


_cleaned: Path | None = None  # the temp root whose stale folders this process removed


def remove_stale_temp() -> list[Path]:
    """Remove per-file temporary folders whose run has ended (a killed `index`); the removed ones."""
    removed = []
    root = temp_root()
    try:
        entries = list(root.iterdir())
    except OSError:
        return removed
    for entry in entries:
        pid = entry.name.split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


_folders = itertools.count()


def _new_folder() -> Path:
    """A new folder for one worker's temporary files (`<pid>-<n>` under temp_root(); stale ones of
    ended runs removed first), removed when this process exits."""
    global _cleaned
    root = temp_root()
    if _cleaned != root:
        remove_stale_temp()
        _cleaned = root
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder = root / f"{os.getpid()}-{next(_folders)}"
    shutil.rmtree(folder, ignore_errors=True)  # left by an earlier process of the same pid
    folder.mkdir(mode=0o700)
    return folder


def _empty(folder: Path) -> None:
    """Remove whatever a worker left in `folder` (a killed worker's page images)."""
    try:
        it = os.scandir(folder)
    except OSError:
        return
    with it:
        for entry in it:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                try:
                    os.unlink(entry.path)
                except OSError:
                    pass


def _kill_group(pid: int) -> None:
    for target in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            target()
        except (ProcessLookupError, PermissionError):
            pass


def _death_reason(status: int, limits: Limits) -> str:
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig == signal.SIGXCPU:
            return (f"超出 CPU 预算：读取用时超过 {limits.cpu_seconds:g} 秒 CPU（cpu_seconds，"
                    "可用 BULLETINS_READ_CPU_SECONDS 调高），已终止")
        if sig == signal.SIGXFSZ:
            return (f"超出临时磁盘预算：写出的文件超过 {_gib(limits.temp_bytes)}（temp_bytes，"
                    "可用 BULLETINS_READ_TEMP_MB 调高），已终止")
        name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else str(sig)
        return f"读取进程异常终止（{name}），可能超出内存预算 {_gib(limits.memory_bytes)}，已拒绝"
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1
    if code == 3:
        return _memory_reason(limits)
    return f"读取进程异常退出（退出码 {code}），已拒绝"


@dataclass
class _Answer:
    """What the parent heard from a worker about one file."""

    result: tuple | None = None  # ("ok", value) or ("error", kind, reason); None: no answer
    sound: bool = True  # the worker may read another file
    timed_out: bool = False
    allowed: float = 0.0  # the wall time it was given, grants included


def _await(rfd: int, limits: Limits, relay: Callable[..., None] | None) -> _Answer:
    """Read the worker's messages until its answer, its end or the wall-time budget."""
    answer = _Answer(allowed=limits.wall_seconds)
    deadline = time.monotonic() + limits.wall_seconds
    buf = bytearray()
    while answer.result is None:
        left = deadline - time.monotonic()
        if left <= 0:
            answer.timed_out = True
            break
        if not _readable(rfd, min(left, 1.0)):
            continue
        chunk = os.read(rfd, 1 << 20)
        if not chunk:
            break
        buf += chunk
        while len(buf) >= _HEADER.size:
            kind, size = _HEADER.unpack_from(buf)
            if len(buf) < _HEADER.size + size:
                break
            payload = bytes(buf[_HEADER.size:_HEADER.size + size])
            del buf[:_HEADER.size + size]
            if kind == b"g":
                extra = max(0.0, float(pickle.loads(payload)))
                deadline += extra
                answer.allowed += extra
            elif kind in (b"r", b"R"):
                answer.result = pickle.loads(payload)
                answer.sound = kind == b"r"
            elif kind == b"p" and relay is not None:
                relay(*pickle.loads(payload))
    return answer


def _readable(fd: int, seconds: float) -> bool:
    """Whether `fd` has data (or its end) within `seconds`; poll, not select: a server holding
    1,000 connections has descriptors past select's limit of 1,024."""
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(max(0, int(seconds * 1000))))


def _verdict(answer: _Answer, status: int, name: str, limits: Limits) -> Any:
    """The worker's value, or its error raised as a BulletinError naming `name` and the budget."""
    if answer.timed_out:
        raise BulletinReadError(
            name, f"超出时间预算：读取超过 {answer.allowed:g} 秒（wall_seconds {limits.wall_seconds:g} 秒"
                  f"{'，含转换或 OCR 的预算' if answer.allowed > limits.wall_seconds else ''}，"
                  "可用 BULLETINS_READ_SECONDS 调高），已终止")
    if answer.result is None:
        raise BulletinReadError(name, _death_reason(status, limits))
    if answer.result[0] == "ok":
        return answer.result[1]
    _, kind, reason = answer.result
    raise (BulletinParseError if kind == "BulletinParseError" else BulletinReadError)(name, reason)


def run_within_budget(fn: Callable[[], T], name: str, limits: Limits | None = None) -> T:
    """`fn()` run in a worker forked for it, under the per-file budget of `limits` (default:
    Limits.from_env()). For any callable; files are read through `parse_within_budget`, whose
    worker lives on from file to file.

    Raises the worker's BulletinError as it was, and BulletinReadError(name, reason) naming
    the budget that was passed, or the worker's failure; its temporary folder is removed."""
    limits = limits or Limits.from_env()
    relay = _caller_progress()  # the caller's OCR progress (ocr.reporting_to): relayed from the worker
    _load_libc()
    folder = _new_folder()
    base = _vm_size()  # the worker starts with the parent's address space (read here: cheaper than in it)
    rfd, wfd = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the worker
        os.close(rfd)
        _child(fn if relay is None else _reporting_through(fn, wfd), wfd, folder, limits, base)
    os.close(wfd)
    try:
        os.setpgid(pid, pid)
    except OSError:
        pass
    status = 0
    answer = _Answer()
    try:
        answer = _await(rfd, limits, relay)
    finally:
        os.close(rfd)
        if answer.timed_out or answer.result is None:
            _kill_group(pid)
        try:
            _, status = os.waitpid(pid, 0)
        except ChildProcessError:
            status = 0
        _kill_group(pid)  # anything the worker left in its group
        shutil.rmtree(folder, ignore_errors=True)
    return _verdict(answer, status, name, limits)


def stop_readers() -> None:
    """Stop this process's reading workers (archive.readers.reading_worker)."""
    from archive.readers.reading_worker import stop_readers as stop

    stop()


def parse_within_budget(path: Path, limits: Limits | None = None) -> Bulletin:
    """Read and parse the file at `path` (archive.parse) in a worker under the per-file budget.

    The worker is this thread's long-lived reading worker (archive.readers.reading_worker), a
    fresh interpreter started once, not a fork per file.
    Raises BulletinReadError or BulletinParseError naming the file and the reason."""
    from archive.parse import parse_file  # the one way a file is parsed (with its corrections)
    from archive.readers.reading_worker import read_file

    limits = limits or Limits.from_env()
    return read_file(parse_file, (Path(path), limits), str(path), limits)
