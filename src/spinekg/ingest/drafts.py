"""A draft in three forms: YAML in the curation format, JSON, and a read-only HTML page.

The YAML draft is a curation file whose every statement is marked ``proposed: true``: ``spinekg
build`` refuses it until a curator accepts (deletes the mark), edits or deletes each one. Its
``mentions:`` list says what each name on the page was read as (a spinekg entity, or a lexicon
term proposed as a new class with its identifier). The HTML page shows the text with the mentions
and proposed claims highlighted, to read beside the YAML.
"""

from __future__ import annotations

import html
import json
from collections import defaultdict

from spinekg.core.namespaces import SPK, SPKD
from spinekg.ingest.extract import Draft

__all__ = ["FORMATS", "render_draft", "entity_name"]

FORMATS = ("yaml", "json", "html")


def entity_name(iri) -> str:
    """The curation-file name of a spinekg IRI (``spk:X`` and ``spkd:X`` are both ``X``)."""
    text = str(iri)
    for ns in (str(SPK), str(SPKD)):
        if text.startswith(ns):
            return text[len(ns):]
    return text


def _q(value) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(str(value), ensure_ascii=False)


def _yaml(draft: Draft) -> str:
    doc = draft.document
    out = [f"# Draft of {doc.get('file', 'the page')} by spinekg extract: every statement is proposed.",
           "# Accept one by deleting its 'proposed: true' line, or edit or delete it; spinekg build refuses",
           "# the file while any proposal remains. 'mentions' records what each name was read as.",
           "document:"]
    for key in ("file", "sha256", "url", "retrieved", "title", "publisher", "country"):
        if doc.get(key) is not None:
            value = doc[key]
            out.append(f"  {key}: {value if key in ('file', 'sha256', 'retrieved', 'publisher', 'country') else _q(value)}")
    out.append("")
    if doc.get("individuals"):  # what the curation file already defines (its publisher, ...)
        import yaml

        out.append(yaml.safe_dump({"individuals": doc["individuals"]}, sort_keys=False, allow_unicode=True).rstrip())
        out.append("")
    out.append("mentions:")
    if not draft.mentions:
        out[-1] += " []"
    for m in draft.mentions:
        entity = entity_name(m.entity) if m.entity is not None else "null"
        maps = ", ".join(m.name.mappings)
        out.append(f"  - {{start: {m.start}, end: {m.end}, text: {_q(m.text)}, entity: {entity}, "
                   f"label: {_q(m.name.label)}, category: {m.name.category or 'null'}, mappings: [{maps}]}}")
    candidates = {}
    for m in draft.mentions:
        if m.proposed_class and m.proposed_class not in candidates:
            candidates[m.proposed_class] = m
    if candidates:
        out += ["", "# Candidate new classes: names no spinekg class has, found in the recognition lexicon. To use",
                "# one, add the class to ontology/spinekg-terms.ttl with its mapping (ontology/mappings/spinekg.sssom.tsv):"]
        for name, m in sorted(candidates.items()):
            out.append(f"#   {name}: {m.name.label!r} ({m.name.category}; {', '.join(m.name.mappings)}; first at {m.start})")
    out.append("")
    by_sentence = defaultdict(list)
    for c in draft.claims:
        by_sentence[(c.sentence.start, c.sentence.end)].append(c)
    out.append("statements:" + ("" if by_sentence else " []"))
    for (start, end), claims in sorted(by_sentence.items()):
        out += [f"  - quote: {_q(claims[0].sentence.text)}", f"    start: {start}", f"    end: {end}",
                "    proposed: true", "    claims:"]
        for c in claims:
            fields = [f"s: {entity_name(c.subject.entity)}", f"p: {entity_name(c.predicate)}",
                      f"o: {entity_name(c.object.entity)}"]
            if c.modality == "hedged":
                fields += ["modality: hedged", f"cue: {_q(c.hedge_cue)}"]
            if c.negated:
                fields += ["negated: true", f"negation_cue: {_q(c.negation_cue)}"]
            if c.attribution_cue:
                fields.append(f"attribution: {{cue: {_q(c.attribution_cue)}}}")
            out.append(f"      - {{{', '.join(fields)}}}")
    out.append("")
    return "\n".join(out)


