"""The scan beside its text (issue 20 item 3): an OCR'd page's image, rendered from the
original and cached, beside its recognised text, with search hits boxed from the OCR's
line boxes kept in the index; low-confidence pages marked; usable on a 375 px phone.

The scan: the seed issue as .docx (tests/docgen.py), exported to PDF by LibreOffice,
rasterised, turned 0.8° and speckled (docgen.write_scan); its second page a fax that
lost three pixel rows in four (read with a low confidence).
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from click.testing import CliRunner

from archive.scanpages import ScanPage, hits
from tests import docgen
from tests.conftest import serving
from tests.test_browser_search import ARTIFACTS, browser  # noqa: F401 (the module's Chromium fixture)

PHONE = {"width": 375, "height": 740}
WORD = "志愿服务"  # in the seed's first article, on page 1


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from bulletins.cli import cli
    from webui import create_app

    if docgen.soffice() is None:
        pytest.skip("LibreOffice (soffice) not installed: `make test` installs it")
    base = tmp_path_factory.mktemp("scan-view")
    docx = docgen.write_docx(docgen.SEED.read_text("utf-8"), base / "seed.docx")
    pdf = docgen.convert(docx, "pdf", base)
    corpus = base / "corpus"
    corpus.mkdir()
    docgen.write_scan(pdf, corpus / "扫描件.pdf", angle=0.8, pages=2, faded=(2,))
    # a shared machine's load must not fail the OCR's budget: this test is about what it read
    slow = {"BULLETINS_OCR_SECONDS_PER_PAGE": "900", "BULLETINS_READ_SECONDS": "3600", "BULLETINS_READ_CPU_SECONDS": "3600"}
    r = CliRunner().invoke(cli, ["index", "--corpus", str(corpus), "--index", str(base / "var" / "index")], env=slow)
    assert r.exit_code == 0, r.output
    app = create_app({"TESTING": True, "INDEX_DIR": str(base / "var" / "index"), "CORPUS_DIR": str(corpus)})
    bid = app.test_client().get(f"/api/search?q={WORD}").get_json()["hits"][0]["bulletin_id"]
    return {"app": app, "id": bid, "base": base, "corpus": corpus}


def test_the_boxes_are_kept_in_the_index(site: dict[str, Any]) -> None:
    from archive.corpus import file_sha256
    from indexer.store import scanboxes
    from indexer.store.handles import current_dir

    gen = current_dir(site["base"] / "var" / "index")
    pages = scanboxes.read(gen, file_sha256(site["corpus"] / "扫描件.pdf"))
    assert [p.page for p in pages] == [1, 2]
    assert any(WORD in b.text for b in pages[0].lines)
    assert all(0 <= b.x0 < b.x1 <= 1 and 0 <= b.y0 < b.y1 <= 1 for p in pages for b in p.lines)
    (kept,) = (gen / scanboxes.FOLDER).iterdir()
    assert kept.stat().st_size < 8000  # small: two pages of lines, compressed


def test_hits_take_their_share_of_the_line() -> None:
    from archive.scanpages import Box

    page = ScanPage(1, 0.0, (Box("淮安市 志愿服务暖人心", 0.1, 0.2, 0.9, 0.25, 0.98),))
    (box,) = hits(page, [WORD])
    # 志愿服务 is characters 4–8 of the 11 in the line (the space counts for the width)
    assert box.x0 == pytest.approx(0.1 + 0.8 * 4 / 11, abs=1e-3) and box.x1 == pytest.approx(0.1 + 0.8 * 8 / 11, abs=1e-3)
    assert (box.y0, box.y1) == (0.2, 0.25)
    assert hits(page, ["不在此页"]) == []


def test_the_scan_page_boxes_the_hits_and_marks_a_low_page(site: dict[str, Any]) -> None:
    from PIL import Image

    client = site["app"].test_client()
    bid = site["id"]
    bulletin = client.get(f"/bulletin/{bid}?hl={WORD}").get_data(as_text=True)
    assert "对照扫描原件" in bulletin and f"/bulletin/{bid}/scan?page=2" in bulletin and "置信度低" in bulletin
    page = client.get(f"/bulletin/{bid}/scan?page=1&hl={WORD}").get_data(as_text=True)
    assert page.count('class="scan-hit"') >= 1 and "<mark>志愿服务</mark>" in page and "下一页" in page
    low = client.get(f"/bulletin/{bid}/scan?page=2").get_data(as_text=True)
    assert "请对照原件核对" in low and "ocr-low" in low
    with client.get(f"/bulletin/{bid}/scan/1.png") as r:
        assert r.status_code == 200 and r.mimetype == "image/png" and "private" in r.headers["Cache-Control"]
        img = Image.open(io.BytesIO(r.data))
        assert abs(img.width - 1000) <= 1 and img.height > 1300  # an A4 page, readable
    cached = list((site["base"] / "var" / "scans").rglob("*.png"))
    assert len(cached) == 1  # rendered once, under var/ beside the index
    with client.get(f"/bulletin/{bid}/scan/1.png") as again:
        assert again.data == cached[0].read_bytes()
    assert client.get(f"/bulletin/{bid}/scan?page=3").status_code == 404
    assert client.get(f"/bulletin/{bid}/scan/3.png").status_code == 404


@pytest.mark.browser
def test_the_image_shows_a_box_on_the_hit_on_desktop_and_phone(browser: Any, site: dict[str, Any]) -> None:  # noqa: F811
    with serving(site["app"]) as url:
        for name, options in (("desktop", {"viewport": {"width": 1280, "height": 900}}),
                              ("phone", {"viewport": PHONE, "is_mobile": True, "has_touch": True})):
            context = browser.new_context(locale="zh-CN", **options)
            context.set_default_timeout(15_000)
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"{url}/bulletin/{site['id']}?hl={WORD}")
            # keyboard: the scan link is reached and followed from the keyboard
            page.focus(".ocr-scan-links a")
            with page.expect_navigation():
                page.keyboard.press("Enter")
            assert "/scan?page=1" in page.url
            page.wait_for_function("document.querySelector('.scan-image img').complete"
                                   " && document.querySelector('.scan-image img').naturalWidth > 0")
            img = page.locator(".scan-image img").bounding_box()
            rect = page.locator("rect.scan-hit").first.bounding_box()
            assert img and rect and rect["width"] > 2 and rect["height"] > 2
            assert img["x"] <= rect["x"] and rect["x"] + rect["width"] <= img["x"] + img["width"] + 1
            assert img["y"] <= rect["y"] and rect["y"] + rect["height"] <= img["y"] + img["height"] + 1
            widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            assert widths[0] == widths[1], f"{name}: {widths[0]} px wide"
            if name == "phone":
                assert widths == [PHONE["width"], PHONE["width"]]
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"scan-view-{name}.png"), full_page=False)
            assert not errors
            context.close()


def test_a_reader_who_may_not_see_the_issue_gets_no_page_image(site: dict[str, Any]) -> None:
    """Access rules (issue 21): the scan page and its image answer 404 to a reader the issue is
    closed to, as its original does; an administrator sees them."""
    from webui import create_app
    from webui.access_store import AccessStore
    from webui.auth_passwords import hash_password
    from tests.test_access_leak import signed_in

    instance = site["base"] / "instance"
    st = AccessStore(instance)
    for user, role in (("reader", "读者"), ("admin", "管理员")):
        st.add_user(user, hash_password(f"{user}-password"), role)
    st.set_default("江苏精神文明建设简报", "受限")
    app = create_app({"TESTING": True, "INDEX_DIR": str(site["base"] / "var" / "index"),
                      "CORPUS_DIR": str(site["corpus"]), "ACCOUNTS": True, "ACCESS_DIR": str(instance)})
    bid = site["id"]
    reader, admin = signed_in(app, "reader"), signed_in(app, "admin")
    for url in (f"/bulletin/{bid}/scan?page=1&hl={WORD}", f"/bulletin/{bid}/scan/1.png", f"/bulletin/{bid}/scan/2.png"):
        with reader.get(url) as r:
            assert r.status_code == 404 and WORD not in r.get_data(as_text=True) and r.mimetype != "image/png", url
        with admin.get(url) as r:
            assert r.status_code == 200, url
    with app.test_client().get(f"/bulletin/{bid}/scan/1.png") as r:  # signed out: to the sign-in page
        assert r.status_code in (302, 401)
