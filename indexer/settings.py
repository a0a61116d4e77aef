"""Settings in one table: the CLI, the web app and the README agree on these."""

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


CORPUS = Setting("corpus", "BULLETINS_CORPUS", "corpus", "bulletin source files (the source of truth)")
INDEX = Setting("index", "BULLETINS_INDEX", "var/index", "the search index (derived; rebuilt from the corpus)")
INSTANCE = Setting(
    "instance", "BULLETINS_INSTANCE", "var/instance", "the web app's instance folder (its config.py is read at start)"
)
SETTINGS = (CORPUS, INDEX, INSTANCE)


def corpus_dir() -> Path:
    return Path(CORPUS.value())


def index_dir() -> Path:
    return Path(INDEX.value())


def instance_dir() -> Path:
    return Path(INSTANCE.value())
