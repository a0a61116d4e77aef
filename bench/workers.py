"""Reading and OCR on Dask workers against the local process pool (issue 22): pages of OCR and files a minute.

    .venv/bin/python -m bench.workers [--scans 4] [--pages 2] [--docx 60] [--out FILE.json]

Corpora, generated: `--scans` image-only PDFs of `--pages` pages each (one long
issue from bench.formats laid out by LibreOffice, scanned by tests/docgen.py
with a different speckle seed each, so every file has its own bytes) and
`--docx` .docx issues (bench.generate's texts through tests/docgen.write_docx).

Each corpus is read into an empty reader cache four ways: by the local process
pool (`--procs` processes, `archive.readers.read_document`, as indexer.build.builder's
pool reads), and through `indexer.build.distribute.read_on_workers` with a loopback
scheduler and 1, then 2 workers (`dask worker --nthreads 1 --no-nanny`, the
README's flags). OMP_NUM_THREADS=1 everywhere: one OCR child uses one core, so
one worker is one core. Reported: wall seconds, files and OCR pages a minute,
CPU seconds a page and a file (the OCR child included), the load average
during the run (this machine is shared: say so with the figures), and Dask's
round trip of an empty task. From these, the time for one million pages on N
machines is projected on paper.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DASK = Path(sys.executable).parent / "dask"
START_SECONDS = 120.0
MILLION = 1_000_000


class Cluster:
    """A loopback scheduler and workers started with the README's commands, each a child
    process stopped by its PID (shared with tests/test_workers.py)."""

    def __init__(self, folder: Path, env: dict[str, str] | None = None) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.file = folder / "scheduler.json"
        self.env = dict(env or os.environ, OMP_NUM_THREADS="1", PYTHONWARNINGS="ignore")
        self.procs: list[subprocess.Popen] = []
        self.workers: list[subprocess.Popen] = []
        self._spawn([str(DASK), "scheduler", "--host", "127.0.0.1", "--port", "0", "--dashboard-address",
                     "127.0.0.1:0", "--scheduler-file", str(self.file)], "scheduler")
        deadline = time.monotonic() + START_SECONDS
        while not self.file.exists():
            if time.monotonic() > deadline:
                raise RuntimeError((folder / "scheduler.log").read_text())
            time.sleep(0.1)
        self.address: str = json.loads(self.file.read_text())["address"]

    def _spawn(self, cmd: list[str], log: str) -> subprocess.Popen:
        with open(self.folder / f"{log}.log", "ab") as out:
            proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=self.env, cwd=REPO)
        self.procs.append(proc)
        return proc

    def add_worker(self) -> None:
        n = len(self.workers)
        self.workers.append(self._spawn(
            [str(DASK), "worker", self.address, "--host", "127.0.0.1", "--dashboard-address", "127.0.0.1:0",
             "--nthreads", "1", "--no-nanny", "--name", f"w{n}"], f"worker{n}"))

    def alive(self) -> list[subprocess.Popen]:
        return [p for p in self.workers if p.poll() is None]

    def listening(self) -> set[str]:
        """The addresses the cluster's processes listen on."""
        import psutil

        out = set()
        for p in self.procs:
            if p.poll() is None:
                for conn in psutil.Process(p.pid).net_connections(kind="inet"):
                    if conn.status == psutil.CONN_LISTEN:
                        out.add(conn.laddr.ip)
        return out

    def wait_for(self, n: int) -> None:
        from distributed import Client

        with Client(self.address, timeout=START_SECONDS, set_as_default=False) as client:
            client.wait_for_workers(n, timeout=START_SECONDS)

    def stop(self) -> None:
        for p in reversed(self.procs):
            if p.poll() is None:
                p.terminate()
        for p in self.procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


# -- corpora -------------------------------------------------------------------------

def make_scans(folder: Path, n: int, pages: int) -> list[Path]:
    from bench.formats import long_issue
    from tests import docgen

    made = folder / "made"
    made.mkdir(parents=True, exist_ok=True)
    pdf = docgen.convert(docgen.write_docx(long_issue(), made / "long.docx"), "pdf", made)
    out = folder / "scans"
    out.mkdir(exist_ok=True)
    return [docgen.write_scan(pdf, out / f"scan-{k:03d}.pdf", pages=pages, seed=100 + k) for k in range(n)]


def make_docx(folder: Path, n: int) -> list[Path]:
    from bench.generate import iter_issues
    from tests import docgen

    out = folder / "docx"
    out.mkdir(parents=True, exist_ok=True)
    return [docgen.write_docx(text, out / (Path(name).stem + ".docx")) for name, text, _n in iter_issues(n, 22)]


