"""Bad and hostile files: each refused with a named BulletinReadError and its reason; the run goes on."""

from __future__ import annotations

import io
import json
import os
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.errors import BulletinReadError
from archive.readers import Limits, read_bytes, read_document
from archive.readers.sandbox import run_budgeted
from bulletins.cli import cli
from tests import docgen
from tests.docgen import SEED
from tests.test_readers_formats import made, needs_soffice  # noqa: F401  (the `made` fixture)


def _refused(path: Path, limits: Limits | None = None) -> str:
    with pytest.raises(BulletinReadError) as info:
        read_document(path, limits or Limits(), use_cache=False)
    assert info.value.path == str(path)
    return info.value.reason


def test_encrypted_pdf(tmp_path):
    assert _refused(docgen.write_raw_pdf(tmp_path / "secret.pdf", encrypted=True)) == \
        "PDF 已加密（需要密码才能打开），无法读取"


def test_pdf_of_5000_pages_refused_before_parsing(tmp_path):
    path = docgen.write_raw_pdf(tmp_path / "long.pdf", pages=5000)
    assert _refused(path) == "PDF 有 5,000 页（上限 1,000），已拒绝"


def test_truncated_pdf(made, tmp_path):
    data = docgen.write_raw_pdf(tmp_path / "ok.pdf", pages=3).read_bytes()
    bad = tmp_path / "cut.pdf"
    bad.write_bytes(data[: len(data) // 3])
    assert "PDF" in _refused(bad)


@pytest.mark.parametrize("fmt", ["docx", "ofd"])
def test_truncated_zip_container(made, tmp_path, fmt):
    data = made("seed", fmt).read_bytes()
    bad = tmp_path / f"cut.{fmt}"
    bad.write_bytes(data[: len(data) // 2])
    assert _refused(bad).startswith("zip 容器损坏或不完整")


@pytest.mark.parametrize("fmt", ["docx", "ofd"])
def test_corrupt_part_inside_the_zip(made, tmp_path, fmt):
    data = bytearray(made("seed", fmt).read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.getinfo("word/document.xml" if fmt == "docx" else "Doc_0/Document.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for k in range(start + 10, start + min(info.compress_size, 200)):
        data[k] ^= 0x5A  # scramble the deflated bytes: a bad CRC or a bad stream
    bad = tmp_path / f"scrambled.{fmt}"
    bad.write_bytes(bytes(data))
    reason = _refused(bad)
    assert reason.startswith("zip 部件") and "已损坏" in reason or "XML 格式错误" in reason


def test_zip_bomb_refused_before_inflating(made, tmp_path):
    docx = made("seed", "docx").read_bytes()
    bomb = docgen.rezip(docx, {}, {"word/media/image1.png": bytes(100 * 1024 * 1024)}, level=1)
    assert len(bomb) < 1024 * 1024  # 100 MB of zeros deflate to ~100 KB
    path = tmp_path / "bomb.docx"
    path.write_bytes(bomb)
    reason = _refused(path)
    assert "按 zip 炸弹拒绝" in reason and "word/media/image1.png" in reason


def test_zip_part_lying_about_its_size_is_capped(made, tmp_path):
    """A part whose header claims a small size but inflates past it never inflates past the claim."""
    ofd = made("seed", "ofd").read_bytes()
    big = docgen.rezip(ofd, {"Doc_0/Pages/Page_0/Content.xml": b"<a>" + b" " * (3 * 1024 * 1024) + b"</a>"})
    data = bytearray(big)
    with zipfile.ZipFile(io.BytesIO(big)) as zf:
        info = zf.getinfo("Doc_0/Pages/Page_0/Content.xml")
    # patch the declared uncompressed size (local header and central directory) to 1 KB
    local = info.header_offset
    data[local + 22: local + 26] = (1024).to_bytes(4, "little")
    pos = big.find(b"PK\x01\x02")
    while pos != -1:
        name_len = int.from_bytes(big[pos + 28: pos + 30], "little")
        if big[pos + 46: pos + 46 + name_len] == info.filename.encode():
            data[pos + 24: pos + 28] = (1024).to_bytes(4, "little")
        pos = big.find(b"PK\x01\x02", pos + 4)
    path = tmp_path / "liar.ofd"
    path.write_bytes(bytes(data))
    reason = _refused(path)
    assert "zip 炸弹" in reason or "已损坏" in reason or "XML 格式错误" in reason


def test_xml_entity_expansion_refused(made, tmp_path):
    docx = made("seed", "docx").read_bytes()
    path = tmp_path / "laughs.docx"
    path.write_bytes(docgen.rezip(docx, {"word/document.xml": docgen.BILLION_LAUGHS}))
    reason = _refused(path)
    assert reason.startswith("word/document.xml：XML 含 DTD 或实体声明，已拒绝")


@pytest.mark.parametrize("target", ["file:///etc/passwd", "http://127.0.0.1:9/secret"])
def test_xml_external_entity_never_read(made, tmp_path, target):
    ofd = made("seed", "ofd").read_bytes()
    root = ('<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"><ofd:DocBody><ofd:DocInfo><ofd:Title>@@</ofd:Title>'
            "</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>")
    path = tmp_path / "xxe.ofd"
    path.write_bytes(docgen.rezip(ofd, {"OFD.xml": docgen.external_entity_xml(root, target)}))
    reason = _refused(path)
    assert reason.startswith("OFD.xml：XML 含 DTD 或实体声明，已拒绝")
    assert "root:" not in reason


def test_ofd_part_outside_the_container_refused(made, tmp_path):
    ofd = made("seed", "ofd").read_bytes()
    root = ('<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"><ofd:DocBody>'
            "<ofd:DocRoot>../../../../etc/passwd</ofd:DocRoot></ofd:DocBody></ofd:OFD>")
    path = tmp_path / "escape.ofd"
    path.write_bytes(docgen.rezip(ofd, {"OFD.xml": root.encode()}))
    assert "指向容器之外" in _refused(path)


def test_image_of_20000_by_20000_pixels_refused_before_decoding(tmp_path):
    path = tmp_path / "huge.png"
    path.write_bytes(docgen.png_header(20000, 20000))
    reason = _refused(path)
    assert "解压炸弹" in reason and "20000×20000" in reason or "400000000 pixels" in reason


def test_mislabelled_and_unsupported_containers(tmp_path):
    text_as_docx = tmp_path / "really-text.docx"
    text_as_docx.write_bytes(SEED.read_bytes())
    assert _refused(text_as_docx) == "扩展名是 .docx，但内容不是 .docx (zip) 文件：已损坏或扩展名不符"
    other_zip = tmp_path / "photos.zip"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.txt", "x")
    other_zip.write_bytes(buf.getvalue())
    assert _refused(other_zip) == "zip 压缩包，既不是 .docx 也不是 .ofd 文档：不读取压缩包，请解压后再加入"
    fake_ole = tmp_path / "sheet.xls"
    fake_ole.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024))
    assert "不是 Word 文档" in _refused(fake_ole)


def test_budgeted_child_is_killed_not_waited_for(tmp_path):
    pid_file = tmp_path / "pid"
    child = f"import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); time.sleep(60)"
    started = time.monotonic()
    with pytest.raises(BulletinReadError) as info:
        run_budgeted([sys.executable, "-c", child], "x.doc", "converting", 1.5)
    assert time.monotonic() - started < 30  # hang guard: killed at 1.5 s, not after the child's 60 s
    assert info.value.reason == "converting 超出时间预算 1.5 秒，已终止"
    pid = int(pid_file.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


@needs_soffice
def test_conversion_past_its_budget_is_killed(made):
    path = made("seed", "doc")
    started = time.monotonic()
    reason = _refused(path, Limits(convert_seconds=0.2))
    assert time.monotonic() - started < 30
    assert reason == "用 LibreOffice 将 .doc 转换为 .docx 超出时间预算 0.2 秒，已终止"


def test_ocr_past_its_budget_is_killed(tmp_path):
    from PIL import Image, ImageDraw

    path = tmp_path / "page.png"
    img = Image.new("L", (800, 600), 255)
    ImageDraw.Draw(img).rectangle((100, 280, 700, 300), fill=0)  # ink: a blank page is refused before OCR
    img.save(path)
    started = time.monotonic()
    reason = _refused(path, Limits(ocr_min_seconds=0.3, ocr_seconds_per_page=0.1))
    assert time.monotonic() - started < 30
    assert reason == "1 页的 OCR 超出时间预算 0.3 秒，已终止"


def test_check_goes_on_after_bad_files(tmp_path):
    bad_pdf = docgen.write_raw_pdf(tmp_path / "secret.pdf", encrypted=True)
    bad_png = tmp_path / "huge.png"
    bad_png.write_bytes(docgen.png_header(20000, 20000))
    result = CliRunner().invoke(cli, ["check", "--json", str(bad_pdf), str(bad_png), str(SEED)])
    assert result.exit_code == 1
    assert f"rejected {bad_pdf}: PDF 已加密" in result.stderr
    assert f"rejected {bad_png}: 图像按解压炸弹拒绝" in result.stderr or \
        f"rejected {bad_png}: 图像有 20000×20000" in result.stderr
    assert "2 of 3 file(s) rejected" in result.stderr
    (line,) = result.stdout.splitlines()
    assert json.loads(line)["series"] == "江苏精神文明建设简报"


def test_file_too_large_for_the_limit(tmp_path):
    with pytest.raises(BulletinReadError, match=r"文件有 2,048 字节（上限 1,024）"):
        read_bytes(bytes(2048), "big.pdf", Limits(max_file_bytes=1024), use_cache=False)
