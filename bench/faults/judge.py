"""Drive each generated fault through its entry points and judge whether the archive held.

    python -m bench.faults score [--split dev|eval|sealed|all] [--seeds 2] [--seed 0] [--only TEXT] [--light]

The archive holds a fault when:

* file faults — `bulletins check FILE`, `bulletins add FILE` and a `bulletins index` run over a
  corpus holding the file beside good issues each end with exit 0 or 1 and no traceback; a
  refusal is a Chinese reason naming the file (no crash mark of tests/fuzz.py); the good issues
  (old and new) are searchable after the run; nothing from outside the corpus is;
* web faults — the answer is not a 5xx (a 503 only for a damaged index), shows no traceback
  and no server path, reflects no markup unescaped, and comes within HANG_GUARD seconds;
* store faults — after the damage the pages and API answer 200 or 503 without a traceback or
  path, `bulletins search` exits 0 or 1 with one line, and the next `bulletins index` makes
  the archive whole again;
* folder faults — the command exits 1 or 2 with a Chinese message naming the thing (or exits
  as expected), no traceback, and the archive already served is still whole after it.

Every CLI run speaks Chinese (LANGUAGE=zh_CN) and reads each file under a budget of
READ_SECONDS wall seconds (BULLETINS_READ_SECONDS), so a run stays short.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.faults.kinds import MARK, OUTSIDE, Bases, CliRun, Kind, Request, kinds
try:
    from archive.errors import shown
except ImportError:  # scoring a version from before archive.errors.shown: names as they are
    def shown(text: object) -> str:
        return str(text)
from tests.fuzz import CRASH_MARKS

REPO = Path(__file__).resolve().parents[2]
READ_SECONDS = 20  # the per-file wall budget for the scoring runs
HANG_GUARD = 60.0  # seconds: a stall, not a timing
UPLOAD_BYTES = 64 * 1024 * 1024  # a bigger file is not sent through the upload page (its body limit refuses it)
CJK = re.compile(r"[\u4e00-\u9fff]")
TRACEBACK = ("Traceback (most recent call last)", "File \"/", "Werkzeug Debugger")
BIDI = re.compile(r"[\u200b-\u200f\u2028-\u202e\u2066-\u2069]")  # marks that reorder or hide what a page shows
MARKUP = ("<script>alert", "<svg onload", "<img src=x", "<b>")  # markup sent in a request, found unescaped
SEED_TERM = "志愿服务"  # in the seed issue and in every good issue of the site
CLI_ENV = {"LANGUAGE": "zh_CN", "BULLETINS_READ_SECONDS": str(READ_SECONDS), "BULLETINS_READ_CPU_SECONDS": str(READ_SECONDS)}


@dataclass
class Verdict:
    kind: str
    split: str
    entry: str
    seed: int
    held: bool
    why: str = ""
    seconds: float = 0.0


# -- the site: a small real archive -----------------------------------------------------------------

def good_issue(series: str, n: int) -> str:
    """A raw-text issue in the seed's shape: header, two articles on 志愿服务, footer."""
    parts = ["工作资料 注意保存", series, f"第{n}期", "江苏省志愿服务测试办公室", f"2023年{n + 1}月{n + 10}日"]
    for k, city in enumerate(("南京市", "苏州市"), 1):
        parts += [f"{city}:第{n}期第{k}篇 志愿服务惠民生",
                  f"今年以来,{city}广泛开展志愿服务活动,组织志愿者深入社区,累计服务群众{100 + n * 10 + k}人次。"]
    parts += ["报:省文明办", "发:各设区市文明办", f"(苏志测字{n}号 共印100份)"]
    return "\n\n".join(parts) + "\n"


def cli(args: list[str], env: dict[str, str] | None = None) -> tuple[int, str, BaseException | None, float]:
    """`bulletins ARGS` in-process (Chinese, the scoring budget): exit code, output, exception, seconds."""
    from click.testing import CliRunner

    from bulletins.cli import cli as bulletins

    t0 = time.monotonic()
    r = CliRunner().invoke(bulletins, args, env={**CLI_ENV, **(env or {})})
    exc = r.exception if r.exception is not None and not isinstance(r.exception, SystemExit) else None
    out = r.output + (r.stderr if r.stderr_bytes is not None else "") if hasattr(r, "stderr_bytes") else r.output
    return r.exit_code, out, exc, time.monotonic() - t0


