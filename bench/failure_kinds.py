"""Issue 19's failure kinds (1–11) on generated documents the layout model was not fitted on
(`python -m bench.failure_kinds`).

The 公文 come from tests/docgen.gongwen_sample with seeds from `SEEDS` on (the fit,
bench/fit_layout.py, uses seeds below 300,000), as text and as .docx; the 简报 from
`jianbao_sample` here, a seeded 简报 in shapes the parser's tests do not use (new series,
offices, titles, header spellings). Each document is read through `archive.parse.parse_file`
as a user's file would be; a kind's share is the documents whose fields of that kind are right.

    .venv/bin/python -m bench.failure_kinds [--n 40] [--docx 10] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

SEEDS = 900_000  # never fitted on

_SERIES = ("城乡建设工作简报", "平安建设简报", "文明创建动态", "教育督导通报", "河长制工作简报", "营商环境快报")
_OFFICES = ("某某县住房和城乡建设局", "某某区委政法委", "某某市文明办", "某某县教育局", "某某镇河长办", "某某区发展和改革局")
_STARTS = ("某某镇", "县住建局", "某某街道", "区市场监管局", "某某村", "县人社局", "某某社区", "区税务局")
_DOING = ("扎实推进老旧小区改造", "开展安全生产专项整治", "创新基层治理模式", "推动乡村产业振兴", "优化政务服务流程",
          "加强河湖长效管护", "深化文明实践活动", "助力企业纾困解难")
_RESULTS = ("取得阶段性成效", "群众满意度明显提升", "形成可复制经验", "受到上级充分肯定")
_TEXT = ("今年以来，该单位坚持问题导向，细化工作措施，压实工作责任，各项工作取得积极进展。",
         "截至目前，已累计投入资金1200余万元，惠及群众5000余户，相关做法得到广泛认可。",
         "下一步，将继续完善长效机制，加强督促检查，确保各项任务落地见效。")


def jianbao_sample(seed: int) -> dict[str, Any]:
    """A seeded 简报: its text (header, articles, 报尾) and its truth."""
    rng = random.Random(seed)
    series, office = rng.choice(_SERIES), rng.choice(_OFFICES)
    year, issue, month, day = rng.randint(2015, 2025), rng.randint(1, 40), rng.randint(1, 12), rng.randint(1, 28)
    shape = rng.choice(["two_line", "ordinal", "question", "no_header", "glued", "rule"])
    issue_line = f"{year}年 No.{issue}" if shape == "no_header" else rng.choice([f"第{issue}期", f"{year}年第{issue}期"])
    lines = [series, issue_line, f"{office}编印  {year}年{month}月{day}日"]
    if shape == "rule":
        lines.append("━━━━━━━━━━━━━━━━━━━━━━")
    titles: list[str] = []
    for k in range(rng.randint(2, 3)):
        head = f"{rng.choice(_STARTS)}{rng.choice(_DOING)}"
        if shape == "ordinal":
            head = f"{'一二三'[k]}、{head}"
        if shape == "question" and k == 1:
            head = f"如何{rng.choice(_DOING)}？"
        if shape == "two_line" and k == 0:
            tail = rng.choice(_RESULTS)
            lines += [head, tail]
            titles.append(head + tail)
        else:
            lines.append(head)
            titles.append(head)
        lines += rng.sample(_TEXT, 2)
    recipients = [f"报：{rng.choice(['县委、县政府主要领导', '区委办、区政府办', '市文明委各成员单位'])}", f"送：{rng.choice(['县直有关部门', '各街道党工委'])}"]
    copies = rng.choice([80, 120, 200, 300])
    if shape == "glued":
        lines[-1] += recipients[0]
        lines.append(f"{recipients[1]}  共印{copies}份")
    else:
        lines += [recipients[0], f"{recipients[1]}  共印{copies}份"]
    return {"text": "\n".join(lines) + "\n", "shape": shape, "series": series, "issue": issue, "issuer": office,
            "date": f"{year}-{month:02d}-{day:02d}", "titles": titles, "recipients": recipients, "copies": copies}


def _gongwen_truth(sample: list[tuple[str, str]]) -> dict[str, Any]:
    from archive.dates import find_date
    from archive.features import serial_in
    from archive.gongwen import normalise_serial
    from archive.layouts.gongwen import _title_and_serial

    by = defaultdict(list)
    for text, label in sample:
        by[label].append(text)
    title, serial = _title_and_serial("".join(by["title"]), None)
    for line in by["serial"]:
        if (m := serial_in(line)) is not None:
            serial = normalise_serial(m.group())
            break
    date_line = by["date"][0] if by["date"] else ""
    sig = [p for line in by["signature"] for p in re.split(r"\s{2,}", line)] + re.split(r"\s{2,}", date_line)[:-1]
    return {
        "title": title, "serial": serial, "date": str(find_date(re.split(r"\s{2,}", date_line)[-1])) if date_line else None,
        "issuer": "、".join(sig) or None, "addressee": by["addressee"][0] if by["addressee"] else None,
        "page": bool(by["chrome"] or by["meta"]), "masthead": bool(by["masthead"]), "signed": bool(sig),
        "joint": len(sig) > 1, "cn_date": bool(re.match(r"^[〇○零O0一二三四五六七八九]{4}年", date_line.split()[-1] if date_line else "")),
        "attachment": [t for t in by["attachment"] if len(t) > 20], "layout_serial_inside": any(serial_in(t) for t in by["title"]),
        "regulation": bool(by["adoption"]),
    }


def _squash(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "").rstrip("：:")


def gongwen_kinds(seed: int, fmt: str, tmp: Path) -> dict[str, bool]:
    """Which failure kinds a generated 公文 tests, and whether each is right."""
    from archive.parse import parse_file
    from tests import docgen

    sample = docgen.gongwen_sample(seed)
    want = _gongwen_truth(sample)
    if fmt == "docx":
        path = docgen.write_gongwen_docx(sample, tmp / f"k{seed}.docx")
    else:
        path = tmp / f"k{seed}.txt"
        path.write_text("\n".join(t for t, _ in sample) + "\n", "utf-8")
    b = parse_file(path)
    title_ok = b.kind == "公文" and _squash(b.articles[0].title) == _squash(want["title"])
    out: dict[str, bool] = {}
    if want["page"]:
        out["1 chrome/metadata page"] = title_ok
    if not want["masthead"] and want["serial"] and not want["regulation"]:
        out["2 no 发文机关标志"] = b.kind == "公文" and b.serial == want["serial"]
    if want["layout_serial_inside"]:
        out["3 发文字号 inside a line"] = b.serial == want["serial"] and title_ok
    if want["joint"]:
        out["4 joint issuers"] = b.issuer == want["issuer"]
    if want["cn_date"]:
        out["4 Chinese-numeral date"] = str(b.date) == want["date"]
    if want["addressee"]:
        out["5 主送"] = _squash(b.addressee) == _squash(want["addressee"])
    if want["signed"] and not want["joint"]:
        out["6 issuer from the 署名"] = b.issuer == want["issuer"]
    if want["date"] and not want["signed"]:
        out["7 date with no 署名"] = str(b.date) == want["date"]
    if want["attachment"]:
        text = _squash(b.articles[0].text)
        out["9 text after the date kept"] = all(_squash(t) in text for t in want["attachment"])
    return out


def jianbao_kinds(seed: int, fmt: str, tmp: Path) -> dict[str, bool]:
    """Which 简报 failure kinds a generated issue tests, and whether each is right."""
    from archive.parse import parse_file
    from tests import docgen

    want = jianbao_sample(seed)
    path = tmp / f"j{seed}.txt"
    path.write_text(want["text"], "utf-8")
    if fmt == "docx":
        path = docgen.write_docx(want["text"], tmp / f"j{seed}.docx")
    b = parse_file(path)
    titles = [a.title for a in b.articles] == want["titles"]
    shape = want["shape"]
    header = (b.series, b.issue, b.issuer, str(b.date)) == (want["series"], want["issue"], want["issuer"], want["date"])
    out = {"简报 header": header}
    if shape == "two_line":
        out["8 title over two lines"] = titles
    if shape in ("ordinal", "question"):
        out[f"10 titles {'一、' if shape == 'ordinal' else '？'}"] = titles
    if shape == "no_header":
        out["10 header 2024年 No.12"] = b.issue == want["issue"]
    if shape == "glued":
        out["11 glued 报尾"] = list(b.recipients) == want["recipients"] and b.copies == want["copies"] and titles
    if shape == "rule":
        out["11 typed rule"] = titles
    return out


def run(n: int, n_docx: int) -> dict[str, dict[str, list[int]]]:
    table: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    with tempfile.TemporaryDirectory(prefix="failure-kinds-") as tmp:
        for fmt, count in (("text", n), ("docx", n_docx)):
            for k in range(count):
                for kinds in (gongwen_kinds(SEEDS + k, fmt, Path(tmp)), jianbao_kinds(SEEDS + k, fmt, Path(tmp))):
                    for kind, ok in kinds.items():
                        table[kind][fmt][0] += ok
                        table[kind][fmt][1] += 1
    return {k: dict(v) for k, v in sorted(table.items())}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=40, help="documents of each layout as text")
    ap.add_argument("--docx", type=int, default=10, help="… and as .docx")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    table = run(args.n, args.docx)
    for kind, per in table.items():
        cells = "  ".join(f"{fmt} {r}/{t}" for fmt, (r, t) in per.items())
        print(f"{kind:28s} {cells}")
    if args.json:
        args.json.write_text(json.dumps(table, ensure_ascii=False, indent=1) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
