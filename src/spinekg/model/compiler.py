"""Compile the ontology and the curated YAML into the spinekg knowledge graph.

The claim model follows ``provenance-model.md`` (RDF 1.1 reification + PROV-O + W3C Web
Annotation selectors + Biolink association slots):

* a **direct edge** ``s p o`` for traversal, present only while at least one claim asserts it
  (asserted or hedged, not negated); a relation that is only denied, recommended or evidenced
  is present only as its claims;
* a **claim node** per (document, statement): ``rdf:Statement``, ``spk:Claim`` and its kind
  (``spk:AssertionClaim``, ``spk:RecommendationClaim`` with its cue, ``spk:EvidenceClaim`` with
  ``spk:evidenceDirection`` and the ``spk:reportsStatistic`` it rests on),
  ``biolink:Association``; with ``spk:statedIn``, ``biolink:supporting_text``,
  ``biolink:negated``, ``spk:modality``, ``spk:attribution``, ``prov:hadPrimarySource``
  (a named third party), ``prov:wasAttributedTo`` (the publisher), ``biolink:has_evidence_of_type``
  (ECO) and ``prov:wasDerivedFrom`` the text span;
* the **span**: an ``oa:SpecificResource`` on the document with a ``oa:TextQuoteSelector`` and a
  ``oa:TextPositionSelector`` (0-based code points, end exclusive) and an ``oa:TimeState`` whose
  cached source is the text snapshot identified by its SHA-256.

:func:`compile_graph` is pure: it takes parsed sources and, optionally, the corpus texts, and
returns graphs and a report. Reading files happens in :func:`build`.
"""

from __future__ import annotations

import difflib
import hashlib
import math
from decimal import Decimal
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

from rdflib import Graph, Literal as RDFLiteral, URIRef
from rdflib.exceptions import ParserError

from spinekg.model.pagemeta import emit_page_metadata
from spinekg.model.curation import (
    ClaimSpec, DocumentSpec, IndividualSpec, Literal, ReferenceSpec, Source, check_reviewed,
    read_document, read_reference,
)
from spinekg.core.errors import CorpusError, CurationError
from spinekg.core.namespaces import (
    AGENT, BIOLINK, ECO, KL, OA, OWL, PREFIXES, PROV, RDF, RDFS, SCHEMA, SKOS, SPK, SPKD, XSD,
    bind_prefixes,
)
from spinekg.model.vocabulary import OntologyIndex

__all__ = ["BuildReport", "BuildResult", "build", "compile_graph", "load_ontology", "load_sources",
           "read_corpus", "document_iri", "EVIDENCE_ECO"]

#: ECO terms for the evidence types (verified in provenance-model.md §6, ECO release 2024-07-19).
EVIDENCE_ECO = {
    "author_statement": ECO["0000303"],      # author statement without traceable support, manual
    "traceable_reference": ECO["0000304"],   # author statement supported by traceable reference, manual
    "clinical_study": ECO["0006017"],        # author statement from referenced clinical study, manual
    "practitioner": ECO["0006161"],          # medical practitioner statement evidence, manual
}

_SCHEMA_PREDICATES = {"publisher", "datePublished", "name", "about"}
_STAT_KEYS = {"kind", "value", "comparator", "value_text", "population", "time_point", "measure", "reported_by"}
_STATUS_KEYS = {"regulator", "jurisdiction", "approval", "uses", "regulated", "reason"}
_COMPARATORS = {"<", "<=", "=", ">=", ">", "~"}
_STAT_KINDS = {"proportion", "rank", "count"}
_KIND_CLASS = {"assertion": SPK.AssertionClaim, "recommendation": SPK.RecommendationClaim,
               "evidence": SPK.EvidenceClaim}
_DIRECTION = {"supports": SPK.Supports, "refutes": SPK.Refutes, "insufficient": SPK.Insufficient}
CURATION_ACTIVITY = SPKD["activity/curation"]
CURATORS = SPKD["spinekg-curators"]


def decimal_literal(value: int | float | Decimal) -> RDFLiteral:
    """A number as the literal every store and syntax keeps unchanged: a whole number as an
    xsd:integer ("1000000"), any other as an xsd:decimal in canonical form ("0.5").

    An xsd:decimal with a whole value has no lexical form that survives both rdflib's Turtle writer
    (which turns "4" into 4.0) and Oxigraph (which stores "4.0" as "4"); an xsd:integer is a decimal
    to OWL and SPARQL, and both keep it as written.
    """
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if number == number.to_integral_value():
        return RDFLiteral(str(int(number)), datatype=XSD.integer)
    return RDFLiteral(format(number.normalize(), "f"), datatype=XSD.decimal)


