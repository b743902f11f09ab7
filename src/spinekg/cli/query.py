"""``spinekg query`` and ``spinekg sparql``: the competency-question library and ad-hoc SPARQL."""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
from pathlib import Path

import click

from spinekg.cli.options import emit, open_graph, store_option

__all__ = ["register"]

_FORMATS = ["table", "csv", "tsv", "json", "markdown"]


def _engine(graph_file: Path | None, endpoint: str | None, store: str | None = None, *, method: str = "auto",
            default_graph: str | None = None):
    """The engine to run on: a remote endpoint (``method``, ``default_graph``: see
    :class:`~spinekg.query.remote.RemoteEngine`), or the local graph (shipped or GRAPH_FILE)."""
    from spinekg.core.errors import ParameterError

    if endpoint:
        from spinekg.query.remote import RemoteEngine

        if graph_file is not None:
            raise ParameterError("--endpoint queries the endpoint's graph: give no -i/--input file")
        return RemoteEngine(endpoint, method=method, default_graph=default_graph), None
    if method != "auto" or default_graph is not None:
        raise ParameterError("--method and --graph are for a remote endpoint: add --endpoint URL")
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


def _limit(timeout: float, endpoint: str | None) -> float:
    """The command's own time limit: ``timeout``; on an endpoint 5 s more, so that the engine's
    own "timed out after N s" (each request's limit, naming the endpoint) is what a user sees."""
    return timeout + 5 if endpoint else timeout


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


def _table_width(width: int | None, output: str) -> int | None:
    """The longest line a table may have: --width N (0: no limit); else, on stdout, the terminal's
    width ($COLUMNS first, as shutil.get_terminal_size reads it); no limit for a file (-o) or for
    a stdout that is not a terminal while $COLUMNS is unset (a pipe into grep or a program must
    see each value on one line, as psql does with its "wrapped" format)."""
    if width is not None:
        return width or None
    if output == "-" and (os.environ.get("COLUMNS", "").strip() or sys.stdout.isatty()):
        return shutil.get_terminal_size().columns
    return None


def _presented(engine, results, fmt: str, labels: bool):
    """The results as the format shows them: the human formats name pages and entities as people
    do; with ``labels``, the machine formats get a ``<column>_label`` column after each IRI column.
    The names of all the answer's IRIs are looked up at once, on the engine that answered."""
    from spinekg.query.engines import iris_in
    from spinekg.query.formats import HUMAN_FORMATS, display_labels, with_label_columns, with_labels

    if results.boolean is not None or not (labels or fmt in HUMAN_FORMATS):
        return results
    names = display_labels(engine, iris_in(results.rows))
    return with_labels(results, names) if fmt in HUMAN_FORMATS else with_label_columns(results, names)


def _write(results, fmt: str, output: str, width: int | None = None) -> None:
    from spinekg.query.formats import render

    emit(render(results, fmt, width=_table_width(width, output)).encode("utf-8"), output)
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
                               help="Run on a remote SPARQL 1.1 query endpoint instead of the local graph "
                                    "(credentials in the URL are sent as HTTP Basic authentication).")
method_option = click.option("--method", type=click.Choice(["auto", "get", "post", "direct"]), default="auto",
                             show_default=True,
                             help="With --endpoint: how the query travels (auto: GET while the URL stays under "
                                  "2,000 characters, else form POST; direct: POST application/sparql-query).")
default_graph_option = click.option("--graph", "default_graph", default=None, metavar="IRI",
                                    help="With --endpoint: the graph the query sees as its default graph (sent "
                                         "as default-graph-uri), e.g. urn:spinekg after spinekg push --graph "
                                         "urn:spinekg.")
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
labels_option = click.option("--labels", is_flag=True,
                             help="csv, tsv, json: add a COLUMN_label column after each column holding IRIs (the "
                                  "rdfs:label, else skos:prefLabel; a page by number, publisher and title; empty "
                                  "when none). table and markdown always show these names.")
width_option = click.option("--width", type=click.IntRange(min=0), default=None, metavar="N",
                            help="table: no line longer than N characters (0: no limit); the widest columns wrap "
                                 "inside their cells. Default: the terminal's width ($COLUMNS first); no limit "
                                 "with -o FILE or when stdout is not a terminal.")


