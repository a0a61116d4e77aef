"""Saved pages of site templates the reader has no container for (issue 19, failure kind 1).

The real text of tests/realdocs' saved pages, wrapped in a site page whose body is
<div> lines or <br> lines (not <p>), beside menus, a related-links list, the site's
own 索引号 table and a footer: the document's fields come out as a careful reader
reads them (fields.json), no line of the document is lost, and the site's lines
are not in the text.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html import escape
from pathlib import Path

import pytest

from archive.readers import read_document
from bench.fields import REALDOCS, got_fields, norm

RELATED = ["关于做好春季农业生产工作的通知", "关于印发全区安全生产专项整治方案的通知", "区政府召开第十二次常务会议"]
MENU = ["网站首页", "信息公开", "政务服务", "互动交流", "走进本区"]


def site_page(lines: list[str], body_as: str) -> str:
    """A page of a county site: menu, breadcrumb, its 索引号 table, the document, related links, footer."""
    kept = [escape(ln.strip()) for ln in lines if ln.strip()]
    body = "\n".join(f"<div>{ln}</div>" for ln in kept) if body_as == "div" else "<span>" + "<br>".join(kept) + "</span>"
    menu = "".join(f'<li><a href="/m{i}/">{w}</a></li>' for i, w in enumerate(MENU))
    related = "".join(f'<p><a href="/r{i}.html">{t}</a></p>' for i, t in enumerate(RELATED))
    return f"""<html><head><meta charset="utf-8"><title>某县人民政府</title></head><body>
<div class="top"><ul class="menu">{menu}</ul></div>
<div class="where">当前位置：<a href="/">网站首页</a> &gt; <a href="/xxgk/">信息公开</a></div>
<div class="wrap"><table class="info"><tr><td>索引号：</td><td>115112345/2019-00042</td></tr>
<tr><td>主题分类：</td><td>综合政务</td></tr><tr><td>发布日期：</td><td>2019-02-01</td></tr></table>
<div class="con">{body}</div>
<div class="side"><h3>相关文章</h3>{related}</div></div>
<div class="foot"><p><a href="/lx/">联系我们</a> | <a href="/dt/">网站地图</a></p><p>某县人民政府办公室 版权所有 某ICP备12345678号</p></div>
</body></html>"""


DOCS = ("dev/taihu-2019-guize-tongzhi.txt", "dev/huzhou-2023-huweijianfa-1-tongzhi.txt")


@pytest.mark.parametrize("body_as", ["div", "br"])
@pytest.mark.parametrize("name", DOCS)
def test_a_real_document_in_a_site_page_reads_as_its_text(name: str, body_as: str, tmp_path: Path) -> None:
    want = json.loads((REALDOCS / "fields.json").read_text("utf-8"))[name]
    lines = (REALDOCS / name).read_text("utf-8").splitlines()
    path = tmp_path / (Path(name).stem + ".html")
    path.write_text(site_page(lines, body_as), "utf-8")
    got = got_fields(path)
    keys = ("kind", "title", "issuer", "date", "doc_type", "addressee", "articles")
    assert {k: norm(got[k]) for k in keys} == {k: norm(want[k]) for k in keys}
    doc = read_document(path)
    text = re.sub(r"\s+", "", "".join(p.text for p in doc.paragraphs))
    assert [ln for ln in lines if ln.strip() and re.sub(r"\s+", "", ln) not in text] == []  # nothing lost
    for site_line in (*RELATED, "网站首页", "联系我们", "版权所有", "115112345/2019-00042"):
        assert site_line not in text
    assert doc.meta["索引号"] == "115112345/2019-00042" and doc.meta["发布日期"] == "2019-02-01"


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium to print a page to PDF")
def test_a_printed_page_s_browser_header_and_footer_are_not_body_text(tmp_path: Path) -> None:
    """The page printed with the browser's date-time/title header and URL/`1/2` footer reads as the
    same body as printed without them; those lines are kept as header/footer paragraphs."""
    name = "dev/taihu-2019-guize-tongzhi.txt"
    page = tmp_path / "page.html"
    page.write_text(site_page((REALDOCS / name).read_text("utf-8").splitlines(), "div"), "utf-8")
    bodies, furniture = [], []
    for extra in ([], ["--no-pdf-header-footer"]):
        pdf = tmp_path / f"printed{len(extra)}.pdf"
        subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", f"--print-to-pdf={pdf}", *extra,
                        page.as_uri()], capture_output=True, timeout=120, check=False)
        doc = read_document(pdf)
        bodies.append([p.text for p in doc.paragraphs if p.kind == "body"])
        furniture.append([p.text for p in doc.paragraphs if p.kind in ("header", "footer")])
    assert bodies[0] == bodies[1] and len(bodies[0]) > 10
    assert furniture[1] == [] and any(page.as_uri() in t for t in furniture[0])
    assert not any("file://" in t for t in bodies[0])
