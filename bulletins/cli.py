"""`bulletins`: check, index, add, search, export, report and serve the bulletin archive."""

from __future__ import annotations

import errno
import importlib
import io
import os
import sys
from typing import Any

import click

from archive.errors import os_reason, shown
from bulletins.i18n import Context, _, language, localize, show_click_error

# Each command's module is imported when that command runs (click's "lazily loading
# subcommands" pattern): `bulletins add` must not pay for the search and export stacks.
COMMANDS = {
    "check": "bulletins.check_cmd:check",
    "index": "bulletins.index_cmd:index",
    "add": "bulletins.index_cmd:add",
    "search": "bulletins.search_cmd:search",
    "serve": "bulletins.serve_cmd:serve",
    "export": "bulletins.export_cmd:export",
    "report": "bulletins.export_cmd:report",
    "verify": "bulletins.verify_cmd:verify",
    "users": "bulletins.users_cmd:users",
    "groups": "bulletins.users_cmd:groups",
    "access": "bulletins.users_cmd:access",
}


def _os_error_out(ex: OSError) -> None:
    """End the run after an OSError no command caught: its reason in one line on stderr (also when
    the reader of the output went away), and no more output to fail at the interpreter's exit."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        pass
    if ex.errno == errno.EPIPE:  # as GNU tools say it when SIGPIPE is ignored (Python ignores it): one line, exit 1
        line = _("error: the output pipe was closed (the program reading it went away); the rest of the output was not written")
    else:
        error = f"{shown(ex.filename)}：{os_reason(ex)}" if ex.filename else os_reason(ex)
        line = _("error: {error}").format(error=error)
    try:
        click.echo(line, err=True)
    except OSError:  # stderr gone too: nothing more can be said
        pass
    sys.exit(1)


class LazyGroup(click.Group):
    """A group whose subcommands are named here and imported on first use."""

    context_class = Context

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        """click's main; in Chinese, a bad command line (and any ClickException) is shown in Chinese;
        an operating-system error no command caught (its output sent to a full disk, to a pipe
        whose reader went away) is one line, never a traceback."""
        try:
            try:
                return self._main(args, prog_name, complete_var, standalone_mode, **extra)
            finally:
                sys.stdout.flush()  # output still buffered fails here, not at the interpreter's exit
        except OSError as ex:
            _os_error_out(ex)

    def _main(self, args: Any, prog_name: str | None, complete_var: str | None, standalone_mode: bool,
              **extra: Any) -> Any:
        if not standalone_mode or language() == "en":
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except click.ClickException as exc:
            show_click_error(exc)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("已中止。", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: click.Context) -> Any:
        """The command; a write to a pipe whose reader went away is said here (click's own main
        would end the run on it silently)."""
        try:
            return super().invoke(ctx)
        except OSError as ex:
            if ex.errno != errno.EPIPE:
                raise
            _os_error_out(ex)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, attr = target.split(":")
        command: click.Command = getattr(importlib.import_module(module), attr)
        return localize(command)  # (its help in the user's language: bulletins.i18n)


@localize
@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]},
             help=_("简报检索 — a full-text archive of Chinese government bulletins."))
def cli() -> None:
    """The `bulletins` command (its help is the catalogue's, bulletins.i18n)."""
