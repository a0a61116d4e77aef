"""Traditional/simplified folding: the parser reads 創文簡報 like 创文简报, search finds both ways."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.chinese import to_simplified
from bulletins.cli import cli
from indexer.store.analysis import normalize
from indexer.search.engine import search
from indexer.store.handles import IndexHandle

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "corpus" / "江苏精神文明建设简报-2022-第11期.txt"


def test_folding_keeps_length_and_simplified_text():
    trad = "創文簡報（總第十六期）發文機關：某某市人民政府辦公室 號"
    assert to_simplified(trad) == "创文简报（总第十六期）发文机关：某某市人民政府办公室 号"
    seed = SEED.read_text("utf-8")
    folded = to_simplified(seed)
    assert len(folded) == len(seed)
    # The seed is simplified Chinese: folding changes (almost) nothing in it.
    changed = {(a, b) for a, b in zip(seed, folded) if a != b}
    assert len(changed) <= 3, changed


def test_search_normalisation_folds_both_scripts():
    assert normalize("簡報 志願服務") == normalize("简报 志愿服务") == "简报 志愿服务"
    assert normalize("ＡＢ１２簡") == "ab12简"


TRAD_ISSUE = """創文簡報

第九期

（總第十六期）

某某市創建全國文明城市工作指揮部辦公室        2021年6月15日

玄武區：開展志願服務活動

本月以來，玄武區組織志願者開展文明勸導活動，共計三百餘人次參與。
"""


@pytest.fixture(scope="module")
def handle(tmp_path_factory: pytest.TempPathFactory) -> IndexHandle:
    root = tmp_path_factory.mktemp("trad")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "seed.txt").write_bytes(SEED.read_bytes())
    (corpus / "trad.txt").write_text(TRAD_ISSUE, "utf-8")
    r = CliRunner().invoke(cli, ["index", "--corpus", str(corpus), "--index", str(root / "index")])
    assert r.exit_code == 0, r.output
    return IndexHandle(root / "index")


@pytest.mark.parametrize("q", ["文明劝导", "文明勸導", "劝导活动"])
def test_simplified_and_traditional_queries_find_the_traditional_article(handle: IndexHandle, q: str):
    r = search(handle, q)
    assert r["hits"][0]["title"] == "開展志願服務活動", q
    # the run is held as typed (in either script) by that article alone: it alone is the exact
    # count, then come articles holding its words apart (stages.rare_runs), if any
    exact = (r.get("rewrite") or {}).get("exact")
    assert (exact["count"] if exact else r["total"]) == 1, q
    assert "<mark>" in r["hits"][0]["snippet"] and "勸導" in r["hits"][0]["snippet"]  # marked as written


def test_traditional_query_finds_simplified_articles(handle: IndexHandle):
    simplified = {h["title"] for h in search(handle, "志愿服务")["hits"]}
    traditional = {h["title"] for h in search(handle, "志願服務")["hits"]}
    assert simplified == traditional
    assert {"開展志願服務活動", "疫情防控齐聚力 志愿服务暖人心"} <= traditional
