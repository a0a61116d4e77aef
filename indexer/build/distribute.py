"""Reading and OCR of files spread over Dask workers on other machines (`--workers tcp://scheduler:8786`).

The slow part of indexing scans is reading them (OCR: ~2 s a page on one core);
parsing a Document and analysing its articles is milliseconds. So only the
reading moves: for each file to index whose format the reader cache keeps
(`archive.readers.cache`: .docx, .doc, .wps, .pdf, scans, .ofd, .html) and
whose Document is not cached yet, this process reads the bytes and submits one
Dask task, `read_remote(name, bytes)`. The worker reads them with the readers'
own budget (`archive.readers.read_bytes`, the call the local path makes: the
per-file limits and OCR time budget hold there too) and returns the Document
through Dask's own transfer; this process writes it into the content-hash cache.
All this happens before the run takes the index lock (`read_corpus_on_workers`):
days of OCR do not keep `bulletins add` waiting. Then the index is built from
the cache as without workers, by the one process that holds the run lock
(indexer.build.builder, told by `Prefetched.pre_read` which files the workers rejected;
`bulletins add --workers` reads its files this way before checking them).

Why Dask's transfer rather than a shared folder: a worker needs nothing but the
project installed and the scheduler's address (no mount, no write access to
anything of the archive's), and the cache has one writer, the lock holder.

A worker that dies loses nothing: the scheduler gives its task to another
worker (Dask's `distributed.scheduler.allowed-failures`, 3 by default; a file
that kills that many workers is rejected by name). A file a worker rejects is
rejected with the reason the local reader gives, and not read again here. When
no worker is left for WORKERLESS_SECONDS, the files not read yet are left to
the local path (a warning says so).
"""

from __future__ import annotations

import hashlib
import resource
import time
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import archive
from archive.document import Document
from archive.errors import BulletinError
from archive.readers import cache
from archive.readers.detect import BINARY_SUFFIXES
from archive.readers.limits import DEFAULT_LIMITS, Limits

__all__ = [
    "DistributeError", "Prefetched", "WorkerStats", "code_version", "read_corpus_on_workers", "read_on_workers", "read_remote",
    "run_limits", "within_budget",
]

# Suffixes whose Documents the reader cache keeps (archive.readers._CACHED, told by name here:
# a file is sent before its bytes are looked at; one named otherwise is read locally, as before).
REMOTE_SUFFIXES = frozenset({*BINARY_SUFFIXES, ".html", ".htm"})
CONNECT_SECONDS = 20.0  # to reach the scheduler
FIRST_WORKER_SECONDS = 60.0  # for the first worker to join
WORKERLESS_SECONDS = 120.0  # no worker this long mid-run: the rest is read locally
PROGRESS_SECONDS = 10.0  # a progress line at most this often
INFLIGHT_PER_THREAD = 2  # tasks submitted ahead per worker thread (bounds the bytes held by the scheduler)
INFLIGHT_BYTES = 512 * 1024 * 1024  # … and at most this many bytes of files in flight
POLL_SECONDS = 1.0


class DistributeError(Exception):
    """The workers cannot be used (scheduler unreachable, no worker, a different program on a worker)."""


@dataclass
class WorkerStats:
    """What one worker read in this run."""

    files: int = 0
    pages: int = 0  # pages read by OCR
    seconds: float = 0.0  # wall time of its tasks
    cpu: float = 0.0  # CPU time of its tasks, the OCR child process included


@dataclass
class Prefetched:
    """What the workers did: files read into the cache, files they rejected (relpath → reason)."""

    rejected: dict[str, str] = field(default_factory=dict)
    digests: dict[str, str] = field(default_factory=dict)  # relpath → SHA-256 of the bytes a worker rejected
    warnings: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)  # read by a worker (or already cached)
    workers: dict[str, WorkerStats] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def pages(self) -> int:
        return sum(w.pages for w in self.workers.values())

    def pre_read(self, paths: dict[str, Path], todo: list[tuple[str, str]]) -> Prefetched:
        """The `pre_read` hook of indexer.build.builder.build_index, run under the lock once this reading is
        done: the workers' rejections of the files the run indexes, when their bytes are still those."""
        rejected = {r: self.rejected[r] for r, sha in todo if r in self.rejected and self.digests.get(r) == sha}
        return Prefetched(rejected=rejected, warnings=list(self.warnings))


@dataclass(frozen=True)
class Outcome:
    """One task's result, computed on a worker."""

    doc: Document | None
    reason: str | None
    worker: str
    seconds: float
    cpu: float
    version: str


# -- on the worker ---------------------------------------------------------------

@lru_cache(maxsize=1)
def code_version() -> str:
    """A digest of the readers' source (archive/**/*.py, its data) and the cache's reader version:
    a worker must read exactly as this machine does, or the cache would hold another program's output."""
    root = Path(archive.__file__).resolve().parent  # wherever indexer/ lays out its modules
    h = hashlib.sha256(f"reader-version {cache.READER_VERSION}\n".encode())
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".tsv") and "__pycache__" not in path.parts:
            h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the OCR child is one)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def run_limits() -> Limits:
    """The per-file limits of this run: the archive machine's (Limits.from_env), sent with
    every task so that each worker reads under the same ones."""
    return Limits.from_env()


