"""Options shared by several commands (`--corpus`, `--index`), with their env vars."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import click

from indexer.settings import CORPUS, INDEX, Setting


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


def budget_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """`--ocr-pages N`: the OCR cap of the per-file budget (archive/readers/limits.py), with its env
    var; the whole budget from the environment is checked here, once, before any file is read."""
    import os

    from archive.readers.limits import BUDGET_SETTINGS, BudgetSettingError, Limits

    setting = next(s for s in BUDGET_SETTINGS if s.field == "ocr_pages")

    def apply(ctx: click.Context, _param: click.Parameter, value: int | None) -> None:
        if value is not None:  # the reading workers (forked) read the budget from the environment
            before = os.environ.get(setting.envvar)
            os.environ[setting.envvar] = str(value)

            def restore() -> None:
                if before is None:
                    os.environ.pop(setting.envvar, None)
                else:
                    os.environ[setting.envvar] = before
            ctx.call_on_close(restore)
        try:
            Limits.from_env()
        except BudgetSettingError as ex:
            raise click.UsageError(str(ex)) from None

    return click.option(
        "--ocr-pages", type=click.IntRange(1), default=None, envvar=setting.envvar, show_envvar=True,
        expose_value=False, callback=apply, is_eager=True,
        help=f"{setting.help}（默认 {setting.default} 页）",
    )(f)
