"""`bulletins serve` (waitress, 127.0.0.1 by default) and a live index update seen without restart."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from bulletins.cli import cli
from tests.conftest import SEED, extra_issue


def test_serve_help_defaults_to_localhost() -> None:
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    assert "--host" in result.output and "127.0.0.1" in result.output
    assert "--port" in result.output and "8000" in result.output
    assert "--index" in result.output and "BULLETINS_INDEX" in result.output and "--corpus" in result.output


def test_serve_runs_waitress_read_only(index_dir: Path, tmp_path: Path) -> None:
    before = sorted((p.relative_to(index_dir), p.stat().st_mtime_ns) for p in index_dir.rglob("*"))
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-c", "from bulletins.cli import cli; cli()", "serve", "--port", "0",
         "--index", str(index_dir), "--corpus", str(tmp_path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        assert "http://127.0.0.1:" in line, line + (proc.stderr.read() if proc.poll() is not None and proc.stderr else "")
        url = line.split("serving ", 1)[1].split()[0]
        with urllib.request.urlopen(url + "api/search?q=%E5%8F%A3%E7%BD%A9%E8%A1%8C%E5%8A%A8", timeout=10) as r:
            assert r.headers["Server"] == "waitress"
            assert json.load(r)["total"] == 1
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        for stream in (proc.stdout, proc.stderr):
            if stream:
                stream.close()
    after = sorted((p.relative_to(index_dir), p.stat().st_mtime_ns) for p in index_dir.rglob("*"))
    assert before == after


def test_new_generation_is_picked_up_without_restart(tmp_path: Path) -> None:
    from webui import create_app

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    shutil.copy(SEED, corpus / SEED.name)
    runner = CliRunner()
    assert runner.invoke(cli, ["index", "--corpus", str(corpus), "--index", str(index)]).exit_code == 0
    client: Any = create_app({"TESTING": True, "INDEX_DIR": str(index)}).test_client()
    assert client.get("/api/search", query_string={"q": "“惠民生”"}).get_json()["total"] == 0

    (corpus / "extra.txt").write_text(extra_issue(1), encoding="utf-8")
    time.sleep(0.01)
    result = runner.invoke(cli, ["index", "--corpus", str(corpus), "--index", str(index)])
    assert result.exit_code == 0, result.output
    assert client.get("/api/search", query_string={"q": "惠民生"}).get_json()["total"] == 5
    assert "惠民生" in client.get("/", query_string={"q": "惠民生"}).get_data(as_text=True)
