"""archive.read: encodings, line ends, NFC, and the files it refuses."""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

import pytest

from archive.errors import BulletinReadError
from archive.read import decode_bytes, read_text

TEXT = "江苏精神文明建设简报\n第十一期\n南京市文明委办公室\n玄武区：“红色跑腿”暖人心\n志愿者 24 小时响应，身边群众纷纷点赞。\n"


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        TEXT.encode("gb18030"),
        TEXT.encode("gbk"),
        TEXT.encode("utf-16"),  # with BOM
        codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
        TEXT.replace("\n", "\r\n").encode("utf-8"),
        TEXT.replace("\n", "\r").encode("gb18030"),
    ],
    ids=["utf8", "utf8-bom", "gb18030", "gbk", "utf16le-bom", "utf16be-bom", "crlf", "cr-gb18030"],
)
def test_decodes_every_office_encoding(data):
    assert decode_bytes(data, "x.txt") == TEXT


def test_short_gbk_text_is_not_read_as_korean():
    # charset-normalizer alone guesses cp949 for this.
    assert decode_bytes("短文本：志愿。".encode("gbk"), "x") == "短文本：志愿。"


def test_gb18030_only_characters():
    text = "𠀀字与€符号：志愿服务。"  # outside GBK, inside GB18030
    assert decode_bytes(text.encode("gb18030"), "x") == text


def test_nfc():
    decomposed = unicodedata.normalize("NFD", "Café 简报")
    assert decode_bytes(decomposed.encode("utf-8"), "x") == "Café 简报"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "空文件"),
        (b" \n\r\n\t", "空文件"),
        ("\ufeff\n".encode("utf-8"), "空文件"),
        (b"abc\x00def", "二进制"),
        (bytes(range(256)) * 4, "二进制"),
        (b"\x01\x02\x03\x04\x05\x06text\x07\x08", "二进制"),
        (codecs.BOM_UTF16_LE + b"\x00", "utf-16"),
    ],
    ids=["empty", "blank", "bom-only", "nul", "all-bytes", "controls", "bad-utf16"],
)
def test_refuses_with_reason(data, reason):
    with pytest.raises(BulletinReadError) as info:
        decode_bytes(data, "bad.txt")
    assert info.value.path == "bad.txt"
    assert reason in info.value.reason
    assert str(info.value).startswith("bad.txt: ")


def test_read_text_names_the_file(tmp_path: Path):
    with pytest.raises(BulletinReadError) as info:
        read_text(tmp_path / "missing.txt")
    assert "missing.txt" in info.value.path
    assert "无法读取" in info.value.reason
    f = tmp_path / "ok.txt"
    f.write_bytes(TEXT.encode("utf-16"))
    assert read_text(f) == TEXT
