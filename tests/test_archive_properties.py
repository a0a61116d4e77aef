"""Property tests: reading and parsing anything raises only the named errors, and
what comes out was in the file (nothing invented, nothing reordered)."""

from __future__ import annotations

import html
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.document import Document, Paragraph
from archive.errors import BulletinParseError, BulletinReadError
from archive.model import Bulletin
from archive.parse import parse_document, parse_text
from archive.read import decode_bytes, normalise_text

_WS = re.compile(r"\s+")


def _squash(text: str) -> str:
    return _WS.sub("", text)


def _in_order(part: str, whole: str) -> bool:
    """Whether the characters of `part` occur in `whole` in the same order."""
    it = iter(whole)
    return all(ch in it for ch in part)


def _kept_from(b: Bulletin, source: str, markdown: bool) -> None:
    """Every title and paragraph is the file's own text, white space folded:
    only markup, page numbers, bullets and line breaks may have gone."""
    wholes = [_squash(source)] + ([_squash(html.unescape(source))] if markdown else [])
    for a in b.articles:
        for piece in (a.title, *a.paragraphs):
            assert any(_in_order(_squash(piece.rstrip("…")), whole) for whole in wholes), piece

# Pieces of real bulletins, so generated texts reach the header/heading/footer code.
PIECES = [
    "江苏精神文明建设简报", "第11期", "第十一期", "2023年第3期（总第58期）", "总第58期", "江苏省文明办",
    "2022年4月2日", "二〇二二年四月十五日", "2022-04-02", "【工作交流】", "淮安市:", "玄武区：", "省文明办：",
    "陕西：", "报：", "发：", "（苏简字1004号 共印400份）", "- 2 -", "—3—", "- 一是", "。", "，", " ",
    "\n", "\n\n", "# ", "## ", "### ", "<p>", "</p>", "[查看原文](https://x)", "<script>", "**", "`", "```",
    "身 边", "雷\n锋的士", "\r\n", "\r", "\ufeff", "\x00", "\u3000",
    # 公文 elements and traditional characters, so the GB/T 9704 and folding paths run too.
    "雄安新区管理委员会文件", "雄安发〔2021〕5号", "京政发[2023]5号", "签发人：张  三", "000123", "机密★1年", "特急",
    "关于加强管理工作的", "通知", "各县人民政府：", "附件：1. 清单", "附件1", "（此件公开发布）", "抄送：省政府办公厅。",
    "某某办公室  2021年3月8日印发", "二〇二一年三月五日", "創文簡報", "（總第十六期）", "主办：某某区文明办", "编者按：", "目录",
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
        got = decode_bytes(data, "t.txt")
    except BulletinReadError as exc:
        assert exc.reason
        return
    assert got.strip() and "\r" not in got
    if encoding != "gb18030":  # UTF-8 and UTF-16 (with its BOM) read back exactly
        assert got == normalise_text(text)


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
    _kept_from(b, normalise_text(text), name.endswith(".md") or text.lstrip("\ufeff \t\n\r").startswith("#"))


@given(st.binary(max_size=1000), st.sampled_from(["x.txt", "x.md"]))
def test_read_then_parse_any_bytes(data: bytes, name: str):
    try:
        text = decode_bytes(data, name)
        b = parse_text(text, name)
    except (BulletinReadError, BulletinParseError) as exc:
        assert exc.path == name and exc.reason
        return
    assert b.series and b.path == name
    _kept_from(b, text, True)


_PARAGRAPHS = st.builds(
    Paragraph,
    text=st.one_of(st.sampled_from([p for p in PIECES if "\n" not in p and "\r" not in p]), st.text(max_size=30)).map(
        lambda t: t.replace("\n", " ").replace("\r", " ")
    ),
    page=st.one_of(st.none(), st.integers(1, 4)),
    size=st.one_of(st.none(), st.sampled_from([10.5, 16.0, 22.0, 36.0])),
    bold=st.booleans(),
    color=st.one_of(st.none(), st.sampled_from(["#e60012", "#000000", "#ff0000"])),
    align=st.one_of(st.none(), st.sampled_from(["left", "center", "right", "justify"])),
    cell=st.one_of(st.none(), st.tuples(st.just(0), st.integers(0, 1), st.integers(0, 1))),
    kind=st.sampled_from(["body", "body", "body", "rule", "page-number", "header"]),
)


@given(st.lists(_PARAGRAPHS, max_size=30), st.sampled_from(["docx", "pdf", "ofd", "html", "pdf-ocr"]),
       st.sampled_from([{}, {"发文字号": "某政发〔2023〕1号", "标题": "关于某事的通知", "发文机关": "某某市人民政府", "成文日期": "2023-01-02"}]))
def test_parse_any_document(paragraphs: list[Paragraph], fmt: str, meta: dict[str, str]):
    doc = Document(name=f"x.{fmt}", format=fmt, paragraphs=tuple(paragraphs), meta=meta)
    try:
        b = parse_document(doc)
    except BulletinParseError as exc:
        assert exc.path == doc.name and exc.reason
        return
    assert b.series and b.format == fmt and b.kind in ("简报", "公文")
    assert [a.order for a in b.articles] == list(range(1, len(b.articles) + 1))
    body = "".join(p.text for p in paragraphs if p.kind == "body") + "".join(meta.values())
    for a in b.articles:
        assert all(p == p.strip() and p for p in a.paragraphs)
        for piece in a.paragraphs:
            assert _in_order(_squash(piece), _squash(body)), piece
