"""First-day and operator faults, and what an export may carry (issue 18).

An empty corpus, a stale series report after `add`, odd corpus file names,
bad settings, `export -o` over an existing file or to standard output, and
formulas in CSV cells: each on a real small archive (the generated issues of
tests.conftest), through the CLI and the web app.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import threading
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from bulletins.cli import cli
from tests.conftest import SEED, extra_issue


def run(*args: str, **kwargs: Any) -> Any:
    return CliRunner().invoke(cli, list(args), **kwargs)


@pytest.fixture()
def archive(tmp_path: Path) -> tuple[Path, Path]:
    """Three generated issues and the seed, indexed."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    shutil.copy(SEED, corpus / SEED.name)
    for n in range(1, 4):
        (corpus / f"vol-{n}.txt").write_text(extra_issue(n), encoding="utf-8")
    r = run("index", "--corpus", str(corpus), "--index", str(index))
    assert r.exit_code == 0, r.output
    return corpus, index


def app_client(index: Path, corpus: Path) -> Any:
    from webui import create_app

    return create_app({"TESTING": True, "INDEX_DIR": str(index), "CORPUS_DIR": str(corpus)}).test_client()


# -- CSV injection ------------------------------------------------------------

FORMULAS = ['=HYPERLINK("evil.example","点击查看")', "+1+2", "-3+4", "@SUM(A1)", "\t=1+1", "\r=1+1"]


def _formula_issue() -> str:
    text = extra_issue(1)
    for k, f in enumerate(FORMULAS[:5]):
        text = text.replace(f"第1期第{k + 1}篇 志愿服务惠民生", f"{f}志愿服务", 2)
    return text


def test_csv_cells_that_start_a_formula_are_neutralised_in_cli_and_api(tmp_path: Path) -> None:
    from indexer.present.export import csv_cell

    for f in FORMULAS:
        assert csv_cell(f) == "'" + f  # readable: the text kept after one quote
    assert csv_cell("南京市志愿服务") == "南京市志愿服务" and csv_cell(3) == 3

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "f.txt").write_text(_formula_issue(), encoding="utf-8")
    assert run("index", "--corpus", str(corpus), "--index", str(index)).exit_code == 0
    out = tmp_path / "x.csv"
    r = run("export", "志愿服务", "--format", "csv", "-o", str(out), "--index", str(index))
    assert r.exit_code == 0, r.output
    api = app_client(index, corpus).get("/api/export", query_string={"q": "志愿服务", "format": "csv"})
    for body in (out.read_bytes(), api.get_data()):
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
        titles = sorted(row[1] for row in rows[1:])
        assert len(titles) == 5
        assert not [t for t in titles if t[:1] in ("=", "+", "-", "@", "\t", "\r")], titles
        assert "'=HYPERLINK(\"evil.example\",\"点击查看\")志愿服务" in titles
        assert "'@SUM(A1)志愿服务" in titles


def test_xlsx_export_writes_a_formula_title_as_a_string(tmp_path: Path) -> None:
    import zipfile

    import openpyxl

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "f.txt").write_text(_formula_issue(), encoding="utf-8")
    assert run("index", "--corpus", str(corpus), "--index", str(index)).exit_code == 0
    out = tmp_path / "x.xlsx"
    assert run("export", "志愿服务", "--format", "xlsx", "-o", str(out), "--index", str(index)).exit_code == 0
    with zipfile.ZipFile(out) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
        strings = z.read("xl/sharedStrings.xml").decode()
    assert "<f>" not in sheet  # no formula cell anywhere
    assert "=HYPERLINK(" in strings
    cells = [row[1] for row in openpyxl.load_workbook(out)["检索结果"].iter_rows(min_row=2)]
    formulas = [c for c in cells if str(c.value).startswith(("=", "+", "-", "@"))]
    assert len(formulas) == 5 and all(c.data_type == "s" for c in formulas)  # text, as typed, never run


# -- export -o ----------------------------------------------------------------


