"""The fetched real documents of `tests/realdocs/sources.json` (issue 19): where they are, and fetching them.

The documents came from public GitHub repositories; they are not kept in git
(see tests/realdocs/README.md). `sources.json` names for each one the
repository, path and commit it came from and the sha256 of its bytes. On the
build machine they are in `../shared/corpora/realdocs-gh/`; anywhere else

    .venv/bin/python -m bench.realdocs fetch [--dest DIR] [--mirror GITDIR]

brings each from the repository at that commit (from a local git mirror
when one is given, else from raw.githubusercontent.com) and keeps it only if
its sha256 matches. Tests and benchmarks that need them skip when absent.
`--mirror` is one repository's git directory, or a folder of them named
`owner+name/repo` (as the session's fetch tool lays them out), so a list that
spans repositories comes from one folder.

A new document goes into the list with

    .venv/bin/python -m bench.realdocs add --mirror GITDIR --repo OWNER/NAME --path PATH \
        --office 发文机关 --group 组 [--kind 公文|简报] [--commit SHA]

which reads its bytes at that commit, records their sha256, its format (by
suffix) and its half (the seeded by-office rule), and refuses a repository
kept aside to check the work (issue 19) and a document already listed.

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
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SOURCES = REPO / "tests" / "realdocs" / "sources.json"
# Where `fetch` puts them when ../shared holds none (it may be read-only): ignored by git.
FALLBACK_ROOT = REPO / "var" / "realdocs-gh"
FETCH_TIMEOUT_S = 60
ROOT_ENV = "BULLETINS_REALDOCS"  # overrides where the fetched documents live
# Sources kept aside to check the work (issue 19): never a document of the list.
OFF_LIMITS = frozenset({"geek-plus/mirror-cn"})
SPLIT_SEED = "realdocs-gh-1:office:"  # the by-office split of sources.json's split_rule
NAME_HASH_CHARS = 10  # the sha256 characters in a listed file's name
FORMATS = {
    ".md": "markdown", ".txt": "text", ".htm": "html", ".html": "html", ".pdf": "pdf", ".doc": "doc",
    ".docx": "docx", ".wps": "wps", ".ofd": "ofd", ".jpg": "scan", ".jpeg": "scan", ".png": "scan", ".tif": "scan",
}


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
        return f"https://raw.githubusercontent.com/{self.repo}/{self.commit}/{urllib.parse.quote(self.path)}"


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


def half_of(office: str) -> str:
    """dev or eval: the half an issuing office's documents all go to (sources.json's split_rule)."""
    return "dev" if int(sha256_of((SPLIT_SEED + office).encode())[:2], 16) % 2 == 0 else "eval"


def git_dir(mirror: Path, repo: str) -> Path:
    """The git directory of `repo` under `mirror`: `mirror` itself, or its `owner+name/repo` folder."""
    nested = mirror / repo.replace("/", "+") / "repo"
    return nested if nested.is_dir() else mirror


def _git_show(gitdir: Path, commit: str, path: str) -> bytes | None:
    run = subprocess.run(["git", "-C", str(gitdir), "show", f"{commit}:{path}"], capture_output=True)
    return run.stdout if run.returncode == 0 else None


def _bytes_from(s: Source, mirror: Path | None) -> bytes:
    if mirror is not None:
        data = _git_show(git_dir(mirror, s.repo), s.commit, s.path)
        if data is not None:
            return data
    with urllib.request.urlopen(s.url, timeout=FETCH_TIMEOUT_S) as resp:  # noqa: S310 (a fixed https URL)
        return resp.read()


def fetch(dest: Path, mirror: Path | None = None, sources: Path = SOURCES) -> dict[str, Any]:
    """Bring every missing or altered document of `sources` into `dest`; one Chinese line per failure."""
    dest.mkdir(parents=True, exist_ok=True)
    done = kept = failed = 0
    for s in load_sources(sources):
        target = dest / s.name
        if target.is_file() and sha256_of(target.read_bytes()) == s.sha256:
            kept += 1
            continue
        try:
            data = _bytes_from(s, mirror)
        except (OSError, ValueError) as exc:
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


def add(mirror: Path, repo: str, path: str, office: str, group: str, kind: str = "公文",
        commit: str = "HEAD", sources: Path = SOURCES) -> str:
    """List one document of a local mirror in `sources`; its file name. ValueError (in Chinese) when refused."""
    if repo.lower() in OFF_LIMITS:
        raise ValueError(f"{repo} 留作检验（issue 19），不得作为来源")
    gitdir = git_dir(mirror, repo)
    run = subprocess.run(["git", "-C", str(gitdir), "rev-parse", "--verify", f"{commit}^{{commit}}"],
                         capture_output=True, text=True)
    if run.returncode != 0:
        raise ValueError(f"{gitdir} 中没有提交 {commit}")
    sha_commit = run.stdout.strip()
    data = _git_show(gitdir, sha_commit, path)
    if data is None:
        raise ValueError(f"{repo}@{sha_commit[:7]} 中没有文件 {path}")
    digest = sha256_of(data)
    listing = json.loads(sources.read_text("utf-8"))
    for name, d in listing["documents"].items():
        if d["sha256"] == digest:
            raise ValueError(f"{repo}:{path} 与清单中的 {name} 字节相同，未重复加入")
    suffix = Path(path).suffix.lower()
    prefix = "".join(c for c in repo.split("/", 1)[-1].lower() if c.isalnum())[:12] or "doc"
    name = f"{prefix}-{digest[:NAME_HASH_CHARS]}{suffix}"
    listing["documents"][name] = {
        "repo": repo, "path": path, "commit": sha_commit, "sha256": digest, "bytes": len(data), "office": office,
        "group": group, "format": FORMATS.get(suffix, suffix.lstrip(".") or "unknown"), "kind": kind,
        "half": half_of(office),
    }
    sources.write_text(json.dumps(listing, ensure_ascii=False, indent=1), "utf-8")
    return name


def _default_dest() -> Path:
    if os.environ.get(ROOT_ENV):
        return root()
    return (REPO / json.loads(SOURCES.read_text("utf-8"))["root"]).resolve()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    f = sub.add_parser("fetch", help="fetch the documents of sources.json and check their sha256")
    f.add_argument("--dest", type=Path, default=None, help="default: the root named in sources.json")
    f.add_argument("--mirror", type=Path, default=None,
                   help="a local git directory of the source repository, or a folder of owner+name/repo mirrors")
    sub.add_parser("check", help="how many documents are present with the right sha256")
    a = sub.add_parser("add", help="list one document of a local mirror in sources.json")
    a.add_argument("--mirror", type=Path, required=True)
    a.add_argument("--repo", required=True, help="owner/name on GitHub")
    a.add_argument("--path", required=True)
    a.add_argument("--office", required=True, help="the issuing office (a joint issue: the joint list)")
    a.add_argument("--group", required=True)
    a.add_argument("--kind", default="公文", choices=("公文", "简报"))
    a.add_argument("--commit", default="HEAD")
    args = ap.parse_args(argv)
    if args.cmd == "add":
        try:
            name = add(args.mirror, args.repo, args.path, args.office, args.group, args.kind, args.commit)
        except ValueError as exc:
            print(f"未加入：{exc}", file=sys.stderr)
            return 1
        print(f"已加入 {name}：{args.repo}:{args.path}")
        return 0
    if args.cmd == "fetch":
        dest = args.dest or _default_dest()
        res = fetch(dest, args.mirror)
        print(f"已获取 {res['fetched']} 份，已有 {res['already']} 份，失败 {res['failed']} 份：{dest}")
        return 1 if res["failed"] else 0
    n = len(present(check=True))
    print(f"{root()}：{n}/{len(load_sources())} 份文件在位且 sha256 相符")
    return 0 if n else 1


if __name__ == "__main__":
    sys.exit(main())