def within_budget(fn: Callable[[], Document], name: str, limits: Limits) -> Document:
    """`fn()` under the readers' per-file budget, called as the local path calls it: in a
    forked reading worker (archive.readers.budget.run_within_budget)."""
    from archive.readers.budget import run_within_budget

    return run_within_budget(fn, name, limits)


def read_remote(name: str, data: bytes, version: str, limits: Limits = DEFAULT_LIMITS) -> Outcome:
    """On a worker: read one file's bytes as the local path does (same reader, same limits, no cache)."""
    from distributed import get_worker

    from archive.readers import read_bytes

    worker = get_worker().address
    mine = code_version()
    if version != mine:
        return Outcome(None, None, worker, 0.0, 0.0, mine)
    t0, c0 = time.perf_counter(), _cpu()
    doc, reason = None, None
    try:
        doc = within_budget(lambda: read_bytes(data, name, limits, use_cache=False), name, limits)
    except BulletinError as ex:
        reason = ex.reason
    except Exception as ex:  # a reader bug must not stop the run (as indexer.build.builder's _parse)
        reason = f"无法解析（解析器出错）：{type(ex).__name__}: {ex}"
    return Outcome(doc, reason, worker, time.perf_counter() - t0, _cpu() - c0, mine)


# -- in the process that holds the run lock ---------------------------------------

@dataclass
class _Job:
    digest: str
    names: list[str]  # relpaths with these bytes (one task for identical files)
    path: Path
    size: int


def _jobs(files: Iterable[tuple[str, Path]], root: Path, done: Prefetched, limits: Limits,
          indexed: Callable[[str, str], bool]) -> list[_Job]:
    """Files worth sending: a cached format, within the size limit, not cached yet, not indexed as they
    are (`indexed(name, digest)`); largest first."""
    jobs: dict[str, _Job] = {}
    for name, path in files:
        if Path(name).suffix.lower() not in REMOTE_SUFFIXES:
            continue
        try:
            size = path.stat().st_size
            if size > limits.max_file_bytes:
                continue  # refused at once by the local path, with the reason
            data = path.read_bytes()
        except OSError:
            continue  # the local path reports it
        digest = cache.key(data)
        if indexed(name, digest):
            continue
        if cache.load(root, digest, name) is not None:
            done.cached.append(name)
            continue
        if digest in jobs:
            jobs[digest].names.append(name)
        else:
            jobs[digest] = _Job(digest, [name], path, size)
    return sorted(jobs.values(), key=lambda j: -j.size)


def _connect(address: str) -> Any:
    from distributed import Client

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # version notes of the cluster go to its log, not the run's output
            client = Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, TimeoutError) as ex:
        raise DistributeError(f"无法连接调度器 {address}：{ex}。请确认 `dask scheduler` 已在该地址运行、端口可达") from None
    try:
        client.wait_for_workers(1, timeout=FIRST_WORKER_SECONDS)
    except (TimeoutError, OSError):
        client.close()
        raise DistributeError(
            f"调度器 {address} 在 {FIRST_WORKER_SECONDS:.0f} 秒内没有可用的工作进程：请在工作机上运行 `dask worker {address}`"
        ) from None
    return client


def _check_versions(client: Any, address: str) -> None:
    """Every worker must run this program's readers (same code_version)."""
    mine = code_version()
    try:
        theirs = client.run(code_version)
    except Exception as ex:  # the project is not importable there
        raise DistributeError(
            f"调度器 {address} 的工作进程无法运行本项目（{type(ex).__name__}: {ex}）：请在工作机上安装同一版本的本项目"
        ) from None
    wrong = sorted(addr for addr, v in theirs.items() if v != mine)
    if wrong:
        raise DistributeError(
            f"工作进程 {', '.join(wrong)} 的读取程序与本机不同（版本 {theirs[wrong[0]]}，本机 {mine}）："
            "请在工作机上安装与本机相同的版本"
        )


def _progress_line(done: int, total: int, result: Prefetched, started: float) -> str:
    minutes = max(time.perf_counter() - started, 1e-6) / 60
    rates = "，".join(
        f"{addr} {st.pages / minutes:.1f}" for addr, st in sorted(result.workers.items())
    ) or "—"
    return f"分布式读取：{done}/{total} 个文件已读；每个工作进程每分钟 OCR 页数：{rates}"


