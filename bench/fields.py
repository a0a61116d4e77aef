"""Fields right on real documents, per field kind and per format (`python -m bench.fields`).

Two corpora of real public documents, each with the fields a careful person
reads off the page written down beside them:

- `tests/public/` (`fields.json`): the documents the parser was developed on;
- `tests/realdocs/` (`fields.json`): local 公文 and 简报 from sites and offices
  the parser had not seen, split by source site into `dev/` (looked at while
  changing the parser) and `eval/` (scored only when a change is done).

Each file goes through `archive.parse.parse_file`, as a user's file would.
Strings compare with whitespace removed and ASCII `,:()` folded to full width
(a web copy's punctuation is not the document's); a 发文字号's year brackets
compare as 〔〕 (the parser writes 京政发[2016]43号 as 京政发〔2016〕43号). Prints one table per group:
fields right / fields, per field kind and per format; `--json` writes them.

    .venv/bin/python -m bench.fields [--group dev|eval|public ...] [--json OUT] [-v]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
PUBLIC = REPO / "tests" / "public"
REALDOCS = REPO / "tests" / "realdocs"
_FOLD = str.maketrans({",": "，", ":": "：", "(": "（", ")": "）", ";": "；"})
PUBLIC_FIELDS = ("kind", "series", "issue", "issue_total", "date", "issuer", "serial", "doc_type")
REAL_FIELDS = ("kind", "title", "serial", "issuer", "date", "doc_type", "addressee", "articles")


def norm(value: Any) -> Any:
    """A field's value as compared: strings without whitespace, ASCII punctuation folded, no final ：."""
    if isinstance(value, str):
        return re.sub(r"\s+", "", value).translate(_FOLD).rstrip("：")
    return value


def _bracket(value: Any) -> Any:
    """A 发文字号's year brackets as the parser writes them: [2006] (2006) 【2006】 → 〔2006〕."""
    return re.sub(r"[\[［(（【﹝]\s*((?:19|20)\d{2})\s*[\]］)）】﹞]", r"〔\1〕", value) if isinstance(value, str) else value


def got_fields(path: Path) -> dict[str, Any]:
    """The parser's fields for one file (an `error` field when it fails)."""
    from archive.errors import BulletinError
    from archive.parse import parse_file

    try:
        b = parse_file(path)
    except BulletinError as exc:
        return {"error": str(exc)}
    d = b.to_dict()
    titles = [a.title for a in b.articles]
    return {f: d.get(f) for f in PUBLIC_FIELDS} | {
        "title": titles[0] if titles else None,
        "titles": titles,
        "addressee": b.addressee,
        "articles": len(titles),
    }


def fmt_of(path: Path) -> str:
    return {".txt": "text", ".md": "markdown", ".htm": "html"}.get(path.suffix.lower(), path.suffix.lower().lstrip("."))


def score_file(path: Path, want: dict[str, Any], fields: tuple[str, ...]) -> list[tuple[str, bool, Any, Any]]:
    """(field, right, got, want) for each field of one file; `articles` in the public truth is a title list."""
    got = got_fields(path)
    rows = []
    for f in fields:
        if f not in want:
            continue
        g = got.get(f)
        fold = (lambda v: _bracket(norm(v))) if f == "serial" else norm
        rows.append((f, fold(g) == fold(want[f]), g, want[f]))
    if isinstance(want.get("articles"), list):  # tests/public: one field per article title, and the count
        titles = got.get("titles") or []
        for i, t in enumerate(want["articles"]):
            g = titles[i] if i < len(titles) else None
            rows.append(("article title", norm(g) == norm(t), g, t))
        rows.append(("articles", len(titles) == len(want["articles"]), len(titles), len(want["articles"])))
    return rows


def groups() -> dict[str, list[tuple[Path, dict[str, Any], tuple[str, ...]]]]:
    out: dict[str, list[tuple[Path, dict[str, Any], tuple[str, ...]]]] = {"public": [], "dev": [], "eval": []}
    pub = json.loads((PUBLIC / "fields.json").read_text("utf-8"))
    for name, want in pub.items():
        if not name.startswith("_"):
            out["public"].append((PUBLIC / name, want, PUBLIC_FIELDS))
    real = json.loads((REALDOCS / "fields.json").read_text("utf-8"))
    for name, want in real.items():
        if not name.startswith("_"):
            out[name.split("/", 1)[0]].append((REALDOCS / name, want, REAL_FIELDS))
    return out


def table(rows: list[tuple[str, str, str, str, bool]]) -> dict[str, dict[str, list[int]]]:
    """rows: (file, kind, format, field, right) → {"field": {f: [right, total]}, "format": …, "kind": …}."""
    sums: dict[str, dict[str, list[int]]] = {"field": defaultdict(lambda: [0, 0]), "format": defaultdict(lambda: [0, 0]), "kind": defaultdict(lambda: [0, 0]), "all": defaultdict(lambda: [0, 0])}
    for _file, kind, fmt, field, ok in rows:
        for key, val in (("field", field), ("format", fmt), ("kind", kind), ("all", "all")):
            sums[key][val][0] += int(ok)
            sums[key][val][1] += 1
    return {k: dict(v) for k, v in sums.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--group", action="append", choices=("public", "dev", "eval"))
    ap.add_argument("--json", type=Path)
    ap.add_argument("-v", "--verbose", action="store_true", help="print each wrong field")
    args = ap.parse_args(argv)
    result: dict[str, Any] = {}
    for gname, docs in groups().items():
        if args.group and gname not in args.group:
            continue
        rows = []
        for path, want, fields in docs:
            if not path.exists():
                print(f"缺少文件：{path}", file=sys.stderr)
                continue
            for field, ok, g, w in score_file(path, want, fields):
                rows.append((path.name, want["kind"], fmt_of(path), field, ok))
                if args.verbose and not ok:
                    print(f"  {gname}/{path.name} {field}: {g!r} ≠ {w!r}")
        t = table(rows)
        result[gname] = t | {"documents": len(docs)}
        r, n = t["all"].get("all", [0, 0])
        print(f"== {gname}: {len(docs)} documents, {r}/{n} fields right = {r / max(n, 1):.1%}")
        for key in ("kind", "format", "field"):
            print("   " + key + ": " + ", ".join(f"{k} {a}/{b}" for k, (a, b) in sorted(t[key].items())))
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
