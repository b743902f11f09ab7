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
@click.option("--plain", is_flag=True,
              help="Exactly GRAPH_FILES against exactly --shapes: no shipped ontology added, no document texts.")
@click.option("--endpoint", default=None, metavar="URL",
              help="Validate the graph of a remote SPARQL endpoint (the sparql engine's queries run there).")
@click.option("--graph", "graph_iri", default=None, metavar="IRI",
              help="With --endpoint: the graph to validate (sent as default-graph-uri), e.g. urn:spinekg.")
@click.option("--method", type=click.Choice(["auto", "get", "post", "direct"]), default="auto", show_default=True,
              help="With --endpoint: how queries travel (auto: GET for short ones, form POST for long ones).")
@click.option("--timeout", default=120.0, show_default=True, type=click.FloatRange(min=0, min_open=True),
              help="With --endpoint: seconds each request may take.")
@corpus_option
@store_option
def validate(graph_files: tuple[Path, ...], shapes: tuple[Path, ...], fmt: str, fail_on: str, output: str,
             engine: str | None, plain: bool, endpoint: str | None, graph_iri: str | None, method: str,
             timeout: float, corpus: Path | None, store: str) -> None:
    """Check the graph (GRAPH_FILES merged, or the shipped graph) against the SHACL shapes.

    \b
    --plain: exactly GRAPH_FILES against exactly --shapes (plain SHACL).
    --endpoint URL [--graph IRI]: the graph of a SPARQL endpoint, with the sparql engine; the
    ontology must be in that graph, and quotes are compared with page texts only if the graph
    holds them (prov:value).

    Exit 0 when nothing is at or above --fail-on, 1 when something is, 2 on bad input.
    """
    from spinekg.validation.report import render

    if plain and endpoint:
        from spinekg.core.errors import ParameterError

        raise ParameterError("--plain validates files, --endpoint a server's graph: give one of them")
    if plain:
        result = _plain(graph_files, shapes, engine, store)
        _finish(result, render(result, fmt).encode("utf-8"), output, fail_on)
        return
    if endpoint:
        result, names = _remote(graph_files, shapes, engine, endpoint, graph_iri, method, timeout,
                                fmt in ("text", "markdown", "html"))
        _finish(result, render(result, fmt, names=names).encode("utf-8"), output, fail_on)
        return
    if graph_iri is not None or method != "auto":
        from spinekg.core.errors import ParameterError

        raise ParameterError("--graph and --method are for a remote endpoint: add --endpoint URL")
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
    _finish(result, report, output, fail_on)


def _finish(result, report: bytes, output: str, fail_on: str) -> None:
    """Write the report; exit 1 when a result is at or above ``fail_on``."""
    emit(report, output)  # after the progress line is gone
    if output != "-":
        click.echo(f"{result.summary()}; report written to {output}", err=True)
    if result.fails(fail_on):
        click.get_current_context().exit(1)


def _plain(graph_files: tuple[Path, ...], shapes: tuple[Path, ...], engine: str | None, store: str):
    """``--plain``: :func:`spinekg.validation.shacl.validate_graphs` on exactly these files."""
    from spinekg.core.errors import ParameterError
    from spinekg.validation.shacl import validate_graphs

    if not graph_files or not shapes:
        raise ParameterError("--plain validates exactly the given data against exactly the given shapes: "
                             "give GRAPH_FILES and --shapes")
    with phases("validate", [f"check shapes ({engine or 'pyshacl'})"]):
        return validate_graphs(list(graph_files), list(shapes), engine=engine or "pyshacl", store=store)