def cli_subprocess(args: list[str], fsize: int | None, stdout: str | None = None, uid: int | None = None,
                   env: dict[str, str] | None = None) -> tuple[int, str, BaseException | None, float]:
    """`bulletins ARGS` in a child whose written files may not grow past `fsize` bytes (a full disk),
    whose output goes to a pipe its reader closed (`stdout="closed"`), run as user `uid`."""
    import resource

    def limit() -> None:
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
        if uid is not None:
            os.setgid(uid)
            os.setuid(uid)

    t0 = time.monotonic()
    full_env = {**os.environ, **CLI_ENV, **(env or {})}
    if uid is not None:
        full_env["HOME"] = "/nonexistent"
    argv = [sys.executable, "-c", "from bulletins.cli import cli; cli()", *args]
    if stdout == "closed":
        p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=full_env, preexec_fn=limit, cwd=REPO)
        assert p.stdout is not None and p.stderr is not None
        p.stdout.close()  # the reader went away (`| head -0`)
        err = p.stderr.read().decode("utf-8", "replace")
        p.wait(timeout=600)
        return p.returncode, err, None, time.monotonic() - t0
    if stdout not in (None, "pipe"):  # a file or device (`> /dev/full`): what is said is on stderr
        with open(stdout, "wb") as sink:
            p3 = subprocess.run(argv, stdout=sink, stderr=subprocess.PIPE, env=full_env, preexec_fn=limit, timeout=600, cwd=REPO)
        return p3.returncode, p3.stderr.decode("utf-8", "replace"), None, time.monotonic() - t0
    p2 = subprocess.run(argv, capture_output=True, text=True, env=full_env, preexec_fn=limit, timeout=600, cwd=REPO)
    return p2.returncode, p2.stdout + p2.stderr, None, time.monotonic() - t0


def make_site(root: Path) -> dict[str, Any]:
    """A corpus of the seed and two good issues, indexed; the id of the seed's bulletin."""
    corpus, index = root / "corpus", root / "index"
    corpus.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "corpus" / "江苏精神文明建设简报-2022-第11期.txt", corpus)
    (corpus / "sub").mkdir(exist_ok=True)
    for n in (1, 2):
        (corpus / "sub" / f"good-{n}.txt").write_text(good_issue("志愿服务测试简报", n), encoding="utf-8")
    code, out, exc, _ = cli(["index", "--corpus", str(corpus), "--index", str(index)])
    assert code == 0 and exc is None, out
    return {"root": root, "corpus": corpus, "index": index}


def copy_site(site: dict[str, Any], dest: Path) -> dict[str, Any]:
    shutil.copytree(site["root"], dest, symlinks=True)
    return {"root": dest, "corpus": dest / "corpus", "index": dest / "index"}


def hits(index: Path, q: str = SEED_TERM) -> int:
    """How many hits the archive at `index` gives for `q` (a fresh searcher), -1 when it cannot search."""
    from webui import create_app

    r = create_app({"TESTING": True, "INDEX_DIR": str(index)}).test_client().get("/api/search", query_string={"q": q})
    return int(r.get_json().get("total", -1)) if r.status_code == 200 else -1


def _part_files(corpus: Path) -> list[str]:
    """The half-written `.…part` files left in the corpus (folders past PATH_MAX are passed over)."""
    return [f for _, _, files in os.walk(corpus) for f in files if f.startswith(".") and f.endswith("part")]


CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _clean_output(out: str, exc: BaseException | None, where: str) -> str:
    """Why a CLI output is not a clean one ("" when it is): an exception, a traceback, or control
    characters (a terminal escape or a line break from a file name can forge what the operator reads)."""
    if exc is not None:
        return f"{where}: uncaught {type(exc).__name__}: {str(exc)[:120]}"
    if any(t in out for t in TRACEBACK):
        return f"{where}: traceback in output"
    bad = CONTROL.search(out)
    if bad:
        return f"{where}: control character {bad.group()!r} in output: {out[max(0, bad.start() - 60):bad.start() + 20]!r}"
    return ""


