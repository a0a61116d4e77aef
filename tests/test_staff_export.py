"""The Word 汇编 an office prints (issue 20, item 4): A4 on GB/T 9704's margins and sizes,
fonts with named fallbacks, a contents list whose page numbers are there when it is
opened, and no Markdown link stubs."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests import docgen

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

# An issue in the shape of the 《新闻联播》 Markdown archive: each article ends with a
# "[查看原文](…)" line pointing back at the page it was copied from.
NEWS = """# 《新闻联播》 (20220925)

## 详细新闻

### 全国秋收有序推进 粮稳物丰硕果累累

<p><strong>央视网消息</strong>（新闻联播）：眼下，全国秋粮收获进度过半，各地抢抓晴好天气推进机收。</p><p>在黑龙江，{long}</p>

[查看原文](https://tv.cctv.com/2022/09/25/VIDELffvpHpx3GNw3cauiZna220925.shtml)

### 我国多项退税减税政策加快落实

<p><strong>央视网消息</strong>（新闻联播）：今年以来，多项退税减税政策加快落实，详见[税务总局](https://www.chinatax.gov.cn/)公告。</p>

[查看原文](https://tv.cctv.com/2022/09/25/VIDE4brApc71UBPV0m9b6rhG220925.shtml)

### 国庆临近 祖国各地节日气氛渐浓

<p><strong>央视网消息</strong>（新闻联播）：国庆临近，祖国各地国旗飘扬、花团锦簇，节日氛围越加浓厚。</p>

[查看原文](https://tv.cctv.com/2022/09/25/VIDE5T6anuMygMz0jC3vEQfG220925.shtml)
""".replace("{long}", "农机手们驾驶收割机在金黄的稻田里来回穿梭，一派繁忙的丰收景象。" * 60)


@pytest.fixture(scope="module")
def docx_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    from bulletins.cli import cli
    from indexer.present.export import export_records, render_docx
    from indexer.present.params import SearchParams
    from indexer.store.handles import IndexHandle

    corpus = tmp_path_factory.mktemp("news-corpus")
    (corpus / "20220925.md").write_text(NEWS, encoding="utf-8")
    index = tmp_path_factory.mktemp("news-index") / "index"
    r = CliRunner().invoke(cli, ["index", "--corpus", str(corpus), "--index", str(index)])
    assert r.exit_code == 0, r.output
    handle = IndexHandle(index)
    try:
        data = export_records(handle, SearchParams(sort="oldest", sort_given=True), "http://127.0.0.1:8000/")
    finally:
        handle.close()
    assert data.total == 3
    return render_docx(data)


def test_a4_with_gbt9704_margins_sizes_and_fonts(docx_bytes: bytes) -> None:
    import docx
    from docx.shared import Pt

    doc = docx.Document(io.BytesIO(docx_bytes))
    for section in doc.sections:
        def mm(v: Any) -> float:
            return round(v / 36000, 1)  # EMU; Word stores twips: 210 mm is 11906 twips, 210.01 mm

        assert (mm(section.page_width), mm(section.page_height)) == (210, 297)  # not US Letter
        assert (mm(section.top_margin), mm(section.left_margin)) == (37, 28)  # 天头, 订口
        assert mm(section.page_width - section.left_margin - section.right_margin) == 156  # the text block
        assert mm(section.page_height - section.top_margin - section.bottom_margin) == 225
    normal, heading = doc.styles["Normal"], doc.styles["Heading 1"]
    assert normal.font.size == Pt(16) and heading.font.size == Pt(22)  # 3号 body, 2号 titles
    fonts = {s: doc.styles[s].element.rPr.find(f"{W}rFonts").get(f"{W}eastAsia") for s in ("Normal", "Heading 1")}
    assert fonts == {"Normal": "仿宋_GB2312", "Heading 1": "方正小标宋简体"}
    table = _font_fallbacks(docx_bytes)
    assert table["仿宋_GB2312"] == "仿宋" and table["方正小标宋简体"] == "宋体"


def _font_fallbacks(body: bytes) -> dict[str, str]:
    import zipfile

    from lxml import etree

    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(body)).read("word/fontTable.xml"))
    return {f.get(f"{W}name"): f.find(f"{W}altName").get(f"{W}val") for f in root.iter(f"{W}font")
            if f.find(f"{W}altName") is not None}


def test_contents_page_numbers_are_fields_updated_on_open(docx_bytes: bytes) -> None:
    import zipfile

    z = zipfile.ZipFile(io.BytesIO(docx_bytes))
    settings = z.read("word/settings.xml").decode()
    assert re.search(r'<w:updateFields w:val="(true|1)"/>', settings)  # Word refreshes them on opening
    document = z.read("word/document.xml").decode()
    refs = re.findall(r"PAGEREF (_a\d+)", document)
    marks = re.findall(r'w:bookmarkStart w:id="\d+" w:name="(_a\d+)"', document)
    assert refs == marks == ["_a1", "_a2", "_a3"]  # each entry points at its article's title


def test_no_markdown_link_stubs(docx_bytes: bytes) -> None:
    import docx

    text = "\n".join(p.text for p in docx.Document(io.BytesIO(docx_bytes)).paragraphs)
    assert "查看原文" not in text and "](" not in text
    assert "详见税务总局公告" in text  # an inline link keeps its words
    assert "农机手们驾驶收割机" in text


@pytest.mark.skipif(docgen.soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_shows_each_article_s_page_in_the_contents(docx_bytes: bytes, tmp_path: Path) -> None:
    pdfium = pytest.importorskip("pypdfium2")
    src = tmp_path / "huibian.docx"
    src.write_bytes(docx_bytes)
    subprocess.run([docgen.soffice(), "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(src)],
                   check=True, capture_output=True, timeout=180)
    pdf = pdfium.PdfDocument(str(tmp_path / "huibian.pdf"))
    pages = [re.sub(r"\s+", "", pdf[i].get_textpage().get_text_range()) for i in range(len(pdf))]
    assert abs(pdf[0].get_size()[0] / 72 * 25.4 - 210) < 0.5  # A4
    contents = next(p for p in pages if p.startswith("目录"))
    listed = [int(n) for n in re.findall(r"日）\.*(\d+?)(?=\d+．|—)", contents)]  # after each entry's date
    actual = [1 + next(i for i, p in enumerate(pages) if p.startswith(title))
              for title in ("全国秋收有序推进", "我国多项退税减税", "国庆临近祖国各地")]
    assert listed == actual and actual[1] > actual[0] + 1, contents  # the long article takes two pages or more
    assert f"—{actual[2]}—" in pages[actual[2] - 1]  # the page number printed in the footer
