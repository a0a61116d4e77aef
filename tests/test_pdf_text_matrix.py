"""PDFs exported by Kingsoft WPS Office: the font size lives partly in the text matrix.

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
BODY = ("《太湖县人民政府工作规则》已经2019年1月4日县政府第三次全体会议通过，现予印发，", "请遵照执行。")
LINES = [(TITLE, 22.0, 72.0), (ADDRESSEE, 16.0, 72.0), (BODY[0], 16.0, 104.0), (BODY[1], 16.0, 72.0),
         ("太湖县人民政府", 16.0, 380.0), ("2019年1月17日", 16.0, 380.0)]
PARAGRAPHS = [TITLE, ADDRESSEE, BODY[0] + BODY[1], "太湖县人民政府", "2019年1月17日"]


def test_a_wps_pdf_reads_line_by_line_as_the_same_page_written_the_usual_way(tmp_path: Path) -> None:
    wps = read_document(docgen.write_wps_pdf(LINES, tmp_path / "wps.pdf"))
    usual = read_document(docgen.write_wps_pdf(LINES, tmp_path / "usual.pdf", font_scale=1))
    assert [p.text for p in wps.paragraphs] == PARAGRAPHS == [p.text for p in usual.paragraphs]


def test_a_wps_pdf_s_fields_are_read(tmp_path: Path) -> None:
    b = parse_file(docgen.write_wps_pdf(LINES, tmp_path / "taihu.pdf"))
    assert (b.kind, b.articles[0].title, b.addressee, b.issuer, b.date, b.doc_type) == (
        "公文", TITLE, ADDRESSEE, "太湖县人民政府", dt.date(2019, 1, 17), "通知")
