"""Fields right on real documents, per field kind and per format (`python -m bench.fields`).

Two corpora of real public documents, each with the fields a careful person
reads off the page written down beside them:

- `tests/public/` (`fields.json`): the documents the parser was developed on;
- `tests/realdocs/` (`fields.json`): local 公文 and 简报 from sites and offices
  the parser had not seen, split by source site into `dev/` (looked at while
  changing the parser) and `eval/` (scored only when a change is done);
- the fetched documents of `tests/realdocs/sources.json` (`fetched/…` in
  `fields.json`; see bench/realdocs.py), split by office into the same two
  halves and scored where they are present.

Each file goes through `archive.parse.parse_file`, as a user's file would.
Strings compare with whitespace removed and ASCII `,:()` folded to full width
(a web copy's punctuation is not the document's); a 发文字号's year brackets
compare as 〔〕 (the parser writes 京政发[2016]43号 as 京政发〔2016〕43号). Prints one table per group:
fields right / fields, per document kind, per format, per source and per field; `--json` writes them.

With `--phrases`, each group's documents are also indexed (`bulletins index` into
a scratch folder) and every phrase of their truth is searched as a quoted phrase:
the share found in its own document is the nothing-dropped share (issue 19 item 4).

    .venv/bin/python -m bench.fields [--group dev|eval|public ...] [--phrases] [--json OUT] [-v]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any, NamedTuple

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
    titles = [a.title if getattr(a, "printed_title", True) else None for a in b.articles]  # a stand-in title is no field
    return {f: d.get(f) for f in PUBLIC_FIELDS} | {
        "title": titles[0] if titles else None,
        "titles": titles,
        "addressee": b.addressee,
        "articles": len(titles),
    }


def fmt_of(path: Path) -> str:
    return {".txt": "text", ".md": "markdown", ".htm": "html"}.get(path.suffix.lower(), path.suffix.lower().lstrip("."))


FETCHED = "fetched/"  # fields.json's prefix for the documents of sources.json


class Doc(NamedTuple):
    """One scored document: its file, its truth, the fields compared and where it came from."""

    path: Path
    want: dict[str, Any]
    fields: tuple[str, ...]
    source: str


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


def groups() -> dict[str, list[Doc]]:
    """public / dev / eval: every document with a truth (fetched ones only where present)."""
    from bench.realdocs import load_sources, root

    out: dict[str, list[Doc]] = {"public": [], "dev": [], "eval": []}
    pub = json.loads((PUBLIC / "fields.json").read_text("utf-8"))
    for name, want in pub.items():
        if not name.startswith("_"):
            out["public"].append(Doc(PUBLIC / name, want, PUBLIC_FIELDS, "tests/public"))
    real = json.loads((REALDOCS / "fields.json").read_text("utf-8"))
    fetched = {s.name: s for s in load_sources()}
    folder = root()
    for name, want in real.items():
        if name.startswith("_"):
            continue
        if name.startswith(FETCHED):
            src = fetched[name[len(FETCHED):]]
            path = folder / src.name
            if path.is_file():
                out[src.half].append(Doc(path, want, REAL_FIELDS, f"{src.repo} {src.group}"))
        else:
            out[name.split("/", 1)[0]].append(Doc(REALDOCS / name, want, REAL_FIELDS, f"saved page text, batch {want.get('batch', 1)}"))
    return out


def phrases_found(docs: list[Doc], workdir: Path) -> tuple[int, int, list[str]]:
    """(found, phrases, misses): each truth phrase searched as typed, found if a hit is its own document."""
    from bench.relevance import build_index
    from indexer.present.bulletin import get_bulletin
    from indexer.search.engine import search
    from indexer.store.handles import IndexHandle

    with_phrases = [d for d in docs if d.want.get("phrases")]
    if not with_phrases:
        return 0, 0, []
    index = build_index([d.path for d in with_phrases], workdir, rebuild=True)
    handle = IndexHandle(index)
    paths: dict[str, str] = {}
    found = total = 0
    misses = []
    for d in with_phrases:
        for phrase in d.want["phrases"]:
            total += 1
            res = search(handle, f'"{phrase}"', per_page=PHRASE_HITS, correct=False, expand=False, stages=False)
            for h in res["hits"]:
                bid = h["bulletin_id"]
                if bid not in paths:
                    paths[bid] = (get_bulletin(handle, bid) or {}).get("path") or ""
            if any(paths[h["bulletin_id"]] == d.path.name for h in res["hits"]):
                found += 1
            else:
                misses.append(f"{d.path.name}: {phrase}")
    return found, total, misses


PHRASE_HITS = 50  # hits looked at for a phrase's own document


def score_docs(docs: list[Doc]) -> list[tuple[str, str, str, str, str, bool, Any, Any]]:
    """(file, kind, format, source, field, right, got, want) for every field of every document."""
    rows = []
    for d in docs:
        for field, ok, g, w in score_file(d.path, d.want, d.fields):
            rows.append((d.path.name, d.want["kind"], fmt_of(d.path), d.source, field, ok, g, w))
    return rows


def table(rows: list[tuple[str, str, str, str, str, bool, Any, Any]]) -> dict[str, dict[str, list[int]]]:
    """rows of score_docs → {"field": {f: [right, total]}, "format": …, "kind": …, "source": …, "all": …}."""
    keys = ("field", "format", "kind", "source", "all")
    sums: dict[str, dict[str, list[int]]] = {k: defaultdict(lambda: [0, 0]) for k in keys}
    for _file, kind, fmt, source, field, ok, _g, _w in rows:
        for key, val in (("field", field), ("format", fmt), ("kind", kind), ("source", source), ("all", "all")):
            sums[key][val][0] += int(ok)
            sums[key][val][1] += 1
    return {k: dict(v) for k, v in sums.items()}


def share(t: dict[str, dict[str, list[int]]]) -> float:
    """Fields right over fields, all kinds and formats together."""
    r, n = t["all"].get("all", [0, 0])
    return r / n if n else 0.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--group", action="append", choices=("public", "dev", "eval"))
    ap.add_argument("--phrases", action="store_true", help="index each group and search its truth phrases")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/bulletins-bench-fields"))
    ap.add_argument("--json", type=Path)
    ap.add_argument("-v", "--verbose", action="store_true", help="print each wrong field and missed phrase")
    args = ap.parse_args(argv)
    result: dict[str, Any] = {}
    for gname, docs in groups().items():
        if args.group and gname not in args.group:
            continue
        for d in docs:
            if not d.path.exists():
                print(f"缺少文件：{d.path}", file=sys.stderr)
        docs = [d for d in docs if d.path.exists()]
        rows = score_docs(docs)
        if args.verbose:
            for file, _k, _f, _s, field, ok, g, w in rows:
                if not ok:
                    print(f"  {gname}/{file} {field}: {g!r} ≠ {w!r}")
        t = table(rows)
        result[gname] = t | {"documents": len(docs)}
        r, n = t["all"].get("all", [0, 0])
        print(f"== {gname}: {len(docs)} documents, {r}/{n} fields right = {share(t):.1%}")
        for key in ("kind", "format", "source", "field"):
            print("   " + key + ": " + ", ".join(f"{k} {a}/{b}" for k, (a, b) in sorted(t[key].items())))
        if args.phrases:
            found, total, misses = phrases_found(docs, args.workdir / gname)
            result[gname]["phrases"] = [found, total]
            if total:
                print(f"   nothing dropped: {found}/{total} phrases found in their own document = {found / total:.1%}")
            if args.verbose:
                for m in misses:
                    print(f"  {gname} phrase not found: {m}")
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