def running_options(command):
    """The options of every command that runs a query: result format, labels, width and output,
    where the graph is (file, endpoint, store), and the limits (SERVICE, time, rows)."""
    for option in reversed((format_option, labels_option, width_option, output_option, graph_option, endpoint_option,
                            method_option, default_graph_option, store_option, service_option, timeout_option,
                            max_rows_option)):
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
          labels: bool, width: int | None, output: str, graph_file: Path | None, endpoint: str | None, method: str,
          default_graph: str | None, store: str, allow_service: bool, timeout: float, max_rows: int) -> None:
    """Run the competency question NAME of the query library (see --list) and print its answer.

    \b
    Examples:
      spinekg query --list
      spinekg query treatments-for-condition --param condition="degenerative disc disease"
      spinekg query claims-of-document --param document=003 --format csv -o claims.csv
      spinekg query claims-of-document --param document=003 --format csv --labels
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
    engine = _limited(_engine(graph_file, endpoint, store, method=method, default_graph=default_graph)[0],
                      allow_service, timeout)
    answer = _bounded(lambda: _presented(engine, run(engine, spec, values, max_rows=max_rows), fmt, labels),
                      _limit(timeout, endpoint))
    _write(answer, fmt, output, width)


def _prefix_lines() -> str:
    from spinekg.core.namespaces import PREFIXES

    return "".join(f"PREFIX {name}: <{namespace}>\n" for name, namespace in PREFIXES.items())


class _PrefixHelp(click.Command):
    """``spinekg sparql --help`` ends with the predefined prefixes (read when the help is shown)."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        from spinekg.core.namespaces import PREFIXES

        formatter.write_paragraph()
        formatter.write_text("Predefined prefixes (no PREFIX line needed; --show-prefixes prints them): "
                             + ", ".join(f"{name}:" for name in PREFIXES))


@click.command(cls=_PrefixHelp)
@click.argument("text", metavar="QUERY", required=False)
@click.option("--show-prefixes", is_flag=True, help="Print the predefined PREFIX declarations and exit.")
@running_options
def sparql(text: str | None, show_prefixes: bool, fmt: str, labels: bool, width: int | None, output: str,
           graph_file: Path | None, endpoint: str | None, method: str, default_graph: str | None, store: str,
           allow_service: bool, timeout: float, max_rows: int) -> None:
    """Run a SPARQL SELECT or ASK QUERY ('-' reads it from stdin) on the graph; updates are refused.

    spinekg's prefixes (spk:, spkd:, rdfs:, skos:, schema:, biolink:, ...; listed below) need no
    PREFIX line: the ones the query uses are declared for it, on its first line, so the line
    numbers of errors are the query's own. A PREFIX the query declares wins.

    \b
    Examples:
      spinekg sparql "SELECT ?t WHERE { ?t spk:treats spk:BackPain }"
      spinekg sparql "SELECT ?c ?l WHERE { ?c a spk:Clinic ; rdfs:label ?l }" -f csv --labels
    """
    from spinekg.core.errors import ParameterError, QuerySyntaxError
    from spinekg.query.text import shift_error, with_prefixes

    if show_prefixes:
        click.echo(_prefix_lines(), nl=False)
        return
    if text is None:
        raise ParameterError("give a QUERY ('-' reads it from stdin), or --show-prefixes")
    source = "<query>"
    if text == "-":
        from spinekg.query.library import MAX_QUERY_BYTES

        text, source = sys.stdin.read(MAX_QUERY_BYTES + 1), "<stdin>"
        if len(text) > MAX_QUERY_BYTES:
            raise ParameterError(f"<stdin>: larger than {MAX_QUERY_BYTES // 1024} KiB: not a query")
    from spinekg.core.namespaces import PREFIXES

    sent, offset = with_prefixes(text, {name: str(namespace) for name, namespace in PREFIXES.items()})
    engine = _limited(_engine(graph_file, endpoint, store, method=method, default_graph=default_graph)[0],
                      allow_service, timeout)

    def answer():
        try:
            results = engine.select(sent, source=source, max_rows=max_rows)
        except QuerySyntaxError as err:  # its position in the query as written
            raise shift_error(err, offset) from err.__cause__
        return _presented(engine, results, fmt, labels)

    _write(_bounded(answer, _limit(timeout, endpoint)), fmt, output, width)


def register(main: click.Group) -> None:
    """Add the query commands to the ``spinekg`` group."""
    main.add_command(query)
    main.add_command(sparql)
