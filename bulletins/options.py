"""Options shared by several commands (`--corpus`, `--index`), with their env vars."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import click

from indexer.settings import CORPUS, INDEX, WORKERS, Setting


def _folder_option(name: str, setting: Setting) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """`--<name> DIR`, with the default, env var and help of its row in the settings table."""
    return click.option(
        f"--{name}",
        name,
        type=click.Path(path_type=Path, file_okay=False),
        envvar=setting.envvar,
        default=setting.default,
        show_default=True,
        show_envvar=True,
        help=setting.help,
    )


def corpus_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return _folder_option("corpus", CORPUS)(f)


def index_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return _folder_option("index", INDEX)(f)


def workers_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """`--workers tcp://HOST:PORT`: read and OCR the files on a Dask scheduler's workers (indexer.distribute)."""
    return click.option(
        "--workers",
        "workers",
        metavar="tcp://HOST:PORT",
        envvar=WORKERS.envvar,
        default=WORKERS.default or None,
        show_envvar=True,
        help=WORKERS.help,
    )(f)
