"""`bulletins serve`: the read-only search web app under waitress."""

from __future__ import annotations

import errno
from pathlib import Path

import click

from archive.errors import os_reason
from bulletins.i18n import _
from bulletins.options import backend_option, corpus_option, index_option, setting_option
from indexer.present.settings import HOST, PORT, THREADS, SettingError

__all__ = ["create_server", "serve", "is_loopback"]


def is_loopback(host: str) -> bool:
    """Whether `host` is a loopback address or name (127.0.0.0/8, ::1, localhost)."""
    import ipaddress

    if host.strip().lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def __getattr__(name: str) -> object:
    """`create_server` (webui.server's), imported when asked for: the other commands
    need neither Flask nor waitress."""
    if name == "create_server":
        from webui.server import create_server

        return create_server
    raise AttributeError(name)


@click.command(help=_("Serve the search page and JSON API (read-only) with waitress."))
@setting_option(HOST)
@setting_option(PORT)
@setting_option(THREADS)
@click.option("--open", "open_network", is_flag=True,
              help=_("serve a non-loopback address without sign-in (every page then says so)"))
@corpus_option
@index_option
@backend_option
def serve(host: str, port: int, threads: int, corpus: Path, index: Path, open_network: bool = False,
          backend: str | None = None) -> None:
    """`bulletins serve` (its help is the catalogue's, bulletins.i18n)."""
    from webui import create_app
    from webui.db import warm
    from webui.server import create_server

    try:
        app = create_app()  # reads the instance folder's config.py, if any, and the settings it takes from the environment
    except SettingError as ex:
        raise click.UsageError(str(ex)) from None
    if not app.config.get("ACCOUNTS") and not is_loopback(host):
        if not open_network:
            raise click.ClickException(
                _("cannot serve on {host} without sign-in (anyone on the network could read everything): "
                  "turn accounts on with BULLETINS_ACCOUNTS=on, or add --open if that is fine").format(host=host)
            )
        app.config["OPEN_NETWORK"] = True
    ctx = click.get_current_context()
    for key, name, value in (("INDEX_DIR", "index", index), ("CORPUS_DIR", "corpus", corpus)):
        if ctx.get_parameter_source(name) != click.core.ParameterSource.DEFAULT or key not in app.config:
            app.config[key] = str(value)  # given on the command line or in the environment
    index = Path(app.config["INDEX_DIR"])
    if backend and backend != "embedded":  # search from that backend (webui.db.get_backend); 503 while it is down
        app.config["BACKEND"] = backend  # it applies each reader's access rules in its SQL (webui.auth.reader_visibility)
    try:
        server = create_server(app, host=host, port=port, threads=threads)
    except OSError as ex:
        if ex.errno == errno.EADDRINUSE:
            raise click.ClickException(
                _("port {port} on {host} is already in use (another `bulletins serve`?): "
                  "stop it, or choose another port with --port").format(port=port, host=host)
            ) from None
        raise click.ClickException(_("cannot listen on {host}:{port} ({error})").format(
            host=host, port=port, error=os_reason(ex))) from None
    url = f"http://{host}:{server.effective_port}/"
    warm(app)  # the first visitor should not wait for the shared tables
    if not (index / "current").exists():
        click.echo(_("warning: no index at {index} yet: run `bulletins index`; pages say 503 until then").format(
            index=index), err=True)
    click.echo(_("简报检索 serving {url} (index {index}; Ctrl-C to stop)").format(url=url, index=index))
    try:
        server.run()
    except KeyboardInterrupt:  # pragma: no cover - interactive stop
        pass
    finally:
        server.close()
