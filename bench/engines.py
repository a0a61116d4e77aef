"""Celery with Redis on loopback, measured as bench/workers.py measures Dask (issue 22: choose the engine).

Not a dependency of the project: run it with a scratch venv that has Celery, and Debian's redis-server:

    python3 -m venv /tmp/celery && /tmp/celery/bin/pip install 'celery[redis]==5.7.0'
    /tmp/celery/bin/python bench/engines.py

Measured: redis-server's and a Celery worker's start (until it answers), the round
trip of an empty task, which addresses they listen on, and what becomes of a task
whose worker dies mid-task (acks_late and reject_on_worker_lost set, as one must for
"no file lost"): (a) the pool child running it is SIGKILLed; (b) the whole worker
(main process and child: a machine that goes away) is SIGKILLed and a new worker
started. Dask's figures for the same questions come from bench/workers.py and
tests/test_workers.py.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PORT = 16379
TASKS = """
import time
from celery import Celery
app = Celery("t", broker="redis://127.0.0.1:%d/0", backend="redis://127.0.0.1:%d/1")
app.conf.task_acks_late = True
app.conf.task_reject_on_worker_lost = True
app.conf.worker_prefetch_multiplier = 1

@app.task
def noop(x):
    return x

@app.task
def slow(seconds, mark):
    open(mark, "w").write(str(__import__("os").getpid()))
    time.sleep(seconds)
    return "done"
""" % (PORT, PORT)


def listening(pid: int) -> list[str]:
    out = subprocess.run(["ss", "-ltnpH"], capture_output=True, text=True).stdout
    return sorted({line.split()[3] for line in out.splitlines() if f"pid={pid}," in line})


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="engines-"))
    (folder / "tasks.py").write_text(TASKS)
    sys.path.insert(0, str(folder))
    env = dict(os.environ, PYTHONPATH=str(folder))
    celery = str(Path(sys.executable).parent / "celery")
    res: dict[str, object] = {"load_start": os.getloadavg()[0]}
    procs: list[subprocess.Popen] = []

    def worker(name: str) -> subprocess.Popen:
        p = subprocess.Popen([celery, "-A", "tasks", "worker", "-c", "1", "--pool", "prefork", "-n", f"{name}@%h",
                              "--without-gossip", "--without-mingle", "-l", "warning"], cwd=folder, env=env,
                             stdout=open(folder / f"{name}.log", "ab"), stderr=subprocess.STDOUT,
                             start_new_session=True)
        procs.append(p)
        return p

    t0 = time.perf_counter()
    redis = subprocess.Popen(["redis-server", "--bind", "127.0.0.1", "--port", str(PORT), "--save", "",
                              "--appendonly", "no"], stdout=subprocess.DEVNULL)
    procs.append(redis)
    while subprocess.run(["redis-cli", "-p", str(PORT), "ping"], capture_output=True).stdout.strip() != b"PONG":
        time.sleep(0.05)
    res["redis_start_s"] = round(time.perf_counter() - t0, 2)
    res["redis_listens"] = listening(redis.pid)
    try:
        import tasks  # noqa: the module written above

        t0 = time.perf_counter()
        w1 = worker("w1")
        while not tasks.app.control.ping(timeout=0.5):
            pass
        res["worker_start_s"] = round(time.perf_counter() - t0, 2)
        res["worker_listens"] = listening(w1.pid)
        tasks.noop.delay(0).get(timeout=30)
        t0 = time.perf_counter()
        for k in range(200):
            tasks.noop.delay(k).get(timeout=30)
        res["round_trip_ms"] = round((time.perf_counter() - t0) / 200 * 1000, 2)

        # (a) the pool child dies mid-task
        mark = folder / "a.pid"
        r = tasks.slow.delay(3, str(mark))
        while not mark.exists():
            time.sleep(0.05)
        time.sleep(0.3)
        os.kill(int(mark.read_text()), signal.SIGKILL)
        t0 = time.perf_counter()
        try:
            res["child_killed"] = f"{r.get(timeout=60, propagate=False)!r} after {time.perf_counter() - t0:.1f} s"
        except Exception as ex:
            res["child_killed"] = f"{type(ex).__name__}: {ex}"

        # (b) the whole worker dies mid-task; another worker is there
        w2 = worker("w2")
        time.sleep(3)
        mark = folder / "b.pid"
        r = tasks.slow.delay(3, str(mark))
        while not mark.exists():
            time.sleep(0.05)
        child = int(mark.read_text())
        owner = w1 if child in _tree(w1.pid) else w2
        res["killed_worker"] = "w1" if owner is w1 else "w2"
        os.killpg(owner.pid, signal.SIGKILL)  # the main process and its pool child: the other worker lives
        t0 = time.perf_counter()
        try:
            got = r.get(timeout=90, propagate=False)
            res["worker_killed"] = f"{got!r} after {time.perf_counter() - t0:.1f} s"
        except Exception as ex:
            res["worker_killed"] = f"not rerun within 90 s ({type(ex).__name__}); broker visibility_timeout " \
                                   f"{tasks.app.conf.broker_transport_options.get('visibility_timeout', 3600)} s"
    finally:
        for p in procs:
            try:
                os.killpg(p.pid, signal.SIGTERM) if p is not redis else p.terminate()
            except ProcessLookupError:
                pass
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
    res["load_end"] = os.getloadavg()[0]
    print(json.dumps(res, ensure_ascii=False, indent=1))
    return 0


def _tree(pid: int) -> set[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    kids = {int(x) for x in out.split()}
    return {pid} | kids


if __name__ == "__main__":
    sys.exit(main())