def test_export_refuses_to_replace_a_file_unless_forced(archive: tuple[Path, Path], tmp_path: Path) -> None:
    _corpus, index = archive
    out = tmp_path / "old.csv"
    out.write_text("keep me", encoding="utf-8")
    r = run("export", "志愿服务", "--format", "csv", "-o", str(out), "--index", str(index))
    assert r.exit_code == 1 and "exists and was not written" in r.output and "--force" in r.output and "Traceback" not in r.output
    assert out.read_text(encoding="utf-8") == "keep me"
    r = run("export", "志愿服务", "--format", "csv", "-o", str(out), "--force", "--index", str(index))
    assert r.exit_code == 0, r.output
    assert out.read_bytes().startswith("\ufeff序号".encode())


def test_export_dash_writes_to_standard_output(archive: tuple[Path, Path], tmp_path: Path, monkeypatch: Any) -> None:
    _corpus, index = archive
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(cli, ["export", "志愿服务", "--format", "csv", "-o", "-", "--index", str(index)])
    assert r.exit_code == 0, r.output
    assert not (tmp_path / "-").exists()
    rows = list(csv.reader(io.StringIO(r.stdout_bytes.decode("utf-8-sig"))))
    found = json.loads(run("search", "志愿服务", "--json", "--index", str(index)).output)["total"]
    assert rows[0][0] == "序号" and len(rows) == 1 + found >= 16


# -- 原件下载 of odd names ------------------------------------------------------


@pytest.mark.parametrize("name", ["第1期\n南京.txt", "a\rb.txt", 'quote"semi;colon.txt', "pct%20 sp ace.txt",
                                  "emoji😀简报.txt", "tab\tname.txt"])
def test_original_of_an_oddly_named_file_downloads(tmp_path: Path, name: str) -> None:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    raw = extra_issue(2).encode("utf-8")
    (corpus / name).write_bytes(raw)
    r = run("index", "--corpus", str(corpus), "--index", str(index))
    assert r.exit_code == 0, r.output
    client = app_client(index, corpus)
    hit = client.get("/api/search", query_string={"q": "第2期第1篇"}).get_json()["hits"][0]
    path = client.get(f"/api/bulletins/{hit['bulletin_id']}").get_json()["path"]
    response = client.get(f"/bulletin/{hit['bulletin_id']}/original")
    assert response.status_code == 200
    assert response.data == raw
    disposition = response.headers["Content-Disposition"]
    assert "\n" not in disposition and "\r" not in disposition
    assert disposition.startswith('attachment; filename="') and f"filename*=UTF-8''{quote(path, safe='')}" in disposition
    response.close()


# -- /series after add, across threads ----------------------------------------


def test_series_report_is_current_in_every_thread_after_add(archive: tuple[Path, Path], tmp_path: Path) -> None:
    from indexer.present.series import series_report
    from indexer.store.handles import IndexHandle

    corpus, index = archive
    handle = IndexHandle(index)
    threads = 4
    before_add = threading.Barrier(threads + 1)
    after_add = threading.Barrier(threads + 1)
    seen: dict[int, list[int]] = {}

    def issues() -> int:
        return int(series_report(handle)["totals"]["issues"])

    def worker(k: int) -> None:
        seen[k] = [issues()]
        before_add.wait()
        after_add.wait()
        seen[k] += [issues(), issues()]

    workers = [threading.Thread(target=worker, args=(k,)) for k in range(threads)]
    for t in workers:
        t.start()
    before_add.wait()
    new = tmp_path / "new.txt"
    new.write_text(extra_issue(4), encoding="utf-8")
    r = run("add", str(new), "--corpus", str(corpus), "--index", str(index))
    assert r.exit_code == 0, r.output
    after_add.wait()
    for t in workers:
        t.join()
    handle.close()
    assert seen == {k: [4, 5, 5] for k in range(threads)}


# -- a new deployment: an empty corpus ------------------------------------------

