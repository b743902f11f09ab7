"""``spinekg build``, ``stats``, ``export`` and ``locate``: compile the graph, count it, write it, find a quote."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from spinekg.cli.options import corpus_dir, corpus_option, emit, open_graph, store_option
from spinekg.cli.progress import on_terminal, phases
from spinekg.core.files import atomic_output

__all__ = ["register", "EXTENSIONS", "export_format", "corpus_keyword"]


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
    spec = StoreSpec.parse(store)
    if output is None and spec.kind == "memory":
        output = "build/spinekg.ttl"
    if not check and output is not None:
        fmt = resolve_format(fmt) if fmt else format_for_path(output)
    steps = ["compile and check quotes" if corpus is not None else "compile"]
    steps += ["write"] if not check and output is not None else []
    steps += [f"store in {spec}"] if not check and spec.kind != "memory" else []
    with phases("build", steps + ["count"]) as progress:
        result = compile_sources(ontology_dir or resource_dir("ontology"), data_dir or resource_dir("data"),
                                 corpus, embed_text=embed_text)
        kg = KnowledgeGraph.from_build(result)
        progress.step()
        data = kg.serialize(fmt) if not check and output is not None else None
        if data is not None and output != "-":
            emit(data, output)
        if data is not None:
            progress.step()
        if not check and spec.kind != "memory":
            from spinekg.core.cache import source_key
            from spinekg.kg import fill_store

            shipped = ontology_dir is None and data_dir is None and not embed_text
            key = source_key(ontology_dir or resource_dir("ontology"), data_dir or resource_dir("data"))
            fill_store(spec, {"source": "shipped" if shipped else "build", "key": key}, kg)
            progress.step()
        summary = kg.stats().to_text()
    if data is not None and output == "-":  # after the progress line is gone
        emit(data, output)
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
    click.echo(summary, err=stream_err)


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


#: what the extension of -o says about the export format ('.json' is refused: JSON-LD or Cytoscape.js?)
EXTENSIONS = {".ttl": "turtle", ".trig": "trig", ".nq": "nquads", ".nt": "nt", ".jsonld": "json-ld",
              ".rdf": "xml", ".owl": "xml", ".xml": "xml", ".graphml": "graphml", ".gexf": "gexf",
              ".cyjs": "cytoscape", ".dot": "dot", ".gv": "dot", ".svg": "svg", ".png": "png", ".mmd": "mermaid",
              ".html": "html", ".htm": "html"}
_SYNONYMS = ({"xml", "pretty-xml"}, {"nt", "nt11"})


def _same_format(chosen: str, implied: str) -> bool:
    from spinekg.export import FORMATS

    if chosen == implied:
        return True
    if chosen in FORMATS or implied in FORMATS:
        return False
    if any(chosen in family and implied in family for family in _SYNONYMS):
        return True
    from rdflib import plugin
    from rdflib.serializer import Serializer

    return plugin.get(chosen, Serializer) is plugin.get(implied, Serializer)  # 'ttl' and 'turtle'


def export_format(fmt: str | None, output: str) -> str:
    """The format to export: ``--format`` (checked against the extension of ``output``), else the
    one the extension names; ``-o -`` without ``--format`` is Turtle."""
    from spinekg.core.errors import ParameterError, UnknownNameError
    from spinekg.core.rdfio import resolve_format
    from spinekg.export import FORMATS

    suffix = "" if output == "-" else Path(output).suffix.lower()
    implied = EXTENSIONS.get(suffix)
    if fmt is None:
        if output == "-":
            return "turtle"
        if implied is not None:
            return implied
        if suffix == ".json":
            raise ParameterError(f"{output}: a .json file may be JSON-LD or Cytoscape.js: give --format jsonld or "
                                 "--format cytoscape (or name it .jsonld or .cyjs)")
        known = " ".join(sorted(EXTENSIONS))
        raise ParameterError(f"{output}: cannot tell the format from the extension {suffix or '(none)'!r}: give "
                             f"--format, or one of the extensions {known} (neo4j writes a folder: --format neo4j)")
    if fmt in FORMATS:
        chosen = fmt
    else:
        try:
            chosen = resolve_format(fmt)
        except UnknownNameError as err:
            raise UnknownNameError(f"{err}; visualizer formats: {', '.join(FORMATS)}") from None
    if implied is not None and not _same_format(chosen, implied):
        raise ParameterError(f"--format {fmt} contradicts the output file {output} ({suffix} is {implied}): "
                             "drop --format or change the file name")
    return chosen


def corpus_keyword(function, fmt: str, corpus: Path | None) -> dict:
    """``{"corpus": corpus}`` for an html exporter that takes it (the explorer shows page texts)."""
    if fmt != "html" or corpus is None:
        return {}
    import inspect

    try:
        parameters = inspect.signature(function).parameters
    except (TypeError, ValueError):
        return {}
    return {"corpus": corpus} if "corpus" in parameters else {}


@click.command()
@click.option("-f", "--format", "fmt", default=None,
              help="RDF syntax (turtle, trig, nquads, nt, jsonld, xml: any rdflib serializer) or a visualizer "
                   "format (graphml, gexf, cytoscape, dot, svg, png, mermaid, neo4j, html). Default: from the "
                   "extension of -o (.ttl .trig .nq .nt .jsonld .rdf/.owl/.xml .graphml .gexf .cyjs .dot/.gv .svg "
                   ".png .mmd .html/.htm); turtle for '-o -'.")
@click.option("-o", "--output", required=True, help="Output file, or '-' for stdout (a folder for neo4j).")
@click.option("-i", "--input", "graph_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Export this graph file instead of the shipped graph.")
@click.option("--around", default=None, metavar="ENTITY", help="Only the entities within --depth edges of this one.")
@click.option("--depth", default=2, show_default=True, type=click.IntRange(min=0), help="Hops for --around.")
@click.option("--document", default=None, metavar="DOC", help="Only this document's claims (file name, number, title).")
@click.option("--category", default=None, help="Only entities of this upper category (e.g. treatment).")
@click.option("--corpus", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="html: folder of the page texts the explorer shows (default: $SPINEKG_CORPUS).")
@store_option
def export(fmt: str | None, output: str, graph_file: Path | None, around: str | None, depth: int,
           document: str | None, category: str | None, corpus: Path | None, store: str) -> None:
    """Write the complete graph in an RDF syntax, or its entities and claim-annotated edges for a
    visualizer (graphml, gexf, cytoscape, dot, svg, png, mermaid, neo4j, html), deterministically.

    The format comes from the extension of -o (or --format; a contradiction is refused).
    --around/--depth, --document and --category export a part of the graph.
    """
    from spinekg.export import FORMATS, exporter

    fmt = export_format(fmt, output)
    module = exporter(fmt) if fmt in FORMATS else None
    multifile = module is not None and getattr(module, "MULTIFILE", False)  # a folder of files
    if multifile and output == "-":
        from spinekg.core.errors import ParameterError

        raise ParameterError(f"the {fmt} export writes a folder of files: give -o FOLDER")
    part = around is not None or document is not None or category is not None
    steps = ["read graph"] + (["select"] if part else []) + [f"write {fmt}"]
    # RDF to a terminal's stdout is written as it is made: no progress line in the middle of it
    with phases("export", steps, enabled=output != "-" or not on_terminal(sys.stdout)) as progress:
        kg = open_graph(graph_file, store=store)
        progress.step()
        if part:
            kg = kg.subgraph(around, depth, document=document, category=category)
            progress.step()
        if module is not None:
            to_bytes = getattr(module, f"to_{fmt}")
            extra = corpus_keyword(to_bytes, fmt, corpus_dir(corpus))
            if multifile:
                getattr(module, f"write_{fmt}")(kg, output, **extra)
                click.echo(f"wrote {', '.join(sorted(to_bytes(kg, **extra)))} into {output}", err=True)
            else:
                emit(to_bytes(kg, **extra), output)
            return
        from spinekg.core.rdfio import write_rdf

        if output == "-":
            write_rdf(kg, fmt, sys.stdout.buffer)
            sys.stdout.buffer.flush()
        else:
            with atomic_output(output) as handle:  # N-Quads and N-Triples stream through it
                write_rdf(kg, fmt, handle, beside=output)


def _titled(document: str, corpus: Path | None) -> Path | None:
    """The corpus file of the graph's document titled (or otherwise named) ``document``, if any."""
    from spinekg.core.errors import AmbiguousNameError, CorpusError, UnknownNameError
    from spinekg.query.library import EntityIndex

    if corpus is None:
        return None
    kg = open_graph(None)
    try:
        iri = EntityIndex(kg.engine).document(document)
    except (UnknownNameError, AmbiguousNameError):
        return None
    file = next((doc.file for doc in kg.documents() if doc.iri == iri), None)
    if file is None:
        return None
    path = Path(corpus) / f"{file}.txt"
    if not path.is_file():
        raise CorpusError(f"{document}: is the graph's document {file}, whose text {path} is not in the corpus")
    return path


@click.command()
@click.argument("document")
@click.argument("quote")
@corpus_option
def locate(document: str, quote: str, corpus: Path | None) -> None:
    """Print the offsets of QUOTE in DOCUMENT: a corpus file name (with or without .txt), its number
    (003), its title, or a path to a .txt file."""
    from spinekg.core.errors import CorpusError
    from spinekg.model.grounding import find_document, locate_quote

    corpus = corpus_dir(corpus)
    try:
        path = find_document(document, corpus)
    except CorpusError as err:
        path = _titled(document, corpus)
        if path is None:
            raise err
    for start, end in locate_quote(path, quote, corpus):
        click.echo(f"start: {start}\nend: {end}")


def register(main: click.Group) -> None:
    """Add these commands to the ``spinekg`` group."""
    for command in (build, stats, export, locate):
        main.add_command(command)
