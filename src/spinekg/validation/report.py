"""Render a :class:`~spinekg.validation.shacl.ValidationResult` for people and programs.

Formats (``spinekg validate --format``): ``text`` (terminal), ``json``, ``markdown``, ``html``
(one self-contained page) and ``turtle`` (the SHACL validation report graph itself,
https://www.w3.org/TR/shacl/#validation-report). Every renderer is a pure function of the
result returning ``str``; :data:`FORMATS` maps the names to them.

Human formats group results by severity, then by shape, then by the quotes they involve: each
quote is printed once, numbered the first time (``[Q3]``, as in the conflict report) and referred
to by its number after that; what every result of a shape says is printed once for the shape,
what every result of a quote says once for the quote. The HTML page opens with a table of counts
per shape and folds each shape into a ``<details>`` section; Markdown opens with the same table.
Pages are named as people name them when ``names`` maps file names to
:attr:`spinekg.query.documents.Document.name`. Every result keeps a line of its own (its focus,
path, value and what its message adds), and a summary line of counts closes the text report.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from functools import partial
from typing import Callable, Mapping

from spinekg.core.errors import UnknownNameError
from spinekg.validation.shacl import SEVERITIES, Evidence, ValidationResult, ValidationRow

__all__ = ["FORMATS", "render", "to_text", "to_json", "to_markdown", "to_html", "to_turtle"]

_HEADINGS = {"violation": "Violations", "warning": "Warnings", "info": "Information"}
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=\S)")


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _sentences(message: str) -> list[str]:
    return [part for part in _SENTENCE.split(" ".join(message.split())) if part]


def _common(messages: list[list[str]]) -> list[str]:
    """The sentences every message has (in the first one's order), when there are several."""
    if len(messages) < 2:
        return []
    rest = [set(m) for m in messages[1:]]
    return [s for s in dict.fromkeys(messages[0]) if all(s in r for r in rest)]


@dataclass
class _Group:
    """Results of one shape that involve the same quotes."""

    evidence: tuple[Evidence, ...]
    common: list[str] = field(default_factory=list)
    rows: list[tuple[ValidationRow, list[str]]] = field(default_factory=list)


@dataclass
class _Shape:
    severity: str
    label: str
    shape: str
    count: int
    common: list[str]
    groups: list[_Group]


def _quote_key(ev: Evidence) -> tuple[str, str]:
    return ev.document, " ".join(ev.quote.split())


def _shapes(result: ValidationResult) -> list[_Shape]:
    """Every shape with results, in report order (severity, then the rows' order), its results
    grouped by the quotes they involve and its messages split into what is common and what not."""
    by_shape: dict[tuple[str, str, str], list[ValidationRow]] = {}
    for severity in SEVERITIES:
        for row in result.rows:
            if row.severity == severity:
                by_shape.setdefault((severity, row.shape_label, row.shape), []).append(row)
    out = []
    for (severity, label, shape), rows in by_shape.items():
        said = {id(r): _sentences(r.message) for r in rows}
        common = _common(list(said.values()))
        grouped: dict[tuple, list[ValidationRow]] = {}
        for row in rows:
            key = tuple((ev.role,) + _quote_key(ev) for ev in row.evidence) or ("", row.focus)
            grouped.setdefault(key, []).append(row)
        groups = []
        for members in grouped.values():
            own = {id(r): [s for s in said[id(r)] if s not in common] for r in members}
            shared = _common(list(own.values()))
            groups.append(_Group(members[0].evidence, shared,
                                 [(r, [s for s in own[id(r)] if s not in shared]) for r in members]))
        out.append(_Shape(severity, label, shape, len(rows), common, groups))
    return out


class _Quotes:
    """Numbers each quote the first time it is shown (``Q1``, ``Q2``, ...)."""

    def __init__(self):
        self.seen: dict[tuple[str, str], int] = {}

    def ref(self, ev: Evidence) -> tuple[str, bool]:
        key = _quote_key(ev)
        first = key not in self.seen
        if first:
            self.seen[key] = len(self.seen) + 1
        return f"Q{self.seen[key]}", first


def _shows_value(row: ValidationRow) -> bool:
    """Whether to print the value: there is one, it is not the focus, and no claim shows it already."""
    return row.value is not None and row.value != row.focus and not any(ev.role == "value" for ev in row.evidence)


def _short_shape(shape: str) -> str:
    return "spksh:" + shape.rsplit("#", 1)[-1] if shape.startswith("https://w3id.org/spinekg/shapes#") else shape


def _anchor(shape: str) -> str:
    return "shape-" + re.sub(r"[^A-Za-z0-9_-]+", "-", shape.rsplit("#", 1)[-1].rsplit("/", 1)[-1]).strip("-")


def _page(names: Mapping[str, str], document: str) -> str:
    return names.get(document, document)


def _headline(result: ValidationResult) -> str:
    verdict = "conforms" if not result.rows else ("has violations" if result.counts["violation"] else "no violations")
    checked = ("quotes compared with the document texts" if result.text_checked
               else "document texts not available: quotes not compared with the texts (pass --corpus or set SPINEKG_CORPUS)")
    return f"SHACL validation: {verdict}; {checked}"


# -- text --------------------------------------------------------------------------------------

def to_text(result: ValidationResult, *, names: Mapping[str, str] | None = None) -> str:
    """A terminal report: grouped by severity, shape and quote, each quote once, counts last."""
    names, quotes = dict(names or {}), _Quotes()
    out = [_headline(result), ""]
    severity = None
    for shape in _shapes(result):
        if shape.severity != severity:
            if severity is not None:
                out.append("")
            severity = shape.severity
            out.append(f"{_HEADINGS[severity].upper()} ({result.counts[severity]})")
        out.append(f"  {shape.label} [{_short_shape(shape.shape)}]: {shape.count}")
        if shape.common:
            out.append(f"    {' '.join(shape.common)}")
        for group in shape.groups:
            for ev in group.evidence:
                ref, first = quotes.ref(ev)
                who = "" if ev.role == "focus" else "other: "
                where = f"{who}{_page(names, ev.document)}"
                out.append(f"    [{ref}] {where}: \"{' '.join(ev.quote.split())}\"" if first
                           else f"    [{ref}] {where} (quoted above)")
            if group.common:
                out.append(f"      {' '.join(group.common)}")
            for row, own in group.rows:
                out.append(f"      - {row.focus_label}" + (f"  (path {row.path})" if row.path else ""))
                if _shows_value(row):
                    out.append(f"          value: {_clip(row.value_label or row.value, 160)}")
                if own:
                    out.append(f"          {' '.join(own)}")
    out += ["", result.summary()] if severity is not None else [result.summary()]
    return "\n".join(out) + "\n"


# -- json --------------------------------------------------------------------------------------

def to_json(result: ValidationResult) -> str:
    """Machine-readable: conforms, counts, and every row (sorted keys, stable order)."""
    doc = {
        "conforms": result.conforms,
        "counts": result.counts,
        "text_checked": result.text_checked,
        "shapes": list(result.shapes),
        "results": [row.to_dict() for row in result.rows],
    }
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


# -- markdown ----------------------------------------------------------------------------------

def _md(text: str) -> str:
    """Escape text for a Markdown paragraph or list item (no HTML, no emphasis, no links)."""
    out = html.escape(text, quote=False)
    for ch in "\\`*_[]|#":
        out = out.replace(ch, "\\" + ch)
    return " ".join(out.split())


def to_markdown(result: ValidationResult, *, names: Mapping[str, str] | None = None) -> str:
    """A Markdown report (GitHub-flavoured), e.g. for an issue or a pull request: a table of
    counts per shape, then the results grouped by shape and quote, each quote once."""
    names, quotes = dict(names or {}), _Quotes()
    shapes = _shapes(result)
    out = ["# spinekg validation report", "", _md(_headline(result)), "", f"**{_md(result.summary())}**", ""]
    if shapes:
        out += ["| severity | shape | results |", "|---|---|---:|"]
        out += [f"| {s.severity} | {_md(s.label)} (`{_short_shape(s.shape)}`) | {s.count} |" for s in shapes]
        out.append("")
    severity = None
    for shape in shapes:
        if shape.severity != severity:
            severity = shape.severity
            out += [f"## {_HEADINGS[severity]} ({result.counts[severity]})", ""]
        out += [f"### {_md(shape.label)} ({shape.count})", "", f"Shape: `{_short_shape(shape.shape)}`", ""]
        if shape.common:
            out += [_md(" ".join(shape.common)), ""]
        for group in shape.groups:
            for ev in group.evidence:
                ref, first = quotes.ref(ev)
                who = "" if ev.role == "focus" else "other: "
                where = _md(f"{who}{_page(names, ev.document)}")
                out.append(f"- **{ref}** {where}: “{_md(ev.quote)}”" if first else f"- **{ref}** {where} (quoted above)")
            if group.common:
                out.append(f"  {_md(' '.join(group.common))}" if group.evidence else f"- {_md(' '.join(group.common))}")
            for row, own in group.rows:
                item = f"  - **{_md(row.focus_label)}**" if group.evidence else f"- **{_md(row.focus_label)}**"
                if row.path:
                    item += f" (path `{row.path}`)"
                if _shows_value(row):
                    item += f"; value: {_md(_clip(row.value_label or row.value, 160))}"
                if own:
                    item += f": {_md(' '.join(own))}"
                out.append(item)
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


# -- html --------------------------------------------------------------------------------------

_CSS = """
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#222}
h1{font-size:1.5rem}h2{margin-top:1.6rem;border-bottom:1px solid #ccc}
.violation h2,tr.violation td:first-child{color:#a40000}.warning h2,tr.warning td:first-child{color:#8a5300}
.info h2,tr.info td:first-child{color:#24527a}
table{border-collapse:collapse}td,th{padding:.15rem .6rem;border-bottom:1px solid #e4e4e4;text-align:left}
td.n{text-align:right}details{margin:.3rem 0}summary{cursor:pointer;font-weight:600}
.group{margin:.5rem 0 .7rem}blockquote{margin:.2rem 0 .2rem 1rem;border-left:3px solid #bbb;padding-left:.6rem}
.ref{font-weight:600;font-style:normal}.quote{color:#444;font-style:italic}ul{margin:.2rem 0}li{margin:.2rem 0}
.doc{font-family:ui-monospace,monospace;font-size:.9em}.msg{color:#555}.counts{font-weight:600}
"""


def to_html(result: ValidationResult, *, names: Mapping[str, str] | None = None) -> str:
    """One self-contained HTML page (no scripts, no network), every text escaped: a table of
    counts per shape, then one collapsed ``<details>`` section per shape, each quote once."""
    e = html.escape
    names, quotes = dict(names or {}), _Quotes()
    shapes = _shapes(result)
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             "<title>spinekg validation report</title>", f"<style>{_CSS}</style></head><body>",
             "<h1>spinekg validation report</h1>", f"<p>{e(_headline(result))}</p>",
             f'<p class="counts">{e(result.summary())}</p>']
    if shapes:
        parts.append('<table class="summary"><thead><tr><th>severity</th><th>shape</th><th>results</th></tr></thead><tbody>')
        parts += [f'<tr class="{s.severity}"><td>{s.severity}</td><td><a href="#{_anchor(s.shape)}">{e(s.label)}</a> '
                  f'<code>{e(_short_shape(s.shape))}</code></td><td class="n">{s.count}</td></tr>' for s in shapes]
        parts.append("</tbody></table>")
    severity = None
    for shape in shapes:
        if shape.severity != severity:
            if severity is not None:
                parts.append("</section>")
            severity = shape.severity
            parts.append(f'<section class="{severity}"><h2>{e(_HEADINGS[severity])} ({result.counts[severity]})</h2>')
        parts.append(f'<details id="{_anchor(shape.shape)}" data-shape="{e(shape.shape)}" data-count="{shape.count}">'
                     f"<summary>{e(shape.label)} ({shape.count}) <code>{e(_short_shape(shape.shape))}</code></summary>")
        if shape.common:
            parts.append(f'<p class="msg">{e(" ".join(shape.common))}</p>')
        for group in shape.groups:
            parts.append('<div class="group">')
            for ev in group.evidence:
                ref, first = quotes.ref(ev)
                who = "" if ev.role == "focus" else "other: "
                where = f'{who}<span class="doc">{e(_page(names, ev.document))}</span>'
                parts.append(f'<blockquote id="{ref.lower()}"><span class="ref">[{ref}]</span> {where}: '
                             f'<span class="quote">“{e(" ".join(ev.quote.split()))}”</span></blockquote>' if first
                             else f'<blockquote><a class="ref" href="#{ref.lower()}">[{ref}]</a> {where} (quoted above)</blockquote>')
            if group.common:
                parts.append(f'<p class="msg">{e(" ".join(group.common))}</p>')
            parts.append("<ul>")
            for row, own in group.rows:
                item = f'<li class="result"><strong>{e(row.focus_label)}</strong>'
                if row.path:
                    item += f" (path <code>{e(row.path)}</code>)"
                if _shows_value(row):
                    item += f"; value: {e(_clip(row.value_label or row.value, 160))}"
                if own:
                    item += f' <span class="msg">{e(" ".join(own))}</span>'
                parts.append(item + "</li>")
            parts.append("</ul></div>")
        parts.append("</details>")
    if severity is not None:
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


