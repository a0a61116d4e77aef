"""Saved pages: nothing of the document dropped at its head or tail, the page's chrome known by its
features (issue 19, failure kinds 1 and 9; the pages lane of session 7).

The documents are real: the text of tests/realdocs/dev's saved pages, wrapped in a page of an old
table-laid site whose document stands in <div> lines — the shape where the main-content extractor
(trafilatura, favor_precision) keeps the body and drops the short closing lines (署名, date).
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

import pytest

from archive.features import is_chrome
from archive.parse import parse_document
from archive.readers import read_document
from bench.fields import REALDOCS

TRUTH = json.loads((REALDOCS / "fields.json").read_text("utf-8"))


def table_site(lines: list[str]) -> str:
    """A county site's page: a header with the nav bar, a breadcrumb, the document as <p> lines in its
    content block beside a column of hot links, page tools and a footer."""
    body = "\n".join(f"<p>{escape(ln.strip())}</p>" for ln in lines if ln.strip())
    hot = "".join(f'<li><a href="/r{i}.htm">关于做好第{i}批项目申报工作的通知</a></li>' for i in range(5))
    return f"""<html><head><meta charset="utf-8"><title>某市人民政府</title></head><body>
<div class="top">欢迎访问某市政府网站 <a href="#">设为首页</a> <a href="#">加入收藏</a></div>
<div class="nav"><a href="/a">网站首页</a> | <a href="/b">信息公开</a> | <a href="/c">政务服务</a></div>
<div class="crumb">您现在的位置：网站首页 → 信息公开 → 正文</div>
<div class="main"><div class="wz">
{body}
</div>
<div class="tool">【字体：大 中 小】 点击数：315 【收藏】 【返回列表】</div></div>
<div class="side"><b>热点信息</b><ul>{hot}</ul></div>
<div class="foot">版权所有：某市人民政府 备案序号：某ICP备12345678号</div></body></html>"""


def _notice(name: str, last: str) -> list[str]:
    """A real saved page's text up to its closing date line (the notice without what follows)."""
    lines = (REALDOCS / name).read_text("utf-8").splitlines()
    end = next(i for i, ln in enumerate(lines) if ln.strip() == last)
    return lines[: end + 1]


@pytest.mark.parametrize(
    ("name", "last"),
    [("dev/huzhou-2023-huweijianfa-1-tongzhi.txt", "2023年4月26日"), ("dev/yueyang-2017-yuebanfa-2-tongzhi.txt", "2017年1月10日")],
)
def test_the_closing_lines_the_extractor_drops_stay_in_the_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, last: str
) -> None:
    """The main-content extractor (favor_precision) may keep the body and drop the short closing lines
    (署名, date): here it is made to, and those lines, inside the page element holding what it kept,
    are still the document's (nothing dropped at the tail), its fields read off them."""
    import trafilatura

    want = TRUTH[name]
    lines = [ln.strip() for ln in _notice(name, last) if ln.strip()]
    dropped = lines[-2:]  # the 署名 and the date
    real_extract = trafilatura.extract

    def precise(html: str, **kwargs: object) -> str | None:
        out = real_extract(html, **kwargs)
        for ln in dropped:
            out = out.replace(f"<p>{ln}</p>", "").replace(ln, "") if out else out
        return out

    monkeypatch.setattr(trafilatura, "extract", precise)
    page = tmp_path / (Path(name).stem + ".html")
    page.write_text(table_site(_notice(name, last)), "utf-8")
    doc = read_document(page)
    texts = [p.text for p in doc.paragraphs]
    assert all(ln in texts for ln in dropped)
    b = parse_document(doc)
    assert b.date is not None and b.date.isoformat() == want["date"]


def test_a_breadcrumb_is_not_glued_to_the_title_under_it(tmp_path: Path) -> None:
    """dev/yueyang-…: `当前位置: 首页 > … > 政策法规` then the title, each a <p> of a page: the breadcrumb
    (42 characters, no final punctuation) was joined to the title as one paragraph that runs on."""
    name = "dev/yueyang-2017-yuebanfa-2-tongzhi.txt"
    lines = (REALDOCS / name).read_text("utf-8").splitlines()
    body = "\n".join(f"<p>{escape(ln.strip())}</p>" for ln in lines if ln.strip())
    page = tmp_path / "yueyang.html"
    page.write_text(f'<html><body><div class="article-content">{body}</div></body></html>', "utf-8")
    b = parse_document(read_document(page))
    assert b.articles[0].title == TRUTH[name]["title"]


@pytest.mark.parametrize(
    "line",
    [
        "热门站点| 世界资料网 | 专利资料网 | 世界资料网论坛",  # an aggregator's bar of its sites
        "收藏本站| 设为首页| 首页",
        "作者: 时间: 浏览: 来源:",  # the page's own fields, left empty
        "作者:某某网 时间:2024-07-22 07:20:29 浏览:9863 来源:某某网",
        "下载地址: 点击此处下载",
        "位置：走进本区 - 领导信箱 - 新闻中心",  # a breadcrumb with spaced hyphens
        "您现在的位置：网站首页 → 信息公开 → 正文",
        "您当前的位置: 首页 > 法规草案征求意见 > 关于《某某条例(草案修改二稿 征求意见稿)》公开征求意见的公告",
        "【字体：大 中 小】 点击数：315 【收藏】 【返回列表】",
        "上一篇：关于做好春季农业生产工作的通知",
    ],
)
def test_page_chrome_is_known_by_its_features(line: str) -> None:
    assert is_chrome(line)


@pytest.mark.parametrize(
    "line",
    [  # a document's own lines (tests/realdocs and tests/public)
        "各区人民政府,市政府各委、办、局,各市属机构:",
        "联系人：张三 电话：12345",
        "抄送：市委办公室，市人大常委会办公室。",
        "附件：1.名单",
        "北京市人民政府办公厅",
        "2016年5月28日",
        "中共岳阳市委办公室岳阳市人民政府办公室印发《关于全面推进政务公开工作的实施意见》的通知(岳办发〔2017〕2号)",
    ],
)
def test_a_document_line_is_not_chrome(line: str) -> None:
    assert not is_chrome(line)


def test_a_page_copy_of_the_title_with_a_counter_glued_on_is_the_page_s() -> None:
    """dev/xuzhou-… (an aggregator's page, batch 5): `…的通知0`, its copy of the title with a counter
    glued on, was kept and glued into the title; it is the page's copy of the title below."""
    from archive.explain import explain

    name = "dev/xuzhou-2019-xuzhengbanfa-107-yuan-tongzhi.txt"
    _b, placements = explain(read_document(REALDOCS / name))
    places = {p.text: p.place for p in placements}
    assert places["市政府办公室关于印发徐州市生活必需品市场供应应急预案的通知0"] == "已去除：页面上重复的标题"


def test_the_batch_5_pages_are_split_by_office_with_the_seeded_rule() -> None:
    """Batch 5 (30 saved pages of 30 offices): each in the half its office's seeded hash gives."""
    from bench.realdocs import half_of

    batch = {k: v for k, v in TRUTH.items() if isinstance(v, dict) and v.get("batch") == 5}
    assert len(batch) >= 30 and len({v["office"] for v in batch.values()}) >= 15
    for key, want in batch.items():
        assert key.split("/", 1)[0] == half_of(want["office"]), key
        assert (REALDOCS / key).is_file() and want["source"].startswith("http")
