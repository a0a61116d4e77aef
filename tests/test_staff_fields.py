"""What a 公文 office searches by: 文号 (whole, by its parts, in any bracket style), the
header fields as text, and the series / 发文机关 / 主题分类 facets (issue 20, item 1–2).

The index: the seed 简报, the nine saved gov.cn pages of tests/public (real 公文 of the
State Council and its General Office), a gov.cn-shaped page of a generated 公文 whose
table gives a 主题分类, and two generated 公文 of which one cites the other's 文号.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests import docgen
from tests.conftest import SEED
from tests.test_archive_layouts import REDHEAD

PUBLIC = Path(__file__).resolve().parent / "public"

CITED = """江苏省人民政府办公厅文件

苏政办发〔2022〕12号

签发人：王明远

江苏省人民政府办公厅关于做好防汛抗旱工作的通知

各设区市人民政府，省各委办厅局：

为做好今年防汛抗旱工作，现通知如下。一、压实责任。二、加强监测预警。

江苏省人民政府办公厅
2022年3月1日

江苏省人民政府办公厅秘书处        2022年3月2日印发
"""

CITING = """江苏省水利厅文件

苏水发〔2022〕30号

江苏省水利厅关于贯彻落实防汛抗旱工作部署的通知

各设区市水利局：

根据《江苏省人民政府办公厅关于做好防汛抗旱工作的通知》（苏政办发〔2022〕12号）要求，
现就贯彻苏政办发〔2022〕12号文件提出以下意见。各地要按照苏政办发〔2022〕12号的部署，
做好防汛抗旱工作，苏政办发〔2022〕12号文件另有规定的从其规定。

