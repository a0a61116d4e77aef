"""Sign-in, upload with a correction, and an admin's rule change, in headless Chromium
against the app under waitress with accounts on (issue 21)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any, Iterator

import pytest
from click.testing import CliRunner

from bulletins.cli import cli
from tests.conftest import SEED, serving
from tests.test_access_upload import TEXT
from tests.test_browser_search import Watched, browser  # noqa: F401 (the module's Chromium fixture)
from tests.test_readers_formats import made  # noqa: F401 (the generated formats, for a scan)

pytestmark = pytest.mark.browser
SEED_SERIES = "江苏精神文明建设简报"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    from webui import create_app
    from webui.access_store import AccessStore
    from webui.auth_passwords import hash_password

    base = tmp_path_factory.mktemp("browser-access")
    corpus = base / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus / SEED.name)
    r = CliRunner().invoke(cli, ["index", "--corpus", str(corpus), "--index", str(base / "index")])
    assert r.exit_code == 0, r.output
    st = AccessStore(base / "instance")
    for name, role in (("reader", "读者"), ("editor", "编辑"), ("admin", "管理员")):
        st.add_user(name, hash_password(f"{name}-password"), role)
    app = create_app({"TESTING": True, "INDEX_DIR": str(base / "index"), "CORPUS_DIR": str(corpus),
                      "ACCOUNTS": True, "ACCESS_DIR": str(base / "instance")})
    with serving(app) as url:
        yield {"url": url, "base": base}


def _page(browser: Any) -> Any:  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.set_default_timeout(15_000)
    return Watched(context.new_page())


def _sign_in(w: Watched, url: str, user: str, password: str | None = None) -> None:
    w.page.fill("#username", user)
    w.page.fill("#password", password or f"{user}-password")
    with w.page.expect_navigation():
        w.page.click("button[type=submit]")


def test_sign_in(browser: Any, site: dict[str, Any]) -> None:  # noqa: F811
    w = _page(browser)
    page = w.page
    page.goto(site["url"] + "/?q=口罩行动")
    assert "/login" in page.url
    _sign_in(w, site["url"], "reader", "wrong-password")
    assert "用户名或密码不正确" in page.inner_text("main")
    _sign_in(w, site["url"], "reader")
    assert page.input_value("#q") == "口罩行动"  # back on the search asked for
    assert "共 1 篇" in page.locator(".summary h1").inner_text()
    assert "reader（读者）" in page.inner_text(".account-nav")
    with page.expect_navigation():
        page.click(".account-nav button")
    assert "/login" in page.url
    page.goto(site["url"] + "/?q=口罩行动")
    assert "/login" in page.url
    assert not w.errors and not w.dialogs
    page.context.close()


def test_upload_with_a_correction(browser: Any, site: dict[str, Any]) -> None:  # noqa: F811
    w = _page(browser)
    page = w.page
    page.goto(site["url"] + "/upload")
    _sign_in(w, site["url"], "editor")
    assert "/upload" in page.url
    # a file dropped on the drop zone (webui/static/upload.js puts it in the form and sends it)
    with page.expect_navigation():
        page.evaluate("""(text) => {
            const dt = new DataTransfer();
            dt.items.add(new File([text], "湖畔.txt", {type: "text/plain"}));
            const zone = document.getElementById("drop-zone");
            zone.dispatchEvent(new DragEvent("dragover", {dataTransfer: dt, bubbles: true, cancelable: true}));
            zone.dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
        }""", TEXT)
    assert "上传测试简报 2023年第3期" in page.inner_text(".upload-file .label")
    assert page.input_value("input[name=date-0]") == "2023-07-09"
    page.fill("input[name=date-0]", "2023-07-10")
    with page.expect_navigation():
        page.click("button[value=check]")
    assert "已更正" in page.inner_text(".upload-file")
    with page.expect_navigation():
        page.click("#confirm-add")
    assert "已入库为" in page.inner_text(".upload-results")
    with page.expect_navigation():
        page.click(".upload-results a")
    assert "2023年7月10日" in page.inner_text("main")
    page.goto(site["url"] + "/?q=湖畔书屋")
    assert "共 1 篇" in page.locator(".summary h1").inner_text()
    assert not w.errors and not w.dialogs
    page.context.close()


def test_an_admin_changes_a_rule_and_it_takes_effect(browser: Any, site: dict[str, Any]) -> None:  # noqa: F811
    reader, admin = _page(browser), _page(browser)
    reader.page.goto(site["url"] + "/?q=口罩行动")
    _sign_in(reader, site["url"], "reader")
    assert "共 1 篇" in reader.page.locator(".summary h1").inner_text()
    admin.page.goto(site["url"] + "/admin/")
    _sign_in(admin, site["url"], "admin")
    admin.page.fill("#default-form input[name=series]", SEED_SERIES)
    admin.page.select_option("#default-form select[name=policy]", "closed")
    with admin.page.expect_navigation():
        admin.page.click("#default-form button")
    assert "已保存" in admin.page.inner_text("main")
    assert f"{SEED_SERIES}：受限" in admin.page.inner_text("main")
    reader.page.reload()
    assert "共 0 篇" in reader.page.locator(".summary h1").inner_text()
    assert reader.page.locator(".hit").count() == 0
    # the admin grants it back to the reader alone
    admin.page.select_option("#grant-form select[name=scope]", "series")
    admin.page.fill("#grant-form input[name=target]", SEED_SERIES)
    admin.page.fill("#grant-form input[name=principal]", "用户:reader")
    with admin.page.expect_navigation():
        admin.page.click("#grant-form button")
    reader.page.reload()
    assert "共 1 篇" in reader.page.locator(".summary h1").inner_text()
    for w in (reader, admin):
        assert not w.errors and not w.dialogs
        w.page.context.close()


def test_an_editor_corrects_an_archived_issue_on_its_page(browser: Any, site: dict[str, Any]) -> None:  # noqa: F811
    w = _page(browser)
    page = w.page
    page.goto(site["url"] + "/upload")
    _sign_in(w, site["url"], "editor")
    issue5 = TEXT.replace("第3期", "第5期").replace("湖畔书屋", "松林书屋")
    page.set_input_files("#files", files=[{"name": "松林.txt", "mimeType": "text/plain", "buffer": issue5.encode("utf-8")}])
    with page.expect_navigation():
        page.click("#upload-form button[type=submit]")
    with page.expect_navigation():
        page.click("#confirm-add")
    with page.expect_navigation():
        page.click(".upload-results a")
    assert "上传测试办公室" in page.inner_text(".bulletin-meta")
    page.click("#edit-meta summary")
    page.fill("#edit-meta input[name=issuer]", "上传测试宣传处")
    page.fill("#edit-meta input[name=title-1]", "上传测试 松林书屋夜间开放")
    with page.expect_navigation():
        page.click("#edit-meta button[type=submit]")
    assert "已更正" in page.inner_text("main") and "上传测试宣传处" in page.inner_text(".bulletin-meta")
    assert "松林书屋夜间开放" in page.inner_text(".article h2")
    page.goto(site["url"] + "/?q=松林书屋夜间开放")
    assert "共 1 篇" in page.locator(".summary h1").inner_text()
    assert not w.errors and not w.dialogs
    page.context.close()


def test_a_scan_shows_its_ocr_progress_then_what_was_read(browser: Any, site: dict[str, Any], made: Any,  # noqa: F811
                                                          tmp_path: Path) -> None:
    from tests import docgen
    from tests.test_readers_formats import needs_soffice

    if needs_soffice.args[0]:
        pytest.skip(needs_soffice.kwargs["reason"])
    scan = docgen.write_scan(made("seed", "pdf"), tmp_path / "扫描件.pdf", angle=0.8, pages=1)
    w = _page(browser)
    page = w.page
    page.goto(site["url"] + "/upload")
    _sign_in(w, site["url"], "editor")
    page.set_input_files("#files", str(scan))
    with page.expect_navigation():
        page.click("#upload-form button[type=submit]")
    assert "正在读取" in page.inner_text("#reading")  # the progress page, while the server OCRs
    # the page polls the reading's progress and opens what was read when it is done (upload.js)
    page.wait_for_selector("#confirm-form", timeout=300_000)
    assert re.search(r"/upload/[A-Za-z0-9_-]{16,}$", page.url)
    assert "江苏精神文明建设简报 2022年第11期" in page.inner_text(".upload-file .label")
    assert not w.errors and not w.dialogs
    page.context.close()
