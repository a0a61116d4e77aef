"""Relevance: every hit scored by how its matches line up with words, how often,
where (title) and how close; a name beats a cross-word accident; date sort stays."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from indexer.build.builder import build_index
from indexer.search.engine import search
from indexer.store.handles import IndexHandle

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "corpus" / "江苏精神文明建设简报-2022-第11期.txt"

# Newer issues whose text holds 善民 only across a word edge (改善|民生), several times.
ACCIDENTS = [
    ("持续改善民生 增进人民福祉", "各地坚持以人民为中心，着力改善民生。改善民生是最大的政绩，要在改善民生上持续用力。"),
    ("民生实事项目全部完成", "今年全市推进民生实事，改善民生取得新成效，群众获得感明显增强。"),
    ("城乡融合水平稳步提升", "推动城乡融合发展，融合水平不断提高，改善民生成效明显。"),
]


def _issue(n: int, title: str, text: str) -> str:
    return (
        f"南京文明简报\n\n第{n}期\n\n南京市文明办\n\n2024年{n}月3日\n\n"
        f"玄武区:{title}\n\n{text}\n\n(宁简字{n}号 共印50份)\n"
    )


def _index(tmp_path_factory: pytest.TempPathFactory, label: str, articles: list[tuple[str, str]],
           seed: bool = False) -> IndexHandle:
    """An index of one issue per (title, text) of `articles` (`_issue`), beside the seed with `seed`."""
    d = tmp_path_factory.mktemp(f"{label}-corpus")
    if seed:
        shutil.copy(SEED, d)
    for n, (title, text) in enumerate(articles, 1):
        (d / f"nj-{n}.txt").write_text(_issue(n, title, text), encoding="utf-8")
    root = tmp_path_factory.mktemp(f"{label}-index") / "index"
    build_index(d, root, procs=1)
    return IndexHandle(root)


@pytest.fixture(scope="module")
def handle(tmp_path_factory: pytest.TempPathFactory) -> IndexHandle:
    return _index(tmp_path_factory, "rank", ACCIDENTS, seed=True)


def test_a_partial_name_ranks_the_person_above_cross_word_matches(handle: IndexHandle) -> None:
    r = search(handle, "善民")
    assert r["total"] == 4
    assert "马善民" in r["hits"][0]["snippet"].replace("<mark>", "").replace("</mark>", "")
    # by date the newer accidents come first: the ranking is what moved the name up
    by_date = search(handle, "善民", sort="date")
    assert by_date["hits"][0]["date"] > r["hits"][0]["date"]


def test_whole_word_beats_the_same_characters_across_words(handle: IndexHandle) -> None:
    r = search(handle, "融合水平")  # a whole run of words in one title, fewer occurrences elsewhere
    assert r["hits"][0]["title"] == "城乡融合水平稳步提升"


def test_title_equal_to_the_query_ranks_first(handle: IndexHandle) -> None:
    for title, _text in ACCIDENTS:
        r = search(handle, title)
        assert r["hits"][0]["title"] == title, title


def test_every_hit_is_ordered_by_score_not_by_a_word_tier(handle: IndexHandle) -> None:
    """改善民生 is a phrase of two words in the newer issues: all of them match, the
    one where it is in the title and repeated ranks first, and facets do not move."""
    r = search(handle, "改善民生")
    assert r["total"] == 3
    assert r["hits"][0]["title"] == "持续改善民生 增进人民福祉"
    assert search(handle, "改善民生", sort="date")["facets"] == r["facets"]


# Real xinwen sentences: a rare name jieba cuts wrongly (张福|生案) beside its given name inside a
# common word (幸福生活), once in a title.
NAME_CUT_WRONGLY = [
    ("牢记嘱托 为幸福生活努力奋斗", "大家表示，要牢记总书记的殷切嘱托，在新的一年里共同努力，把幸福生活过得更好。"),
    ("电视专题片今晚播出第一集", "通过原应急管理部消防救援局党委委员、副局长张福生案，吉林省政协原副主席张晓霈案，揭示问题。"),
    ("以人民为中心 持续增进民生福祉", "兜底线、织密网，稳稳托起人民幸福生活。"),
]


@pytest.fixture(scope="module")
def names_handle(tmp_path_factory: pytest.TempPathFactory) -> IndexHandle:
    return _index(tmp_path_factory, "rank-names", NAME_CUT_WRONGLY)


def test_a_given_name_cut_wrongly_ranks_above_the_same_characters_in_a_title_word(names_handle: IndexHandle) -> None:
    """福生 glued to the surname 张 (张福|生案) is a name: it ranks above 幸福生活, even in a title."""
    r = search(names_handle, "福生")
    assert r["total"] == 3
    assert "张福生" in r["hits"][0]["snippet"].replace("<mark>", "").replace("</mark>", "")
