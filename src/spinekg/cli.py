"""The ``spinekg`` command line: a thin layer over the Python API.

Exit codes: 0 success; 1 the check asked for failed (reserved for validation); 2 bad input
(unreadable or malformed file, quote not in the text, unknown name). Errors are one line on
stderr; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import os
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import click

from . import __version__
from .errors import SpinekgError

__all__ = ["main", "write_atomic", "atomic_output"]


@contextmanager
def atomic_output(path: str | Path):
    """A binary file handle whose content replaces ``path`` only when the block succeeds: it is
    written to a temporary file beside it, so a failure leaves no partial file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the file the usual mode
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file, so a failure leaves no partial file."""
    with atomic_output(path) as handle:
        handle.write(data)


def _emit(data: bytes, output: str) -> None:
    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        write_atomic(output, data)


class _Group(click.Group):
    """Turn spinekg errors into one line and exit code 2 (tracebacks only with --debug)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except SpinekgError as err:
            if ctx.params.get("debug"):
                raise
            click.echo(f"spinekg: error: {err}", err=True)
            ctx.exit(2)
        except OSError as err:  # unreadable output location and the like
            if ctx.params.get("debug"):
                raise
            click.echo(f"spinekg: error: {err}", err=True)
            ctx.exit(2)


corpus_option = click.option(
    "--corpus", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Folder of the source .txt documents (default: $SPINEKG_CORPUS). Quotes, offsets and hashes are checked against it.")


def _corpus(value: Path | None) -> Path | None:
    from .resources import default_corpus_dir

    return value if value is not None else default_corpus_dir()


store_option = click.option(
    "--store", default="memory", show_default=True, envvar="SPINEKG_STORE", metavar="STORE",
    help="Where the graph lives: memory (rdflib), oxigraph (in memory, fast) or oxigraph:PATH (a store "
         "folder: filled on first use, reopened without parsing later). Default: $SPINEKG_STORE or memory.")


def _kg(graph_file: Path | None, corpus: Path | None = None, store: str | None = None):
    from .kg import load

    return load(graph_file, corpus=corpus, store=store)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="spinekg")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def main(debug: bool) -> None:
    """spinekg: a knowledge graph of what clinics say about regenerative treatments for neck and
    back pain, with every claim traceable to the exact words of its source."""


@main.command()
@corpus_option
@click.option("-o", "--output", default=None,
              help="Where to write the graph ('-' for stdout; default: build/spinekg.ttl, or nothing with an Oxigraph --store).")
@click.option("-f", "--format", "fmt", default=None,
              help="RDF syntax (default: from the output extension, else turtle).")
@click.option("--check", is_flag=True, help="Compile and check only; write nothing.")
@click.option("--embed-text", is_flag=True,
              help="Embed each document's full text (prov:value) so SHACL can re-check quotes; needs the corpus. Do not redistribute the result.")
@click.option("--require-corpus", is_flag=True, help="Fail when no corpus directory is available.")
@click.option("--ontology", "ontology_dir", type=click.Path(file_okay=False, exists=True, path_type=Path), default=None,
              help="Ontology folder to compile (default: the shipped one).")
@click.option("--data", "data_dir", type=click.Path(file_okay=False, exists=True, path_type=Path), default=None,
              help="Curated data folder to compile (default: the shipped one).")
