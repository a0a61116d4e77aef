"""The JSON API: same dicts as the pages and the CLI, one error shape everywhere under /api."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner


def get_json(client: Any, url: str, status: int = 200, **query: Any) -> dict[str, Any]:
    response = client.get(url, query_string=query or None)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/json"
    return response.get_json()


def assert_error(body: dict[str, Any], status: int) -> None:
    assert set(body) - {"code"} == {"ok", "error", "status"}  # a 503 also names itself (index_unavailable, …)
    assert body["ok"] is False and body["status"] == status
    assert ("code" in body) == (status == 503)
    assert isinstance(body["error"], str) and body["error"]


@pytest.mark.parametrize(
    "web,cli_args",
    [
        ({"q": "志愿服务", "city": "南京市", "sort": "date"}, ["志愿服务", "--city", "南京市", "--sort", "date"]),
        ({"q": "志愿服务", "year": "2023", "month": "2023-04", "sort": "oldest"},
         ["志愿服务", "--year", "2023", "--month", "2023-04", "--sort", "oldest"]),
        ({"q": "志愿服务", "issue": "第三期", "series": "志愿服务测试简报"},
         ["志愿服务", "--issue", "第三期", "--series", "志愿服务测试简报"]),
        ({"place": "淮安市", "from": "2022-01-01", "to": "2022-12-31"},
         ["--place", "淮安市", "--from", "2022-01-01", "--to", "2022-12-31"]),
        ({"q": "志愿服务", "page": "2"}, ["志愿服务", "--page", "2"]),
    ],
)
def test_cli_json_is_the_api_byte_for_byte(client: Any, index_dir: Path, web: dict[str, str], cli_args: list[str]) -> None:
    from bulletins.cli import cli

    response = client.get("/api/search", query_string=web)
    assert response.status_code == 200
    out = CliRunner().invoke(cli, ["search", "--index", str(index_dir), "--json", *cli_args])
    assert out.exit_code == 0, out.output
    assert out.output.encode("utf-8") == response.get_data()  # the same bytes, newline included
    assert json.loads(out.output)["total"] > 0


def test_facets_are_plain_dicts_with_toggle_urls(client: Any) -> None:
    body = get_json(client, "/api/search", q="志愿服务", city="南京市")
    assert body["total"] == 5
    for name in ("city", "year", "month", "issue"):
        for item in body["facets"][name]:
            assert set(item) == {"value", "label", "count", "selected", "toggle_url"}
            assert item["toggle_url"].startswith("/")
    nanjing = next(f for f in body["facets"]["city"] if f["value"] == "南京市")
    assert nanjing["selected"] and nanjing["toggle_url"] == "/?q=%E5%BF%97%E6%84%BF%E6%9C%8D%E5%8A%A1"


def test_search_pages_and_browse(client: Any) -> None:
    first = get_json(client, "/api/search", q="志愿服务")
    assert first["total"] == 29 and first["pages"] == 2 and len(first["hits"]) == 20
    second = get_json(client, "/api/search", q="志愿服务", page="2")
    assert len(second["hits"]) == 9
    assert not {h["article_id"] for h in first["hits"]} & {h["article_id"] for h in second["hits"]}
    assert get_json(client, "/api/search", q="志愿服务", page="3")["hits"] == []
    browse = get_json(client, "/api/search")
    assert browse["sort"] == "date" and browse["total"] == 29


def test_search_notices_in_warnings(client: Any) -> None:
    body = get_json(client, "/api/search", q="志" * 500)
    assert body["query"] == "志" * 200 and any("过长" in w for w in body["warnings"])


def test_malformed_query_is_searched_not_an_error(client: Any) -> None:
    for q in ['"未闭合', "AND OR NOT", "((((", "city:", "口罩行动 NOT", "*?~^"]:
        get_json(client, "/api/search", q=q)


def test_unknown_facet_values(client: Any) -> None:
    assert get_json(client, "/api/search", city="火星市")["total"] == 0
    assert get_json(client, "/api/search", issue="nothex")["total"] == 0
    assert get_json(client, "/api/search", year="1999")["total"] == 0


def test_bulletin(client: Any, ids: dict[str, str]) -> None:
    body = get_json(client, f"/api/bulletins/{ids['seed']}")
    assert body["id"] == ids["seed"] and body["series"] == "江苏精神文明建设简报"
    assert body["issue"] == 11 and body["date"] == "2022-04-02" and body["issuer"] == "江苏省文明办"
    titles = [a["title"] for a in body["articles"]]
    assert titles == ["疫情防控齐聚力 志愿服务暖人心", "统筹文明实践资源 筑牢疫情防控防线"]
    assert all("body" in a and "text" in a for a in body["articles"])
    first = body["articles"][0]
    assert first["url"] == f"http://localhost/bulletin/{ids['seed']}#a1"
    assert first["citation"].startswith("江苏省文明办. 淮安市：疫情防控齐聚力 志愿服务暖人心[N/OL]. 江苏精神文明建设简报, 2022-04-02(11)[")
    assert first["citation"].endswith(first["url"] + ".")


def test_hostile_bulletin_body_is_json_escaped(client: Any, ids: dict[str, str]) -> None:
    response = client.get(f"/api/bulletins/{ids['hostile']}")
    raw = response.get_data(as_text=True)
    assert "<script" not in raw and "<img" not in raw and "\\u003cscript\\u003e" in raw
    body = response.get_json()
    assert "<script>" in "".join(a["body"] for a in body["articles"])  # the source text, intact


@pytest.mark.parametrize(
    "query",
    [{"page": "abc"}, {"page": "0"}, {"page": "-3"}, {"page": "10001"}, {"from": "2022-13-45"},
     {"to": "2022/04/02"}, {"year": "x"}, {"month": "2022-00"}, {"sort": "best"}, {"issue": ["1", "2"]},
     {"from": "2022-05-01", "to": "2022-04-01"}],
)
def test_bad_params_400(client: Any, query: dict[str, Any]) -> None:
    assert_error(get_json(client, "/api/search", status=400, **query), 400)


@pytest.mark.parametrize("url", ["/api/bulletins/ffffffffffffffff", "/api/bulletins/xyz", "/api/nothing", "/api/", "/api"])
def test_404_json(client: Any, url: str) -> None:
    assert_error(get_json(client, url, status=404), 404)


def test_405_json(client: Any) -> None:
    response = client.post("/api/search")
    assert response.status_code == 405
    assert_error(response.get_json(), 405)


def test_503_json_when_index_missing(missing_index_app: Any) -> None:
    client = missing_index_app.test_client()
    for url in ("/api/search", "/api/bulletins/0123456789abcdef"):
        body = get_json(client, url, status=503)
        assert_error(body, 503)
        # visitors get the message; the path and the fix are for the operator's log
        assert "检索索引暂时无法打开" in body["error"] and "bulletins index" not in body["error"]
        assert str(missing_index_app.config["INDEX_DIR"]) not in body["error"]


def test_damaged_index_503(tmp_path: Path) -> None:
    from webui import create_app

    root = tmp_path / "index"
    (root / "gen-broken").mkdir(parents=True)  # a generation without its Whoosh TOC
    (root / "current").symlink_to("gen-broken")
    client = create_app({"TESTING": True, "INDEX_DIR": str(root)}).test_client()
    body = get_json(client, "/api/search", status=503)
    assert_error(body, 503)
    assert "检索索引暂时无法打开" in body["error"]
    assert "gen-broken" not in body["error"] and str(root) not in body["error"] and "Error" not in body["error"]
    assert client.get("/").status_code == 503


def test_bulletin_without_issue_number(client: Any, ids: dict[str, str]) -> None:
    body = get_json(client, f"/api/bulletins/{ids['hostile']}")
    assert body["issue"] is None and "4294967295" not in body["label"]
