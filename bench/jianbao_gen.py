"""Generated 简报 in layout families, split dev/eval by family (`python -m bench.jianbao_gen`).

Each *family* is one office's way of laying out an issue: how its 报头 spells the
期号/总期号/编发单位/日期, whether a 目录 or 按语 comes first, how its articles are
headed (a place heading, a bare title, a title over two lines, one ending in ？,
`一、…`), whether paragraphs are set apart by blank lines, what its typed rules
look like (━━━, ———, ＊＊＊), and how its 报尾 lists 报/送/发 and 共印. A seed
draws the words and numbers of one issue within its family. The families are
split in two: `DEV` was looked at while changing the parser, `EVAL` is scored
only when a change is done (a new layout the parser was not shown, not a new
seed of a layout it was). `SEALED` (three families more) was written after the
first change had been scored on `EVAL` and its failures read there, so that one
half stays unseen: it is scored once, at the end.

Each issue is rendered as text, as Markdown (a Word issue saved as Markdown:
the series a `#` heading, titles in bold, every paragraph a block), as .docx (python-docx: series red and large,
headings bold, body justified, the 报尾 small) and as PDF (one page, every
line placed by its own text operator, body paragraphs hard-wrapped at the
page's width, as a PDF's text comes out), and read through
`archive.parse.parse_file` as a user's file would be. Fields scored: the
header's series / 期号 / 总期号 / 编发单位 / 日期, the article count, the article
titles in order, the 报尾's recipients and copies.

    .venv/bin/python -m bench.jianbao_gen [--half dev|eval|sealed|both] [--n 6] [--formats text,markdown,docx,pdf] [--json OUT] [-v]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SEED_BASE = 710_000  # seeds of one family: SEED_BASE + 1000 * family index + k
FIELDS = ("series", "issue", "issue_total", "issuer", "date", "articles", "titles", "recipients", "copies")
PDF_WRAP = 36  # characters per line of a PDF page's body text
_CN_DIGITS = "〇一二三四五六七八九"

_SERIES = ("城乡建设工作简报", "平安建设简报", "文明创建动态", "教育督导通报", "河长制工作简报", "营商环境快报",
           "乡村振兴工作简报", "生态环境信息", "政务公开工作动态", "安全生产简报", "统计工作简讯", "人才工作专报")
_OFFICES = ("某某县住房和城乡建设局", "某某区委政法委", "某某市文明办", "某某县教育局", "某某镇河长办", "某某区发展和改革局",
            "某某县乡村振兴局", "某某市生态环境局办公室", "某某区政务公开领导小组办公室", "某某县安全生产委员会办公室")
_PLACES = ("某某镇", "县住建局", "某某街道", "区市场监管局", "某某村", "县人社局", "某某社区", "区税务局", "某某乡", "市交通局")
_DOING = ("扎实推进老旧小区改造", "开展安全生产专项整治", "创新基层治理模式", "推动乡村产业振兴", "优化政务服务流程",
          "加强河湖长效管护", "深化文明实践活动", "助力企业纾困解难", "抓实校园安全管理", "推进垃圾分类工作",
          "强化重点项目调度", "做好防汛备汛工作")
_RESULTS = ("取得阶段性成效", "群众满意度明显提升", "形成可复制经验", "受到上级充分肯定", "各项指标稳中有进")
_ASK = ("如何让群众少跑腿", "基层减负减在哪里", "项目为何跑出加速度", "老旧小区怎么改", "矛盾纠纷如何就地化解")
_SECTIONS = ("工作动态", "基层经验", "典型做法", "信息快递", "督查通报")
_TEXT = ("今年以来，该单位坚持问题导向，细化工作措施，压实工作责任，各项工作取得积极进展，为全年目标任务完成打下坚实基础。",
         "截至目前，已累计投入资金1200余万元，惠及群众5000余户，相关做法得到广泛认可，多家媒体进行了报道。",
         "下一步，将继续完善长效机制，加强督促检查，及时总结推广经验，确保各项任务落地见效。",
         "一是加强组织领导，成立工作专班，明确责任分工；二是强化宣传引导，营造浓厚氛围；三是严格考核问效，层层传导压力。",
         "活动期间，共组织专题培训6场次，开展实地督导23次，发现并整改问题41个，整改完成率达100%。")
_NOTE = "编者按：现将有关单位的经验做法予以刊发，供各地各部门学习借鉴。"
_UP = ("县委、县政府主要领导", "区委办、区政府办", "市文明委各成员单位", "市委、市政府分管领导", "上级主管部门")
_SIDE = ("县直有关部门", "各街道党工委", "各乡镇人民政府", "区直各单位", "市有关部门")
_DOWN = ("各乡镇、街道", "本局各科室", "各村（社区）", "各成员单位")


@dataclass(frozen=True)
class Family:
    """One layout family: each field a choice the family makes (a tuple: one drawn per issue)."""

    name: str
    issue: tuple[str, ...]  # how the 期号 line is spelt: "n", "cn", "year", "year_total", "total_below", "no", "n_total"
    issuer: tuple[str, ...]  # "mark" (X编印), "bian" (X编), "label" (编印单位：X), "host" (主办：X), "plain"
    date: tuple[str, ...]  # "ymd", "cn", "iso", "dots"
    head: tuple[str, ...]  # "one_line" (issuer  date), "two_lines", "issue_date" (期号  date; issuer below)
    rule: tuple[str, ...]  # "none", "━", "—", "＊"
    toc: bool = False
    note: bool = False  # an 按语 to the whole issue before the first article
    sections: bool = False  # 【栏目】 headings
    titles: tuple[str, ...] = ("plain",)  # per article: "plain", "place", "two_line", "question", "ordinal"
    blank: bool = True  # paragraphs set apart by blank lines (text rendering)
    footer: tuple[str, ...] = ("lines",)  # "lines" (报/送/发 one a line, 共印 below), "one_line", "bracket" (（共印N份）)
    traditional: bool = False
    chaoso: bool = False  # the 报尾 says 抄送 instead of 送
    section_style: tuple[str, ...] = ("【】",)  # how a 栏目 heading is marked: "【】", "★", "■"
    source: bool = False  # each article ends with its source in brackets: （某某镇供稿）
    colophon: bool = False  # 责任编辑：…  签发：… above the 报尾
    long_recipients: bool = False  # a 报 line long enough to wrap onto a second line (the break after a 、)


FAMILIES: tuple[Family, ...] = (
    # --- dev ---
    Family("classic", ("n", "year"), ("mark",), ("ymd",), ("one_line",), ("━", "none"), titles=("place", "plain")),
    Family("toc-sections", ("year_total",), ("bian",), ("ymd", "cn"), ("one_line",), ("━",), toc=True, sections=True, footer=("one_line",)),
    Family("ordinal-compact", ("n", "cn"), ("label",), ("cn",), ("two_lines",), ("—",), titles=("ordinal",), blank=False),
    Family("twoline-question", ("year",), ("mark", "plain"), ("ymd", "iso"), ("one_line", "two_lines"), ("—", "none"), note=True,
           titles=("two_line", "question", "plain")),
    Family("traditional-classic", ("n", "n_total"), ("mark",), ("ymd",), ("one_line",), ("━",), titles=("place", "plain"), traditional=True),
    # --- eval ---
    Family("no-header-host", ("no",), ("host",), ("dots", "ymd"), ("two_lines",), ("＊",), titles=("question", "plain"), footer=("lines", "bracket")),
    Family("traditional-toc-ordinal", ("total_below",), ("bian", "mark"), ("cn",), ("two_lines",), ("━",), toc=True, titles=("ordinal",),
           traditional=True, footer=("lines",)),
    Family("compact-twoline", ("year", "n"), ("plain", "mark"), ("ymd",), ("issue_date",), ("＊", "━"), titles=("two_line", "plain"),
           blank=False, footer=("one_line",)),
    Family("sections-note-chaoso", ("cn", "year_total"), ("label", "host"), ("cn", "ymd"), ("one_line", "two_lines"), ("—",), note=True,
           sections=True, titles=("plain", "question"), chaoso=True, footer=("lines", "bracket")),
    Family("mixed-wide", ("n_total", "year"), ("bian", "plain"), ("iso", "ymd"), ("issue_date", "one_line"), ("━", "＊"), toc=True,
           titles=("place", "two_line", "ordinal"), blank=False, footer=("bracket", "one_line")),
    # --- sealed: written after the first change was scored on eval, scored only at the end ---
    Family("host-note-place", ("year_total",), ("host",), ("cn",), ("two_lines",), ("＊",), note=True, titles=("place", "question"),
           footer=("bracket",), chaoso=True),
    Family("traditional-wide-sections", ("no", "n_total"), ("label", "bian"), ("dots", "iso"), ("issue_date", "one_line"), ("—", "━"),
           toc=True, sections=True, titles=("two_line", "plain"), footer=("one_line", "lines"), traditional=True),
    Family("plain-ordinal-compact", ("cn", "total_below"), ("plain",), ("ymd", "cn"), ("one_line",), ("none", "＊"), note=True,
           titles=("ordinal",), blank=False, footer=("lines", "bracket")),
    # --- dev, added after the sealed families (a family's seeds follow its place in this list) ---
    Family("star-sections-sources", ("year", "n_total"), ("mark", "bian"), ("ymd", "cn"), ("one_line",), ("━", "none"), sections=True,
           section_style=("★", "■"), source=True, titles=("plain", "two_line")),
    Family("colophon-long-recipients", ("year_total", "cn"), ("mark",), ("ymd",), ("two_lines", "one_line"), ("━",), colophon=True,
           long_recipients=True, titles=("plain", "question"), blank=False, footer=("lines",)),
)
DEV = tuple(f.name for f in (*FAMILIES[:5], *FAMILIES[13:]))
EVAL = tuple(f.name for f in FAMILIES[5:10])
SEALED = tuple(f.name for f in FAMILIES[10:13])


@dataclass
class Sample:
    """One generated issue: its lines with their roles, and its truth."""

    family: str
    seed: int
    lines: list[tuple[str, str]] = field(default_factory=list)  # (text, role): series issue issuer date head rule toc note section title body footer
    truth: dict[str, Any] = field(default_factory=dict)

    def text(self, blank: bool) -> str:
        """The issue as a text file: the 报头's lines together; with `blank`, a blank line between every
        other pair of lines (a title's two lines stay together), else none at all."""
        head = ("mark", "series", "issue", "issuer", "date")
        out: list[str] = []
        for k, (line, role) in enumerate(self.lines):
            prev = self.lines[k - 1][1] if k else ""
            if out and blank and not (role in head and prev in head) and not (role == prev == "title"):
                out.append("")
            out.append(line)
        return "\n".join(out) + "\n"


def _cn_num(n: int) -> str:
    if n < 10:
        return "一二三四五六七八九"[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else "一二三四五六七八九"[tens - 1]) + "十" + ("" if ones == 0 else "一二三四五六七八九"[ones - 1])


def _cn_date(d: dt.date) -> str:
    return "".join(_CN_DIGITS[int(c)] for c in str(d.year)) + f"年{_cn_num(d.month)}月{_cn_num(d.day)}日"


def _date_text(d: dt.date, style: str) -> str:
    return {"ymd": f"{d.year}年{d.month}月{d.day}日", "cn": _cn_date(d), "iso": d.isoformat(), "dots": f"{d.year}.{d.month}.{d.day}"}[style]


def _issue_lines(style: str, year: int, n: int, total: int) -> tuple[list[str], int | None]:
    """The 期号 line(s) and the 总期号 they print (None when none)."""
    return {
        "n": ([f"第{n}期"], None),
        "cn": ([f"第{_cn_num(n)}期"], None),
        "year": ([f"{year}年第{n}期"], None),
        "year_total": ([f"{year}年第{n}期（总第{total}期）"], total),
        "total_below": ([f"第{n}期", f"（总第{total}期）"], total),
        "no": ([f"{year}年 No.{n}"], None),
        "n_total": ([f"第{n}期  总第{total}期"], total),
    }[style]


def _issuer_text(style: str, office: str) -> str:
    return {"mark": f"{office}编印", "bian": f"{office}编", "label": f"编印单位：{office}", "host": f"主办：{office}", "plain": office}[style]


def sample(family: Family, seed: int) -> Sample:
    """One issue of `family` drawn with `seed`."""
    rng = random.Random(seed)
    s = Sample(family.name, seed)
    series, office = rng.choice(_SERIES), rng.choice(_OFFICES)
    date = dt.date(rng.randint(2015, 2025), rng.randint(1, 12), rng.randint(1, 28))
    n, total = rng.randint(1, 36), rng.randint(40, 400)
    issue_lines, printed_total = _issue_lines(rng.choice(family.issue), date.year, n, total)
    issuer, date_text = _issuer_text(rng.choice(family.issuer), office), _date_text(date, rng.choice(family.date))
    head = rng.choice(family.head)
    add = s.lines.append
    if rng.random() < 0.3:
        add(("内部资料  注意保存", "mark"))
    add((series, "series"))
    if head == "issue_date":
        add((f"{issue_lines[0]}  {date_text}", "issue"))
        for extra in issue_lines[1:]:
            add((extra, "issue"))
        add((issuer, "issuer"))
    else:
        for line in issue_lines:
            add((line, "issue"))
        if head == "one_line":
            add((f"{issuer}  {date_text}", "issuer"))
        else:
            add((issuer, "issuer"))
            add((date_text, "date"))
    rule = rng.choice(family.rule)
    if rule != "none":
        add((rule * 20, "rule"))
    n_articles = rng.randint(2, 4)
    kinds = [rng.choice(family.titles) for _ in range(n_articles)]
    if "ordinal" in family.titles:
        kinds = ["ordinal"] * n_articles  # numbered articles are numbered throughout
    titles: list[list[str]] = []  # each title's printed lines
    used: set[str] = set()
    for k, kind in enumerate(kinds):
        while True:
            doing = rng.choice(_DOING)
            if doing not in used:
                used.add(doing)
                break
        place = rng.choice(_PLACES)
        if kind == "place":
            titles.append([f"{place}：{doing}"])
        elif kind == "two_line":
            titles.append([f"{place}{doing}", rng.choice(_RESULTS)])
        elif kind == "question":
            titles.append([f"{rng.choice(_ASK)}？"])
        elif kind == "ordinal":
            titles.append([f"{'一二三四'[k]}、{place}{doing}"])
        else:
            titles.append([f"{place}{doing}"])
    if family.toc:
        add(("本期目录", "toc"))
        for t in titles:
            add(("".join(t), "toc"))
    if family.note:
        add((_NOTE, "note"))
    sections = rng.sample(_SECTIONS, 2) if family.sections else []
    mark = rng.choice(family.section_style)
    for k, t in enumerate(titles):
        if sections and k in (0, len(titles) // 2 + (len(titles) > 2)):
            name = sections[0 if k == 0 else 1]
            add((f"【{name}】" if mark == "【】" else f"{mark}{name}", "section"))
        for part in t:
            add((part, "title"))
        for para in rng.sample(_TEXT, rng.randint(1, 3)):
            add((para, "body"))
        if family.source:
            add((f"（{rng.choice(_PLACES)}供稿）", "body"))
    # the 报尾
    up, side, down = rng.choice(_UP), rng.choice(_SIDE), rng.choice(_DOWN)
    send = "抄送" if family.chaoso else "送"
    wrapped: tuple[str, str] | None = None
    if family.long_recipients:  # 报：A、B、C、 / D、E: one entry printed over two lines
        more = rng.sample([u for u in _UP if u != up], 2)
        wrapped = (f"{up}、{more[0]}、", f"{more[1]}")
        up = wrapped[0] + wrapped[1]
    recipients = [f"报：{up}", f"{send}：{side}"] + ([f"发：{down}"] if rng.random() < 0.6 else [])
    copies = rng.choice([50, 80, 120, 200, 300])
    if family.colophon:
        add((f"责任编辑：{rng.choice(['张伟', '李娜', '王芳'])}  签发：{rng.choice(['刘洋', '陈静'])}", "footer"))
    if rule != "none":
        add((rule * 20, "rule"))
    style = rng.choice(family.footer)
    if style == "one_line":
        add(("  ".join(recipients) + f"  共印{copies}份", "footer"))
    else:
        for r in recipients:
            if wrapped is not None and r.startswith("报："):
                add((f"报：{wrapped[0]}", "footer"))
                add((wrapped[1], "footer"))
                continue
            add((r, "footer"))
        add((f"（共印{copies}份）" if style == "bracket" else f"共印{copies}份", "footer"))
    s.truth = {
        "series": series, "issue": n, "issue_total": printed_total, "issuer": office, "date": date.isoformat(),
        "articles": len(titles), "titles": ["".join(t) for t in titles], "recipients": recipients, "copies": copies,
    }
    if family.traditional:
        s.lines = [(_to_traditional(t), r) for t, r in s.lines]
        s.truth["series"] = _to_traditional(series)
        s.truth["issuer"] = _to_traditional(office)
        s.truth["titles"] = [_to_traditional(t) for t in s.truth["titles"]]
        s.truth["recipients"] = [_to_traditional(r) for r in recipients]
    return s


_S2T: Callable[[str], str] | None = None


def _to_traditional(text: str) -> str:
    global _S2T
    if _S2T is None:
        import opencc

        _S2T = opencc.OpenCC("s2t").convert
    return _S2T(text)


# -- rendering -----------------------------------------------------------------

def write_docx(s: Sample, path: Path) -> Path:
    """The issue as an office lays it out in Word: each line a paragraph, with the sizes, weights,
    colours and alignment of its role; a typed rule stays a paragraph of rule characters."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    d = docx.Document()
    d.styles["Normal"].font.size = Pt(12)
    for line, role in s.lines:
        if role == "issuer" and "  " in line:  # the issuer left, the date right: a 1×2 table, as offices set it
            cells = d.add_table(rows=1, cols=2).rows[0].cells
            for cell, part in zip(cells, line.split("  ", 1)):
                cell.paragraphs[0].add_run(part.strip())
            cells[1].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            continue
        p = d.add_paragraph()
        run = p.add_run(line)
        if role == "series":
            run.bold, run.font.size, run.font.color.rgb = True, Pt(26), RGBColor(0xFF, 0, 0)
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif role in ("issue", "mark"):
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif role == "rule":
            run.font.color.rgb = RGBColor(0xFF, 0, 0)
        elif role == "title":
            run.bold, run.font.size = True, Pt(16)
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif role in ("section", "toc") and line in ("本期目录", "本期目錄") or role == "section":
            run.bold = True
        elif role == "footer":
            run.font.size = Pt(10.5)
        elif role in ("body", "note"):
            p.paragraph_format.first_line_indent = Pt(24)
            p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    d.save(str(path))
    return path


def write_pdf(s: Sample, path: Path) -> Path:
    """The issue as a one-page PDF: each printed line placed on its own (body paragraphs wrapped at
    `PDF_WRAP` characters), the series large, titles larger than the body, the 报尾 small."""
    from tests.docgen import write_wps_pdf

    placed: list[tuple[str, float, float]] = []
    for line, role in s.lines:
        size = {"series": 20.0, "title": 13.0, "footer": 9.0}.get(role, 10.0)
        if role in ("body", "note"):
            text = "\u3000\u3000" + line
            for a in range(0, len(text), PDF_WRAP):
                placed.append((text[a : a + PDF_WRAP], size, 60.0))
        else:
            x = 60.0 if role in ("footer", "body", "rule", "toc", "section") else max(60.0, 297.0 - len(line) * size / 2)
            placed.append((line, size, x))
    scale = min(1.0, 700.0 / sum(sz * 1.75 for _t, sz, _x in placed))  # one page: shrink a long issue
    return write_wps_pdf([(t, sz * scale, x) for t, sz, x in placed], path, font_scale=1)


def markdown_text(s: Sample) -> str:
    """The issue as a Word 简报 saved as Markdown (pandoc, Typora): the series a `#` heading, every
    paragraph a block of its own, titles and 栏目 in bold, a rule a thematic break."""
    blocks = []
    for line, role in s.lines:
        if role == "series":
            blocks.append(f"# {line}")
        elif role == "rule":
            blocks.append("---")
        elif role in ("title", "section"):
            blocks.append(f"**{line}**")
        else:
            blocks.append(line)
    return "\n\n".join(blocks) + "\n"


def render(s: Sample, fmt: str, tmp: Path) -> Path:
    """The issue written in `fmt` ("text", "markdown", "docx", "pdf") under `tmp`."""
    family = next(f for f in FAMILIES if f.name == s.family)
    stem = tmp / f"{s.family}-{s.seed}"
    if fmt == "text":
        path = stem.with_suffix(".txt")
        path.write_text(s.text(family.blank), "utf-8")
        return path
    if fmt == "markdown":
        path = stem.with_suffix(".md")
        path.write_text(markdown_text(s), "utf-8")
        return path
    if fmt == "docx":
        return write_docx(s, stem.with_suffix(".docx"))
    return write_pdf(s, stem.with_suffix(".pdf"))


# -- scoring -------------------------------------------------------------------

def _squash(value: Any) -> Any:
    return re.sub(r"\s+", "", value).replace(":", "：") if isinstance(value, str) else value


_NOTE_TITLES = ("编者按", "編者按", "按语", "按語")


def got(path: Path) -> dict[str, Any]:
    """The parser's fields for one generated file."""
    from archive.parse import parse_file

    b = parse_file(path)
    arts = [a for k, a in enumerate(b.articles) if not (k == 0 and a.title in _NOTE_TITLES)]  # the issue's 按语: not an article
    return {
        "series": b.series, "issue": b.issue, "issue_total": b.issue_total, "issuer": b.issuer,
        "date": b.date.isoformat() if b.date else None, "articles": len(arts), "titles": [f"{a.place}：{a.title}" if a.place else a.title for a in arts],
        "recipients": list(b.recipients), "copies": b.copies, "kind": b.kind, "warnings": list(b.warnings),
    }


def score(truth: dict[str, Any], mine: dict[str, Any]) -> dict[str, bool]:
    """Field by field: right or not (strings compared without white space)."""
    out = {}
    for f in FIELDS:
        a, b = truth[f], mine.get(f)
        if isinstance(a, list):
            out[f] = [_squash(x) for x in a] == [_squash(x) for x in (b or [])]
        else:
            out[f] = _squash(a) == _squash(b)
    return out


def run(half: str, n: int, formats: tuple[str, ...], verbose: bool = False) -> dict[str, Any]:
    """Fields right per family, per format and per field, for the families of `half`."""
    names = {"dev": DEV, "eval": EVAL, "sealed": SEALED, "both": DEV + EVAL + SEALED}[half]
    table: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    with tempfile.TemporaryDirectory(prefix="jianbao-gen-") as tmp:
        for fi, family in enumerate(FAMILIES):
            if family.name not in names:
                continue
            for k in range(n):
                s = sample(family, SEED_BASE + 1000 * fi + k)
                for fmt in formats:
                    mine = got(render(s, fmt, Path(tmp)))
                    for f, ok in score(s.truth, mine).items():
                        for key in (f"family {family.name}", f"format {fmt}", f"field {f}", f"half {half}"):
                            table[key]["all"][0] += ok
                            table[key]["all"][1] += 1
                        if verbose and not ok:
                            print(f"  {family.name} {s.seed} {fmt} {f}: want {s.truth[f]!r} got {mine.get(f)!r}")
    return {k: {"right": v["all"][0], "of": v["all"][1]} for k, v in sorted(table.items())}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--half", choices=("dev", "eval", "sealed", "both"), default="dev")
    ap.add_argument("--n", type=int, default=6, help="issues per family")
    ap.add_argument("--formats", default="text,markdown,docx,pdf")
    ap.add_argument("--json", type=Path)
    ap.add_argument("-v", "--verbose", action="store_true", help="print every field that is wrong")
    args = ap.parse_args(argv)
    table = run(args.half, args.n, tuple(args.formats.split(",")), args.verbose)
    for key, cell in table.items():
        print(f"{key:40s} {cell['right']:4d}/{cell['of']:<4d} {100 * cell['right'] / max(1, cell['of']):5.1f}%")
    if args.json:
        args.json.write_text(json.dumps(table, ensure_ascii=False, indent=1) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
