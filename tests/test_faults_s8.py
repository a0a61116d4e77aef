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


def _indexed(tmp_path: Path) -> tuple[Path, Path]:
    from click.testing import CliRunner

    from bulletins.cli import cli

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    _issue_file(corpus, 3)
    r = CliRunner().invoke(cli, ["index", "--corpus", str(corpus), "--index", str(index)])
    assert r.exit_code == 0, r.output
    return corpus, index


def test_an_export_to_a_full_disk_says_so_in_chinese(tmp_path: Path) -> None:
    """The system's English words (No space left on device) were the reason; one Chinese reason now."""
    from click.testing import CliRunner

    from bulletins.cli import cli

    _, index = _indexed(tmp_path)
    r = CliRunner().invoke(cli, ["export", "志愿服务", "-o", "/dev/full", "--force", "--index", str(index)],
                           env={"LANGUAGE": "zh_CN"})
    assert r.exit_code == 1 and r.exception is None or isinstance(r.exception, SystemExit), r.output
    assert "磁盘空间已满（ENOSPC）" in r.output and "No space" not in r.output, r.output


@pytest.mark.parametrize("sink", ["full", "closed"])
def test_output_to_a_full_device_or_a_closed_pipe_is_no_traceback(tmp_path: Path, sink: str) -> None:
    """`bulletins search … > /dev/full` ended in a traceback; `| head -0` in "Exception ignored" (and
    then, session 9, in nothing at all: it now says so in one line, exit 1)."""
    import subprocess
    import sys

    _, index = _indexed(tmp_path)
    argv = [sys.executable, "-c", "from bulletins.cli import cli; cli()", "search", "志愿服务", "--index", str(index)]
    env = {**os.environ, "LANGUAGE": "zh_CN"}
    if sink == "full":
        with open("/dev/full", "wb") as out:
            p = subprocess.run(argv, stdout=out, stderr=subprocess.PIPE, env=env, timeout=120)
        err = p.stderr.decode()
        assert p.returncode == 1 and "磁盘空间已满" in err, err
    else:
        q = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        assert q.stdout is not None and q.stderr is not None
        q.stdout.close()
        with q.stderr:
            err = q.stderr.read().decode()
        q.wait(timeout=120)
        assert q.returncode == 1 and err.strip() == "错误：输出管道已关闭（读取输出的程序已退出），其余输出未写出", err
    assert "Traceback" not in err and "Exception ignored" not in err, err


def test_a_folder_holding_a_name_that_is_no_utf8_is_checked_and_named_escaped(tmp_path: Path) -> None:
    """A GBK-named file in a folder given to `check`: UnicodeEncodeError (surrogates not allowed)."""
    from click.testing import CliRunner

    from bulletins.cli import cli

    folder = tmp_path / "in"
    folder.mkdir()
    raw = os.fsencode(str(folder)) + b"/" + "志愿服务".encode("gbk") + b".txt"
    Path(os.fsdecode(raw)).write_bytes(SEED.read_bytes())
    r = CliRunner().invoke(cli, ["check", str(folder)])
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    assert r.exit_code == 0 and "\\xb7\\xfe" in r.output, r.output


@pytest.mark.parametrize("odd", ["dev-zero", "dangling", "fifo"])
def test_a_run_lock_that_is_no_regular_file_is_replaced(tmp_path: Path, odd: str) -> None:
    """`.lock` a link to /dev/zero: index refused (Too many levels of symbolic links) for ever."""
    from click.testing import CliRunner

    from bulletins.cli import cli

    corpus, index = _indexed(tmp_path)
    lock = index / ".lock"
    lock.unlink(missing_ok=True)
    if odd == "dev-zero":
        lock.symlink_to("/dev/zero")
    elif odd == "dangling":
        lock.symlink_to("gone/lock")
    else:
        os.mkfifo(lock)
    _issue_file(corpus, 4)
    r = CliRunner().invoke(cli, ["index", "--corpus", str(corpus), "--index", str(index)])
    assert r.exit_code == 0, r.output
    assert lock.is_file() and not lock.is_symlink()


def test_a_blank_image_of_tens_of_millions_of_pixels_is_refused_before_ocr(tmp_path: Path) -> None:
    """A one-colour PNG under the pixel cap (a blank 'scan' compressing to kilobytes) was OCRed
    for a minute and more; nothing on it can be read: refused at once, saying so."""
    from PIL import Image

    from archive.errors import BulletinError

    path = tmp_path / "blank.png"
    Image.new("L", (6_000, 9_000), 255).save(path)
    with pytest.raises(BulletinError, match="一片空白"):
        budget.parse_within_budget(path)
