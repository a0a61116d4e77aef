"""Real MariaDB servers for the tests and the bench: Debian's `mariadbd` with the Mroonga and
Spider plugins, each on a loopback port with its own data folder under a temporary folder,
a real user with a password, and stopped by its PID. Skipped (with the reason) where
mariadbd is not installed (`make test` installs it: the `database` target).

`cluster(tmp, shards=2)` gives a head server (the Spider table) and `shards` data nodes;
`server(tmp)` one server; `replica_of(primary, tmp)` a read replica by binlog replication."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

MARIADBD = shutil.which("mariadbd") or ("/usr/sbin/mariadbd" if os.path.exists("/usr/sbin/mariadbd") else None)
INSTALL_DB = shutil.which("mariadb-install-db")
PLUGIN_DIR = Path("/usr/lib/mysql/plugin")
USER = "archive"
PASSWORD = "archive-test-pw"
DATABASE = "bulletins"
START_SECONDS = 60.0
STOP_SECONDS = 30.0
BUFFER_POOL = "32M"  # small servers: several run at once on a shared 2-core machine


def missing() -> str | None:
    """Why the MariaDB servers cannot be started here (None when they can)."""
    if MARIADBD is None or INSTALL_DB is None:
        return "mariadbd / mariadb-install-db not installed (make database installs them)"
    for plugin in ("ha_mroonga.so", "ha_spider.so"):
        if not (PLUGIN_DIR / plugin).exists():
            return f"{plugin} not installed (make database installs mariadb-plugin-mroonga / -spider)"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """One running mariadbd: where it listens and how to stop it."""

    folder: Path
    port: int
    server_id: int
    proc: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"mariadb://{USER}:{PASSWORD}@127.0.0.1:{self.port}/{DATABASE}"

    @property
    def pid(self) -> int | None:
        return None if self.proc is None else self.proc.pid

    def connect(self, root: bool = False, db: str | None = DATABASE) -> object:
        import pymysql

        if root:
            return pymysql.connect(unix_socket=str(self.folder / "sock"), user="root", database=db,
                                   charset="utf8mb4", autocommit=True)
        return pymysql.connect(host="127.0.0.1", port=self.port, user=USER, password=PASSWORD, database=db,
                               charset="utf8mb4", autocommit=True)

    def stop(self) -> None:
        """SIGTERM by PID, then SIGKILL if it does not go."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def kill(self) -> None:
        """SIGKILL by PID: a shard that dies."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def _args(folder: Path, port: int, server_id: int) -> list[str]:
    args = [
        str(MARIADBD), "--no-defaults", f"--datadir={folder / 'data'}", f"--socket={folder / 'sock'}",
        f"--port={port}", "--bind-address=127.0.0.1", f"--pid-file={folder / 'pid'}",
        f"--log-error={folder / 'error.log'}", f"--server-id={server_id}",
        f"--tmpdir={folder / 'tmp'}",  # its own: on-disk temporary tables in a shared /tmp were deleted under it
        "--plugin-load-add=ha_mroonga", "--plugin-load-add=ha_spider",
        f"--innodb-buffer-pool-size={BUFFER_POOL}", "--skip-name-resolve", "--performance-schema=OFF",
        "--character-set-server=utf8mb4", "--collation-server=utf8mb4_bin",
        f"--log-bin={folder / 'data' / 'binlog'}", "--binlog-format=ROW",
    ]
    if os.geteuid() == 0:
        args.append("--user=root")
    return args


def start_server(folder: Path, server_id: int = 1, port: int | None = None) -> Server:
    """A fresh mariadbd in `folder` (initialised on first use), with the user USER and the
    database DATABASE; returns when it accepts connections."""
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / "data"
    fresh = not data.exists()
    if fresh:
        cmd = [str(INSTALL_DB), "--no-defaults", f"--datadir={data}", "--auth-root-authentication-method=normal",
               "--skip-test-db"]
        if os.geteuid() == 0:
            cmd.append("--user=root")
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    port = port or free_port()
    srv = Server(folder, port, server_id)
    (folder / "tmp").mkdir(exist_ok=True)
    srv.proc = subprocess.Popen(_args(folder, port, server_id), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + START_SECONDS
    while True:
        if srv.proc.poll() is not None:
            log = (folder / "error.log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"mariadbd exited ({srv.proc.returncode}):\n{log}")
        try:
            if not (folder / "sock").exists():
                raise OSError("no socket yet")
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                pass  # the server accepts connections: now the client (it leaks sockets that fail)
            conn = srv.connect(root=True, db=None)
            break
        except Exception:
            if time.monotonic() > deadline:
                srv.stop()
                raise RuntimeError(f"mariadbd did not start within {START_SECONDS:.0f} s") from None
            time.sleep(0.2)
    if fresh:
        with conn.cursor() as c:  # type: ignore[attr-defined]
            c.execute(f"CREATE DATABASE IF NOT EXISTS {DATABASE} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
            for host in ("127.0.0.1", "localhost"):
                c.execute(f"CREATE USER IF NOT EXISTS '{USER}'@'{host}' IDENTIFIED BY '{PASSWORD}'")
                c.execute(f"GRANT ALL ON *.* TO '{USER}'@'{host}' WITH GRANT OPTION")
    conn.close()  # type: ignore[attr-defined]
    return srv


@dataclass
class Cluster:
    head: Server  # the Spider table (or, with no shards, the data itself)
    shards: list[Server]
    replicas: list[Server] = field(default_factory=list)

    @property
    def url(self) -> str:
        """The backend URL: the head, and `shards=` naming the data nodes."""
        if not self.shards:
            return self.head.url
        nodes = ",".join(f"127.0.0.1:{s.port}" for s in self.shards)
        return f"{self.head.url}?shards={nodes}"

    def servers(self) -> list[Server]:
        return [self.head, *self.shards, *self.replicas]

    def stop(self) -> None:
        for s in self.servers():
            s.stop()


def replica_of(primary: Server, folder: Path, server_id: int) -> Server:
    """A read replica of `primary` by binlog replication (GTID, from the start)."""
    rep = start_server(folder, server_id)
    conn = rep.connect(root=True, db=None)
    with conn.cursor() as c:  # type: ignore[attr-defined]
        c.execute(f"CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT={primary.port}, "
                  f"MASTER_USER='{USER}', MASTER_PASSWORD='{PASSWORD}', MASTER_USE_GTID=slave_pos")
        c.execute("START SLAVE")
    conn.close()  # type: ignore[attr-defined]
    return rep


@contextlib.contextmanager
def cluster(tmp: Path, shards: int = 2) -> Iterator[Cluster]:
    """A head server and `shards` data nodes (0: one server holding the data), stopped at the end."""
    c = Cluster(None, [])  # type: ignore[arg-type]
    try:
        c.head = start_server(tmp / "head", 1)
        for i in range(shards):
            c.shards.append(start_server(tmp / f"shard{i + 1}", 10 + i))
        yield c
    finally:
        for s in c.servers():
            if s is not None:
                s.stop()
