"""Session 8's faults: the reading worker's idle timeout, and the general mechanisms the new
fault kinds of bench/faults (dev group) called for. Each test fails on the code before them."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from archive.readers import budget, reading_worker
from archive.readers.limits import Limits
from tests.docgen import SEED


def _issue_file(folder: Path, issue: int) -> Path:
    path = folder / f"简报-第{issue}期.txt"
    path.write_text(SEED.read_text(encoding="utf-8").replace("第11期", f"第{issue}期"), encoding="utf-8")
    return path


def test_an_idle_reading_worker_ends_and_the_next_file_gets_a_fresh_one(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A web server's reading thread kept its worker (~37 MB) for ever; past IDLE_SECONDS without
    a file it ends by itself, and the thread's next file is read by a fresh one."""
    budget.stop_readers()
    monkeypatch.setattr(reading_worker, "IDLE_SECONDS", 0.5)
    good = _issue_file(tmp_path, 7)
    assert budget.parse_within_budget(good).issue == 7
    reader = reading_worker.thread_reader()
    deadline = time.monotonic() + 10
    while reader.proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert reader.proc.returncode == reading_worker.IDLE_EXIT
    assert budget.parse_within_budget(good).issue == 7
    assert reading_worker.thread_reader().pid != reader.pid
    budget.stop_readers()


def test_a_file_sent_to_a_worker_that_just_ended_idle_is_read_not_refused(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The race of the idle timeout: the thread took its worker as live, the worker ended idle,
    the file went down a closed pipe. It is read by a fresh worker, not refused as a dead worker's."""
    from archive.parse import parse_file

    budget.stop_readers()
    reader = reading_worker.Reader(idle_seconds=0.3)
    reading_worker._local.reader = reader
    reader.proc.wait(timeout=10)
    assert reader.proc.returncode == reading_worker.IDLE_EXIT
    monkeypatch.setattr(reading_worker.Reader, "ready", lambda self: True)  # taken as live: the race
    good = _issue_file(tmp_path, 8)
    limits = Limits()
    b = reading_worker.read_file(parse_file, (good, limits), str(good), limits)
    assert b.issue == 8
    assert reading_worker.thread_reader() is not reader
    budget.stop_readers()


def test_a_busy_worker_does_not_end_idle(tmp_path: Path) -> None:
    """The idle timeout counts time without a file, never a file's own reading time."""
    reader = reading_worker.Reader(idle_seconds=1.0)
    try:
        pids = set()
        for k in range(4):
            pids.add(reader.read(os.getpid, (), f"f{k}", Limits()))
            time.sleep(0.4)
        assert pids == {reader.pid} and reader.ready()
    finally:
        reader.stop()


def test_the_cli_speaks_the_language_of_each_run_not_of_the_first(tmp_path: Path) -> None:
    """The language was fixed at the process's first message: a run asked for in Chinese after
    an English one (a test runner's LANGUAGE=en, the fault judge's zh_CN runs) spoke English."""
    from click.testing import CliRunner

    from bulletins.cli import cli

    bad = tmp_path / "empty.txt"
    bad.write_text("", encoding="utf-8")
    en = CliRunner().invoke(cli, ["check", str(bad)], env={"LANGUAGE": "en"})
    zh = CliRunner().invoke(cli, ["check", str(bad)], env={"LANGUAGE": "zh_CN"})
    assert en.exit_code == zh.exit_code == 1
    assert "rejected" in en.output and "已拒绝" not in en.output, en.output
    assert "已拒绝" in zh.output and "rejected" not in zh.output, zh.output
