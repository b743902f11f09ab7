"""Walk the knowledge graph in Python: entities, their neighbours and the claims behind each edge.

:class:`Entity` and :class:`Claim` are small views over ``kg.graph``: every attribute is read
from the graph when asked, nothing is copied, so a changed graph is seen at once. Entities are
looked up by label, synonym, IRI or CURIE (:meth:`KnowledgeGraph.entity`); claims are filtered by
subject, predicate, object, document, modality and negation (:meth:`KnowledgeGraph.claims`).
Domain views read like the domain: ``kg.entity("PRP").mechanisms``, ``.cell_sources``,
``.indications``, ``.risks``, ``.regulatory_status``; ``kg.entity("back pain").treatments``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from rdflib import Graph, Literal, URIRef

from spinekg.core.namespaces import BIOLINK, OA, PROV, RDF, RDFS, SKOS, SPK
from spinekg.core.terms import label_of


__all__ = ["Entity", "Claim", "Step", "find_paths", "extract_subgraph"]

IRI = URIRef

_MAPPINGS = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)
_DIRECTIONS = ("out", "in", "both")
#: which relations traversal follows: those some document asserts (the direct edges), those some
#: document denies (present only as claims), or both
STANCES = ("asserted", "denied", "any")
_KINDS = {"assertion": SPK.AssertionClaim, "recommendation": SPK.RecommendationClaim, "evidence": SPK.EvidenceClaim}


@dataclass(frozen=True)
class Entity:
    """An entity of the graph (a class of the ontology or an individual), by its IRI."""

    kg: Any  # the KnowledgeGraph it belongs to (spinekg.kg, a layer above)
    iri: IRI

    def __repr__(self) -> str:
        return f"<Entity {self.label!r} {self.curie}>"

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The ``rdfs:label`` (English preferred), else the IRI."""
        return label_of(self.kg.graph, self.iri)

    @property
    def curie(self) -> str:
        from spinekg.core.terms import curie

        return curie(self.iri)

    @property
    def category(self) -> "Entity | None":
        """The upper category (treatment, pathology, anatomical entity, ...)."""
        top = self.kg.category(self.iri)
        return Entity(self.kg, top) if top is not None else None

    @property
    def synonyms(self) -> list[str]:
        return sorted(str(s) for s in self.kg.graph.objects(self.iri, SKOS.altLabel))

    @property
    def mappings(self) -> list[str]:
        """External ontology IRIs (skos:exactMatch, closeMatch, ...), sorted."""
        return sorted(str(m) for p in _MAPPINGS for m in self.kg.graph.objects(self.iri, p))

    def neighbors(self, predicate: str | URIRef | None = None, direction: str = "out", *,
                  stance: str = "asserted") -> list["Entity"]:
        """Entities linked by a relation (any predicate, or one given by name, CURIE or IRI).

        ``stance="asserted"`` (the default) follows the direct edges: relations that at least one
        document asserts or hedges. ``"denied"`` follows the relations that some document denies
        (they have no direct edge, only claims); ``"any"`` follows both.
        """
        if direction not in _DIRECTIONS:
            raise ValueError(f"direction must be one of {', '.join(_DIRECTIONS)}, not {direction!r}")
        if stance not in STANCES:
            raise ValueError(f"stance must be one of {', '.join(STANCES)}, not {stance!r}")
        pred = self.kg.relation(predicate) if predicate is not None else None
        graph, found = self.kg.graph, set()
        if stance in ("asserted", "any"):
            if direction in ("out", "both"):
                found.update(o for p, o in graph.predicate_objects(self.iri)
                             if isinstance(o, URIRef) and (pred is None or p == pred) and self.kg.is_relation(p))
            if direction in ("in", "both"):
                found.update(s for s, p in graph.subject_predicates(self.iri)
                             if isinstance(s, URIRef) and (pred is None or p == pred) and self.kg.is_relation(p))
        if stance in ("denied", "any"):
            for role, other, wanted in ((RDF.subject, RDF.object, ("out", "both")),
                                        (RDF.object, RDF.subject, ("in", "both"))):
                if direction not in wanted:
                    continue
                for claim in graph.subjects(role, self.iri):
                    if (Claim(self.kg, claim).kind == "assertion"
                            and graph.value(claim, BIOLINK.negated) == Literal(True)
                            and (pred is None or (claim, RDF.predicate, pred) in graph)):
                        node = graph.value(claim, other)
                        if isinstance(node, URIRef):
                            found.add(node)
        return sorted((Entity(self.kg, n) for n in found), key=lambda e: (e.label.casefold(), str(e.iri)))

    def claims(self, **filters) -> list["Claim"]:
        """Claims with this entity as subject or object (filters as :meth:`KnowledgeGraph.claims`)."""
        return sorted({*self.kg.claims(subject=self.iri, **filters), *self.kg.claims(object=self.iri, **filters)},
                      key=Claim.sort_key)

    def documents(self) -> list["Entity"]:
        """The documents that make a claim about this entity."""
        return sorted({c.document for c in self.claims()}, key=lambda d: str(d.iri))

    # domain views ------------------------------------------------------------------------------
    def _out(self, *predicates: URIRef) -> list["Entity"]:
        return sorted({e for p in predicates for e in self.neighbors(p)}, key=lambda e: (e.label.casefold(), str(e.iri)))

    def _in(self, *predicates: URIRef) -> list["Entity"]:
        return sorted({e for p in predicates for e in self.neighbors(p, "in")},
                      key=lambda e: (e.label.casefold(), str(e.iri)))

    @property
    def mechanisms(self) -> list["Entity"]:
        return self._out(SPK.hasMechanism)

    @property
    def effects(self) -> list["Entity"]:
        return self._out(SPK.hasTherapeuticEffect)

    @property
    def cell_sources(self) -> list["Entity"]:
        return self._out(SPK.hasCellSource)

    @property
    def indications(self) -> list["Entity"]:
        """What a treatment is said to treat."""
        return self._out(SPK.treats)

    @property
    def risks(self) -> list["Entity"]:
        """Risks and reported adverse events of a treatment."""
        return self._out(SPK.hasRisk, SPK.hasReportedAdverseEvent)

    @property
    def regulatory_status(self) -> list["Entity"]:
        return self._out(SPK.hasRegulatoryStatus)

    @property
    def treatments(self) -> list["Entity"]:
        """What is said to treat a pathology."""
        return self._in(SPK.treats)

    @property
    def anatomy(self) -> list["Entity"]:
        """Anatomy a pathology affects or a treatment targets."""
        return self._out(SPK.affects, SPK.targetsAnatomy)

    @property
    def causes(self) -> list["Entity"]:
        return self._in(SPK.causes)

    @property
    def symptoms(self) -> list["Entity"]:
        return self._out(SPK.hasSymptom)

    @property
    def broader(self) -> list["Entity"]:
        """Direct superclasses (rdfs:subClassOf)."""
        return self._out(RDFS.subClassOf)

    @property
    def narrower(self) -> list["Entity"]:
        return self._in(RDFS.subClassOf)


