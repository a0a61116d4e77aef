"""Smoke tests of the benchmark harness: generator, naive baseline and `bench.run --quick`.

Timings are only reported by the benchmark, never asserted here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench import generate, naive
from bench.queries import QUERIES, QUICK_QUERIES

BIN = Path(sys.executable).parent


def _texts(n: int, seed: int) -> list[tuple[str, str]]:
    return [(name, text) for name, text, _ in generate.iter_issues(n, seed)]


def test_generator_is_deterministic_in_its_seed(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    generate.generate_corpus(12, 5, a)
    generate.generate_corpus(12, 5, b)
    names = sorted(p.name for p in a.iterdir())
    assert len(names) == 12
    assert names == sorted(p.name for p in b.iterdir())
    assert all((a / n).read_bytes() == (b / n).read_bytes() for n in names)
    assert _texts(12, 6) != _texts(12, 5)


def test_generator_leaves_global_random_alone() -> None:
    import random

    state = random.getstate()
    _texts(3, 1)
    assert random.getstate() == state


def test_generated_issues_have_the_seed_files_shape() -> None:
    issues = _texts(20, 3)
    per_series_year: dict[tuple[str, str], list[int]] = {}
    for name, text in issues:
        lines = [ln for ln in text.splitlines() if ln.strip()]
        assert lines[0] == "工作资料 注意保存"
        assert "期" in lines[2]
        assert lines[-1].startswith(("(", "（")) and "共印" in lines[-1]
        assert any(ln.startswith(("报:", "报：")) for ln in lines)
        assert any(ln.startswith(("发:", "发：")) for ln in lines)
        assert any(ln.startswith("【") and ln.endswith("】") for ln in lines)
        series, year, issue = name.removesuffix(".txt").split("-")
        per_series_year.setdefault((series, year), []).append(int(issue.strip("第期")))
    for numbers in per_series_year.values():
        assert sorted(numbers) == list(range(1, len(numbers) + 1))
    assert sum(generate.RARE_NAME in t for _, t in issues) >= 1


def test_naive_parser_finds_every_generated_article(tmp_path: Path) -> None:
    for name, text, n_articles in generate.iter_issues(20, 9):
        p = tmp_path / name
        p.write_text(text, encoding="utf-8")
        arts = naive.parse_txt(p)
        assert len(arts) == n_articles, name
        assert all(a.place and a.city in generate.CITIES and a.year and a.issue for a in arts)
        assert all(len(a.text) > 200 for a in arts)


def test_naive_build_and_query(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    generate.generate_corpus(20, 3, corpus)
    stats = naive.build(corpus, tmp_path / "ix")
    assert stats["articles"] >= 40
    res = {r.name: r for r in naive.query(tmp_path / "ix", QUICK_QUERIES, repeat=1)}
    assert set(res) == {q.name for q in QUICK_QUERIES}
    assert res["common 志愿服务"].hits > 0
    assert res["rare name"].hits >= 1
    assert all(len(r.seconds) == 1 for r in res.values())


def test_query_list_is_broad_enough() -> None:
    assert len(QUERIES) >= 30
    assert len({q.name for q in QUERIES}) == len(QUERIES)


def _project_index_available() -> str | None:
    exe = BIN / "bulletins"
    if not exe.exists():
        return "the bulletins command is not installed"
    out = subprocess.run([str(exe), "index", "--help"], capture_output=True, text=True, timeout=60)
    if out.returncode != 0 or "--rebuild" not in out.stdout:
        return "`bulletins index --rebuild` is not available yet"
    return None


def test_bench_run_quick(tmp_path: Path) -> None:
    reason = _project_index_available()
    if reason:
        pytest.skip(reason)
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-m", "bench.run", "--quick", "--results", str(tmp_path)],
                         cwd=root, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    files = list(tmp_path.glob("*.json"))
    assert len(files) == 1
    doc = json.loads(files[0].read_text(encoding="utf-8"))
    assert {"meta", "corpora", "queries", "repeat"} <= set(doc)
    quick = doc["corpora"]["quick"]
    for key in ("corpus", "naive_build", "project_build", "tokenise", "naive_query", "project_query", "http", "add"):
        assert key in quick, key
    assert "wall_s" in quick["naive_build"]
    assert "wall_s" in quick["project_build"], quick["project_build"]
    assert quick["project_build"]["cpu_s"]["max"] > 0
    # the growth table reads the same file: one row, with this run's build time and index size
    g = subprocess.run([sys.executable, "-m", "bench.growth", str(files[0]), "--corpora", "quick"],
                       cwd=root, capture_output=True, text=True, timeout=60)
    assert g.returncode == 0, g.stderr
    (row,) = [ln for ln in g.stdout.splitlines() if ln.startswith("| quick |")]
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert float(cells[4]) == round(quick["project_build"]["wall_s"]["median"], 1)
    assert float(cells[7]) == round(quick["project_build"]["index_mb"], 1)
    assert "latency" in quick["naive_query"]
