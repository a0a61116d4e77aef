"""What one file can cost under the per-file budget, and what one bomb adds to an index run.

    python -m bench.budget [--files 1000] [--skip-index] [--json]
    python -m bench.budget --rate 200 [--held-mb 300]

Part 1 reads each case — the seed issue as text, .docx, .ofd and .pdf, a
one-page scan (OCR), and issue 18's bombs: an OFD of nested composite units
(also with the object budget lifted, so that the wall-time or memory budget
must stop it), an image-only PDF of 1,000 pages, a .docx of 3,000 nested
content controls, a 150 MB text file, a FIFO and /dev/zero — as `bulletins
check` does, each in a fresh process (`--one`), and reports its wall time, the
largest peak RSS (VmHWM) of any process of its tree (the reading worker or a
helper: LibreOffice, the OCR worker) and the outcome. The bounds the budget
sets are printed beside: wall_seconds plus the largest helper budget, and the
worker's start plus memory_bytes (helper_memory_bytes for a helper).

Part 2 indexes `--files` generated issues (bench.generate) alone, with the OFD
bomb added, and with the bomb under a lifted object budget and a 10 s wall
budget, each from scratch with the reader cache off: the growth over the good
files alone is what one bomb costs a run, and must stay within the budget.

`--rate N` reads N generated issues in a process holding `--held-mb` MB of
small objects (as a build or the web app does), three ways, alternating by
round: through the long-lived reading worker (`parse_within_budget`, what the
archive does), with a fork per file (`run_within_budget`, what it did before),
and in process with no budget (the floor); ms a file and files a second each.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench.measure import run_child

ROOT = Path(__file__).resolve().parent.parent


def _one(path: str) -> int:
    """Read one file as `bulletins check` does; print the outcome as JSON."""
    from archive.errors import BulletinError
    from archive.readers.budget import parse_within_budget

    t0 = time.perf_counter()
    try:
        b = parse_within_budget(Path(path))
        out = {"ok": True, "articles": len(b.articles)}
    except BulletinError as ex:
        out = {"ok": False, "reason": ex.reason}
    out["seconds"] = round(time.perf_counter() - t0, 3)
    print(json.dumps(out, ensure_ascii=False))
    return 0


def _cases(folder: Path) -> list[tuple[str, Path, dict[str, str]]]:
    from tests import bombs, docgen

    text = docgen.SEED.read_text("utf-8")
    docx = docgen.write_docx(text, folder / "seed.docx")
    cases: list[tuple[str, Path, dict[str, str]]] = [
        ("seed issue, text", docgen.SEED, {}),
        ("seed issue, .docx", docx, {}),
        ("seed issue, .ofd", docgen.write_ofd(text, folder / "seed.ofd"), {}),
    ]
    if docgen.soffice() is not None:
        pdf = docgen.convert(docx, "pdf", folder)
        cases.append(("seed issue, .pdf", pdf, {}))
        cases.append(("seed issue, 1-page scan (OCR)", docgen.write_scan(pdf, folder / "scan.pdf", pages=1), {}))
    bomb = bombs.write_ofd_composite_bomb(folder / "bomb.ofd")
    cases += [
        ("OFD, composite units 10× nested 7 deep (1.4 KB)", bomb, {}),
        ("the same OFD, object budget lifted", bomb, {"BULLETINS_READ_OBJECTS": "1000000000000"}),
        ("image-only PDF of 1,000 pages", docgen.write_raw_pdf(folder / "pages.pdf", pages=1000), {}),
        (".docx of 3,000 nested content controls", bombs.write_deep_docx(folder / "deep.docx"), {}),
    ]
    big = folder / "big.txt"
    with open(big, "wb") as fh:
        line = ("精神文明建设" * 20 + "\n").encode("utf-8")
        for _ in range(150 * 1024 * 1024 // len(line)):
            fh.write(line)
    cases.append(("150 MB text file", big, {}))
    fifo = folder / "pipe.txt"
    os.mkfifo(fifo)
    cases += [("a FIFO", fifo, {}), ("/dev/zero", Path("/dev/zero"), {})]
    return cases


def per_file(folder: Path) -> list[dict]:
    rows = []
    for label, path, extra in _cases(folder):
        env = {**os.environ, "BULLETINS_CACHE": "", "TMPDIR": str(folder), **extra}
        run = run_child([sys.executable, "-m", "bench.budget", "--one", str(path)], timeout=1800, cwd=ROOT, env=env)
        try:
            outcome = json.loads(run.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            outcome = {"ok": False, "reason": f"no outcome (exit {run.returncode}): {run.stderr[-300:]}"}
        rows.append({"case": label, "seconds": round(run.seconds, 2), "peak_rss_mb": round(run.max_rss_mb),
                     "outcome": "read" if outcome.get("ok") else outcome.get("reason", "")[:90]})
        print(f"{label}: {run.seconds:.2f} s, {run.max_rss_mb:.0f} MB — {rows[-1]['outcome']}", file=sys.stderr)
    return rows


def bounds() -> dict[str, float]:
    from archive.readers.limits import DEFAULT_LIMITS as L

    helper = max(L.convert_seconds, max(L.ocr_min_seconds, L.ocr_seconds_per_page * L.ocr_pages))
    return {"wall_seconds": L.wall_seconds, "worst_wall_seconds": L.wall_seconds + helper,
            "memory_mb_above_start": L.memory_bytes / 2**20, "helper_memory_mb": L.helper_memory_bytes / 2**20,
            "ocr_pages": L.ocr_pages}


def _index(corpus: Path, index: Path, env_extra: dict[str, str]) -> dict:
    env = {**os.environ, "BULLETINS_CACHE": "", **env_extra}
    run = run_child([sys.executable, "-c", "from bulletins.cli import cli; cli()", "index", "--json",
                     "--corpus", str(corpus), "--index", str(index)], timeout=7200, cwd=ROOT, env=env)
    summary = json.loads(run.stdout.strip().splitlines()[-1])
    return {"seconds": round(run.seconds, 1), "cpu_seconds": round(run.cpu_s, 1),
            "peak_rss_mb": round(run.max_rss_mb), "added": summary["added"],
            "rejected": [r["reason"][:60] for r in summary["rejected"]], "articles": summary["articles"]}


def index_growth(folder: Path, files: int) -> dict:
    from bench.generate import generate_corpus
    from tests import bombs

    good = folder / "good"
    generate_corpus(files, 1, good)
    with_bomb = folder / "with-bomb"
    shutil.copytree(good, with_bomb)
    bombs.write_ofd_composite_bomb(with_bomb / "bomb.ofd")
    out = {"files": files}
    out["good"] = _index(good, folder / "i-good", {})
    out["good+bomb"] = _index(with_bomb, folder / "i-bomb", {})
    out["good+bomb, object budget lifted, 10 s wall"] = _index(
        with_bomb, folder / "i-slow", {"BULLETINS_READ_OBJECTS": "1000000000000", "BULLETINS_READ_SECONDS": "10"})
    base = out["good"]["seconds"]
    for key in ("good+bomb", "good+bomb, object budget lifted, 10 s wall"):
        out[key]["growth_seconds"] = round(out[key]["seconds"] - base, 1)
        out[key]["growth_cpu_seconds"] = round(out[key]["cpu_seconds"] - out["good"]["cpu_seconds"], 1)
    return out


def _hold(megabytes: int) -> list:
    """Small objects until this process's resident size reaches `megabytes` (a build's state)."""
    from bench.measure import vm_rss_mb

    held: list = []
    while (vm_rss_mb(os.getpid()) or megabytes) < megabytes:
        held.extend((i, str(i)) for i in range(len(held), len(held) + 100_000))
    return held


def read_rate(folder: Path, files: int, held_mb: int, rounds: int = 3) -> dict:
    """ms a file and files a second reading `files` generated issues three ways (see the module doc)."""
    from archive.parse import parse_file
    from archive.readers.budget import parse_within_budget, run_within_budget, stop_readers
    from archive.readers.limits import Limits
    from bench.generate import generate_corpus
    from bench.measure import vm_rss_mb

    generate_corpus(files, 1, folder)
    paths = sorted(folder.iterdir())
    limits = Limits.from_env()
    held = _hold(held_mb)
    ways = {
        "long-lived worker": lambda p: parse_within_budget(p, limits),
        "fork per file": lambda p: run_within_budget(lambda: parse_file(p, limits), str(p), limits),
        "in process": lambda p: parse_file(p, limits),
    }
    parse_within_budget(paths[0], limits)  # the worker's start (once per thread) is not a file's cost
    seconds = {way: 0.0 for way in ways}
    for _ in range(rounds):
        for way, read in ways.items():
            t0 = time.perf_counter()
            for p in paths:
                read(p)
            seconds[way] += time.perf_counter() - t0
    out = {"files": files, "rounds": rounds, "held_mb": round(vm_rss_mb(os.getpid()) or 0), "held_objects": len(held)}
    for way, s in seconds.items():
        n = files * rounds
        out[way] = {"ms_per_file": round(1000 * s / n, 1), "files_per_second": round(n / s, 1)}
    stop_readers()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--one", help=argparse.SUPPRESS)
    ap.add_argument("--files", type=int, default=1000, help="good files in the index comparison")
    ap.add_argument("--skip-index", action="store_true", help="only the per-file costs")
    ap.add_argument("--skip-files", action="store_true", help="only the index comparison")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    ap.add_argument("--rate", type=int, metavar="N", help="only the read rate of N issues (see the module doc)")
    ap.add_argument("--held-mb", type=int, default=300, help="MB the reading process holds for --rate")
    args = ap.parse_args(argv)
    if args.one:
        return _one(args.one)
    if args.rate:
        with tempfile.TemporaryDirectory(prefix="bench-budget-") as tmp:
            print(json.dumps(read_rate(Path(tmp), args.rate, args.held_mb), ensure_ascii=False, indent=1))
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-budget-") as tmp:
        files = Path(tmp) / "files"
        files.mkdir()
        result: dict = {"bounds": bounds(), "per_file": [] if args.skip_files else per_file(files)}
        if not args.skip_index:
            result["index"] = index_growth(Path(tmp) / "index", args.files)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        b = result["bounds"]
        print(f"bounds: wall {b['wall_seconds']:g} s (with a helper {b['worst_wall_seconds']:g} s), worker "
              f"+{b['memory_mb_above_start']:g} MB address space, helper {b['helper_memory_mb']:g} MB")
        print("| file | wall s | peak RSS MB | outcome |\n| --- | --- | --- | --- |")
        for r in result["per_file"]:
            print(f"| {r['case']} | {r['seconds']} | {r['peak_rss_mb']} | {r['outcome']} |")
        if "index" in result:
            print(json.dumps(result["index"], ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
