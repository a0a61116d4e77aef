"""Staff's pages in headless Chromium (issue 20): no page scrolls sideways on a 375 px
phone, and the advanced search form writes the same URL state as the query syntax.

The archive: 60 generated issues spread over 2010–2025 (so that the month timeline is
wide), the seed issue and a real gov.cn 公文 page.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner

from tests.conftest import SEED, generated_corpus, serving
from tests.test_browser_search import ARTIFACTS, browser  # noqa: F401  (the Chromium fixture)

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}
GOVCN = Path(__file__).resolve().parent / "public" / "gov-cn-2004-guobanfa-7-tongbao.html"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from bulletins.cli import cli
    from webui import create_app

    corpus = tmp_path_factory.mktemp("staff-browser-corpus")
    generated_corpus(corpus, 60, seed=3)
    shutil.copy(SEED, corpus / SEED.name)
    shutil.copy(GOVCN, corpus / GOVCN.name)
    index = tmp_path_factory.mktemp("staff-browser-index") / "index"
    r = CliRunner().invoke(cli, ["index", "--corpus", str(corpus), "--index", str(index)])
    assert r.exit_code == 0, r.output
    with serving(create_app({"TESTING": True, "INDEX_DIR": str(index)})) as url:
        yield url


@pytest.fixture()
def phone(browser: Any) -> Iterator[Any]:  # noqa: F811
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN")
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def _bulletin_path(page: Any, site: str, q: str) -> str:
    page.goto(f"{site}/api/search?q={q}")
    return "/bulletin/" + page.evaluate("JSON.parse(document.body.innerText).hits[0].bulletin_id")


def test_no_page_scrolls_sideways_on_a_phone(phone: Any, site: str) -> None:
    pages = {
        "results": "/?q=文明",
        "browse": "/",
        "filtered": "/?q=文明&year=2015",
        "empty": "/?q=绝对不存在的词语组合",
        "bad fields": "/?q=文明&from=2023-13-45&year=abc",
        "series report": "/series",
        "not found": "/bulletin/0000000000000000",
        "bulletin": _bulletin_path(phone, site, "文明"),
        "公文": _bulletin_path(phone, site, "国办发〔2004〕7号"),
    }
    ARTIFACTS.mkdir(exist_ok=True)
    for name, path in pages.items():
        phone.goto(site + path)
        widths = phone.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert widths == [PHONE["width"], PHONE["width"]], f"{name} ({path}) is {widths[0]} px wide"
        assert phone.locator("main").is_visible()
    phone.goto(site + "/?q=文明")
    phone.screenshot(path=str(ARTIFACTS / "staff-results-phone.png"), full_page=False)


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_export_shows_its_cap_and_progress_then_saves_the_file(browser: Any, site: str, tmp_path: Path) -> None:  # noqa: F811
    import docx

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True)
    try:
        page = context.new_page()
        page.goto(site + "/?q=文明")
        assert "每次最多 10,000 篇" in page.locator(".export").inner_text()  # the cap, before anyone clicks
        progress = page.locator("#export-progress")
        assert progress.is_hidden()
        with page.expect_download() as info:
            page.locator(".export a", has_text="Word 汇编").click()
            progress.wait_for(state="visible")
            assert "Word 汇编" in progress.inner_text()
        download = info.value
        assert download.suggested_filename.startswith("简报检索-文明-") and download.suggested_filename.endswith(".docx")
        path = tmp_path / "out.docx"
        download.save_as(str(path))
        headings = [p for p in docx.Document(str(path)).paragraphs if p.style.name == "Heading 1"]
        count = int(page.locator(".summary h1 small").inner_text().split()[1])
        assert len(headings) == count
        page.wait_for_function("document.querySelector('#export-progress').innerText.includes('已生成')")
        assert page.locator("#export-progress progress").is_hidden()
    finally:
        context.close()


def test_advanced_form_writes_the_query_syntax_and_search_within(browser: Any, site: str) -> None:  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(site + "/")
        form = page.locator("form.advanced-form")
        assert form.is_hidden()  # folded
        page.locator("details.advanced > summary").click()
        page.fill("#adv-all", "文明")
        page.fill("#adv-any", "南京 苏州")
        page.fill("#adv-none", "疫情")
        series = page.locator("#adv-series option").nth(1).get_attribute("value")
        page.select_option("#adv-series", series)
        page.fill("#adv-from", "2012-01-01")
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        state = query_of(page.url)
        typed = "文明 (南京 OR 苏州) -疫情"
        assert state == {"q": [typed], "series": [series], "from": ["2012-01-01"]}  # no adv_* left in the URL
        assert page.input_value("#q") == typed
        shown = int(page.locator(".summary h1 small").inner_text().split()[1])
        page.goto(f"{site}/api/search?q={typed}&series={series}&from=2012-01-01")
        assert page.evaluate("JSON.parse(document.body.innerText).total") == shown > 0

        page.goto(site + "/?q=文明&year=2015")
        before = int(page.locator(".summary h1 small").inner_text().split()[1])
        page.fill("#within", "南京")
        with page.expect_navigation():
            page.press("#within", "Enter")
        assert query_of(page.url) == {"q": ["文明 南京"], "year": ["2015"]}
        assert int(page.locator(".summary h1 small").inner_text().split()[1]) <= before

        page.goto(site + "/")  # 文号 through the form
        page.locator("details.advanced > summary").click()
        page.fill("#adv-serial", "国办发 2004")
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        assert query_of(page.url)["q"] == ['文号:"国办发 2004"']
        assert page.locator(".hit").count() == 1

        page.locator("details.advanced > summary").click()  # 标题 scope
        page.check("input[name=adv_scope][value=title]")
        page.fill("#adv-phrase", "国务院办公厅关于")
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        assert query_of(page.url)["q"] == ['标题:"国务院办公厅关于"']
        assert page.locator(".hit").count() == 1
    finally:
        context.close()
