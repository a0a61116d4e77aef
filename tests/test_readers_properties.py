"""The readers never fail with anything but a named BulletinReadError, whatever the bytes."""

from __future__ import annotations

import io
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.document import Document
from archive.errors import BulletinReadError
from archive.readers import read_bytes

MAGIC = [b"", b"%PDF-1.4\n", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\x89PNG\r\n\x1a\n", b"<html><body>",
         b"\xff\xd8\xff", b"II*\x00"]
NAMES = ["x.txt", "x.pdf", "x.docx", "x.ofd", "x.html", "x.png", "x", "x.md"]


def _zip(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return buf.getvalue()


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(MAGIC), st.binary(max_size=600), st.sampled_from(NAMES))
def test_any_bytes_read_or_named_error(magic, tail, name):
    try:
        doc = read_bytes(magic + tail, name, use_cache=False)
    except BulletinReadError as exc:
        assert exc.path == name and exc.reason
    else:
        assert isinstance(doc, Document)


XML = st.text(alphabet=st.sampled_from(list("<>/=\"' abwptofd:丁一二&;#x")), max_size=200)


@settings(max_examples=80, deadline=None)
@given(XML, XML, st.sampled_from(["docx", "ofd"]))
def test_any_container_xml_read_or_named_error(a, b, kind):
    if kind == "docx":
        data = _zip({"word/document.xml": a.encode(), "word/styles.xml": b.encode()})
    else:
        data = _zip({"OFD.xml": ('<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"><ofd:DocBody><ofd:DocRoot>'
                                 "Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>").encode(),
                     "Doc_0/Document.xml": a.encode(), "Doc_0/Pages/Page_0/Content.xml": b.encode()})
    try:
        read_bytes(data, f"x.{kind}", use_cache=False)
    except BulletinReadError as exc:
        assert exc.reason
