"""Render benchmark results: a console table and the results table in bench/README.md."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

START = "<!-- results:start -->"
END = "<!-- results:end -->"


def _f(x: Any, fmt: str = "{:.1f}") -> str:
    if x is None:
        return "—"
    if isinstance(x, (int, float)):
        return fmt.format(x)
    return str(x)


def _get(d: dict[str, Any], *path: str) -> Any:
    for k in path:
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d


def _status(d: dict[str, Any] | None) -> str | None:
    if isinstance(d, dict) and "reused" in d:
        return "reused"
    if isinstance(d, dict) and ("skipped" in d or "failed" in d):
        return "skipped" if "skipped" in d else "FAILED"
    return None


def rows(doc: dict[str, Any]) -> list[list[str]]:
    """One row per corpus and design."""
    out = []
    for name, c in doc["corpora"].items():
        info = c.get("corpus", {})
        if "skipped" in info:
            out.append([name, "—", "—", "skipped: " + info["skipped"]] + [""] * 10)
            continue
        for design in ("project", "naive"):
            b = c.get(f"{design}_build", {})
            q = c.get(f"{design}_query", {})
            http = c.get("http", {}) if design == "project" else {}
            add = c.get("add", {}) if design == "project" else {}
            out.append([
                name, design,
                _f(info.get("articles"), "{:,}"), _f(info.get("bytes", 0) / 1e6),
                _status(b) or _f(_get(b, "wall_s", "median")),
                _f(b.get("docs_per_s"), "{:,.0f}"), _f(b.get("mb_per_s"), "{:.2f}"),
                _f(_get(b, "peak_rss_mb", "max"), "{:.0f}"), _f(_get(b, "tree_rss_mb", "max"), "{:.0f}"),
                _f(b.get("index_mb")),
                _status(q) or _f(_get(q, "latency", "p50_ms")), _f(_get(q, "latency", "p95_ms")),
                (_status(http) or _f(_get(http, "latency", "p50_ms"))) if design == "project" else "",
                (_status(add) or _f(add.get("until_searchable_s") or add.get("add_wall_s"), "{:.2f}"))
                if design == "project" else "",
            ])
    return out


HEADER = ["corpus", "design", "articles", "MB", "build s", "docs/s", "MB/s", "peak RSS MB", "Σ workers RSS MB",
          "index MB",
          "q p50 ms", "q p95 ms", "HTTP p50 ms", "add s"]


def markdown(doc: dict[str, Any]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(r) + " |" for r in rows(doc)]
    return "\n".join(lines)


def table(doc: dict[str, Any]) -> str:
    """The console table, plus ratios and the tokenisation limit."""
    text = [markdown(doc), ""]
    for name, c in doc["corpora"].items():
        if "build_speedup_naive_over_project" in c:
            text.append(f"{name}: build time naive/project = {c['build_speedup_naive_over_project']:.2f}×")
        pb, nb = c.get("project_build") or {}, c.get("naive_build") or {}
        if "index_mb" in pb and "index_mb" in nb:
            text.append(f"{name}: index size project/naive = {pb['index_mb'] / nb['index_mb']:.2f}×")
        if "build_speedup_naive_over_project" in c:
            text.append(f"{name}: build time project/naive = {1 / c['build_speedup_naive_over_project']:.2f}×")
        pq = c.get("project_query") or {}
        if "latency" in pq:
            text.append(f"{name}: project in-process p95 {pq['latency']['p95_ms']:.1f} ms")
        http = c.get("http") or {}
        if "latency" in http:
            text.append(f"{name}: HTTP p95 {http['latency']['p95_ms']:.1f} ms")
        if "query_p50_ratio_naive_over_project" in c:
            text.append(f"{name}: query p50 naive/project = {c['query_p50_ratio_naive_over_project']:.2f}×")
        for k, t in (c.get("tokenise") or {}).items():
            if "mb_per_s" in t:
                text.append(f"{name}: {k}: {t['mb_per_s']:.2f} MB/s over {t['bytes'] / 1e6:.1f} MB")
        http = c.get("http") or {}
        if "startup_to_first_answer_s" in http:
            text.append(f"{name}: server start to first answer {http['startup_to_first_answer_s']:.2f} s, "
                        f"RSS after {http['queries']} queries {_f(http.get('rss_mb_after'), '{:.0f}')} MB")
        for part in ("project_build", "project_query", "http", "add"):
            d = c.get(part) or {}
            if "skipped" in d or "failed" in d:
                text.append(f"{name}: {part}: {d.get('skipped') or d.get('failed')}")
    return "\n".join(text)


def update_readme(path: Path, doc: dict[str, Any]) -> None:
    """Append this run's table to the results section of bench/README.md."""
    m = doc["meta"]
    block = (f"\n### {m['date']} — `python -m bench.run {' '.join(doc['argv'])}`\n\n"
             f"{m['nproc']} cores ({m.get('cpu')}), {m['mem_gib']} GiB, Python {m['python']}, "
             f"whoosh3 {m['whoosh3']}, jieba {m['jieba']}; repeat {doc['repeat']}, "
             f"build repeat {doc['build_repeat']}\n\n{markdown(doc)}\n")
    text = path.read_text(encoding="utf-8") if path.exists() else f"# Benchmarks\n\n{START}\n{END}\n"
    if START not in text:
        text += f"\n{START}\n{END}\n"
    text = re.sub(re.escape(END), lambda _: block.rstrip("\n") + "\n\n" + END, text, count=1)
    path.write_text(text, encoding="utf-8")
