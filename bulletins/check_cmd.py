"""`bulletins check` (placeholder until its module lands)."""

import click


@click.command()
def check() -> None:
    """Not built yet."""
    raise click.ClickException("check: not built yet")
