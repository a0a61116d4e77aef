"""`bulletins`: check, index, add, search, export, report and serve the bulletin archive."""

from __future__ import annotations

import importlib

import click

from bulletins.i18n import Context, _, localize

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
