"""What a query may cost (issue 24): a number's boundaries read from the substring net, and
the per-query CPU budget (indexer.search.budget) that stops a pasted page early with a notice —
on the seed bulletin and issues written in its shape. Timings are in bench/querycpu.py."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner

from tests.conftest import index_client, seed_index, seed_shaped_issue

NEWS = "新闻测试简报"
ISSUES = {
    f"{NEWS}-2023-第5期.txt": seed_shaped_issue(NEWS, 5, "2023年5月20日", [
        ("徐州市:交通安全宣传进校园", "徐州市开展交通安全宣传进校园活动，覆盖学生15万人次。"),
        ("常州市:全年投资总额", "全市固定资产投资总额达1.5万亿元，其中民间投资15万亿元的说法有误。"),
        ("苏州市:游客接待", "苏州市全年接待游客9.15万人次，投入资金1115万元，推动乡村振兴。"),
        ("无锡市:志愿者招募", "无锡市招募志愿者15万，开展文明交通劝导。"),
    ]),
}
# The seed's own sentence (its 淮安 article), pasted with more of the page around it.
SEED_SENTENCE = "淮安市积极组织广大志愿者和志愿服务组织有序参与疫情防控工作"
# found exactly once, fewer than ENOUGH, and short of a pasted passage (stages.PASTE_CHARS: a passage
# found as typed stops at the exact stage), so the stages go on and the fixture's hog spends the budget
STOPPED_QUERY = "有序参与疫情防控工作 志愿服务 文明"


@pytest.fixture(scope="module")
def handle(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return seed_index(tmp_path_factory, "budget", ISSUES)


def _titles(r: dict[str, Any]) -> set[str]:
    return {h["title"] for h in r["hits"]}


def test_a_number_is_whole_by_the_net_without_reading_stored_texts(handle: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from indexer.search import evaluate
    from indexer.search.engine import search

    read: list[int] = []
    text = evaluate.Evaluator._text
    monkeypatch.setattr(evaluate.Evaluator, "_text", lambda self, d: read.append(d) or text(self, d))
    evaluate._splits.clear()
    titles = _titles(search(handle, "15万", per_page=50))
    # 15万人次 and 15万， are whole; 15万亿 (its start) and 9.15万 are not
    assert {"交通安全宣传进校园", "志愿者招募"} <= titles
    assert "全年投资总额" not in titles and "游客接待" not in titles
    # only 9.15万 (what lay between 9 and 15 decides) needed its text; 15万亿 was settled by the net
    assert len(read) <= 1
    assert "全年投资总额" in _titles(search(handle, "15万亿"))


def test_a_number_read_once_is_remembered_across_stages_and_queries(handle: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from indexer.search import evaluate
    from indexer.search.engine import search

    evaluate._splits.clear()
    read: list[int] = []
    text = evaluate.Evaluator._text
    monkeypatch.setattr(evaluate.Evaluator, "_text", lambda self, d: read.append(d) or text(self, d))
    first = search(handle, "15万 游客")  # 9.15万 is read: not whole, so not found as typed
    assert first["stage"] != "exact"  # (its words were searched: 游客 OR 15万)
    search(handle, "游客 15万")
    search(handle, "15万 游客接待")
    assert read  # the one article the net left open was read …
    assert len(read) == len(set(read))  # … once, over the stages of three queries


@pytest.fixture()
def spent_after_exact(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every stage after the exact one uses up the query's CPU budget before it starts (as a slow
    stage would), whichever stages the exact plan lets follow it (`Plan.then`)."""
    from indexer.search import budget, stages

    def hogging(stage: Any) -> Any:
        def hog(ctx: Any) -> Any:
            b = budget.current()
            assert b is not None
            b.seconds = -1.0
            return stage(ctx)

        return hog

    monkeypatch.setattr(stages, "STAGES", [(n, s if n == "exact" else hogging(s)) for n, s in stages.STAGES])


