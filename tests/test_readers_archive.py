"""The original is kept: `bulletins add` copies any format as it came, the index reads it (from the
content-hash cache the second time), the bulletin page offers it for download, `check` names the format."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from archive.readers import read_document
from archive.readers import cache as reader_cache
from bulletins.cli import cli
from tests.docgen import SEED, squash
from tests.test_readers_formats import made, needs_soffice  # noqa: F401  (the `made` fixture)

STEM = "江苏精神文明建设简报-2022-第11期"


@pytest.fixture()
def archive_dirs(tmp_path, monkeypatch):
    monkeypatch.delenv(reader_cache.CACHE_ENV, raising=False)
    return tmp_path / "corpus", tmp_path / "var" / "index"


def test_add_keeps_the_original_with_its_suffix_and_serves_it(made, archive_dirs, monkeypatch):
    corpus, index = archive_dirs
    src = made("seed", "docx")
    result = CliRunner().invoke(cli, ["add", "--corpus", str(corpus), "--index", str(index), str(src)])
    assert result.exit_code == 0, result.output
    kept = corpus / f"{STEM}.docx"
    assert kept.read_bytes() == src.read_bytes()  # the file as it came
    assert list(corpus.iterdir()) == [kept]
    # what add read went into the cache beside the index: var/cache
    cache_root = index.parent / "cache"
    assert len(list(cache_root.rglob("*.json"))) == 1

    from webui import create_app

    app = create_app({"TESTING": True, "INDEX_DIR": str(index), "CORPUS_DIR": str(corpus)})
    client = app.test_client()
    found = client.get("/api/search", query_string={"q": "志愿服务"}).get_json()
    bulletin_id = found["hits"][0]["bulletin_id"]
    page = client.get(f"/bulletin/{bulletin_id}").get_data(as_text=True)
    assert "原件下载</a>（Word）" in page and f"/bulletin/{bulletin_id}/original" in page
    response = client.get(f"/bulletin/{bulletin_id}/original")
    assert response.status_code == 200
    assert response.data == src.read_bytes()
    assert response.headers["Content-Type"] == \
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote(kept.name)}" in disposition  # RFC 5987: the Chinese name
    assert "sandbox" in response.headers["Content-Security-Policy"]
    response.close()  # send_file streams the file: close it
    # an unknown id is a 404 page, not a file or a traceback
    missing = client.get("/bulletin/0123456789abcdef/original")
    assert missing.status_code == 404 and "Traceback" not in missing.get_data(as_text=True)


def test_download_never_serves_a_path_outside_the_corpus(made, archive_dirs, tmp_path):
    """A corpus file swapped for a symlink to a file outside the corpus is not served."""
    corpus, index = archive_dirs
    src = made("seed", "ofd")
    assert CliRunner().invoke(cli, ["add", "--corpus", str(corpus), "--index", str(index), str(src)]).exit_code == 0
    kept = corpus / f"{STEM}.ofd"
    outside = tmp_path / "secret.ofd"
    outside.write_bytes(kept.read_bytes())
    kept.unlink()
    kept.symlink_to(outside)

    from webui import create_app

    client = create_app({"TESTING": True, "INDEX_DIR": str(index), "CORPUS_DIR": str(corpus)}).test_client()
    bulletin_id = client.get("/api/search", query_string={"q": "志愿服务"}).get_json()["hits"][0]["bulletin_id"]
    response = client.get(f"/bulletin/{bulletin_id}/original")
    assert response.status_code == 404
    assert str(tmp_path) not in response.get_data(as_text=True)


@needs_soffice
def test_reindex_reads_an_unchanged_file_from_the_cache(made, tmp_path, monkeypatch):
    """A .doc is converted once; the next read of the same bytes (even renamed) never starts LibreOffice."""
    monkeypatch.setenv(reader_cache.CACHE_ENV, str(tmp_path / "cache"))
    src = made("seed", "doc")
    first = read_document(src)
    copy = tmp_path / "renamed.doc"
    copy.write_bytes(src.read_bytes())

    from archive.readers import office

    def no_conversion(*args, **kwargs):
        raise AssertionError("converted again")

    monkeypatch.setattr(office, "convert_to_docx", no_conversion)
    again = read_document(copy)
    assert again.paragraphs == first.paragraphs and again.format == "doc" and again.name == str(copy)
    # changed bytes are read afresh (and here would need the conversion)
    copy.write_bytes(src.read_bytes() + b"\0")
    with pytest.raises(AssertionError, match="converted again"):
        read_document(copy)


def test_check_names_the_format(made):
    result = CliRunner().invoke(cli, ["check", str(made("seed", "html")), str(made("seed", "ofd"))])
    assert result.exit_code == 0, result.output
    assert re.search(r"seed\.html: 江苏精神文明建设简报 2022年第11期 \[html\]", result.stdout)
    assert re.search(r"seed\.ofd: 江苏精神文明建设简报 2022年第11期 \[ofd\]", result.stdout)


@needs_soffice
def test_check_flags_low_confidence_ocr_pages(made, tmp_path, monkeypatch):
    from tests import docgen

    monkeypatch.setenv(reader_cache.CACHE_ENV, str(tmp_path / "cache"))  # OCR once; the second check reads the cache
    scan = docgen.write_scan(made("seed", "pdf"), tmp_path / "scan.png", angle=0.5, pages=1)
    out = tmp_path / "out.json"
    runner = CliRunner()
    # 0.999: no real page reaches it, so the page is flagged; the default (0.8) flags none of this clean scan
    strict = runner.invoke(cli, ["check", "--min-confidence", "0.999", str(scan)])
    assert strict.exit_code == 0, strict.output
    assert "[image]" in strict.stdout and "text from OCR — confidence by page 1: 0." in strict.stdout
    assert "warning: low OCR confidence on page 1" in strict.stdout
    relaxed = runner.invoke(cli, ["check", "--json", str(scan)])
    data = json.loads(relaxed.stdout)
    assert data["format"] == "image" and len(data["ocr"]) == 1 and data["low_confidence_pages"] == []
    out.write_text(relaxed.stdout)
    assert squash("江苏精神文明建设简报") in squash(data["series"])


@needs_soffice
def test_ocr_text_is_marked_with_its_confidence_in_the_index_on_the_page_and_in_the_api(made, archive_dirs, tmp_path, monkeypatch):
    """A two-page scan whose second page is a barely legible fax: the index keeps each page's OCR
    confidence; the page and /api/bulletins/<id> say the text is from OCR, with its confidence, and
    name the low page; `bulletins check` flags the same page."""
    from tests import docgen
    from webui import create_app

    corpus, index = archive_dirs
    monkeypatch.setenv(reader_cache.CACHE_ENV, str(tmp_path / "cache"))  # OCR once for check and add
    scan = docgen.write_scan(made("seed", "pdf"), tmp_path / "scan.pdf", angle=0.5, pages=2, faded=(2,))
    runner = CliRunner()
    checked = runner.invoke(cli, ["check", "--json", str(scan)])
    assert checked.exit_code == 0, checked.output
    data = json.loads(checked.stdout)
    assert data["format"] == "pdf-ocr" and len(data["ocr"]) == 2
    assert data["ocr"][0] >= 0.9 > 0.8 > data["ocr"][1]  # a clean page, and one a person must check
    assert data["low_confidence_pages"] == [2]
    added = runner.invoke(cli, ["add", "--corpus", str(corpus), "--index", str(index), str(scan)])
    assert added.exit_code == 0, added.output

    client = create_app({"TESTING": True, "INDEX_DIR": str(index), "CORPUS_DIR": str(corpus)}).test_client()
    hit = client.get("/api/search", query_string={"q": "志愿服务"}).get_json()["hits"][0]
    api = client.get(f"/api/bulletins/{hit['bulletin_id']}").get_json()
    ocr = api["ocr"]
    assert ocr["pages"] == [round(c, 4) for c in data["ocr"]]
    assert ocr["confidence"] == round(sum(ocr["pages"]) / 2, 4) and ocr["low_pages"] == [2] and ocr["threshold"] == 0.8
    page = client.get(f"/bulletin/{hit['bulletin_id']}").get_data(as_text=True)
    whole = f"{ocr['confidence'] * 100:.0f}%"
    assert f"本期文字由扫描件识别（置信度 {whole}），请以原件为准。" in page
    assert f'<strong class="ocr-low">第 2 页（{ocr["pages"][1] * 100:.0f}%）</strong>' in page
    assert "第 1 页（" not in page

    # text that did not come from OCR says nothing of it
    docx = made("seed", "docx")
    other = tmp_path / "other"
    assert runner.invoke(cli, ["add", "--corpus", str(other), "--index", str(tmp_path / "i2"), str(docx)]).exit_code == 0
    client2 = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "i2"), "CORPUS_DIR": str(other)}).test_client()
    bid = client2.get("/api/search", query_string={"q": "志愿服务"}).get_json()["hits"][0]["bulletin_id"]
    assert client2.get(f"/api/bulletins/{bid}").get_json()["ocr"] is None
    assert "扫描件识别" not in client2.get(f"/bulletin/{bid}").get_data(as_text=True)
