"""Conflict findings as text, Markdown, HTML, JSON or CSV.

Human formats group the findings by kind and print each quote once: the first time a claim's
words appear they are numbered (``[Q3]``), later findings refer to the number. They name pages as
people do (``names``: file name -> :attr:`spinekg.query.documents.Document.name`, for example
``003 Divine Spine: Do Stem Cell Injections Work for Back Pain?``), and the text format wraps its
lines to ``width`` columns. JSON carries every quote with its offsets on every finding, so a
reader can cite it; CSV has one row per quote of a side of a finding. Both keep the file name and
add the page's name (``page_name``).
"""

from __future__ import annotations

import csv
import html
import io
import json
import textwrap
from collections import Counter
from typing import Mapping

from spinekg.analysis.conflicts import KINDS, Finding, Quote

__all__ = ["how_stated", "FORMATS", "render", "summary", "escape_markdown"]

FORMATS = ("text", "json", "csv", "markdown", "html")


def render(findings: list[Finding], fmt: str, *, names: Mapping[str, str] | None = None,
           width: int | None = None) -> str:
    """The findings as ``fmt`` (one of :data:`FORMATS`). ``names`` maps a page's file name to the
    name human formats show (default: the file name); ``width`` wraps the text format's lines
    (default: not wrapped)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; known formats: {', '.join(FORMATS)}")
    names = dict(names or {})
    if fmt == "text":
        return _text(findings, names, width)
    return {"json": _json, "csv": _csv, "markdown": _markdown, "html": _html}[fmt](findings, names)


def _name(names: Mapping[str, str], file: str) -> str:
    return names.get(file) or file


def _counts(findings: list[Finding]) -> dict[str, int]:
    counts = Counter(f.kind for f in findings)
    return {kind: counts.get(kind, 0) for kind in KINDS}


def summary(findings: list[Finding]) -> str:
    counts = _counts(findings)
    return (f"{len(findings)} findings: " + ", ".join(f"{n} {kind}" for kind, n in counts.items())
            + f"; {len({d for f in findings for d in f.documents})} documents involved")


def _json(findings: list[Finding], names: Mapping[str, str]) -> str:
    out = []
    for f in findings:
        data = f.to_dict()
        for side in data["sides"]:
            for q in side["quotes"]:
                q["page_name"] = _name(names, q["document"])
        out.append(data)
    doc = {"counts": _counts(findings), "findings": out}
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


_CSV_COLUMNS = ("kind", "subject", "predicate", "object", "side", "document", "page_name", "start", "end", "claim_kind",
                "modality", "negated", "direction", "attribution", "status", "regulator", "jurisdiction",
                "page_jurisdiction", "quote")


def _csv(findings: list[Finding], names: Mapping[str, str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(_CSV_COLUMNS)
    for f in findings:
        for side in (f.a, f.b):
            for q in side.quotes:
                writer.writerow([f.kind, f.subject, f.predicate, f.object, side.label, q.document.file,
                                 _name(names, q.document.file), "" if q.start is None else q.start, "" if q.end is None else q.end, q.kind,
                                 q.modality, str(q.negated).lower(), q.direction or "", q.attribution or "",
                                 f.status or "", f.regulator or "", f.jurisdiction or "",
                                 f.pages.get(q.document.file, "") if side is f.a else "", q.text])
    return out.getvalue()


class _Quotes:
    """Numbers each quote the first time it is shown."""

    def __init__(self):
        self.seen: dict[tuple, int] = {}

    def ref(self, q: Quote) -> tuple[str, bool]:
        key = (q.document.file, q.start, q.end, q.text)
        first = key not in self.seen
        if first:
            self.seen[key] = len(self.seen) + 1
        return f"Q{self.seen[key]}", first


def how_stated(q: Quote) -> str:
    """How a quote states its relation: modality, denied, kind of claim, attribution."""
    how = [q.modality]
    if q.negated:
        how.append("denied" if q.kind == "assertion" else "advises against")
    if q.kind != "assertion":
        how.append(q.kind if q.direction is None else f"evidence, {q.direction}")
    if q.attribution:
        how.append(f"attributed to {q.attribution}")
    return ", ".join(how)


def _where(q: Quote, names: Mapping[str, str]) -> str:
    span = f"{q.start}–{q.end}" if q.start is not None else "no offsets"
    return f"{_name(names, q.document.file)}, {span}; {how_stated(q)}"


def _lines(findings: list[Finding], names: Mapping[str, str], quote_line, heading, item, detail) -> list[str]:
    quotes = _Quotes()
    lines: list[str] = []
    for kind, rule in KINDS.items():
        these = [f for f in findings if f.kind == kind]
        if not these:
            continue
        lines += heading(f"{rule.title} ({len(these)})")
        for f in these:
            lines.append(item(f"{f.labels[0]} — {f.labels[1]} → {f.labels[2]}  "
                              f"[{len(f.documents)} documents: {', '.join(_number(d) for d in f.documents)}]"))
            if f.kind == "regulatory":
                lines.append(detail(_regulator_line(f, names)))
            for side in (f.a, f.b):
                lines.append(detail(f"{side.label}:"))
                for q in _one_per_span(side.quotes):
                    ref, first = quotes.ref(q)
                    lines.append(quote_line(ref, first, q))
        lines.append("")
    return lines or ["No conflicts found.", ""]


def _number(file: str) -> str:
    """A page's corpus number (``003``), or its file name when it has none."""
    head = file.split("_", 1)[0]
    return head if head.isdigit() else file


