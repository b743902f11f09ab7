"""``spinekg validate``: SHACL validation and its report."""

from __future__ import annotations

from pathlib import Path

import click

from spinekg.cli.options import corpus_dir, corpus_option, emit, open_graph, store_option
from spinekg.cli.progress import phases

__all__ = ["register"]


@click.command()
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
    from spinekg.validation.report import render

    corpus = corpus_dir(corpus)
    if len(graph_files) > 1:
        from spinekg.store.oxigraph import StoreSpec

        if StoreSpec.parse(store).kind != "memory":
            from spinekg.core.errors import ParameterError

            raise ParameterError("several graph files are merged in memory: give one file with --store "
                                 f"{store}, or merge them first (spinekg export)")
    which = engine or ("sparql" if _oxigraph(store) else "pyshacl")
    with phases("validate", ["read graph", f"check shapes ({which})", f"write {fmt} report"]) as progress:
        if len(graph_files) > 1:
            kg = _mergedopen_graph(graph_files)
        else:
            kg = open_graph(graph_files[0] if graph_files else None, None if graph_files else corpus, store)
        progress.step()
        result = kg.validate(list(shapes) or None, corpus=corpus, engine=engine)
        progress.step()
        names = {doc.file: doc.name for doc in kg.documents()} if fmt in ("text", "markdown", "html") else None
        report = render(result, fmt, names=names).encode("utf-8")
    emit(report, output)  # after the progress line is gone
    if output != "-":
        click.echo(f"{result.summary()}; report written to {output}", err=True)
    if result.fails(fail_on):
        click.get_current_context().exit(1)


def _oxigraph(store: str) -> bool:
    from spinekg.store.oxigraph import StoreSpec

    return StoreSpec.parse(store).kind != "memory"


def _mergedopen_graph(paths: tuple[Path, ...]):
    """One knowledge graph from several exported files (ontology and data may come separately)."""
    from rdflib import Graph

    from spinekg.kg import KnowledgeGraph
    from spinekg.core.namespaces import bind_prefixes
    from spinekg.core.rdfio import read_graph

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


def register(main: click.Group) -> None:
    """Add ``validate`` to the ``spinekg`` group."""
    main.add_command(validate)