def _paste() -> str:
    """A pasted page: the seed's sentence among numbers, a typo, operators, quotes and brackets."""
    noise = "其中 2023 年 1.5万 人次（含 9.15万）OR 乡村振新 NOT “文明” 【第3期】 - 15万亿 "
    return SEED_SENTENCE + " " + (noise * 40)[:1990]


def test_a_pasted_page_that_runs_out_of_budget_returns_what_it_found_with_the_notice(
        handle: Any, spent_after_exact: None) -> None:
    from indexer.search import budget
    from indexer.search.engine import search

    r = search(handle, STOPPED_QUERY)
    assert r["stopped"] is True and r["warnings"][0] == budget.NOTICE
    assert r["stage"] == "exact" and r["total"] >= 1
    assert r["hits"][0]["city"] == "淮安市"
    r = search(handle, _paste())
    assert r["stopped"] is True and r["warnings"][0] == budget.NOTICE  # no traceback, never minutes
    assert any("过长" in w for w in r["warnings"])  # and the length notice


def test_every_entry_point_shows_the_notice(handle: Any, spent_after_exact: None) -> None:
    from bulletins.cli import cli
    from indexer.search import budget

    query = STOPPED_QUERY
    out = CliRunner().invoke(cli, ["search", "--index", str(handle.root), "--json", query])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["stopped"] is True and budget.NOTICE in data["warnings"]
    assert data["hits"][0]["city"] == "淮安市"
    client = index_client(handle)
    api = client.get("/api/search", query_string={"q": query}).get_json()
    assert api["stopped"] is True and budget.NOTICE in api["warnings"]
    page = client.get("/", query_string={"q": query}).get_data(as_text=True)
    assert budget.NOTICE in page and "Traceback" not in page
    # the feed and the exports say it too: a partial set is never passed on as a whole one
    import feedparser

    feed = feedparser.parse(client.get("/feed", query_string={"q": query}).get_data())
    assert budget.NOTICE in feed.feed.get("subtitle", "")
    assert feed.entries and "淮安" in feed.entries[0].title
    docx = client.get("/api/export", query_string={"q": query, "format": "docx"})
    assert docx.status_code == 200
    from docx import Document
    import io

    cover = [[c.text for c in row.cells] for row in Document(io.BytesIO(docx.data)).tables[0].rows]
    assert ["检索说明", budget.NOTICE] in cover
    csv_out = handle.root.parent / "stopped.csv"
    cli_export = CliRunner().invoke(cli, ["export", query, "--format", "csv", "-o", str(csv_out),
                                          "--index", str(handle.root)])
    assert cli_export.exit_code == 0 and budget.NOTICE in cli_export.output  # the CSV has no cover


def test_a_query_within_its_budget_has_no_notice(handle: Any) -> None:
    from indexer.search import budget
    from indexer.search.engine import search

    r = search(handle, "淮安志愿服务")
    assert r["stopped"] is False and budget.NOTICE not in r["warnings"]
    assert r["hits"][0]["city"] == "淮安市"


def test_did_you_mean_keeps_what_it_counted_when_the_budget_runs_out(handle: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from indexer.search import budget
    from indexer.search.engine import corrections

    assert corrections(handle, "乡村振新")[0]["query"] == "乡村振兴"
    monkeypatch.setattr(budget, "QUERY_CPU_SECONDS", -1.0)
    assert corrections(handle, "乡村振新") == []  # stopped before the first candidate, no error


def _burn(seconds: float) -> None:
    import time

    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


def test_what_a_version_builds_once_is_not_the_querys_cost(handle: Any) -> None:
    # The first query after a start or a commit builds the lexicon, the net, the pinyin table …
    # (before, a cold `bulletins search 韩正商务` ran out of its budget on them and found nothing)
    from indexer.search import budget

    with budget.query(seconds=0.05) as b:
        handle.shared("test-burn", lambda _s: _burn(0.3))  # a shared value made once per version
        budget.check()  # not spent: the build is left out
        _burn(0.1)  # the query's own work is counted
        with pytest.raises(budget.Spent):
            budget.check()
    assert b.spent
