"""``spinekg build``, ``stats``, ``export`` and ``locate``: compile the graph, count it, write it, find a quote."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from spinekg.cli.options import corpus_dir, corpus_option, emit, open_graph, store_option
from spinekg.core.files import atomic_output

__all__ = ["register"]


@click.command()
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
    from spinekg.model.compiler import build as compile_sources
    from spinekg.core.errors import CorpusError
    from spinekg.kg import KnowledgeGraph
    from spinekg.core.rdfio import format_for_path, resolve_format
    from spinekg.core.resources import resource_dir
    from spinekg.store.oxigraph import StoreSpec

    corpus = corpus_dir(corpus)
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
        emit(kg.serialize(fmt), output)
    if not check and spec.kind != "memory":
        from spinekg.core.cache import source_key
        from spinekg.kg import fill_store

        shipped = ontology_dir is None and data_dir is None and not embed_text
        key = source_key(ontology_dir or resource_dir("ontology"), data_dir or resource_dir("data"))
        fill_store(spec, {"source": "shipped" if shipped else "build", "key": key}, kg)
    report = kg.report
    stream_err = output == "-"
    click.echo(report.summary(), err=stream_err)
    if not report.grounded:
        click.echo("warning: grounding not re-checked: quotes and offsets are as curated", err=True)
    if corpus is not None:
        from spinekg.ingest.pages import unregistered_pages

        waiting = unregistered_pages(corpus, data_dir or resource_dir("data"))
        if waiting:
            shown = ", ".join(waiting[:10]) + (f" and {len(waiting) - 10} more" if len(waiting) > 10 else "")
            click.echo(f"note: {len(waiting)} corpus page(s) without a curation file, not in the graph: {shown}; "
                       f"register one with: spinekg add {corpus}/{waiting[0]}.txt, then spinekg extract", err=True)
    if not check:
        wrote = [f"wrote {output}"] if output not in (None, "-") else []
        if spec.kind != "memory":
            wrote.append(f"stored {len(kg)} triples in {spec}")
        click.echo("; ".join(wrote), err=stream_err)
    click.echo(kg.stats().to_text(), err=stream_err)


@click.command()
@click.argument("graph_file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@store_option
def stats(graph_file: Path | None, fmt: str, store: str) -> None:
    """Counts per category, predicate, document and modality (of GRAPH_FILE or the shipped graph)."""
    import json

    result = open_graph(graph_file, store=store).stats()
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=2, sort_keys=True))
    else:
        click.echo(result.to_text())


@click.command()
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
    from spinekg.export import FORMATS, exporter
    from spinekg.core.rdfio import resolve_format

    kg = open_graph(graph_file, store=store)
    if around is not None or document is not None or category is not None:
        kg = kg.subgraph(around, depth, document=document, category=category)
    if fmt in FORMATS:
        module = exporter(fmt)
        if getattr(module, "MULTIFILE", False):  # a folder of files
            from spinekg.core.errors import SpinekgError

            if output == "-":
                raise SpinekgError(f"the {fmt} export writes a folder of files: give -o FOLDER")
            getattr(module, f"write_{fmt}")(kg, output)
            click.echo(f"wrote {', '.join(sorted(getattr(module, f'to_{fmt}')(kg)))} into {output}", err=True)
            return
        emit(getattr(module, f"to_{fmt}")(kg), output)
        return
    from spinekg.core.errors import UnknownNameError

    try:
        fmt = resolve_format(fmt)
    except UnknownNameError as err:
        raise UnknownNameError(f"{err}; visualizer formats: {', '.join(FORMATS)}") from None
    from spinekg.core.rdfio import write_rdf

    if output == "-":
        write_rdf(kg, fmt, sys.stdout.buffer)
        sys.stdout.buffer.flush()
    else:
        with atomic_output(output) as handle:  # N-Quads and N-Triples stream through it
            write_rdf(kg, fmt, handle, beside=output)


@click.command()
@click.argument("document")
@click.argument("quote")
@corpus_option
def locate(document: str, quote: str, corpus: Path | None) -> None:
    """Print the offsets of QUOTE in DOCUMENT (a corpus file name or a path to a .txt file)."""
    from spinekg.model.grounding import locate_quote

    for start, end in locate_quote(document, quote, corpus_dir(corpus)):
        click.echo(f"start: {start}\nend: {end}")


def register(main: click.Group) -> None:
    """Add these commands to the ``spinekg`` group."""
    for command in (build, stats, export, locate):
        main.add_command(command)