@dataclass(frozen=True)
class Claim:
    """One claim: a document's statement of ``subject predicate object`` and its provenance."""

    kg: Any  # the KnowledgeGraph it belongs to (spinekg.kg, a layer above)
    iri: IRI

    def __repr__(self) -> str:
        neg = "NOT " if self.negated else ""
        return f"<Claim {self.subject.label} {neg}{self.predicate_label} {self.object_label} ({self.document.label[:3]})>"

    def _value(self, predicate: URIRef):
        return self.kg.graph.value(self.iri, predicate)

    @property
    def subject(self) -> Entity:
        return Entity(self.kg, self._value(RDF.subject))

    @property
    def predicate(self) -> URIRef:
        return self._value(RDF.predicate)

    @property
    def predicate_label(self) -> str:
        return label_of(self.kg.graph, self.predicate)

    @property
    def object(self) -> "Entity | Literal":
        value = self._value(RDF.object)
        return Entity(self.kg, value) if isinstance(value, URIRef) else value

    @property
    def object_label(self) -> str:
        value = self.object
        return value.label if isinstance(value, Entity) else str(value)

    @property
    def document(self) -> Entity:
        return Entity(self.kg, self._value(SPK.statedIn))

    @property
    def quote(self) -> str:
        return str(self._value(BIOLINK.supporting_text))

    def _selector(self, which: URIRef) -> int | None:
        span = self._value(PROV.wasDerivedFrom)
        for selector in self.kg.graph.objects(span, OA.hasSelector):
            value = self.kg.graph.value(selector, which)
            if value is not None:
                return int(value)
        return None

    @property
    def start(self) -> int | None:
        """Offset of the quote's first character in the document text (0-based, code points)."""
        return self._selector(OA.start)

    @property
    def end(self) -> int | None:
        """Offset just after the quote (exclusive)."""
        return self._selector(OA.end)

    @property
    def modality(self) -> str:
        """``asserted`` or ``hedged``."""
        return label_of(self.kg.graph, self._value(SPK.modality))

    @property
    def negated(self) -> bool:
        return bool(self._value(BIOLINK.negated).toPython())

    @property
    def kind(self) -> str:
        """``assertion`` (the page states the relation, or denies it when negated),
        ``recommendation`` (the page recommends or requires it) or ``evidence`` (the page reports
        evidence about it; see :attr:`direction`)."""
        for name in ("recommendation", "evidence"):
            if (self.iri, RDF.type, _KINDS[name]) in self.kg.graph:
                return name
        return "assertion"  # also a claim of a graph made before claims had kinds

    @property
    def direction(self) -> str | None:
        """For evidence: ``supports``, ``refutes`` or ``insufficient``; else ``None``."""
        value = self._value(SPK.evidenceDirection)
        return label_of(self.kg.graph, value) if value is not None else None

    @property
    def statistic(self) -> "Entity | None":
        """For evidence resting on an outcome statistic: that statistic."""
        value = self._value(SPK.reportsStatistic)
        return Entity(self.kg, value) if value is not None else None

    @property
    def attributed_to(self) -> "Entity | str | None":
        """The named source of a third-party claim (an entity), the cue of an unnamed one, or ``None``."""
        source = self._value(PROV.hadPrimarySource)
        if source is not None:
            return Entity(self.kg, source)
        if self._value(SPK.attribution) == SPK.ThirdPartyAttributed:
            cue = self._value(SPK.attributionCue)
            return str(cue) if cue is not None else "third party"
        return None

    @staticmethod
    def sort_key(claim: "Claim"):
        """The order claims are listed in: by document, then offset."""
        return (str(claim.kg.graph.value(claim.iri, SPK.statedIn)), claim.start or 0, str(claim.iri))


