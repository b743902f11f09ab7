"""``spinekg report``: one summary of the pages, what they claim and where they disagree."""

from __future__ import annotations

from pathlib import Path

import click

from spinekg.cli.options import emit, open_graph, store_option

__all__ = ["register"]

#: the formats and the output extensions that name them
_EXTENSIONS = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown"}
_FORMATS = ["html", "markdown"]


def _format(output: str, fmt: str | None) -> str:
    """The format asked for: ``--format``, else the output's extension, else Markdown for stdout.
    A format that contradicts the extension, or an output whose format cannot be told, is refused."""
    from spinekg.core.errors import ParameterError

    if output == "-":
        return fmt or "markdown"
    suffix = Path(output).suffix.lower()
    implied = _EXTENSIONS.get(suffix)
    if fmt is not None and implied is not None and fmt != implied:
        raise ParameterError(f"{output}: --format {fmt} does not match the extension {suffix!r} ({implied}); "
                             f"drop --format or name the file {Path(output).stem}"
                             f"{'.html' if fmt == 'html' else '.md'}")
    if fmt is None and implied is None:
        raise ParameterError(f"{output}: cannot tell the format from the extension {suffix!r}; "
                             "name the file .html, .htm, .md or .markdown, or give --format html|markdown")
    return fmt or implied


@click.command()
@click.argument("graph_file", required=False, type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("-o", "--output", default="-",
              help="Write the report to this file (.html/.htm: HTML, .md/.markdown: Markdown); default: "
                   "Markdown on stdout.")
@click.option("-f", "--format", "fmt", type=click.Choice(_FORMATS), default=None,
              help="html (one self-contained, printable page) or markdown; default: from the extension of -o.")
@click.option("--date", default=None, metavar="YYYY-MM-DD",
              help="The report's date (default: the latest date a page of the graph was published or retrieved; "
                   "the clock is never read, so the same graph gives the same report).")
@store_option
def report(graph_file: Path | None, output: str, fmt: str | None, date: str | None, store: str) -> None:
    """One summary to send to a colleague: for every page, its name, publisher, location, dates and
    URL, what it claims (treatments and conditions, effects, mechanisms, risks, regulatory
    statements, evidence), how hedged it is, and what it conflicts with on other pages, with the
    quotes; a header with the graph's size and the conflicts per kind. GRAPH_FILE: an exported
    graph (any RDF syntax) instead of the shipped one.

    \b
    Examples:
      spinekg report -o report.html
      spinekg report --date 2026-03-01 -o report.md
      spinekg report > report.md
    """
    from spinekg.analysis.summary import build_report, render

    fmt = _format(output, fmt)
    kg = open_graph(graph_file, store=store)
    summary = build_report(kg, date=date)
    data = render(summary, fmt).encode("utf-8")
    emit(data, output)
    if output != "-":
        click.echo(f"{len(summary.pages)} pages, {sum(summary.conflicts.values())} conflicts; {fmt} report "
                   f"({len(data):,} bytes) written to {output}", err=True)


def register(main: click.Group) -> None:
    """Add ``report`` to the ``spinekg`` group."""
    main.add_command(report)
