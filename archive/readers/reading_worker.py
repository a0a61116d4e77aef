"""The long-lived reading worker: a fresh interpreter that reads one file after another, each
under the whole per-file budget (archive.readers.budget).

A fork per file cost 40–100 ms in a large process such as a build's, more than
reading a small file. So each thread that reads files (`thread_reader()`)
starts one worker, `python -c …reading_worker.main`, and sends it file after
file through two pipes. The worker is NOT a fork of the caller: a fork that
lives on keeps every descriptor the caller had open at that moment — a web
server's sockets, a browser driver's stdin pipe, an index's write lock — long
after the caller closed its own copy, so whoever waits for their end (a
driver waiting for EOF, a lock waiting to be free) waits for ever. A fresh
interpreter gets only its two pipes (close_fds) and no other thread's state.

Each file gets the whole budget, counted from where the worker stands when
the file is sent: CPU (RLIMIT_CPU at what it has used plus `cpu_seconds`),
address space (RLIMIT_AS at its size plus `memory_bytes`), temporary disk (its
own folder, emptied after each file; RLIMIT_FSIZE), objects (`produce`,
reset per file) and wall time (the caller kills its process group). A worker
that passed a budget, was killed, hit a reader bug or read `READER_FILES`
files is replaced by a fresh one; the file is refused with the named reason
and the run goes on.

A worker left waiting `IDLE_SECONDS` for its next file ends by itself (a web
server's reading threads would otherwise keep one interpreter each, ~37 MB,
for ever); the thread's next file starts a fresh one. A file sent just as an
idle worker ended is never refused for it: the worker ends only when no file
is waiting, with its own exit code, and the file is sent again to a fresh one.
"""

from __future__ import annotations

import atexit
import os
import pickle
import resource
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import archive
from archive.errors import BulletinReadError
from archive.readers import budget
from archive.readers.limits import Limits

__all__ = ["IDLE_SECONDS", "READER_FILES", "READER_GROWTH_BYTES", "START_SECONDS", "Reader", "main", "read_file",
           "stop_readers", "thread_reader"]

T = TypeVar("T")

READER_FILES = 2000  # files one reading worker reads before a fresh one is started
READER_GROWTH_BYTES = 1024 * budget._MB  # … or once its address space has grown by this much
START_SECONDS = 120.0  # a new worker must be ready (its interpreter and readers imported) within this
IDLE_SECONDS = 300.0  # a worker waiting this long for its next file ends (the next file starts a fresh one)
IDLE_EXIT = 5  # the exit code of a worker that ended idle (no file was waiting: one sent then is sent again)
PRELOAD = ("archive.parse",)  # imported before the worker says it is ready (not counted in a file's budget)
_READY = b"k"
_PROJECT = str(Path(archive.__file__).resolve().parent.parent)  # where the worker imports `archive` from


class _EndedIdle(Exception):
    """The worker had ended idle before it took the file: send it to a fresh one."""


class Reader:
    """One long-lived reading worker (a fresh interpreter) and the caller's ends of its pipes."""

    def __init__(self, idle_seconds: float | None = None) -> None:
        self.owner = os.getpid()
        self.folder = budget._new_folder()
        req_r, self.req = os.pipe()
        self.res, res_w = os.pipe()
        self.env = dict(os.environ)
        env = dict(self.env)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (_PROJECT, env.get("PYTHONPATH", "")) if p)
        code = "import sys; from archive.readers.reading_worker import main; main(sys.argv[1:])"
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", code, str(req_r), str(res_w), str(os.getpid()),
                 repr(float(IDLE_SECONDS if idle_seconds is None else idle_seconds))],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, env=env, close_fds=True,
                pass_fds=(req_r, res_w), process_group=0)
        finally:
            os.close(req_r)
            os.close(res_w)
        self.pid = self.proc.pid
        self.alive = True
        _readers.add(self)
        try:  # its temporary folder comes down the pipe (on its command line, it would name it to `ps`)
            budget._send(self.req, b"f", pickle.dumps(str(self.folder)))
            self.started = self._await_ready()
        except OSError:
            self.started = False

    def _await_ready(self) -> bool:
        """Whether the worker said it is ready within START_SECONDS."""
        deadline = time.monotonic() + START_SECONDS
        while (left := deadline - time.monotonic()) > 0:
            if budget._readable(self.res, min(left, 1.0)):
                head = _read_exactly(self.res, budget._HEADER.size)
                return head is not None and budget._HEADER.unpack(head)[0] == _READY
        return False

    def read(self, func: Callable[..., T], args: tuple, name: str, limits: Limits) -> T:
        """`func(*args)` in the worker under the per-file budget of `limits`; BulletinReadError or
        BulletinParseError naming `name` and the reason (the worker is replaced after a fault)."""
        if not self.started:
            self.stop()
            raise BulletinReadError(name, f"读取进程未能在 {START_SECONDS:g} 秒内启动（START_SECONDS），已拒绝")
        relay = budget._caller_progress()  # the caller's OCR progress: relayed from the worker
        env = dict(os.environ)
        changed = env if env != self.env else None  # e.g. the reader cache set after the start
        self.env = env
        answer = budget._Answer()
        status = 0
        try:
            budget._send(self.req, b"q", pickle.dumps((func, args, limits, relay is not None, changed),
                                                      protocol=pickle.HIGHEST_PROTOCOL))
            answer = budget._await(self.res, limits, relay)
        except OSError:  # the worker is gone (its pipe closed): its end is the answer
            pass
        finally:
            if answer.result is None or not answer.sound:
                status = self.stop()
            else:
                budget._empty(self.folder)
        if answer.result is None and not answer.timed_out and os.WIFEXITED(status) \
                and os.WEXITSTATUS(status) == IDLE_EXIT:
            raise _EndedIdle(name)
        return budget._verdict(answer, status, name, limits)

    def ready(self) -> bool:
        """Whether the worker is still there to be sent a file (it may have been killed while idle)."""
        if self.alive and self.owner == os.getpid() and self.proc.poll() is None:
            return True
        self.stop()
        return False

    def stop(self) -> int:
        """End the worker (and anything in its process group); its wait status."""
        status = 0
        if self.alive and self.owner == os.getpid():
            self.alive = False
            _readers.discard(self)
            for fd in (self.req, self.res):
                try:
                    os.close(fd)
                except OSError:
                    pass
            budget._kill_group(self.pid)
            self.proc.wait()
            code = self.proc.returncode
            status = ((-code) & 0x7F) if code < 0 else (code << 8)  # back to a wait status (_death_reason)
            budget._kill_group(self.pid)  # anything the worker left in its group
            shutil.rmtree(self.folder, ignore_errors=True)
        return status


