"""订阅此检索 in headless Chromium (issue 20 item 6): the search page's link opens a page that
explains the feed, gives its URL to copy and takes an e-mail address; the confirmation e-mail
reaches a real SMTP server on loopback (aiosmtpd); the page fits a 375 px phone."""

from __future__ import annotations

from typing import Any, Iterator

import pytest

from tests.conftest import serving
from tests.mailserver import free_port, links_in, smtp_server
from tests.test_browser_search import ARTIFACTS, Watched, browser, watched  # noqa: F401  (the Chromium fixtures)

pytestmark = pytest.mark.browser
pytest.importorskip("aiosmtpd")

PHONE = {"width": 375, "height": 740}


@pytest.fixture(scope="module")
def mail_site(index_dir: Any, corpus_dir: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    from webui import create_app
    from webui.alerts_mail import SmtpConfig

    port = free_port()
    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir), "CORPUS_DIR": str(corpus_dir),
                      "ACCESS_DIR": str(tmp_path_factory.mktemp("subscribe-instance")),
                      "SMTP": SmtpConfig("127.0.0.1", port, "", "", "jianbao@example.gov.cn")})
    with smtp_server(port) as (_, inbox), serving(app) as url:
        yield url, inbox


def test_subscribe_opens_a_page_that_explains_the_feed_and_takes_an_address(
        watched: Watched, mail_site: tuple[str, Any]) -> None:  # noqa: F811
    import feedparser

    site, inbox = mail_site
    page = watched.page
    page.goto(site + "/?q=志愿服务&year=2023")
    link = page.locator(".export a.feed")
    assert link.inner_text() == "订阅此检索"
    with page.expect_navigation():
        link.click()
    assert page.locator("h1").inner_text() == "订阅此检索"
    assert "Atom 源是一个网址" in page.locator("main").inner_text()
    feed_url = page.locator("#feed-url").input_value()
    assert feed_url.startswith(site + "/feed?") and "year=2023" in feed_url
    assert page.locator("button.copy[data-copy=feed-url]").is_visible()  # app.js shows the copy button
    feed = feedparser.parse(page.request.get(feed_url).body())
    assert not feed.bozo and len(feed.entries) == 25
    assert page.locator("#sub-name").input_value().startswith("志愿服务")
    page.fill("#sub-email", "li.ming@example.gov.cn")
    page.fill("#sub-name", "志愿服务周报")
    with page.expect_navigation():
        page.locator("button", has_text="用邮件订阅").click()
    assert page.locator("h1").inner_text() == "请查收确认邮件"
    [mail] = inbox.to("li.ming@example.gov.cn")
    assert "志愿服务周报" in mail["Subject"]
    confirm = next(u for u in links_in(mail) if "/subscribe/confirm/" in u)
    page.goto(confirm)
    assert page.locator("h1").inner_text() == "订阅已确认"
    assert not watched.errors and not watched.dialogs


def test_the_subscribe_page_fits_a_phone(browser: Any, mail_site: tuple[str, Any]) -> None:  # noqa: F811
    site, _ = mail_site
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(site + "/subscribe?q=" + "很长的检索词" * 20 + "&year=2023")
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert widths == [PHONE["width"], PHONE["width"]], widths
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "subscribe-phone.png"), full_page=True)
    finally:
        context.close()
