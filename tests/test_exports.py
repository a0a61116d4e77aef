"""Exports (CSV, XLSX, Word 汇编), the Atom feed, the series report and related articles,
on the test corpus (the seed, the hostile issue, five generated issues) and the CLI."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from click.testing import CliRunner

from tests.conftest import EXTRA_SERIES, HOSTILE_SERIES, SEED, extra_issue


def download(client: Any, fmt: str, **query: str) -> Any:
    response = client.get("/api/export", query_string={**query, "format": fmt})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response


def total(client: Any, **query: str) -> int:
    return client.get("/api/search", query_string=query).get_json()["total"]


def test_csv_has_bom_header_and_every_match(client: Any) -> None:
    response = download(client, "csv", q="志愿服务")
    assert response.content_type == "text/csv; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''" in disposition
    assert unquote(disposition.split("''", 1)[1]).startswith("简报检索-志愿服务-")
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    n = total(client, q="志愿服务")
    assert n > 20 and len(rows) == n + 1  # all matches, not one page of 20
    assert rows[0][:3] == ["序号", "标题", "地点"]
    seed = next(r for r in rows if r[1] == "疫情防控齐聚力 志愿服务暖人心")
    assert seed[6] == "2022-04-02" and "[N/OL]" in seed[9] and seed[10].startswith("http://localhost/bulletin/")
    assert "满城\"志愿红\"守护淮水安澜" in seed[11]  # the full text


def test_xlsx_dates_are_dates_and_titles_are_links(client: Any) -> None:
    import openpyxl

    body = download(client, "xlsx", q="志愿服务", series=EXTRA_SERIES, sort="oldest").get_data()
    book = openpyxl.load_workbook(io.BytesIO(body))
    sheet = book["检索结果"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("序号", "标题") and len(rows) == 26
    first = sheet["B2"]
    assert first.value == "第1期第1篇 志愿服务惠民生" and first.hyperlink.target.startswith("http://localhost/bulletin/")
    dates = [r[6] for r in rows[1:]]
    assert all(isinstance(d, dt.datetime) for d in dates) and dates == sorted(dates)
    assert dates[0] == dt.datetime(2023, 2, 11)
    info = {r[0]: r[1] for r in book["说明"].iter_rows(values_only=True)}
    assert info["检索词"] == "志愿服务" and info["文章数"] == "25 篇" and EXTRA_SERIES in info["筛选条件"]


def test_docx_has_cover_contents_and_each_article(client: Any) -> None:
    import docx

    body = download(client, "docx", q="志愿服务", city="南京市").get_data()
    doc = docx.Document(io.BytesIO(body))
    cover = {row.cells[0].text: row.cells[1].text for row in doc.tables[0].rows}
    assert cover["检索词"] == "志愿服务" and cover["文章数"] == "5 篇" and "城市：南京市" in cover["筛选条件"]
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert len(headings) == 5 and all(h.startswith("南京市：") for h in headings)
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "目录" in text and "引用：" in text and "南京市广泛开展志愿服务活动" in text
    assert text.count("[N/OL]") == 5


def test_export_of_nothing_is_an_empty_but_valid_file(client: Any) -> None:
    import docx
    import openpyxl

    q = {"q": "绝对不存在的词语组合"}
    rows = list(csv.reader(io.StringIO(download(client, "csv", **q).get_data().decode("utf-8-sig"))))
    assert len(rows) == 1
    book = openpyxl.load_workbook(io.BytesIO(download(client, "xlsx", **q).get_data()))
    assert book["检索结果"].max_row == 1
    doc = docx.Document(io.BytesIO(download(client, "docx", **q).get_data()))
    assert "没有符合条件的文章。" in [p.text for p in doc.paragraphs]


def test_export_over_the_limit_is_refused_with_a_message(index_dir: Path) -> None:
    from webui import create_app

    client = create_app({"TESTING": True, "INDEX_DIR": str(index_dir), "EXPORT_LIMIT": 3}).test_client()
    response = client.get("/api/export", query_string={"q": "志愿服务", "format": "xlsx"})
    body = response.get_json()
    assert response.status_code == 400 and body["ok"] is False and "超过导出上限 3 篇" in body["error"]
    html = client.get("/", query_string={"q": "志愿服务"}).get_data(as_text=True)
    assert "超过导出上限 3 篇" in html and "/api/export" not in html
    assert "/api/export" in client.get("/", query_string={"q": "口罩行动"}).get_data(as_text=True)


def test_bad_export_format_is_400_json(client: Any) -> None:
    response = client.get("/api/export", query_string={"q": "x", "format": "pdf"})
    assert response.status_code == 400 and "导出格式" in response.get_json()["error"]


def test_cli_export_writes_the_same_rows(client: Any, index_dir: Path, tmp_path: Path) -> None:
    import openpyxl

    from bulletins.cli import cli

    out = tmp_path / "志愿.xlsx"
    result = CliRunner().invoke(cli, ["export", "志愿服务", "--year", "2023", "--format", "xlsx", "-o", str(out),
                                      "--index", str(index_dir)])
    assert result.exit_code == 0, result.output
    rows = list(openpyxl.load_workbook(out)["检索结果"].iter_rows(values_only=True))
    assert len(rows) - 1 == total(client, q="志愿服务", year="2023") == 25
    assert rows[1][10].startswith("http://127.0.0.1:8000/bulletin/")
    bad = CliRunner().invoke(cli, ["export", "x", "--month", "2023-13", "-o", str(out), "--index", str(index_dir)])
    assert bad.exit_code == 2 and "2023-13" in bad.output


def test_feed_is_valid_atom_newest_first_with_stable_ids(client: Any) -> None:
    import feedparser

    response = client.get("/feed", query_string={"q": "志愿服务", "series": EXTRA_SERIES})
    assert response.status_code == 200 and response.content_type.startswith("application/atom+xml")
    feed = feedparser.parse(response.get_data())
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10" and "志愿服务" in feed.feed.title
    assert len(feed.entries) == 25
    dates = [e.published for e in feed.entries]
    assert dates == sorted(dates, reverse=True)
    first = feed.entries[0]
    assert first.id == first.link and first.id.startswith("http://localhost/bulletin/")
    assert "志愿服务" in first.summary and "<mark>" not in first.summary
    again = feedparser.parse(client.get("/feed", query_string={"q": "志愿服务", "series": EXTRA_SERIES}).get_data())
    assert [e.id for e in again.entries] == [e.id for e in feed.entries]


def test_feed_with_hostile_titles_is_escaped_valid_xml(tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET

    import feedparser

    from bulletins.cli import cli
    from webui import create_app

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    hostile = '南京市:恶意<script>alert(1)</script>标题 & "引号" ]]> 测试'
    text = extra_issue(1).replace("南京市:第1期第1篇 志愿服务惠民生", hostile)
    (corpus / "hostile.txt").write_text(text, encoding="utf-8")
    assert CliRunner().invoke(cli, ["index", "--corpus", str(corpus), "--index", str(tmp_path / "index")]).exit_code == 0
    client = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "index")}).test_client()
    raw = client.get("/feed", query_string={"q": "志愿服务"}).get_data()
    ET.fromstring(raw)  # well-formed
    assert b"<script" not in raw and b"&lt;script&gt;" in raw and b"&amp;" in raw
    feed = feedparser.parse(raw)
    assert not feed.bozo and len(feed.entries) == 5
    assert any("<script>alert(1)" in e.title for e in feed.entries)  # text, given back as text


def test_search_page_links_its_feed_and_exports(client: Any) -> None:
    html = client.get("/", query_string={"q": "志愿服务", "year": "2023"}).get_data(as_text=True)
    assert '<link rel="alternate" type="application/atom+xml"' in html
    assert 'href="/feed?q=%E5%BF%97%E6%84%BF%E6%9C%8D%E5%8A%A1&amp;year=2023"' in html
    for fmt in ("xlsx", "docx", "csv"):
        assert f"year=2023&amp;format={fmt}" in html


def test_series_report_finds_a_missing_issue_and_backwards_dates(tmp_path: Path) -> None:
    from bulletins.cli import cli

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    shutil.copy(SEED, corpus / SEED.name)
    for n in (1, 2, 3, 4, 5):
        (corpus / f"{EXTRA_SERIES}-2023-第{n}期.txt").write_text(extra_issue(n), encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(cli, ["index", "--corpus", str(corpus), "--index", str(index)]).exit_code == 0
    clean = runner.invoke(cli, ["report", "--json", "--index", str(index)])
    assert clean.exit_code == 0, clean.output
    year = next(s for s in json.loads(clean.output)["series"] if s["series"] == EXTRA_SERIES)["years"][0]
    assert year["numbers"] == [1, 2, 3, 4, 5] and year["missing"] == []

    (corpus / f"{EXTRA_SERIES}-2023-第3期.txt").unlink()  # one issue lost …
    late = extra_issue(4).replace("2023年8月14日", "2023年1月14日")  # … one dated before 第2期
    (corpus / f"{EXTRA_SERIES}-2023-第4期.txt").write_text(late, encoding="utf-8")
    assert runner.invoke(cli, ["index", "--corpus", str(corpus), "--index", str(index)]).exit_code == 0
    result = runner.invoke(cli, ["report", "--json", "--index", str(index)])
    assert result.exit_code == 1
    report = json.loads(result.output)
    year = next(s for s in report["series"] if s["series"] == EXTRA_SERIES)["years"][0]
    assert year["year"] == 2023 and year["numbers"] == [1, 2, 4, 5] and year["missing"] == [3]
    assert year["duplicates"] == []  # (a second file of an issue is rejected by `bulletins index`)
    assert [(b["issue"], b["date"]) for b in year["backwards"]] == [(4, "2023-01-14")]
    text = runner.invoke(cli, ["report", "--index", str(index)]).output
    assert "missing 第3期" in text

    from webui import create_app

    html = create_app({"TESTING": True, "INDEX_DIR": str(index)}).test_client().get("/series").get_data(as_text=True)
    assert "第3期" in html and "缺期 1" in html and f"/bulletin/{year['issues'][0]['id']}" in html


def test_series_page_lists_parse_warnings(client: Any) -> None:
    html = client.get("/series").get_data(as_text=True)
    assert "各简报期次核对" in html and EXTRA_SERIES in html and HOSTILE_SERIES in html


def test_related_articles_come_from_other_issues(client: Any, ids: dict[str, str]) -> None:
    html = client.get(f"/bulletin/{ids['extra3']}").get_data(as_text=True)
    assert "相关文章" in html
    section = html[html.index('id="a1"'):html.index('id="a2"')]
    links = [part.split('"', 1)[0] for part in section.split('href="/bulletin/')[1:]]
    assert links and len([link for link in links if "#" in link]) <= 5
    assert all(not link.startswith(ids["extra3"]) for link in links)
    assert "南京市：第1期第1篇" in section  # the same city's article in another issue


def test_back_link_returns_to_the_exact_search(client: Any) -> None:
    search = client.get("/", query_string={"q": "志愿服务", "year": "2023", "sort": "oldest", "page": "2"})
    html = search.get_data(as_text=True)
    link = html.split('<ol class="hits"', 1)[1].split('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    page = client.get(link).get_data(as_text=True)
    back = page.split("← 返回检索结果")[0].rsplit('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert back == "/?q=%E5%BF%97%E6%84%BF%E6%9C%8D%E5%8A%A1&year=2023&sort=oldest&page=2"
    hostile = client.get(f"/bulletin/{'0' * 16}", query_string={"back": "//evil.example/"})
    assert hostile.status_code == 404


def test_each_date_is_shown_once_per_hit(client: Any) -> None:
    html = client.get("/", query_string={"q": "口罩行动"}).get_data(as_text=True)
    hit = html.split('<li class="hit">', 1)[1].split("</li>", 1)[0]
    assert hit.count("2022年4月2日") == 1


DAILY = """# 《每日测试快讯》 ({day})

