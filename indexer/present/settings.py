"""Settings in one table: the CLI options, the web app's config and the README's
table are all read from SETTINGS (name, default, help, environment variable),
and every value, from the command line or the environment, is checked here
(`Setting.parse`), with one message naming the setting, the value and the rule."""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit


class SettingError(ValueError):
    """A setting has a value it cannot take; the message names the setting, the value and the rule."""


def _folder(raw: str) -> Path:
    if not raw:
        raise ValueError("不能为空")
    if "\0" in raw:
        raise ValueError("不能含 NUL 字符")
    path = Path(raw)
    if path.exists() and not path.is_dir():
        raise ValueError("这是一个文件，应为文件夹")
    return path


def _integer(low: int, high: int) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        text = raw.strip()
        if not re.fullmatch(r"[+-]?\d+", text):
            raise ValueError(f"应为 {low}–{high} 之间的整数")
        n = int(text)
        if not low <= n <= high:
            raise ValueError(f"应为 {low}–{high} 之间的整数")
        return n

    return parse


def _seconds(raw: str) -> float:
    try:
        n = float(raw)
    except ValueError:
        n = -1.0
    if not 0 <= n < float("inf"):
        raise ValueError("应为不小于 0 的秒数")
    return n


_HOSTNAME = re.compile(r"(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?")


def _host(raw: str) -> str:
    text = raw.strip()
    if re.fullmatch(r"[\d.]+", text) or ":" in text:  # looks like an address: it must be one
        try:
            ipaddress.ip_address(text.strip("[]"))
        except ValueError:
            raise ValueError("不是有效的 IP 地址（IPv4 每段 0–255）") from None
        return text.strip("[]")
    if not _HOSTNAME.fullmatch(text):
        raise ValueError("不是有效的 IP 地址或主机名")
    return text


def _base_url(raw: str) -> str:
    if not raw:
        return ""
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in raw):
        raise ValueError("应为 http:// 或 https:// 开头的完整地址，如 https://jianbao.example.gov.cn/")
    return raw


@dataclass(frozen=True)
class Setting:
    name: str
    envvar: str
    default: str
    help: str
    check: Callable[[str], Any] = str  # the value from its text; raises ValueError naming the rule

    def value(self) -> str:
        """The setting's text from its environment variable, else its default."""
        return os.environ.get(self.envvar) or self.default

    def parse(self, raw: str, source: str | None = None) -> Any:
        """The value of `raw` for this setting, or SettingError with the one message:
        the setting, the value, the rule and where it came from (`source`: an option)."""
        try:
            return self.check(raw)
        except ValueError as ex:
            where = f"{source} 或环境变量 {self.envvar}" if source else f"环境变量 {self.envvar}"
            raise SettingError(f"设置 {self.name} 的值 {raw!r} 无效：{ex}（{where}）") from None

    def get(self) -> Any:
        """The setting from the environment (else its default), checked."""
        return self.parse(self.value())

    def number(self) -> int:
        """The setting as an integer (checked: SettingError for a bad value)."""
        return int(self.get())


CORPUS = Setting("corpus", "BULLETINS_CORPUS", "corpus", "bulletin source files (the source of truth)", _folder)
INDEX = Setting("index", "BULLETINS_INDEX", "var/index", "the search index (derived; rebuilt from the corpus)", _folder)
PER_PAGE = Setting("per_page", "BULLETINS_PER_PAGE", "20", "results per page (page, API and CLI; 1–100)",
                   _integer(1, 100))
HOST = Setting("host", "BULLETINS_HOST", "127.0.0.1",
               "interface to listen on (other than 127.0.0.1 only when you mean it)", _host)
PORT = Setting("port", "BULLETINS_PORT", "8000", "TCP port of the web app", _integer(0, 65535))
THREADS = Setting("threads", "BULLETINS_THREADS", "8", "waitress worker threads", _integer(1, 64))
WAIT = Setting("wait", "BULLETINS_WAIT", "600", "seconds `bulletins index` waits for another index run to finish",
               _seconds)
BASE_URL = Setting("base_url", "BULLETINS_BASE_URL", "",
                   "public address of the web app in citations, feeds and exports (default: the address it was reached at; "
                   "`bulletins export` uses http://127.0.0.1:8000/)", _base_url)
INSTANCE = Setting(
    "instance", "BULLETINS_INSTANCE", "var/instance", "the web app's instance folder (its config.py is read at start)",
    _folder,
)
ACCOUNTS = Setting(
    "accounts", "BULLETINS_ACCOUNTS", "off",
    "`on`: sign-in, roles, access rules and the audit log (kept in the instance folder); `off`: no sign-in, loopback only",
)
SESSION_IDLE = Setting("session_idle", "BULLETINS_SESSION_IDLE", "1800", "seconds without a request after which a sign-in ends")
WORKERS = Setting("workers", "BULLETINS_WORKERS", "",
                  "Dask scheduler whose workers read and OCR the files of `index` and `add` (e.g. tcp://scheduler:8786; "
                  "default: this machine's processes; see More than one machine)")
SETTINGS = (CORPUS, INDEX, INSTANCE, PER_PAGE, HOST, PORT, THREADS, WAIT, BASE_URL, WORKERS, ACCOUNTS, SESSION_IDLE)

# Saved searches by e-mail (issue 20, webui/alerts*.py): the mail server the digests and
# confirmations go through. Environment only (a password never goes on a command line);
# with no host set, e-mail is off: the subscribe page says so and nothing is sent.
SMTP_HOST = Setting("smtp_host", "BULLETINS_SMTP_HOST", "", "mail server for saved-search e-mails (none: e-mail is off)",
                    lambda raw: _host(raw) if raw else "")
SMTP_PORT = Setting("smtp_port", "BULLETINS_SMTP_PORT", "25", "its port (465: TLS from the start; else STARTTLS when offered)",
                    _integer(1, 65535))
SMTP_USER = Setting("smtp_user", "BULLETINS_SMTP_USER", "", "user to log in as (none: no login)")
SMTP_PASSWORD = Setting("smtp_password", "BULLETINS_SMTP_PASSWORD", "", "its password")
SMTP_FROM = Setting("smtp_from", "BULLETINS_SMTP_FROM", "", "sender address of the e-mails (default: jianbao@<host>)")
SMTP_SETTINGS = (SMTP_HOST, SMTP_PORT, SMTP_USER, SMTP_PASSWORD, SMTP_FROM)


def accounts_on() -> bool:
    """Whether sign-in and access rules are on (BULLETINS_ACCOUNTS=on; off by default)."""
    return ACCOUNTS.value().strip().lower() in ("on", "1", "yes", "true")


def corpus_dir() -> Path:
    return Path(CORPUS.get())


def index_dir() -> Path:
    return Path(INDEX.get())


def instance_dir() -> Path:
    return Path(INSTANCE.get())


def settings_table() -> str:
    """The Markdown table of SETTINGS (the README's copy is checked against it)."""
    rows = ["| setting | default | environment | what |", "| --- | --- | --- | --- |"]
    rows += [f"| `{s.name}` | `{s.default or '—'}` | `{s.envvar}` | {s.help} |" for s in SETTINGS]
    return "\n".join(rows)