@store_option
def build(corpus: Path | None, output: str | None, fmt: str | None, check: bool, embed_text: bool, require_corpus: bool,
          ontology_dir: Path | None, data_dir: Path | None, store: str) -> None:
    """Compile the ontology and curated claims, check grounding, write the graph and print a summary."""
    from .build import build as compile_sources
    from .errors import CorpusError
    from .kg import KnowledgeGraph
    from .rdfio import format_for_path, resolve_format
    from .resources import resource_dir
    from .store import StoreSpec

    corpus = _corpus(corpus)
    if corpus is None and (require_corpus or embed_text):
        raise CorpusError("no corpus directory: pass --corpus DIR or set SPINEKG_CORPUS")
    result = compile_sources(ontology_dir or resource_dir("ontology"), data_dir or resource_dir("data"),
                             corpus, embed_text=embed_text)
    kg = KnowledgeGraph.from_build(result)
    spec = StoreSpec.parse(store)
    if output is None and spec.kind == "memory":
        output = "build/spinekg.ttl"
    if not check and output is not None:
        fmt = resolve_format(fmt) if fmt else format_for_path(output)
        _emit(kg.serialize(fmt), output)
    if not check and spec.kind != "memory":
        from .cache import source_key
        from .kg import _fill_oxigraph

        shipped = ontology_dir is None and data_dir is None and not embed_text
        key = source_key(ontology_dir or resource_dir("ontology"), data_dir or resource_dir("data"))
        _fill_oxigraph(spec, {"source": "shipped" if shipped else "build", "key": key}, kg)
    report = kg.report
    stream_err = output == "-"
    click.echo(report.summary(), err=stream_err)
    if not report.grounded:
        click.echo("warning: grounding not re-checked: quotes and offsets are as curated", err=True)
    if not check:
        wrote = [f"wrote {output}"] if output not in (None, "-") else []
        if spec.kind != "memory":
            wrote.append(f"stored {len(kg)} triples in {spec}")
        click.echo("; ".join(wrote), err=stream_err)
    click.echo(kg.stats().to_text(), err=stream_err)


@main.command()
@click.argument("graph_file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@store_option
def stats(graph_file: Path | None, fmt: str, store: str) -> None:
    """Counts per category, predicate, document and modality (of GRAPH_FILE or the shipped graph)."""
    import json

    result = _kg(graph_file, store=store).stats()
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=2, sort_keys=True))
    else:
        click.echo(result.to_text())


@main.command()
@click.option("-f", "--format", "fmt", default="turtle", show_default=True,
              help="RDF syntax (turtle, trig, nquads, nt, jsonld, xml: any rdflib serializer) or a "
                   "visualizer format (graphml, gexf, cytoscape, dot, svg, png, mermaid, neo4j, html).")
@click.option("-o", "--output", required=True, help="Output file, or '-' for stdout.")
@click.option("-i", "--input", "graph_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Export this graph file instead of the shipped graph.")
@click.option("--around", default=None, metavar="ENTITY", help="Only the entities within --depth edges of this one.")
@click.option("--depth", default=2, show_default=True, type=click.IntRange(min=0), help="Hops for --around.")
@click.option("--document", default=None, metavar="DOC", help="Only this document's claims (file name, number, title).")
@click.option("--category", default=None, help="Only entities of this upper category (e.g. treatment).")
@store_option
def export(fmt: str, output: str, graph_file: Path | None, around: str | None, depth: int, document: str | None,
           category: str | None, store: str) -> None:
    """Write the complete graph in an RDF syntax, or its entities and claim-annotated edges for a
    visualizer (graphml, gexf, cytoscape, dot, svg, png, mermaid, neo4j, html), deterministically.

    --around/--depth, --document and --category export a part of the graph."""
    from .exporters import FORMATS, exporter
    from .rdfio import resolve_format

    kg = _kg(graph_file, store=store)
    if around is not None or document is not None or category is not None:
        kg = kg.subgraph(around, depth, document=document, category=category)
    if fmt in FORMATS:
        module = exporter(fmt)
        if getattr(module, "MULTIFILE", False):  # a folder of files
            from .errors import SpinekgError

            if output == "-":
                raise SpinekgError(f"the {fmt} export writes a folder of files: give -o FOLDER")
            getattr(module, f"write_{fmt}")(kg, output)
            click.echo(f"wrote {', '.join(sorted(getattr(module, f'to_{fmt}')(kg)))} into {output}", err=True)
            return
        _emit(getattr(module, f"to_{fmt}")(kg), output)
        return
    from .errors import UnknownNameError

    try:
        fmt = resolve_format(fmt)
    except UnknownNameError as err:
        raise UnknownNameError(f"{err}; visualizer formats: {', '.join(FORMATS)}") from None
    from .rdfio import write_rdf

    if output == "-":
        write_rdf(kg, fmt, sys.stdout.buffer)
        sys.stdout.buffer.flush()
    else:
        with atomic_output(output) as handle:  # N-Quads and N-Triples stream through it
            write_rdf(kg, fmt, handle)


