"""A page's metadata as spinekg add records it: URL, title, retrieval dates and earlier snapshots.

Each text a page had is a snapshot (``https://w3id.org/spinekg/id/snapshot/<sha256>``,
``prov:specializationOf`` the page, with ``pav:retrievedOn``); the current one is the page's
``spk:hasSnapshot`` and each is ``prov:wasRevisionOf`` the one before it.
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef

from spinekg.core.namespaces import PAV, PROV, RDF, RDFS, SCHEMA, SPK, SPKD, XSD

__all__ = ["emit_page_metadata"]


def emit_page_metadata(g: Graph, doc, doc_iri: URIRef, snapshot: URIRef, title: str | None) -> str | None:
    """Add ``doc``'s metadata to ``g``; returns the page's title (the claims' one, else the metadata's)."""
    if title is None and doc.title:
        title = doc.title
        g.add((doc_iri, SCHEMA.name, Literal(doc.title)))
    if doc.url:
        g.add((doc_iri, SCHEMA.url, Literal(doc.url, datatype=XSD.anyURI)))
    if doc.retrieved:
        g.add((snapshot, PAV.retrievedOn, Literal(doc.retrieved, datatype=XSD.date)))
    newer = snapshot
    for sha, retrieved in doc.previous:  # most recent first
        older = SPKD[f"snapshot/{sha}"]
        g.add((older, RDF.type, PROV.Entity))
        g.add((older, PROV.specializationOf, doc_iri))
        g.add((older, SPK.sha256, Literal(sha)))
        g.add((older, RDFS.label, Literal(f"earlier text of {doc.file} (sha256 {sha[:12]})", lang="en")))
        if retrieved is not None:
            g.add((older, PAV.retrievedOn, Literal(retrieved, datatype=XSD.date)))
        g.add((newer, PROV.wasRevisionOf, older))
        newer = older
    return title
