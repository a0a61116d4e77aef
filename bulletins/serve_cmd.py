"""`bulletins serve`: the read-only search web app under waitress."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from bulletins.options import index_option
from indexer.settings import HOST, PORT, THREADS


def create_server(app: Any, host: str = HOST.default, port: int = int(PORT.default), threads: int = int(THREADS.default)) -> Any:
    """A waitress server for `app` (port 0 picks a free port: see `server.effective_port`)."""
    from waitress.server import create_server as waitress_server

    return waitress_server(app, host=host, port=port, threads=threads)


@click.command()
@click.option("--host", default=HOST.default, show_default=True, envvar=HOST.envvar, show_envvar=True, help=HOST.help)
@click.option("--port", default=int(PORT.default), show_default=True, type=click.IntRange(0, 65535),
              envvar=PORT.envvar, show_envvar=True, help=PORT.help)
@click.option("--threads", default=int(THREADS.default), show_default=True, type=click.IntRange(1, 64),
              envvar=THREADS.envvar, show_envvar=True, help=THREADS.help)
@index_option
def serve(host: str, port: int, threads: int, index: Path) -> None:
    """Serve the search page and JSON API (read-only) with waitress."""
    from webui import create_app

    app = create_app({"INDEX_DIR": str(index)})
    server = create_server(app, host=host, port=port, threads=threads)
    url = f"http://{host}:{server.effective_port}/"
    if not (index / "current").exists():
        click.echo(f"warning: no index at {index} yet: run `bulletins index`; pages say 503 until then", err=True)
    click.echo(f"简报检索 serving {url} (index {index}; Ctrl-C to stop)")
    try:
        server.run()
    except KeyboardInterrupt:  # pragma: no cover - interactive stop
        pass
    finally:
        server.close()
