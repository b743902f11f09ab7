"""``spinekg serve`` and ``spinekg push``: the graph behind a SPARQL endpoint, or uploaded to one.

* ``serve`` runs the Oxigraph server read-only on the graph: a
  `SPARQL 1.1 Protocol <https://www.w3.org/TR/sparql11-protocol/>`_ endpoint at ``/query``
  (see :class:`spinekg.query.endpoint.Server`), a page at ``/`` that lists the library's questions
  (:func:`question_pages`), each a link to the query editor at ``/ui`` (the YASGUI editor the
  Oxigraph server ships, reading ``?query=`` as its share links do) filled with that query, its
  parameters bound to their examples.
* ``push`` uploads the graph to a
  `SPARQL 1.1 Graph Store HTTP Protocol <https://www.w3.org/TR/sparql11-http-rdf-update/>`_
  endpoint (see :func:`spinekg.query.endpoint.push`).
"""

from __future__ import annotations

from pathlib import Path

import click

from spinekg.cli.options import open_graph, store_option

__all__ = ["register", "serve", "push", "question_pages"]

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
    kg = open_graph(graph_file, store=store)
    graph, pages = kg.graph, question_pages(kg)

    def _stop(signum, frame):
        raise KeyboardInterrupt

    stops = [signal.SIGTERM] + ([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])
    previous = {signum: signal.signal(signum, _stop) for signum in stops}
    server = Server(graph, host, port, timeout=timeout, allow_service=allow_service, pages=pages)
    try:
        server.start()
        click.echo(f"serving {server.triples} triples")
        click.echo(f"SPARQL endpoint: {server.query_url}")
        click.echo(f"query UI: {server.url}")
        click.echo(f"query editor: {server.url}ui")
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


_CSS = ("body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#222}"
        "table{border-collapse:collapse;width:100%}td,th{padding:.35rem .5rem;border-bottom:1px solid #e4e4e4;"
        "text-align:left;vertical-align:top}code{font-size:.9em}.params{font-size:.92em;color:#444}")


def _script_json(value) -> str:
    """``value`` as JSON that cannot end the ``<script>`` element it is written into."""
    import json

    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _bound_text(kg, spec, index) -> tuple[str, bool]:
    """The query's text with its parameters bound to their examples (a VALUES block), and whether
    they were; the text as it is when an example does not resolve in this graph."""
    from spinekg.core.errors import SpinekgError
    from spinekg.query.library import bind_parameters
    from spinekg.query.text import bind_with_insertions

    if not spec.parameters:
        return spec.text, False
    try:
        bindings = bind_parameters(spec, spec.examples, index)
    except SpinekgError:
        return spec.text, False
    return bind_with_insertions(spec.text, bindings)[0], True


def question_pages(kg, library=None) -> dict[str, bytes]:
    """The pages ``spinekg serve`` shows: ``/``, the library's questions (name, question,
    parameters), each with a link to ``/ui?query=...``, the query editor filled with the query
    (parameters bound to their examples); ``/ui``, the editor (YASGUI from the Oxigraph server),
    whose new tabs start with spinekg's prefixes."""
    import html
    import urllib.parse

    from spinekg.core.namespaces import PREFIXES
    from spinekg.query.library import EntityIndex, load_library

    e = html.escape
    library = load_library() if library is None else library
    built: list = []

    def index():  # one index of the graph's names, built when a first example needs it
        if not built:
            built.append(EntityIndex(kg.engine))
        return built[0]

    rows = []
    for name in sorted(library):
        spec = library[name]
        text, bound = _bound_text(kg, spec, index)
        params = "".join(f"<li><code>{e(p.name)}</code> ({e(p.type_text)}): {e(p.description)}; e.g. "
                         f"“{e(p.example)}”</li>" for p in spec.parameters)
        how = "open in the query editor" + (" (with the examples)" if bound else "")
        rows.append(f'<tr id="{e(name)}"><td><code>{e(name)}</code></td><td>{e(spec.question)}</td>'
                    f'<td class="params">{f"<ul>{params}</ul>" if params else "none"}</td>'
                    f'<td><a class="open" data-query="{e(name)}" href="/ui?{urllib.parse.urlencode({"query": text})}">'
                    f"{how}</a></td></tr>")
    landing = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>spinekg: questions</title>"
               f"<style>{_CSS}</style></head><body><h1>spinekg: the library's questions</h1>"
               f"<p>{len(kg.graph)} triples, read-only. SPARQL 1.1 endpoint: <code>/query</code>. "
               '<a href="/ui">Open the query editor</a> (new tabs start with spinekg\'s prefixes), or a question '
               f"below, filled in; on the command line: <code>spinekg query NAME</code>.</p>"
               "<table><thead><tr><th>name</th><th>question</th><th>parameters</th><th></th></tr></thead><tbody>"
               + "\n".join(rows) + "</tbody></table></body></html>\n")
    prefixes = "".join(f"PREFIX {prefix}: <{ns}>\n" for prefix, ns in sorted(PREFIXES.items()))
    editor = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>spinekg: query editor</title>"
              '<link href="/yasgui.min.css" rel="stylesheet" type="text/css"><script src="/yasgui.min.js"></script>'
              '</head><body><p style="font:15px system-ui,sans-serif"><a href="/">spinekg: the library\'s questions</a></p>'
              '<div id="yasgui"></div><script>\n'
              'const endpoint = new URL("/query", window.location.href).href;\n'
              'const yasgui = new Yasgui(document.getElementById("yasgui"), {\n'
              '  requestConfig: {endpoint: endpoint}, copyEndpointOnNewTab: false,\n'
              f'  yasqe: {{value: {_script_json(prefixes + "SELECT * WHERE { ?s ?p ?o } LIMIT 10")}}},\n'
              '  endpointCatalogueOptions: {getData: function () { return [{endpoint: endpoint}]; }, keys: []}\n'
              '});\n</script></body></html>\n')
    return {"/": landing.encode("utf-8"), "/ui": editor.encode("utf-8")}


@click.command()
@graph_argument
@click.option("--endpoint", "url", required=True,
              help="Graph Store endpoint URL (Oxigraph: http://HOST:PORT/store; Virtuoso: "
                   "http://HOST:PORT/sparql-graph-crud, with --graph).")
@click.option("--graph", "graph_iri", default=None,
              help="IRI of the named graph to write, e.g. urn:spinekg (default: the default graph; Virtuoso "
                   "needs a graph IRI).")
@click.option("--append", is_flag=True, help="Add to the graph (POST) instead of replacing it (PUT).")
@click.option("--timeout", default=60.0, show_default=True, type=click.FloatRange(min=0, min_open=True),
              help="Seconds to wait for the server.")
@store_option
def push(graph_file: Path | None, url: str, graph_iri: str | None, append: bool, timeout: float, store: str) -> None:
    """Upload the graph (GRAPH_FILE or the shipped graph) to a SPARQL Graph Store endpoint."""
    from spinekg.query.endpoint import push as push_graph, redact

    sent = push_graph(open_graph(graph_file, store=store).graph, url, graph_iri, replace=not append, timeout=timeout)
    where = f"graph {graph_iri}" if graph_iri else "default graph"
    click.echo(f"pushed {sent} triples to {redact(url)} ({where})")


def register(main: click.Group) -> None:
    """Add ``serve`` and ``push`` to the ``spinekg`` command group."""
    main.add_command(serve)
    main.add_command(push)