def _named_refusal(out: str, path: Path, where: str) -> str:
    """Why the lines about `path` in `out` are not a Chinese refusal naming it ("" when they are)."""
    name = shown(path.name)  # as the CLI shows a name: control characters escaped
    lines = [ln for ln in out.splitlines() if name in ln]
    if not lines:
        return f"{where}: no line names {name}"
    if not any(CJK.search(ln.split(name, 1)[-1]) for ln in lines):
        return f"{where}: reason not in Chinese: {lines[0][:160]}"
    if any(m in ln for ln in lines for m in CRASH_MARKS):
        return f"{where}: a crash, not a refusal: {lines[0][:160]}"
    return ""


# -- file faults ------------------------------------------------------------------------------------

def judge_check(path: Path) -> str:
    code, out, exc, secs = cli(["check", str(path)])
    why = _clean_output(out, exc, "check") or ("" if code in (0, 1) else f"check: exit {code}")
    if not why and code == 1:
        why = _named_refusal(out, path, "check")
    if not why and secs > HANG_GUARD:
        why = f"check: {secs:.0f} s"
    return why


def judge_add(path: Path, site: dict[str, Any]) -> str:
    before = hits(site["index"])
    code, out, exc, secs = cli(["add", str(path), "--corpus", str(site["corpus"]), "--index", str(site["index"])])
    why = _clean_output(out, exc, "add") or ("" if code in (0, 1) else f"add: exit {code}")
    if not why and code == 1:
        why = _named_refusal(out, path, "add")
    if not why and hits(site["index"]) < before:
        why = "add: archived articles lost"
    if not why and _part_files(site["corpus"]):
        why = "add: a part file left in the corpus"
    if not why and hits(site["index"], OUTSIDE) > 0:
        why = "add: a file outside the corpus was read"
    if not why and code == 0:
        why = judge_rendered(site)
    if not why and secs > HANG_GUARD:
        why = f"add: {secs:.0f} s"
    return why


# a hostile document's active content, found in a page as markup (escaped, each starts `&lt;` or `&#34;`)
ACTIVE = ("<script>alert", "<img src=x onerror", "<svg onload", 'href="javascript:', "<iframe", '<form action="https://example',
          "<style>body{display:none}")


def judge_rendered(site: dict[str, Any]) -> str:
    """Why a page of an archived hostile document (one carrying MARK) is not safe: its active
    content rendered as markup ("" when every page of it shows it as text or not at all)."""
    from webui import create_app

    client = create_app({"TESTING": True, "INDEX_DIR": str(site["index"]), "CORPUS_DIR": str(site["corpus"])}).test_client()
    r = client.get("/api/search", query_string={"q": MARK})
    found = r.get_json().get("hits", []) if r.status_code == 200 else []
    for bid in sorted({h.get("bulletin_id") for h in found if h.get("bulletin_id")}):
        for url in (f"/bulletin/{bid}", f"/?q={MARK}"):
            page = client.get(url)
            body = page.get_data(as_text=True)
            if page.status_code >= 500 or any(t in body for t in TRACEBACK):
                return f"page {url[:60]}: {page.status_code}"
            bad = [m for m in ACTIVE if m in body]
            if bad:
                return f"page {url[:60]}: renders the document's {bad[0]!r} as markup"
    return ""


