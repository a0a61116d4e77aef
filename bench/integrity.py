"""Integrity timings: detecting and repairing a damaged segment.

    python -m bench.integrity --index I --corpus C [--component sub] [--work DIR]

On a copy of the built index I (of corpus C) it times:
- the open check of a fresh process's IndexHandle: the cheap check (sizes and
  array headers) and the full one (plus every file's checksum, what the server
  and the CLI do on first use);
- `bulletins verify` on the intact index (wall, incl. start-up);
- then, with 8 bytes inverted in the middle of the largest segment's file of
  `--component` (`sub`, `fac`, `lex`, `pst`): `bulletins verify` (finds it), the
  open check (refuses it), and the `bulletins index` run that re-makes that
  segment from the corpus (wall, files and articles re-made), and a last verify.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def _cli(*args: str) -> tuple[float, subprocess.CompletedProcess[str]]:
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-c", "from bulletins.cli import cli; cli()", *args],
                       capture_output=True, text=True)
    return time.perf_counter() - t0, r


def _open_check(index: Path, full: bool) -> dict[str, Any]:
    from indexer.store import handles as store, integrity

    store.VERIFY_ON_OPEN = full
    integrity._VERIFIED.clear()
    t0, c0 = time.perf_counter(), time.process_time()
    handle = store.IndexHandle(index)
    try:
        handle.searcher()
        refused = None
    except store.IndexCorruptError as ex:
        refused = str(ex)
    finally:
        handle.close()
    return {"full": full, "wall_s": round(time.perf_counter() - t0, 3), "cpu_s": round(time.process_time() - c0, 3),
            "refused": refused}


def _flip(path: Path) -> None:
    with open(path, "r+b") as f:
        f.seek(path.stat().st_size // 2)
        data = f.read(8)
        f.seek(-len(data), os.SEEK_CUR)
        f.write(bytes(b ^ 0xFF for b in data))


def measure(index: Path, corpus: Path, suffix: str) -> dict[str, Any]:
    from indexer.store import handles as store

    out: dict[str, Any] = {"load": os.getloadavg()}
    out["open_intact"] = [_open_check(index, False), _open_check(index, True)]
    seconds, r = _cli("verify", "--json", "--index", str(index))
    out["verify_intact"] = {"wall_s": round(seconds, 3), **json.loads(r.stdout)}
    gen = store.current_dir(index)
    assert gen is not None
    victim = max(gen.glob(f"MAIN_*.{suffix}"), key=lambda p: p.stat().st_size)
    _flip(victim)
    out["damaged_file"] = {"name": victim.name, "bytes": victim.stat().st_size}
    seconds, r = _cli("verify", "--json", "--index", str(index))
    out["verify_damaged"] = {"wall_s": round(seconds, 3), "exit": r.returncode, **json.loads(r.stdout)}
    out["open_damaged"] = _open_check(index, True)
    seconds, r = _cli("index", "--json", "--corpus", str(corpus), "--index", str(index))
    report = json.loads(r.stdout)
    out["repair"] = {"wall_s": round(seconds, 3), "exit": r.returncode, "repaired_files": report["repaired"],
                     "articles": report["articles"], "warnings": report["warnings"]}
    seconds, r = _cli("verify", "--json", "--index", str(index))
    out["verify_after"] = {"wall_s": round(seconds, 3), "exit": r.returncode}
    out["load_after"] = os.getloadavg()
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", type=Path, required=True, help="a built index (copied; never changed)")
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--component", default="sub", choices=["sub", "fac", "lex", "pst"])
    ap.add_argument("--work", type=Path, default=None)
    args = ap.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-integrity-"))
    copy = work / "index"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(args.index, copy, symlinks=True)
    try:
        print(json.dumps(measure(copy, args.corpus, args.component), ensure_ascii=False, indent=1))
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