def read_on_workers(
    address: str,
    files: Iterable[tuple[str, Path]],
    lines: Callable[[str], None] | None = None,
    indexed: Callable[[str, str], bool] = lambda name, digest: False,
) -> Prefetched:
    """Read `files` ((name, path): name is the relpath errors and rejections use) on the workers
    of the Dask scheduler at `address`, into the reader cache ($BULLETINS_CACHE, which must be set),
    but for those `indexed(name, digest)` says the index holds as they are.

    Raises DistributeError before anything is read when the workers cannot be used.
    """
    from distributed import wait as dask_wait
    from distributed.client import FIRST_COMPLETED

    root = cache.cache_dir()
    if root is None:
        raise DistributeError(f"分布式读取需要读取缓存目录（环境变量 {cache.CACHE_ENV}）")
    result = Prefetched()
    started = time.perf_counter()
    limits = run_limits()
    jobs = _jobs(files, root, result, limits, indexed)
    if not jobs:
        return result
    client = _connect(address)
    total = sum(len(j.names) for j in jobs)
    done = 0
    try:
        _check_versions(client, address)
        version = code_version()
        queue = list(reversed(jobs))  # pop() takes the largest first
        inflight: dict[Any, _Job] = {}
        held = 0
        last_line = time.perf_counter()
        workerless_since: float | None = None
        while queue or inflight:
            threads = sum(client.nthreads().values())
            limit = max(1, threads * INFLIGHT_PER_THREAD)
            while queue and len(inflight) < limit and (not inflight or held + queue[-1].size <= INFLIGHT_BYTES):
                job = queue.pop()
                try:
                    data = job.path.read_bytes()
                except OSError:
                    continue  # gone or unreadable since: the local path reports it
                if cache.key(data) != job.digest:
                    continue  # changed since: the local path reads the new bytes
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # "large object in task graph": a scan is meant to travel
                    fut = client.submit(read_remote, job.names[0], data, version, limits, pure=False,
                                        key=f"bulletins-read-{job.digest[:16]}-{time.monotonic_ns()}")
                inflight[fut] = job
                held += job.size
            try:
                with client.as_current():  # distributed.wait uses the current client
                    finished = dask_wait(list(inflight), timeout=POLL_SECONDS, return_when=FIRST_COMPLETED).done
            except TimeoutError:
                finished = set()
            for fut in finished:
                job = inflight.pop(fut)
                held -= job.size
                done += len(job.names)
                _take(fut, job, root, result)
            if threads:
                workerless_since = None
            elif workerless_since is None:
                workerless_since = time.perf_counter()
            elif time.perf_counter() - workerless_since > WORKERLESS_SECONDS:
                left = len(queue) + len(inflight)
                result.warnings.append(
                    f"调度器 {address} 已 {WORKERLESS_SECONDS:.0f} 秒没有工作进程：其余 {left} 个文件改在本机读取"
                )
                for fut in inflight:
                    fut.cancel()
                break
            if lines is not None and time.perf_counter() - last_line >= PROGRESS_SECONDS:
                lines(_progress_line(done, total, result, started))
                last_line = time.perf_counter()
    except DistributeError:
        raise
    except Exception as ex:  # the scheduler went away mid-run: what is cached stays, the rest is read here
        result.warnings.append(f"分布式读取中断（{type(ex).__name__}: {ex}）：其余文件改在本机读取")
    finally:
        client.close()
    result.seconds = time.perf_counter() - started
    if lines is not None:
        lines(_progress_line(done, total, result, started))
    return result


def _take(fut: Any, job: _Job, root: Path, result: Prefetched) -> None:
    """One finished task: its Document into the cache, or its rejection (every file with these bytes)."""
    from distributed import KilledWorker

    try:
        out: Outcome = fut.result()
    except KilledWorker as ex:
        for name in job.names:
            result.rejected[name] = f"工作进程读取该文件时多次退出（{ex}）"
            result.digests[name] = job.digest
        return
    if out.version != code_version():
        raise DistributeError(
            f"工作进程 {out.worker} 的读取程序与本机不同（版本 {out.version}，本机 {code_version()}）："
            "请在工作机上安装与本机相同的版本"
        )
    st = result.workers.setdefault(out.worker, WorkerStats())
    st.files += 1
    st.seconds += out.seconds
    st.cpu += out.cpu
    if out.doc is None:
        for name in job.names:
            result.rejected[name] = out.reason or "无法读取"
            result.digests[name] = job.digest
        return
    st.pages += len(out.doc.ocr)
    cache.store(root, job.digest, out.doc)
    result.cached.extend(job.names)


def read_corpus_on_workers(
    corpus: Path, root: Path, address: str, rebuild: bool = False, lines: Callable[[str], None] | None = None,
) -> Prefetched:
    """Before a run takes the index lock: every corpus file the run would read (not indexed as it is,
    unless `rebuild`) read on the workers into the cache. The run then reads them from the cache,
    holding the lock for the index's own work only (`bulletins add` is not kept waiting for days of
    OCR); pass the result's `pre_read` to build_index so that what the workers rejected is not read again.

    Raises CorpusUnavailableError (as build_index would) and DistributeError.
    """
    from archive.corpus import scan_corpus
    from indexer.build.builder import _previous_manifest

    scan = scan_corpus(corpus)
    old = {} if rebuild else _previous_manifest(root)  # read-only: the serving generation's manifest
    return read_on_workers(address, sorted(scan.files.items()), lines,
                           indexed=lambda name, digest: old.get(name, ("",))[0] == digest)