def _regulator_line(f: Finding, names: Mapping[str, str]) -> str:
    pages = "; ".join(f"{_name(names, doc)} ({state})" for doc, state in sorted(f.pages.items()))
    return f"{f.regulator or 'regulator'} ({f.jurisdiction or 'jurisdiction not stated'}): {pages}"


def _one_per_span(quotes) -> list[Quote]:
    """A side's quotes with each span once (several claims of one sentence share its words)."""
    seen, out = set(), []
    for q in quotes:
        key = (q.document.file, q.start, q.end)
        if key not in seen:
            seen.add(key)
            out.append(q)
    return out


def _wrap(text: str, width: int | None, indent: str, hang: str = "") -> str:
    """``text`` indented, wrapped to ``width`` columns (continuation lines indented by ``hang``
    more); words are never broken."""
    if width is None:
        return indent + text
    return textwrap.fill(text, width=max(width, len(indent + hang) + 20), initial_indent=indent,
                         subsequent_indent=indent + hang, break_long_words=False, break_on_hyphens=False)


def _text(findings: list[Finding], names: Mapping[str, str], width: int | None) -> str:
    def quote_line(ref: str, first: bool, q: Quote) -> str:
        text = (f"[{ref}] “{q.text}” ({_where(q, names)})" if first else f"[{ref}] see above ({_where(q, names)})")
        return _wrap(text, width, "      ", "  ")

    lines = _lines(findings, names, quote_line, lambda title: [_wrap(title.upper(), width, ""), ""],
                   lambda text: _wrap(text, width, "  ", "    "), lambda text: _wrap(text, width, "    ", "  "))
    return "\n".join(lines + [_wrap(summary(findings), width, "")]) + "\n"


def escape_markdown(text: str) -> str:
    """``text`` as inert Markdown inline text: HTML, emphasis, links, code, table pipes and line
    breaks are escaped."""
    return _md(text)


def _md(text: str) -> str:
    return html.escape(text, quote=False).replace("|", "\\|").replace("*", "\\*").replace("_", "\\_") \
        .replace("[", "\\[").replace("]", "\\]").replace("`", "\\`").replace("\n", " ")


def _markdown(findings: list[Finding], names: Mapping[str, str]) -> str:
    def quote_line(ref: str, first: bool, q: Quote) -> str:
        return (f"    - **{ref}** “{_md(q.text)}” ({_md(_where(q, names))})" if first
                else f"    - **{ref}** (see above; {_md(_where(q, names))})")

    lines = ["# Conflicts between pages", ""]
    lines += _lines(findings, names, quote_line, lambda title: [f"## {_md(title)}", ""], lambda text: f"- {_md(text)}",
                    lambda text: f"    {_md(text)}")
    return "\n".join(lines + [_md(summary(findings))]) + "\n"


def _html(findings: list[Finding], names: Mapping[str, str]) -> str:
    quotes = _Quotes()
    e = html.escape
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8"><title>Conflicts between pages</title>',
             "<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}"
             "blockquote{margin:.2rem 0 .6rem 1rem;border-left:3px solid #bbb;padding-left:.6rem}"
             ".meta{color:#555;font-size:13px}</style></head><body>", "<h1>Conflicts between pages</h1>",
             f"<p>{e(summary(findings))}</p>"]
    for kind, rule in KINDS.items():
        these = [f for f in findings if f.kind == kind]
        if not these:
            continue
        parts.append(f"<h2>{e(rule.title)} ({len(these)})</h2>")
        for f in these:
            parts.append(f"<h3>{e(f.labels[0])} — {e(f.labels[1])} → {e(f.labels[2])} "
                         f"<span class=meta>({len(f.documents)} documents)</span></h3>")
            if f.kind == "regulatory":
                parts.append(f"<p class=meta>{e(_regulator_line(f, names))}</p>")
            for side in (f.a, f.b):
                parts.append(f"<p><b>{e(side.label)}</b></p>")
                for q in _one_per_span(side.quotes):
                    ref, first = quotes.ref(q)
                    body = f"<blockquote>{e(q.text)}</blockquote>" if first else ""
                    parts.append(f"<div class=meta>[{ref}] {e(_where(q, names))}{'' if first else ' (quoted above)'}</div>{body}")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