def _remote(graph_files: tuple[Path, ...], shapes: tuple[Path, ...], engine: str | None, endpoint: str,
            graph_iri: str | None, method: str, timeout: float, named: bool):
    """``--endpoint``: the sparql engine's queries on the endpoint; the rows built by
    :func:`~spinekg.validation.shacl.report_rows` from the report and, fetched from the endpoint,
    what it reads of the nodes involved (:func:`_row_facts`), so they equal the local rows."""
    from rdflib import RDF, URIRef
    from rdflib.namespace import PROV

    from spinekg.core.errors import ParameterError
    from spinekg.core.namespaces import bind_prefixes
    from spinekg.query.documents import document_names
    from spinekg.query.remote import RemoteEngine, RemoteStore
    from spinekg.validation.shacl import ValidationResult, load_shapes, report_rows
    from spinekg.validation.sparql import validate_store

    if graph_files:
        raise ParameterError("--endpoint validates the endpoint's graph: give no GRAPH_FILES")
    if engine == "pyshacl":
        raise ParameterError("--endpoint runs the sparql engine (its queries run on the server): drop "
                             "--engine pyshacl")
    remote = RemoteEngine(endpoint, timeout, method=method, default_graph=graph_iri)
    shapes_graph, files = load_shapes(list(shapes) or None)
    software = remote.server_software()
    if software.lower().startswith("virtuoso/07"):
        raise ParameterError(
            f"{software.split()[0]} does not evaluate the sparql engine's validation queries as SPARQL 1.1 says "
            "(wrong rows for MINUS around grouped sub-selects, zero-length path steps and COALESCE over sameTerm; "
            "some fail to compile or stop the server), so its report would be wrong; validate a local copy: "
            "spinekg validate --store oxigraph")
    with phases("validate", ["check shapes (sparql, remote)", "read labels and quotes"]) as progress:
        report = validate_store(RemoteStore(remote), shapes_graph, union=False)
        bind_prefixes(report)
        progress.step()
        rows = report_rows(report, _row_facts(remote, report), shapes_graph)
        texts = remote.select(f"ASK {{ ?snapshot <{PROV.value}> ?text }}", source="<texts>").boolean
        names = document_names(remote) if named else None  # pages by number, publisher and title
    sh = "http://www.w3.org/ns/shacl#"
    root = report.value(predicate=RDF.type, object=URIRef(sh + "ValidationReport"))
    conforms = report.value(root, URIRef(sh + "conforms")) if root is not None else None
    return ValidationResult(conforms=bool(conforms.toPython()) if conforms is not None else not rows,
                            report_graph=report, rows=rows, text_checked=bool(texts),
                            shapes=tuple(str(f) for f in files)), names


def _row_facts(remote, report):
    """A graph of what :func:`~spinekg.validation.shacl.report_rows` reads of the report's focus
    nodes and values, fetched from the endpoint (VALUES of 200 IRIs a query), following the claims'
    pages and the claims a status was derived from; with spinekg's prefixes."""
    from rdflib import RDF, RDFS, Graph, URIRef
    from rdflib.namespace import PROV

    from spinekg.core.namespaces import OA, SPK, bind_prefixes
    from spinekg.query.remote import RemoteStore
    from spinekg.query.text import NOT_IN_IRI, iri_text

    sh = "http://www.w3.org/ns/shacl#"
    read = (RDF.type, RDFS.label, SPK.fileName, SPK.statedIn, URIRef("https://w3id.org/biolink/vocab/supporting_text"),
            OA.hasSource, PROV.wasDerivedFrom)
    followed = (SPK.statedIn, OA.hasSource, PROV.wasDerivedFrom)  # to the claim's page, a status's claims
    store = RemoteStore(remote)  # answers without the labels RemoteEngine.select would look up
    facts = Graph()
    bind_prefixes(facts)
    results = [r for root in report.subjects(RDF.type, URIRef(sh + "ValidationReport"))
               for r in report.objects(root, URIRef(sh + "result"))]
    frontier = {n for r in results for name in ("focusNode", "value")
                for n in report.objects(r, URIRef(sh + name)) if isinstance(n, URIRef)}
    done: set = set()
    predicates = " ".join(f"<{p}>" for p in read)
    while frontier:
        done |= frontier
        sendable = sorted(n for n in frontier if not NOT_IN_IRI.search(str(n)))
        found = []
        for start in range(0, len(sendable), 200):
            nodes = " ".join(iri_text(n, "IRI") for n in sendable[start:start + 200])
            found += store.query(f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {nodes} }} VALUES ?p {{ {predicates} }} "
                                 "?s ?p ?o }")
            for row in store.query(f"SELECT ?s ?selector ?exact WHERE {{ VALUES ?s {{ {nodes} }} "
                                   f"?s <{OA.hasSelector}> ?selector . ?selector <{OA.exact}> ?exact }}"):
                facts.add((row["s"], OA.hasSelector, row["selector"]))
                facts.add((row["selector"], OA.exact, row["exact"]))
        for row in found:
            facts.add((row["s"], row["p"], row["o"]))
        frontier = {row["o"] for row in found if row["p"] in followed and isinstance(row["o"], URIRef)} - done
    return facts


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
