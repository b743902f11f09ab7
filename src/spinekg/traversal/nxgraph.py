"""The knowledge graph as a networkx ``MultiDiGraph`` (https://networkx.org), in three views.

* ``entities``: one node per entity (IRI; not the claims, the source pages or their snapshots and
  spans, which are provenance) with ``label``, ``category``, ``category_iri``,
  ``synonyms`` and ``mappings``; one edge per direct relation ``s p o`` (object properties and
  ``rdfs:subClassOf`` between named entities), keyed by the predicate IRI, carrying ``predicate``,
  ``label``, ``claims`` (how many claims support it), ``documents``, ``modalities``, ``negated``
  (how many of the claims deny it) and ``quotes``. Edges no claim states (ontology axioms,
  reference data) have ``claims == 0``.
* ``claims``: the entities, the claims and the documents as nodes (``kind`` says which); each
  claim node links to its subject (key ``subject``), object (``object``) and document
  (``statedIn``) and carries its quote, offsets, modality and negation.
* ``rdf``: lossless: every RDF term is a node (the rdflib term itself) and every triple an edge
  keyed by its predicate, so :func:`to_rdf` gives back an isomorphic graph.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from rdflib import Graph, URIRef

from spinekg.core.namespaces import BIOLINK, OA, OWL, PROV, RDF, RDFS, SKOS, SPK
from spinekg.core.terms import label_of

if TYPE_CHECKING:  # pragma: no cover
    import networkx

__all__ = ["VIEWS", "to_networkx", "to_rdf"]

VIEWS = ("entities", "claims", "rdf")
_MAPPINGS = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)


def to_networkx(kg, view: str = "entities", *, denied: bool = False) -> "networkx.MultiDiGraph":
    """A networkx ``MultiDiGraph`` of ``kg`` in one of :data:`VIEWS`.

    The ``entities`` view holds the relations that at least one document asserts (outright or
    hedged); each edge says which documents assert, hedge and deny it (``asserted_by``,
    ``hedged_by``, ``denied_by``) and its ``stance``: ``"asserted"``, or ``"contested"`` when
    some document also denies it. With ``denied=True`` it also holds the relations that documents
    only deny (``stance="denied"``), which are otherwise present only as claims.
    """
    import networkx as nx

    if view not in VIEWS:
        from spinekg.core.errors import UnknownNameError

        raise UnknownNameError(f"unknown view {view!r}; known views: {', '.join(VIEWS)}")
    out = nx.MultiDiGraph(view=view)
    if view == "rdf":
        for s, p, o in kg.graph:
            out.add_edge(s, o, key=p)
        return out
    claims = _claims_by_edge(kg)
    if view == "entities":
        _entity_view(kg, out, claims, denied)
    else:
        _claim_view(kg, out)
    return out


def to_rdf(nx_graph) -> Graph:
    """The RDF graph of an ``rdf`` view (edges ``(s, o, key=p)``)."""
    graph = Graph()
    for s, o, p in nx_graph.edges(keys=True):
        graph.add((s, p, o))
    return graph


def _relations(graph: Graph) -> set[URIRef]:
    return set(graph.subjects(RDF.type, OWL.ObjectProperty)) | {RDFS.subClassOf}


def _claims_by_edge(kg) -> dict[tuple, list]:
    """The assertion claims (asserting, hedging or denying) of each relation."""
    g = kg.graph
    found = defaultdict(list)
    for claim in g.subjects(RDF.type, SPK.Claim):
        if (claim, RDF.type, SPK.RecommendationClaim) in g or (claim, RDF.type, SPK.EvidenceClaim) in g:
            continue  # a recommendation or reported evidence is not a stance on the relation
        key = (g.value(claim, RDF.subject), g.value(claim, RDF.predicate), g.value(claim, RDF.object))
        found[key].append(claim)
    return found


def _node_attributes(kg, node: URIRef) -> dict:
    g = kg.graph
    top = kg.category(node)
    return {
        "label": label_of(g, node),
        "category": label_of(g, top) if top is not None else "",
        "category_iri": str(top) if top is not None else "",
        "synonyms": sorted(str(s) for s in g.objects(node, SKOS.altLabel)),
        "mappings": sorted(str(m) for p in _MAPPINGS for m in g.objects(node, p)),
    }


def _document_name(g: Graph, doc) -> str:
    name = g.value(doc, SPK.fileName)
    return str(name) if name is not None else str(doc)


def _edge_attributes(g: Graph, claims: list, present: bool) -> dict:
    """Who asserts, hedges and denies a relation, from its assertion claims."""
    by: dict[str, set] = {"asserted_by": set(), "hedged_by": set(), "denied_by": set()}
    for c in claims:
        doc = _document_name(g, g.value(c, SPK.statedIn))
        if g.value(c, BIOLINK.negated).toPython():
            by["denied_by"].add(doc)
        elif g.value(c, SPK.modality) == SPK.Hedged:
            by["hedged_by"].add(doc)
        else:
            by["asserted_by"].add(doc)
    stance = "denied" if not present else "contested" if by["denied_by"] else "asserted"
    return {"stance": stance, **{k: sorted(v) for k, v in by.items()}}


def _entity_view(kg, out, claims: dict, denied: bool = False) -> None:
    g = kg.graph
    relations = _relations(g)
    # The provenance layer is not part of this view: claims, the source pages and their snapshots
    # and spans (the pages are in each edge's ``documents``), qualifier values.
    hidden = {SPK.Claim, SPK.ClaimQualifierValue}
    keep: dict = {}

    def shown(node) -> bool:
        if node not in keep:
            top = kg.category(node)
            keep[node] = (top is not None and top not in hidden and (node, RDF.type, SPK.WebPage) not in g)
        return keep[node]

    present = {(s, p, o) for s, p, o in g if p in relations and isinstance(s, URIRef) and isinstance(o, URIRef)}
    edges = present | ({(s, p, o) for s, p, o in claims if p in relations and isinstance(s, URIRef)
                        and isinstance(o, URIRef)} if denied else set())
    for s, p, o in sorted(edges):
        if not (shown(s) and shown(o)):
            continue
        for node in (s, o):
            if node not in out:
                out.add_node(node, **_node_attributes(kg, node))
        supporting = sorted(claims.get((s, p, o), []))
        out.add_edge(s, o, key=p, predicate=str(p), label=label_of(g, p), claims=len(supporting),
                     documents=sorted({_document_name(g, g.value(c, SPK.statedIn)) for c in supporting}),
                     modalities=sorted({label_of(g, g.value(c, SPK.modality)) for c in supporting}),
                     negated=sum(1 for c in supporting if g.value(c, BIOLINK.negated).toPython()),
                     quotes=sorted({str(g.value(c, BIOLINK.supporting_text)) for c in supporting}),
                     **_edge_attributes(g, supporting, (s, p, o) in present))


def _claim_view(kg, out) -> None:
    g = kg.graph
    for claim in sorted(g.subjects(RDF.type, SPK.Claim)):
        span = g.value(claim, PROV.wasDerivedFrom)
        offsets = {}
        for selector in g.objects(span, OA.hasSelector):
            for name, prop in (("start", OA.start), ("end", OA.end)):
                value = g.value(selector, prop)
                if value is not None:
                    offsets[name] = int(value)
        doc = g.value(claim, SPK.statedIn)
        predicate = g.value(claim, RDF.predicate)
        out.add_node(claim, kind="claim", label=label_of(g, claim), predicate=str(predicate),
                     predicate_label=label_of(g, predicate), quote=str(g.value(claim, BIOLINK.supporting_text)),
                     modality=label_of(g, g.value(claim, SPK.modality)),
                     negated=bool(g.value(claim, BIOLINK.negated).toPython()),
                     document=_document_name(g, doc), **offsets)
        for role, prop in (("subject", RDF.subject), ("object", RDF.object)):
            node = g.value(claim, prop)
            if node not in out:
                attrs = _node_attributes(kg, node) if isinstance(node, URIRef) else {"label": str(node)}
                out.add_node(node, kind="entity", **attrs)
            out.add_edge(claim, node, key=role, label=role)
        if doc not in out:
            out.add_node(doc, kind="document", label=label_of(g, doc), file=_document_name(g, doc))
        out.add_edge(claim, doc, key="statedIn", label="stated in")
