"""A rebuild's swap never pulls a generation from under a reader (issue 14).

The grace period of a replaced generation runs from the swap (its RETIRED
time), not from the folder's last write; a generation dated in the future is
still removed in time; a generation a reader holds is never removed.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from indexer.store import handles as store
from indexer.build.builder import build_index
from indexer.search.engine import search
from indexer.store.handles import IndexHandle
from tests.conftest import SEED, extra_issue


@pytest.fixture()
def built(tmp_path: Path) -> tuple[Path, Path]:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    shutil.copy(SEED, corpus / SEED.name)
    (corpus / "vol-1.txt").write_text(extra_issue(1), encoding="utf-8")
    build_index(corpus, index, procs=1)
    return corpus, index


def gens(index: Path) -> list[str]:
    return sorted(p.name for p in index.iterdir() if p.name.startswith(store.GEN_PREFIX))


def test_grace_counts_from_the_swap_not_the_folder_mtime(built: tuple[Path, Path]) -> None:
    corpus, index = built
    old = store.current_dir(index)
    assert old is not None
    past = time.time() - 10 * store.STALE_SECONDS
    os.utime(old, (past, past))  # written long ago, as any generation a rebuild replaces
    build_index(corpus, index, rebuild=True, procs=1)
    assert float((old / store.RETIRED).read_text()) > time.time() - 60
    assert store.remove_stale(index) == [] and old.name in gens(index)  # kept: replaced just now
    assert old.name in store.remove_stale(index, keep_seconds=0)


def test_future_dated_generation_is_removed_eventually(built: tuple[Path, Path]) -> None:
    corpus, index = built
    old = store.current_dir(index)
    assert old is not None
    build_index(corpus, index, rebuild=True, procs=1)
    future = time.time() + 365 * 86400  # the clock was stepped back since the swap
    (old / store.RETIRED).write_text(f"{future}\n")
    os.utime(old, (future, future))
    assert store.remove_stale(index) == []  # not at once …
    assert float((old / store.RETIRED).read_text()) <= time.time()  # … but its grace now starts today
    assert old.name in store.remove_stale(index, keep_seconds=0)


def test_generation_held_by_a_reader_is_never_removed(built: tuple[Path, Path]) -> None:
    corpus, index = built
    reader = IndexHandle(index)
    assert search(reader, "口罩行动")["total"] == 1  # this thread now reads the first generation
    held = reader.searcher()
    old = store.current_dir(index)
    build_index(corpus, index, rebuild=True, procs=1)
    assert old is not None and store.current_dir(index) != old
    assert store.remove_stale(index, keep_seconds=0) == []
    assert old.is_dir()
    # the reader's searcher still reads the old generation's files
    assert held.doc_count() == 7 and len(list(held.all_stored_fields())) == 7
    reader.close()
    assert old.name in store.remove_stale(index, keep_seconds=0)
    assert gens(index) == [store.current_dir(index).name]  # type: ignore[union-attr]


def test_reader_moves_on_and_lets_go(built: tuple[Path, Path]) -> None:
    corpus, index = built
    reader = IndexHandle(index)
    search(reader, "口罩行动")
    old = store.current_dir(index)
    build_index(corpus, index, rebuild=True, procs=1)
    assert search(reader, "口罩行动")["total"] == 1  # reopened on the new generation
    assert old is not None and old.name in store.remove_stale(index, keep_seconds=0)
    reader.close()
