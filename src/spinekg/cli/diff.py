"""``spinekg diff``: what changed between two graphs (by claims), or between two versions of a
page (where its curated quotes are now)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from spinekg.cli.options import emit

__all__ = ["register"]

_GRAPH_FIX = "give two graph files (any RDF syntax, e.g. from spinekg export) or two .txt pages with --curation"


def _input_error(path: Path, what: str, fix: str):
    from spinekg.core.errors import SpinekgError

    return SpinekgError(f"{path}: {what}; {fix}")


def _check_file(path: Path) -> None:
    if not path.exists():
        raise _input_error(path, "no such file", _GRAPH_FIX)
    if path.is_dir():
        raise _input_error(path, "is a folder, not a file", _GRAPH_FIX)


def _read_page(path: Path) -> str:
    from spinekg.core.errors import CorpusError

    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as err:
        raise CorpusError(f"{path}: not UTF-8 text (byte {err.start}); save the page as UTF-8") from err


def _pages(old: Path, new: Path, curation: Path, fmt: str, threshold: float) -> tuple[str, bool]:
    import hashlib

    from spinekg.core.errors import CurationError
    from spinekg.model.anchoring import AnchorReport, Span, reanchor, render_report
    from spinekg.model.curation import read_document

    if not curation.is_file():
        raise _input_error(curation, "no such curation file", "give the page's data/documents/NAME.yaml")
    doc = read_document(curation)
    old_text, new_text = _read_page(old), _read_page(new)
    for st in doc.statements:
        if old_text[st.start:st.end] != st.quote:
            raise CurationError(f"the quote is not at {st.start}-{st.end} of {old}; give as OLD the version of the "
                                "page the curation was made on", doc.path, st.source.line)
    if hashlib.sha256(old_text.encode("utf-8")).hexdigest() != doc.sha256:
        click.echo(f"warning: {old} is not the version the curation's sha256 names; its quotes are all found "
                   "in it, so the report is made anyway", err=True)
    spans = [Span(st.start, st.end, st.quote) for st in doc.statements]
    report = AnchorReport(tuple(reanchor(old_text, new_text, spans, fuzzy_threshold=threshold)))
    labels = [f"{Path(doc.path).name}:{st.source.line}" for st in doc.statements]
    if fmt == "json":
        data = {"old": str(old), "new": str(new), "curation": str(curation), **report.to_dict(labels)}
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n", report.differs
    return "\n".join(render_report(report, labels)) + "\n", report.differs


def _graphs(old: Path, new: Path, fmt: str, rdf_format: str | None) -> tuple[str, bool]:
    from spinekg.analysis.diff import diff_graphs, render_json, render_text
    from spinekg.core.errors import FormatError
    from spinekg.core.rdfio import format_for_path
    from spinekg.kg import load

    for path in (old, new):
        if rdf_format is None and format_for_path(path, default=None) is None:
            raise _input_error(path, f"cannot tell the RDF syntax from the extension {path.suffix!r}",
                               "name the syntax with --rdf-format (turtle, trig, nquads, nt, json-ld, xml), "
                               "or compare two .txt pages with --curation")
    graphs = []
    for path in (old, new):
        try:
            graphs.append(load(path, format=rdf_format).graph)
        except FormatError as err:
            raise FormatError(f"{err}; check that it is a graph file (e.g. from spinekg export), or name its "
                              "syntax with --rdf-format") from err
    result = diff_graphs(*graphs)
    return (render_json(result) if fmt == "json" else render_text(result)), result.differs


@click.command("diff")
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option("--curation", type=click.Path(path_type=Path), default=None, metavar="YAML",
              help="For two .txt pages: the page's curation file (data/documents/NAME.yaml) whose quotes are re-anchored.")
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("-o", "--output", default="-", help="Write the report to this file instead of stdout.")
@click.option("--rdf-format", default=None, metavar="SYNTAX",
              help="RDF syntax of both graph files (default: from their extensions).")
@click.option("--threshold", type=click.FloatRange(0.0, 1.0), default=0.85, show_default=True,
              help="For pages: the similarity a changed quote needs to be re-anchored rather than gone.")
def diff_command(old: Path, new: Path, curation: Path | None, fmt: str, output: str, rdf_format: str | None,
                 threshold: float) -> None:
    """Compare OLD and NEW: two graphs by their claims (added, removed, changed stance: negated,
    modality, evidence direction), or two versions of a page (.txt) by where the quotes of its
    curation file are now (unchanged, moved, changed, gone).

    Exit code 0 when there is no difference, 1 when there are some, 2 on bad input.

    \b
    Examples:
      spinekg diff old.ttl new.ttl
      spinekg diff old.ttl new.trig -f json -o claims-diff.json
      spinekg diff old/004_18a61ff07f1e7ac0.txt new/004_18a61ff07f1e7ac0.txt \\
          --curation data/documents/004_18a61ff07f1e7ac0.yaml
    """
    for path in (old, new):
        _check_file(path)
    pages = [p.suffix.lower() == ".txt" for p in (old, new)]
    if any(pages) and not all(pages):
        text, other = (old, new) if pages[0] else (new, old)
        raise _input_error(other, f"a graph compared with the page {text}", _GRAPH_FIX)
    if all(pages):
        if curation is None:
            raise _input_error(old, "two pages are compared through the quotes curated on them",
                               "give the page's curation file with --curation data/documents/NAME.yaml")
        report, differs = _pages(old, new, curation, fmt, threshold)
    else:
        if curation is not None:
            raise _input_error(curation, "--curation is for two .txt pages, not for graphs",
                               "leave it out to compare two graphs by their claims")
        report, differs = _graphs(old, new, fmt, rdf_format)
    emit(report.encode("utf-8"), output)
    if differs:
        click.get_current_context().exit(1)


def register(main: click.Group) -> None:
    """Add the diff command to the ``spinekg`` group."""
    main.add_command(diff_command)
