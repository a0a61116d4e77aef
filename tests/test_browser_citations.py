"""Linked documents in headless Chromium (issue 20 item 2): follow a reference to the document
it names, see 被引用 and 已废止 there, and keep only the documents in force with the 效力 filter."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

from tests.conftest import serving
from tests.test_browser_search import Watched, browser, watched  # noqa: F401 (fixtures)
from tests.test_citations import CARE_2016, GREEN_2015, PLAN_2021, RULE_2020, build, close, made_documents

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def cite_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from webui import create_app

    base = tmp_path_factory.mktemp("cite-browser")
    build(base / "corpus", base / "index", made_documents())
    app = create_app({"TESTING": True, "INDEX_DIR": str(base / "index"), "CORPUS_DIR": str(base / "corpus")})
    with serving(app) as url:
        yield url
    close(app)


def test_follow_a_citation_see_cited_by_and_repealed_and_filter_by_status(watched: Watched, cite_server: str) -> None:
    page = watched.page
    page.goto(cite_server + "/?q=" + "绿化养护")
    with page.expect_navigation():
        page.get_by_role("link", name=PLAN_2021).first.click()
    # the 2021 notice names the 2016 one by the title it printed: a link to it
    with page.expect_navigation():
        page.locator(".body a", has_text="《江苏省城市绿化养护办法》").first.click()
    assert page.locator(".article h2").first.inner_text() == CARE_2016
    assert "已修订" in page.locator(".status").first.inner_text()
    cited = page.locator(".cited-by").first
    assert "被引用（2）" in cited.inner_text() and PLAN_2021 in cited.inner_text()
    # the 2016 notice cites the 2015 one by title and number: follow it
    with page.expect_navigation():
        page.locator(".body a", has_text="苏政发〔2015〕12号").first.click()
    assert page.locator(".article h2").first.inner_text() == GREEN_2015
    status = page.locator(".status").first
    assert "效力：已废止" in status.inner_text() and RULE_2020 in status.inner_text()
    with page.expect_navigation():
        status.get_by_role("link", name=RULE_2020).click()
    assert page.locator(".article h2").first.inner_text() == RULE_2020
    assert "现行有效" in page.locator(".status").first.inner_text()
    # the 效力 facet: only the documents in force
    page.goto(cite_server + "/?q=" + "绿化")
    facet = page.locator("#facet-status")
    assert "已废止" in facet.inner_text()
    with page.expect_navigation():
        facet.locator("a", has_text="现行有效").first.click()
    assert "status=" in page.url and "效力：现行有效" in page.locator("main").inner_text()
    assert sorted(page.locator(".hit h2, .hit h3").all_inner_texts()) == sorted([RULE_2020, PLAN_2021])
    assert not watched.errors and not watched.dialogs


def test_the_linked_pages_fit_a_phone(browser: Any, cite_server: str) -> None:  # noqa: F811
    """效力, its long link and 被引用 wrap at 375 px: no sideways scrolling."""
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="zh-CN")
    try:
        page = context.new_page()
        for q in (GREEN_2015, CARE_2016):
            page.goto(cite_server + "/?q=" + q)
            with page.expect_navigation():
                page.locator(".hit h3 a").first.click()
            assert page.locator(".status").count() and page.locator(".cited-by").count()
            assert page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]") == [375, 375]
        page.goto(cite_server + "/?q=绿化&status=已废止")
        assert page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]") == [375, 375]
    finally:
        context.close()
