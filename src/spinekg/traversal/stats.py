"""Summary counts of a knowledge graph: entities per category, claims per predicate, document,
modality; how much of the vocabulary is mapped to public ontologies.

The mapped share is taken over the *domain classes*: the spinekg classes under an upper category,
leaving out the claim, document and provenance vocabulary (:data:`NON_DOMAIN_CATEGORIES`). A class
counts as mapped when it has a ``skos:exactMatch``, ``closeMatch``, ``broadMatch`` or
``narrowMatch`` to a term outside spinekg (``relatedMatch`` does not count); the share per prefix
counts the domain classes with at least one such mapping into that prefix (UBERON, HP, MESH, ...).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from rdflib import Graph, URIRef

from spinekg.core.namespaces import BIOLINK, OWL, RDF, RDFS, SKOS, SPK, SPKD
from spinekg.model.mappings import prefix_of
from spinekg.model.vocabulary import entity_category, top_categories

__all__ = ["Stats", "compute_stats", "NON_DOMAIN_CATEGORIES", "MAPPING_PREDICATES"]

#: Upper categories whose classes are the claim, document and provenance vocabulary, not the domain.
NON_DOMAIN_CATEGORIES = frozenset({SPK.Claim, SPK.ReferenceAssertion, SPK.ClaimQualifierValue, SPK.ApprovalStatus, SPK.Document})
#: The SKOS predicates that make a class count as mapped.
MAPPING_PREDICATES = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch)


@dataclass(frozen=True)
class Stats:
    triples: int
    entities_per_category: dict[str, int]
    mapped_entities: int
    mappable_entities: int
    claims: int
    claims_per_predicate: dict[str, int]
    claims_per_document: dict[str, dict[str, int]]
    claims_by_modality: dict[str, int]
    negated_claims: int
    third_party_claims: int
    reference_assertions: int
    documents: int
    direct_edges: int
    mapped_per_prefix: dict[str, int] = field(default_factory=dict)
    #: claims by what they do with their relation: assertion, recommendation, evidence
    claims_by_kind: dict[str, int] = field(default_factory=dict)
    #: relations some document denies and none asserts (present only as claims, no direct edge)
    denied_relations: int = 0
    #: relations some document asserts and another denies
    contested_relations: int = 0
    #: how people name each page (file name -> "003 Divine Spine: ..."), for the text summary
    document_names: dict[str, str] = field(default_factory=dict)

    @property
    def mapped_share(self) -> float:
        return self.mapped_entities / self.mappable_entities if self.mappable_entities else 0.0

    def to_dict(self) -> dict:
        return {
            "triples": self.triples,
            "documents": self.documents,
            "claims": self.claims,
            "direct_edges": self.direct_edges,
            "denied_relations": self.denied_relations,
            "contested_relations": self.contested_relations,
            "claims_by_kind": dict(sorted(self.claims_by_kind.items())),
            "reference_assertions": self.reference_assertions,
            "negated_claims": self.negated_claims,
            "third_party_claims": self.third_party_claims,
            "claims_by_modality": dict(sorted(self.claims_by_modality.items())),
            "claims_per_document": {k: dict(sorted(v.items())) for k, v in sorted(self.claims_per_document.items())},
            "claims_per_predicate": dict(sorted(self.claims_per_predicate.items())),
            "entities_per_category": dict(sorted(self.entities_per_category.items())),
            "mapped_entities": self.mapped_entities,
            "mappable_entities": self.mappable_entities,
            "mapped_share": round(self.mapped_share, 4),
            "mapped_per_prefix": dict(sorted(self.mapped_per_prefix.items())),
        }

    def share_per_prefix(self) -> dict[str, float]:
        """The share of domain classes mapped into each prefix."""
        total = self.mappable_entities
        return {p: (n / total if total else 0.0) for p, n in sorted(self.mapped_per_prefix.items())}

    def to_text(self) -> str:
        lines = [
            f"{self.triples} triples; {self.documents} documents; {self.claims} claims "
            f"({', '.join(f'{v} {k}' for k, v in sorted(self.claims_by_modality.items()))}; "
            f"{self.negated_claims} negated; {self.third_party_claims} attributed to third parties); "
            f"{self.direct_edges} direct edges (relations some document asserts; {self.contested_relations} of them "
            f"also denied), {self.denied_relations} relations only denied (claims, no edge); "
            f"{self.reference_assertions} reference assertions",
            "claims by kind: " + ", ".join(f"{v} {k}" for k, v in sorted(self.claims_by_kind.items())),
            f"domain classes mapped to public ontologies: {self.mapped_entities}/{self.mappable_entities} "
            f"({self.mapped_share:.0%}); per prefix: "
            + (", ".join(f"{p} {n} ({share:.0%})" for (p, n), share in
                         zip(sorted(self.mapped_per_prefix.items()), self.share_per_prefix().values())) or "none"),
            "",
        ]
        names = {doc: self.document_names.get(doc, doc) for doc in self.claims_per_document}
        width = max([28, *(len(name) for name in names.values())])
        lines.append(f"{'claims per document':<{width + 2}} claims  asserted  hedged  negated  third-party")
        for doc, row in sorted(self.claims_per_document.items()):
            lines.append(f"  {names[doc]:<{width}} {row['claims']:>6}  {row['asserted']:>8}  {row['hedged']:>6}  "
                         f"{row['negated']:>7}  {row['third_party']:>11}")
        lines += ["", "entities per category"]
        for cat, n in sorted(self.entities_per_category.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"  {cat:<28} {n:>6}")
        lines += ["", "claims per predicate"]
        for pred, n in sorted(self.claims_per_predicate.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"  {pred:<28} {n:>6}")
        return "\n".join(lines)


def _label(graph: Graph, node) -> str:
    label = graph.value(node, RDFS.label)
    if label is not None:
        return str(label)
    text = str(node)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _mapping_prefixes(graph: Graph, node: URIRef) -> set[str]:
    """The prefixes (UBERON, MESH, biolink, ...) of the external terms ``node`` is mapped to."""
    found = set()
    for pred in MAPPING_PREDICATES:
        for target in graph.objects(node, pred):
            iri = str(target)
            if isinstance(target, URIRef) and not iri.startswith((str(SPK), str(SPKD))):
                found.add(prefix_of(iri) or iri)
    return found


def compute_stats(kg) -> Stats:
    """Compute :class:`Stats` for a :class:`~spinekg.kg.KnowledgeGraph`."""
    g = kg.graph
    tops = top_categories(g)
    top_set = set(tops)
    infrastructure = {SPK.Claim, SPK.ReferenceAssertion, SPK.ClaimQualifierValue, SPK.ApprovalStatus}

    per_category: Counter[str] = Counter()
    per_prefix: Counter[str] = Counter()
    mapped = mappable = 0
    candidates = {c for c in g.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef) and str(c).startswith(str(SPK))}
    candidates |= {i for i in g.subjects(RDF.type, OWL.NamedIndividual) if isinstance(i, URIRef) and str(i).startswith(str(SPKD))}
    for node in candidates:
        if node in top_set:
            continue
        cat = entity_category(g, node, top_set)
        if cat is None or cat in infrastructure:
            continue
        per_category[_label(g, cat)] += 1
        if (node, RDF.type, OWL.Class) in g and cat not in NON_DOMAIN_CATEGORIES:
            mappable += 1
            prefixes = _mapping_prefixes(g, node)
            if prefixes:
                mapped += 1
                per_prefix.update(prefixes)

    claims = set(g.subjects(RDF.type, SPK.Claim))
    per_pred: Counter[str] = Counter()
    per_doc: dict[str, Counter] = {}
    modality: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    asserted_edges, denied_edges = set(), set()
    negated = third = 0
    for claim in claims:
        triple = (g.value(claim, RDF.subject), g.value(claim, RDF.predicate), g.value(claim, RDF.object))
        kind = ("recommendation" if (claim, RDF.type, SPK.RecommendationClaim) in g
                else "evidence" if (claim, RDF.type, SPK.EvidenceClaim) in g else "assertion")
        kinds[kind] += 1
        if kind == "assertion":
            denied = g.value(claim, BIOLINK.negated)
            (denied_edges if denied is not None and denied.toPython() is True else asserted_edges).add(triple)
        pred = g.value(claim, RDF.predicate)
        per_pred[g.namespace_manager.normalizeUri(pred) if pred is not None else "?"] += 1
        doc = g.value(claim, SPK.statedIn)
        name = str(g.value(doc, SPK.fileName) or doc)
        row = per_doc.setdefault(name, Counter({"claims": 0, "asserted": 0, "hedged": 0, "negated": 0, "third_party": 0}))
        row["claims"] += 1
        mod = g.value(claim, SPK.modality)
        mod_name = "hedged" if mod == SPK.Hedged else "asserted"
        modality[mod_name] += 1
        row[mod_name] += 1
        if g.value(claim, BIOLINK.negated) is not None and g.value(claim, BIOLINK.negated).toPython() is True:
            negated += 1
            row["negated"] += 1
        if g.value(claim, SPK.attribution) == SPK.ThirdPartyAttributed:
            third += 1
            row["third_party"] += 1
    return Stats(
        triples=len(g),
        entities_per_category=dict(per_category),
        mapped_entities=mapped,
        mappable_entities=mappable,
        claims=len(claims),
        claims_per_predicate=dict(per_pred),
        claims_per_document={k: dict(v) for k, v in per_doc.items()},
        claims_by_modality=dict(modality),
        negated_claims=negated,
        third_party_claims=third,
        reference_assertions=len(set(g.subjects(RDF.type, SPK.ReferenceAssertion))),
        documents=len(set(g.subjects(RDF.type, SPK.WebPage))),
        direct_edges=len(asserted_edges),
        mapped_per_prefix=dict(per_prefix),
        claims_by_kind=dict(kinds),
        denied_relations=len(denied_edges - asserted_edges),
        contested_relations=len(denied_edges & asserted_edges),
        document_names={d.file: d.name for d in kg.documents()},
    )