def iter_claims(kg, subject=None, predicate=None, object=None, document=None,
                modality: str | None = None, negated: bool | None = None, kind: str | None = None) -> Iterator[Claim]:
    """Claims matching the given filters (IRIs already resolved)."""
    graph = kg.graph
    if subject is not None:
        candidates = graph.subjects(RDF.subject, subject)
    elif object is not None:
        candidates = graph.subjects(RDF.object, object)
    elif document is not None:
        candidates = graph.subjects(SPK.statedIn, document)
    elif predicate is not None:
        candidates = graph.subjects(RDF.predicate, predicate)
    else:
        candidates = graph.subjects(RDF.type, SPK.Claim)
    want_modality = {"asserted": SPK.Asserted, "hedged": SPK.Hedged}.get(modality) if modality else None
    if modality and want_modality is None:
        raise ValueError(f"modality must be 'asserted' or 'hedged', not {modality!r}")
    if kind is not None and kind not in _KINDS:
        raise ValueError(f"kind must be one of {', '.join(_KINDS)}, not {kind!r}")
    for node in set(candidates):
        if (node, RDF.type, SPK.Claim) not in graph:
            continue
        if subject is not None and (node, RDF.subject, subject) not in graph:
            continue
        if predicate is not None and (node, RDF.predicate, predicate) not in graph:
            continue
        if object is not None and (node, RDF.object, object) not in graph:
            continue
        if document is not None and (node, SPK.statedIn, document) not in graph:
            continue
        if want_modality is not None and (node, SPK.modality, want_modality) not in graph:
            continue
        if negated is not None and bool(graph.value(node, BIOLINK.negated).toPython()) != negated:
            continue
        if kind is not None and Claim(kg, node).kind != kind:
            continue
        yield Claim(kg, node)


@dataclass(frozen=True)
class Step:
    """One edge of a path: ``subject predicate object`` as stated in the graph (direction kept)."""

    subject: Entity
    predicate: URIRef
    object: Entity

    def __repr__(self) -> str:
        return f"({self.subject.label} —{label_of(self.subject.kg.graph, self.predicate)}→ {self.object.label})"