_readers: set[Reader] = set()  # this process's live reading workers
_local = threading.local()


def thread_reader() -> Reader:
    """This thread's reading worker, started at its first file (again when it is gone or after a fork)."""
    reader = getattr(_local, "reader", None)
    if reader is not None and reader.ready():
        return reader
    for other in list(_readers):  # workers of threads that ended (killed with them): reaped, folders removed
        if other.proc.poll() is not None:
            other.stop()
    reader = _local.reader = Reader()
    return reader


def read_file(func: Callable[..., T], args: tuple, name: str, limits: Limits) -> T:
    """`func(*args)` in this thread's reading worker under the per-file budget (Reader.read); sent
    again to a fresh worker when the thread's had just ended idle."""
    try:
        return thread_reader().read(func, args, name, limits)
    except _EndedIdle:
        _local.reader = None
        return thread_reader().read(func, args, name, limits)


def stop_readers() -> None:
    """Stop this process's reading workers (at exit; a forked process that ends with os._exit calls it)."""
    for reader in list(_readers):
        reader.stop()


def _forget_readers() -> None:
    """In a forked child: the parent's workers are not this process's to use or stop."""
    for reader in list(_readers):
        for fd in (reader.req, reader.res):
            try:
                os.close(fd)
            except OSError:
                pass
    _readers.clear()


atexit.register(stop_readers)
os.register_at_fork(after_in_child=_forget_readers)


# -- in the worker ----------------------------------------------------------------------------


def main(argv: list[str]) -> None:
    """The worker's life: say it is ready, then read requests until the caller's pipe closes."""
    req, wfd, caller = int(argv[0]), int(argv[1]), int(argv[2])
    idle = float(argv[3]) if len(argv) > 3 else IDLE_SECONDS

    def body() -> None:
        first = _receive(req)
        if first is None:
            return
        folder = Path(first)
        budget._setup_worker(wfd, folder)  # own group, killed with the caller's thread, its TMPDIR
        path = os.environ.get("PYTHONPATH", "")
        if os.getppid() != caller:  # the caller died before the death signal was set
            return
        for module in PRELOAD:
            __import__(module)
        caps = budget._soft_caps()
        start = budget._vm_size()
        budget._send(wfd, _READY, b"")
        files = 0
        while True:
            if not budget._readable(req, idle):
                os._exit(IDLE_EXIT)  # nothing waiting: end idle (the caller sends a file after this to a fresh worker)
            message = _receive(req)
            if message is None:
                break
            func, args, limits, relay, env = message
            if env is not None:  # the caller's, but where this worker (and its helpers) import from
                os.environ.clear()
                os.environ.update(env, TMPDIR=str(folder), PYTHONPATH=path)
            own = resource.getrusage(resource.RUSAGE_SELF)
            budget._set_file_limits(limits, budget._vm_size(), own.ru_utime + own.ru_stime, caps)
            fn = (lambda: func(*args))
            payload, sound = budget._outcome(fn if not relay else budget._reporting_through(fn, wfd), limits)
            files += 1
            sound = sound and files < READER_FILES and budget._vm_size() - start < READER_GROWTH_BYTES
            budget._send(wfd, b"r" if sound else b"R", payload)
            if not sound:
                break

    budget._exit_after(body)


def _receive(fd: int) -> Any:
    """One request from the caller, or None when its pipe is closed."""
    head = _read_exactly(fd, budget._HEADER.size)
    if head is None:
        return None
    _, size = budget._HEADER.unpack(head)
    payload = _read_exactly(fd, size)
    return None if payload is None else pickle.loads(payload)


def _read_exactly(fd: int, n: int) -> bytes | None:
    buf = bytearray()
    while len(buf) < n:
        try:
            chunk = os.read(fd, n - len(buf))
        except OSError:
            return None
        if not chunk:
            return None
        buf += chunk
    return bytes(buf)
