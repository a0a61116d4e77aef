"""`bulletins serve`: the read-only search web app under waitress."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from bulletins.options import corpus_option, index_option

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def create_server(app: Any, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, threads: int = 8) -> Any:
    """A waitress server for `app` (port 0 picks a free port: see `server.effective_port`)."""
    from waitress.server import create_server as waitress_server

    return waitress_server(app, host=host, port=port, threads=threads)


@click.command()
@click.option("--host", default=DEFAULT_HOST, show_default=True,
              help="interface to listen on (other than 127.0.0.1 only when you mean it)")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=click.IntRange(0, 65535),
              help="TCP port")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64),
              help="worker threads")
@corpus_option
@index_option
def serve(host: str, port: int, threads: int, corpus: Path, index: Path) -> None:
    """Serve the search page and JSON API (read-only) with waitress."""
    from webui import create_app

    app = create_app({"INDEX_DIR": str(index), "CORPUS_DIR": str(corpus)})
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
