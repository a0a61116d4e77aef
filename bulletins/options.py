"""Options shared by several commands (`--corpus`, `--index`), with their env vars, and the
click type that checks every setting's value through the settings table (indexer.present.settings)."""

from __future__ import annotations

from typing import Any, Callable

import click

from bulletins.i18n import _
from indexer.present.settings import CORPUS, INDEX, WORKERS, Setting, SettingError


class SettingType(click.ParamType):
    """A setting's value from the command line or its environment variable, checked by
    `Setting.parse` (one message for a bad value, wherever it came from)."""

    def __init__(self, setting: Setting) -> None:
        self.setting = setting
        self.name = setting.name

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not isinstance(value, str):
            return value  # already converted (a default given as a value)
        source = param.opts[0] if param is not None and param.opts else None
        try:
            return self.setting.parse(value, source)
        except SettingError as ex:  # the settings table's message as it is (no click prefix): one message
            raise click.UsageError(str(ex), ctx) from None


def setting_option(setting: Setting, *decls: str, **kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """`--<name>` for a row of the settings table: its default, env var, help and check."""
    options: dict[str, Any] = {
        "type": SettingType(setting), "default": setting.default, "show_default": True,
        "envvar": setting.envvar, "show_envvar": True, "help": _(setting.help),  # (extracted from indexer/present/settings.py)
    }
    options.update(kwargs)
    return click.option(*(decls or (f"--{setting.name.replace('_', '-')}", setting.name)), **options)


def corpus_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return setting_option(CORPUS)(f)


def index_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return setting_option(INDEX)(f)


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


def workers_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """`--workers tcp://HOST:PORT`: read and OCR the files on a Dask scheduler's workers (indexer.build.distribute)."""
    return click.option(
        "--workers",
        "workers",
        metavar="tcp://HOST:PORT",
        envvar=WORKERS.envvar,
        default=WORKERS.default or None,
        show_envvar=True,
        help=_(WORKERS.help),
    )(f)


BACKEND_ENV = "BULLETINS_BACKEND"


def backend_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """`--backend`: where the articles are searched (indexer.search.backend): `embedded` (the index
    folder, the default) or mariadb://user:password@host:port/db[?shards=host:port,…]."""
    return click.option(
        "--backend", default=None, envvar=BACKEND_ENV, show_envvar=True, metavar="URL",
        help=_("search backend: embedded (default) or mariadb://user:password@host:port/db"
               "[?shards=host:port,host:port][&replica=host:port] (see More than one machine)"))(f)


def backend_errors() -> Any:
    """A backend that cannot be reached, or a bad --backend value: one Chinese line, exit 1."""
    from contextlib import contextmanager

    from indexer.search.backend import BackendUnavailableError

    @contextmanager
    def guard() -> Any:
        try:
            yield
        except (BackendUnavailableError, ValueError) as ex:
            raise click.ClickException(str(ex)) from None

    return guard()
