"""Saved-search digests: what the e-mail step adds to an index run (issue 20).

    python -m bench.alerts [--issues 400] [--new 5] [--subscriptions 50] [--seed 1] [--work DIR]

Generates a corpus (bench.generate), indexes it, saves `--subscriptions` searches (the
benchmark's query list, cycled) as confirmed subscriptions (one address each), then places
`--new` further issues in the corpus, runs `bulletins index` and times webui.alerts'
`send_digests` against a real SMTP server on loopback (aiosmtpd, the test extra): the
ledger, one search per subscription among the new articles (and one over the whole
archive for the stage guard), composing and sending each digest. Prints the seconds, the
e-mails sent and the seconds per subscription; `--json` for the figures.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode


def _index(corpus: Path, index: Path) -> None:
    subprocess.run([sys.executable, "-c", "from bulletins.cli import cli; cli()", "index",
                    "--corpus", str(corpus), "--index", str(index)], check=True, capture_output=True)


def measure(issues: int, new: int, subscriptions: int, seed: int, work: Path) -> dict[str, Any]:
    from bench.generate import generate_corpus
    from bench.queries import QUERIES
    from indexer.store.handles import IndexHandle
    from tests.mailserver import smtp_server
    from webui.alerts import live_bulletins, send_digests
    from webui.alerts_mail import SmtpConfig
    from webui.alerts_store import AlertsStore

    corpus, extra, index, instance = (work / n for n in ("corpus", "extra", "index", "instance"))
    generate_corpus(issues + new, seed, extra)
    corpus.mkdir()
    files = sorted(extra.iterdir())
    for p in files[:issues]:
        shutil.copy(p, corpus / p.name)
    _index(corpus, index)
    store = AlertsStore(instance)
    with IndexHandle(index) as handle:
        seq = store.catch_up(live_bulletins(handle))
    for i in range(subscriptions):
        q = QUERIES[i % len(QUERIES)]
        store.confirm(store.add(q.name, urlencode(q.url_params()), f"bench{i}@example.org", None,
                                "http://127.0.0.1:8000/", seq).id)
    for p in files[issues:]:
        shutil.copy(p, corpus / p.name)
    t0 = time.perf_counter()
    _index(corpus, index)
    index_s = time.perf_counter() - t0
    with smtp_server() as (port, inbox):
        t0 = time.perf_counter()
        c0 = time.process_time()
        run = send_digests(index, instance, None, False, SmtpConfig("127.0.0.1", port, "", "", "bench@example.org"))
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"issues": issues, "new": new, "subscriptions": subscriptions, "sent": run.sent,
            "received": len(inbox.messages), "index_s": round(index_s, 2), "digests_s": round(seconds, 3),
            "digests_cpu_s": round(cpu, 3), "per_subscription_ms": round(1000 * seconds / max(1, subscriptions), 1)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--issues", type=int, default=400)
    ap.add_argument("--new", type=int, default=5)
    ap.add_argument("--subscriptions", type=int, default=50)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", type=Path, default=None, help="keep the corpus and index here (default: a temp dir)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        r = measure(args.issues, args.new, args.subscriptions, args.seed, work)
    print(f"{r['subscriptions']} subscriptions, {r['new']} new issues on {r['issues']}: index run {r['index_s']} s; "
          f"digests {r['digests_s']} s ({r['digests_cpu_s']} CPU-s, {r['per_subscription_ms']} ms a subscription), "
          f"{r['sent']} e-mails sent, {r['received']} received")
    if args.json:
        print(json.dumps(r, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
