"""indexer.present.settings: one table that the CLI, the app and the README read."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bulletins.cli import cli
from indexer.present.settings import SETTINGS, settings_table


def test_readme_settings_table_is_the_settings() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert settings_table() in readme


def test_cli_options_take_their_defaults_and_env_vars_from_the_table() -> None:
    helps = {cmd: CliRunner().invoke(cli, [cmd, "--help"], terminal_width=200).output for cmd in ("serve", "index", "search")}
    by_name = {s.name: s for s in SETTINGS}
    for cmd, name in (("serve", "host"), ("serve", "port"), ("serve", "threads"), ("index", "wait"), ("search", "index")):
        assert by_name[name].envvar in helps[cmd], (cmd, name)
    assert "BULLETINS_PER_PAGE" in helps["search"]


def test_the_app_reads_per_page_from_the_environment(index_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from webui import create_app

    monkeypatch.setenv("BULLETINS_PER_PAGE", "7")
    client = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client()
    body = client.get("/api/search", query_string={"q": "志愿服务"}).get_json()
    assert body["per_page"] == 7 and len(body["hits"]) == 7