def document_iri(file: str) -> URIRef:
    """The IRI of a corpus document, from its file name (without ``.txt``)."""
    return SPKD[f"doc/{file}"]


@dataclass(frozen=True)
class BuildReport:
    """What a build did: counts, whether quotes were re-checked against the corpus, and why not."""

    documents: int
    statements: int
    claims: int
    reference_assertions: int
    grounded: bool
    corpus: str | None
    triples: int

    def summary(self) -> str:
        ground = (f"every quote, offset and hash re-checked against {self.corpus}" if self.grounded
                  else "grounding NOT re-checked (no corpus directory; set SPINEKG_CORPUS or pass --corpus)")
        return (f"{self.documents} documents, {self.statements} statements, {self.claims} claims, "
                f"{self.reference_assertions} reference assertions, {self.triples} triples; {ground}")


@dataclass
class BuildResult:
    ontology: Graph
    data: Graph
    report: BuildReport


# ------------------------------------------------------------------------------------------
# Reading (I/O edge)
# ------------------------------------------------------------------------------------------


def load_ontology(ontology_dir: Path) -> Graph:
    """Parse every ``*.ttl`` file of the ontology folder into one graph."""
    graph = Graph()
    files = sorted(Path(ontology_dir).glob("*.ttl"))
    if not files:
        raise CurationError("no ontology files (*.ttl) found", ontology_dir)
    for path in files:
        try:
            graph.parse(path, format="turtle")
        except (SyntaxError, ParserError, ValueError) as err:
            line = getattr(err, "lines", None)  # rdflib counts lines from 0
            line = line + 1 if isinstance(line, int) else None
            message = str(getattr(err, "_why", None) or err).splitlines()[0]
            raise CurationError(f"Turtle syntax error: {message}", path, line) from err
    bind_prefixes(graph)
    return graph


def load_sources(data_dir: Path) -> tuple[ReferenceSpec, tuple[DocumentSpec, ...]]:
    """Read ``reference.yaml`` and every ``documents/*.yaml`` of the data folder."""
    data_dir = Path(data_dir)
    reference = read_reference(data_dir / "reference.yaml")
    docs = tuple(read_document(p) for p in sorted((data_dir / "documents").glob("*.yaml")))
    return reference, docs


def read_corpus(corpus_dir: Path, files: Iterable[str]) -> dict[str, bytes]:
    """Read the raw bytes of ``<corpus_dir>/<file>.txt`` for each file name."""
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise CorpusError(f"{corpus_dir}: corpus directory not found; point --corpus or SPINEKG_CORPUS at the folder of .txt files")
    texts = {}
    for file in files:
        path = corpus_dir / f"{file}.txt"
        try:
            texts[file] = path.read_bytes()
        except FileNotFoundError as err:
            raise CorpusError(f"{path}: document missing from the corpus directory") from err
    return texts


def build(ontology_dir: Path, data_dir: Path, corpus_dir: Path | None = None, *,
          embed_text: bool = False) -> BuildResult:
    """Read the sources (and the corpus when given) and compile the graph."""
    ontology = load_ontology(ontology_dir)
    reference, docs = load_sources(data_dir)
    texts = read_corpus(corpus_dir, [d.file for d in docs]) if corpus_dir is not None else None
    return compile_graph(ontology, reference, docs, texts, corpus_label=str(corpus_dir) if corpus_dir else None,
                         embed_text=embed_text)


# ------------------------------------------------------------------------------------------
# Compilation
# ------------------------------------------------------------------------------------------


