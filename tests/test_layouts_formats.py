"""The same 公文 in every format the readers take gives the same GB/T 9704 fields.

Uses the format readers' document generators (tests/docgen.py). The 简报 side
of this is tests/test_readers_bulletin.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.parse import parse_file
from tests import docgen
from tests.test_archive_layouts import REDHEAD

FIELDS = ("kind", "series", "year", "date", "issuer", "serial", "doc_type", "copy_no", "secrecy", "urgency", "addressee",
          "attachments", "annotation", "print_org", "print_date", "recipients")
needs_soffice = pytest.mark.skipif(docgen.soffice() is None, reason="LibreOffice (soffice) is not installed")


def _make(fmt: str, tmp: Path) -> Path:
    if fmt == "docx":
        return docgen.write_docx(REDHEAD, tmp / "gw.docx")
    if fmt == "ofd":
        return docgen.write_ofd(REDHEAD, tmp / "gw.ofd")
    if fmt == "html":
        return docgen.write_govcn_html(REDHEAD, tmp / "gw.html")
    return docgen.convert(docgen.write_docx(REDHEAD, tmp / "gw.docx"), fmt, tmp)


@pytest.mark.parametrize("fmt", ["docx", "ofd", "html", pytest.param("pdf", marks=needs_soffice)])
def test_same_gongwen_every_format(tmp_path: Path, fmt: str):
    src = tmp_path / "gw.txt"
    src.write_text(REDHEAD, "utf-8")
    want, got = parse_file(src).to_dict(), parse_file(_make(fmt, tmp_path)).to_dict()
    assert {f: got[f] for f in FIELDS} == {f: want[f] for f in FIELDS}
    assert [a["title"] for a in got["articles"]] == ["关于加强城市精细化管理工作的通知"]
