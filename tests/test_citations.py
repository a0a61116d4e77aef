"""Linked documents (issue 20 item 2): references found in real text, resolved against the
archive, shown as links with 被引用, 已废止 / 已修订 and the 效力 filter.

The archive: the real gov.cn 公文 of tests/public and 公文 made with tests/docgen.py that
cite, revise and repeal each other (and cite a real one by its 发文字号).
"""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path
from typing import Any, Iterator

import pytest
from click.testing import CliRunner

from archive.references import REPEAL, REVISE, find_references
from tests.docgen import gongwen_text

PUBLIC = Path(__file__).parent / "public"

GREEN_2015 = "江苏省人民政府关于加强城市绿化管理的通知"
CARE_2016 = "江苏省人民政府办公厅关于印发《江苏省城市绿化养护办法》的通知"
RULE_2020 = "江苏省人民政府关于城市绿化管理的决定"
PLAN_2021 = "江苏省人民政府办公厅关于做好2025年节假日期间城市绿化养护工作的通知"


def made_documents() -> dict[str, str]:
    """Four 公文 that cite each other: 2020's repeals 2015's and revises 2016's; 2021's cites
    2016's by the title it printed, 2015's without its issuer, a real gov.cn 公文 by number
    and one not archived."""
    return {
        "suzhengfa-2015-12.txt": gongwen_text(GREEN_2015, "苏政发〔2015〕12号", [
            "为加强城市绿化管理，改善城市生态环境，现就有关事项通知如下。",
            "一、各地要把城市绿化纳入国土空间规划，确保新建居住区绿地率不低于百分之三十。"],
            "江苏省人民政府", "2015年3月1日"),
        "suzhengbanfa-2016-8.txt": gongwen_text(CARE_2016, "苏政办发〔2016〕8号", [
            "根据《江苏省人民政府关于加强城市绿化管理的通知》（苏政发〔2015〕12号），"
            "省住房城乡建设厅制定了《江苏省城市绿化养护办法》，经省人民政府同意，现印发给你们，请认真贯彻执行。"],
            "江苏省人民政府办公厅", "2016年5月10日"),
        "suzhengfa-2020-30.txt": gongwen_text(RULE_2020, "苏政发[2020]30号", [
            "为进一步规范城市绿化管理，省人民政府决定如下。",
            "一、城市绿化养护实行属地管理，苏政办发(2016)8号予以修订，由省住房城乡建设厅另行印发。",
            "二、本决定自2020年6月1日起施行。《江苏省人民政府关于加强城市绿化管理的通知》（苏政发〔2015〕12号）同时废止。"],
            "江苏省人民政府", "2020年5月20日"),
        "suzhengbanfa-2021-3.txt": gongwen_text(PLAN_2021, "苏政办发〔2021〕3号", [
            "按照《江苏省城市绿化养护办法》和国办发明电〔2024〕12号的安排，各地要做好节假日期间城市绿化养护工作。",
            "各地要参照《国务院关于加快发展现代保险服务业的若干意见》（国发〔2014〕45号），为绿化养护人员办理保险。",
            "《关于加强城市绿化管理的通知》提出的绿地率要求继续作为养护考核的参考。"],
            "江苏省人民政府办公厅", "2024年12月1日"),
    }


def build(corpus: Path, index: Path, files: dict[str, str], public: bool = True) -> None:
    from bulletins.cli import cli

    corpus.mkdir(parents=True, exist_ok=True)
    if public:
        for p in [*PUBLIC.glob("gov-cn-*.html"), *PUBLIC.glob("gov-cn-*.txt")]:
            shutil.copy(p, corpus / p.name)
    for name, text in files.items():
        (corpus / name).write_text(text, encoding="utf-8")
    r = CliRunner().invoke(cli, ["index", "--corpus", str(corpus), "--index", str(index)])
    assert r.exit_code == 0, r.output


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    from webui import create_app

    base = tmp_path_factory.mktemp("cite")
    build(base / "corpus", base / "index", made_documents())
    app = create_app({"TESTING": True, "INDEX_DIR": str(base / "index"), "CORPUS_DIR": str(base / "corpus")})
    client = app.test_client()
    ids = {}
    for title in (GREEN_2015, CARE_2016, RULE_2020, PLAN_2021, "国务院办公厅关于2025年部分节假日安排的通知"):
        hits = client.get("/api/search", query_string={"q": f'title:"{title}"'}).get_json()["hits"]
        ids[title] = next(h["bulletin_id"] for h in hits if h["title"] == title)
    yield {"base": base, "app": app, "client": client, "ids": ids}
    close(app)


