"""A document's own pictures are served: relative image paths inside the corpus only.

A Markdown issue in a subfolder of the corpus shows pictures beside it and in
a sibling folder, a remote one, and some that must never be served: a path
out of the corpus, an absolute path, a link that leads out, a missing file, a
text file named .png, an image past the size cap. The pictures it shows are
not indexed as scans of their own.
"""

from __future__ import annotations

import io
import json

import pytest
from click.testing import CliRunner
from PIL import Image

from bulletins.cli import cli
from tests import docgen

ISSUE = """# 《文明实践简报》 2024年第2期 (2024-03-05)

## 工作交流

### 江苏南京：文明实践进社区

玄武区在社区开展文明实践活动，覆盖 12 个街道。

![活动现场](images/现场.png)

<img src="../shared/logo.jpg" alt="徽标">

![远程图片](https://example.com/tracker.png)

![逃出文库](../../outside.png)

![绝对路径](/etc/passwd)

![链接出去](images/link.png)

![不存在](images/none.png)

![不是图片](images/fake.png)

![太大](images/big.png)

活动得到群众好评。
"""


def _png(color: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(out, "PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("images")
    corpus = root / "corpus"
    (corpus / "2024" / "images").mkdir(parents=True)
    (corpus / "shared").mkdir()
    (corpus / "2024" / "issue.md").write_text(ISSUE, "utf-8")
    (corpus / "2024" / "images" / "现场.png").write_bytes(_png("red"))
    jpg = io.BytesIO()
    Image.new("RGB", (20, 20), "blue").save(jpg, "JPEG")
    (corpus / "shared" / "logo.jpg").write_bytes(jpg.getvalue())
    (root / "outside.png").write_bytes(_png("green"))  # beside the corpus, never served
    (corpus / "2024" / "images" / "link.png").symlink_to(root / "outside.png")
    (corpus / "2024" / "images" / "fake.png").write_text("<svg onload=alert(1)>not an image</svg>", "utf-8")
    (corpus / "2024" / "images" / "big.png").write_bytes(_png("red") + b"\0" * (21 * 1024 * 1024))
    # a saved gov.cn page of the seed issue with a picture of its own and a remote one
    page = docgen.write_govcn_html(docgen.SEED.read_text("utf-8"), root / "seed.html").read_text("utf-8")
    page = page.replace("清江浦区", '清江浦区<img src="seed_files/现场.png" alt="清江浦现场">', 1)
    page = page.replace("</body>", '<img src="https://example.com/count.gif" alt="统计"></body>')
    (corpus / "pages" / "seed_files").mkdir(parents=True)
    (corpus / "pages" / "seed.html").write_text(page, "utf-8")
    (corpus / "pages" / "seed_files" / "现场.png").write_bytes(_png("yellow"))
    index = root / "index"
    result = CliRunner().invoke(cli, ["index", "--corpus", str(corpus), "--index", str(index), "--json"])
    assert result.exit_code == 0, result.output

    from webui import create_app

    client = create_app({"TESTING": True, "INDEX_DIR": str(index), "CORPUS_DIR": str(corpus)}).test_client()
    hit = client.get("/api/search", query_string={"q": "玄武区"}).get_json()["hits"][0]
    seed = client.get("/api/search", query_string={"q": "口罩行动"}).get_json()["hits"][0]
    return {"root": root, "corpus": corpus, "client": client, "id": hit["bulletin_id"], "page_id": seed["bulletin_id"],
            "report": result.stdout}


def test_pictures_a_document_shows_are_not_indexed_as_scans(site):
    report = json.loads(site["report"].strip().splitlines()[-1])
    assert report["added"] == 2 and report["rejected"] == []  # the issue and the page: no picture was read by OCR
    warnings = "\n".join(report["warnings"])
    assert "2024/images/现场.png: 是 2024/issue.md 中的图片" in warnings
    assert "shared/logo.jpg: 是 2024/issue.md 中的图片" in warnings
    assert "2024/images/link.png: 指向文库之外文件的链接，已跳过" in warnings
    assert "pages/seed_files/现场.png: 是 pages/seed.html 中的图片" in warnings


def test_the_page_points_relative_pictures_at_the_archive_and_remote_ones_become_links(site):
    client, bid = site["client"], site["id"]
    response = client.get(f"/bulletin/{bid}")
    page = response.get_data(as_text=True)
    assert f'src="/bulletin/{bid}/image?src=images/%E7%8E%B0%E5%9C%BA.png"' in page
    assert f'src="/bulletin/{bid}/image?src=../shared/logo.jpg"' in page
    assert "［图片：远程图片］" in page and 'src="https://example.com' not in page
    assert "img-src 'self' data:" in response.headers["Content-Security-Policy"]  # the CSP stays


@pytest.mark.parametrize(
    ("src", "mime", "name"),
    [("images/现场.png", "image/png", "2024/images/现场.png"), ("../shared/logo.jpg", "image/jpeg", "shared/logo.jpg")],
)
def test_a_picture_inside_the_corpus_is_served_with_the_type_its_bytes_say(site, src, mime, name):
    response = site["client"].get(f"/bulletin/{site['id']}/image", query_string={"src": src})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == mime
    assert response.data == (site["corpus"] / name).read_bytes()
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    response.close()


@pytest.mark.parametrize(
    "src",
    [
        "../../outside.png",  # out of the corpus by ..
        "%2E%2E/%2E%2E/outside.png",  # the same, percent-encoded (a src is a URL path)
        "..%2F..%2Foutside.png",
        "../../../../../../etc/passwd",
        "/etc/passwd",  # absolute
        "C:\\Windows\\win.ini",
        "file:///etc/passwd",
        "//example.com/x.png",
        "images/link.png",  # a link that leads out of the corpus
        "images/none.png",  # missing
        "images/fake.png",  # not an image (an SVG with script, named .png)
        "images/big.png",  # past the size cap
        "issue.md",  # a file of the corpus, but not an image
        "images",  # a folder
        "",
        "images/\0.png",
    ],
)
def test_anything_else_is_a_404_that_names_no_server_path(site, src):
    response = site["client"].get(f"/bulletin/{site['id']}/image", query_string={"src": src})
    assert response.status_code == 404
    text = response.get_data(as_text=True)
    assert "这期简报没有这张图片" in text
    assert str(site["root"]) not in text and "Traceback" not in text


def test_an_unknown_bulletin_has_no_pictures(site):
    assert site["client"].get("/bulletin/0123456789abcdef/image", query_string={"src": "images/现场.png"}).status_code == 404


def test_a_saved_pages_own_picture_is_shown_where_it_stood_and_served(site):
    client, bid = site["client"], site["page_id"]
    api = client.get(f"/api/bulletins/{bid}").get_json()
    assert api["format"] == "html"
    first = api["articles"][0]
    # (the page's body HTML writes the name percent-encoded, as a URL)
    assert "![清江浦现场](<seed_files/%E7%8E%B0%E5%9C%BA.png>)" in first["body"] and "![" not in first["text"]
    page = client.get(f"/bulletin/{bid}").get_data(as_text=True)
    assert f'src="/bulletin/{bid}/image?src=seed_files/%25E7%258E%25B0%25E5%259C%25BA.png"' in page
    assert "example.com" not in page  # the page's counter pixel was chrome: not kept
    got = client.get(f"/bulletin/{bid}/image", query_string={"src": "seed_files/%E7%8E%B0%E5%9C%BA.png"})
    assert got.status_code == 200 and got.headers["Content-Type"] == "image/png"
    assert got.data == (site["corpus"] / "pages" / "seed_files" / "现场.png").read_bytes()
    got.close()