def judge_index_batch(faults: list[tuple[Kind, int, Path]], site: dict[str, Any]) -> dict[tuple[str, int], str]:
    """One `bulletins index` over the site's corpus with every fault file in it and a new good issue:
    each fault's verdict (its file indexed or named), all failing when the run itself fails."""
    corpus = site["corpus"]
    before = hits(site["index"])
    (corpus / "new").mkdir(exist_ok=True)
    (corpus / "new" / "good-3.txt").write_text(good_issue("志愿服务测试简报", 3), encoding="utf-8")
    placed: dict[tuple[str, int], Path] = {}
    for kind, seed, path in faults:
        dest = corpus / f"f-{kind.name}-{seed}"
        dest.mkdir()
        target = dest / path.name
        if path.is_symlink():
            target.symlink_to(os.readlink(path) if os.path.isabs(os.readlink(path)) else os.readlink(path))
            if not os.path.isabs(os.readlink(path)):  # a relative link: the same target beside it
                src = path.parent / os.readlink(path)
                if src.exists() and src != path and not (dest / os.readlink(path)).exists():
                    shutil.copy(src, dest / os.readlink(path)) if src.is_file() else None
        elif path.is_fifo() or path.is_socket():
            if path.is_fifo():
                os.mkfifo(target)
            else:
                import socket

                s = socket.socket(socket.AF_UNIX)
                s.bind(str(target))
                s.close()
        elif path.is_dir():
            shutil.copytree(path, target)
        else:
            try:
                os.link(path, target)  # a sparse file keeps its holes
            except OSError:
                shutil.copy(path, target)
        placed[(kind.name, seed)] = target
    code, out, exc, secs = cli(["index", "--corpus", str(corpus), "--index", str(site["index"])])
    run_why = _clean_output(out, exc, "index") or ("" if code in (0, 1) else f"index: exit {code}")
    if not run_why:
        after, new = hits(site["index"]), hits(site["index"], "第3期第1篇")
        if after < before or new < 1:
            run_why = f"index: the run did not go on (hits {before} → {after}, new issue {new})"
    if not run_why and hits(site["index"], OUTSIDE) > 0:
        run_why = "index: a file outside the corpus was read"
    verdicts: dict[tuple[str, int], str] = {}
    for key, target in placed.items():
        if run_why:
            verdicts[key] = run_why
            continue
        rel = shown(target.relative_to(corpus))
        named = [ln for ln in out.splitlines() if shown(target.name) in ln or rel in ln]
        rejected = any(("拒绝" in ln or "rejected" in ln or "跳过" in ln or "警告" in ln or "不能" in ln) for ln in named)
        verdicts[key] = "" if (not named or rejected or not any(m in ln for ln in named for m in CRASH_MARKS)) else \
            f"index: {named[0][:160]}"
        if named and any(m in ln for ln in named for m in CRASH_MARKS):
            verdicts[key] = f"index: a crash, not a refusal: {named[0][:160]}"
        elif named and not any(CJK.search(ln.replace(rel, "")) for ln in named):
            verdicts[key] = f"index: not in Chinese: {named[0][:160]}"
    return verdicts


def judge_upload(path: Path, apps: dict[str, Any]) -> str:
    """The file sent through the browser's upload (an editor): read as `add` reads it, the page
    names it and the reason, and shows no traceback or server path."""
    if path.is_symlink() or not path.is_file():
        return ""  # a browser sends bytes, not a FIFO or a link
    if path.stat().st_size > UPLOAD_BYTES:
        return ""  # refused by its length before it is read (the server's body limit)
    data = path.read_bytes()
    name = os.fsencode(path.name).decode("utf-8", "replace")  # a browser sends a name it could read: UTF-8
    req = Request("POST", "/upload", data={"files": [(io.BytesIO(data), name)]}, user="editor",
                  content_type="multipart/form-data")
    return judge_request(req, apps, names=name)


# -- web faults -------------------------------------------------------------------------------------

def _login(client: Any) -> str:
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    client.post("/login", data={"username": "editor", "password": "editor-password", "csrf_token": token})
    page = client.get("/upload").get_data(as_text=True)
    m = re.search(r'name="csrf_token" value="([^"]+)"', page)
    return m.group(1) if m else ""


def web_apps(site: dict[str, Any]) -> dict[str, Any]:
    """The public app and an app with accounts on (an editor for the upload routes)."""
    from webui import create_app
    from webui.access_store import AccessStore
    from webui.auth_passwords import hash_password

    inst = site["root"] / "instance"
    st = AccessStore(inst)
    if st.get_user("editor") is None:
        st.add_user("editor", hash_password("editor-password"), "编辑")
    public = create_app({"TESTING": True, "INDEX_DIR": str(site["index"]), "CORPUS_DIR": str(site["corpus"])})
    accounts = create_app({"TESTING": True, "INDEX_DIR": str(site["index"]), "CORPUS_DIR": str(site["corpus"]),
                           "ACCOUNTS": True, "ACCESS_DIR": str(inst), "UPLOAD_READ_WAIT": 5.0})
    c = public.test_client()
    bid = c.get("/api/search", query_string={"q": "文明"}).get_json()["hits"][0]["bulletin_id"]
    return {"public": public, "accounts": accounts, "bid": bid, "paths": [str(site["root"]), str(REPO), "/tmp/", "/work/"]}


