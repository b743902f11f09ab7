"""``spinekg serve`` and ``spinekg push``: the graph behind a SPARQL endpoint, or uploaded to one.

* ``serve`` runs the Oxigraph server read-only on the graph: a
  `SPARQL 1.1 Protocol <https://www.w3.org/TR/sparql11-protocol/>`_ endpoint at ``/query`` and a
  query page at ``/`` (see :class:`spinekg.query.endpoint.Server`).
* ``push`` uploads the graph to a
  `SPARQL 1.1 Graph Store HTTP Protocol <https://www.w3.org/TR/sparql11-http-rdf-update/>`_
  endpoint (see :func:`spinekg.query.endpoint.push`).
"""

from __future__ import annotations

from pathlib import Path

import click

from spinekg.cli.options import open_graph, store_option

__all__ = ["register", "serve", "push"]

graph_argument = click.argument("graph_file", required=False, type=click.Path(dir_okay=False, path_type=Path))


@click.command()
@graph_argument
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (anything but a loopback address makes the graph reachable from the network).")
@click.option("--port", default=7878, show_default=True, type=click.IntRange(0, 65535),
              help="TCP port to listen on (0: any free port).")
@click.option("--timeout", default=60, show_default=True, type=click.IntRange(min=1),
              help="Seconds a query may run before the server stops it.")
@click.option("--allow-service", is_flag=True,
              help="Answer queries that use SERVICE (the server then sends requests to the addresses they name).")
@store_option
def serve(graph_file: Path | None, host: str, port: int, timeout: int, allow_service: bool, store: str) -> None:
    """Serve the graph (GRAPH_FILE or the shipped graph) read-only as a SPARQL endpoint, until Ctrl-C."""
    import signal

    from spinekg.query.endpoint import Server, is_loopback
    from spinekg.core.errors import EndpointError

    if not is_loopback(host):
        click.echo(f"warning: --host {host} is not a loopback address: the graph will be reachable "
                   "from the network (read-only)", err=True)
    graph = open_graph(graph_file, store=store).graph

    def _stop(signum, frame):
        raise KeyboardInterrupt

    stops = [signal.SIGTERM] + ([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])
    previous = {signum: signal.signal(signum, _stop) for signum in stops}
    server = Server(graph, host, port, timeout=timeout, allow_service=allow_service)
    try:
        server.start()
        click.echo(f"serving {server.triples} triples")
        click.echo(f"SPARQL endpoint: {server.query_url}")
        click.echo(f"query UI: {server.url}")
        click.echo("read-only: updates are refused" + ("" if allow_service else "; so is SERVICE")
                   + f"; queries stop after {timeout} s; press Ctrl-C to stop")
        click.get_text_stream("stdout").flush()
        code = server.wait()
        raise EndpointError(f"the Oxigraph server stopped unexpectedly (exit code {code}): {server.error()}")
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
    finally:
        server.stop()
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@click.command()
@graph_argument
@click.option("--endpoint", "url", required=True,
              help="Graph Store endpoint URL (for an Oxigraph server: http://HOST:PORT/store).")
@click.option("--graph", "graph_iri", default=None,
              help="IRI of the named graph to write (default: the default graph).")
@click.option("--append", is_flag=True, help="Add to the graph (POST) instead of replacing it (PUT).")
@click.option("--timeout", default=60.0, show_default=True, type=click.FloatRange(min=0, min_open=True),
              help="Seconds to wait for the server.")
@store_option
def push(graph_file: Path | None, url: str, graph_iri: str | None, append: bool, timeout: float, store: str) -> None:
    """Upload the graph (GRAPH_FILE or the shipped graph) to a SPARQL Graph Store endpoint."""
    from spinekg.query.endpoint import push as push_graph

    sent = push_graph(open_graph(graph_file, store=store).graph, url, graph_iri, replace=not append, timeout=timeout)
    where = f"graph {graph_iri}" if graph_iri else "default graph"
    click.echo(f"pushed {sent} triples to {url} ({where})")


def register(main: click.Group) -> None:
    """Add ``serve`` and ``push`` to the ``spinekg`` command group."""
    main.add_command(serve)
    main.add_command(push)
