"""The account and access-rule store: users, groups, rules, feed tokens (issue 21).

One small SQLite file in the web app's instance folder (`var/instance/access.sqlite3`).
SQLite because both the CLI (`bulletins users/groups/access`, the local
administrator's tool) and the server's threads write it: it gives atomic
transactions and locking between processes from the standard library, with
no server to run, and it is one file to back up beside `config.py`.
Nothing here imports Flask: the CLI uses it as it is.

Roles: 读者 (reader) search, read, export and subscribe within their access;
编辑 (editor) also adds issues; 管理员 (admin) also manages users, groups and
rules, reads the audit log, and sees every document.

Rules grant reading of a series, an issue (bulletin id) or a document (article
id) to a user, a group or everyone (`*`). The most specific level that has a
rule decides for a document (document, then issue, then series); where none
has one, the series' default decides (公开 open / 受限 closed; open when unset).
"""

from __future__ import annotations

import re
import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from webui.sqlite_file import SqliteFile

DB_NAME = "access.sqlite3"
ROLES = {"reader": "读者", "editor": "编辑", "admin": "管理员"}
ROLE_NAMES = {**{v: k for k, v in ROLES.items()}, **{k: k for k in ROLES}}  # 读者 or reader → reader
SCOPES = {"series": "简报系列", "issue": "期", "document": "文章"}
POLICIES = {"open": "公开", "closed": "受限"}
EVERYONE = "*"
SECRET_FILE = "secret_key"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY, hash TEXT, role TEXT NOT NULL, source TEXT NOT NULL DEFAULT 'local',
    feed_token TEXT UNIQUE, failures INTEGER NOT NULL DEFAULT 0, locked_until REAL NOT NULL DEFAULT 0,
    created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS groups (name TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS members (grp TEXT NOT NULL, user TEXT NOT NULL, PRIMARY KEY (grp, user));
CREATE TABLE IF NOT EXISTS rules (scope TEXT NOT NULL, target TEXT NOT NULL, principal TEXT NOT NULL,
    PRIMARY KEY (scope, target, principal));
CREATE TABLE IF NOT EXISTS defaults (series TEXT PRIMARY KEY, policy TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS suggested_groups (name TEXT PRIMARY KEY, recipients TEXT NOT NULL,
    bulletin TEXT NOT NULL, label TEXT NOT NULL, created REAL NOT NULL);
"""


def instance_secret(folder: Path) -> str:
    """A secret kept in the instance folder (made once, readable by its owner only): it signs the
    session cookies (accounts on) and the links of the saved-search e-mails (webui.alerts_mail)."""
    path = folder / SECRET_FILE
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        folder.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(32)
        fd = path.open("x")
        path.chmod(0o600)
        with fd:
            fd.write(key)
        return key


class AccessError(ValueError):
    """A request the store refuses (unknown user, bad role …); the message is Chinese."""


@dataclass(frozen=True)
class User:
    name: str
    role: str  # reader | editor | admin
    source: str  # local | ldap | proxy
    groups: tuple[str, ...] = ()

    @property
    def role_label(self) -> str:
        return ROLES[self.role]

    def can(self, role: str) -> bool:
        """Whether this user has `role` or a higher one."""
        order = list(ROLES)
        return order.index(self.role) >= order.index(role)

    @property
    def principals(self) -> frozenset[str]:
        """The rule principals naming this user: user:NAME, group:G…, and *."""
        return frozenset({f"user:{self.name}", EVERYONE, *(f"group:{g}" for g in self.groups)})


@dataclass(frozen=True)
class Rules:
    """A read-only copy of the rules, for building masks (indexer side has no SQL)."""

    version: int
    grants: dict[tuple[str, str], frozenset[str]]  # (scope, target) -> principals
    defaults: dict[str, str]  # series -> open | closed


def role_code(role: str) -> str:
    """reader/editor/admin from a Chinese or English role name; AccessError otherwise."""
    code = ROLE_NAMES.get(role.strip())
    if code is None:
        raise AccessError(f"角色“{role}”无效：只能是 读者、编辑 或 管理员")
    return code


def principal_code(kind_name: str) -> str:
    """`user:NAME`, `group:NAME` or `*` from what an administrator typed (用户:x, 组:y, 所有人)."""
    text = kind_name.strip()
    if text in ("*", "所有人", "everyone"):
        return EVERYONE
    kind, sep, name = text.replace("：", ":").partition(":")
    kinds = {"user": "user", "用户": "user", "group": "group", "组": "group", "用户组": "group"}
    if not sep or kind not in kinds or not name.strip():
        raise AccessError(f"授权对象“{text}”无效：写作 用户:姓名、组:组名 或 *（所有人）")
    return f"{kinds[kind]}:{name.strip()}"


RECIPIENT_LABEL = re.compile(r"^\s*(?:报送|抄送|分送|抄报|报|送|发)\s*[:：]\s*")
MAX_GROUP_NAME = 64  # characters (add_group's limit)


def group_from_recipients(recipients: list[str] | tuple[str, ...]) -> str | None:
    """A group name made from a 简报's 报/送/发 lines: their names without the labels, joined by
    “；”, cut to MAX_GROUP_NAME; None when there are none."""
    parts = [" ".join(RECIPIENT_LABEL.sub("", line).split()) for line in recipients]
    name = "；".join(p for p in parts if p)
    name = re.sub(r"[:*\t\n]", " ", name).strip()
    if not name:
        return None
    return name if len(name) <= MAX_GROUP_NAME else name[:MAX_GROUP_NAME - 1] + "…"


class AccessStore(SqliteFile):
    """The SQLite store at `folder/access.sqlite3` (created on first use)."""

    def __init__(self, folder: Path) -> None:
        super().__init__(Path(folder) / DB_NAME, _SCHEMA, timeout=10)
        self._cache: tuple[int, int, Rules, dict[str, User]] | None = None
        self._local = threading.local()  # each thread's connection for the version check

    def _bump(self, con: sqlite3.Connection) -> None:
        """A change of users, groups or rules: every cached mask is made again."""
        con.execute("INSERT INTO meta VALUES ('version', 1) ON CONFLICT(key) DO UPDATE SET value = value + 1")

    def _read_all(self) -> tuple[int, Rules, dict[str, User]]:
        """The version, rules and users, read again only when the file has changed (a stat
        per request instead of queries: every search asks who the user is and the rules)."""
        con = getattr(self._local, "con", None)
        if con is None:
            with self._db():
                pass  # the file and its tables
            con = self._local.con = sqlite3.connect(self.path, timeout=10)
        row = con.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
        stamp = int(row[0]) if row else 0
        cached = self._cache
        if cached is not None and cached[0] == stamp:
            return cached[1], cached[2], cached[3]
        rules = self.rules()
        with self._db() as con:
            members: dict[str, list[str]] = {}
            for g, u in con.execute("SELECT grp, user FROM members ORDER BY grp"):
                members.setdefault(u, []).append(g)
            users = {n: User(n, r, s, tuple(members.get(n, ()))) for n, r, s in
                     con.execute("SELECT name, role, source FROM users")}
        self._cache = (stamp, rules.version, rules, users)
        return rules.version, rules, users

    def version(self) -> int:
        """A number that changes with every change of users, groups, memberships or rules."""
        return self._read_all()[0]

    def cached_rules(self) -> Rules:
        """The rules (as `rules()`), re-read only when the store's file has changed."""
        return self._read_all()[1]

    def cached_state(self) -> tuple[Rules, dict[str, User]]:
        """The rules and the users by name (as cached_rules and cached_user), in one look."""
        _version, rules, users = self._read_all()
        return rules, users

    def cached_user(self, name: str) -> User | None:
        """A user (as `get_user`), re-read only when the store's file has changed."""
        return self._read_all()[2].get(name)

    # -- users ---------------------------------------------------------------
    def add_user(self, name: str, password_hash: str | None, role: str, source: str = "local") -> None:
        name = name.strip()
        if not name or len(name) > 64 or any(c in name for c in ":*\n\t"):
            raise AccessError(f"用户名“{name[:64]}”无效：不能为空、超过 64 个字符或含有 : * 等符号")
        with self._db() as con:
            if con.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
                raise AccessError(f"用户“{name}”已存在")
            con.execute("INSERT INTO users (name, hash, role, source, created) VALUES (?, ?, ?, ?, ?)",
                        (name, password_hash, role_code(role), source, time.time()))
            self._bump(con)

    def ensure_user(self, name: str, role: str, source: str) -> None:
        """An account for a user signed in by LDAP or the proxy (reader unless it exists)."""
        with self._db() as con:
            if con.execute("INSERT OR IGNORE INTO users (name, hash, role, source, created) VALUES (?, NULL, ?, ?, ?)",
                           (name, role_code(role), source, time.time())).rowcount:
                self._bump(con)

    def get_user(self, name: str) -> User | None:
        with self._db() as con:
            row = con.execute("SELECT name, role, source FROM users WHERE name = ?", (name,)).fetchone()
            if row is None:
                return None
            groups = tuple(g for (g,) in con.execute("SELECT grp FROM members WHERE user = ? ORDER BY grp", (name,)))
        return User(row[0], row[1], row[2], groups)

    def password_hash(self, name: str) -> str | None:
        with self._db() as con:
            row = con.execute("SELECT hash FROM users WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def set_password(self, name: str, password_hash: str) -> None:
        with self._db() as con:
            if con.execute("UPDATE users SET hash = ? WHERE name = ?", (password_hash, name)).rowcount == 0:
                raise AccessError(f"没有用户“{name}”")

    def set_role(self, name: str, role: str) -> None:
        with self._db() as con:
            if con.execute("UPDATE users SET role = ? WHERE name = ?", (role_code(role), name)).rowcount == 0:
                raise AccessError(f"没有用户“{name}”")
            self._bump(con)

    def remove_user(self, name: str) -> None:
        with self._db() as con:
            if con.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount == 0:
                raise AccessError(f"没有用户“{name}”")
            con.execute("DELETE FROM members WHERE user = ?", (name,))
            con.execute("DELETE FROM rules WHERE principal = ?", (f"user:{name}",))
            self._bump(con)

    def users(self) -> list[User]:
        with self._db() as con:
            names = [n for (n,) in con.execute("SELECT name FROM users ORDER BY name")]
        return [u for u in (self.get_user(n) for n in names) if u is not None]

    # -- sign-in failures ----------------------------------------------------
    def record_failure(self, name: str, max_failures: int, lock_seconds: float) -> bool:
        """Count a failed sign-in; True when the account is now locked."""
        with self._db() as con:
            con.execute("UPDATE users SET failures = failures + 1 WHERE name = ?", (name,))
            row = con.execute("SELECT failures FROM users WHERE name = ?", (name,)).fetchone()
            if row and row[0] >= max_failures:
                con.execute("UPDATE users SET locked_until = ?, failures = 0 WHERE name = ?",
                            (time.time() + lock_seconds, name))
                return True
        return False

    def locked_until(self, name: str) -> float:
        with self._db() as con:
            row = con.execute("SELECT locked_until FROM users WHERE name = ?", (name,)).fetchone()
        return float(row[0]) if row else 0.0

    def clear_failures(self, name: str) -> None:
        with self._db() as con:
            con.execute("UPDATE users SET failures = 0, locked_until = 0 WHERE name = ?", (name,))

    # -- feed tokens ----------------------------------------------------------
    def feed_token(self, name: str, renew: bool = False) -> str:
        """The user's feed token (made on first use; `renew` revokes the old one)."""
        with self._db() as con:
            row = con.execute("SELECT feed_token FROM users WHERE name = ?", (name,)).fetchone()
            if row is None:
                raise AccessError(f"没有用户“{name}”")
            if row[0] and not renew:
                return str(row[0])
            token = secrets.token_urlsafe(24)
            con.execute("UPDATE users SET feed_token = ? WHERE name = ?", (token, name))
            return token

    def revoke_feed_token(self, name: str) -> None:
        with self._db() as con:
            con.execute("UPDATE users SET feed_token = NULL WHERE name = ?", (name,))

    def user_by_feed_token(self, token: str) -> User | None:
        if not token:
            return None
        with self._db() as con:
            row = con.execute("SELECT name FROM users WHERE feed_token = ?", (token,)).fetchone()
        return self.get_user(row[0]) if row else None

    # -- groups ----------------------------------------------------------------
    def add_group(self, name: str) -> None:
        name = name.strip()
        if not name or len(name) > 64 or any(c in name for c in ":*\n\t"):
            raise AccessError(f"组名“{name[:64]}”无效")
        with self._db() as con:
            con.execute("INSERT OR IGNORE INTO groups VALUES (?)", (name,))
            self._bump(con)

    def suggest_group(self, recipients: list[str] | tuple[str, ...], bulletin: str, label: str) -> str | None:
        """Offer a group named from a 简报's 报/送/发 list (group_from_recipients), for an
        administrator to create with one click; nothing is applied. The name offered, or None
        (no list, or a group of that name exists)."""
        name = group_from_recipients(recipients)
        if name is None:
            return None
        with self._db() as con:
            if con.execute("SELECT 1 FROM groups WHERE name = ?", (name,)).fetchone():
                return None
            con.execute("INSERT OR IGNORE INTO suggested_groups VALUES (?, ?, ?, ?, ?)",
                        (name, "\n".join(recipients), bulletin, label, time.time()))
        return name

    def suggested_groups(self) -> list[dict[str, str]]:
        """The groups offered and neither created nor dismissed, oldest first."""
        with self._db() as con:
            rows = con.execute("SELECT name, recipients, bulletin, label FROM suggested_groups WHERE name NOT IN"
                               " (SELECT name FROM groups) ORDER BY created").fetchall()
        return [{"name": n, "recipients": r, "bulletin": b, "label": lb} for n, r, b, lb in rows]

    def take_suggestion(self, name: str, create: bool) -> dict[str, str]:
        """Create the group offered as `name` (no members: the administrator adds them), or
        dismiss the offer. The offer, for the audit trail; AccessError when there is none."""
        offer = next((s for s in self.suggested_groups() if s["name"] == name), None)
        if offer is None:
            raise AccessError(f"没有建议的组“{name[:64]}”")
        if create:
            self.add_group(name)
        with self._db() as con:
            con.execute("DELETE FROM suggested_groups WHERE name = ?", (name,))
        return offer

    def remove_group(self, name: str) -> None:
        with self._db() as con:
            if con.execute("DELETE FROM groups WHERE name = ?", (name,)).rowcount == 0:
                raise AccessError(f"没有组“{name}”")
            con.execute("DELETE FROM members WHERE grp = ?", (name,))
            con.execute("DELETE FROM rules WHERE principal = ?", (f"group:{name}",))
            self._bump(con)

    def set_member(self, group: str, user: str, member: bool = True) -> None:
        with self._db() as con:
            if not con.execute("SELECT 1 FROM groups WHERE name = ?", (group,)).fetchone():
                raise AccessError(f"没有组“{group}”")
            if member:
                con.execute("INSERT OR IGNORE INTO members VALUES (?, ?)", (group, user))
            else:
                con.execute("DELETE FROM members WHERE grp = ? AND user = ?", (group, user))
            self._bump(con)

    def set_groups(self, user: str, groups: list[str]) -> None:
        """Replace a directory user's memberships by the groups the directory gave (LDAP)."""
        with self._db() as con:
            old = {g for (g,) in con.execute("SELECT grp FROM members WHERE user = ?", (user,))}
            if old == set(groups):
                return
            con.execute("DELETE FROM members WHERE user = ?", (user,))
            for g in groups:
                con.execute("INSERT OR IGNORE INTO groups VALUES (?)", (g,))
                con.execute("INSERT OR IGNORE INTO members VALUES (?, ?)", (g, user))
            self._bump(con)

    def groups(self) -> dict[str, list[str]]:
        with self._db() as con:
            out: dict[str, list[str]] = {g: [] for (g,) in con.execute("SELECT name FROM groups ORDER BY name")}
            for g, u in con.execute("SELECT grp, user FROM members ORDER BY grp, user"):
                out.setdefault(g, []).append(u)
        return out

    # -- rules -------------------------------------------------------------------
    def grant(self, scope: str, target: str, principal: str, allow: bool = True) -> None:
        """Grant (or withdraw) reading of a series/issue/document to a principal."""
        if scope not in SCOPES:
            raise AccessError(f"范围“{scope}”无效：只能是 series（系列）、issue（期）或 document（文章）")
        if not target.strip():
            raise AccessError("授权目标不能为空")
        with self._db() as con:
            if allow:
                con.execute("INSERT OR IGNORE INTO rules VALUES (?, ?, ?)", (scope, target.strip(), principal))
            elif con.execute("DELETE FROM rules WHERE scope = ? AND target = ? AND principal = ?",
                             (scope, target.strip(), principal)).rowcount == 0:
                raise AccessError(f"没有这条规则：{SCOPES[scope]} {target} → {principal}")
            self._bump(con)

    def retarget_issue(self, old: str, new: str) -> int:
        """An issue's id changed (its series, number or date corrected): its rules and its
        articles' (`<old>-001` …) follow it, so a restricted issue stays restricted. The
        number of rules moved."""
        if old == new:
            return 0
        moved = 0
        with self._db() as con:
            rows = con.execute("SELECT scope, target, principal FROM rules WHERE (scope = 'issue' AND target = ?)"
                               " OR (scope = 'document' AND substr(target, 1, ?) = ?)",
                               (old, len(old) + 1, f"{old}-")).fetchall()
            for scope, target, principal in rows:
                moved_to = new if scope == "issue" else new + target[len(old):]
                con.execute("DELETE FROM rules WHERE scope = ? AND target = ? AND principal = ?", (scope, target, principal))
                con.execute("INSERT OR IGNORE INTO rules VALUES (?, ?, ?)", (scope, moved_to, principal))
                moved += 1
            if moved:
                self._bump(con)
        return moved

    def set_default(self, series: str, policy: str) -> None:
        code = {"公开": "open", "受限": "closed"}.get(policy, policy)
        if code not in POLICIES:
            raise AccessError(f"默认权限“{policy}”无效：只能是 公开 或 受限")
        with self._db() as con:
            con.execute("INSERT INTO defaults VALUES (?, ?) ON CONFLICT(series) DO UPDATE SET policy = excluded.policy",
                        (series, code))
            self._bump(con)

    def rules(self) -> Rules:
        with self._db() as con:
            grants: dict[tuple[str, str], set[str]] = {}
            for scope, target, principal in con.execute("SELECT scope, target, principal FROM rules"):
                grants.setdefault((scope, target), set()).add(principal)
            defaults = dict(con.execute("SELECT series, policy FROM defaults"))
            row = con.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
        return Rules(int(row[0]) if row else 0, {k: frozenset(v) for k, v in grants.items()}, defaults)
