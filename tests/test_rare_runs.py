"""A run of a few words typed together that the archive holds as typed in only one or two
articles (issue 24: 服务增长, 发生地震, 我国绿色): its exact hits first, counted as such, then the
articles holding its words apart — on real 《新闻联播》 issues (skipped when the corpus is absent)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner

from bench import relevance as R
from tests.conftest import index_client

pytestmark = pytest.mark.skipif(not R.XINWEN.is_dir(), reason=f"{R.XINWEN} is absent")

# 20240201 holds 服务增长 as typed (in one article's text); the others have titles holding
# 服务 … 增长 apart (我国服务贸易持续增长, 我国服务业实现较快增长 …) and never the run.
ISSUES = ("20240201.md", "20230619.md", "20231202.md", "20240105.md", "20230322.md")


@pytest.fixture(scope="module")
def handle(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from tests.conftest import xinwen_index

    return xinwen_index(tmp_path_factory, "rare", ISSUES)


def _search(handle: Any, query: str, **kw: Any) -> dict[str, Any]:
    from indexer.search.engine import search

    return search(handle, query, **kw)


def test_a_rare_run_is_widened_and_titles_holding_every_word_come_first(handle: Any) -> None:
    exact = _search(handle, '"服务增长"')  # quotes: exact only, as always
    assert exact["stage"] == "exact" and 1 <= exact["total"] <= 2
    r = _search(handle, "服务增长")  # was: the exact hits only (found as typed, so no stage ran)
    assert r["stage"] == "words" and r["total"] > exact["total"]
    ids = [h["article_id"] for h in r["hits"]]
    titled = [h["article_id"] for h in r["hits"] if "服务" in h["title"] and "增长" in h["title"]]
    assert titled and ids[: len(titled)] == titled, [h["title"] for h in r["hits"]]
    # was: the one article holding 服务增长 in running text first, above every title about 服务 … 增长;
    # it now comes right after those titles, above the articles holding the words apart in their text
    in_text = [a for a in (h["article_id"] for h in exact["hits"]) if a not in titled]
    assert in_text and ids[len(titled): len(titled) + len(in_text)] == in_text
    assert r["rewrite"]["exact"] == {"runs": ["服务增长"], "count": exact["total"], "query": '"服务增长"'}
    assert f"原样含“服务增长”的有 {exact['total']} 篇，以下也列出分别含有这些词的文章（标题含全部词的排在最前）" \
        in r["warnings"]
    assert "按词检索：服务 增长" in r["warnings"]


def test_a_longer_run_found_as_typed_stays_exact(handle: Any) -> None:
    # a pasted phrase (more than MAX_RUN_WORDS words) found at all is what was meant
    from indexer.search import stages as st

    phrase = "全年我国服务进出口总额"
    assert len(st.query_words(phrase)) > st.MAX_RUN_WORDS
    r = _search(handle, phrase)
    assert r["stage"] == "exact" and r["total"] >= 1 and not (r["rewrite"] or {}).get("exact")


def test_operators_and_fields_are_searched_as_typed(handle: Any) -> None:
    for query in ("服务增长 OR 地震", "title:服务增长", "服务增长 NOT 贸易"):
        r = _search(handle, query)
        assert r["stage"] == "exact" and not (r["rewrite"] or {}).get("exact"), query


def test_page_api_and_cli_offer_the_exact_hits_only(handle: Any) -> None:
    from bulletins.cli import cli

    client = index_client(handle)
    api = client.get("/api/search?q=服务增长").get_json()
    n = api["rewrite"]["exact"]["count"]
    assert api["total"] > n >= 1 and "q=%22%E6%9C%8D%E5%8A%A1%E5%A2%9E%E9%95%BF%22" in api["rewrite"]["exact"]["url"]
    page = client.get("/?q=服务增长").get_data(as_text=True)
    assert f"只看原样含“服务增长”的 {n} 篇" in page
    only = client.get(api["rewrite"]["exact"]["url"].replace("/?", "/api/search?")).get_json()
    assert only["total"] == n and only["stage"] == "exact"
    out = CliRunner().invoke(cli, ["search", "服务增长", "--index", str(handle.root), "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["rewrite"]["exact"]["count"] == n