def find_paths(kg, a: Entity, b: Entity, max_length: int = 3, *, denied: bool = False) -> list[list[Step]]:
    """Simple paths of at most ``max_length`` direct edges from ``a`` to ``b``, either direction.

    Edges may be walked against their direction (a treatment and a condition are linked through
    what treats what); each step keeps the edge as the graph states it. Shortest paths first.
    Only asserted relations are walked, unless ``denied`` is true.
    """
    if max_length < 1:
        raise ValueError(f"max_length must be at least 1, not {max_length}")
    nx_graph = kg.to_networkx("entities", denied=denied)
    if a.iri not in nx_graph or b.iri not in nx_graph:
        return []
    adjacent: dict[URIRef, list[tuple[URIRef, URIRef, bool]]] = {}
    for s, o, p in nx_graph.edges(keys=True):
        adjacent.setdefault(s, []).append((o, p, True))
        adjacent.setdefault(o, []).append((s, p, False))
    found: list[list[tuple[URIRef, URIRef, URIRef]]] = []

    def walk(node: URIRef, visited: list[URIRef], steps: list[tuple[URIRef, URIRef, URIRef]]) -> None:
        if node == b.iri:
            found.append(list(steps))
            return
        if len(steps) == max_length:
            return
        for other, predicate, forward in adjacent.get(node, ()):
            if other in visited:
                continue
            steps.append((node, predicate, other) if forward else (other, predicate, node))
            visited.append(other)
            walk(other, visited, steps)
            visited.pop()
            steps.pop()

    walk(a.iri, [a.iri], [])
    found.sort(key=lambda path: (len(path), [tuple(map(str, step)) for step in path]))
    return [[Step(Entity(kg, s), p, Entity(kg, o)) for s, p, o in path] for path in found]


def extract_subgraph(kg, center: Entity | None = None, depth: int = 2, *,
                     document: URIRef | None = None, category: URIRef | None = None) -> "Graph":
    """A part of ``kg``: around an entity, from one document, in one category (any combination).

    ``center``/``depth``: the entities within ``depth`` direct edges of ``center`` (either
    direction). ``document``: only that document's claims, the entities they link and the edges
    they support. ``category``: only entities of that upper category. The result holds the
    entities, the direct edges between them, their labels, synonyms, types and mappings, and the
    claims between them with their whole provenance (spans, selectors, documents, sources), and
    the label of every term these name (predicates, categories, modalities, attributions, evidence
    types, classes), so every view and exporter reads the same labels as on the whole graph. The
    parent's ontology stays attached for categories; ``graph`` holds only the extracted triples.
    """
    import networkx as nx

    from spinekg.core.namespaces import bind_prefixes

    if depth < 0:
        raise ValueError(f"depth must be 0 or more, not {depth}")
    entities_view = kg.to_networkx("entities")
    keep = set(entities_view.nodes)
    if center is not None:
        keep = {center.iri}
        if center.iri in entities_view:
            keep = set(nx.single_source_shortest_path_length(entities_view.to_undirected(as_view=True),
                                                             center.iri, cutoff=depth))
    if category is not None:
        keep = {n for n in keep if kg.category(n) == category}
    g = kg.graph
    supported = None
    if document is not None:  # that document's claims decide which entities and edges stay
        claims = set(g.subjects(SPK.statedIn, document))
        supported = {(g.value(c, RDF.subject), g.value(c, RDF.predicate), g.value(c, RDF.object)) for c in claims}
        keep &= {n for s, _, o in supported for n in (s, o)}
    out = Graph()
    bind_prefixes(out)
    predicates = set()
    for node in keep:
        for p, o in g.predicate_objects(node):
            edge = o in keep and (supported is None or (node, p, o) in supported)
            if isinstance(o, Literal) or p == RDF.type or p in _MAPPINGS or edge:
                out.add((node, p, o))
                predicates.add(p)
    provenance = {PROV.wasDerivedFrom, OA.hasSelector, OA.hasSource, OA.hasState, SPK.statedIn, SPK.leadInSpan,
                  SPK.hasSnapshot, OA.cachedSource, PROV.hadPrimarySource}
    todo = [c for c in set(g.subjects(RDF.type, SPK.Claim))
            if g.value(c, RDF.subject) in keep and (g.value(c, RDF.object) in keep
                                                    or isinstance(g.value(c, RDF.object), Literal))
            and (document is None or (c, SPK.statedIn, document) in g)]
    seen = set(todo)
    while todo:
        node = todo.pop()
        for p, o in g.predicate_objects(node):
            out.add((node, p, o))
            predicates.add(p)
            if p in provenance and o not in seen:
                seen.add(o)
                todo.append(o)
    for node in keep:  # the categories' labels (their axioms stay in the parent's ontology)
        top = kg.category(node)
        if top is not None:
            out += g.triples((top, RDFS.label, None))
    for p in predicates:  # declarations and labels of the relations used, so views know them
        for triple in g.triples((p, None, None)):
            if isinstance(triple[2], Literal) or triple[1] == RDF.type:
                out.add(triple)
    # the labels of every other term the part names (a claim's modality, attribution, evidence
    # type and direction, a type): every view and export of the part reads labels from its graph
    named = {term for triple in out for term in triple if isinstance(term, URIRef)}
    for term in sorted(named):
        if (term, RDFS.label, None) not in out:
            out += g.triples((term, RDFS.label, None))
    return out
