"""Search with access rules on against off (issue 21): p50/p95 over bench/queries.py.

    python -m bench.access [--issues 1000] [--repeat 5] [--work var/bench-access]

Two measurements, each alternating the two configurations query by query (so that
the load of a shared machine falls on both alike):
  * `indexer`: CPU time of indexer.search.engine.search() without a mask and with a
    reader's allowed-documents mask (webui.access.allowed_mask, made once, cached);
  * `suggest`: CPU time of autocomplete (indexer.search.engine.suggest) without and with it;
  * `web`: CPU time (`web`) and wall time (`web_wall`) of GET /api/search through the
    Flask app (test client) with accounts off, and with accounts on as a signed-in
    读者 — session, the rules' version check, the mask, and the audit record of each
    search included. CPU time is the figure to compare on a shared, loaded machine
    (wall time there is mostly waiting for a core).
The rules: half the series closed by default and granted to a group the reader is
not in, 50 issues granted to the reader by issue rules, 20 articles closed by
document rules.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from bench.queries import QUERIES


def _p(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def _summary(ms: list[float]) -> dict[str, float]:
    return {"p50": round(statistics.median(ms), 2), "p95": round(_p(ms, 0.95), 2), "n": len(ms)}


def prepare(work: Path, issues: int) -> tuple[Path, Path]:
    """A generated corpus of `issues` issues and its index under `work` (made once)."""
    from click.testing import CliRunner

    from bench.generate import generate_corpus
    from bulletins.cli import cli

    corpus, index = work / "corpus", work / "index"
    if not (index / "current").exists():
        generate_corpus(issues, 7, corpus)
        r = CliRunner().invoke(cli, ["index", "--corpus", str(corpus), "--index", str(index)])
        if r.exit_code != 0:
            raise SystemExit(r.output)
    return corpus, index


def make_rules(instance: Path, index: Path) -> None:
    """The rule set described in the module doc, and the users 读者 `reader`, 管理员 `admin`."""
    import shutil

    from indexer.search.engine import snapshot
    from indexer.store.handles import IndexHandle
    from webui.access_store import AccessStore
    from webui.auth_passwords import hash_password

    shutil.rmtree(instance, ignore_errors=True)
    st = AccessStore(instance)
    st.add_user("reader", hash_password("reader-password"), "读者")
    st.add_group("机要")
    with IndexHandle(index) as h:
        snap = snapshot(h)
        series = list(snap.coded["series"][1])
        for name in series[: max(1, len(series) // 2)]:
            st.set_default(name, "受限")
            st.grant("series", name, "group:机要")
        bids = list(snap.issues)
        for bid in bids[:50]:
            st.grant("issue", bid, "user:reader")
        s = h.searcher()
        for d in snap.live_docs()[:: max(1, snap.n // 20)][:20].tolist():
            st.grant("document", s.stored_fields(d)["article_id"], "user:nobody")


def bench_indexer(index: Path, instance: Path, repeat: int) -> dict[str, Any]:
    from indexer.search.engine import Filters, search
    from indexer.store.handles import IndexHandle
    from webui.access import allowed_mask
    from webui.access_store import AccessStore

    st = AccessStore(instance)
    out: dict[str, list[float]] = {"off": [], "on": []}
    with IndexHandle(index) as h:
        mask = allowed_mask(h, st.rules(), st.get_user("reader"))
        assert mask is not None
        allowed = int(mask.sum())
        for q in QUERIES:  # warm-up
            search(h, q.q, Filters(**q.filters_kwargs()), page=q.page, allowed_docs=mask)
        for _ in range(repeat):
            for q in QUERIES:
                for mode in ("off", "on"):
                    c = time.process_time()
                    search(h, q.q, Filters(**q.filters_kwargs()), sort=q.sort or "relevance", page=q.page,
                           allowed_docs=mask if mode == "on" else None)
                    out[mode].append((time.process_time() - c) * 1000)
        n = h.searcher().doc_count()
    return {"documents": n, "allowed": allowed, "off": _summary(out["off"]), "on": _summary(out["on"]),
            "p95_ratio": round(_p(out["on"], 0.95) / _p(out["off"], 0.95), 3)}


SUGGEST_PREFIXES = ("志", "文", "志愿", "南京", "淮", "乡村", "新时代", "疫情")


def bench_suggest(index: Path, instance: Path, repeat: int) -> dict[str, Any]:
    """Autocomplete CPU time without and with the mask (the words recounted over it)."""
    from indexer.search.engine import suggest
    from indexer.store.handles import IndexHandle
    from webui.access import allowed_mask
    from webui.access_store import AccessStore

    st = AccessStore(instance)
    out: dict[str, list[float]] = {"off": [], "on": []}
    with IndexHandle(index) as h:
        mask = allowed_mask(h, st.rules(), st.get_user("reader"))
        for p in SUGGEST_PREFIXES:
            suggest(h, p, allowed_docs=mask)
        for _ in range(repeat):
            for p in SUGGEST_PREFIXES:
                for mode in ("off", "on"):
                    c = time.process_time()
                    suggest(h, p, allowed_docs=mask if mode == "on" else None)
                    out[mode].append((time.process_time() - c) * 1000)
    return {"off": _summary(out["off"]), "on": _summary(out["on"])}


def bench_web(index: Path, corpus: Path, instance: Path, repeat: int) -> dict[str, Any]:
    import re

    from webui import create_app
    from webui.audit import audit_dir, flush

    off = create_app({"TESTING": True, "INDEX_DIR": str(index), "CORPUS_DIR": str(corpus)}).test_client()
    app_on = create_app({"TESTING": True, "INDEX_DIR": str(index), "CORPUS_DIR": str(corpus), "ACCOUNTS": True,
                         "ACCESS_DIR": str(instance)})
    on = app_on.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', on.get("/login").get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    assert on.post("/login", data={"username": "reader", "password": "reader-password", "csrf_token": token}).status_code == 302
    clients = {"off": off, "on": on}
    out: dict[str, list[float]] = {"off": [], "on": []}
    wall: dict[str, list[float]] = {"off": [], "on": []}
    for q in QUERIES:  # warm-up
        for c in clients.values():
            assert c.get("/api/search", query_string=q.url_params()).status_code == 200
    for _ in range(repeat):
        for q in QUERIES:
            for mode in ("off", "on"):
                t, c = time.perf_counter(), time.process_time()
                r = clients[mode].get("/api/search", query_string=q.url_params())
                r.get_data()
                out[mode].append((time.process_time() - c) * 1000)
                wall[mode].append((time.perf_counter() - t) * 1000)
    flush(audit_dir(instance))
    lines = sum(1 for _ in (audit_dir(instance) / "audit.jsonl").open(encoding="utf-8"))
    return {"off": _summary(out["off"]), "on": _summary(out["on"]), "audit_lines": lines,
            "p95_ratio": round(_p(out["on"], 0.95) / _p(out["off"], 0.95), 3),
            "mean_ratio": round(statistics.fmean(out["on"]) / statistics.fmean(out["off"]), 3),
            "wall": {"off": _summary(wall["off"]), "on": _summary(wall["on"]),
                     "p95_ratio": round(_p(wall["on"], 0.95) / _p(wall["off"], 0.95), 3)}}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--issues", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--work", type=Path, default=Path("var/bench-access"))
    args = ap.parse_args(argv)
    corpus, index = prepare(args.work, args.issues)
    instance = args.work / "instance"
    make_rules(instance, index)
    result = {"issues": args.issues, "queries": len(QUERIES), "repeat": args.repeat,
              "indexer": bench_indexer(index, instance, args.repeat),
              "suggest": bench_suggest(index, instance, args.repeat),
              "web": bench_web(index, corpus, instance, args.repeat)}
    try:
        import os

        result["load_average"] = [round(x, 1) for x in os.getloadavg()]
    except OSError:  # pragma: no cover
        pass
    json.dump(result, sys.stdout, ensure_ascii=False, indent=1)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