def close(app: Any) -> None:
    """Close the app's index handle (its files), as the server does at exit."""
    handle = app.extensions.pop("bulletins.index", None)
    if handle is not None:
        handle.close()


def article(client: Any, bulletin_id: str) -> dict[str, Any]:
    return client.get(f"/api/bulletins/{bulletin_id}").get_json()["articles"][0]


# -- finding references in real text ---------------------------------------------------

def _public_text(name: str) -> str:
    from archive.parse import parse_file

    return "\n".join(a.text for a in parse_file(PUBLIC / name).articles)


def test_a_real_reply_cites_the_request_by_title_and_number() -> None:
    text = _public_text("gov-cn-2004-guobanhan-36-fuhan.html")
    refs = find_references(text)
    assert [(r.title, r.serial_text, r.action) for r in refs][:1] == [
        ("关于以哈尔滨市名义申请举办2009年世界大学生冬季运动会的请示", "教外际〔2004〕14号", None)]
    assert text[refs[0].start : refs[0].end] == "《关于以哈尔滨市名义申请举办2009年世界大学生冬季运动会的请示》（教外际〔2004〕14号）"


def test_a_real_document_naming_a_law_beside_修订_does_not_revise_it() -> None:
    """国办发〔2004〕7号: "…《中华人民共和国安全生产法》的配套实施办法…制定修订工作": no action."""
    refs = find_references(_public_text("gov-cn-2004-guobanfa-7-tongbao.html"))
    assert "中华人民共和国安全生产法" in [r.title for r in refs]
    assert all(r.action is None for r in refs)


@pytest.mark.parametrize("sentence, expected", [
    ("本办法自2020年1月1日起施行。《江苏省某某办法》（苏政发[2015]12号）同时废止。", [("江苏省某某办法", "苏政发〔2015〕12号", REPEAL)]),
    ("《甲办法》、《乙规定》和《丙细则》同时废止。", [("甲办法", None, REPEAL), ("乙规定", None, REPEAL), ("丙细则", None, REPEAL)]),
    ("经研究，决定废止《关于某某的通知》。", [("关于某某的通知", None, REPEAL)]),
    ("国务院决定对《中华人民共和国药品管理法实施条例》作如下修改：", [("中华人民共和国药品管理法实施条例", None, REVISE)]),
    ("现将修订后的《某某办法》印发给你们，请遵照执行。", [("某某办法", None, None)]),
    ("依据国办发〔2018〕108号文件精神，苏政办发(2022) 5号停止执行。",
     [(None, "国办发〔2018〕108号", None), (None, "苏政办发〔2022〕5号", REPEAL)]),
    ("根据《中华人民共和国立法法》，决定废止《甲办法》。", [("中华人民共和国立法法", None, None), ("甲办法", None, REPEAL)]),
    ("生态环境部目前已启动修订《环境空气质量标准》。", [("环境空气质量标准", None, None)]),  # xinwen: not done yet
    ("听取了关于《中国人民政治协商会议全国委员会提案工作条例》修订草案起草情况的说明。", [("中国人民政治协商会议全国委员会提案工作条例", None, None)]),
    ("我国新修订《药品管理法实施条例》今天正式施行。", [("药品管理法实施条例", None, None)]),
    ("《中国共产党纪律处分条例》修订以习近平新时代中国特色社会主义思想为指导。", [("中国共产党纪律处分条例", None, None)]),
    ("《甲办法》同时废止", [("甲办法", None, REPEAL)]),  # the text ends with the verb
    ("国家税务总局公告2018年第31号予以修订。", [(None, "国家税务总局公告〔2018〕31号", REVISE)]),
])
def test_references_and_what_the_sentence_does_to_them(sentence: str, expected: list[Any]) -> None:
    assert [(r.title, r.serial_text, r.action) for r in find_references(sentence)] == expected


# -- resolved against the archive ------------------------------------------------------------

