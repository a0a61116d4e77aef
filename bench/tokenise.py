"""The tokenisation limit: how fast jieba precise mode (`jieba.lcut`) cuts the corpus text.

Any index build must at least cut its text once, so MB/s here bounds build
speed from above for one and for two processes (multiprocessing).
"""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path
from typing import Any

from bench.measure import spread


def sample_text(corpus_dir: Path, max_bytes: int) -> list[str]:
    """Non-empty lines of the corpus files, in name order, up to about `max_bytes` of UTF-8."""
    lines: list[str] = []
    size = 0
    for p in sorted(corpus_dir.iterdir()):
        if p.suffix not in (".txt", ".md"):
            continue
        for ln in p.read_text(encoding="utf-8").splitlines():
            if ln.strip():
                lines.append(ln)
                size += len(ln.encode("utf-8"))
        if size >= max_bytes:
            break
    return lines


def _init() -> None:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()


def _cut(chunk: list[str]) -> int:
    import jieba

    return sum(len(jieba.lcut(t)) for t in chunk)


def _chunks(lines: list[str], n: int) -> list[list[str]]:
    size = max(1, len(lines) // n)
    return [lines[i:i + size] for i in range(0, len(lines), size)]


def bench_jieba(lines: list[str], procs: int, repeat: int) -> dict[str, Any]:
    """Cut `lines` with `procs` worker processes (start-up and dictionary load excluded)."""
    nbytes = sum(len(ln.encode("utf-8")) for ln in lines)
    chunks = _chunks(lines, 64)
    with multiprocessing.get_context("fork").Pool(procs, initializer=_init) as pool:
        pool.map(_cut, [["预热 文本"]] * procs * 4)  # make sure every worker loaded its dictionary
        secs = []
        tokens = 0
        for _ in range(repeat):
            t0 = time.perf_counter()
            tokens = sum(pool.map(_cut, chunks, chunksize=1))
            secs.append(time.perf_counter() - t0)
    best = min(secs)
    return {"procs": procs, "bytes": nbytes, "tokens": tokens, "seconds": spread(secs),
            "mb_per_s": nbytes / 1e6 / best, "tokens_per_s": tokens / best}


def bench_rjieba(lines: list[str], repeat: int) -> dict[str, Any]:
    """rjieba (Rust jieba) in this process, when it is installed."""
    try:
        import rjieba  # type: ignore[import-not-found]
    except ImportError:
        return {"skipped": "rjieba is not installed"}
    nbytes = sum(len(ln.encode("utf-8")) for ln in lines)
    rjieba.cut("预热")
    secs = []
    tokens = 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        tokens = sum(len(rjieba.cut(t)) for t in lines)
        secs.append(time.perf_counter() - t0)
    return {"procs": 1, "bytes": nbytes, "tokens": tokens, "seconds": spread(secs),
            "mb_per_s": nbytes / 1e6 / min(secs)}


def bench_tokenise(corpus_dir: Path, max_bytes: int, repeat: int) -> dict[str, Any]:
    lines = sample_text(corpus_dir, max_bytes)
    return {
        "jieba_lcut_1proc": bench_jieba(lines, 1, repeat),
        "jieba_lcut_2proc": bench_jieba(lines, 2, repeat),
        "rjieba": bench_rjieba(lines, repeat),
    }
