"""Settings in one table: the CLI options, the web app's config and the README's
table are all read from SETTINGS (name, default, help, environment variable)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    name: str
    envvar: str
    default: str
    help: str

    def value(self) -> str:
        """The setting from its environment variable, else its default."""
        return os.environ.get(self.envvar) or self.default

    def number(self) -> int:
        """The setting as an integer (its default when the variable is not a number)."""
        raw = self.value()
        return int(raw) if raw.strip().isdigit() else int(self.default)


CORPUS = Setting("corpus", "BULLETINS_CORPUS", "corpus", "bulletin source files (the source of truth)")
INDEX = Setting("index", "BULLETINS_INDEX", "var/index", "the search index (derived; rebuilt from the corpus)")
PER_PAGE = Setting("per_page", "BULLETINS_PER_PAGE", "20", "results per page (page, API and CLI; 1–100)")
HOST = Setting("host", "BULLETINS_HOST", "127.0.0.1", "interface to listen on (other than 127.0.0.1 only when you mean it)")
PORT = Setting("port", "BULLETINS_PORT", "8000", "TCP port of the web app")
THREADS = Setting("threads", "BULLETINS_THREADS", "8", "waitress worker threads")
WAIT = Setting("wait", "BULLETINS_WAIT", "600", "seconds `bulletins index` waits for another index run to finish")
BASE_URL = Setting("base_url", "BULLETINS_BASE_URL", "",
                   "public address of the web app in citations, feeds and exports (default: the address it was reached at; "
                   "`bulletins export` uses http://127.0.0.1:8000/)")
INSTANCE = Setting(
    "instance", "BULLETINS_INSTANCE", "var/instance", "the web app's instance folder (its config.py is read at start)"
)
WORKERS = Setting("workers", "BULLETINS_WORKERS", "",
                  "Dask scheduler whose workers read and OCR the files of `index` and `add` (e.g. tcp://scheduler:8786; "
                  "default: this machine's processes; see More than one machine)")
SETTINGS = (CORPUS, INDEX, INSTANCE, PER_PAGE, HOST, PORT, THREADS, WAIT, BASE_URL, WORKERS)


def corpus_dir() -> Path:
    return Path(CORPUS.value())


def index_dir() -> Path:
    return Path(INDEX.value())


def instance_dir() -> Path:
    return Path(INSTANCE.value())


def settings_table() -> str:
    """The Markdown table of SETTINGS (the README's copy is checked against it)."""
    rows = ["| setting | default | environment | what |", "| --- | --- | --- | --- |"]
    rows += [f"| `{s.name}` | `{s.default or '—'}` | `{s.envvar}` | {s.help} |" for s in SETTINGS]
    return "\n".join(rows)