def test_a_repealed_document_says_so_with_the_link_and_its_citers(archive: dict[str, Any]) -> None:
    ids, client = archive["ids"], archive["client"]
    a = article(client, ids[GREEN_2015])
    assert a["status"] == "已废止"
    assert [(b["bulletin_id"], b["action"]) for b in a["status_by"]] == [(ids[RULE_2020], "废止")]
    assert a["status_by"][0]["url"] == f"http://localhost/bulletin/{ids[RULE_2020]}#a1"
    assert [(c["bulletin_id"], c["action"]) for c in a["cited_by"]] == [
        (ids[PLAN_2021], None), (ids[RULE_2020], "废止"), (ids[CARE_2016], None)]  # newest first
    revised = article(client, ids[CARE_2016])
    assert revised["status"] == "已修订" and revised["status_by"][0]["bulletin_id"] == ids[RULE_2020]
    assert article(client, ids[RULE_2020])["status"] == "现行有效"


def test_references_resolve_by_number_and_by_the_title_a_document_printed(archive: dict[str, Any]) -> None:
    ids, client = archive["ids"], archive["client"]
    cites = article(client, ids[PLAN_2021])["cites"]
    got = {(c["title"], c["serial"]): (c["target"]["bulletin_id"], c["how"]) for c in cites}
    assert got == {
        ("江苏省城市绿化养护办法", None): (ids[CARE_2016], "published"),
        ("关于加强城市绿化管理的通知", None): (ids[GREEN_2015], "about"),
        (None, "国办发明电〔2024〕12号"): (ids["国务院办公厅关于2025年部分节假日安排的通知"], "serial"),
    }  # 《…若干意见》（国发〔2014〕45号） is not archived: no link
    rule = {(c["serial"], c["action"]) for c in article(client, ids[RULE_2020])["cites"]}
    assert rule == {("苏政办发〔2016〕8号", "修订"), ("苏政发〔2015〕12号", "废止")}


def test_the_page_links_resolved_references_and_leaves_the_rest_plain(archive: dict[str, Any]) -> None:
    ids, client = archive["ids"], archive["client"]
    page = client.get(f"/bulletin/{ids[PLAN_2021]}").get_data(as_text=True)
    links = {html.unescape(t): h for h, t in re.findall(r'<a href="(/bulletin/[0-9a-f]{16}[^"]*)"[^>]*>([^<]+)</a>', page)}
    assert links["《江苏省城市绿化养护办法》"].startswith(f"/bulletin/{ids[CARE_2016]}")
    assert "国办发明电〔2024〕12号" in links
    assert "《国务院关于加快发展现代保险服务业的若干意见》（国发〔2014〕45号）" in html.unescape(page)
    assert not [t for t in links if "国发〔2014〕45号" in t or "若干意见" in t]
    repealed = html.unescape(client.get(f"/bulletin/{ids[GREEN_2015]}").get_data(as_text=True))
    assert "效力：<strong>已废止</strong>" in repealed and "被引用（3）" in repealed
    assert f'href="/bulletin/{ids[RULE_2020]}' in repealed


def test_the_status_facet_and_filter_in_the_page_the_api_and_the_cli(archive: dict[str, Any]) -> None:
    from bulletins.cli import cli

    client = archive["client"]
    body = client.get("/api/search", query_string={"q": "绿化"}).get_json()
    assert {f["value"]: f["count"] for f in body["facets"]["status"]} == {"现行有效": 2, "已废止": 1, "已修订": 1}
    in_force = client.get("/api/search", query_string={"q": "绿化", "status": "现行有效"}).get_json()
    assert sorted(h["title"] for h in in_force["hits"]) == sorted([RULE_2020, PLAN_2021])
    assert in_force["filters"]["status"] == ["现行有效"]
    both = client.get("/api/search", query_string=[("q", "绿化"), ("status", "已废止"), ("status", "已修订")]).get_json()
    assert sorted(h["title"] for h in both["hits"]) == sorted([GREEN_2015, CARE_2016])
    assert {h["title"]: h["status"] for h in both["hits"]} == {GREEN_2015: "已废止", CARE_2016: "已修订"}
    r = CliRunner().invoke(cli, ["search", "绿化", "--status", "现行有效", "--json",
                                 "--index", str(archive["base"] / "index")])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["total"] == in_force["total"] == 2
    bad = client.get("/api/search", query_string={"q": "绿化", "status": "有效"})
    assert bad.status_code == 400 and "效力无效：有效" in bad.get_json()["error"]
    page = client.get("/?q=绿化").get_data(as_text=True)
    assert 'id="facet-status"' in page and "status=%E5%B7%B2%E5%BA%9F%E6%AD%A2" in page
    assert '<span class="status-label">已废止</span>' in page


