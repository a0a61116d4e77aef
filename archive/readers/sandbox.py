"""Run a helper program in its own process group on a time budget, and kill it past the budget."""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import time
from collections.abc import Callable, Sequence

from archive.errors import BulletinReadError, os_reason
from archive.readers.budget import helper_preexec

__all__ = ["run_lines", "run_budgeted"]


def _kill(proc: subprocess.Popen) -> None:
    """Kill the child's whole process group (LibreOffice forks), reap it, close its pipes."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()
    for stream in (proc.stdout, proc.stderr, proc.stdin):
        if stream is not None:
            stream.close()


def run_budgeted(cmd: Sequence[str], name: str, what: str, seconds: float, env: dict[str, str] | None = None,
                 cwd: str | None = None) -> subprocess.CompletedProcess:
    """Run `cmd`; past `seconds` its whole process group is killed and BulletinReadError raised."""
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                start_new_session=True, env=env, cwd=cwd,
                                preexec_fn=helper_preexec())
    except OSError as exc:
        raise BulletinReadError(name, f"{what}：无法启动 {cmd[0]}（{os_reason(exc)}）") from None
    try:
        out, err = proc.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        _kill(proc)
        raise BulletinReadError(name, f"{what} 超出时间预算 {seconds:g} 秒，已终止") from None
    finally:
        if proc.poll() is None:
            _kill(proc)
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def run_lines(cmd: Sequence[str], name: str, what: str, seconds: float,
              on_line: Callable[[str], None], env: dict[str, str] | None = None) -> str:
    """Run `cmd`, handing each line of its output to `on_line` as it comes; killed past `seconds`.

    Returns its standard error; raises BulletinReadError on the budget or a failure exit.
    """
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                start_new_session=True, env=env, preexec_fn=helper_preexec())
    except OSError as exc:
        raise BulletinReadError(name, f"{what}：无法启动 {cmd[0]}（{os_reason(exc)}）") from None
    deadline = time.monotonic() + seconds
    err = bytearray()
    buf = bytearray()
    sel = selectors.DefaultSelector()
    assert proc.stdout is not None and proc.stderr is not None
    sel.register(proc.stdout, selectors.EVENT_READ, "out")
    sel.register(proc.stderr, selectors.EVENT_READ, "err")
    try:
        open_streams = 2
        while open_streams:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BulletinReadError(name, f"{what} 超出时间预算 {seconds:g} 秒，已终止")
            for key, _ in sel.select(timeout=min(left, 1.0)):
                chunk = os.read(key.fileobj.fileno(), 65536)  # type: ignore[union-attr]
                if not chunk:
                    sel.unregister(key.fileobj)
                    open_streams -= 1
                    continue
                if key.data == "err":
                    err += chunk[-65536:]
                    continue
                buf += chunk
                while b"\n" in buf:
                    line, _, rest = bytes(buf).partition(b"\n")
                    buf = bytearray(rest)
                    on_line(line.decode("utf-8", "replace"))
        left = max(0.1, deadline - time.monotonic())
        try:
            proc.wait(timeout=left)
        except subprocess.TimeoutExpired:
            raise BulletinReadError(name, f"{what} 超出时间预算 {seconds:g} 秒，已终止") from None
    finally:
        sel.close()
        if proc.poll() is None:
            _kill(proc)
        proc.stdout.close()
        proc.stderr.close()
    if proc.returncode != 0:
        tail = bytes(err).decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit {proc.returncode}"]
        raise BulletinReadError(name, f"{what} 失败：{tail[0][:200]}")
    return bytes(err).decode("utf-8", "replace")


