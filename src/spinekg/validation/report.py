"""Render a :class:`~spinekg.validation.shacl.ValidationResult` for people and programs.

Formats (``spinekg validate --format``): ``text`` (terminal), ``json``, ``markdown``, ``html``
(one self-contained page) and ``turtle`` (the SHACL validation report graph itself,
https://www.w3.org/TR/shacl/#validation-report). Every renderer is a pure function of the
result returning ``str``; :data:`FORMATS` maps the names to them.

Human formats group results by severity, then by shape; each result shows the focus node's
label, the document and quote of every claim involved, the value and the message, and a
summary line of counts closes the report.
"""

from __future__ import annotations

import html
import json
from itertools import groupby
from typing import Callable

from spinekg.core.errors import UnknownNameError
from spinekg.validation.shacl import SEVERITIES, ValidationResult, ValidationRow

__all__ = ["FORMATS", "render", "to_text", "to_json", "to_markdown", "to_html", "to_turtle"]

_HEADINGS = {"violation": "Violations", "warning": "Warnings", "info": "Information"}
_QUOTE_MAX = 240


def _clip(text: str, limit: int = _QUOTE_MAX) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _groups(result: ValidationResult):
    """``(severity, [(shape_label, shape, rows), ...])`` in report order."""
    for severity in SEVERITIES:
        rows = [r for r in result.rows if r.severity == severity]
        if not rows:
            continue
        shapes = [(label_shape[0], label_shape[1], list(group))
                  for label_shape, group in groupby(rows, key=lambda r: (r.shape_label, r.shape))]
        yield severity, shapes


def _common_message(rows: list[ValidationRow]) -> str | None:
    messages = {r.message for r in rows}
    return next(iter(messages)) if len(messages) == 1 and len(rows) > 1 else None


def _shows_value(row: ValidationRow) -> bool:
    """Whether to print the value: there is one, it is not the focus, and no claim shows it already."""
    return row.value is not None and row.value != row.focus and not any(ev.role == "value" for ev in row.evidence)


def _short_shape(shape: str) -> str:
    return "spksh:" + shape.rsplit("#", 1)[-1] if shape.startswith("https://w3id.org/spinekg/shapes#") else shape


def _headline(result: ValidationResult) -> str:
    verdict = "conforms" if not result.rows else ("has violations" if result.counts["violation"] else "no violations")
    checked = ("quotes compared with the document texts" if result.text_checked
               else "document texts not available: quotes not compared with the texts (pass --corpus or set SPINEKG_CORPUS)")
    return f"SHACL validation: {verdict}; {checked}"


# -- text --------------------------------------------------------------------------------------

def to_text(result: ValidationResult) -> str:
    """A terminal report: grouped by severity and shape, labels instead of IRIs, counts last."""
    out = [_headline(result), ""]
    for severity, shapes in _groups(result):
        out.append(f"{_HEADINGS[severity].upper()} ({result.counts[severity]})")
        for label, shape, rows in shapes:
            out.append(f"  {label} [{_short_shape(shape)}]: {len(rows)}")
            common = _common_message(rows)
            if common:
                out.append(f"    {common}")
            for row in rows:
                line = f"    - {row.focus_label}"
                if row.path:
                    line += f"  (path {row.path})"
                out.append(line)
                for ev in row.evidence:
                    who = "" if ev.role == "focus" else "other: "
                    out.append(f"        {who}{ev.document}: \"{_clip(ev.quote)}\"")
                if _shows_value(row):
                    out.append(f"        value: {_clip(row.value_label or row.value, 160)}")
                if not common:
                    out.append(f"        {row.message}")
        out.append("")
    out.append(result.summary())
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


def to_markdown(result: ValidationResult) -> str:
    """A Markdown report (GitHub-flavoured), e.g. for an issue or a pull request."""
    out = ["# spinekg validation report", "", _md(_headline(result)), "", f"**{_md(result.summary())}**", ""]
    for severity, shapes in _groups(result):
        out += [f"## {_HEADINGS[severity]} ({result.counts[severity]})", ""]
        for label, shape, rows in shapes:
            out += [f"### {_md(label)} ({len(rows)})", "", f"Shape: `{_short_shape(shape)}`", ""]
            common = _common_message(rows)
            if common:
                out += [_md(common), ""]
            for row in rows:
                item = f"- **{_md(row.focus_label)}**"
                if row.path:
                    item += f" (path `{row.path}`)"
                out.append(item)
                for ev in row.evidence:
                    out.append(f"  - {_md(ev.document)}: “{_md(_clip(ev.quote))}”")
                if _shows_value(row):
                    out.append(f"  - value: {_md(_clip(row.value_label or row.value, 160))}")
                if not common:
                    out.append(f"  - {_md(row.message)}")
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


# -- html --------------------------------------------------------------------------------------

_CSS = """
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#222}
h1{font-size:1.5rem}h2{margin-top:2rem;border-bottom:1px solid #ccc}
.violation h2{color:#a40000}.warning h2{color:#8a5300}.info h2{color:#24527a}
details{margin:.4rem 0 .8rem}summary{cursor:pointer;font-weight:600}
ul{margin:.3rem 0}li{margin:.35rem 0}.quote{color:#444;font-style:italic}
.doc{font-family:ui-monospace,monospace;font-size:.9em}.msg{color:#555}.counts{font-weight:600}
"""


def to_html(result: ValidationResult) -> str:
    """One self-contained HTML page (no scripts, no network); every text is escaped."""
    e = html.escape
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             "<title>spinekg validation report</title>", f"<style>{_CSS}</style></head><body>",
             "<h1>spinekg validation report</h1>", f"<p>{e(_headline(result))}</p>",
             f'<p class="counts">{e(result.summary())}</p>']
    for severity, shapes in _groups(result):
        parts.append(f'<section class="{severity}"><h2>{e(_HEADINGS[severity])} ({result.counts[severity]})</h2>')
        for label, shape, rows in shapes:
            parts.append(f"<details open><summary>{e(label)} ({len(rows)}) <code>{e(_short_shape(shape))}</code></summary>")
            common = _common_message(rows)
            if common:
                parts.append(f'<p class="msg">{e(common)}</p>')
            parts.append("<ul>")
            for row in rows:
                item = f"<li><strong>{e(row.focus_label)}</strong>"
                if row.path:
                    item += f" (path <code>{e(row.path)}</code>)"
                sub = [f'<li><span class="doc">{e(ev.document)}</span>: <span class="quote">“{e(_clip(ev.quote))}”</span></li>'
                       for ev in row.evidence]
                if _shows_value(row):
                    sub.append(f"<li>value: {e(_clip(row.value_label or row.value, 160))}</li>")
                if not common:
                    sub.append(f'<li class="msg">{e(row.message)}</li>')
                parts.append(item + (f"<ul>{''.join(sub)}</ul>" if sub else "") + "</li>")
            parts.append("</ul></details>")
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


FORMATS: dict[str, Callable[[ValidationResult], str]] = {
    "text": to_text,
    "json": to_json,
    "markdown": to_markdown,
    "html": to_html,
    "turtle": to_turtle,
}


def render(result: ValidationResult, format: str = "text") -> str:
    """Render ``result`` in ``format``; an unknown format lists the known ones."""
    try:
        renderer = FORMATS[format]
    except KeyError:
        raise UnknownNameError(f"unknown report format {format!r}; known formats: {', '.join(FORMATS)}") from None
    return renderer(result)
