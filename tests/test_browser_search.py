"""End to end in headless Chromium against the app under waitress (as `bulletins serve` runs it)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium through Playwright; skipped when absent unless REQUIRE_BROWSER=1."""
    if not CHROMIUM.exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {CHROMIUM} is missing (run `make browser`)")
        pytest.skip(f"{CHROMIUM} not installed (run `make browser`)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            yield b
        finally:
            b.close()


class Watched:
    """A page plus every dialog and page error it produced."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()


@pytest.fixture()
def watched(browser: Any) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.set_default_timeout(10_000)
    try:
        yield Watched(context.new_page())
    finally:
        context.close()


def params(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def search(page: Any, text: str) -> None:
    page.fill("#q", text)
    with page.expect_navigation():
        page.press("#q", "Enter")


def test_search_facets_paging_and_back(watched: Watched, live_server: str) -> None:
    page = watched.page
    page.goto(live_server + "/")
    assert page.locator("h1").first.inner_text().startswith("最新文章")

    search(page, "口罩行动")
    assert params(page.url)["q"] == ["口罩行动"]
    assert page.input_value("#q") == "口罩行动"
    assert "共 1 篇" in page.locator(".summary h1").inner_text()
    assert page.locator(".hit .snippet mark", has_text="口罩行动").count() >= 1

    search(page, "志愿服务")
    assert "共 29 篇" in page.locator(".summary h1").inner_text()
    assert page.locator("svg.timeline a").count() >= 3

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "results.png"), full_page=True)

    huaian = page.locator("#facet-city a", has_text="淮安市")
    with page.expect_navigation():
        huaian.click()
    assert params(page.url)["city"] == ["淮安市"]
    assert "共 1 篇" in page.locator(".summary h1").inner_text()
    assert page.locator("#facet-city a.selected", has_text="淮安市").count() == 1
    assert page.locator(".chip", has_text="城市：淮安市").count() == 1

    with page.expect_navigation():
        page.locator("#facet-city a", has_text="淮安市").click()  # a second click removes it
    assert "city" not in params(page.url)
    assert "共 29 篇" in page.locator(".summary h1").inner_text()

    with page.expect_navigation():
        page.locator(".pagination a", has_text="下一页").click()
    assert params(page.url)["page"] == ["2"]
    assert page.locator(".pagination .current").inner_text() == "2"
    assert page.locator(".hit").count() == 9

    page.go_back()
    page.wait_for_url(re.compile(r"q=%E5%BF%97%E6%84%BF%E6%9C%8D%E5%8A%A1(?!.*page=2)"))
    assert page.locator(".hit").count() == 20

    assert not watched.dialogs and not watched.errors


def test_timeline_bar_filters_to_month(watched: Watched, live_server: str) -> None:
    page = watched.page
    page.goto(live_server + "/?q=志愿服务")
    bar = page.locator("svg.timeline a").filter(has=page.locator("title", has_text="2023年4月"))
    assert "5 篇" in bar.get_attribute("aria-label")
    with page.expect_navigation():
        bar.locator("rect.tl-bar").click()
    assert params(page.url)["month"] == ["2023-04"]
    assert "共 5 篇" in page.locator(".summary h1").inner_text()


def test_open_bulletin_from_results(watched: Watched, live_server: str) -> None:
    page = watched.page
    page.goto(live_server + "/?q=口罩行动")
    with page.expect_navigation():
        page.locator(".hit h3 a").first.click()
    assert "/bulletin/" in page.url and page.url.endswith("#a1")
    article = page.locator("#a1")
    assert "淮安市：疫情防控齐聚力 志愿服务暖人心" in article.locator("h2").inner_text()
    assert page.locator(".bulletin-head .series").inner_text() == "江苏精神文明建设简报"
    assert "2022年第11期" in page.locator(".bulletin-head h1").inner_text()
    assert "2022年4月2日" in page.locator(".bulletin-meta").inner_text()
    mark = article.locator(".body mark", has_text="口罩行动").first
    assert mark.is_visible()
    cite = article.locator("input.cite-text")
    assert cite.input_value().startswith("江苏省文明办. 淮安市：疫情防控齐聚力 志愿服务暖人心[N/OL]. 江苏精神文明建设简报, 2022-04-02(11)[")
    assert cite.input_value().endswith(page.url.split("?")[0].split("#")[0] + "#a1.")
    copy = article.locator("button.copy")
    assert copy.is_visible()  # shown by app.js
    copy.click()
    page.wait_for_function("document.querySelector('#a1 button.copy').textContent === '已复制'")
    with page.expect_navigation():
        page.locator(".crumbs a", has_text="返回检索结果").click()
    assert page.url == live_server + "/?q=%E5%8F%A3%E7%BD%A9%E8%A1%8C%E5%8A%A8"
    assert not watched.dialogs and not watched.errors


def test_hostile_bulletin_runs_nothing(watched: Watched, live_server: str, ids: dict[str, str]) -> None:
    page = watched.page
    for url in (f"/bulletin/{ids['hostile']}", f"/bulletin/{ids['hostile']}?hl=script&hl=志愿服务",
                "/?q=安全测试口令", "/?q=<script>alert(1)</script>", '/?q="><img src=x onerror=alert(1)>'):
        page.goto(live_server + url)
        page.wait_for_load_state("load")
        for link in page.locator("a").all()[:200]:  # hover everything: no mouseover handler may fire
            href = link.get_attribute("href") or ""
            assert not href.strip().lower().startswith(("javascript:", "data:")), href
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert page.locator("script:not([src])").count() == 0
    page.goto(live_server + f"/bulletin/{ids['hostile']}")
    details = page.locator("details")
    if details.count():
        details.first.evaluate("d => { d.open = false; d.open = true; }")
    page.wait_for_timeout(200)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert watched.dialogs == []


def test_works_without_javascript(browser: Any, live_server: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server + "/")
        page.fill("#q", "志愿服务")
        with page.expect_navigation():
            page.click("form.search button[type=submit]")
        assert "共 29 篇" in page.locator(".summary h1").inner_text()
        with page.expect_navigation():
            page.locator(".hit h3 a").first.click()
        assert page.locator("input.cite-text").first.is_visible()
        assert not page.locator("button.copy").first.is_visible()  # hidden without JS
    finally:
        context.close()


def test_readable_on_a_phone(browser: Any, live_server: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        for url in ("/?q=志愿服务", "/?q=口罩行动&city=淮安市"):
            page.goto(live_server + url)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"horizontal scroll of {overflow}px on {url}"
            assert page.locator("#q").is_visible()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "results-phone.png"))
    finally:
        context.close()


def _count_on_page(page: Any) -> int:
    return int(re.search(r"共 (\d+) 篇", page.locator(".summary h1").inner_text()).group(1))


def test_export_buttons_download_files_that_open(watched: Watched, live_server: str, tmp_path: Path) -> None:
    import csv

    import docx
    import openpyxl

    page = watched.page
    page.goto(live_server + "/")
    search(page, "志愿服务")
    with page.expect_navigation():
        page.locator("#facet-year a", has_text="2023年").click()
    count = _count_on_page(page)
    assert count == 25
    files: dict[str, Path] = {}
    for label, fmt in (("Excel 表格", "xlsx"), ("Word 汇编", "docx"), ("CSV", "csv")):
        with page.expect_download() as info:
            page.locator(".export a", has_text=label).click()
        download = info.value
        assert download.suggested_filename.startswith("简报检索-志愿服务-") and download.suggested_filename.endswith(fmt)
        files[fmt] = tmp_path / download.suggested_filename
        download.save_as(str(files[fmt]))
    rows = list(openpyxl.load_workbook(files["xlsx"])["检索结果"].iter_rows(values_only=True))
    assert len(rows) == count + 1
    doc = docx.Document(str(files["docx"]))
    assert len([p for p in doc.paragraphs if p.style.name == "Heading 1"]) == count
    with files["csv"].open(encoding="utf-8-sig", newline="") as f:
        assert len(list(csv.reader(f))) == count + 1
    assert not watched.errors


def test_feed_link_gives_the_search_as_atom(watched: Watched, live_server: str) -> None:
    import feedparser

    page = watched.page
    page.goto(live_server + "/?q=志愿服务&year=2023")
    link = page.locator(".export a.feed")
    assert link.is_visible() and "订阅" in link.inner_text()
    alternate = page.locator('link[rel="alternate"][type="application/atom+xml"]').get_attribute("href")
    with page.expect_navigation():  # the link opens the page that explains the feed (issue 20)
        link.click()
    assert page.locator("#feed-url").input_value() == live_server + alternate
    body = page.request.get(live_server + alternate).body()
    feed = feedparser.parse(body)
    assert not feed.bozo and len(feed.entries) == 25
    assert feed.entries[0].published >= feed.entries[-1].published


def test_series_page_from_the_search_page(watched: Watched, live_server: str) -> None:
    page = watched.page
    page.goto(live_server + "/")
    with page.expect_navigation():
        page.locator("a", has_text="各简报期次核对").click()
    assert page.locator("h1").inner_text() == "各简报期次核对"
    row = page.locator("h2", has_text="志愿服务测试简报").locator("xpath=following-sibling::table[1]")
    assert row.locator("td.issues a").count() == 5
    with page.expect_navigation():
        row.locator("td.issues a", has_text="第3期").click()
    assert "/bulletin/" in page.url and "2023年第3期" in page.locator(".bulletin-head h1").inner_text()


def _active(page: Any) -> str:
    return page.evaluate("(() => { const e = document.activeElement; return (e.id || '') + '|' + (e.closest('.hit') ? 'hit' : e.tagName); })()")


def test_keyboard_path(watched: Watched, live_server: str) -> None:
    page = watched.page
    page.goto(live_server + "/")
    assert _active(page).startswith("q|")  # the box is focused on the home page
    page.keyboard.type("志愿服务")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("/")
    assert _active(page).startswith("q|")  # `/` focuses the box
    tabs = 0
    while _active(page) != "|hit" and tabs < 10:
        page.keyboard.press("Tab")
        tabs += 1
    assert _active(page) == "|hit" and tabs <= 3, f"{tabs} Tabs from the box to the first result"
    first = page.locator(".hit h3 a").first
    assert page.evaluate("document.activeElement.href") == first.evaluate("a => a.href")
    # the skip link is the first stop on a fresh page and lands on the results
    page.goto(live_server + "/?q=志愿服务")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert _active(page) == "|hit"


def test_phone_layout_filters_panel_and_timeline_labels(browser: Any, live_server: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        page.goto(live_server + "/?q=志愿服务")
        panel = page.locator("details#filters")
        summary = panel.locator("summary")
        assert summary.is_visible() and summary.inner_text() == "筛选"
        assert panel.get_attribute("open") is None  # folded on a phone
        assert not page.locator("#facet-city").is_visible()
        assert summary.bounding_box()["y"] < page.locator(".hits").bounding_box()["y"]  # above the results
        summary.click()
        assert page.locator("#facet-city").is_visible()
        sizes = page.evaluate("""Array.from(document.querySelectorAll('svg.timeline text')).map(t =>
            parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)""")
        assert sizes and min(sizes) >= 10, sizes
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "results-phone-filters.png"), full_page=True)
    finally:
        context.close()


def test_typing_fills_the_autocomplete_list(watched: Watched, live_server: str) -> None:
    """app.js refills the search box's <datalist> from /api/suggest while typing."""
    page = watched.page
    page.goto(live_server + "/")
    page.fill("#q", "志愿")
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('#q-suggest option')).some(o => o.value === '志愿服务')"
    )
    values = page.eval_on_selector_all("#q-suggest option", "els => els.map(e => e.value)")
    assert all(v.startswith("志愿") for v in values)
    assert not watched.errors and not watched.dialogs


def test_region_facet_drills_down(watched: Watched, live_server: str) -> None:
    page = watched.page
    page.goto(live_server + "/?q=志愿服务")
    page.click("#facet-region a:has-text('江苏省')")
    page.click("#facet-region a:has-text('南京市')")
    assert parse_qs(urlsplit(page.url).query)["region"] == ["江苏省/南京市"]
    assert "共 5 篇" in page.inner_text(".summary")
    page.click("#facet-region a:has-text('苏州市')")
    assert parse_qs(urlsplit(page.url).query)["region"] == ["江苏省/南京市", "江苏省/苏州市"]
    assert "共 10 篇" in page.inner_text(".summary")
    assert not watched.errors
