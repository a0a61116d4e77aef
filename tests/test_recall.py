"""Substring recall: every substring of 1–8 Chinese characters of every article
finds that article; an article's exact title ranks it first."""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.parse import parse_file
from bulletins.cli import cli
from indexer.search.engine import search
from indexer.store.handles import IndexHandle

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
HAN = re.compile(r"[\u4e00-\u9fff]+")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from bench.generate import generate_corpus

    d = tmp_path_factory.mktemp("recall-corpus")
    shutil.copy(REPO / "corpus" / "江苏精神文明建设简报-2022-第11期.txt", d)
    for f in FIXTURES.iterdir():
        shutil.copy(f, d)
    generate_corpus(12, 7, d)
    return d


@pytest.fixture(scope="module")
def handle(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> IndexHandle:
    index = tmp_path_factory.mktemp("recall-index") / "index"
    r = CliRunner().invoke(cli, ["index", "--corpus", str(corpus), "--index", str(index)])
    assert r.exit_code == 0, r.output
    return IndexHandle(index)


def articles(corpus: Path) -> list[tuple[str, str, str]]:
    out = []
    for f in sorted(corpus.iterdir()):
        b = parse_file(f)
        out += [(a.id, a.title, a.text) for a in b.articles]
    return out


def all_ids(handle: IndexHandle, q: str) -> set[str]:
    r = search(handle, f'"{q}"', per_page=100)
    ids = {h["article_id"] for h in r["hits"]}
    page = 1
    while len(ids) < r["total"]:
        page += 1
        ids |= {h["article_id"] for h in search(handle, f'"{q}"', per_page=100, page=page)["hits"]}
    return ids


def test_substring_recall_is_total(corpus: Path, handle: IndexHandle) -> None:
    rng = random.Random(20220402)
    arts = articles(corpus)
    assert len(arts) > 40
    misses = []
    tried = 0
    for aid, title, text in arts:
        runs = [r for r in HAN.findall(title + "\n" + text) if r]
        for _ in range(8):
            run = rng.choice(runs)
            n = rng.randint(1, min(8, len(run)))
            start = rng.randrange(0, len(run) - n + 1)
            sub = run[start : start + n]
            tried += 1
            if aid not in all_ids(handle, sub):
                misses.append((aid, sub))
    assert tried >= 8 * len(arts)
    assert misses == []


def test_exact_title_ranks_first(corpus: Path, handle: IndexHandle) -> None:
    seen: set[str] = set()
    for aid, title, _text in articles(corpus):
        if title in seen or not HAN.search(title):
            continue  # generated issues may repeat a title
        seen.add(title)
        r = search(handle, title)
        assert r["hits"] and r["hits"][0]["title"] == title, (title, [h["title"] for h in r["hits"][:3]])
