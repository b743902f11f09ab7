"""``spinekg conflicts``: where the pages disagree, one finding per conflicting relation."""

from __future__ import annotations

import shutil
from pathlib import Path

import click

from spinekg.cli.options import emit, open_graph, store_option
from spinekg.cli.progress import phases

__all__ = ["register"]

_KINDS = ["contradiction", "regulatory", "efficacy-evidence", "safety-risk", "track-record", "product-rule",
          "exclusive-status"]  # the kinds of spinekg.analysis.conflicts.KINDS (a test keeps them equal)
_FORMATS = ["text", "json", "csv", "markdown", "html"]
_FILE_WIDTH = 100  # columns of the text format written to a file (stdout: the terminal's width)


@click.command()
@click.option("--kind", type=click.Choice(_KINDS), default=None, help="Only this kind of conflict (default: all).")
@click.option("--document", "-d", default=None, metavar="DOC",
              help="Only findings with a claim of this document (file name, number such as 003, or title).")
@click.option("--entity", "-e", default=None, metavar="NAME",
              help="Only findings about this entity or a kind of it (label, synonym, CURIE or IRI).")
@click.option("-f", "--format", "fmt", type=click.Choice(_FORMATS), default="text", show_default=True,
              help="text, markdown and html group the findings, name the pages (number, publisher, title) and "
                   "print each quote once (text: wrapped to the terminal's width, 100 columns in a file); json "
                   "carries every quote with its offsets; csv has one row per quote (both: file name and page_name).")
@click.option("-o", "--output", default="-", help="Write the report to this file instead of stdout.")
@click.option("-i", "--input", "graph_file", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              default=None, help="Analyse this graph file (any RDF syntax) instead of the shipped graph.")
@store_option
def conflicts(kind: str | None, document: str | None, entity: str | None, fmt: str, output: str,
              graph_file: Path | None, store: str) -> None:
    """Report where the pages disagree: contradictions, promotion against a regulator's statement,
    efficacy against evidence, safety against risks, track record against novelty, and product
    rules; one finding per conflicting relation, most documents first.

    \b
    Examples:
      spinekg conflicts
      spinekg conflicts --kind regulatory --format markdown -o regulatory.md
      spinekg conflicts --document 004 --format json
    """
    from spinekg.analysis.report import render, summary

    with phases("conflicts", ["read graph", "find conflicts", f"write {fmt} report"]) as progress:
        kg = open_graph(graph_file, store=store)
        progress.step()
        findings = kg.conflicts(kind, document=document, entity=entity)
        progress.step()
        names = {doc.file: doc.name for doc in kg.documents()}
        width = None
        if fmt == "text":
            width = shutil.get_terminal_size().columns if output == "-" else _FILE_WIDTH
        report = render(findings, fmt, names=names, width=width).encode("utf-8")
    emit(report, output)  # after the progress line is gone
    if output != "-":
        click.echo(f"{summary(findings)}; written to {output}", err=True)


def register(main: click.Group) -> None:
    """Add the conflicts command to the ``spinekg`` group."""
    main.add_command(conflicts)
