"""Every format of the same bulletin reads to the same paragraphs as its text version.

The documents are generated at run time (tests/docgen.py) from the text
fixtures and the seed issue: .docx by python-docx, .pdf and .doc by LibreOffice
from that .docx, .ofd by our own writer, .html shaped like a saved gov.cn page.
Text is compared under NFKC without white space (PDF and OCR differ from the
source in punctuation width and spacing, not in characters).
"""

from __future__ import annotations

from pathlib import Path

import mammoth
import pytest

from archive.readers import read_bytes, read_document
from archive.readers.detect import detect_format
from tests import docgen
from tests.docgen import FIXTURES, SEED, issue_from_text, squash, visual_paragraphs

TEXTS = {"seed": SEED, **{p.stem: p for p in sorted(FIXTURES.glob("*.txt"))}}
needs_soffice = pytest.mark.skipif(docgen.soffice() is None, reason="LibreOffice (soffice) not installed: `make test` installs it")


@pytest.fixture(scope="session")
def made(tmp_path_factory: pytest.TempPathFactory):
    """made(key, fmt) → path of the bulletin `key` in format `fmt`, generated once per session."""
    root = tmp_path_factory.mktemp("formats")
    done: dict[tuple[str, str], Path] = {}

    def get(key: str, fmt: str) -> Path:
        if (key, fmt) in done:
            return done[(key, fmt)]
        text = TEXTS[key].read_text("utf-8")
        folder = root / key
        folder.mkdir(exist_ok=True)
        if fmt == "docx":
            path = docgen.write_docx(text, folder / f"{key}.docx")
        elif fmt == "docx-tab":
            path = docgen.write_docx(text, folder / f"{key}-tab.docx", header="tab")
        elif fmt in ("pdf", "doc"):
            path = docgen.convert(get(key, "docx"), fmt, folder)
        elif fmt == "wps":
            # What Kingsoft WPS saves: a Word 97 file with its own extra stream (WpsCustomData).
            path = folder / f"{key}.wps"
            path.write_bytes(docgen.add_ole2_stream(get(key, "doc").read_bytes(), "WpsCustomData"))
        elif fmt == "ofd":
            path = docgen.write_ofd(text, folder / f"{key}.ofd")
        elif fmt == "html":
            path = docgen.write_govcn_html(text, folder / f"{key}.html")
        elif fmt == "html-gbk":
            path = docgen.write_govcn_html(text, folder / f"{key}-gbk.htm", encoding="gb18030")
        else:
            raise ValueError(fmt)
        done[(key, fmt)] = path
        return path

    return get


def _body(doc) -> list[str]:
    return [squash(p.text) for p in doc.paragraphs if p.kind == "body" and p.text]


@pytest.mark.parametrize("key", list(TEXTS))
@pytest.mark.parametrize("fmt", ["docx", "docx-tab"])
def test_docx_gives_the_text_versions_paragraphs(made, key, fmt):
    issue = issue_from_text(TEXTS[key].read_text("utf-8"))
    doc = read_document(made(key, fmt), use_cache=False)
    assert doc.format == "docx"
    expected = [squash(x) for x in (issue.lines if fmt == "docx" else visual_paragraphs(issue))]
    assert _body(doc) == expected


def test_docx_hints_text_box_table_rule_footer(made):
    issue = issue_from_text(SEED.read_text("utf-8"))
    series = issue.lines[issue.series]
    doc = read_document(made("seed", "docx"), use_cache=False)
    # The red title sits in a text box Word stores twice (DrawingML + VML fallback): read once.
    titles = [p for p in doc.paragraphs if p.text == series]
    assert len(titles) == 1
    (title,) = titles
    assert (title.color, title.bold, title.size, title.align) == ("#ff0000", True, 26.0, "center")
    issuer, date = (p for p in doc.paragraphs if p.cell is not None)
    assert (issuer.text, issuer.cell, date.text, date.cell) == ("江苏省文明办", (0, 0, 0), "2022年4月2日", (0, 0, 1))
    assert date.align == "right"
    rules = [p for p in doc.paragraphs if p.kind == "rule"]
    assert rules[0].color == "#ff0000" and len(rules) == 3  # under the 报头, above and below the 版记
    body = [p for p in doc.paragraphs if p.text.startswith("本轮新冠肺炎疫情")]
    assert body[0].indent == 24.0 and body[0].align == "justify" and body[0].size == 12.0
    (number,) = [p for p in doc.paragraphs if p.kind == "page-number"]
    assert number.text == "- 1 -"
    assert "- 1 -" not in doc.text


@pytest.mark.parametrize("key", list(TEXTS))
def test_docx_text_is_mammoths_text(made, key):
    """mammoth (measured CER 0 on real files, text boxes once) is the oracle for our one-pass reader."""
    path = made(key, "docx")
    with path.open("rb") as fh:
        oracle = mammoth.extract_raw_text(fh).value
    assert squash(read_document(path, use_cache=False).text) == squash(oracle)


