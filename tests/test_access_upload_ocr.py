"""Upload of a scan (issue 21): read in the background with per-page OCR progress polled by
the page, while the server answers other requests; then what was read, as for any file."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path
from typing import Any

from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from tests import docgen
from tests.test_access_upload import _client, _csrf, site  # noqa: F401  (the `site` fixture)
from tests.test_readers_formats import made, needs_soffice  # noqa: F401  (the `made` fixture)

pytestmark = needs_soffice  # the scan is made from LibreOffice's PDF of the generated seed .docx
MAX_OCR_SECONDS = 300  # two pages on a loaded machine


def test_a_scan_is_read_in_the_background_with_page_progress(site: dict[str, Any], made: Any, tmp_path: Path) -> None:
    from archive.readers.cache import CACHE_ENV

    scan = docgen.write_scan(made("seed", "pdf"), tmp_path / "scan.pdf", angle=0.8, pages=2)
    client = _client(site["app"], "editor")
    other = _client(site["app"], "editor")  # another user of the server while the scan is read
    form = client.get("/upload").get_data(as_text=True)
    # (encoded here: the test client spools a large body to a temporary file it never closes)
    boundary, body = encode_multipart(MultiDict([("csrf_token", _csrf(form)),
                                                 ("files", FileStorage(io.BytesIO(scan.read_bytes()), "扫描件.pdf"))]))
    r = client.post("/upload", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    page = r.get_data(as_text=True)
    assert r.status_code == 202 and "正在读取" in page and 'id="reading"' in page  # the progress page, at once
    batch = re.search(r'data-status="/upload/([^/"]+)/status"', page).group(1)  # type: ignore[union-attr]
    seen: list[tuple[str, int, int]] = []
    answered_meanwhile = False
    deadline = time.monotonic() + MAX_OCR_SECONDS
    while time.monotonic() < deadline:
        status = client.get(f"/upload/{batch}/status").get_json()
        if status["done"]:
            break
        (f,) = status["files"]
        seen.append((f["state"], f["page"], f["pages"]))
        if f["state"] == "ocr" and not answered_meanwhile:
            # the server is not held by the OCR: a search answers, and the reading is still going on
            assert other.get("/api/search", query_string={"q": "志愿服务"}).get_json()["total"] > 0
            answered_meanwhile = not client.get(f"/upload/{batch}/status").get_json()["done"]
        time.sleep(0.2)
    else:
        raise AssertionError(f"OCR not done in {MAX_OCR_SECONDS} s: {seen[-3:]}")
    ocr = [s for s in seen if s[0] == "ocr"]
    assert ocr and all(pages == 2 for _, _, pages in ocr), seen
    assert {page for _, page, _ in ocr} <= {0, 1, 2} and ocr == sorted(ocr, key=lambda s: s[1])  # page by page
    assert answered_meanwhile
    done = client.get(f"/upload/{batch}").get_data(as_text=True)
    assert "江苏精神文明建设简报 2022年第11期" in done and 'id="confirm-form"' in done
    # OCRed once: the confirm step reads the file again from the reader cache
    import os

    assert os.environ.get(CACHE_ENV) and any(Path(os.environ[CACHE_ENV]).rglob("*.json"))


def test_the_progress_routes_are_for_editors(site: dict[str, Any]) -> None:
    reader = _client(site["app"], "reader")
    assert reader.get("/upload/abcdefghijklmnopqrstuv").status_code == 403
    assert reader.get("/upload/abcdefghijklmnopqrstuv/status").status_code == 403
    editor = _client(site["app"], "editor")
    assert editor.get("/upload/abcdefghijklmnopqrstuv/status").status_code == 404
    assert editor.get("/upload/..%2F..%2Fetc/status").status_code == 404
