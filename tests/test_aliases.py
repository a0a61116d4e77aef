"""Short and full names (issue 24): the curated table both ways, names mined from the
archive's own （以下简称…）, the OR expansion ranked below the literal form, its notice and
the one click (expand=0) that turns it off. On the seed bulletin, a real public document
(tests/public: 国务院办公厅通报, with its （以下简称杏煤公司）) and generated issues."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from indexer.search.aliases import AliasTable, curated, full_name, mine
from indexer.present.params import BadParam, Pairs, parse_search_args
from indexer.search.engine import search
from indexer.store.handles import IndexHandle
from tests.conftest import index_client, seed_index

PUBLIC = Path(__file__).resolve().parent / "public"
TONGBAO = PUBLIC / "gov-cn-2004-guobanfa-7-tongbao.html"


def _plain(path: Path) -> str:
    return re.sub(r"<[^>]*>", "", path.read_text("utf-8"))


def _issue(n: int, articles: list[tuple[str, str]]) -> str:
    parts = ["工作资料 注意保存", "经济工作测试简报", f"第{n}期", "江苏省经济工作测试办公室", f"2024年{n}月10日"]
    for title, text in articles:
        parts += [f"南京市:{title}", text]
    parts += ["报:省政府办公厅", "发:各设区市", f"(苏经测字{n}号 共印100份)"]
    return "\n\n".join(parts) + "\n"


ISSUES = {
    "经济工作测试简报-2024-第1期.txt": _issue(1, [
        ("国家发展和改革委员会调研我市", "国家发展和改革委员会调研组来我市调研重大项目建设。"),
        ("发改委部署重大项目", "市发改委部署今年重大项目,发改委主任出席会议。"),
        ("长江三角洲一体化发展", "我市积极融入长江三角洲区域一体化发展。"),
    ]),
    "经济工作测试简报-2024-第2期.txt": _issue(2, [
        ("杏儿沟煤业有限责任公司整改", "杏儿沟煤业有限责任公司（以下简称杏煤公司）完成整改。"),
        ("煤矿安全检查", "检查组再次检查了杏儿沟煤业有限责任公司的北风井。"),
        ("证监会检查上市公司", "市证监会检查上市公司信息披露。"),
    ]),
    "经济工作测试简报-2024-第3期.txt": _issue(3, [
        ("南美客商来我市考察", "南方共同市场（南共市）企业代表团来我市考察。"),
        ("南共市经贸洽谈会举行", "南共市成员国企业参加洽谈。"),
    ]),
}


@pytest.fixture(scope="module")
def handle(tmp_path_factory: pytest.TempPathFactory) -> IndexHandle:
    return seed_index(tmp_path_factory, "aliases", ISSUES)


@pytest.fixture(scope="module")
def client(handle: IndexHandle) -> Any:
    return index_client(handle)


def test_curated_table_works_both_ways() -> None:
    table = AliasTable(curated())
    assert "国家发展和改革委员会" in table.expansions("发改委")
    assert "发改委" in table.expansions("国家发展和改革委员会")
    assert table.expansions("长三角") == ("长江三角洲",) and "长三角" in table.expansions("长江三角洲")
    assert "新型冠状病毒肺炎" in table.expansions("新冠肺炎")
    assert "全国两会" not in table.expansions("两会")  # 两会 is inside 全国两会: the net finds it already
    assert table.expansions("志愿者") == ()


def test_mined_from_a_real_document() -> None:
    assert ("杏儿沟煤业有限责任公司", "杏煤公司") in mine([_plain(TONGBAO)])
    # （以下简称领导小组）: a short name inside its full name adds nothing
    assert mine([_plain(PUBLIC / "gov-cn-2018-guobanhan-74-tongzhi.html")]) == []
    assert mine(["本办法（以下简称“本办法”）"]) == []
    assert full_name("推动长江三角洲", "长三角") == "长江三角洲"


def test_a_short_form_in_brackets_after_a_name_is_mined() -> None:
    assert mine(["阿拉伯国家联盟（阿盟）秘书长", "会见世界粮食计划署(世粮署)执行干事"]) == [
        ("阿拉伯国家联盟", "阿盟"), ("世界粮食计划署", "世粮署")]
    # a bracket that is no short form of the name before it (not its characters in order, or
    # a part of it as written) is not a name
    assert mine(["江苏省南京市（南京）", "在北京（首都）", "习近平（中）会见", "会议（视频）举行"]) == []


def test_names_mined_from_brackets_in_the_archive(handle: IndexHandle) -> None:
    r = search(handle, "南方共同市场")
    assert search(handle, "南方共同市场", expand=False)["total"] == 1 and r["total"] == 2
    assert r["expanded"]["names"]["南方共同市场"] == ["南共市"]


def test_short_name_finds_the_full_one_after_the_literal(handle: IndexHandle) -> None:
    literal = search(handle, "发改委", expand=False)
    r = search(handle, "发改委")
    assert literal["total"] == 1 and r["total"] == 2
    assert r["hits"][0]["title"] == "发改委部署重大项目"  # the literal form first
    assert r["hits"][1]["title"] == "国家发展和改革委员会调研我市"
    assert r["expanded"]["names"]["发改委"][0] == "国家发展和改革委员会" and r["expanded"]["extra"] == 1
    assert any(w.startswith("“发改委”也检索了“国家发展和改革委员会”") for w in r["warnings"])
    assert search(handle, "长三角")["total"] == search(handle, "长江三角洲")["total"] >= 1
    assert search(handle, "长三角", expand=False)["total"] == 0


def test_names_mined_from_the_archive(handle: IndexHandle) -> None:
    r = search(handle, "杏煤公司")
    assert r["total"] == 2 and search(handle, "杏煤公司", expand=False)["total"] == 1
    assert r["hits"][0]["title"] == "杏儿沟煤业有限责任公司整改"  # holds 杏煤公司 itself


def test_quoted_and_negated_names_stay_literal(handle: IndexHandle) -> None:
    assert search(handle, '"发改委"')["total"] == 1 and "expanded" not in search(handle, '"发改委"')
    assert search(handle, "重大项目 -发改委")["total"] == search(handle, "重大项目 -发改委", expand=False)["total"]


def test_one_click_turns_it_off(client: Any) -> None:
    html = client.get("/", query_string={"q": "发改委"}).get_data(as_text=True)
    assert "也检索了" in html and 'href="/?q=%E5%8F%91%E6%94%B9%E5%A7%94&amp;expand=0"' in html
    off = client.get("/", query_string={"q": "发改委", "expand": "0"}).get_data(as_text=True)
    assert "也检索了" not in off and '<input type="hidden" name="expand" value="0">' in off
    data = client.get("/api/search", query_string={"q": "发改委"}).get_json()
    assert data["expanded"]["off_url"] == "/?q=%E5%8F%91%E6%94%B9%E5%A7%94&expand=0" and data["total"] == 2
    assert client.get("/api/search", query_string={"q": "发改委", "expand": "0"}).get_json()["total"] == 1
    assert client.get("/api/search", query_string={"q": "发改委", "expand": "maybe"}).status_code == 400


def test_params_carry_expand() -> None:
    p = parse_search_args(Pairs([("q", "发改委"), ("expand", "0")]))
    assert p.expand is False and ("expand", "0") in p.to_args()
    assert parse_search_args(Pairs([("q", "发改委")])).to_args() == [("q", "发改委")]
    with pytest.raises(BadParam):
        parse_search_args(Pairs([("expand", "maybe")]))


def test_a_name_typed_whole_is_searched_by_its_names_before_its_words(handle: IndexHandle) -> None:
    # 证券监督管理委员会 is found nowhere; it is part of 中国证券监督管理委员会, whose group's
    # 证监会 abbreviates it. The old code cut it into words (证券 监督管理 委员会 …) and found nothing.
    r = search(handle, "证券监督管理委员会 检查")
    assert r["expanded"]["names"] == {"证券监督管理委员会": ["证监会"]}
    assert r["total"] == 1 and r["hits"][0]["title"] == "证监会检查上市公司"
    assert search(handle, "证券监督管理委员会 检查", expand=False)["stage"] != "exact"


def test_a_curated_name_inside_the_typed_one_is_searched_too() -> None:
    table = AliasTable(curated())
    assert "大湾区" in table.expansions("粤港澳大湾区")  # three characters: that name alone
    assert "新冠" not in table.expansions("新冠肺炎")  # two: 新冠疫苗 is no 新冠肺炎


def test_names_before_words_see_only_what_the_reader_may_see(handle: IndexHandle) -> None:
    import numpy as np

    from indexer.search.engine import snapshot

    none = np.zeros(snapshot(handle).n, dtype=bool)  # access rules (issue 21)
    r = search(handle, "证券监督管理委员会 检查", allowed_docs=none)
    assert r["total"] == 0 and not r["hits"] and "expanded" not in r


def test_a_name_with_words_around_it_is_searched_by_its_other_names(handle: IndexHandle) -> None:
    # 国家发改委 is no name of the table but holds one (发改委) after 国家: its other names are
    # searched with 国家 where they lack it. The old code had no other name for the term and cut it
    # into 国家 + 发改委 (names: 发改委).
    table = AliasTable(curated())
    assert table.expansions("国家发改委")[:2] == ("国家发展和改革委员会", "国家发展改革委")
    assert table.expansions("新冠肺炎疫情") == ("新型冠状病毒肺炎疫情",)
    assert table.expansions("国家发改委", held=False) == ()  # (a typo beside a name is still a typo)
    r = search(handle, "国家发改委 调研")
    assert r["expanded"]["names"]["国家发改委"][0] == "国家发展和改革委员会"
    assert r["hits"][0]["title"] == "国家发展和改革委员会调研我市"
