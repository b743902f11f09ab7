"""Cytoscape.js elements JSON (https://js.cytoscape.org/#notation/elements-json) of the entities view.

``{"elements": {"nodes": [{"data": {...}}], "edges": [{"data": {...}}]}}``: node ``id`` is the
CURIE, with ``label``, ``category``, ``color``, ``iri``, ``synonyms``, ``mappings``; each edge has
``source``, ``target``, ``predicate``, ``label``, ``claims``, ``negated``, ``stance``
(``asserted``, or ``contested`` when some document also denies it), and lists of ``documents``,
``modalities``, ``quotes`` and of the documents that assert, hedge and deny it (``asserted_by``,
``hedged_by``, ``denied_by``). Loads in Cytoscape.js and in Cytoscape desktop
(File > Import > Network from File, "Cytoscape.js JSON").

Text stays text: JSON strings carry every character, control characters as ``\\u`` escapes, so
labels and quotes read back exactly, except a lone surrogate, which UTF-8 cannot encode: it is
replaced by U+FFFD, the policy all exports share (:mod:`spinekg.export.flat`).
"""

from __future__ import annotations

import json
from pathlib import Path

from spinekg.core.files import write_atomic
from spinekg.export.flat import colour, safe_json_text

__all__ = ["to_cytoscape", "write_cytoscape", "elements"]


def elements(kg) -> dict:
    """The elements document as a dict."""
    from spinekg.core.terms import curie

    view = kg.to_networkx("entities")
    nodes = [{"data": {"id": curie(n), "label": d["label"], "category": d["category"], "color": colour(d["category"]),
                       "iri": str(n), "synonyms": d["synonyms"], "mappings": d["mappings"]}}
             for n, d in sorted(view.nodes(data=True), key=lambda x: str(x[0]))]
    edges = []
    for s, o, key, d in sorted(view.edges(keys=True, data=True), key=lambda e: (str(e[0]), str(e[2]), str(e[1]))):
        edges.append({"data": {"id": f"{curie(s)} {curie(key)} {curie(o)}", "source": curie(s), "target": curie(o),
                               "predicate": d["predicate"], "label": d["label"], "claims": d["claims"],
                               "negated": d["negated"], "documents": d["documents"], "modalities": d["modalities"],
                               "quotes": d["quotes"], "stance": d["stance"], "asserted_by": d["asserted_by"],
                               "hedged_by": d["hedged_by"], "denied_by": d["denied_by"]}})
    return {"elements": {"nodes": nodes, "edges": edges}}


def to_cytoscape(kg) -> bytes:
    """The JSON document (UTF-8, sorted keys, indented)."""
    text = json.dumps(elements(kg), ensure_ascii=False, indent=1, sort_keys=True)
    return (safe_json_text(text) + "\n").encode("utf-8")


def write_cytoscape(kg, path: str | Path) -> None:
    write_atomic(path, to_cytoscape(kg))
