"""Timing, memory and size helpers for the benchmark."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Sequence


@dataclass(frozen=True)
class ChildRun:
    """One finished child process: wall time, the peak RSS of the largest process of
    its tree (VmHWM), the peak of the RSS summed over the tree (sampled every 50 ms),
    exit status and output,
    and the CPU time (user + system) of it and the descendants it waited for."""

    argv: list[str]
    seconds: float
    max_rss_mb: float
    returncode: int
    stdout: str
    stderr: str
    tree_rss_mb: float = 0.0
    cpu_s: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["stderr"] = self.stderr[-2000:]
        d["stdout"] = self.stdout[-2000:]
        return d


def _tree(root: int) -> list[int]:
    """`root` and all its descendants now (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))  # fields[1] is the parent pid
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def _status_kb(pid: int, keys: tuple[str, ...]) -> dict[str, int]:
    out: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as f:
            for line in f:
                key = line.split(":", 1)[0]
                if key in keys:
                    out[key] = int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return out


def _tree_rss_mb(root: int) -> tuple[float, float]:
    """(RSS summed over `root` and its descendants now, the largest VmHWM among them), in MB.

    VmHWM is a process's own peak since its exec (ru_maxrss would carry the peak of
    the forking parent's image across exec)."""
    total = largest = 0
    for pid in _tree(root):
        st = _status_kb(pid, ("VmRSS", "VmHWM"))
        total += st.get("VmRSS", 0)
        largest = max(largest, st.get("VmHWM", 0))
    return total / 1024, largest / 1024


def run_child(argv: Sequence[str], timeout: float = 3600.0, cwd: Path | None = None,
              env: dict[str, str] | None = None) -> ChildRun:
    """Run `argv`, measuring wall time and the peak RSS of that child alone (os.wait4)."""
    import tempfile

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(list(argv), stdout=out, stderr=err, cwd=cwd, env=env)
        deadline = t0 + timeout
        tree_peak = largest = 0.0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            now, hwm = _tree_rss_mb(proc.pid)
            tree_peak, largest = max(tree_peak, now), max(largest, hwm)
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.05)
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        # ru_maxrss (KiB on Linux) only when no sample was taken: it includes the peak of
        # the image this process was forked from, before its exec
        largest = largest or usage.ru_maxrss / 1024
        return ChildRun(list(argv), seconds, largest, proc.returncode,
                        out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                        max(tree_peak, largest), usage.ru_utime + usage.ru_stime)


def spread(values: Sequence[float]) -> dict[str, float]:
    """min / median / max of repeated measurements."""
    return {"min": min(values), "median": statistics.median(values), "max": max(values), "n": len(values)}


def percentile(sorted_values: Sequence[float], p: float) -> float:
    """The p-th percentile (nearest rank) of already sorted values."""
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, round(p / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[k]


def latency_summary(seconds: Sequence[float]) -> dict[str, float]:
    """p50 / p95 / max in milliseconds."""
    s = sorted(seconds)
    return {"p50_ms": percentile(s, 50) * 1000, "p95_ms": percentile(s, 95) * 1000,
            "max_ms": (s[-1] if s else float("nan")) * 1000, "n": len(s)}


def dir_size(path: Path) -> int:
    """Total bytes of the files under `path`."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def vm_rss_mb(pid: int) -> float | None:
    """Current resident set size of a running process, from /proc/<pid>/status."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    from importlib import metadata

    mem = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass

    def ver(pkg: str) -> str | None:
        try:
            return metadata.version(pkg)
        except metadata.PackageNotFoundError:
            return None

    cpu = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(), "cpu": cpu, "mem_gib": mem, "python": sys.version.split()[0],
        "whoosh3": ver("whoosh3"), "jieba": ver("jieba"), "flask": ver("flask"), "waitress": ver("waitress"),
        "rjieba": ver("rjieba"), "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }
