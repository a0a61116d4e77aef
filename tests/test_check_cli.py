"""`bulletins check` through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bulletins.cli import cli

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "江苏精神文明建设简报-2022-第11期.txt"
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_human_summary(runner):
    result = runner.invoke(cli, ["check", str(SEED)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "江苏精神文明建设简报 2022年第11期" in out
    assert "issuer 江苏省文明办" in out and "serial 苏简字1004号" in out and "copies 400" in out
    assert "2 article(s)" in out
    assert "淮安市：疫情防控齐聚力 志愿服务暖人心 [淮安市]" in out
    assert result.stderr == ""


def test_json_one_object_per_file(runner):
    files = [SEED, FIXTURES / "markdown-issue.md", FIXTURES / "headerless.txt"]
    result = runner.invoke(cli, ["check", "--json", *map(str, files)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    seed, md, headerless = map(json.loads, lines)
    assert "江苏精神文明建设简报" in lines[0]  # ensure_ascii=False
    assert seed["path"] == str(SEED)
    assert (seed["series"], seed["issue"], seed["year"], seed["date"]) == ("江苏精神文明建设简报", 11, 2022, "2022-04-02")
    assert (seed["serial"], seed["copies"], seed["warnings"]) == ("苏简字1004号", 400, [])
    assert [a["place"] for a in seed["articles"]] == ["淮安市", "连云港市"]
    assert set(seed["articles"][0]) == {"id", "order", "place", "city", "section", "title", "places", "regions", "text"}
    assert seed["articles"][0]["regions"][0].startswith("江苏省/淮安市")
    assert md["format"] == "markdown" and md["date"] == "2023-05-06"
    assert headerless["warnings"] and headerless["date"] is None


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"", "空文件"), (b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00", "二进制文件")],
    ids=["empty", "binary"],
)
def test_rejected_file_named_with_reason_others_still_print(runner, tmp_path, content, reason):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    result = runner.invoke(cli, ["check", "--json", str(bad), str(SEED)])
    assert result.exit_code == 1
    assert f"rejected {bad}: {reason}" in result.stderr
    assert "1 of 2 file(s) rejected" in result.stderr
    (line,) = result.stdout.splitlines()
    assert json.loads(line)["series"] == "江苏精神文明建设简报"


def test_missing_file_is_a_usage_error_or_rejection(runner, tmp_path):
    result = runner.invoke(cli, ["check", str(tmp_path / "nope.txt")])
    assert result.exit_code != 0
    assert "nope.txt" in result.stderr


def test_needs_a_file(runner):
    result = runner.invoke(cli, ["check"])
    assert result.exit_code == 2


def test_a_folder_stands_for_the_files_index_would_read_in_it(runner, tmp_path):
    folder = tmp_path / "incoming"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / SEED.name).write_bytes(SEED.read_bytes())
    (folder / "README.md").write_text("# 说明\n这个文件夹放新简报。\n", encoding="utf-8")  # a folder's own document
    (folder / ".hidden.txt").write_text("隐藏", encoding="utf-8")
    result = runner.invoke(cli, ["check", "--json", str(folder)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["series"] for r in rows] == ["江苏精神文明建设简报"] and rows[0]["issue"] == 11


def test_a_missing_folder_is_named(runner, tmp_path):
    missing = tmp_path / "nowhere" / ""
    result = runner.invoke(cli, ["check", str(missing), str(SEED)])
    assert result.exit_code == 1
    assert "nowhere" in result.stderr and "江苏精神文明建设简报 2022年第11期" in result.stdout
