"""The pathological documents of issue 14, timed through the web app.

    python -m bench.faults [--tiny N] [--out DIR] [--repeat R]

Builds one index from four generated Markdown issues (a 1 MB article that
matches a query thousands of times, 10 KB of unclosed `[`, an issue of N tiny
articles, and a normal issue) and times, in-process with Flask's test client,
the search page, the search API, the bulletin page and the bulletin API on
each, with a query that shows that document: the slowest of R requests (after
one warm-up search that builds the shared facet columns) and the peak memory
of the last (tracemalloc). Prints one JSON line per request and a summary.
With `--out DIR` an index already built there is reused, so two versions of
the code can be timed on the same index.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

HEADER = "# 《{series}》 ({date})\n\n## 详细新闻\n\n"


def big_article() -> str:
    """One article of ~1 MB in which 志愿服务 occurs every ~40 characters."""
    sentence = "今年以来各地广泛开展志愿服务活动，组织志愿者深入社区。"
    body = sentence * (1_000_000 // (3 * len(sentence)))
    return HEADER.format(series="超长文章测试简报", date="20220301") + "### 超长文章\n\n" + body + "\n"


def brackets_article() -> str:
    """10 KB of unclosed `[` (Python-Markdown's quadratic case) in one article."""
    return HEADER.format(series="方括号测试简报", date="20220302") + "### 方括号\n\n志愿服务" + "[" * 10_000 + "\n"


def tiny_articles(n: int) -> str:
    """One issue of `n` tiny articles."""
    parts = [HEADER.format(series="小文章测试简报", date="20220303")]
    parts += [f"### 第{k}篇\n\n志愿服务{k}\n\n" for k in range(n)]
    return "".join(parts)


def write_corpus(corpus: Path, tiny: int) -> None:
    corpus.mkdir(parents=True, exist_ok=True)
    (corpus / "big.md").write_text(big_article(), encoding="utf-8")
    (corpus / "brackets.md").write_text(brackets_article(), encoding="utf-8")
    (corpus / "tiny.md").write_text(tiny_articles(tiny), encoding="utf-8")
    seed = Path(__file__).resolve().parents[1] / "corpus" / "江苏精神文明建设简报-2022-第11期.txt"
    shutil.copy(seed, corpus / seed.name)


def timed(client: Any, url: str, params: dict[str, str], repeat: int, trace: bool = True) -> dict[str, Any]:
    """The slowest of `repeat` requests, and the peak traced memory of the last one (when `trace`)."""
    worst = 0.0
    status = 0
    size = 0
    for i in range(repeat):
        if trace and i == repeat - 1:
            tracemalloc.start()
        t0 = time.perf_counter()
        r = client.get(url, query_string=params)
        worst = max(worst, time.perf_counter() - t0)
        status, size = r.status_code, len(r.data)
    _cur, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"url": url, "params": params, "status": status, "bytes": size,
            "seconds": round(worst, 3), "peak_mb": round(peak / 1e6, 1)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tiny", type=int, default=200_000, help="articles in the issue of tiny articles")
    ap.add_argument("--out", type=Path, default=None, help="work folder, kept (default: a temporary one)")
    ap.add_argument("--repeat", type=int, default=3, help="timed requests per URL (the slowest is reported)")
    ap.add_argument("--no-trace", action="store_true", help="no tracemalloc (timings without its overhead)")
    ap.add_argument("--only", default="", help="run only the cases whose name contains this")
    args = ap.parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="bench-faults-"))
    corpus, index = out / "corpus", out / "index"
    from webui import create_app

    if not (index / "current").exists():
        write_corpus(corpus, args.tiny)
        from indexer.build.builder import build_index

        t0 = time.perf_counter()
        report = build_index(corpus, index, procs=1)
        print(json.dumps({"index_seconds": round(time.perf_counter() - t0, 1), **report.to_dict()}, ensure_ascii=False))
    client = create_app({"TESTING": True, "INDEX_DIR": str(index)}).test_client()
    client.get("/api/search", query_string={"q": "志愿服务"})  # warm-up: builds the shared columns

    def bulletin_id(q: str) -> str:
        hits = client.get("/api/search", query_string={"q": q}).get_json()["hits"]
        return hits[0]["bulletin_id"]

    # (case, a title in it, a query whose hits show it)
    cases = [("1 MB article", "超长文章", "深入社区"), ("10 KB of [", "方括号", "方括号 志愿服务"),
             (f"{args.tiny} tiny articles", "第1篇", "志愿服务")]
    results = []
    for name, title, q in cases:
        if args.only not in name:
            continue
        bid = bulletin_id(title)
        for url, params in (
            ("/", {"q": q}),
            ("/api/search", {"q": q}),
            (f"/bulletin/{bid}", {"q": q}),
            (f"/api/bulletins/{bid}", {}),
        ):
            row = {"case": name, **timed(client, url, params, args.repeat, not args.no_trace)}
            results.append(row)
            print(json.dumps(row, ensure_ascii=False), flush=True)
    slowest: dict[str, float] = {}
    for r in results:
        slowest[r["case"]] = max(slowest.get(r["case"], 0.0), r["seconds"])
    print("slowest request per case:", json.dumps(slowest, ensure_ascii=False))
    if args.out is None:
        shutil.rmtree(out, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