def test_a_real_document_not_cited_by_a_later_one_is_in_force(archive: dict[str, Any]) -> None:
    """The real gov.cn documents cite laws and requests that are not archived: nothing links."""
    client = archive["client"]
    hits = client.get("/api/search", query_string={"q": "国办函〔2004〕36号"}).get_json()["hits"]
    a = article(client, hits[0]["bulletin_id"])
    assert (a["status"], a["cites"], a["cited_by"]) == ("现行有效", [], [])


def test_add_updates_the_links_of_what_it_touches(tmp_path: Path) -> None:
    """`bulletins add` of the repealing document: the repealed one is 已废止 at once, with its
    link; the new one links to it."""
    from bulletins.cli import cli
    from webui import create_app

    docs = made_documents()
    later = {"suzhengfa-2020-30.txt": docs.pop("suzhengfa-2020-30.txt")}
    build(tmp_path / "corpus", tmp_path / "index", docs, public=False)
    app = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "index"), "CORPUS_DIR": str(tmp_path / "corpus")})
    client = app.test_client()

    def status(title: str) -> dict[str, Any]:
        hits = client.get("/api/search", query_string={"q": f'title:"{title}"'}).get_json()["hits"]
        return article(client, next(h["bulletin_id"] for h in hits if h["title"] == title))

    assert status(GREEN_2015)["status"] == "现行有效" and len(status(GREEN_2015)["cited_by"]) == 2
    (tmp_path / "new").mkdir()
    new = tmp_path / "new" / "suzhengfa-2020-30.txt"
    new.write_text(later["suzhengfa-2020-30.txt"], encoding="utf-8")
    r = CliRunner().invoke(cli, ["add", str(new), "--corpus", str(tmp_path / "corpus"), "--index", str(tmp_path / "index")])
    assert r.exit_code == 0, r.output
    green = status(GREEN_2015)
    assert green["status"] == "已废止" and green["status_by"][0]["title"] == RULE_2020
    assert status(CARE_2016)["status"] == "已修订"
    assert {c["target"]["title"] for c in status(RULE_2020)["cites"]} == {GREEN_2015, CARE_2016}
    # the repealing document changed (its old version deleted in its segment): 现行有效 again
    copied = next(p for p in (tmp_path / "corpus").iterdir() if "同时废止" in p.read_text(encoding="utf-8"))
    copied.write_text(copied.read_text(encoding="utf-8").replace("同时废止", "继续有效"), encoding="utf-8")
    r = CliRunner().invoke(cli, ["index", "--corpus", str(tmp_path / "corpus"), "--index", str(tmp_path / "index")])
    assert r.exit_code == 0, r.output
    green = status(GREEN_2015)
    assert green["status"] == "现行有效" and [c["action"] for c in green["cited_by"]] == [None, None, None]
    close(app)


def test_an_earlier_document_cannot_repeal_a_later_one(tmp_path: Path) -> None:
    """The action needs a later (or same-day) document: dated before its target, it only cites."""
    from indexer.search.citegraph import citegraph
    from indexer.store.handles import IndexHandle

    docs = made_documents()
    docs["suzhengfa-2020-30.txt"] = docs["suzhengfa-2020-30.txt"].replace("2020年5月20日", "2014年5月20日")
    build(tmp_path / "corpus", tmp_path / "index", docs, public=False)
    with IndexHandle(tmp_path / "index") as h:
        g = citegraph(h)
        assert len(g.src) == 5  # 2016→2015, 2020→2016, 2020→2015, 2021→2016, 2021→2015 (国办发明电 not archived here)
        masks = g.statuses()
        assert not masks["已废止"].any() and not masks["已修订"].any()
        assert int(masks["现行有效"].sum()) == 4


# -- any text -----------------------------------------------------------------------------

from hypothesis import given, settings, strategies as st  # noqa: E402

PIECES = st.sampled_from(["《", "》", "〔", "〕", "[", "]", "（", "）", "(", ")", "号", "第", "年", "2014", "45",
                          "国发", "同时废止", "予以修订", "根据", "、", "，", "。", "\n", " ", "关于", "通知"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(PIECES, st.text(max_size=4)), max_size=40).map("".join))
def test_any_text_gives_spans_that_slice_back_to_what_they_name(text: str) -> None:
    for ref in find_references(text):
        span = text[ref.start : ref.end]
        assert 0 <= ref.start < ref.end <= len(text)
        if ref.title is not None:
            assert span.startswith("《") and " ".join(ref.title.split()) == " ".join(span[1:].split("》")[0].split())
        if ref.serial is not None:
            assert ref.serial[0] in span and str(ref.serial[2]) in span


