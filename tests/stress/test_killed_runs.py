"""kill -9 `bulletins index` at random moments: the served index stays whole, the next run cleans up.

After every kill, a fresh IndexHandle must see exactly the articles of the
last completed run (the old manifest) or of the killed run (the new one, when
the kill came after its commit), never a mixture; the next, unkilled run must
complete without manual cleanup. Short version in `make test` (3 kills),
long version in `make stress` (20 per mode).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from indexer.store import handles as store
from indexer.store.handles import IndexHandle
from tests.conftest import generated_corpus

CLI = [sys.executable, "-c", "from bulletins.cli import cli; cli()"]


def index_run(corpus: Path, index: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*CLI, "index", "--json", "--procs", "2", "--corpus", str(corpus), "--index", str(index), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )


def finish(proc: subprocess.Popen[str], timeout: float = 180) -> dict:
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, err[-3000:]
    return json.loads(out)


def served(index: Path) -> tuple[int, frozenset[str]]:
    """(article count, `source` keys: relpath + sha) of the serving index, through a fresh handle."""
    handle = IndexHandle(index)
    try:
        s = handle.searcher()
        r = s.reader()
        col = r.column_reader("source")
        docs = list(r.all_doc_ids())
        assert s.doc_count() == len(docs)
        return len(docs), frozenset(col[d] for d in docs)
    finally:
        handle.close()


def article_count(index: Path) -> int:
    handle = IndexHandle(index)
    try:
        return handle.searcher().doc_count()
    finally:
        handle.close()


def reap_orphans(proc: subprocess.Popen[str], limit: float = 30.0) -> float:
    """Workers forked by the killed run notice the closed pipe and exit; wait (bounded) for them."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            return time.monotonic() - t0
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # our own process group, started by this test
    pytest.fail(f"workers of the killed run were still alive after {limit} s")


def kill_at(proc: subprocess.Popen[str], delay: float) -> bool:
    """SIGKILL the run after `delay` s; False when it had already finished."""
    try:
        proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        pass
    else:
        proc.communicate()  # close its pipes
        return False
    os.kill(proc.pid, signal.SIGKILL)  # the main process only, as the OOM killer would
    proc.communicate(timeout=30)
    return True


def check_clean(index: Path, run_started: float | None = None) -> None:
    """No Whoosh scratch folders; other generations only while still inside the stale window.

    Clean-up happens when a run starts, so a generation may pass the window
    while that run is going: it is judged at `run_started` when given.
    """
    cur = store.current_dir(index)
    assert cur is not None
    assert not list(cur.glob("*.tmp")), list(cur.glob("*.tmp"))
    now = run_started if run_started is not None else time.time()
    for entry in index.iterdir():
        if entry.name.startswith(store.GEN_PREFIX) and entry != cur:
            # the window runs from the swap (RETIRED) when the generation was ever replaced
            retired = entry / store.RETIRED
            since = float(retired.read_text()) if retired.exists() else entry.stat().st_mtime
            assert now - since < store.STALE_SECONDS, f"{entry.name} outlived the stale window"
        assert not entry.name.startswith(".current."), entry.name


def age_out_old_generations(index: Path) -> list[str]:
    """Make every non-current generation look replaced longer than STALE_SECONDS ago
    (the grace runs from the swap, recorded in its RETIRED file; the API has no window option)."""
    cur = store.current_dir(index)
    old = [e for e in index.iterdir() if e.name.startswith(store.GEN_PREFIX) and e != cur]
    past = time.time() - store.STALE_SECONDS - 10
    for e in old:
        (e / store.RETIRED).write_text(f"{past:.3f}\n")
        os.utime(e, (past, past))
    return [e.name for e in old]


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory, run_stress: bool) -> list[Path]:
    issues = 240 if run_stress else 90
    return generated_corpus(tmp_path_factory.mktemp("gen-pool"), issues, seed=11)


def _setup(tmp_path: Path, pool: list[Path], initial: int) -> tuple[Path, Path, list[Path]]:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    for p in pool[:initial]:
        os.link(p, corpus / p.name)
    t0 = time.perf_counter()
    finish(index_run(corpus, index))
    return corpus, index, pool[initial:]


