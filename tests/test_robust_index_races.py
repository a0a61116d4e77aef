"""A searcher must not be closed under a search that is still using it (IndexHandle race)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bulletins.cli import cli
from tests.conftest import SEED, extra_issue


def test_commit_between_searcher_and_snapshot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import indexer.search.engine as search_mod
    from indexer.store.handles import IndexHandle

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    shutil.copy(SEED, corpus / SEED.name)
    runner = CliRunner()
    assert runner.invoke(cli, ["index", "--corpus", str(corpus), "--index", str(index)]).exit_code == 0
    handle = IndexHandle(index)
    search_mod.search(handle, "志愿服务")  # warm: this thread holds a searcher

    original = search_mod.snapshot
    done: list[bool] = []

    def commit_then_snapshot(h: Any) -> Any:
        if not done:  # the race window, made deterministic: a commit lands here
            done.append(True)
            (corpus / "extra.txt").write_text(extra_issue(1), encoding="utf-8")
            assert runner.invoke(cli, ["index", "--corpus", str(corpus), "--index", str(index)]).exit_code == 0
        return original(h)

    monkeypatch.setattr(search_mod, "snapshot", commit_then_snapshot)
    try:
        result = search_mod.search(handle, "志愿服务")
        assert result["total"] >= 1
    finally:
        handle.close()