# -- the ways of reading ---------------------------------------------------------------

class LoadSampler:
    """The 1-minute load average every 2 s while a run goes."""

    def __init__(self) -> None:
        self.values: list[float] = [os.getloadavg()[0]]
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()

    def _run(self) -> None:
        while not self._stop.wait(2.0):
            self.values.append(os.getloadavg()[0])

    def stop(self) -> dict[str, float]:
        self._stop.set()
        self._t.join()
        self.values.append(os.getloadavg()[0])
        return {"min": round(min(self.values), 2), "mean": round(statistics.fmean(self.values), 2),
                "max": round(max(self.values), 2)}


_LIMITS: Any = None  # the run's limits (set before the pool forks)


def _read_one(path: str) -> tuple[int, str | None]:
    from archive.errors import BulletinError
    from archive.readers import read_document
    from indexer.build.distribute import within_budget

    try:
        return len(within_budget(lambda: read_document(Path(path), _LIMITS), path, _LIMITS).ocr), None
    except BulletinError as ex:
        return 0, ex.reason


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def read_local(files: list[Path], procs: int, cache_dir: Path) -> dict[str, Any]:
    """The local process pool: `procs` processes reading into the cache."""
    os.environ["BULLETINS_CACHE"] = str(cache_dir)
    load = LoadSampler()
    c0, t0 = _children_cpu(), time.perf_counter()
    with multiprocessing.get_context("fork").Pool(procs) as pool:
        out = pool.map(_read_one, [str(p) for p in files], chunksize=1)
        pool.close()
        pool.join()
    wall, cpu = time.perf_counter() - t0, _children_cpu() - c0
    rejected = [r for _p, r in out if r]
    return _figures(f"local pool, {procs} processes", len(files), sum(p for p, _r in out), wall, cpu, load.stop(),
                    rejected)


def read_workers(files: list[Path], n: int, folder: Path, cache_dir: Path) -> dict[str, Any]:
    """`n` loopback workers through indexer.build.distribute."""
    from indexer.build.distribute import read_on_workers

    os.environ["BULLETINS_CACHE"] = str(cache_dir)
    with Cluster(folder) as cluster:
        for _ in range(n):
            cluster.add_worker()
        cluster.wait_for(n)
        load = LoadSampler()
        t0 = time.perf_counter()
        done = read_on_workers(cluster.address, [(p.name, p) for p in files])
        wall = time.perf_counter() - t0
        per = {addr: {"files": w.files, "pages": w.pages, "cpu": round(w.cpu, 2), "busy": round(w.seconds, 2)}
               for addr, w in done.workers.items()}
    fig = _figures(f"{n} worker{'s' if n > 1 else ''}", len(files), done.pages, wall,
                   sum(w.cpu for w in done.workers.values()), load.stop(), list(done.rejected.values()))
    fig["per_worker"] = per
    fig["warnings"] = done.warnings
    return fig


def task_overhead(folder: Path, tasks: int = 200) -> dict[str, float]:
    """Dask's round trip of an empty task on one loopback worker, and the cluster's start."""
    from distributed import Client

    t0 = time.perf_counter()
    with Cluster(folder) as cluster:
        cluster.add_worker()
        cluster.wait_for(1)
        started = time.perf_counter() - t0
        with Client(cluster.address, set_as_default=False) as client:
            client.submit(int, 0, pure=False).result()
            t1 = time.perf_counter()
            for k in range(tasks):
                client.submit(int, k, pure=False).result()
            serial = (time.perf_counter() - t1) / tasks
            t2 = time.perf_counter()
            client.gather(client.map(int, range(tasks), pure=False))
            batch = (time.perf_counter() - t2) / tasks
    return {"start_s": round(started, 2), "round_trip_ms": round(serial * 1000, 2),
            "batched_ms": round(batch * 1000, 2)}


def _figures(how: str, files: int, pages: int, wall: float, cpu: float, load: dict[str, float],
             rejected: list[str]) -> dict[str, Any]:
    minutes = wall / 60
    return {
        "how": how, "files": files, "pages": pages, "wall_s": round(wall, 2),
        "files_per_min": round(files / minutes, 1), "pages_per_min": round(pages / minutes, 2) if pages else None,
        "cpu_s": round(cpu, 2), "cpu_s_per_page": round(cpu / pages, 2) if pages else None,
        "cpu_s_per_file": round(cpu / files, 3), "load": load, "rejected": rejected,
    }


