"""Search on the real corpus/: what the users of the first bulletin must find."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bulletins.cli import cli
from indexer.search.engine import Filters, search
from indexer.store.handles import IndexHandle

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def handle(tmp_path_factory: pytest.TempPathFactory) -> IndexHandle:
    index = tmp_path_factory.mktemp("seedindex") / "index"
    r = CliRunner().invoke(cli, ["index", "--corpus", str(REPO / "corpus"), "--index", str(index)])
    assert r.exit_code == 0, r.output
    return IndexHandle(index)


def places(result: dict) -> list[str]:
    return [h["place"] for h in result["hits"]]


def test_mask_campaign_finds_only_huaian(handle: IndexHandle) -> None:
    r = search(handle, "口罩行动")
    assert r["total"] == 1 and places(r) == ["淮安市"]
    assert "<mark>口罩行动</mark>" in r["hits"][0]["snippet"]


@pytest.mark.parametrize("q", ["雷锋的士", "马善民", "善民"])
def test_names_find_lianyungang(handle: IndexHandle, q: str) -> None:
    r = search(handle, q)
    assert places(r) == ["连云港市"], q


@pytest.mark.parametrize("q", ["安市", "清江浦", "淮"])
def test_parts_of_words_find_huaian(handle: IndexHandle, q: str) -> None:
    r = search(handle, q)
    assert "淮安市" in places(r), q
    if q != "淮":
        assert places(r) == ["淮安市"], q


def test_single_character_in_both(handle: IndexHandle) -> None:
    # 淮 occurs only in the 淮安 article; 港 only in the 连云港 one
    assert places(search(handle, "淮")) == ["淮安市"]
    assert places(search(handle, "港")) == ["连云港市"]


def test_city_filter_and_true_facet_counts(handle: IndexHandle) -> None:
    r = search(handle, "志愿服务")
    assert r["total"] == 2
    assert {f["value"]: f["count"] for f in r["facets"]["city"]} == {"淮安市": 1, "连云港市": 1}
    assert r["facets"]["year"] == [{"value": 2022, "count": 2}]
    assert r["facets"]["month"] == [{"value": "2022-04", "count": 2}]
    [issue] = r["facets"]["issue"]
    assert issue["label"] == "江苏精神文明建设简报 2022年第11期" and issue["count"] == 2
    only = search(handle, "志愿服务", Filters(city=("淮安市",)))
    assert places(only) == ["淮安市"] and only["total"] == 1
    assert only["facets"]["city"] == [{"value": "淮安市", "count": 1}]
    assert search(handle, "志愿服务", Filters(city=("南京市",)))["total"] == 0


def test_phrases_and_boolean(handle: IndexHandle) -> None:
    assert places(search(handle, '"淮安市清江浦"')) == []  # not adjacent in the text
    assert places(search(handle, '"清江浦区总工会"')) == ["淮安市"]
    assert places(search(handle, '"志愿服务 活动"')) != []
    assert places(search(handle, "志愿 NOT 口罩")) == ["连云港市"]
    assert sorted(places(search(handle, "口罩行动 OR 雷锋的士"))) == ["淮安市", "连云港市"]
    assert places(search(handle, "口罩行动 AND 雷锋的士")) == []


def test_figures_and_issue_numbers(handle: IndexHandle) -> None:
    assert places(search(handle, "15万")) == ["淮安市"]
    assert search(handle, "第十一期")["total"] == 2
    assert search(handle, "第11期")["total"] == 2
    assert search(handle, "", Filters(issue=11))["total"] == 2
    assert search(handle, "", Filters(issue=12))["total"] == 0


def test_fullwidth_and_case_are_normalised(handle: IndexHandle) -> None:
    assert places(search(handle, "１５万")) == ["淮安市"]


def test_title_field_and_ranking(handle: IndexHandle) -> None:
    r = search(handle, "title:志愿服务暖人心")
    assert places(r) == ["淮安市"]
    r = search(handle, "统筹文明实践资源 筑牢疫情防控防线")
    assert places(r)[0] == "连云港市"


def test_empty_query_browses_newest_first(handle: IndexHandle) -> None:
    r = search(handle, "")
    assert r["total"] == 2 and r["warnings"] == []
    assert [h["order"] for h in r["hits"]] == [1, 2]


def test_malformed_query_still_searches(handle: IndexHandle) -> None:
    r = search(handle, '"口罩行动')
    assert places(r) == ["淮安市"] and r["warnings"]



def test_cli_json(handle: IndexHandle) -> None:
    r = CliRunner().invoke(cli, ["search", "口罩行动", "--json", "--index", str(handle.root)])
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert d["query"] == "口罩行动" and d["total"] == 1 and d["page"] == 1 and d["pages"] == 1
    [hit] = d["hits"]
    assert hit["series"] == "江苏精神文明建设简报" and hit["issue"] == 11 and hit["year"] == 2022
    assert hit["date"] == "2022-04-02" and hit["city"] == "淮安市" and hit["place"] == "淮安市"
    assert hit["title"] == "疫情防控齐聚力 志愿服务暖人心"
    assert "<mark>口罩行动</mark>" in hit["snippet"]
    assert d["facets"]["city"] == [{"value": "淮安市", "label": "淮安市", "count": 1, "selected": False,
                                    "toggle_url": "/?q=%E5%8F%A3%E7%BD%A9%E8%A1%8C%E5%8A%A8&city=%E6%B7%AE%E5%AE%89%E5%B8%82"}]
    assert d["facets"]["issue"][0]["label"] == "江苏精神文明建设简报 2022年第11期"
    r = CliRunner().invoke(cli, ["search", "马善民", "--city", "淮安市", "--json", "--index", str(handle.root)])
    assert json.loads(r.output)["total"] == 0
    r = CliRunner().invoke(cli, ["search", "x", "--from", "2022-13-01", "--index", str(handle.root)])
    assert r.exit_code == 2 and "2022-13-01" in r.output


def test_cli_env_var(handle: IndexHandle) -> None:
    r = CliRunner().invoke(cli, ["search", "马善民"], env={"BULLETINS_INDEX": str(handle.root)})
    assert r.exit_code == 0 and "统筹文明实践资源" in r.output


def test_cli_missing_index(tmp_path: Path) -> None:
    r = CliRunner().invoke(cli, ["search", "x", "--index", str(tmp_path / "none")])
    assert r.exit_code == 1 and "bulletins index" in r.output