# -- turtle ------------------------------------------------------------------------------------

def to_turtle(result: ValidationResult) -> str:
    """The SHACL validation report graph as Turtle, with canonical blank-node labels."""
    from rdflib import Graph
    from rdflib.compare import to_canonical_graph

    from spinekg.core.namespaces import bind_prefixes

    graph = Graph()
    for triple in to_canonical_graph(result.report_graph):
        graph.add(triple)
    bind_prefixes(graph)
    graph.bind("sh", "http://www.w3.org/ns/shacl#")
    graph.bind("spksh", "https://w3id.org/spinekg/shapes#")
    return graph.serialize(format="turtle")


FORMATS: dict[str, Callable[..., str]] = {
    "text": to_text,
    "json": to_json,
    "markdown": to_markdown,
    "html": to_html,
    "turtle": to_turtle,
}

#: the formats that name pages (``names=``)
_NAMED = {"text", "markdown", "html"}


def render(result: ValidationResult, format: str = "text", *, names: Mapping[str, str] | None = None) -> str:
    """Render ``result`` in ``format``; an unknown format lists the known ones. ``names`` maps a
    page's file name to the name the human formats show (default: the file name)."""
    try:
        renderer = FORMATS[format]
    except KeyError:
        raise UnknownNameError(f"unknown report format {format!r}; known formats: {', '.join(FORMATS)}") from None
    return (partial(renderer, names=names) if format in _NAMED else renderer)(result)