EMPTY_URLS = ("/", "/?q=志愿服务", "/?year=2023", "/api/search", "/api/search?q=志愿服务", "/series", "/feed",
              "/feed?q=志愿服务", "/api/export?q=志愿服务&format=csv", "/api/export?format=xlsx",
              "/api/export?format=docx", "/api/suggest?q=志愿", "/api/suggest?q=x")


def test_an_empty_archive_serves_empty_friendly_pages(tmp_path: Path) -> None:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    r = run("index", "--corpus", str(corpus), "--index", str(index))
    assert r.exit_code == 0 and "0 articles searchable" in r.output
    client = app_client(index, corpus)
    for url in EMPTY_URLS:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.get_data(as_text=True)[:300])
    for url in ("/bulletin/0123456789abcdef", "/api/bulletins/0123456789abcdef", "/bulletin/0123456789abcdef/original"):
        assert client.get(url).status_code == 404, url
    assert client.get("/api/search", query_string={"q": "志愿服务"}).get_json()["total"] == 0
    for url in ("/", "/?q=志愿服务"):
        assert "文库中还没有简报" in client.get(url).get_data(as_text=True)
    for args in (["search", "志愿服务"], ["report"], ["export", "志愿服务", "--format", "csv", "-o", str(tmp_path / "x.csv")]):
        r = run(*args, "--index", str(index))
        assert r.exit_code == 0, (args, r.output)
        assert "Traceback" not in r.output and "The archive holds no article yet" in r.output


# -- a rebuild that fails on a full disk -----------------------------------------


def test_a_failed_rebuild_leaves_no_generation_behind(archive: tuple[Path, Path], tmp_path: Path) -> None:
    """A real limit: the rebuild runs with RLIMIT_FSIZE below its segment files' size, so
    writing them fails (EFBIG, as a full disk's ENOSPC) half way through the generation."""
    import os
    import resource
    import subprocess
    import sys

    corpus, index = archive
    serving = sorted(p.name for p in index.iterdir() if p.name.startswith("gen-"))
    limit = 16 * 1024

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    bulletins = Path(sys.executable).with_name("bulletins")
    r = subprocess.run([str(bulletins), "index", "--rebuild", "--procs", "1", "--corpus", str(corpus),
                        "--index", str(index)], preexec_fn=limited, capture_output=True, text=True,
                       env={**os.environ, "BULLETINS_CACHE": str(tmp_path / "cache")}, timeout=300)
    assert r.returncode == 1 and "文件超过允许的大小（EFBIG）" in r.stderr and "Traceback" not in r.stderr, r.stderr
    # the half-made generation is gone at once, the serving one kept
    assert sorted(p.name for p in index.iterdir() if p.name.startswith("gen-")) == serving
    new = tmp_path / "new.txt"
    new.write_text(extra_issue(7), encoding="utf-8")
    r = run("add", str(new), "--corpus", str(corpus), "--index", str(index))
    assert r.exit_code == 0 and "1 added" in r.output, r.output
    r = run("index", "--corpus", str(corpus), "--index", str(index))
    assert r.exit_code == 0, r.output
    assert json.loads(run("search", "第7期第1篇", "--json", "--index", str(index)).output)["total"] == 1


def test_a_killed_rebuilds_generation_goes_at_the_next_run_without_grace(archive: tuple[Path, Path]) -> None:
    from indexer.store import handles as store

    corpus, index = archive
    gen, _ix = store.new_generation(index)  # as a rebuild killed before its swap leaves it
    assert store.remove_stale(index) == [gen.name]
    retired = store.current_dir(index)
    assert retired is not None
    r = run("index", "--rebuild", "--corpus", str(corpus), "--index", str(index))
    assert r.exit_code == 0, r.output
    assert retired.is_dir()  # a generation that served is kept its grace period
    assert store.remove_stale(index) == []


# -- settings: every bad value refused, with one message ---------------------------

