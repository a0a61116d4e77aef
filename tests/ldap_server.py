"""A real OpenLDAP directory for the tests: Debian's slapd on a loopback port, with its own
config folder and database, a few users and groups loaded with ldapadd (ldap-utils), and
stopped by its PID. Skipped where slapd is not installed (`make test` installs it)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SLAPD = shutil.which("slapd") or ("/usr/sbin/slapd" if os.path.exists("/usr/sbin/slapd") else None)
LDAPADD = shutil.which("ldapadd")
SCHEMA = Path("/etc/ldap/schema")
MODULES = Path("/usr/lib/ldap")
BASE = "dc=example,dc=org"
ROOT_DN = f"cn=admin,{BASE}"
ROOT_PW = "root-test-pw"
START_SECONDS = 20.0

# uid, password, cn; groups (cn → member uids)
USERS = (("zhangsan", "zhangsan-pw-1", "张三"), ("lisi", "lisi-pw-22", "李四"), ("wangwu", "wangwu-pw-333", "王五"))
GROUPS = {"办公室": ("zhangsan", "lisi"), "宣传处": ("lisi",)}


@dataclass(frozen=True)
class Directory:
    url: str
    user_dn: str  # template with {username}
    group_base: str


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _conf(folder: Path) -> str:
    schemas = "\n".join(f"include {SCHEMA / n}.schema" for n in ("core", "cosine", "inetorgperson", "nis"))
    return f"""{schemas}
modulepath {MODULES}
moduleload back_mdb
pidfile {folder / 'slapd.pid'}
database mdb
maxsize 10485760
suffix "{BASE}"
rootdn "{ROOT_DN}"
rootpw {ROOT_PW}
directory {folder / 'db'}
access to attrs=userPassword by self read by anonymous auth by * none
access to * by users read by * none
"""


def _ldif() -> str:
    parts = [f"dn: {BASE}\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Example",
             f"dn: ou=people,{BASE}\nobjectClass: organizationalUnit\nou: people",
             f"dn: ou=groups,{BASE}\nobjectClass: organizationalUnit\nou: groups"]
    for uid, pw, cn in USERS:
        parts.append(f"dn: uid={uid},ou=people,{BASE}\nobjectClass: inetOrgPerson\nuid: {uid}\ncn:: "
                     f"{_b64(cn)}\nsn: {uid}\nuserPassword: {pw}")
    for cn, members in GROUPS.items():
        lines = [f"dn:: {_b64(f'cn={cn},ou=groups,{BASE}')}", "objectClass: groupOfNames", f"cn:: {_b64(cn)}"]
        lines += [f"member: uid={m},ou=people,{BASE}" for m in members]
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


def _b64(text: str) -> str:
    import base64

    return base64.b64encode(text.encode("utf-8")).decode("ascii")


@contextlib.contextmanager
def running_directory(folder: Path) -> Iterator[Directory]:
    """slapd serving the test directory on 127.0.0.1 until the `with` ends."""
    assert SLAPD and LDAPADD
    (folder / "db").mkdir(parents=True)
    conf = folder / "slapd.conf"
    conf.write_text(_conf(folder), encoding="utf-8")
    port = _free_port()
    url = f"ldap://127.0.0.1:{port}"
    log = (folder / "slapd.log").open("wb")
    # -d 0: stay in the foreground (its PID is ours to stop), no debug output
    proc = subprocess.Popen([SLAPD, "-f", str(conf), "-h", f"{url}/", "-d", "0"], stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"slapd did not start: {(folder / 'slapd.log').read_text(errors='replace')[-2000:]}")
            time.sleep(0.1)
        (folder / "data.ldif").write_text(_ldif(), encoding="utf-8")
        r = subprocess.run([LDAPADD, "-x", "-H", url, "-D", ROOT_DN, "-w", ROOT_PW, "-f", str(folder / "data.ldif")],
                           capture_output=True, text=True, timeout=30)
        if r.returncode != 0:
            raise RuntimeError(f"ldapadd failed: {r.stderr}")
        yield Directory(url, f"uid={{username}},ou=people,{BASE}", f"ou=groups,{BASE}")
    finally:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover - slapd ignores TERM
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()