def _change_corpus(corpus: Path, spare: list[Path], rng: random.Random, step: int) -> None:
    """Add a few new issues, change one, remove one: every run has something to do."""
    for _ in range(min(3, len(spare))):
        p = spare.pop()
        os.link(p, corpus / p.name)
    files = sorted(corpus.iterdir())
    victim = rng.choice(files)
    text = victim.read_text(encoding="utf-8")
    victim.unlink()  # a fresh inode: the pool's hard link keeps the original
    victim.write_text(text.replace("。", f"。变更{step}。", 1), encoding="utf-8")
    gone = rng.choice([f for f in sorted(corpus.iterdir()) if f != victim])
    gone.unlink()


def _kill_loop(tmp_path: Path, pool: list[Path], mode: str, kills: int, seed: int) -> dict[str, float]:
    rng = random.Random(seed)
    initial = len(pool) // 2 if mode == "incremental" else len(pool) - 3 * kills - 5
    corpus, index, spare = _setup(tmp_path, pool, initial)
    extra = ("--rebuild",) if mode == "rebuild" else ()
    # how long one run takes, to spread the kills over all of it
    _change_corpus(corpus, spare, rng, 0)
    t0 = time.perf_counter()
    finish(index_run(corpus, index, *extra))
    span = time.perf_counter() - t0
    figures = {"kills": 0, "old": 0, "new": 0, "finished": 0, "span": span, "orphan_s": 0.0}
    step = 0
    while figures["kills"] < kills and step < kills * 3:
        step += 1
        before = served(index)
        _change_corpus(corpus, spare, rng, step)
        proc = index_run(corpus, index, *extra)
        killed = kill_at(proc, rng.uniform(0.05, span * 1.05))
        after_kill = served(index)  # readable at once, while orphaned workers may still run
        figures["orphan_s"] = max(figures["orphan_s"], reap_orphans(proc))
        next_started = time.time()
        report = finish(index_run(corpus, index))  # the next run: no manual cleanup
        assert report["rejected"] == [], report["rejected"]
        new = served(index)
        assert new[0] == report["articles"]
        if not killed:
            figures["finished"] += 1
            continue
        figures["kills"] += 1
        assert after_kill in (before, new), (
            f"after kill {figures['kills']} the index held {after_kill[0]} articles: "
            f"neither the old {before[0]} nor the new {new[0]} (or the same count from other files)"
        )
        figures["old" if after_kill == before else "new"] += 1
        check_clean(index, next_started)
    assert figures["kills"] == kills, figures
    # once the stale window has passed, the next run removes what killed runs left
    aged = age_out_old_generations(index)
    final = finish(index_run(corpus, index))
    cur = store.current_dir(index)
    assert cur is not None
    left = [e.name for e in index.iterdir() if e.name.startswith(store.GEN_PREFIX) and e != cur]
    assert left == [], f"aged generations {aged} not removed: {left}"
    assert not list(cur.glob("*.tmp"))
    assert article_count(index) == final["articles"] == served(index)[0]
    return figures


def _report(mode: str, f: dict[str, float]) -> None:
    print(f"\n[kill -9 {mode}] {f['kills']:.0f} kills survived (index as before: {f['old']:.0f}, "
          f"as after the killed run's commit: {f['new']:.0f}); {f['finished']:.0f} runs finished before "
          f"their kill; a run takes {f['span']:.1f} s; orphaned workers gone within {f['orphan_s']:.1f} s")


@pytest.mark.parametrize("mode", ["rebuild", "incremental"])
def test_kill_minus_9_short(tmp_path: Path, pool: list[Path], mode: str, run_stress: bool) -> None:
    if run_stress:
        pytest.skip("the long version runs instead")
    kills = 2 if mode == "rebuild" else 1  # 3 kills in `make test`
    _report(mode, _kill_loop(tmp_path, pool, mode, kills, seed=1))


@pytest.mark.stress
@pytest.mark.parametrize("mode", ["rebuild", "incremental"])
def test_kill_minus_9_long(tmp_path: Path, pool: list[Path], mode: str) -> None:
    _report(mode, _kill_loop(tmp_path, pool, mode, 20, seed=2))