# (setting, a bad value, the command that reads it, the rule the message names)
BAD_SETTINGS = [
    ("host", "999.1.1.1", "serve", "不是有效的 IP 地址"),
    ("host", "bad host!", "serve", "不是有效的 IP 地址或主机名"),
    ("port", "70000", "serve", "0–65535"),
    ("port", "http", "serve", "0–65535"),
    ("threads", "0", "serve", "1–64"),
    ("per_page", "-1", "search", "1–100"),
    ("per_page", "1000", "search", "1–100"),
    ("wait", "-5", "index", "不小于 0"),
    ("wait", "soon", "index", "不小于 0"),
    ("base_url", "ftp://x", "export", "http://"),
    ("base_url", "jianbao.example", "export", "http://"),
]
ENV_ONLY = [("per_page", "-1", "serve", "1–100"), ("per_page", "x", "serve", "1–100"),
            ("base_url", "javascript:alert(1)", "serve", "http://")]


def _command(cmd: str, index: Path, corpus: Path, tmp_path: Path) -> list[str]:
    return {
        "serve": ["serve", "--index", str(index), "--corpus", str(corpus)],
        "search": ["search", "志愿服务", "--index", str(index)],
        "index": ["index", "--corpus", str(corpus), "--index", str(index)],
        "export": ["export", "志愿服务", "--format", "csv", "-o", str(tmp_path / "x.csv"), "--index", str(index)],
    }[cmd]


def _refused(r: Any, name: str, value: str, rule: str) -> None:
    assert r.exit_code == 2, r.output
    assert f"设置 {name} 的值 {value!r} 无效" in r.output and rule in r.output, r.output
    assert "Traceback" not in r.output


@pytest.mark.parametrize("name,value,cmd,rule", BAD_SETTINGS + ENV_ONLY)
def test_a_bad_setting_from_the_environment_is_refused(archive: tuple[Path, Path], tmp_path: Path, monkeypatch: Any,
                                                       name: str, value: str, cmd: str, rule: str) -> None:
    from indexer.present.settings import SETTINGS

    corpus, index = archive
    setting = next(s for s in SETTINGS if s.name == name)
    monkeypatch.setenv(setting.envvar, value)
    r = run(*_command(cmd, index, corpus, tmp_path))
    _refused(r, name, value, rule)
    assert setting.envvar in r.output


@pytest.mark.parametrize("name,value,cmd,rule", BAD_SETTINGS)
def test_a_bad_setting_on_the_command_line_is_refused(archive: tuple[Path, Path], tmp_path: Path,
                                                      name: str, value: str, cmd: str, rule: str) -> None:
    corpus, index = archive
    r = run(*_command(cmd, index, corpus, tmp_path), f"--{name.replace('_', '-')}", value)
    _refused(r, name, value, rule)


@pytest.mark.parametrize("name", ["corpus", "index", "instance"])
def test_a_folder_setting_that_is_a_file_is_refused(archive: tuple[Path, Path], tmp_path: Path, monkeypatch: Any,
                                                    name: str) -> None:
    from indexer.present.settings import SETTINGS

    corpus, index = archive
    a_file = tmp_path / "a-file"
    a_file.write_text("x", encoding="utf-8")
    setting = next(s for s in SETTINGS if s.name == name)
    monkeypatch.setenv(setting.envvar, str(a_file))
    args = ["serve"] + [f"--{n}={p}" for n, p in (("index", index), ("corpus", corpus)) if n != name]
    _refused(run(*args), name, str(a_file), "应为文件夹")
    if name != "instance":
        _refused(run("serve", f"--{name}", ""), name, "", "不能为空")


def test_good_settings_still_work(archive: tuple[Path, Path], monkeypatch: Any) -> None:
    from indexer.present.settings import HOST, PER_PAGE

    corpus, index = archive
    for host in ("127.0.0.1", "0.0.0.0", "::1", "[::1]", "localhost", "jianbao.example.gov.cn"):
        assert HOST.parse(host)
    monkeypatch.setenv("BULLETINS_PER_PAGE", "3")
    assert PER_PAGE.number() == 3
    body = json.loads(run("search", "志愿服务", "--json", "--index", str(index)).output)
    assert body["per_page"] == 3 and len(body["hits"]) == 3
