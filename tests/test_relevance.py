"""Known answers on real text (bench/relevance.py on a seeded sample of xinwen + the seed).

The floors are the figures measured on this sample: raise them when ranking or
did-you-mean improves, never lower them to make a change pass.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import relevance as R

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not R.XINWEN.is_dir(), reason=f"{R.XINWEN} is absent"),
]

SAMPLE = 80  # xinwen issues (about 1,100 articles)
PER_KIND = 12
# kind -> (success@10, MRR@20) that must hold on the sample
FLOORS = {
    "title": (0.95, 0.90),
    "phrase": (0.95, 0.90),
    "name": (0.75, 0.40),
    "topic": (0.95, 0.90),
    "typo": (0.0, 0.0),
}


@pytest.fixture(scope="module")
def scores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, R.KindScore]:
    files = R.corpus_files(SAMPLE, seed=1)
    index = R.build_index(files, tmp_path_factory.mktemp("relevance"))
    cases = R.known_answers(R.load_docs(files), seed=1, per_kind=PER_KIND)
    return R.evaluate(index, cases, keep_misses=True)


def test_every_kind_has_cases(scores: dict[str, R.KindScore]) -> None:
    for kind in R.KINDS:
        assert scores[kind].n >= PER_KIND // 2, f"only {scores[kind].n} {kind} cases drawn"


@pytest.mark.parametrize("kind", R.KINDS)
def test_known_answers_stay_above_floor(scores: dict[str, R.KindScore], kind: str) -> None:
    got = scores[kind].to_dict()
    at10, mrr = FLOORS[kind]
    assert got["success@10"] >= at10 and got["mrr@20"] >= mrr, (
        f"{kind}: {got} below the floor success@10 ≥ {at10}, MRR@20 ≥ {mrr}; misses: {scores[kind].misses}"
    )


def test_seed_name_case_is_drawn(tmp_path: Path) -> None:
    docs = R.load_docs([R.SEED])
    cases = R.known_answers(docs, seed=1, per_kind=3)
    assert any(c.kind == "name" and c.query == "善民" and c.note == "马善民" for c in cases)
    assert any(c.kind == "typo" and c.query == "马善明" for c in cases)