def _multipart(data: dict[str, Any]) -> tuple[bytes, str]:
    """A form's body encoded in memory, as a browser sends it (the test client spools a body over
    500 KB to a temporary file it never closes: a ResourceWarning that is the client's, not the app's)."""
    from werkzeug.datastructures import FileStorage, MultiDict
    from werkzeug.test import encode_multipart

    items: MultiDict[str, Any] = MultiDict()
    for key, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            items.add(key, FileStorage(stream=item[0], filename=item[1]) if isinstance(item, tuple) else item)
    boundary, body = encode_multipart(items)
    return body, f"multipart/form-data; boundary={boundary}"


def judge_request(req: Request, apps: dict[str, Any], allow_503: bool = False, names: str = "") -> str:
    app = apps["accounts"] if req.user else apps["public"]
    client = app.test_client()
    data = req.data
    if req.user and req.user != "anonymous":
        token = _login(client)
        if isinstance(data, dict) and req.csrf:
            data = {**data, "csrf_token": token}
    for name, value in req.cookies.items():
        client.set_cookie(name, value)
    content_type = req.content_type
    if isinstance(data, dict) and (content_type or "").startswith("multipart/form-data"):
        data, content_type = _multipart(data)
    t0 = time.monotonic()
    try:
        r = client.open(req.path, method=req.method, query_string=req.query or None, data=data, headers=req.headers,
                        content_type=content_type)
    except Exception as ex:  # noqa: BLE001 — an exception out of the app is a 500 with a traceback
        return f"{req.method} {req.path[:60]}: uncaught {type(ex).__name__}: {str(ex)[:120]}"
    secs = time.monotonic() - t0
    try:
        raw = r.get_data() if r.status_code != 206 and "image" not in (r.content_type or "") else b""
        body = raw.decode("utf-8", "replace")  # an export may be binary (xlsx, docx)
    finally:
        r.close()  # a file sent by the response is closed with it
    where = f"{req.method} {req.path[:60]}"
    if r.status_code >= 500 and not (allow_503 and r.status_code == 503):
        return f"{where}: {r.status_code} {body[:160]!r}"
    if any(t in body for t in TRACEBACK):
        return f"{where}: traceback in the page"
    leaked = [p for p in apps["paths"] if p in body]
    if leaked:
        return f"{where}: shows a server path {leaked[0]}"
    sent = " ".join(v for _, v in req.query) + req.path
    if any(m in sent and m in body for m in MARKUP):
        return f"{where}: reflects markup unescaped"
    if secs > HANG_GUARD:
        return f"{where}: {secs:.0f} s"
    if getattr(req, "plain_names", False) and BIDI.search(body):
        return f"{where}: shows a bidirectional or zero-width mark of a name as it is: {BIDI.search(body).group()!r}"
    if req.deny and r.status_code < 300:
        return f"{where}: {r.status_code}, not refused"
    if req.deny and r.status_code < 400 and "/login" not in (r.headers.get("Location") or ""):
        return f"{where}: {r.status_code} to {r.headers.get('Location')}, not refused"
    if names and r.status_code < 300 and "不能入库" in body and not CJK.search(body.split("不能入库", 1)[1][:300]):
        return f"{where}: the refusal of {names} is not in Chinese"
    return ""


# -- store faults -----------------------------------------------------------------------------------

def judge_store(kind: Kind, seed: int, site: dict[str, Any]) -> str:
    what = kind.make(random.Random(seed), site["index"])
    if what.startswith("no "):
        return f"nothing to damage ({what})"
    apps = {"public": None, "accounts": None, "paths": [str(site["root"]), str(REPO), "/tmp/", "/work/"]}
    from webui import create_app

    apps["public"] = create_app({"TESTING": True, "INDEX_DIR": str(site["index"]), "CORPUS_DIR": str(site["corpus"])})
    for req in (Request("GET", "/", [("q", SEED_TERM)]), Request("GET", "/api/search", [("q", SEED_TERM)]),
                Request("GET", "/feed", [("q", SEED_TERM)]), Request("GET", "/series")):
        why = judge_request(req, apps, allow_503=True)
        if why:
            return f"{what}: {why}"
    code, out, exc, _ = cli(["search", SEED_TERM, "--index", str(site["index"])])
    why = _clean_output(out, exc, "search") or ("" if code in (0, 1) else f"search: exit {code}")
    if not why and code == 1 and not CJK.search(out):
        why = f"search: not in Chinese: {out[:160]}"
    if why:
        return f"{what}: {why}"
    for args in (["verify"], ["export", SEED_TERM, "-o", str(site["root"] / "export.csv"), "--force"]):
        code, out, exc, _ = cli([*args, "--index", str(site["index"])])
        why = _clean_output(out, exc, args[0]) or ("" if code in (0, 1) else f"{args[0]}: exit {code}")
        if not why and code == 1 and not CJK.search(out):
            why = f"{args[0]}: not in Chinese: {out[:160]}"
        if why:
            return f"{what}: {why}"
    code, out, exc, _ = cli(["index", "--corpus", str(site["corpus"]), "--index", str(site["index"])])
    why = _clean_output(out, exc, "index") or ("" if code == 0 else f"index: exit {code}: {out.strip()[-200:]}")
    warned = [ln for ln in out.splitlines() if ln.startswith(("警告", "warning"))]
    if not why and any(not CJK.search(ln.split("：", 1)[-1].split(": ", 1)[-1]) for ln in warned):
        why = f"index: a warning not in Chinese: {warned[0][:160]}"
    if not why and hits(site["index"]) < 1:
        why = "index: the archive was not made whole again"
    return f"{what}: {why}" if why else ""


