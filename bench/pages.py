"""Saved and printed site pages around real text: fields right per template half and format (`python -m bench.pages`).

The generalisation set for issue 19's failure kind 1 (a page that begins with
site chrome or a metadata block). The text of each real saved page of
tests/realdocs (dev/ and eval/, truth in fields.json) is wrapped in seeded
site templates — menus, breadcrumbs, a 索引号 block as a table, a <dl> or a
<ul>, sidebars of related titles, share buttons, view counters, footers with
版权所有 / ICP备案 / 联系我们 — and written as .html, and as that page printed
to PDF by Chromium headless, with and without the browser's header and footer
lines (date, page title, URL, `1/3`). Templates are split like the documents:
`dev` templates wrap dev documents, `eval` templates (other words, other
structure) wrap eval documents and were not looked at while fixing.

Fields are scored with bench/fields.py's truth and comparison. The generated
files are kept in `--workdir` (not in git); PDFs are made again only when their
page changed.

    .venv/bin/python -m bench.pages [--half dev|eval ...] [--no-pdf] [-v]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import subprocess
import sys
from collections import defaultdict
from html import escape
from pathlib import Path

from bench.fields import REAL_FIELDS, REALDOCS, score_file

SEED = "pages-1"
CHROMIUM_TIMEOUT = 60  # seconds for one page printed to PDF

# Words a site's chrome is made of. The dev and eval templates draw from different pools.
_MENUS = {
    "dev": ["首页", "政务公开", "政策文件", "办事服务", "互动交流", "走进本区", "新闻中心", "专题专栏", "数据开放", "领导信箱"],
    "eval": ["网站首页", "要闻动态", "信息公开", "政务服务", "公众参与", "魅力家乡", "投资指南", "通知公告", "在线访谈", "部门网站"],
}
_RELATED = [
    "关于做好2023年春季农业生产工作的通知", "关于印发全区安全生产专项整治方案的通知", "区政府召开第十二次常务会议",
    "关于进一步加强城乡环境卫生管理的意见", "关于公布第三批市级非物质文化遗产名录的通知", "我县召开防汛工作部署会",
    "关于开展2024年度政务公开考核的通知", "市政府办公室关于调整部分议事协调机构的通知",
]


def _meta_block(rng: random.Random, style: str) -> str:
    """A 索引号 block of the page's own (not the document's) fields, as a table, a <dl> or a <ul>."""
    pairs = [
        ("索引号", f"{rng.randrange(10**8, 10**9)}/{rng.randrange(2015, 2025)}-{rng.randrange(10000, 99999)}"),
        ("主题分类", rng.choice(["综合政务", "城乡建设", "卫生健康", "劳动就业"])),
        ("发布日期", f"{rng.randrange(2015, 2025)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"),
        ("有效性", rng.choice(["有效", "现行有效"])),
    ]
    if style == "table":
        rows = "".join(f"<tr><th>{k}：</th><td>{escape(v)}</td></tr>" for k, v in pairs)
        return f'<table class="xxgk-table">{rows}</table>'
    if style == "dl":
        return '<dl class="info">' + "".join(f"<dt>{k}</dt><dd>{escape(v)}</dd>" for k, v in pairs) + "</dl>"
    return '<ul class="meta">' + "".join(f"<li><span>{k}：</span>{escape(v)}</li>" for k, v in pairs) + "</ul>"


def _body(lines: list[str], tag: str) -> str:
    out = []
    for i, ln in enumerate(lines):
        if not ln.strip():
            continue
        style = ' style="text-align:center"' if i < 12 and ln.strip().startswith("关于") else ""
        out.append(f"<{tag}{style}>{escape(ln.strip())}</{tag}>")
    return "\n".join(out)


def page(lines: list[str], half: str, k: int, rng: random.Random) -> str:
    """One saved page: template `k` of `half` around the document's lines."""
    menu_words = rng.sample(_MENUS[half], rng.randrange(5, 9))
    related = rng.sample(_RELATED, rng.randrange(3, 7))
    title = next((ln.strip() for ln in lines if ln.strip().startswith("关于") or ln.strip().endswith("通知")), lines[0].strip())
    views = rng.randrange(50, 99999)
    if half == "dev" and k == 4:  # a table-laid page: <div> lines in a cell beside a sidebar cell
        side = "".join(f'<p><a href="/s{i}.html">{escape(t)}</a></p>' for i, t in enumerate(related))
        return f"""<html><head><title>{escape(title)}</title></head><body><table width="960">
<tr><td colspan="2">某区政府信息公开网 <a href="/">返回首页</a> <a href="/en/">English</a></td></tr>
<tr><td colspan="2">位置：{" - ".join(menu_words[:3])}</td></tr>
<tr><td width="660">{_meta_block(rng, "dl")}
<div class="nr">
{_body(lines, "div")}
</div>
<div>阅读次数：{views} <a href="#">打印</a> <a href="#">关闭</a></div></td>
<td width="300"><div class="hot"><b>最新文件</b>{side}</div></td></tr>
<tr><td colspan="2">某区人民政府办公室主办 版权所有 ICP备{rng.randrange(10**7, 10**8)}号</td></tr></table></body></html>"""
    if half == "dev" and k == 3:  # an old table-laid site: the document as <br> lines in a cell
        links = "".join(f'<tr><td><a href="/x{i}.html">{escape(t)}</a></td></tr>' for i, t in enumerate(related))
        nav = "".join(f'<td><a href="/m{i}/">{w}</a></td>' for i, w in enumerate(menu_words))
        lines_br = "<br>\n".join(escape(ln.strip()) for ln in lines if ln.strip())
        return f"""<html><head><meta charset="gbk"><title>{escape(title)}</title></head><body>
<table><tr>{nav}</tr></table>
<table><tr><td>首页 &gt;&gt; {menu_words[1]} &gt;&gt; 正文</td></tr></table>
<table><tr><td valign="top">{_meta_block(rng, "table")}
<table><tr><td class="content">{lines_br}</td></tr></table>
<p>发布时间：{rng.randrange(2015, 2025)}-0{rng.randrange(1, 10)}-1{rng.randrange(0, 10)}　点击：{views}次</p>
<p>上一条：<a href="/p.html">{escape(related[0])}</a></p><p>下一条：<a href="/n.html">{escape(related[1])}</a></p></td>
<td valign="top"><b>相关链接</b><table>{links}</table></td></tr></table>
<table><tr><td align="center">Copyright © 某区人民政府 版权所有 联系我们 ICP备{rng.randrange(10**7, 10**8)}号</td></tr></table>
</body></html>"""
    if half == "dev":
        nav = "".join(f'<li><a href="/c{i}/">{w}</a></li>' for i, w in enumerate(menu_words))
        crumb_sep = rng.choice([" &gt; ", " » ", " / "])
        crumb = crumb_sep.join(f'<a href="/{i}/">{w}</a>' for i, w in enumerate(menu_words[:3]))
        tools = rng.choice([f"<span>浏览次数：{views}</span>", f"<span>阅读：{views}次</span>"])
        side = "".join(f'<li><a href="/a{i}.html">{escape(t)}</a></li>' for i, t in enumerate(related))
        container = ["detail-main", "zw_content", "article-body"][k]
        meta = _meta_block(rng, ["table", "dl", "ul"][k])
        # the document's lines as <p>, as <div> lines, or as text with <br> in a <span>
        body = [_body(lines, "p"), _body(lines, "div"),
                "<span>" + "<br>\n".join(escape(ln.strip()) for ln in lines if ln.strip()) + "</span>"][k]
        return f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(title)}-某县人民政府</title></head>
