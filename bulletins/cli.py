"""`bulletins`: check, index, add, search, export, report and serve the bulletin archive."""

from __future__ import annotations

import click

from bulletins import check_cmd, export_cmd, index_cmd, search_cmd, serve_cmd


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """简报检索 — a full-text archive of Chinese government bulletins."""


cli.add_command(check_cmd.check)
cli.add_command(index_cmd.index)
cli.add_command(index_cmd.add)
cli.add_command(search_cmd.search)
cli.add_command(serve_cmd.serve)
cli.add_command(export_cmd.export)
cli.add_command(export_cmd.report)