@needs_soffice
@pytest.mark.parametrize("key", ["seed", "nanjing-2022-chinese-numerals"])
def test_pdf_text_layer_paragraphs_rebuilt(made, key):
    issue = issue_from_text(TEXTS[key].read_text("utf-8"))
    doc = read_document(made(key, "pdf"), use_cache=False)
    assert doc.format == "pdf"
    assert _body(doc) == [squash(x) for x in visual_paragraphs(issue)]
    numbers = [p for p in doc.paragraphs if p.kind == "page-number"]
    assert [p.text for p in numbers] == [f"- {k} -" for k in range(1, len(numbers) + 1)] or \
        [squash(p.text) for p in numbers] == [f"-{k}-" for k in range(1, len(numbers) + 1)]
    assert numbers and all(p.page == k for k, p in enumerate(numbers, 1))
    title = next(p for p in doc.paragraphs if p.text == issue.lines[issue.series])
    assert title.color == "#ff0000" and title.bold and title.align == "center" and title.page == 1


@needs_soffice
def test_pdf_drops_the_space_between_chinese_and_digits(made):
    doc = read_document(made("seed", "pdf"), use_cache=False)
    texts = [p.text for p in doc.paragraphs]
    assert "第11期" in texts  # LibreOffice spaces it as 第 11 期
    assert "江苏省文明办\t2022年4月2日" in texts  # issuer and date on one line, a tab between
    assert any("疫情防控齐聚力 志愿服务暖人心" in t for t in texts)  # a space between two Chinese words stays


@needs_soffice
@pytest.mark.parametrize("fmt", ["doc", "wps"])
def test_doc_and_wps_through_libreoffice(made, fmt):
    issue = issue_from_text(SEED.read_text("utf-8"))
    doc = read_document(made("seed", fmt), use_cache=False)
    assert doc.format == fmt
    assert _body(doc) == [squash(x) for x in issue.lines]
    title = next(p for p in doc.paragraphs if p.text == issue.lines[issue.series])
    assert title.color == "#ff0000" and title.bold


@pytest.mark.parametrize("key", list(TEXTS))
def test_ofd_positions_templates_and_order(made, key):
    issue = issue_from_text(TEXTS[key].read_text("utf-8"))
    doc = read_document(made(key, "ofd"), use_cache=False)
    assert doc.format == "ofd"
    # the writer stores text objects shuffled and the first line in a template page
    assert _body(doc) == [squash(x) for x in visual_paragraphs(issue)]
    assert [p.kind for p in doc.paragraphs].count("page-number") >= 1
    if issue.series is not None:
        assert doc.meta["标题"] == issue.lines[issue.series]
        title = next(p for p in doc.paragraphs if p.text == issue.lines[issue.series])
        assert title.color == "#ff0000" and title.bold


@pytest.mark.parametrize("key", list(TEXTS))
@pytest.mark.parametrize("fmt", ["html", "html-gbk"])
def test_html_body_without_chrome_and_govcn_metadata(made, key, fmt):
    issue = issue_from_text(TEXTS[key].read_text("utf-8"))
    doc = read_document(made(key, fmt), use_cache=False)
    assert doc.format == "html"
    assert _body(doc) == [squash(x) for x in issue.lines]
    for chrome in ("首页", "办事服务", "当前位置", "分享到", "版权所有", "统计代码", "请输入关键词", "索引号"):
        assert chrome not in doc.text
    assert dict(doc.meta) == docgen.govcn_meta(issue)
    assert doc.source is not None and "<script" not in doc.source and issue.lines[-1] in doc.source


def test_format_told_from_bytes_not_name(made, tmp_path):
    docx = made("seed", "docx").read_bytes()
    ofd = made("seed", "ofd").read_bytes()
    html = made("seed", "html").read_bytes()
    assert detect_format(docx, "issue.bin") == "docx"
    assert detect_format(ofd, "issue.zip") == "ofd"
    assert detect_format(html, "issue") == "html"
    assert detect_format(docgen.png_header(10, 10), "scan") == "image"
    assert detect_format(b"\xff\xd8\xff\xe0\x00\x10JFIF", "x") == "image"
    assert detect_format(b"II*\x00\x08\x00\x00\x00", "x") == "image"
    assert detect_format(b"%PDF-1.7\n", "x.txt") == "pdf"
    assert detect_format("# 标题\n\n正文".encode(), "a.md") == "markdown"
    assert detect_format(SEED.read_bytes(), SEED.name) == "text"
    # a .docx saved under a wrong name is still read as one, with a warning
    doc = read_bytes(docx, str(tmp_path / "issue.pdf"), use_cache=False)
    assert doc.format == "docx" and any("read as docx" in w for w in doc.warnings)


@needs_soffice
def test_ole2_word_file_told_apart(made):
    data = made("seed", "doc").read_bytes()
    from archive.readers.detect import ole2_streams

    assert "WordDocument" in ole2_streams(data)
    assert detect_format(data, "issue.doc") == "doc"
    assert detect_format(data, "issue") == "doc"
    wps = made("seed", "wps").read_bytes()
    assert "WpsCustomData" in ole2_streams(wps)
    assert detect_format(wps, "issue.doc") == "wps"  # told by its bytes, whatever its name