_CSS = """body{font:15px/1.6 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
.text{white-space:pre-wrap;border:1px solid #ccc;padding:1rem;border-radius:4px}
.m{background:#dbeafe;border-bottom:2px solid #2563eb}.m.candidate{background:#fef3c7;border-bottom-color:#d97706}
.s.claimed{background:#f0fdf4}table{border-collapse:collapse;width:100%}td,th{border:1px solid #ddd;padding:.3rem;
vertical-align:top;text-align:left}.neg{color:#b91c1c}.hedged{color:#a16207}"""


def _html(draft: Draft) -> str:
    text = draft.text
    doc = draft.document
    claimed = {(c.sentence.start, c.sentence.end) for c in draft.claims}
    marks = sorted(draft.mentions, key=lambda m: m.start)
    parts, pos = [], 0
    sentence_bounds = {s.start: s for s in draft.sentences if (s.start, s.end) in claimed}
    ends = {s.end for s in sentence_bounds.values()}
    events = sorted({*sentence_bounds, *ends, *(m.start for m in marks), *(m.end for m in marks)})
    starts = {m.start: m for m in marks}
    mention_ends = {m.end for m in marks}
    for point in events + [len(text)]:
        if point > pos:
            parts.append(html.escape(text[pos:point]))
            pos = point
        if point in mention_ends:
            parts.append("</span>")
        if point in ends:
            parts.append("</span>")
        if point in sentence_bounds:
            parts.append(f'<span class="s claimed" id="s{point}">')
        if point in starts:
            m = starts[point]
            cls = "m" if m.entity is not None else "m candidate"
            title = f"{m.name.label} ({m.name.category or 'unknown'}" + (
                f"; {', '.join(m.name.mappings)}" if m.name.mappings else "") + ")"
            parts.append(f'<span class="{cls}" title="{html.escape(title)}">')
    rows = []
    for c in draft.claims:
        stance = ("<span class=neg>denied</span> " if c.negated else "") + (
            f"<span class=hedged>hedged ({html.escape(c.hedge_cue or '')})</span>" if c.modality == "hedged" else "asserted")
        rows.append(f"<tr><td>{c.sentence.start}-{c.sentence.end}</td><td>{html.escape(c.subject.name.label)}</td>"
                    f"<td>{html.escape(c.predicate_label)}</td><td>{html.escape(c.object.name.label)}</td>"
                    f"<td>{stance}</td><td>{html.escape(c.attribution_cue or '')}</td></tr>")
    title = html.escape(str(doc.get("title") or doc.get("file") or "draft"))
    return ("<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
            "<meta http-equiv=Content-Security-Policy content=\"default-src 'none'; style-src 'unsafe-inline'\">"
            f"<title>Draft: {title}</title><style>{_CSS}</style></head><body>"
            f"<h1>Draft: {title}</h1><p>{len(draft.mentions)} mentions (blue: spinekg entities; amber: lexicon "
            f"terms proposed as new classes), {len(draft.claims)} proposed claims. Read-only: curate the YAML draft.</p>"
            f"<div class=text>{''.join(parts)}</div><h2>Proposed claims</h2><table><tr><th>offsets</th><th>subject</th>"
            f"<th>predicate</th><th>object</th><th>stance</th><th>attribution</th></tr>{''.join(rows)}</table>"
            "</body></html>\n")


def render_draft(draft: Draft, fmt: str) -> str:
    if fmt == "yaml":
        return _yaml(draft)
    if fmt == "json":
        return json.dumps(draft.to_dict(), ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    if fmt == "html":
        return _html(draft)
    raise ValueError(f"unknown draft format {fmt!r}; one of {', '.join(FORMATS)}")