IDLE_CPU_S_PER_PAGE = 2.2  # the issue's OCR figure on an idle core (2.0–2.3 s a page, bench/README "Format readers")


def projection(one: dict[str, Any], cores: int, bytes_per_page: int) -> dict[str, Any]:
    """One million pages on N machines of `cores` cores, one worker a core, on paper.

    Separate machines share no core, so N machines do N × cores pages at a time; what they
    share is the archive machine: sending the scans (bytes_per_page over 1 Gbit/s, overlapped
    with the OCR) and the task round trip (tens of ms against seconds a page). Three rates a
    core: the measured wall rate of one worker under this shared load (pessimistic), its
    measured CPU a page (the same worker with its core to itself), the issue's idle 2.2 s."""
    rates = {
        "measured_wall": one["pages_per_min"] / 60,  # pages a second of one worker
        "measured_cpu": 1 / one["cpu_s_per_page"],
        "idle_issue": 1 / IDLE_CPU_S_PER_PAGE,
    }
    rows = []
    for machines in (1, 2, 5, 10, 20, 50, 100):
        w = machines * cores
        rows.append({"machines": machines, "workers": w,
                     **{f"days_{k}": round(MILLION / (r * w) / 86400, 2) for k, r in rates.items()}})
    return {"cores_per_machine": cores, "rows": rows,
            "transfer_hours_at_1gbit": round(MILLION * bytes_per_page / 125e6 / 3600, 2)}


def main(argv: list[str] | None = None) -> int:
    from bench.measure import machine

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scans", type=int, default=4, help="scanned PDFs")
    ap.add_argument("--pages", type=int, default=2, help="pages of each scan")
    ap.add_argument("--docx", type=int, default=60, help=".docx issues")
    ap.add_argument("--procs", type=int, default=os.cpu_count() or 1, help="processes of the local pool")
    ap.add_argument("--ocr-budget", type=float, default=600.0,
                    help="OCR seconds a page allowed in this run (the shared machine's load must not reject pages)")
    ap.add_argument("--out", type=Path, default=None, help="write the figures as JSON here too")
    args = ap.parse_args(argv)
    global _LIMITS
    import dataclasses

    from indexer.build import distribute

    _LIMITS = dataclasses.replace(distribute.run_limits(), ocr_seconds_per_page=args.ocr_budget,
                                  ocr_min_seconds=args.ocr_budget)
    distribute.run_limits = lambda: _LIMITS  # the same limits for the pool and the workers
    os.environ["OMP_NUM_THREADS"] = "1"
    os.environ["PYTHONWARNINGS"] = "ignore"
    folder = Path(tempfile.mkdtemp(prefix="bench-workers-"))
    started = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    try:
        corpora = {}
        if args.scans:
            corpora["scans"] = make_scans(folder, args.scans, args.pages)
        if args.docx:
            corpora["docx"] = make_docx(folder, args.docx)
        results: dict[str, Any] = {"machine": machine(), "started": started, "args": vars(args) | {"out": str(args.out)},
                                   "overhead": task_overhead(folder / "overhead")}
        print(json.dumps(results["overhead"]), file=sys.stderr)
        for name, files in corpora.items():
            rows = []
            for how in ("local", 1, 2):
                cache_dir = folder / f"cache-{name}-{how}"
                if how == "local":
                    rows.append(read_local(files, args.procs, cache_dir))
                else:
                    rows.append(read_workers(files, how, folder / f"cluster-{name}-{how}", cache_dir))
                print(json.dumps(rows[-1], ensure_ascii=False), file=sys.stderr)
                shutil.rmtree(cache_dir, ignore_errors=True)
            results[name] = rows
        if "docx" in results:
            results["two_over_one_docx"] = round(results["docx"][2]["files_per_min"] / results["docx"][1]["files_per_min"], 2)
        if "scans" in results and all(r["pages_per_min"] for r in results["scans"][1:]):
            one, two = results["scans"][1], results["scans"][2]
            results["two_over_one_ocr"] = round(two["pages_per_min"] / one["pages_per_min"], 2)
            results["scan_bytes_per_page"] = int(sum(p.stat().st_size for p in corpora["scans"]) / max(1, one["pages"]))
            results["projection"] = projection(one, os.cpu_count() or 1, results["scan_bytes_per_page"])
        results["finished"] = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    text = json.dumps(results, ensure_ascii=False, indent=1)
    print(text)
    if args.out is not None:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
