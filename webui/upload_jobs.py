"""Reading an upload's files in the background, with per-page OCR progress (issue 21).

A scan takes seconds a page to OCR: the upload page must not hold a request
(nor the server) while it does. The staged files of a batch are read in a
worker thread of the server (READ_WORKERS at a time: OCR is CPU-bound, and its
own child process already uses the cores); each page read is reported through
archive.readers.ocr.reporting_to into the batch's job, which the page polls
(`/upload/<batch>/status`). Jobs live in this process only: after a restart,
opening the batch reads its files again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

READ_WORKERS = 1  # batches read at once
KEEP_SECONDS = 24 * 3600  # a finished job is forgotten after this long (its batch is removed by then)

_lock = threading.Lock()
_jobs: dict[str, Job] = {}
_pool: ThreadPoolExecutor | None = None


class Job:
    """One batch being read: per file its state and OCR pages, then what was read of each."""

    def __init__(self, batch: str, names: list[str]) -> None:
        self.batch = batch
        self.names = names
        self.files: dict[str, dict[str, Any]] = {n: {"name": n, "state": "waiting", "page": 0, "pages": 0}
                                                 for n in names}
        self.results: list[dict[str, Any]] | None = None
        self.done = threading.Event()
        self.slow = threading.Event()  # a file is being OCRed: worth a progress page
        self.finished = 0.0

    def status(self) -> dict[str, Any]:
        """What the page shows while it waits (JSON)."""
        with _lock:
            files = [dict(self.files[n]) for n in self.names]
        return {"batch": self.batch, "done": self.done.is_set(), "files": files}

    def run(self, folder: Path, read: Callable[[Path], dict[str, Any]]) -> None:
        from archive.readers.ocr import reporting_to

        results = []
        for name in self.names:
            entry = self.files[name]

            def on_page(_file: str, page: int, pages: int, _conf: float, entry: dict[str, Any] = entry) -> None:
                with _lock:
                    entry.update(page=page, pages=pages, state="ocr")
                self.slow.set()

            with _lock:
                entry["state"] = "reading"
            with reporting_to(on_page):
                got = read(folder / name)
            results.append(got)
            with _lock:
                entry["state"] = "read" if got.get("ok") else "rejected"
        self.results = results
        self.finished = time.time()
        self.done.set()
        self.slow.set()

    def wait(self, seconds: float) -> bool:
        """Wait until the reading is done, or a scan's OCR starts, or `seconds` pass; whether it is done."""
        deadline = time.monotonic() + seconds
        while not self.done.is_set() and not self.slow.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                break
            self.done.wait(min(left, 0.05))
        return self.done.is_set() and self.results is not None


def start(batch: str, folder: Path, names: list[str], read: Callable[[Path], dict[str, Any]]) -> Job:
    """Read the batch's files in the background (a job already under way is returned as it is)."""
    global _pool
    with _lock:
        job = _jobs.get(batch)
        if job is not None:
            return job
        now = time.time()
        for key in [k for k, j in _jobs.items() if j.done.is_set() and now - j.finished > KEEP_SECONDS]:
            del _jobs[key]
        job = _jobs[batch] = Job(batch, names)
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=READ_WORKERS, thread_name_prefix="upload-read")
        pool = _pool
    pool.submit(_guarded, job, folder, read)
    return job


def _guarded(job: Job, folder: Path, read: Callable[[Path], dict[str, Any]]) -> None:
    try:
        job.run(folder, read)
    except Exception:  # `read` reports every file's fault itself; never leave a page waiting
        job.results = [{"name": n, "ok": False, "reason": "读取失败"} for n in job.names]
        job.finished = time.time()
        job.done.set()
        job.slow.set()


def get(batch: str) -> Job | None:
    with _lock:
        return _jobs.get(batch)


def forget(batch: str) -> None:
    """The batch was confirmed or removed."""
    with _lock:
        _jobs.pop(batch, None)
