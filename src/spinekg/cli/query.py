"""``spinekg query`` and ``spinekg sparql``: the competency-question library and ad-hoc SPARQL."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import click

from spinekg.cli.options import emit, open_graph, store_option

__all__ = ["register"]

_FORMATS = ["table", "csv", "tsv", "json", "markdown"]


def _engine(graph_file: Path | None, endpoint: str | None, store: str | None = None):
    """The engine to run on: a remote endpoint, or the local graph (shipped or GRAPH_FILE)."""
    if endpoint:
        from spinekg.query.endpoint import RemoteEngine

        return RemoteEngine(endpoint), None
    kg = open_graph(graph_file, store=store)
    return kg.engine, kg


def _limited(engine, allow_service: bool, timeout: float):
    """The engine with the command's limits: SERVICE allowed or not, and for a remote endpoint the
    request's own time limit."""
    engine.allow_service = allow_service
    if hasattr(engine, "timeout"):
        engine.timeout = timeout
    return engine


def _bounded(call, timeout: float):
    """``call()`` with a time limit: it runs in a worker thread; when the limit passes, the command
    fails (exit 2) and the process ends, taking the unfinished query with it."""
    import threading

    from spinekg.core.errors import QueryLimitError, SpinekgError

    outcome: dict = {}

    def work():
        try:
            outcome["value"] = call()
        except SpinekgError as err:  # handed to the main thread without the worker's frames, which
            outcome["error"] = err.with_traceback(None)  # hold engine objects bound to this thread
            err.__context__ = err.__cause__ = None
        except BaseException as err:
            outcome["error"] = err

    worker = threading.Thread(target=work, name="spinekg-query", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise QueryLimitError(f"the query ran longer than {timeout:g} s and was stopped; narrow it, add a LIMIT, "
                              "or raise --timeout")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    from spinekg.core.errors import ParameterError

    params: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ParameterError(f"--param expects NAME=VALUE, got {pair!r}")
        if name.strip() in params:
            raise ParameterError(f"parameter {name.strip()!r} given twice")
        params[name.strip()] = value
    return params


def _write(results, fmt: str, output: str) -> None:
    from spinekg.query.formats import render

    emit(render(results, fmt).encode("utf-8"), output)
    if output != "-":
        count = "1 row" if len(results) == 1 else f"{len(results)} rows"
        click.echo(f"{count if results.boolean is None else results.boolean}; written to {output}", err=True)


def _list(library) -> str:
    lines = []
    for name, spec in library.items():
        lines.append(name)
        lines += textwrap.wrap(spec.question, 96, initial_indent="    ", subsequent_indent="    ")
        for param in spec.parameters:
            lines.append(f"    --param {param.name}=…  {param.type_text}: {param.description} (e.g. {param.example!r})")
        lines.append(f"    columns: {', '.join(spec.columns)}")
        lines.append("")
    lines.append(f"{len(library)} queries; run one with: spinekg query NAME --param NAME=VALUE")
    return "\n".join(lines) + "\n"


graph_option = click.option("-i", "--input", "graph_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
                            help="Query this graph file (any RDF syntax) instead of the shipped graph.")
endpoint_option = click.option("--endpoint", default=None, metavar="URL",
                               help="Run on a remote SPARQL 1.1 query endpoint instead of the local graph.")
format_option = click.option("-f", "--format", "fmt", type=click.Choice(_FORMATS), default="table", show_default=True,
                             help="Result format (json: SPARQL 1.1 Query Results JSON; csv/tsv: the W3C formats).")
output_option = click.option("-o", "--output", default="-", help="Write the results to this file instead of stdout.")
timeout_option = click.option("--timeout", default=60.0, show_default=True, type=click.FloatRange(min=0, min_open=True),
                              help="Seconds the query may run.")
max_rows_option = click.option("--max-rows", default=100_000, show_default=True, type=click.IntRange(min=1),
                               help="The most rows an answer may have (more: exit 2; add a LIMIT).")
service_option = click.option("--allow-service", is_flag=True,
                              help="Run a query that uses SERVICE (it sends requests to the servers it names); "
                                   "refused by default.")



def running_options(command):
    """The options of every command that runs a query: result format and output, where the graph
    is (file, endpoint, store), and the limits (SERVICE, time, rows)."""
    for option in reversed((format_option, output_option, graph_option, endpoint_option, store_option, service_option,
                            timeout_option, max_rows_option)):
        command = option(command)
    return command


@click.command()
@click.argument("name", required=False)
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="A parameter value: a label, synonym, CURIE or IRI for entities (repeatable).")
@click.option("--list", "list_", is_flag=True, help="List the queries: name, question, parameters, columns.")
@click.option("--file", "query_file", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="Run this .rq file (a header as in queries/ declares its parameters).")
@click.option("--show", is_flag=True, help="Print the query's SPARQL text instead of running it.")
@running_options
def query(name: str | None, params: tuple[str, ...], list_: bool, query_file: Path | None, show: bool, fmt: str,
          output: str, graph_file: Path | None, endpoint: str | None, store: str, allow_service: bool,
          timeout: float, max_rows: int) -> None:
    """Run the competency question NAME of the query library (see --list) and print its answer.

    \b
    Examples:
      spinekg query --list
      spinekg query treatments-for-condition --param condition="degenerative disc disease"
      spinekg query claims-of-document --param document=003 --format csv -o claims.csv
    """
    from spinekg.core.errors import ParameterError
    from spinekg.query.library import load_library, parse_query_file, run

    library = load_library()
    if list_:
        click.echo(_list(library), nl=False)
        return
    if query_file is not None and name is not None:
        raise ParameterError("give a query NAME or --file FILE, not both")
    if query_file is None and name is None:
        raise ParameterError("give a query NAME (spinekg query --list shows them) or --file FILE")
    spec = parse_query_file(query_file, strict=False) if query_file is not None else library[name]
    if show:
        click.echo(spec.text, nl=False)
        return
    values = _parse_params(params)
    engine = _limited(_engine(graph_file, endpoint, store)[0], allow_service, timeout)
    _write(_bounded(lambda: run(engine, spec, values, max_rows=max_rows), timeout), fmt, output)


@click.command()
@click.argument("text", metavar="QUERY")
@running_options
def sparql(text: str, fmt: str, output: str, graph_file: Path | None, endpoint: str | None, store: str,
           allow_service: bool, timeout: float, max_rows: int) -> None:
    """Run a SPARQL SELECT or ASK QUERY ('-' reads it from stdin) on the graph; updates are refused.

    \b
    Example:
      spinekg sparql "PREFIX spk: <https://w3id.org/spinekg/vocab#> SELECT ?t WHERE { ?t spk:treats spk:BackPain }"
    """
    source = "<query>"
    if text == "-":
        from spinekg.core.errors import ParameterError
        from spinekg.query.library import MAX_QUERY_BYTES

        text, source = sys.stdin.read(MAX_QUERY_BYTES + 1), "<stdin>"
        if len(text) > MAX_QUERY_BYTES:
            raise ParameterError(f"<stdin>: larger than {MAX_QUERY_BYTES // 1024} KiB: not a query")
    engine = _limited(_engine(graph_file, endpoint, store)[0], allow_service, timeout)
    _write(_bounded(lambda: engine.select(text, source=source, max_rows=max_rows), timeout), fmt, output)


def register(main: click.Group) -> None:
    """Add the query commands to the ``spinekg`` group."""
    main.add_command(query)
    main.add_command(sparql)
