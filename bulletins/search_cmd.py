"""`bulletins search` (placeholder until its module lands)."""

import click


@click.command()
def search() -> None:
    """Not built yet."""
    raise click.ClickException("search: not built yet")
