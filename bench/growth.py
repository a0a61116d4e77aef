"""How the project grows from 1k to 10k to 100k generated issues: a table from `bench.run` results.

    python -m bench.growth bench/results/*.json [--readme]

For each of the generated corpora gen1k, gen10k and gen100k, the newest result
file that measured the project's build (later files win) gives one row: build
wall and CPU time, index size, build memory (the largest process and the sum
over its process tree), query p50/p95 in-process and over HTTP, and the server's
start and RSS; each size also per 10k articles, and a last column names the file.
With `--readme` the table replaces the one between the growth markers in
bench/README.md. The 100k row comes from `python -m bench.run --corpora gen100k
--designs project` (the naive design would take hours there).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from bench.report import _f, _get

CORPORA = ("gen1k", "gen10k", "gen100k")
START = "<!-- growth:start -->"
END = "<!-- growth:end -->"
HEADER = [
    "corpus", "issues", "articles", "MB", "build s", "build CPU s", "build s / 10k art.", "index MB",
    "index MB / 10k art.", "build RSS MB (largest / Σ tree)", "q p50 / p95 ms", "HTTP p50 / p95 ms",
    "server start s", "server RSS MB (start / after)", "from",
]


def _load(paths: list[Path], corpora: tuple[str, ...] = CORPORA) -> dict[str, tuple[Path, dict[str, Any], dict[str, Any]]]:
    """corpus -> (file, its meta, its corpus result) of the newest file that built the project there."""
    found: dict[str, tuple[str, Path, dict[str, Any], dict[str, Any]]] = {}
    for path in paths:
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as ex:
            print(f"skipped {path}: {ex}", file=sys.stderr)
            continue
        for name, c in (doc.get("corpora") or {}).items():
            if name not in corpora or "wall_s" not in (c.get("project_build") or {}):
                continue
            date = str((doc.get("meta") or {}).get("date", ""))
            if name not in found or (date, path.name) >= (found[name][0], found[name][1].name):
                found[name] = (date, path, doc.get("meta") or {}, c)
    return {k: (p, m, c) for k, (_d, p, m, c) in found.items()}


def _pair(a: Any, b: Any, fmt: str = "{:.1f}") -> str:
    return f"{_f(a, fmt)} / {_f(b, fmt)}"


def rows(paths: list[Path], corpora: tuple[str, ...] = CORPORA) -> list[list[str]]:
    out = []
    for name, (path, _meta, c) in sorted(_load(paths, corpora).items(), key=lambda kv: corpora.index(kv[0])):
        info, b = c.get("corpus") or {}, c["project_build"]
        q, http = c.get("project_query") or {}, c.get("http") or {}
        arts = info.get("articles") or 0
        per = 1e4 / arts if arts else None
        wall = _get(b, "wall_s", "median")
        out.append([
            name, _f(info.get("issues"), "{:,}"), _f(arts, "{:,}"), _f((info.get("bytes") or 0) / 1e6),
            _f(wall), _f(_get(b, "cpu_s", "median")), _f(wall * per if per else None),
            _f(b.get("index_mb")), _f(b["index_mb"] * per if per and b.get("index_mb") else None),
            _pair(_get(b, "peak_rss_mb", "max"), _get(b, "tree_rss_mb", "max"), "{:.0f}"),
            _pair(_get(q, "latency", "p50_ms"), _get(q, "latency", "p95_ms")),
            _pair(_get(http, "latency", "p50_ms"), _get(http, "latency", "p95_ms")),
            _f(http.get("startup_to_first_answer_s"), "{:.2f}"),
            _pair(http.get("rss_mb_at_start"), http.get("rss_mb_after"), "{:.0f}"),
            f"`{path.name}`",
        ])
    return out


def markdown(paths: list[Path], corpora: tuple[str, ...] = CORPORA) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(r) + " |" for r in rows(paths, corpora)]
    return "\n".join(lines)


def update_readme(readme: Path, table: str) -> None:
    text = readme.read_text(encoding="utf-8")
    if START not in text or END not in text:
        raise SystemExit(f"{readme} has no {START} … {END} block")
    text = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _m: f"{START}\n{table}\n{END}", text,
                  count=1, flags=re.S)
    readme.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.growth", description=__doc__.split("\n")[0])
    ap.add_argument("results", nargs="+", type=Path, help="bench.run result files (bench/results/*.json)")
    ap.add_argument("--readme", action="store_true", help="replace the growth table in bench/README.md")
    ap.add_argument("--corpora", default=",".join(CORPORA), help="comma-separated corpus names, in row order")
    args = ap.parse_args(argv)
    table = markdown(args.results, tuple(c for c in args.corpora.split(",") if c))
    print(table)
    if args.readme:
        update_readme(Path(__file__).resolve().parent / "README.md", table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