@main.command()
@click.argument("graph_files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--shapes", "shapes", multiple=True, type=click.Path(path_type=Path),
              help="SHACL shapes file or folder of *.ttl (repeatable; default: the shipped shapes).")
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json", "markdown", "html", "turtle"]),
              default="text", show_default=True, help="Report format (turtle: the SHACL report graph).")
@click.option("--fail-on", type=click.Choice(["violation", "warning", "info"]), default="violation", show_default=True,
              help="Exit 1 when there is a result of this severity or worse.")
@click.option("-o", "--output", default="-", help="Write the report to this file instead of stdout.")
@click.option("--engine", type=click.Choice(["pyshacl", "sparql"]), default=None,
              help="pyshacl (the reference) or sparql (the shapes as SPARQL on Oxigraph: the same report, fast on "
                   "big graphs). Default: sparql with an Oxigraph --store, else pyshacl.")
@corpus_option
@store_option
def validate(graph_files: tuple[Path, ...], shapes: tuple[Path, ...], fmt: str, fail_on: str, output: str,
             engine: str | None, corpus: Path | None, store: str) -> None:
    """Check the graph (GRAPH_FILES merged, or the shipped graph) against the SHACL shapes.

    Exit 0 when nothing is at or above --fail-on, 1 when something is, 2 on bad input.
    """
    from .report import render

    corpus = _corpus(corpus)
    if len(graph_files) > 1:
        from .store import StoreSpec

        if StoreSpec.parse(store).kind != "memory":
            from .errors import ParameterError

            raise ParameterError("several graph files are merged in memory: give one file with --store "
                                 f"{store}, or merge them first (spinekg export)")
        kg = _merged_kg(graph_files)
    else:
        kg = _kg(graph_files[0] if graph_files else None, None if graph_files else corpus, store)
    result = kg.validate(list(shapes) or None, corpus=corpus, engine=engine)
    _emit(render(result, fmt).encode("utf-8"), output)
    if output != "-":
        click.echo(f"{result.summary()}; report written to {output}", err=True)
    if result.fails(fail_on):
        click.get_current_context().exit(1)


def _merged_kg(paths: tuple[Path, ...]):
    """One knowledge graph from several exported files (ontology and data may come separately)."""
    from rdflib import Graph

    from .kg import KnowledgeGraph
    from .namespaces import bind_prefixes
    from .rdfio import read_graph

    ontology, data = Graph(), Graph()
    bind_prefixes(ontology)
    bind_prefixes(data)
    for path in paths:
        ont_part, data_part = read_graph(path)
        ontology += ont_part
        data += data_part
    merged = Graph()
    bind_prefixes(merged)
    merged += ontology
    merged += data
    return KnowledgeGraph(graph=merged, ontology=ontology, report=None, data=data)


@main.command()
@click.argument("document")
@click.argument("quote")
@corpus_option
def locate(document: str, quote: str, corpus: Path | None) -> None:
    """Print the offsets of QUOTE in DOCUMENT (a corpus file name or a path to a .txt file)."""
    from .curation_tools import locate_quote

    for start, end in locate_quote(document, quote, _corpus(corpus)):
        click.echo(f"start: {start}\nend: {end}")


def _register_commands() -> None:
    """Commands kept in their own modules (the CLI grows by modules, not by one long file)."""
    from .cli_query import register as register_query
    from .cli_server import register as register_server

    register_query(main)
    register_server(main)


_register_commands()

if __name__ == "__main__":  # pragma: no cover
    main()
