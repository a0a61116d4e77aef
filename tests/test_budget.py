"""The per-file budget (issue 18): bombs that per-format limits miss are named rejections in
`check`, `add` and `index` alike, and the run goes on with the other files."""

from __future__ import annotations

import json
import os
import resource
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.errors import BulletinReadError
from archive.readers import Limits, read_file_bytes
from archive.readers import budget, reading_worker
from archive.readers.limits import BUDGET_SETTINGS, BudgetSettingError, budget_table
from bulletins.cli import cli
from tests import bombs, docgen
from tests.docgen import SEED

ROOT = Path(__file__).resolve().parent.parent


def _bulletins(args: list[str], tmp: Path, timeout: float = 120, env: dict[str, str] | None = None
               ) -> subprocess.CompletedProcess:
    """`bulletins ARGS` in its own process, its temp folder `tmp`, with a hang guard and a 3 GB
    address-space cap (so that the old, unbudgeted reading fails the test instead of the machine)."""
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (3 << 30, resource.RLIM_INFINITY))

    full_env = {**os.environ, "TMPDIR": str(tmp), "BULLETINS_CACHE": "", **(env or {})}
    return subprocess.run([sys.executable, "-c", "from bulletins.cli import cli; cli()", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=timeout, env=full_env, preexec_fn=cap)


def _run_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "tmp"
    folder.mkdir()
    return folder


# -- the cases of issue 18 --------------------------------------------------------


def test_ofd_of_nested_composite_units_is_refused_by_the_object_budget(tmp_path):
    bomb = bombs.write_ofd_composite_bomb(tmp_path / "bomb.ofd")
    assert bomb.stat().st_size < 1600  # 10**7 text objects from 1.5 KB
    started = time.monotonic()
    r = _bulletins(["check", str(bomb), str(SEED)], _run_dir(tmp_path))
    assert time.monotonic() - started < 60
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert f"rejected {bomb}: 超出对象预算" in r.stderr and "2,000,000" in r.stderr  # names the budget and its value
    assert "1 of 2 file(s) rejected" in r.stderr
    assert "江苏精神文明建设简报" in r.stdout  # the run went on


def test_image_only_pdf_of_1000_pages_is_refused_before_any_page_is_rendered(tmp_path):
    pdf = docgen.write_raw_pdf(tmp_path / "scan.pdf", pages=1000)  # no text layer: OCR would read it
    tmp = _run_dir(tmp_path)
    started = time.monotonic()
    r = _bulletins(["check", str(pdf)], tmp)
    assert time.monotonic() - started < 60  # not an hour of rendering
    assert r.returncode == 1
    assert "超出 OCR 页数预算：需要 OCR 的页面有 1,000 页（ocr_pages 上限 20 页" in r.stderr
    assert "--ocr-pages N" in r.stderr
    assert not any(tmp.rglob("*.png"))  # nothing rendered, nothing left behind
    assert [p for p in tmp.rglob("*") if p.is_dir() and p.parent.name.startswith("bulletins-read")] == []


def test_the_ocr_cap_is_the_operators_to_set(tmp_path):
    pdf = docgen.write_raw_pdf(tmp_path / "three.pdf", pages=3)
    r = _bulletins(["check", str(pdf)], _run_dir(tmp_path), env={"BULLETINS_OCR_PAGES": "2"})
    assert "需要 OCR 的页面有 3 页（ocr_pages 上限 2 页" in r.stderr
    r = CliRunner().invoke(cli, ["check", "--ocr-pages", "1", str(pdf)])
    assert "需要 OCR 的页面有 3 页（ocr_pages 上限 1 页" in r.stderr
    assert os.environ.get("BULLETINS_OCR_PAGES") is None  # the option does not outlive the command
    r = CliRunner().invoke(cli, ["check", str(pdf)], env={"BULLETINS_READ_MEMORY_MB": "lots"})
    assert r.exit_code == 2 and "BULLETINS_READ_MEMORY_MB='lots' 无效" in r.output
    assert Limits.from_env({"BULLETINS_OCR_PAGES": "200", "BULLETINS_READ_TEMP_MB": "64"}) == Limits(
        ocr_pages=200, temp_bytes=64 * 1024 * 1024)
    with pytest.raises(BudgetSettingError):
        Limits.from_env({"BULLETINS_READ_SECONDS": "-5"})


def test_docx_of_3000_nested_content_controls_is_a_named_rejection_in_check(tmp_path):
    deep = bombs.write_deep_docx(tmp_path / "deep.docx")
    r = CliRunner().invoke(cli, ["check", str(deep), str(SEED)])
    assert r.exception is None or isinstance(r.exception, SystemExit)  # no RecursionError traceback
    assert r.exit_code == 1
    assert f"rejected {deep}: 文档结构嵌套过深" in r.stderr
    assert "江苏精神文明建设简报" in r.stdout


def test_add_of_a_good_and_a_deep_docx_indexes_the_good_one_only(tmp_path):
    good = docgen.write_docx(SEED.read_text("utf-8"), tmp_path / "good.docx")
    deep = bombs.write_deep_docx(tmp_path / "deep.docx")
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    r = CliRunner().invoke(cli, ["add", "--json", str(good), str(deep), "--corpus", str(corpus), "--index", str(index)])
    assert r.exception is None or isinstance(r.exception, SystemExit)
    assert r.exit_code == 1  # one file rejected
    assert f"rejected {deep}: 文档结构嵌套过深" in r.stderr
    assert sorted(p.name for p in corpus.iterdir()) == ["江苏精神文明建设简报-2022-第11期.docx"]
    summary = json.loads(r.stdout.strip().splitlines()[-1])
    assert summary["added"] == 1 and summary["articles"] > 0
    hits = CliRunner().invoke(cli, ["search", "--index", str(index), "--json", "志愿服务"])
    assert "江苏精神文明建设简报" in hits.output


@pytest.mark.parametrize("command", ["check", "add"])
def test_a_fifo_and_dev_zero_are_refused_not_read(tmp_path, command):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    extra = ["--corpus", str(tmp_path / "corpus"), "--index", str(tmp_path / "index")] if command == "add" else []
    r = _bulletins([command, str(fifo), "/dev/zero", str(SEED), *extra], _run_dir(tmp_path), timeout=90)
    assert f"rejected {fifo}: 不是普通文件（命名管道（FIFO））" in r.stderr
    assert "rejected /dev/zero: 不是普通文件（字符设备）" in r.stderr
    assert "Traceback" not in r.stderr and r.returncode == 1
    if command == "add":
        assert [p.name for p in (tmp_path / "corpus").iterdir()] == [SEED.name]


def test_only_regular_files_are_read_and_the_bytes_read_are_capped(tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes(SEED.read_bytes() * 4)
    limit = len(SEED.read_bytes())
    with pytest.raises(BulletinReadError, match=f"文件超过 {limit:,} 字节"):
        read_file_bytes(big, Limits(max_file_bytes=limit))
    assert read_file_bytes(SEED) == SEED.read_bytes()
    with pytest.raises(BulletinReadError, match="不是普通文件（文件夹）"):
        read_file_bytes(tmp_path)


def test_a_fifo_met_while_scanning_the_corpus_is_skipped_with_a_warning(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / SEED.name).write_bytes(SEED.read_bytes())
    os.mkfifo(corpus / "管道.txt")
    r = _bulletins(["index", "--json", "--corpus", str(corpus), "--index", str(tmp_path / "index")], _run_dir(tmp_path),
                   timeout=120)
    summary = json.loads(r.stdout.strip().splitlines()[-1])
    assert summary["added"] == 1
    assert "管道.txt: 不是普通文件（命名管道（FIFO）），只读取普通文件：已跳过" in summary["warnings"]


def test_check_add_and_index_reject_a_bomb_with_the_same_reason(tmp_path):
    bomb = bombs.write_ofd_composite_bomb(tmp_path / "bomb.ofd")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / SEED.name).write_bytes(SEED.read_bytes())
    (corpus / "bomb.ofd").write_bytes(bomb.read_bytes())
    runner = CliRunner()
    checked = runner.invoke(cli, ["check", str(bomb)]).stderr
    added = runner.invoke(cli, ["add", str(bomb), "--corpus", str(tmp_path / "c2"), "--index", str(tmp_path / "i2")])
    indexed = runner.invoke(cli, ["index", "--json", "--corpus", str(corpus), "--index", str(tmp_path / "index")])
    reason = checked.split(": ", 1)[1].splitlines()[0]
    assert reason.startswith("超出对象预算")
    assert f"rejected {bomb}: {reason}" in added.stderr
    summary = json.loads(indexed.stdout.strip().splitlines()[-1])
    assert summary["rejected"] == [{"path": "bomb.ofd", "reason": reason}]
    assert summary["added"] == 1 and summary["articles"] > 0


# -- the budget itself, whatever the shape of the next bomb ------------------------


def _spin() -> None:
    while True:
        pass


def _hog() -> bytes:
    chunks = []
    while True:
        chunks.append(bytearray(64 * 1024 * 1024))


def _fill_temp() -> None:
    import tempfile

    with open(Path(tempfile.gettempdir()) / "page.png", "wb") as fh:
        for _ in range(64):
            fh.write(bytes(1024 * 1024))


def test_each_budget_is_a_named_rejection():
    cases = [
        (_spin, Limits(cpu_seconds=1, wall_seconds=60), "超出 CPU 预算：读取用时超过 1 秒 CPU"),
        (lambda: time.sleep(60), Limits(wall_seconds=1), "超出时间预算：读取超过 1 秒"),
        (_hog, Limits(memory_bytes=256 * 1024 * 1024), "超出内存预算：读取时需要的地址空间超过 256 MB"),
        (_fill_temp, Limits(temp_bytes=4 * 1024 * 1024), "超出临时磁盘预算：写出的文件超过 4 MB"),
    ]
    for fn, limits, reason in cases:
        started = time.monotonic()
        with pytest.raises(BulletinReadError) as info:
            budget.run_within_budget(fn, "bomb.bin", limits)
        assert time.monotonic() - started < 30
        assert info.value.path == "bomb.bin" and info.value.reason.startswith(reason), info.value.reason


def test_a_reader_bug_is_named_not_a_traceback():
    with pytest.raises(BulletinReadError) as info:
        budget.run_within_budget(lambda: {}["missing"], "odd.docx", Limits())
    assert info.value.reason.startswith("读取失败：KeyError: 'missing'")
    assert budget.run_within_budget(lambda: ("结果", 3), "ok.txt", Limits()) == ("结果", 3)


def test_the_temp_folder_goes_whatever_the_end_and_stale_ones_at_the_next_start(tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    seen: list[str] = []

    def killed() -> None:
        (Path(tempfile.gettempdir()) / "page-0001.png").write_bytes(b"x")
        os.kill(os.getpid(), 9)

    with pytest.raises(BulletinReadError, match="读取进程异常终止（SIGKILL）"):
        budget.run_within_budget(killed, "scan.pdf", Limits())
    root = budget.temp_root()
    assert [p for p in root.rglob("*") if p.is_file()] == []  # the killed worker's page is gone
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = root / f"{int(dead.stdout)}-7"
    stale.mkdir()
    (stale / "page-0001.png").write_bytes(b"x")
    live = root / f"{os.getppid()}-1"
    live.mkdir()
    assert budget.remove_stale_temp() == [stale]
    assert live.exists() and not stale.exists()
    seen.append("ok")


def test_the_readme_operations_section_names_every_budget():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ops = readme[readme.index("## Operations"):readme.index("## Corpus formats")]
    assert budget_table() in ops
    for s in BUDGET_SETTINGS:
        assert s.envvar in ops
    assert "--ocr-pages" in ops


def _processes_naming(text: str) -> list[int]:
    out = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if text in (proc / "cmdline").read_bytes().decode("utf-8", "replace"):
                    out.append(int(proc.name))
            except OSError:
                continue
    return out


def test_a_run_killed_during_ocr_leaves_no_process_and_its_pages_go_at_the_next_start(tmp_path):
    pdf = docgen.write_raw_pdf(tmp_path / "scan.pdf", pages=3)
    tmp = _run_dir(tmp_path)
    env = {**os.environ, "TMPDIR": str(tmp), "BULLETINS_CACHE": ""}
    proc = subprocess.Popen([sys.executable, "-c", "from bulletins.cli import cli; cli()", "check", str(pdf)],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        while not _processes_naming(str(tmp)) and time.monotonic() < deadline:  # the OCR worker, given the folder
            time.sleep(0.05)
        assert _processes_naming(str(tmp)), "OCR never started"
        assert any(tmp.rglob("page-*.png"))
    finally:
        proc.kill()
        proc.wait()
    deadline = time.monotonic() + 10
    while _processes_naming(str(tmp)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _processes_naming(str(tmp)) == []  # the reading worker and the OCR worker died with the run
    assert any(tmp.rglob("page-*.png"))  # what a kill -9 leaves …
    r = _bulletins(["check", str(SEED)], tmp)
    assert r.returncode == 0
    assert not any(tmp.rglob("page-*.png"))  # … the next start removes


# -- the long-lived reading worker (a fork per file made a 10,000-file build crawl) ---------------


def _busy(seconds: float) -> int:
    """CPU for `seconds`, then the worker's pid."""
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass
    return os.getpid()


def _hold(megabytes: int) -> int:
    block = bytearray(megabytes * 1024 * 1024)
    block[::4096] = b"x" * len(block[::4096])
    return os.getpid()


def _bug() -> None:
    """A reader bug."""
    raise ValueError("坏的读取器")


def _env(name: str) -> str | None:
    """The worker's environment variable `name`."""
    return os.environ.get(name)


def _issue_file(folder: Path, issue: int) -> Path:
    """The seed bulletin as issue `issue`."""
    path = folder / f"江苏精神文明建设简报-2022-第{issue}期.txt"
    path.write_text(SEED.read_text(encoding="utf-8").replace("第11期", f"第{issue}期"), encoding="utf-8")
    return path


def test_files_are_read_by_one_worker_started_once(tmp_path):
    files = [_issue_file(tmp_path, i) for i in range(1, 6)]
    budget.stop_readers()
    issues = [budget.parse_within_budget(p).issue for p in files]
    assert issues == [1, 2, 3, 4, 5]
    assert len(reading_worker._readers) == 1  # one worker for five files (a fork per file before)
    reader = reading_worker.thread_reader()
    assert reader.pid != os.getpid() and reader.proc.poll() is None


def test_each_file_gets_the_whole_budget_in_a_worker_that_lives_on():
    reader = reading_worker.Reader()
    try:
        limits = Limits(cpu_seconds=1, memory_bytes=256 * 1024 * 1024, wall_seconds=30)
        pids = {reader.read(_busy, (0.6,), f"f{i}.txt", limits) for i in range(4)}  # 2.4 s in all
        pids |= {reader.read(_hold, (200,), f"m{i}.txt", limits) for i in range(3)}  # 600 MB in all
        assert pids == {reader.pid}
        with pytest.raises(BulletinReadError, match="超出 CPU 预算：读取用时超过 1 秒 CPU"):
            reader.read(_busy, (5.0,), "spin.txt", limits)
        assert not reader.ready()  # a worker that passed a budget is not used again
    finally:
        reader.stop()
    reader = reading_worker.Reader()
    try:
        with pytest.raises(BulletinReadError, match="超出内存预算"):
            reader.read(_hold, (400,), "hog.txt", limits)
        assert not reader.ready()
    finally:
        reader.stop()


def test_a_worker_killed_while_idle_is_replaced_and_the_next_file_is_not_blamed(tmp_path):
    good = _issue_file(tmp_path, 7)
    assert budget.parse_within_budget(good).issue == 7
    reader = reading_worker.thread_reader()
    os.kill(reader.pid, 9)
    time.sleep(0.2)
    assert budget.parse_within_budget(good).issue == 7
    assert reading_worker.thread_reader().pid != reader.pid


def test_the_reading_worker_holds_none_of_the_callers_descriptors(tmp_path):
    """A worker forked from the caller kept its descriptors open after the caller closed them:
    a browser driver's stdin pipe (the driver never saw EOF: the browser upload test hung at
    teardown), a server's sockets, an index's write lock."""
    budget.stop_readers()
    r, w = os.pipe()
    os.set_inheritable(w, True)  # even one the caller would hand to its children
    try:
        assert budget.parse_within_budget(_issue_file(tmp_path, 8)).issue == 8
        pid = reading_worker.thread_reader().pid
        held = {os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")}
        assert f"pipe:[{os.fstat(w).st_ino}]" not in held
        os.close(w)
        assert select.select([r], [], [], 5)[0] and os.read(r, 1) == b""  # EOF: no one else holds it
    finally:
        os.close(r)


def test_the_worker_reads_with_the_environment_of_each_call(tmp_path, monkeypatch):
    """The reader cache is named by an environment variable the web app sets after start-up:
    the long-lived worker reads each file with the caller's environment at that call."""
    from archive.readers import cache as reader_cache

    good = _issue_file(tmp_path, 9)
    budget.stop_readers()
    assert budget.parse_within_budget(good).issue == 9  # the worker started without the variable
    monkeypatch.setenv(reader_cache.CACHE_ENV, str(tmp_path / "cache"))
    assert reading_worker.thread_reader().read(_env, (reader_cache.CACHE_ENV,), "env.txt",
                                               Limits()) == str(tmp_path / "cache")


def test_a_file_is_read_while_the_caller_holds_over_1024_descriptors(tmp_path):
    """A server with 1,000 connections: the worker's pipes are past select()'s limit of 1,024
    (select raised ValueError: filedescriptor out of range)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = 1200
    if hard != resource.RLIM_INFINITY and hard < want:
        pytest.skip(f"RLIMIT_NOFILE hard limit {hard} < {want}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, want), hard))
    held = []
    budget.stop_readers()  # (its pipes' descriptors free first: all below 1,100 are taken next)
    try:
        null = os.open(os.devnull, os.O_RDONLY)
        held.append(null)
        while held[-1] < 1100:
            held.append(os.dup(null))
        assert budget.parse_within_budget(_issue_file(tmp_path, 12)).issue == 12
        assert min(reading_worker.thread_reader().req, reading_worker.thread_reader().res) > 1024
        assert budget.run_within_budget(os.getpid, "pid.txt") != os.getpid()  # the fork per call too
    finally:
        budget.stop_readers()
        for fd in held:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_a_reader_bug_names_the_file_and_the_next_file_gets_a_fresh_worker(tmp_path):
    first = reading_worker.thread_reader()
    with pytest.raises(BulletinReadError, match="读取失败：ValueError: 坏的读取器") as caught:
        first.read(_bug, (), "bug.txt", Limits())
    assert caught.value.path == "bug.txt"
    assert not first.ready()  # its state is in doubt: not used again
    assert budget.parse_within_budget(_issue_file(tmp_path, 13)).issue == 13
    assert reading_worker.thread_reader().pid != first.pid
