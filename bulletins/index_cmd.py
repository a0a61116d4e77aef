"""`bulletins index` (placeholder until its module lands)."""

import click


@click.command()
def index() -> None:
    """Not built yet."""
    raise click.ClickException("index: not built yet")


@click.command()
def add() -> None:
    """Not built yet."""
    raise click.ClickException("add: not built yet")
