"""How many slow clients the server holds while still answering others within 1 s.

    python -m bench.slow_clients [--clients 100,200,400,800] [--seconds 8] [--plain-waitress]

Serves the app (over an index of the seed issue) on 127.0.0.1, attaches N
clients that each send one byte of a request per second, and meanwhile times
ordinary `/api/search` requests, one every 0.25 s. `--plain-waitress` serves
with waitress's defaults (what `bulletins serve` did before webui/server.py).
Prints one JSON line per N.
"""

from __future__ import annotations

import argparse
import http.client
import json
import shutil
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

SEED = Path(__file__).resolve().parents[1] / "corpus" / "江苏精神文明建设简报-2022-第11期.txt"
SLOW_REQUEST = b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 10_000


def slow_clients(port: int, n: int, stop: threading.Event, opened: list[socket.socket]) -> None:
    """`n` connections to 127.0.0.1:`port` that each send one byte of a request a second until
    `stop` (the server closing one drops it from `opened`); tests/test_robust_server.py uses it too."""
    for _ in range(n):
        s = socket.socket()
        s.settimeout(5)
        try:
            s.connect(("127.0.0.1", port))
        except OSError:
            s.close()
            continue
        opened.append(s)
    sent = 0
    while not stop.is_set():
        for s in list(opened):
            try:
                s.send(SLOW_REQUEST[sent % len(SLOW_REQUEST) : sent % len(SLOW_REQUEST) + 1])
            except OSError:
                opened.remove(s)
                s.close()
        sent += 1
        stop.wait(1.0)


def measure(app: Any, n: int, seconds: float, plain: bool) -> dict[str, Any]:
    if plain:
        from waitress.server import create_server

        server = create_server(app, host="127.0.0.1", port=0, threads=4)
    else:
        from webui.server import create_server

        server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    port = int(server.effective_port)
    stop = threading.Event()
    opened: list[socket.socket] = []
    slow = threading.Thread(target=slow_clients, args=(port, n, stop, opened), daemon=True)
    slow.start()
    time.sleep(1.5)
    latencies: list[float | None] = []
    held: list[int] = []
    t_end = time.monotonic() + seconds
    while time.monotonic() < t_end:
        held.append(len(server.active_channels))
        t0 = time.perf_counter()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/search?q=%E5%BF%97%E6%84%BF%E6%9C%8D%E5%8A%A1")
            ok = conn.getresponse().status == 200
            conn.close()
            latencies.append(time.perf_counter() - t0 if ok else None)
        except OSError:
            latencies.append(None)  # timed out or refused: locked out
        time.sleep(0.25)
    stop.set()
    slow.join(timeout=5)
    for s in opened:
        s.close()
    server.close()
    thread.join(timeout=5)
    answered = [x for x in latencies if x is not None]
    return {
        "slow_clients": n,
        "server": "plain waitress" if plain else "webui.server",
        "connections_held_max": max(held) if held else 0,
        "requests": len(latencies),
        "answered_within_1s": sum(1 for x in answered if x <= 1.0),
        "failed_or_timed_out": len(latencies) - len(answered),
        "max_seconds": round(max(answered), 3) if answered else None,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", default="100,200,400,800")
    ap.add_argument("--seconds", type=float, default=8.0)
    ap.add_argument("--plain-waitress", action="store_true")
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-slow-"))
    (work / "corpus").mkdir()
    shutil.copy(SEED, work / "corpus" / SEED.name)
    from indexer.build.builder import build_index
    from webui import create_app

    build_index(work / "corpus", work / "index", procs=1)
    app = create_app({"TESTING": True, "INDEX_DIR": str(work / "index")})
    for n in (int(x) for x in args.clients.split(",")):
        print(json.dumps(measure(app, n, args.seconds, args.plain_waitress)), flush=True)
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