# -- folder faults ----------------------------------------------------------------------------------

@contextlib.contextmanager
def _nobody_writes(root: Path | None) -> Any:
    """A run as a user who may write nothing under `root` (CliRun.uid): `root` bind-mounted
    read-only for the run (root itself cannot be kept out by permissions, and the interpreter
    may not be another user's to run)."""
    if root is None:
        yield
        return
    mounted = subprocess.run(["mount", "--bind", str(root), str(root)], capture_output=True).returncode == 0 and \
        subprocess.run(["mount", "-o", "remount,ro,bind", str(root)], capture_output=True).returncode == 0
    try:
        yield
    finally:
        if mounted or os.path.ismount(root):
            subprocess.run(["umount", "-l", str(root)], capture_output=True)


def judge_folder(kind: Kind, seed: int, site: dict[str, Any]) -> str:
    run: CliRun = kind.make(random.Random(seed), site)
    before = hits(site["index"])
    child = run.fsize is not None or run.stdout is not None or run.uid is not None
    with _nobody_writes(site["root"] if run.uid is not None else None):
        code, out, exc, _ = (cli_subprocess(run.args, run.fsize, run.stdout, None, run.env) if child
                             else cli(run.args, run.env))
    where = run.args[0]
    why = _clean_output(out, exc, where)
    if not why and run.stdout not in (None, "pipe") and ("Exception ignored" in out or "Error" in out):
        why = f"{where}: to a closed pipe: {out.strip()[-200:]}"
    if not why and code not in run.expect_exit and not (run.fsize is not None and code == 0):
        why = f"{where}: exit {code}: {out.strip()[-200:]}"
    last = (out.strip().splitlines() or [""])[-1]  # the error is the last line (after click's usage)
    if not why and code != 0 and not CJK.search(last):
        why = f"{where}: not in Chinese: {last[-160:]}"
    if not why and code != 0 and run.names and run.names not in out:
        why = f"{where}: does not name {run.names}: {out.strip()[-160:]}"
    if not why and code != 0 and len([ln for ln in out.strip().splitlines() if ln.strip()]) > getattr(run, "lines", 6):
        why = f"{where}: {len(out.splitlines())} lines, not one"
    if not why and before > 0 and hits(site["index"]) < before:
        why = f"{where}: archived articles lost"
    if not why and _part_files(site["corpus"]):
        why = f"{where}: a part file left in the corpus"
    return why


# -- scoring ----------------------------------------------------------------------------------------

