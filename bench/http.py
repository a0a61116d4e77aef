"""Benchmark of `bulletins serve` over HTTP: start-up to first answer, latency, RSS.

All traffic goes to 127.0.0.1 and every loop is bounded.
"""

from __future__ import annotations

import http.client
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, Sequence

from bench.measure import latency_summary, vm_rss_mb
from bench.queries import BenchQuery

# No proxies: a benchmark of a local server must never leave the machine.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(port: int, params: Sequence[tuple[str, str]], timeout: float = 30.0) -> tuple[int, bytes]:
    """GET /api/search on 127.0.0.1:`port`; (status, body)."""
    url = f"http://127.0.0.1:{port}/api/search?" + urllib.parse.urlencode(list(params))
    try:
        with _OPENER.open(url, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except (OSError, http.client.HTTPException) as e:  # reset, refused, timeout: status -1
        return -1, f"{type(e).__name__}: {e}".encode()


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def bench_http(bulletins: Path, index_dir: Path, queries: Sequence[BenchQuery], total: int = 1000,
               startup_timeout: float = 120.0, log_dir: Path | None = None, extra: Sequence[str] = ()) -> dict[str, Any]:
    """Start the server, time start-up to the first answered query, send `total` queries, read RSS;
    `extra`: more `serve` arguments (`--backend …`, bench.backends)."""
    port = free_port()
    argv = [str(bulletins), "serve", "--index", str(index_dir), "--host", "127.0.0.1", "--port", str(port), *extra]
    log = open(log_dir / f"serve-{port}.log", "wb") if log_dir else subprocess.DEVNULL
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
    try:
        startup = None
        while time.perf_counter() - t0 < startup_timeout:
            if proc.poll() is not None:
                return {"skipped": f"`bulletins serve` exited with {proc.returncode} before answering",
                        "argv": argv}
            try:
                status, _ = get(port, [("q", "文明")], timeout=5)
                if status == 200:
                    startup = time.perf_counter() - t0
                    break
            except OSError:
                pass
            time.sleep(0.1)
        if startup is None:
            return {"skipped": f"no answer within {startup_timeout:.0f} s", "argv": argv}
        rss_start = vm_rss_mb(proc.pid)
        for q in queries:  # warm-up, one each
            get(port, q.url_params())
        latencies: list[float] = []
        per_query: dict[str, list[float]] = {q.name: [] for q in queries}
        errors: dict[str, str] = {}
        exited = None
        sent = 0
        for i in range(total):
            q = queries[i % len(queries)]
            t = time.perf_counter()
            status, body = get(port, q.url_params())
            dt = time.perf_counter() - t
            sent += 1
            if status != 200:
                errors[q.name] = f"{status} after {dt:.1f} s: {body[:200].decode('utf-8', 'replace')}"
            latencies.append(dt)
            per_query[q.name].append(dt)
            if proc.poll() is not None:
                exited = proc.returncode
                break
        return {
            "server_exited": exited,
            "startup_to_first_answer_s": startup,
            "queries": sent,
            "latency": latency_summary(latencies),
            "per_query_p50_ms": {k: latency_summary(v)["p50_ms"] for k, v in per_query.items() if v},
            "errors": errors,
            "rss_mb_at_start": rss_start,
            "rss_mb_after": vm_rss_mb(proc.pid),
            "argv": argv,
        }
    finally:
        _stop(proc)
        if log_dir:
            log.close()  # type: ignore[union-attr]
