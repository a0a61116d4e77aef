"""The fetched real documents of `tests/realdocs/sources.json` (issue 19): where they are, and fetching them.

The documents came from public GitHub repositories; they are not kept in git
(see tests/realdocs/README.md). `sources.json` names for each one the
repository, path and commit it came from and the sha256 of its bytes. On the
build machine they are in `../shared/corpora/realdocs-gh/`; anywhere else

    .venv/bin/python -m bench.realdocs fetch [--dest DIR] [--mirror GITDIR]

brings each from the repository at that commit (from a local git mirror
when one is given, else from raw.githubusercontent.com) and keeps it only if
its sha256 matches. Tests and benchmarks that need them skip when absent.

Where the shared folder is read-only or elsewhere, set `BULLETINS_REALDOCS`
to the folder the documents were fetched into (`fetch --dest` writes there
too when `--dest` is not given); every test and benchmark reads `root()`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SOURCES = REPO / "tests" / "realdocs" / "sources.json"
# Where the build machine keeps them when the worktree's ../shared is not beside it.
FALLBACK_ROOT = Path("/work/shared/corpora/realdocs-gh")
FETCH_TIMEOUT_S = 60
ROOT_ENV = "BULLETINS_REALDOCS"  # overrides where the fetched documents live


@dataclass(frozen=True)
class Source:
    """One fetched document: its file name, where it came from and what it is."""

    name: str
    repo: str
    path: str
    commit: str
    sha256: str
    office: str
    group: str
    format: str
    kind: str
    half: str

    @property
    def url(self) -> str:
        return f"https://raw.githubusercontent.com/{self.repo}/{self.commit}/{self.path}"


def load_sources(path: Path = SOURCES) -> list[Source]:
    """Every document `sources.json` lists, in its order."""
    data = json.loads(path.read_text("utf-8"))
    fields = Source.__dataclass_fields__
    return [Source(name=name, **{k: v for k, v in d.items() if k in fields}) for name, d in data["documents"].items()]


def root() -> Path:
    """The folder the fetched documents live in (it may not exist): $BULLETINS_REALDOCS, else the shared one."""
    if os.environ.get(ROOT_ENV):
        return Path(os.environ[ROOT_ENV]).expanduser().resolve()
    rel = json.loads(SOURCES.read_text("utf-8"))["root"]
    here = (REPO / rel).resolve()
    return here if here.is_dir() else FALLBACK_ROOT


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def present(folder: Path | None = None, check: bool = False) -> dict[str, Path]:
    """name → path of the documents on this machine (with `check`, only those whose sha256 matches)."""
    folder = folder or root()
    out = {}
    for s in load_sources():
        p = folder / s.name
        if p.is_file() and (not check or sha256_of(p.read_bytes()) == s.sha256):
            out[s.name] = p
    return out


def _bytes_from(s: Source, mirror: Path | None) -> bytes:
    if mirror is not None:
        run = subprocess.run(["git", "-C", str(mirror), "show", f"{s.commit}:{s.path}"], capture_output=True)
        if run.returncode == 0:
            return run.stdout
    with urllib.request.urlopen(s.url, timeout=FETCH_TIMEOUT_S) as resp:  # noqa: S310 (a fixed https URL)
        return resp.read()


def fetch(dest: Path, mirror: Path | None = None) -> dict[str, Any]:
    """Bring every missing or altered document into `dest`; one Chinese line per failure."""
    dest.mkdir(parents=True, exist_ok=True)
    done = kept = failed = 0
    for s in load_sources():
        target = dest / s.name
        if target.is_file() and sha256_of(target.read_bytes()) == s.sha256:
            kept += 1
            continue
        try:
            data = _bytes_from(s, mirror)
        except OSError as exc:
            print(f"无法获取 {s.name}（{s.repo}:{s.path}）：{exc}", file=sys.stderr)
            failed += 1
            continue
        if sha256_of(data) != s.sha256:
            print(f"{s.name} 的 sha256 与清单不符，未保存（{s.repo}@{s.commit[:7]}:{s.path}）", file=sys.stderr)
            failed += 1
            continue
        target.write_bytes(data)
        done += 1
    return {"fetched": done, "already": kept, "failed": failed}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    f = sub.add_parser("fetch", help="fetch the documents of sources.json and check their sha256")
    f.add_argument("--dest", type=Path, default=None, help="default: the root named in sources.json")
    f.add_argument("--mirror", type=Path, default=None, help="a local git directory of the source repository")
    sub.add_parser("check", help="how many documents are present with the right sha256")
    args = ap.parse_args(argv)
    if args.cmd == "fetch":
        dest = args.dest or (root() if os.environ.get(ROOT_ENV) else (REPO / json.loads(SOURCES.read_text("utf-8"))["root"]).resolve())
        res = fetch(dest, args.mirror)
        print(f"已获取 {res['fetched']} 份，已有 {res['already']} 份，失败 {res['failed']} 份：{dest}")
        return 1 if res["failed"] else 0
    n = len(present(check=True))
    print(f"{root()}：{n}/{len(load_sources())} 份文件在位且 sha256 相符")
    return 0 if n else 1


if __name__ == "__main__":
    sys.exit(main())
