"""A 公文 page laid out as Kingsoft WPS Office exports it to PDF.

The font size lives partly in the text matrix.

WPS writes 三号 (16 pt) text as `/F 319 Tf` inside a `0.05 0 0 0.05 x y Tm` matrix (seen in a real
WPS export: Creator "WPS Office", 一份公文 red header at Tf 960, body at Tf 319). PDFium's font size is
the bare Tf value, so the reader grouped every char within a third of 319 pt of a baseline into one
line: the whole page came out as one line of interleaved characters. The page here is written the
same way (tests/docgen.write_wps_pdf) with the text of a real notice (tests/realdocs/dev/taihu-…).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from archive.parse import parse_file
from archive.readers import read_document
from tests import docgen

TITLE = "太湖县人民政府关于印发《太湖县人民政府工作规则》的通知"
ADDRESSEE = "各乡、镇人民政府，县政府各部门、各直属机构："
BODY = "《太湖县人民政府工作规则》已经2019年1月4日县政府第三次全体会议通过，现予印发，请遵照执行。"
LEFT, EM, CHARS = 72.0, 16.0, 28  # GB/T 9704: 28 chars of 三号 to a line


def _centred(text: str, size: float) -> tuple[str, float, float]:
    return text, size, LEFT + (CHARS * EM - len(text) * size) / 2


def _body(text: str) -> list[tuple[str, float, float]]:
    """`text` as a paragraph of 28-char lines, the first indented two chars."""
    out, first = [], True
    while text:
        n = CHARS - 2 if first else CHARS
        out.append((text[:n], EM, LEFT + (2 * EM if first else 0)))
        text, first = text[n:], False
    return out


LINES = [_centred(TITLE[:19], 22.0), _centred(TITLE[19:], 22.0), (ADDRESSEE, EM, LEFT), *_body(BODY)]
PARAGRAPHS = [TITLE, ADDRESSEE, BODY]  # the title's first line fills the measure: its centred rest goes on with it
# 署名 and 成文日期 set right, the date one char short of the margin (as in the WPS export seen), then the 抄送
SIGNED = [("太湖县人民政府", EM, LEFT + 19 * EM), ("2019年1月17日", EM, LEFT + 17 * EM),
          ("抄送：县委各部门，县人大常委会办公室，县政协办公室。", EM, LEFT)]


def test_a_wps_pdf_reads_line_by_line_as_the_same_page_written_the_usual_way(tmp_path: Path) -> None:
    wps = read_document(docgen.write_wps_pdf(LINES, tmp_path / "wps.pdf"))
    usual = read_document(docgen.write_wps_pdf(LINES, tmp_path / "usual.pdf", font_scale=1))
    assert [p.text for p in wps.paragraphs] == PARAGRAPHS == [p.text for p in usual.paragraphs]


def test_a_wps_pdf_s_fields_are_read(tmp_path: Path) -> None:
    b = parse_file(docgen.write_wps_pdf(LINES + SIGNED[:2], tmp_path / "taihu.pdf"))
    assert (b.kind, b.articles[0].title, b.addressee, b.issuer, b.date, b.doc_type) == (
        "公文", TITLE, ADDRESSEE, "太湖县人民政府", dt.date(2019, 1, 17), "通知")


def test_the_cc_line_after_a_right_set_date_is_a_paragraph_of_its_own(tmp_path: Path) -> None:
    """The date ended near the margin, so it read as a full line and the 抄送 ran on into it (the old rule)."""
    for scale in (0.05, 1):
        doc = read_document(docgen.write_wps_pdf(LINES + SIGNED, tmp_path / f"cc{scale}.pdf", font_scale=scale))
        assert [p.text for p in doc.paragraphs][-3:] == [t for t, _s, _x in SIGNED]
