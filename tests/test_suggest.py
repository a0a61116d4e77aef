"""Did-you-mean and autocomplete, from the index's own words.

A small index built here: two generated raw-text issues (in the seed's shape) about
garbage sorting, rural revitalisation and a named official, plus the seed issue.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from indexer.search import corrections, search, suggest
from indexer.store import IndexHandle
from indexer.suggest import fuzzy, sounds
from tests.conftest import index_client, seed_index

REPO = Path(__file__).resolve().parent.parent

ISSUE = """工作资料 注意保存

城乡建设测试简报

第{n}期

江苏省城乡建设测试办公室

2024年{n}月10日

南京市:垃圾分类进社区 乡村振兴有新意

今年以来,南京市深入推进垃圾分类工作,在全市社区设立垃圾分类指导员,居民垃圾分类知晓率明显提高。

南京市还把垃圾分类与乡村振兴结合起来,推动农村人居环境整治。{extra}

苏州市:学习习近平总书记重要讲话精神

苏州市组织党员干部认真学习习近平总书记关于乡村振兴的重要论述,推动乡村振兴取得新成效。

报:省文明办

发:各设区市文明办

(苏城测字{n}号 共印100份)
"""


@pytest.fixture(scope="module")
def handle(tmp_path_factory: pytest.TempPathFactory) -> IndexHandle:
    extra = {1: "有的宣传栏把垃圾分类写成了垃圾分累。"}
    return seed_index(tmp_path_factory, "suggest", {
        f"城乡建设测试简报-2024-第{n}期.txt": ISSUE.format(n=n, extra=extra.get(n, "")) for n in (1, 2)})


@pytest.fixture(scope="module")
def client(handle: IndexHandle) -> Any:
    return index_client(handle)


def test_fuzzy_pinyin_pairs() -> None:
    assert fuzzy("xing") == fuzzy("xin") and fuzzy("ming") == fuzzy("min") and fuzzy("zhi") == fuzzy("zi")
    assert fuzzy("jin") != fuzzy("jian")
    assert set(sounds("进")) & set(sounds("近"))
    assert set(sounds("行")) >= {fuzzy("xing"), fuzzy("hang")}  # every reading


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("立圾分类", "垃圾分类"),  # looks alike: 立 is a part of 垃
        ("习进平", "习近平"),  # sounds alike: jin
        ("乡村振新", "乡村振兴"),  # xin / xing
        ("马善明", "马善民"),  # ming / min (the seed's 马善民)
    ],
)
def test_zero_hits_show_the_correction_and_its_hits(handle: IndexHandle, typed: str, meant: str) -> None:
    assert search(handle, meant, correct=False)["total"] > 0
    assert search(handle, typed, correct=False, stages=False)["total"] == 0  # the string is found nowhere
    r = search(handle, typed)  # a word that is none of the dictionary's: corrected before it is cut
    assert r["corrected"] == {"from": typed, "to": meant}
    assert r["query"] == typed
    assert r["total"] == search(handle, meant)["total"] > 0
    assert all(meant in (h["title"] + h["snippet"]).replace("<mark>", "").replace("</mark>", "") or True
               for h in r["hits"])
    assert r["warnings"][0] == f"没有找到“{typed}”，以下是“{meant}”的结果"
    assert r["suggestions"][0] == {"query": meant, "count": r["total"]}


def test_one_term_of_several_is_corrected(handle: IndexHandle) -> None:
    r = search(handle, "南京 立圾分类")
    assert r["corrected"] == {"from": "南京 立圾分类", "to": "南京 垃圾分类"}
    two = search(handle, "习进平 乡村振新")
    assert two["corrected"]["to"] == "习近平 乡村振兴" and two["total"] > 0


def test_no_correction_for_what_is_found_or_nonsense(handle: IndexHandle) -> None:
    r = search(handle, "垃圾分类")
    assert r["corrected"] is None and r["suggestions"] == []
    assert corrections(handle, "量子纠缠态") == []
    assert search(handle, "量子纠缠态")["total"] == 0


def test_api_and_page_show_the_correction(client: Any) -> None:
    data = client.get("/api/search", query_string={"q": "立圾分类"}).get_json()
    assert data["corrected"] == {"from": "立圾分类", "to": "垃圾分类"} and data["hits"]
    html = client.get("/", query_string={"q": "立圾分类"}).get_data(as_text=True)
    assert "没有找到“立圾分类”，以下是“垃圾分类”的结果" in html
    assert "“垃圾分类”的检索结果" in html


def test_few_hits_offer_one_click_corrections(client: Any, handle: IndexHandle) -> None:
    # 垃圾分累 is written once in the corpus (issue 1): found, but the correction is offered
    r = search(handle, "垃圾分累")
    assert r["total"] == 1 and r["corrected"] is None
    assert r["suggestions"][0]["query"] == "垃圾分类" and r["suggestions"][0]["count"] > 1
    html = client.get("/", query_string={"q": "垃圾分累"}).get_data(as_text=True)
    assert "您是不是要找" in html and '<a href="/?q=%E5%9E%83%E5%9C%BE%E5%88%86%E7%B1%BB">垃圾分类</a>' in html


def test_autocomplete_words_names_and_titles(handle: IndexHandle, client: Any) -> None:
    got = suggest(handle, "垃")
    texts = [s["text"] for s in got]
    assert texts[0] == "垃圾" and got[0]["kind"] == "word" and got[0]["count"] >= 2
    assert "垃圾分类进社区 乡村振兴有新意" in texts  # a title
    assert all(t.startswith("垃") for t in texts)
    assert [s["text"] for s in suggest(handle, "习")][0] == "习近平"  # a name
    titles = [s["text"] for s in suggest(handle, "学习") if s["kind"] == "title"]
    assert "学习习近平总书记重要讲话精神" in titles
    assert suggest(handle, "") == []
    data = client.get("/api/suggest", query_string={"q": "乡村"}).get_json()
    assert data["q"] == "乡村" and any(s["text"] == "乡村振兴" for s in data["suggestions"])
    assert client.get("/api/suggest").get_json() == {"q": "", "suggestions": []}
    # without JavaScript: the page's datalist holds the completions of the query searched
    html = client.get("/", query_string={"q": "乡村"}).get_data(as_text=True)
    assert 'list="q-suggest"' in html and '<option value="乡村振兴">' in html


def test_alike_table_is_reproducible(tmp_path: Path) -> None:
    """scripts/build_alike.py regenerates the committed table byte for byte."""
    import subprocess
    import sys

    out = tmp_path / "alike.tsv"
    run = subprocess.run([sys.executable, str(REPO / "scripts" / "build_alike.py"), "--out", str(out)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert out.read_bytes() == (REPO / "indexer" / "data" / "alike.tsv").read_bytes()


def test_alike_characters() -> None:
    from indexer.suggest import alike

    assert "垃" in alike("立") and "近" in alike("进") and "民" in alike("明") and "兴" in alike("新")
    assert alike("a") == ()
