"""The known-answer query sets (bench/querysets.py) on small fixed slices: no kind may fall by
more than bench.querysets.TOLERANCE against the committed figures (bench/querysets_figures.json,
written by `python -m bench.querysets --slices`). The seed slice (the seed bulletin, tests/public
and generated issues) always runs; the xinwen slice skips when the corpus is absent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import querysets as Q


def _committed(name: str) -> dict:
    return json.loads(Q.FIGURES.read_text(encoding="utf-8"))[name]


def _check(name: str, workdir: Path) -> None:
    now = Q.slice_figures(name, workdir)
    then = _committed(name)
    assert now["meta"]["cases"] == then["meta"]["cases"], "the slice's cases changed: rewrite the figures"
    fallen = Q.falls(now, then)
    assert not fallen, "kinds that fell: " + "; ".join(fallen)


def test_seed_slice_does_not_fall(tmp_path: Path) -> None:
    _check("seed", tmp_path)


@pytest.mark.corpus
@pytest.mark.skipif(not Q.R.XINWEN.is_dir(), reason=f"{Q.R.XINWEN} is absent")
def test_xinwen_slice_does_not_fall(tmp_path: Path) -> None:
    _check("xinwen", tmp_path)


def test_split_is_by_source_and_stable() -> None:
    assert Q.part_of("c3fa4f29accb067f") == Q.part_of("c3fa4f29accb067f")
    parts = {Q.part_of(f"issue-{i}") for i in range(20)}
    assert parts == {"dev", "eval"}


def test_falls_names_a_kind_that_dropped() -> None:
    then = {"dev": {"project": {"unspaced": {"n": 5, "success@1": 1.0, "success@10": 1.0, "mrr@20": 1.0, "zero": 0.0}}}}
    now = {"dev": {"project": {"unspaced": {"n": 5, "success@1": 0.9, "success@10": 1.0, "mrr@20": 0.99, "zero": 0.0}}}}
    assert Q.falls(now, then) == ["dev unspaced success@1: 1.0 → 0.9"]