## 今日要闻

### 第{n}条快讯

每日测试快讯第{n}条正文，记录当天的工作动态。
"""


def test_series_report_lists_missing_days_of_a_daily_unnumbered_series(tmp_path: Path) -> None:
    from bulletins.cli import cli

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    for n, day in enumerate(["20221230", "20221231", "20230102", "20230103", "20230105", "20230106"], 1):
        (corpus / f"{day}.md").write_text(DAILY.format(day=day, n=n), encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(cli, ["index", "--corpus", str(corpus), "--index", str(index)]).exit_code == 0
    result = runner.invoke(cli, ["report", "--json", "--index", str(index)])
    assert result.exit_code == 1, result.output
    [series] = json.loads(result.output)["series"]
    y2022, y2023 = series["years"]
    assert y2022["missing_dates"] == [] and y2023["numbers"] == []
    assert y2023["missing_dates"] == ["2023-01-01", "2023-01-04"]  # New Year's Day too


def test_feed_shows_a_new_article_after_the_next_index(tmp_path: Path) -> None:
    import feedparser

    from bulletins.cli import cli
    from webui import create_app

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "one.txt").write_text(extra_issue(1), encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(cli, ["index", "--corpus", str(corpus), "--index", str(index)]).exit_code == 0
    client = create_app({"TESTING": True, "INDEX_DIR": str(index)}).test_client()
    before = feedparser.parse(client.get("/feed", query_string={"q": "志愿服务", "city": "南京市"}).get_data())
    assert [e.title for e in before.entries] == ["南京市：第1期第1篇 志愿服务惠民生"]
    (corpus / "two.txt").write_text(extra_issue(2), encoding="utf-8")
    assert runner.invoke(cli, ["index", "--corpus", str(corpus), "--index", str(index)]).exit_code == 0
    after = feedparser.parse(client.get("/feed", query_string={"q": "志愿服务", "city": "南京市"}).get_data())
    assert [e.title for e in after.entries] == ["南京市：第2期第1篇 志愿服务惠民生", "南京市：第1期第1篇 志愿服务惠民生"]
    assert after.entries[1].id == before.entries[0].id  # the same article keeps its id


def test_no_export_buttons_when_nothing_matched(client: Any) -> None:
    html = client.get("/", query_string={"q": "绝对不存在的词语组合"}).get_data(as_text=True)
    assert "/api/export" not in html and "订阅此检索" in html
