"""What one query does once, not again and again (issue 24, query p95 at gen10k): the page
made only for the result returned, one check for a newer index version per query, the
pure steps and the keyword terms remembered — on the seed bulletin and issues in its shape.
Timings are in bench/querycpu.py (`--results` shows that the same is found)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from indexer.search import engine
from indexer.search import query as q
from indexer.search.evaluate import Evaluator
from indexer.search.stages import query_words
from indexer.store import handles, records
from tests.conftest import seed_index, seed_shaped_issue

SERIES = "志愿服务测试简报"
ISSUES = {
    f"{SERIES}-2023-第5期.txt": seed_shaped_issue(SERIES, 5, "2023年5月20日", [
        ("徐州市:志愿服务进社区", "徐州市开展志愿服务进社区活动，志愿者走访独居老人。"),
        ("常州市:垃圾分类宣传", "常州市志愿者上门宣传垃圾分类，居民积极参与。"),
    ]),
}


@pytest.fixture(scope="module")
def handle(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return seed_index(tmp_path_factory, "cost", ISSUES)


def _counting(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> list[int]:
    calls: list[int] = []
    real = getattr(owner, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


def test_a_page_given_up_for_a_pinyin_reading_is_never_made(handle: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # huaian is in no article: the stages find 志愿服务's articles, then the pinyin reading
    # (淮安 志愿服务) is searched instead; only its page reads stored records and makes snippets
    first = engine.search(handle, "huaian 志愿服务", stages=True, correct=False)
    assert first["total"] >= 1 and first["hits"]  # what the letters alone give: a page that is given up
    made = _counting(monkeypatch, engine, "hit")
    r = engine.search(handle, "huaian 志愿服务")
    assert r["pinyin"]["to"] == "淮安 志愿服务" and r["hits"]
    assert len(made) == len(r["hits"])
    assert r["facets"]["city"] and all(set(h) >= {"snippet", "title_html"} for h in r["hits"])


def test_one_query_checks_for_a_newer_index_version_once(handle: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    handle.searcher()
    checks = _counting(monkeypatch, handles, "current_dir")
    r = engine.search(handle, "立圾分类")  # did-you-mean and the stages: each step asked for the searcher
    assert r["corrected"] or r["suggestions"]
    assert len(checks) == 1
    handle.searcher()  # after the query: checked again, so a commit is seen by the next one
    assert len(checks) == 2


def test_a_pinned_searcher_is_the_same_until_the_block_ends(handle: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    handle.searcher()
    checks = _counting(monkeypatch, handles, "current_dir")
    with handle.pinned():
        s = handle.searcher()
        with handle.pinned():  # nested: the outer one's
            assert handle.searcher() is s
        assert handle.searcher() is s
    assert len(checks) == 1
    assert handle.searcher() is s and len(checks) == 2


def test_words_remembered_are_each_callers_own() -> None:
    got = query_words("淮安志愿服务")
    got.append("改过")
    assert query_words("淮安志愿服务") == ["淮安", "志愿服务"]


def test_a_series_lookup_is_made_once_per_index_version(handle: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    s = handle.searcher()
    snap, net = engine.snapshot(handle), engine.substring_net(handle)
    term = q.Term(SERIES)  # four characters or more: its series' articles match too (compiler)
    want = np.zeros(snap.n, dtype=bool)
    want[list(records.docs(s, records.term("series", SERIES)))] = True
    assert want.any()
    first = Evaluator(s, snap.live, net).docs(term)
    lookups = _counting(monkeypatch, records, "docs")
    again = Evaluator(s, snap.live, net).docs(term)
    assert not lookups and np.array_equal(first, again) and not (want & snap.live & ~again).any()


def test_querycpu_writes_what_each_query_found(handle: Any, tmp_path: Any) -> None:
    import json

    from bench.queries import QUERIES
    from bench.querycpu import main

    out = tmp_path / "found.jsonl"
    assert main([str(handle.root), "--repeat", "1", "--results", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["query"] for r in rows] == [qq.q for qq in QUERIES]
    mine = next(r for r in rows if r["total"])
    r = engine.search(handle, mine["query"])
    assert (r["total"], [h["article_id"] for h in r["hits"][:20]]) == (mine["total"], mine["ids"])
