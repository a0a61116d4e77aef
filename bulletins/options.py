"""Options shared by several commands (`--corpus`, `--index`), with their env vars."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import click

from indexer.settings import CORPUS, INDEX


def corpus_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--corpus",
        "corpus",
        type=click.Path(path_type=Path, file_okay=False),
        envvar=CORPUS.envvar,
        default=CORPUS.default,
        show_default=True,
        show_envvar=True,
        help=CORPUS.help,
    )(f)


def index_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--index",
        "index",
        type=click.Path(path_type=Path, file_okay=False),
        envvar=INDEX.envvar,
        default=INDEX.default,
        show_default=True,
        show_envvar=True,
        help=INDEX.help,
    )(f)