<body><div class="top"><div class="logo">某县人民政府门户网站</div><ul class="menu">{nav}</ul>
<div class="sch"><input type="text" value="请输入关键词"><button>搜索</button></div></div>
<div class="crumb">当前位置：{crumb}</div>
<div class="main"><div class="left"><div class="box">{meta}</div>
<div class="{container}">
{body}
</div>
<div class="tool">{tools}<a href="javascript:print()">【打印本页】</a><a href="javascript:close()">【关闭窗口】</a></div>
<div class="share">分享到：<a>微信</a><a>微博</a><a>QQ空间</a></div></div>
<div class="right"><h3>相关文章</h3><ul>{side}</ul></div></div>
<div class="foot"><p><a href="/lx/">联系我们</a> | <a href="/map/">网站地图</a> | <a href="/sm/">隐私声明</a></p>
<p>主办：某县人民政府办公室 版权所有 　网站标识码：{rng.randrange(10**9, 10**10)}</p>
<p>ICP备案号：某ICP备{rng.randrange(10**7, 10**8)}号-1 　公安机关备案号：{rng.randrange(10**13, 10**14)}</p></div>
</body></html>"""
    # eval templates: table-laid old sites, a document in <div> lines or <br> lines, other words
    nav = " | ".join(f'<a href="/n{i}.htm">{w}</a>' for i, w in enumerate(menu_words))
    crumb = "您现在的位置：" + " → ".join(menu_words[:rng.randrange(2, 4)]) + " → 正文"
    side = "<br>".join(f'· <a href="/r{i}.htm">{escape(t)}</a>' for i, t in enumerate(related))
    meta = _meta_block(rng, ["ul", "table", "dl"][k])
    body = _body(lines, "div") if k != 2 else "<br>\n".join(escape(ln.strip()) for ln in lines if ln.strip())
    return f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><title>{escape(title)}</title></head>
<body><table width="1000" align="center"><tr><td colspan="2">{escape(rng.choice(["欢迎访问某市政府网站", "某市人民政府网"]))}
<a href="#">设为首页</a> <a href="#">加入收藏</a> <a href="#">繁體</a></td></tr>
<tr><td colspan="2">{nav}</td></tr>
<tr><td colspan="2">{crumb}</td></tr>
<tr><td width="700" valign="top">{meta}
<div id="textarea{k}">
{body}
</div>
<p>【字体：大 中 小】 点击数：{views} 【收藏】 【返回列表】</p>
<p>上一篇：{escape(related[0])}</p><p>下一篇：{escape(related[1])}</p></td>
<td width="300" valign="top"><b>热点信息</b><br>{side}</td></tr>
<tr><td colspan="2" align="center">版权所有：某市人民政府 技术支持：某某网络科技有限公司<br>
备案序号：某ICP备{rng.randrange(10**7, 10**8)}号 联系电话：0{rng.randrange(100, 999)}-{rng.randrange(10**7, 10**8)}<br>
建议使用1024×768分辨率浏览</td></tr></table></body></html>"""


