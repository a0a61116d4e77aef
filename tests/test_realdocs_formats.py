"""Real 公文 of tests/realdocs laid out as an office prints them (tests/docgen.py, labels from their
truth: bench/realformats.py) read back with the same fields as their text (issue 19: formats on real text)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archive.parse import parse_file
from archive.readers import read_document
from bench.fields import norm
from bench.realformats import body_lines, label
from tests import docgen

REALDOCS = Path(__file__).parent / "realdocs"
TRUTH = json.loads((REALDOCS / "fields.json").read_text("utf-8"))
# titles long enough to wrap over two or three lines of 二号 type (a full line, then a centred rest)
WRAPPED_TITLES = ["dev/dongyang-2023-canji-jiuye-tongzhi.txt", "dev/yiyang-2014-zhongwuran-yuan-tongzhi.txt",
                  "dev/mouding-2017-moubanfa-46-yuan-tongzhi.txt"]


def _sample(name: str) -> list[tuple[str, str]]:
    want = TRUTH[name]
    lines = body_lines(REALDOCS / name, want)
    assert lines is not None
    return label(lines, want)


@pytest.mark.parametrize("name", WRAPPED_TITLES)
def test_a_title_wrapped_over_lines_of_an_ofd_is_one_centred_paragraph_and_the_title(name: str, tmp_path: Path) -> None:
    want = TRUTH[name]
    path = docgen.write_gongwen_ofd(_sample(name), tmp_path / "doc.ofd")
    doc = read_document(path)
    first = next(p for p in doc.paragraphs if p.text.replace(" ", "").startswith(want["title"][:6]))
    assert norm(first.text) == norm(want["title"])
    assert first.align == "center"
    b = parse_file(path)
    assert norm(b.articles[0].title) == norm(want["title"])
    assert b.to_dict()["doc_type"] == want["doc_type"]


def test_a_wrapped_title_does_not_swallow_the_masthead_or_the_body(tmp_path: Path) -> None:
    name = WRAPPED_TITLES[0]
    want = TRUTH[name]
    sample = _sample(name)
    doc = read_document(docgen.write_gongwen_ofd(sample, tmp_path / "doc.ofd"))
    texts = [norm(p.text) for p in doc.paragraphs]
    at = texts.index(norm(want["title"]))
    assert texts[at - 1] == norm(want["serial"]) if want.get("serial") else True
    assert texts[at + 1].startswith(norm([t for t, lab in sample if lab == "body"][0])[:10])


@pytest.mark.skipif(docgen.soffice() is None, reason="LibreOffice (soffice) not installed: `make test` installs it")
def test_a_hyphen_pdfium_takes_for_a_word_break_stays_in_a_pdf_s_title(tmp_path: Path) -> None:
    name = "dev/laoting-2022-tingli-xian-duanjiao-shigong-gonggao.txt"
    want = TRUTH[name]
    docx = docgen.write_gongwen_docx(_sample(name), tmp_path / "laoting.docx")
    pdf = docgen.convert(docx, "pdf", tmp_path)
    doc = read_document(pdf, use_cache=False)
    assert "古河乡政府-李家铺段" in doc.text
    assert norm(parse_file(pdf).articles[0].title) == norm(want["title"])