def test_a_linked_reference_is_escaped_and_never_nested_in_a_link() -> None:
    from webui.render import link_references, markdown_to_html

    body = markdown_to_html('依据《甲<b>办法</b>》和[《乙办法》](http://example.org/)，《丙&办法》同时废止。')
    out = link_references(body, lambda ref: ("/bulletin/0123456789abcdef#a1", '"><script>x</script>'))
    assert "<script>" not in out and out.count("/bulletin/0123456789abcdef") == 1  # 《丙&办法》 only
    assert "《丙&amp;办法》</a>" in out and '<a href="http://example.org/"' in out


def test_a_bulletin_reporting_a_repeal_links_but_does_not_repeal(tmp_path: Path) -> None:
    """Only a 公文 repeals or revises (ACTS_ONLY_FROM_GONGWEN): a 简报 that reports "《…》同时废止"
    cites the document, which stays 现行有效."""
    from tests.test_access_leak import issue_text
    from webui import create_app

    docs = {"suzhengfa-2015-12.txt": made_documents()["suzhengfa-2015-12.txt"],
            "绿化工作简报-2021-第1期.txt": issue_text("绿化工作简报", 1, "2021年3月1日", [
                ("南京市:城市绿化管理有新规", ["新规施行后，《江苏省人民政府关于加强城市绿化管理的通知》同时废止。"])])}
    build(tmp_path / "corpus", tmp_path / "index", docs, public=False)
    app = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "index"), "CORPUS_DIR": str(tmp_path / "corpus")})
    client = app.test_client()
    hits = client.get("/api/search", query_string={"q": f'title:"{GREEN_2015}"'}).get_json()["hits"]
    a = article(client, hits[0]["bulletin_id"])
    close(app)
    assert a["status"] == "现行有效" and [(c["title"], c["action"]) for c in a["cited_by"]] == [("城市绿化管理有新规", None)]


def test_a_search_of_an_archive_without_a_gongwen_does_not_build_the_graph(index_dir: Path) -> None:
    """The seed's 简报 hold no 公文: no 效力 to count, and the graph (a read of every stored
    text) is left for the bulletin page; with 公文 it is built and counted."""
    from indexer.search.engine import Filters, search
    from indexer.store.handles import IndexHandle

    with IndexHandle(index_dir) as h:
        result = search(h, "志愿服务")
        assert result["total"] > 0 and result["facets"]["status"] == []
        assert not [k for k in h._shared if k[0].startswith("citegraph|")]
        assert search(h, "志愿服务", filters=Filters(status=("现行有效",)))["total"] == 0


def test_a_long_cited_by_list_shows_the_newest_and_says_how_many_more(
        archive: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    import webui.views

    monkeypatch.setattr(webui.views, "CITED_BY_SHOWN", 2)
    page = html.unescape(archive["client"].get(f"/bulletin/{archive['ids'][GREEN_2015]}").get_data(as_text=True))
    block = page[page.index('class="cited-by"') : page.index("</aside>", page.index('class="cited-by"'))]
    assert block.count("<li>") == 2 and PLAN_2021 in block and CARE_2016 not in block  # newest first
    assert "另有 1 篇未列出" in block


def test_the_server_warms_the_graph_before_the_first_visitor(tmp_path: Path, monkeypatch) -> None:
    """`serve` builds the shared tables (the citation graph among them) in a thread as it starts:
    the first bulletin page then finds the graph built, and the warming thread keeps no searcher."""
    from indexer.search import citegraph
    from webui import create_app
    from webui.db import get_index, warm

    build(tmp_path / "corpus", tmp_path / "index", made_documents())
    app = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "index"), "CORPUS_DIR": str(tmp_path / "corpus")})
    try:
        warm(app).join(120)
        built: list[object] = []
        real = citegraph.build_citegraph
        monkeypatch.setattr(citegraph, "build_citegraph", lambda s: built.append(s) or real(s))
        client = app.test_client()
        hits = client.get("/api/search", query_string={"q": f'title:"{GREEN_2015}"'}).get_json()["hits"]
        page = client.get(f"/bulletin/{hits[0]['bulletin_id']}")
        assert page.status_code == 200 and "被引用（3）" in html.unescape(page.get_data(as_text=True))
        assert built == []  # the warm thread built it; the request did not
        with app.app_context():
            assert len(get_index()._all) == 1  # the request's searcher only: the warm thread closed its own
    finally:
        close(app)
