"""The entities view with scalar attributes only, in a fixed order: what file formats can hold."""

from __future__ import annotations

import json

__all__ = ["flat_entities", "CATEGORY_COLOURS", "colour"]

#: One colour per upper category (a qualitative palette), by category label.
CATEGORY_COLOURS = {
    "anatomical entity": "#1f77b4", "pathology": "#d62728", "biological mechanism": "#9467bd",
    "treatment": "#2ca02c", "procedure step": "#8c564b", "delivery route": "#e377c2",
    "imaging modality": "#7f7f7f", "cell source": "#bcbd22", "cell type": "#17becf",
    "substance": "#ff7f0e", "therapeutic effect": "#98df8a", "treatment characteristic": "#c5b0d5",
    "contributing factor": "#ff9896", "care practice": "#aec7e8", "regulatory status": "#000000",
    "approval status": "#525252", "statistic": "#c49c94", "organization": "#f7b6d2", "place": "#dbdb8d",
    "document": "#9edae5",
}


def colour(category: str) -> str:
    """The hex colour of a category (grey for anything else)."""
    return CATEGORY_COLOURS.get(category, "#999999")


def flat_entities(kg):
    """A ``MultiDiGraph`` keyed by CURIEs, nodes and edges sorted, every attribute a str or int.

    Lists become ``"; "``-joined text, except ``quotes``, a JSON array (quotes contain ``;``).
    """
    import networkx as nx

    from spinekg.core.terms import curie

    view = kg.to_networkx("entities")
    out = nx.MultiDiGraph()
    for node in sorted(view.nodes, key=str):
        data = view.nodes[node]
        out.add_node(curie(node), iri=str(node), label=data["label"], category=data["category"],
                     synonyms="; ".join(data["synonyms"]), mappings="; ".join(data["mappings"]))
    for s, o, key, data in sorted(view.edges(keys=True, data=True), key=lambda e: (str(e[0]), str(e[2]), str(e[1]))):
        out.add_edge(curie(s), curie(o), key=curie(key), predicate=data["predicate"], label=data["label"],
                     claims=data["claims"], negated=data["negated"], documents="; ".join(data["documents"]),
                     modalities="; ".join(data["modalities"]), quotes=json.dumps(data["quotes"], ensure_ascii=False))
    return out
