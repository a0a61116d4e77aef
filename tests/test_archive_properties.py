"""Property tests: reading and parsing anything raises only the named errors."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.errors import BulletinParseError, BulletinReadError
from archive.model import Bulletin
from archive.parse import parse_text
from archive.read import decode_bytes

# Pieces of real bulletins, so generated texts reach the header/heading/footer code.
PIECES = [
    "江苏精神文明建设简报", "第11期", "第十一期", "2023年第3期（总第58期）", "总第58期", "江苏省文明办",
    "2022年4月2日", "二〇二二年四月十五日", "2022-04-02", "【工作交流】", "淮安市:", "玄武区：", "省文明办：",
    "陕西：", "报：", "发：", "（苏简字1004号 共印400份）", "- 2 -", "—3—", "- 一是", "。", "，", " ",
    "\n", "\n\n", "# ", "## ", "### ", "<p>", "</p>", "[查看原文](https://x)", "<script>", "**", "`", "```",
    "身 边", "雷\n锋的士", "\r\n", "\r", "\ufeff", "\x00", "\u3000",
]
texts = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=20)), max_size=40).map("".join)
settings.register_profile("archive", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("archive")


@given(st.binary(max_size=2000))
def test_decode_any_bytes(data: bytes):
    try:
        text = decode_bytes(data, "any.bin")
    except BulletinReadError as exc:
        assert exc.path == "any.bin" and exc.reason
    else:
        assert "\r" not in text and text.strip()


@given(texts, st.sampled_from(["utf-8", "gb18030", "utf-16"]))
def test_decode_encoded_text(text: str, encoding: str):
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return
    try:
        decode_bytes(data, "t.txt")
    except BulletinReadError:
        pass


@given(texts, st.sampled_from(["x.txt", "x.md"]))
def test_parse_any_text(text: str, name: str):
    try:
        b = parse_text(text, name)
    except BulletinParseError as exc:
        assert exc.path == name
        return
    assert isinstance(b, Bulletin)
    assert b.series
    assert [a.order for a in b.articles] == list(range(1, len(b.articles) + 1))
    for a in b.articles:
        assert a.bulletin_id == b.id
        assert all(p == p.strip() and p for p in a.paragraphs)


@given(st.binary(max_size=1000), st.sampled_from(["x.txt", "x.md"]))
def test_read_then_parse_any_bytes(data: bytes, name: str):
    try:
        parse_text(decode_bytes(data, name), name)
    except (BulletinReadError, BulletinParseError):
        pass