class _Compiler:
    def __init__(self, ontology: Graph, reference: ReferenceSpec, docs: tuple[DocumentSpec, ...]):
        self.ont = OntologyIndex(ontology)
        self.reference = reference
        self.docs = docs
        self.out = Graph()
        bind_prefixes(self.out)
        self.individuals: dict[str, tuple[IndividualSpec, URIRef]] = {}
        self.individual_types: dict[URIRef, set[URIRef]] = {
            ind: {t for t in ontology.objects(ind, RDF.type) if t in self.ont.classes}
            for ind in self.ont.named_individuals
        }
        self.labels = dict(self.ont.labels)
        self.derived_from: dict[URIRef, set[URIRef]] = {}
        self.referenced: set[URIRef] = set()
        self.counts = {"statements": 0, "claims": 0, "reference": 0}
        self._known_names: list[str] | None = None

    # -- names ------------------------------------------------------------------------------

    def _spk_name(self, name: str) -> URIRef | None:
        iri = SPK[name]
        if iri in self.ont.classes or iri in self.ont.named_individuals:
            return iri
        return None

    def known_names(self) -> list[str]:
        if self._known_names is None:
            names = {str(c)[len(SPK):] for c in self.ont.classes | self.ont.named_individuals if str(c).startswith(str(SPK))}
            names |= set(self.individuals)
            self._known_names = sorted(names)
        return self._known_names

    def entity(self, name: str, src: Source, this: URIRef | None = None) -> URIRef:
        if name == "this":
            if this is None:
                raise src.error("'this' (the document) can only be used in a document file")
            return this
        if ":" in name:
            prefix, local = name.split(":", 1)
            ns = PREFIXES.get(prefix)
            if ns is None:
                raise src.error(f"unknown prefix {prefix!r} in {name!r}; known prefixes: {', '.join(sorted(PREFIXES))}")
            iri = URIRef(str(ns) + local)
            if iri in self.ont.classes or iri in self.ont.named_individuals:
                return iri
            raise src.error(f"unknown entity {name!r}: not declared in the ontology")
        if name in self.individuals:
            return self.individuals[name][1]
        iri = self._spk_name(name)
        if iri is not None:
            return iri
        close = difflib.get_close_matches(name, self.known_names(), n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(close)}?" if close else "; define it in the ontology (ontology/*.ttl) or as an individual"
        raise src.error(f"unknown entity {name!r}{hint}")

    def predicate(self, name: str, src: Source) -> URIRef:
        if name == "isA":
            return RDFS.subClassOf
        if ":" in name:
            prefix, local = name.split(":", 1)
            ns = PREFIXES.get(prefix)
            iri = URIRef(str(ns) + local) if ns is not None else None
        elif name in _SCHEMA_PREDICATES:
            iri = SCHEMA[name]
        else:
            iri = SPK[name]
        if iri is not None and (iri in self.ont.object_properties or iri in self.ont.datatype_properties):
            return iri
        props = sorted(str(p)[len(SPK):] for p in self.ont.object_properties | self.ont.datatype_properties
                       if str(p).startswith(str(SPK)))
        close = difflib.get_close_matches(name, props + sorted(_SCHEMA_PREDICATES) + ["isA"], n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(close)}?" if close else "; declare it in ontology/spinekg.ttl"
        raise src.error(f"unknown property {name!r}{hint}")

    def categories(self, node: URIRef) -> set[URIRef]:
        """The named classes ``node`` falls under (as a class: its superclasses; as an individual: its types')."""
        if node in self.individual_types:
            cats: set[URIRef] = set()
            for t in self.individual_types[node]:
                cats |= self.ont.superclasses(t)
            return cats
        return self.ont.superclasses(node)

    def label(self, node) -> str:
        if isinstance(node, URIRef):
            return self.labels.get(node) or str(node).rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        return str(node)

    # -- individuals ------------------------------------------------------------------------

    def register_individual(self, spec: IndividualSpec) -> None:
        src = spec.source
        if spec.id in self.individuals:
            other = self.individuals[spec.id][0].source
            raise src.error(f"individual {spec.id!r} is already defined at {other.path}:{other.line}; use that one")
        if self._spk_name(spec.id) is not None:
            raise src.error(f"individual id {spec.id!r} clashes with the ontology term spk:{spec.id}; choose another id")
        cls = self._spk_name(spec.type)
        if cls is None or cls not in self.ont.classes:
            close = difflib.get_close_matches(spec.type, [str(c)[len(SPK):] for c in self.ont.classes if str(c).startswith(str(SPK))], n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise src.error(f"unknown type {spec.type!r} for individual {spec.id!r}{hint}")
        iri = SPKD[spec.id]
        self.individuals[spec.id] = (spec, iri)
        self.individual_types[iri] = {cls}
        self.labels[iri] = spec.label
        self._known_names = None

    def emit_individual(self, spec: IndividualSpec, this: URIRef | None) -> None:
        g = self.out
        iri = self.individuals[spec.id][1]
        cls = SPK[spec.type]
        g.add((iri, RDF.type, cls))
        g.add((iri, RDF.type, OWL.NamedIndividual))
        if SPK.Organization in self.ont.superclasses(cls):
            g.add((iri, RDF.type, PROV.Organization))
        if SPK.Document in self.ont.superclasses(cls):
            g.add((iri, RDF.type, PROV.Entity))
        g.add((iri, RDFS.label, RDFLiteral(spec.label, lang="en")))
        for alt in spec.alt:
            g.add((iri, SKOS.altLabel, RDFLiteral(alt, lang="en")))
        if spec.description:
            g.add((iri, SKOS.definition, RDFLiteral(spec.description, lang="en")))
        for match, curie in spec.mappings:
            prefix, _, local = curie.partition(":")
            if prefix not in PREFIXES or not local:
                raise spec.source.error(f"mapping {curie!r} is not a CURIE with a known prefix")
            g.add((iri, SKOS.exactMatch if match == "exact" else SKOS.closeMatch, URIRef(str(PREFIXES[prefix]) + local)))
        is_stat = SPK.Statistic in self.ont.superclasses(cls)
        is_status = SPK.RegulatoryStatus in self.ont.superclasses(cls)
        for key, value, line in spec.attributes:
            src = Source(spec.source.path, line)
            if key in _STAT_KEYS and not is_stat:
                raise src.error(f"{key!r} is only for individuals of type Statistic")
            if key in _STATUS_KEYS and not is_status:
                raise src.error(f"{key!r} is only for individuals of type RegulatoryStatus")
            self._emit_attribute(iri, key, value, src, this)
        required = (_STAT_KEYS & {"kind", "measure"}) if is_stat else ({"regulator", "jurisdiction", "approval", "uses"} if is_status else set())
        missing = required - {k for k, _, _ in spec.attributes}
        if missing:
            raise spec.source.error(f"{spec.type} {spec.id!r} needs {', '.join(sorted(missing))}")

    def _typed_entity(self, value, expected: URIRef, key: str, src: Source, this) -> URIRef:
        iri = self.entity(value if isinstance(value, str) else repr(value), src, this)
        if expected not in self.categories(iri):
            raise src.error(f"{key} {value!r} must be a {self.label(expected)}")
        return iri

    def _emit_attribute(self, iri: URIRef, key: str, value, src: Source, this) -> None:
        g = self.out
        if key == "kind":
            if value not in _STAT_KINDS:
                raise src.error(f"kind {value!r} must be one of {', '.join(sorted(_STAT_KINDS))}")
            g.add((iri, SPK.statisticKind, RDFLiteral(value)))
        elif key == "value":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise src.error(f"value must be a number, got {value!r}")
            if isinstance(value, float) and not math.isfinite(value):
                raise src.error(f"value must be a finite number, got {value!r}; write the number the page gives")
            g.add((iri, SPK.value, decimal_literal(value)))
        elif key == "comparator":
            if value not in _COMPARATORS:
                raise src.error(f"comparator {value!r} must be one of {' '.join(sorted(_COMPARATORS))}")
            g.add((iri, SPK.comparator, RDFLiteral(value)))
        elif key in ("value_text", "population", "time_point", "reason"):
            prop = {"value_text": SPK.valueText, "population": SPK.population,
                    "time_point": SPK.timePoint, "reason": SPK.statusReason}[key]
            g.add((iri, prop, RDFLiteral(str(value))))
        elif key == "measure":
            target = self.entity(str(value), src, this)
            cats = self.categories(target)
            if not ({SPK.Pathology, SPK.TherapeuticEffect} & cats):
                raise src.error(f"measure {value!r} must be a pathology or a therapeutic effect")
            g.add((iri, SPK.statisticMeasure, target))
        elif key == "reported_by":
            target = self.entity(str(value), src, this)
            if not ({SPK.Document, SPK.Organization} & self.categories(target)):
                raise src.error(f"reported_by {value!r} must be a document or an organization")
            g.add((iri, SPK.reportedBy, target))
        elif key == "regulator":
            g.add((iri, SPK.regulator, self._typed_entity(value, SPK.Organization, key, src, this)))
        elif key == "jurisdiction":
            g.add((iri, SPK.jurisdiction, self._typed_entity(value, SPK.Place, key, src, this)))
        elif key == "approval":
            g.add((iri, SPK.approvalStatus, self._typed_entity(value, SPK.ApprovalStatus, key, src, this)))
        elif key == "uses":
            for use in value if isinstance(value, list) else [value]:
                g.add((iri, SPK.appliesToUse, self._typed_entity(use, SPK.Pathology, "use", src, this)))
        elif key == "except_uses":
            for use in value if isinstance(value, list) else [value]:
                g.add((iri, SPK.exceptUse, self._typed_entity(use, SPK.Pathology, "use", src, this)))
        elif key == "regulated":
            if not isinstance(value, bool):
                raise src.error(f"regulated must be true or false, got {value!r}")
            g.add((iri, SPK.regulated, RDFLiteral(value)))

    # -- claims -----------------------------------------------------------------------------

    def _object_term(self, claim: ClaimSpec, this: URIRef | None):
        if isinstance(claim.object, Literal):
            value = claim.object.value
            if isinstance(value, Decimal):
                return decimal_literal(value)
            return RDFLiteral(value)
        return self.entity(claim.object, claim.source, this)

    def check_signature(self, claim: ClaimSpec, s: URIRef, p: URIRef, o) -> URIRef:
        """Check domain/range; return the predicate to assert (isA becomes rdf:type for individuals)."""
        src = claim.source
        if p == RDFS.subClassOf:
            if claim.kind != "assertion":
                raise src.error("isA cannot be a recommendation or evidence: it says what a term is; "
                                "state the relation the page recommends or evidences instead")
            if not isinstance(o, URIRef) or o not in self.ont.classes:
                raise src.error(f"isA needs a class as object, got {claim.object!r}")
            if s in self.individual_types:
                return RDF.type
            if s not in self.ont.classes:
                raise src.error(f"isA needs a class or individual as subject, got {claim.subject!r}")
            return p
        is_object_prop = p in self.ont.object_properties
        if is_object_prop and isinstance(o, RDFLiteral):
            raise src.error(f"{claim.predicate!r} links two entities; {claim.object!r} is a literal")
        if not is_object_prop and isinstance(o, URIRef):
            raise src.error(f"{claim.predicate!r} takes a literal value; write {{literal: \"...\"}}, a number or a date")
        domain, range_ = self.ont.signature(p)
        if domain is not None and not (domain & self.categories(s)):
            raise src.error(
                f"{claim.subject!r} ({self._cat_text(s)}) cannot be the subject of {claim.predicate!r}, "
                f"which expects {' or '.join(sorted(self.label(d) for d in domain))}")
        if is_object_prop and range_ is not None and not (range_ & self.categories(o)):
            raise src.error(
                f"{claim.object!r} ({self._cat_text(o)}) cannot be the object of {claim.predicate!r}, "
                f"which expects {' or '.join(sorted(self.label(r) for r in range_))}")
        return p

    def _cat_text(self, node: URIRef) -> str:
        cats = [c for c in self.categories(node) if c != node and str(c).startswith(str(SPK))]
        tops = [c for c in cats if not any(c != d and c in self.ont.superclasses(d) for d in cats)] if cats else []
        return "a " + " and ".join(sorted(self.label(c) for c in tops)) if tops else "no category"

    def emit_claims(self, doc: DocumentSpec, texts: Mapping[str, bytes] | None, embed_text: bool) -> None:
        g = self.out
        doc_iri = document_iri(doc.file)
        text: str | None = None
        if texts is not None:
            raw = texts[doc.file]
            digest = hashlib.sha256(raw).hexdigest()
            if digest != doc.sha256:
                raise CurationError(
                    f"sha256 {doc.sha256} does not match the corpus file ({digest}); the page text changed: "
                    "re-check the quotes and update the hash", doc.path, doc.sha256_line)
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as err:
                raise CorpusError(f"{doc.file}.txt: not UTF-8 text") from err

        publisher = None
        for st in doc.statements:
            for c in st.claims:
                if c.subject == "this" and c.predicate in ("publisher", "schema:publisher") and isinstance(c.object, str):
                    publisher = self.entity(c.object, c.source, doc_iri)

        snapshot = SPKD[f"snapshot/{doc.sha256}"]
        state = SPKD[f"doc/{doc.file}/state"]
        g.add((doc_iri, RDF.type, SPK.WebPage))
        g.add((doc_iri, RDF.type, SCHEMA.MedicalWebPage))
        g.add((doc_iri, RDF.type, PROV.Entity))
        g.add((doc_iri, RDF.type, OWL.NamedIndividual))
        g.add((doc_iri, SPK.fileName, RDFLiteral(doc.file)))
        g.add((doc_iri, SPK.sha256, RDFLiteral(doc.sha256)))
        g.add((doc_iri, SPK.hasSnapshot, snapshot))
        g.add((snapshot, RDF.type, PROV.Entity))
        g.add((snapshot, PROV.specializationOf, doc_iri))
        g.add((snapshot, SPK.sha256, RDFLiteral(doc.sha256)))
        g.add((snapshot, RDFS.label, RDFLiteral(f"text of {doc.file} (sha256 {doc.sha256[:12]})", lang="en")))
        if text is not None and embed_text:
            g.add((snapshot, PROV.value, RDFLiteral(text)))
        g.add((state, RDF.type, OA.TimeState))
        g.add((state, OA.cachedSource, snapshot))

        title = None
        seen: dict[tuple, Source] = {}
        for st in doc.statements:
            self.counts["statements"] += 1
            span = self._span(doc, doc_iri, state, text, st.quote, st.start, st.end, st.source)
            lead_span = (self._span(doc, doc_iri, state, text, st.lead_in.quote, st.lead_in.start, st.lead_in.end,
                                    st.lead_in.source) if st.lead_in is not None else None)

            for c in st.claims:
                s = self.entity(c.subject, c.source, doc_iri)
                p = self.predicate(c.predicate, c.source)
                o = self._object_term(c, doc_iri)
                p = self.check_signature(c, s, p, o)
                key = (s, p, o, st.start, st.end)
                if key in seen:
                    raise c.source.error(f"duplicate claim {c.subject} {c.predicate} {c.object!r} for the same quote")
                seen[key] = c.source
                if p == SCHEMA.name and s == doc_iri:
                    title = str(o)
                claim = self._claim_node(doc.file, s, p, o, st.start, st.end)
                self.counts["claims"] += 1
                if c.kind == "assertion" and not c.negated:
                    g.add((s, p, o))  # the direct edge: only an asserting claim makes one
                g.add((claim, RDF.type, RDF.Statement))
                g.add((claim, RDF.type, SPK.Claim))
                g.add((claim, RDF.type, _KIND_CLASS[c.kind]))
                self._emit_kind(claim, c, doc_iri)
                g.add((claim, RDF.type, BIOLINK.Association))
                g.add((claim, RDF.type, PROV.Entity))
                g.add((claim, RDF.subject, s))
                g.add((claim, RDF.predicate, p))
                g.add((claim, RDF.object, o))
                g.add((claim, SPK.statedIn, doc_iri))
                g.add((claim, BIOLINK.supporting_text, RDFLiteral(st.quote)))
                g.add((claim, BIOLINK.negated, RDFLiteral(c.negated)))
                g.add((claim, SPK.modality, SPK.Hedged if c.modality == "hedged" else SPK.Asserted))
                if c.cue:
                    g.add((claim, SPK.modalityCue, RDFLiteral(c.cue)))
                if c.negation_cue:
                    g.add((claim, SPK.negationCue, RDFLiteral(c.negation_cue)))
                third_party = c.attribution_cue is not None
                g.add((claim, SPK.attribution, SPK.ThirdPartyAttributed if third_party else SPK.SelfAttributed))
                if c.attribution_cue:
                    g.add((claim, SPK.attributionCue, RDFLiteral(c.attribution_cue)))
                if c.attribution_source:
                    source = self.entity(c.attribution_source, c.source, doc_iri)
                    if not ({SPK.Organization, SPK.Document} & self.categories(source)):
                        raise c.source.error(f"attribution source {c.attribution_source!r} must be an organization or a cited work")
                    g.add((claim, PROV.hadPrimarySource, source))
                    self.referenced.add(source)
                if publisher is not None:
                    g.add((claim, PROV.wasAttributedTo, publisher))
                g.add((claim, PROV.wasDerivedFrom, span))
                if lead_span is not None:
                    g.add((claim, SPK.leadInSpan, lead_span))
                g.add((claim, PROV.wasGeneratedBy, CURATION_ACTIVITY))
                g.add((claim, BIOLINK.knowledge_level,
                       KL.observation if c.statistic else KL.knowledge_assertion))
                g.add((claim, BIOLINK.agent_type, AGENT.manual_agent))
                evidence = c.evidence or ("traceable_reference" if c.attribution_source else "author_statement")
                g.add((claim, BIOLINK.has_evidence_of_type, EVIDENCE_ECO[evidence]))
                for qkey, qvalue in c.qualifiers:
                    if qkey == "context":
                        ctx = self.entity(qvalue, c.source, doc_iri)
                        if SPK.AnatomicalEntity not in self.categories(ctx):
                            raise c.source.error(f"context {qvalue!r} must be an anatomical entity")
                        g.add((claim, SPK.anatomicalContext, ctx))
                    elif qkey == "count":
                        g.add((claim, SPK["count"], RDFLiteral(qvalue)))
                    else:
                        g.add((claim, SPK[qkey], RDFLiteral(qvalue)))
                if c.note:
                    g.add((claim, SPK.curatorNote, RDFLiteral(c.note)))
                neg = "not " if c.negated else ""
                lead = {"recommendation": "recommended: ", "evidence": f"evidence ({c.direction}): "}.get(c.kind, "")
                g.add((claim, RDFS.label, RDFLiteral(
                    f"{lead}{self.label(s)} {neg}{self.label(p)} {self.label(o)} ({doc.file})", lang="en")))
                for node in (s, o):
                    if isinstance(node, URIRef) and node in self.individual_types:
                        self.derived_from.setdefault(node, set()).add(claim)
                        self.referenced.add(node)
        title = emit_page_metadata(g, doc, doc_iri, snapshot, title)  # URL, title, dates, earlier snapshots
        if doc.publisher and publisher is None:
            publisher = self.entity(doc.publisher, doc.source, doc_iri)
            g.add((doc_iri, SCHEMA.publisher, publisher))
        if doc.country:  # where the publisher is (spinekg add --country): curator metadata, not a claim
            self.reference_assertion(ClaimSpec(doc.publisher or "", "locatedIn", doc.country, doc.source, note=(
                f"where the publisher of {doc.file} is located, as given when the page was added")), doc_iri)
        g.add((doc_iri, RDFS.label, RDFLiteral(f"{doc.file}: {title}" if title else doc.file, lang="en")))

    def _emit_kind(self, claim: URIRef, c: ClaimSpec, doc_iri: URIRef) -> None:
        """The recommendation cue, or the evidence direction and the statistic it rests on."""
        g = self.out
        if c.recommendation_cue:
            g.add((claim, SPK.recommendationCue, RDFLiteral(c.recommendation_cue)))
        if c.direction:
            g.add((claim, SPK.evidenceDirection, _DIRECTION[c.direction]))
        if c.statistic:
            stat = self.entity(c.statistic, c.source, doc_iri)
            if SPK.Statistic not in self.categories(stat):
                raise c.source.error(f"statistic {c.statistic!r} must be a Statistic individual of this document")
            g.add((claim, SPK.reportsStatistic, stat))
            self.derived_from.setdefault(stat, set()).add(claim)
            self.referenced.add(stat)

    def _span(self, doc: DocumentSpec, doc_iri: URIRef, state: URIRef, text: str | None,
              quote: str, start: int, end: int, source: Source) -> URIRef:
        """Check a quote against the text (when there is one) and emit its Web Annotation span."""
        g = self.out
        if text is not None and text[start:end] != quote:
            at = text.find(quote)
            if at == -1:
                from spinekg.model.grounding import typographic_variant

                variant = typographic_variant(text, quote)
                hint = (f"; the text has {variant[:60]!r} (typographic quotes or dashes)" if variant
                        else "; copy it verbatim from the text")
                raise source.error(f"quote not found in {doc.file}.txt: {quote[:60]!r}{hint}")
            others = []
            while at != -1:
                others.append(f"{at}-{at + len(quote)}")
                at = text.find(quote, at + 1)
            raise source.error(f"offsets {start}-{end} do not match the quote, which occurs at {', '.join(others)}")
        span = SPKD[f"doc/{doc.file}/span/{start}-{end}"]
        if (span, RDF.type, OA.SpecificResource) in g:
            return span
        qsel = SPKD[f"doc/{doc.file}/span/{start}-{end}/quote"]
        psel = SPKD[f"doc/{doc.file}/span/{start}-{end}/position"]
        g.add((span, RDF.type, OA.SpecificResource))
        g.add((span, OA.hasSource, doc_iri))
        g.add((span, OA.hasState, state))
        g.add((span, OA.hasSelector, qsel))
        g.add((span, OA.hasSelector, psel))
        g.add((qsel, RDF.type, OA.TextQuoteSelector))
        g.add((qsel, OA.exact, RDFLiteral(quote)))
        g.add((psel, RDF.type, OA.TextPositionSelector))
        # Web Annotation's offsets are non-negative integers; they are written as xsd:integer (the
        # shapes check >= 0) because stores such as Oxigraph rewrite derived integer types to it.
        g.add((psel, OA.start, RDFLiteral(start, datatype=XSD.integer)))
        g.add((psel, OA.end, RDFLiteral(end, datatype=XSD.integer)))
        return span

    def _claim_node(self, file: str, s, p, o, start: int, end: int) -> URIRef:
        key = "|".join((str(s), str(p), o.n3() if isinstance(o, RDFLiteral) else str(o), str(start), str(end)))
        return SPKD[f"claim/{file}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:12]}"]

    def emit_reference(self) -> None:
        g = self.out
        g.add((CURATORS, RDF.type, PROV.Agent))
        g.add((CURATORS, RDFS.label, RDFLiteral("spinekg curators", lang="en")))
        g.add((CURATION_ACTIVITY, RDF.type, PROV.Activity))
        g.add((CURATION_ACTIVITY, RDFS.label, RDFLiteral("manual curation of the spinekg corpus", lang="en")))
        g.add((CURATION_ACTIVITY, PROV.wasAssociatedWith, CURATORS))
        for c in self.reference.assertions:
            self.reference_assertion(c)

    def reference_assertion(self, c: ClaimSpec, this: URIRef | None = None) -> None:
        """A fact the curators add (the edge and its ``spk:ReferenceAssertion`` record), never a claim."""
        g = self.out
        s = self.entity(c.subject, c.source, this)
        p = self.predicate(c.predicate, c.source)
        o = self._object_term(c, this)
        p = self.check_signature(c, s, p, o)
        if not c.note:
            raise c.source.error("a reference assertion needs a 'note' saying where the fact comes from")
        key = "|".join((str(s), str(p), str(o)))
        node = SPKD[f"reference/{hashlib.sha1(key.encode('utf-8')).hexdigest()[:12]}"]
        g.add((s, p, o))
        g.add((node, RDF.type, RDF.Statement))
        g.add((node, RDF.type, SPK.ReferenceAssertion))
        g.add((node, RDF.subject, s))
        g.add((node, RDF.predicate, p))
        g.add((node, RDF.object, o))
        g.add((node, PROV.wasAttributedTo, CURATORS))
        g.add((node, RDFS.comment, RDFLiteral(c.note, lang="en")))
        g.add((node, RDFS.label, RDFLiteral(f"{self.label(s)} {self.label(p)} {self.label(o)} (reference)", lang="en")))
        self.counts["reference"] += 1
        for n in (s, o):
            if isinstance(n, URIRef):
                self.referenced.add(n)

    def run(self, texts, embed_text) -> None:
        for spec in self.reference.individuals:
            self.register_individual(spec)
        for doc in self.docs:
            for spec in doc.individuals:
                self.register_individual(spec)
        files = [d.file for d in self.docs]
        for doc in self.docs:
            self.individual_types[document_iri(doc.file)] = {SPK.WebPage}
            self.labels[document_iri(doc.file)] = doc.file
        if len(set(files)) != len(files):
            raise CurationError(f"two data files describe the same document: {sorted(f for f in files if files.count(f) > 1)}")
        for spec in self.reference.individuals:
            self.emit_individual(spec, None)
        for doc in self.docs:
            for spec in doc.individuals:
                self.emit_individual(spec, document_iri(doc.file))
        self.emit_reference()
        for doc in self.docs:
            self.emit_claims(doc, texts, embed_text)
        for node, claims in self.derived_from.items():
            kinds = self.individual_types[node]
            if any({SPK.Statistic, SPK.RegulatoryStatus} & self.ont.superclasses(k) for k in kinds):
                for claim in claims:
                    self.out.add((node, PROV.wasDerivedFrom, claim))
        for doc in self.docs:
            for spec in doc.individuals:
                iri = self.individuals[spec.id][1]
                if iri not in self.referenced and (None, None, iri) not in self.out:
                    raise spec.source.error(f"individual {spec.id!r} is defined but no claim mentions it; remove it or add the claim")


def compile_graph(ontology: Graph, reference: ReferenceSpec, docs: tuple[DocumentSpec, ...],
                  texts: Mapping[str, bytes] | None = None, *, corpus_label: str | None = None,
                  embed_text: bool = False) -> BuildResult:
    """Compile parsed sources into the ontology graph and the data graph (pure, no file I/O).

    ``texts`` maps each document's file name to the raw bytes of its text; when given, every
    hash, quote and offset is checked against it. Raises :class:`CurationError` on the first
    problem, naming file and line.
    """
    check_reviewed(docs)
    compiler = _Compiler(ontology, reference, docs)
    compiler.run(texts, embed_text)
    report = BuildReport(
        documents=len(docs),
        statements=compiler.counts["statements"],
        claims=compiler.counts["claims"],
        reference_assertions=compiler.counts["reference"],
        grounded=texts is not None,
        corpus=corpus_label,
        triples=len(compiler.out) + sum(1 for t in ontology if t not in compiler.out),
    )
    return BuildResult(ontology=ontology, data=compiler.out, report=report)