江苏省水利厅
2022年3月10日
"""


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from bulletins.cli import cli
    from webui import create_app

    corpus = tmp_path_factory.mktemp("staff-corpus")
    shutil.copy(SEED, corpus / SEED.name)
    for page in PUBLIC.glob("gov-cn-*.html"):
        shutil.copy(page, corpus / page.name)
    docgen.write_govcn_html(REDHEAD, corpus / "xiongan.html")
    (corpus / "sz-cited.txt").write_text(CITED, encoding="utf-8")
    (corpus / "sz-citing.txt").write_text(CITING, encoding="utf-8")
    index = tmp_path_factory.mktemp("staff-index") / "index"
    r = CliRunner().invoke(cli, ["index", "--corpus", str(corpus), "--index", str(index)])
    assert r.exit_code == 0, r.output
    return create_app({"TESTING": True, "INDEX_DIR": str(index), "PER_PAGE": 100}).test_client()


def api(client: Any, **params: Any) -> dict[str, Any]:
    r = client.get("/api/search", query_string=params)
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.get_json()


def titles(data: dict[str, Any]) -> list[str]:
    return [h["title"] for h in data["hits"]]


GUOBANFA_2004_7 = "国务院办公厅关于"  # 国办发〔2004〕7号 is a 通报 of the General Office


@pytest.mark.parametrize("q", ["国办发〔2004〕7号", "国办发[2004]7号", "国办发（2004）7号", "国办发【2004】7号",
                               "国办发［2004］7号", "国办发 2004 7号"])
def test_a_serial_as_typed_finds_its_document_first(client: Any, q: str) -> None:
    data = api(client, q=q)
    assert data["total"] >= 1
    assert data["hits"][0]["bulletin_id"] == serial_doc(client, "国办发〔2004〕7号")


def serial_doc(client: Any, serial: str) -> str:
    """The bulletin id of the document whose 发文字号 is `serial` (read from its page's JSON)."""
    for h in api(client, q="")["hits"]:
        b = client.get(f"/api/bulletins/{h['bulletin_id']}").get_json()
        if b.get("serial") == serial:
            return h["bulletin_id"]
    raise AssertionError(f"no document {serial}")


def test_serial_parts_are_searchable_text(client: Any) -> None:
    guobanfa = api(client, q="国办发")["total"]
    assert guobanfa >= 3  # 国办发〔1996〕25号, 〔2004〕7号, 国办发明电〔2018〕15号 …
    assert api(client, q="7号")["total"] >= 1
    assert api(client, q="签发人 王明远")["total"] == 1  # 签发人 is searchable
    assert api(client, q="“江苏省人民政府办公厅秘书处”")["total"] == 1  # 印发机关 too (quoted: as typed only)
    data = api(client, q="江苏省人民政府办公厅秘书处")  # unquoted, the articles holding its words follow it
    assert "秘书处</mark>" in data["hits"][0]["snippet"]


def test_a_cited_serial_ranks_its_own_document_above_the_one_citing_it(client: Any) -> None:
    data = api(client, q="苏政办发〔2022〕12号")
    assert data["total"] == 2  # the document and the one citing it four times
    assert titles(data)[0] == "江苏省人民政府办公厅关于做好防汛抗旱工作的通知"
    assert "<mark>" in data["hits"][0]["snippet"]  # the match in its header is shown
    first = data["hits"][0]
    assert (first["serial"], first["issuer"]) == ("苏政办发〔2022〕12号", "江苏省人民政府办公厅")
    html = client.get("/", query_string={"q": "苏政办发〔2022〕12号"}).get_data(as_text=True)
    assert '<span class="serial">苏政办发〔2022〕12号</span>' in html


@pytest.mark.parametrize("q,want,unwanted", [
    ("文号:国办发", {"国办发〔1996〕25号", "国办发〔2004〕7号"}, {"国发〔2018〕43号", "国办函〔2018〕74号"}),
    ('文号:"苏政办发 2022"', {"苏政办发〔2022〕12号"}, {"苏水发〔2022〕30号"}),
    ('文号:"国办发 7号"', {"国办发〔2004〕7号"}, {"国办发〔1996〕25号"}),
    ("文号:苏政办发[2022]12号", {"苏政办发〔2022〕12号"}, {"苏水发〔2022〕30号"}),
    ("serial:2018", {"国发〔2018〕43号", "国办函〔2018〕74号"}, {"国办发〔2004〕7号"}),
])
def test_serial_field_matches_whole_or_parts(client: Any, q: str, want: set[str], unwanted: set[str]) -> None:
    data = api(client, q=q)
    serials = {client.get(f"/api/bulletins/{h['bulletin_id']}").get_json().get("serial") for h in data["hits"]}
    assert want <= serials and not (unwanted & serials), serials


def test_issuer_series_and_topic_are_multi_select_facets(client: Any) -> None:
    data = api(client, q="")
    issuers = {f["value"]: f["count"] for f in data["facets"]["issuer"]}
    assert issuers["国务院办公厅"] >= 3 and issuers["江苏省文明办"] >= 1
    assert "中央军委" in issuers and "国务院" in issuers  # a joint 批复 counts for each organ
    series = {f["value"]: f["count"] for f in data["facets"]["series"]}
    assert series["江苏精神文明建设简报"] >= 2
    topics = {f["value"]: f["count"] for f in data["facets"]["topic"]}
    assert topics["国防\\国防建设"] == topics["国防\\国防动员"] == 1  # the gov.cn pages' 主题分类
    assert topics["综合政务\\其他"] == 2 and sum(topics.values()) == 10  # the 10 saved pages, no 简报
    label = next(f["label"] for f in data["facets"]["topic"] if f["value"] == "国防\\国防建设")
    assert label == "国防 › 国防建设"
    one = api(client, q="", issuer="江苏省水利厅")["total"]
    two = api(client, q="", issuer=["江苏省水利厅", "江苏省文明办"])["total"]
    assert one == 1 and two == one + issuers["江苏省文明办"]  # OR within the facet
    s1, s2 = "江苏精神文明建设简报", "雄安新区管理委员会文件"
    both = api(client, q="", series=[s1, s2])
    assert both["total"] == series[s1] + series[s2]
    assert next(f for f in both["facets"]["series"] if f["value"] == s1)["selected"]
    assert api(client, q="", topic="综合政务\\其他")["total"] == 2


def test_page_shows_the_new_facets_and_hides_an_empty_city(client: Any) -> None:
    html = client.get("/", query_string={"q": "国务院"}).get_data(as_text=True)
    assert 'id="facet-issuer"' in html and 'id="facet-series"' in html
    assert 'id="facet-city"' not in html  # 公文 have no heading city: no empty "城市：无"
    assert 'id="facet-city"' in client.get("/", query_string={"q": "志愿服务"}).get_data(as_text=True)
    chosen = client.get("/", query_string={"issuer": "国务院办公厅"}).get_data(as_text=True)
    assert "发文机关：国务院办公厅" in chosen  # the chip that removes it