def print_pdf(html: Path, pdf: Path, furniture: bool) -> bool:
    """`html` printed to `pdf` by Chromium headless, with or without the browser's header and footer lines."""
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        return False
    args = [exe, "--headless", "--no-sandbox", "--disable-gpu", f"--print-to-pdf={pdf}"]
    if not furniture:
        args.append("--no-pdf-header-footer")
    try:
        subprocess.run([*args, html.as_uri()], capture_output=True, timeout=CHROMIUM_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        return False
    return pdf.is_file() and pdf.stat().st_size > 0


def generate(workdir: Path, halves: tuple[str, ...], pdf: bool) -> list[tuple[Path, dict, str, str, str]]:
    """(file, truth, half, template, format) for every generated page."""
    truth = json.loads((REALDOCS / "fields.json").read_text("utf-8"))
    out = []
    for name, want in sorted(truth.items()):
        half = name.split("/", 1)[0]
        if half not in halves or not (REALDOCS / name).is_file():
            continue
        lines = (REALDOCS / name).read_text("utf-8").splitlines()
        stem = Path(name).stem
        for k in range(5 if half == "dev" else 3):
            rng = random.Random(f"{SEED}:{name}:{k}")
            html = page(lines, half, k, rng)
            folder = workdir / half
            folder.mkdir(parents=True, exist_ok=True)
            hp = folder / f"{stem}.t{k}.html"
            old = hp.read_text("utf-8") if hp.is_file() else None
            if old != html:
                hp.write_text(html, "utf-8")
            out.append((hp, want, half, f"{half}-t{k}", "html"))
            if pdf and k == int(hashlib.sha256(f"{SEED}:{name}".encode()).hexdigest(), 16) % 3:
                for furniture in (False, True):
                    pp = folder / f"{stem}.t{k}.{'hf' if furniture else 'plain'}.pdf"
                    if (old != html or not pp.is_file()) and not print_pdf(hp, pp, furniture):
                        print(f"无法打印成 PDF：{hp}", file=sys.stderr)
                        continue
                    out.append((pp, want, half, f"{half}-t{k}", "pdf+header" if furniture else "pdf"))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--half", action="append", choices=("dev", "eval"))
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/bulletins-bench-pages"))
    ap.add_argument("--no-pdf", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true", help="print each wrong field")
    args = ap.parse_args(argv)
    halves = tuple(args.half or ("dev", "eval"))
    sums: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for path, want, half, template, fmt in generate(args.workdir, halves, not args.no_pdf):
        for field, ok, got, exp in score_file(path, want, REAL_FIELDS):
            for key in ((half, fmt), (half, template), (half, "all"), (half, field)):
                sums[key][0] += int(ok)
                sums[key][1] += 1
            if args.verbose and not ok:
                print(f"  {half}/{path.name} {field}: {got!r} ≠ {exp!r}")
    for half in halves:
        r, n = sums[(half, "all")]
        print(f"== {half}: {r}/{n} fields right = {r / max(n, 1):.1%}")
        print("   " + ", ".join(f"{k} {a}/{b}" for (h, k), (a, b) in sorted(sums.items()) if h == half and k != "all"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
