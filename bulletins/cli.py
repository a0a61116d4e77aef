"""`bulletins`: check, index, add, search, export, report and serve the bulletin archive."""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

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


class LazyGroup(click.Group):
    """A group whose subcommands are named here and imported on first use."""

    context_class = Context

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        """click's main; in Chinese, a bad command line (and any ClickException) is shown in Chinese."""
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
