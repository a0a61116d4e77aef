"""Scans read by offline OCR (rapidocr + onnxruntime, models from the wheel): few and small.

A page of the seed issue's PDF is rasterised at 200 dpi, turned a little and
speckled (tests/docgen.write_scan); OCR must read it within a CER of 2% of the
text layer (under NFKC, without white space), rebuild its paragraphs, set the
page number aside, and report its confidence. ~2 s a page on 2 idle cores.
"""

from __future__ import annotations

import pytest

from archive.readers import read_document
from tests import docgen
from tests.docgen import cer
from tests.test_readers_formats import made, needs_soffice  # noqa: F401  (the `made` fixture)

MAX_CER = 0.02

pytestmark = needs_soffice  # the scans are made from LibreOffice's PDF of the generated .docx


@pytest.fixture(scope="module")
def page_one(made):
    """Page 1 as its text layer has it: (its text without the page number, the paragraphs that end on it)."""
    import pypdfium2 as pdfium

    from archive.readers.pdf import _page_lines

    path = made("seed", "pdf")
    pdf = pdfium.PdfDocument(str(path))
    page = pdf[0]
    lines = _page_lines(page, 1)  # the text layer's lines in reading order (PDF stream order puts the title last)
    page.close()
    pdf.close()
    text = "\n".join(ln.text for ln in lines if ln.text.replace(" ", "") != "-1-")
    doc = read_document(path, use_cache=False)
    on_page = [p.text for p in doc.paragraphs if p.kind == "body" and p.page == 1]
    return text, on_page[:-1]  # the last one runs on to page 2


def test_image_only_pdf_is_read_by_ocr_with_progress(made, page_one, tmp_path, capsys):
    scan = docgen.write_scan(made("seed", "pdf"), tmp_path / "scan.pdf", angle=0.8, pages=1)
    doc = read_document(scan, use_cache=False)
    assert doc.format == "pdf-ocr"
    assert len(doc.ocr) == 1 and 0.9 <= doc.ocr[0] <= 1.0
    body = [p for p in doc.paragraphs if p.kind == "body"]
    assert all(p.confidence is not None and 0 <= p.confidence <= 1 and p.page == 1 for p in body)
    text, paragraphs = page_one
    assert cer(text, doc.text) <= MAX_CER
    # paragraphs rebuilt: the same ones, each within the CER (the last one stops at the foot of the page)
    assert len(body) == len(paragraphs) + 1
    assert all(cer(want, got.text) <= MAX_CER for want, got in zip(paragraphs, body))
    assert [p.text.replace(" ", "") for p in doc.paragraphs if p.kind == "page-number"] == ["-1-"]
    assert f"OCR {scan}: page 1/1 read, confidence" in capsys.readouterr().err  # not a terminal: a log line


@pytest.mark.parametrize("container", ["tif", "ofd"])
def test_scan_turned_the_other_way_as_tiff_or_scanned_ofd(made, page_one, tmp_path, container):
    scan = docgen.write_scan(made("seed", "pdf"), tmp_path / "scan.tif", angle=-1.2, noise=0.004, pages=1)
    if container == "ofd":
        png = docgen.write_scan(made("seed", "pdf"), tmp_path / "scan.png", angle=-1.2, noise=0.004, pages=1)
        scan = docgen.write_ofd_scan(png, tmp_path / "scan.ofd")
    doc = read_document(scan, use_cache=False)
    assert doc.format == ("image" if container == "tif" else "ofd-ocr")
    assert not doc.warnings
    assert len(doc.ocr) == 1
    assert cer(page_one[0], doc.text) <= MAX_CER
    title = next(p for p in doc.paragraphs if "精神文明建设简报" in p.text)
    assert title.align == "center" and title.size > 20  # the 报头 stands out by size on a scan too


_SESSION_THREADS = """
import sys, numpy as np, pypdfium2 as pdfium
from archive.readers.ocr_worker import _engine
page = pdfium.PdfDocument(sys.argv[1])[0].render(scale=100 / 72).to_pil().convert("RGB")
engine = _engine()
result = engine(np.asarray(page)[:, :, ::-1])
assert result.txts, "no text read"
print(*(s.session.session.get_session_options().intra_op_num_threads for s in (engine.text_det, engine.text_rec)))
"""


@pytest.mark.parametrize("omp, want", [("1", "1 1"), (None, "0 0")])
def test_ocr_child_uses_as_many_threads_as_omp_num_threads_says(made, omp, want):
    """One Dask worker (`--nthreads 1`, OMP_NUM_THREADS=1) is one core: onnxruntime's own pools follow
    OMP_NUM_THREADS; unset, they keep onnxruntime's default (0: as many as the machine has)."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "OMP_NUM_THREADS"}
    if omp:
        env["OMP_NUM_THREADS"] = omp
    out = subprocess.run([sys.executable, "-c", _SESSION_THREADS, str(made("seed", "pdf"))], env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split("\n")[-2] == want