def score(split: str, seeds: list[int], work: Path, only: str = "", heavy: bool = True,
          log: Any = None, entries: str = "file,web,store,folder") -> list[Verdict]:
    """Generate every fault of `split` (of the entry points in `entries`) for each seed, drive it, and judge it."""
    chosen = [k for k in kinds(split, only, heavy) if k.entry in entries.split(",")]
    base = make_site(work / "site")
    bases = Bases(work / "bases")
    verdicts: list[Verdict] = []

    def note(v: Verdict) -> None:
        verdicts.append(v)
        if log is not None:
            print(json.dumps(asdict(v), ensure_ascii=False), file=log, flush=True)

    n = 0
    file_faults: list[tuple[Kind, int, Path]] = []
    upload_apps = web_apps(copy_site(base, work / "upload")) if any(k.entry == "file" for k in chosen) else None
    for kind in [k for k in chosen if k.entry == "file"]:
        for seed in seeds:
            n += 1
            folder = work / "files" / f"{kind.name}-{seed}"
            folder.mkdir(parents=True)
            t0 = time.monotonic()
            try:
                path = kind.make(random.Random(seed), folder, bases)
            except Exception as ex:  # noqa: BLE001 — the generator cannot make this fault here
                note(Verdict(kind.name, kind.split, "file", seed, True, f"not made: {ex}"))
                continue
            why = judge_check(path)
            if not why and upload_apps is not None:
                why = judge_upload(path, upload_apps)
            if not why:
                site = copy_site(base, work / f"add-{n}")
                why = judge_add(path, site)
                shutil.rmtree(site["root"], ignore_errors=True)
            file_faults.append((kind, seed, path))
            note(Verdict(kind.name, kind.split, "file", seed, not why, why, round(time.monotonic() - t0, 1)))
    if file_faults:
        site = copy_site(base, work / "index-batch")
        batch = judge_index_batch(file_faults, site)
        for v in verdicts:
            why = batch.get((v.kind, v.seed), "")
            if v.entry == "file" and why and v.held:
                v.held, v.why = False, why
                if log is not None:
                    print(json.dumps({**asdict(v), "stage": "index"}, ensure_ascii=False), file=log, flush=True)
    web = [k for k in chosen if k.entry == "web"]
    if web:
        site = copy_site(base, work / "web")
        apps = web_apps(site)
        for kind in web:
            for seed in seeds:
                t0 = time.monotonic()
                req = kind.make(random.Random(seed), {"bid": apps["bid"]})
                why = judge_request(req, apps)
                note(Verdict(kind.name, kind.split, "web", seed, not why, why, round(time.monotonic() - t0, 1)))
    for kind in [k for k in chosen if k.entry in ("store", "folder")]:
        for seed in seeds:
            n += 1
            site = copy_site(base, work / f"{kind.entry}-{n}")
            t0 = time.monotonic()
            why = judge_store(kind, seed, site) if kind.entry == "store" else judge_folder(kind, seed, site)
            note(Verdict(kind.name, kind.split, kind.entry, seed, not why, why, round(time.monotonic() - t0, 1)))
            shutil.rmtree(site["root"], ignore_errors=True)
    return verdicts


def summary(verdicts: list[Verdict]) -> dict[str, Any]:
    """held/total per group, by faults and by kinds (a kind holds when every seed of it held)."""
    out: dict[str, Any] = {}
    for split in sorted({v.split for v in verdicts}):
        vs = [v for v in verdicts if v.split == split]
        names = sorted({v.kind for v in vs})
        kinds_held = [k for k in names if all(v.held for v in vs if v.kind == k)]
        out[split] = {"faults": f"{sum(v.held for v in vs)}/{len(vs)}", "kinds": f"{len(kinds_held)}/{len(names)}",
                      "failing": sorted(set(names) - set(kinds_held))}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.faults score", description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="dev", choices=["dev", "eval", "sealed", "all"])
    ap.add_argument("--seeds", type=int, default=2, help="faults per kind")
    ap.add_argument("--seed", type=int, default=0, help="the first seed (eval uses its own range by default)")
    ap.add_argument("--only", default="", help="only the kinds whose name contains this")
    ap.add_argument("--light", action="store_true", help="leave out the heavy kinds (conversions, subprocesses)")
    ap.add_argument("--out", type=Path, default=None, help="work folder, kept")
    ap.add_argument("--entries", default="file,web,store,folder", help="the entry points to score (comma-separated)")
    args = ap.parse_args(argv)
    # eval and sealed faults come from other seeds
    first = args.seed if args.seed or args.split not in ("eval", "sealed") else {"eval": 1000, "sealed": 2000}[args.split]
    work = args.out or Path(tempfile.mkdtemp(prefix="bench-faults-score-"))
    try:
        verdicts = score(args.split, list(range(first, first + args.seeds)), work, args.only, not args.light, sys.stdout,
                         args.entries)
        print(json.dumps(summary(verdicts), ensure_ascii=False, indent=1))
    finally:
        if args.out is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0
