"""SHACL shape fixtures: for every named shape in ``shapes/*.ttl`` that can report a result, a
graph that violates it and a check that the right shape reports the right focus node with the
right severity; and the fixture corpus (``tests/fixtures``) that conforms.

Validation costs about a second, so the cases are batched. The structure shapes
(``spinekg-core.ttl``), the generated domain, range and datatype shapes
(``spinekg-properties.ttl``) and the two information shapes are exercised on ONE graph: the
compiled ``clinic_a`` fixture with every mutation below applied at once, each to nodes of its
own (a clone of a claim, span, document or status, a fresh term or entity), validated once.
Untouched clones ("controls") must report nothing, so each result is caused by its mutation.
The warning shapes (``spinekg-content.ttl``) are exercised on ``clinic_a`` + ``clinic_b``, which
contain one instance of each conflict. A guard test fails when a shape that carries a constraint
has no case here.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Callable

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from spinekg.model.compiler import build, document_iri
from spinekg.kg import KnowledgeGraph
from spinekg.core.namespaces import BIOLINK, OA, OWL, PROV, RDF, RDFS, SCHEMA, SKOS, SPK, SPKD
from spinekg.core.resources import resource_dir
from spinekg.validation.shacl import load_shapes, validate

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CORPUS = FIXTURES / "corpus"
SH = Namespace("http://www.w3.org/ns/shacl#")
SPKSH = Namespace("https://w3id.org/spinekg/shapes#")
#: Fresh entities made by the mutations (outside the vocabulary namespace, so the vocabulary
#: shapes do not select them).
TEST = Namespace("https://w3id.org/spinekg/id/test/")
#: rdflib's XSD namespace warns when pytest probes module attributes; a plain one does not.
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")

SHAPES, _SHAPE_FILES = load_shapes()


def _local(node: URIRef) -> str:
    return str(node).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _hex12(name: str) -> str:
    return hashlib.sha1(name.encode("utf-8")).hexdigest()[:12]


def _sha256(name: str) -> str:
    return hashlib.sha256(name.encode("utf-8")).hexdigest()


# -- compiling the fixture corpus ----------------------------------------------------------------

def _compile(data_dir: Path, *, embed_text: bool = False) -> KnowledgeGraph:
    return KnowledgeGraph.from_build(build(resource_dir("ontology"), data_dir, CORPUS, embed_text=embed_text))


@pytest.fixture(scope="module")
def clinic_a_data(tmp_path_factory) -> Path:
    """The fixture curation without clinic_b: clinic_a alone."""
    data = tmp_path_factory.mktemp("clinic_a") / "data"
    shutil.copytree(FIXTURES / "data", data)
    (data / "documents" / "clinic_b.yaml").unlink()
    return data


def claim_of(g: Graph, file: str, s: URIRef, p: URIRef, o: Node, *, negated: bool | None = None) -> URIRef:
    """The one claim of document ``file`` stating ``s p o`` (with that polarity, if given)."""
    doc = document_iri(file)
    found = [c for c in g.subjects(RDF.subject, s)
             if (c, RDF.predicate, p) in g and (c, RDF.object, o) in g and (c, SPK.statedIn, doc) in g
             and (negated is None or (c, BIOLINK.negated, Literal(negated)) in g)]
    assert len(found) == 1, f"expected one claim {_local(s)} {_local(p)} {o} in {file}, found {found}"
    return found[0]


# -- the batch graph and its mutations -----------------------------------------------------------

class Batch:
    """The compiled clinic_a graph under mutation, with the nodes the mutations start from."""

    def __init__(self, graph: Graph):
        g = self.g = graph
        self.doc = document_iri("clinic_a")
        self.snapshot = g.value(self.doc, SPK.hasSnapshot)
        self.sha = str(g.value(self.doc, SPK.sha256))
        # templates: an asserted, self-attributed claim, its span, a regulatory status
        self.claim = claim_of(g, "clinic_a", SPKD.ExampleSpineClinic, SPK.locatedIn, SPKD.UnitedStates)
        self.span = g.value(self.claim, PROV.wasDerivedFrom)
        self.status = SPKD.StatusAStemCellsOnlyBlood
        self.tops = sorted(c for c in g.subjects(RDF.type, OWL.Class)
                           if isinstance(c, URIRef) and str(c).startswith(str(SPK))
                           and not any(str(u).startswith(str(SPK)) for u in g.objects(c, RDFS.subClassOf)))
        self.controls: list[Node] = []            # must be the focus of no result at all
        self.generated_controls: list[Node] = []  # must be the focus of no generated-shape result

    # copies of the compiled nodes, under new IRIs that the identifier shapes accept
    def copy(self, node: Node, new: Node) -> Node:
        for p, o in list(self.g.predicate_objects(node)):
            self.g.add((new, p, o))
        return new

    def claim_clone(self, name: str) -> URIRef:
        return self.copy(self.claim, SPKD[f"claim/clinic_a-{_hex12(name)}"])

    def doc_clone(self, name: str) -> URIRef:
        return self.copy(self.doc, SPKD[f"doc/clinic_a-{name}"])

    def selector_clone(self, kind: str, name: str) -> URIRef:
        old = next(s for s in self.g.objects(self.span, OA.hasSelector) if (s, RDF.type, kind) in self.g)
        return self.copy(old, SPKD[f"doc/clinic_a/span/{name}/{_local(kind)}"])

    def span_clone(self, name: str, *, shift_start: int = 0, shift_end: int = 0) -> URIRef:
        span = SPKD[f"doc/clinic_a/span/{name}"]
        for p, o in list(self.g.predicate_objects(self.span)):
            if p != OA.hasSelector:
                self.g.add((span, p, o))
        quote = self.selector_clone(OA.TextQuoteSelector, name)
        position = self.selector_clone(OA.TextPositionSelector, name)
        for pred, shift in ((OA.start, shift_start), (OA.end, shift_end)):
            offset = int(self.g.value(position, pred)) + shift
            self.g.set((position, pred, Literal(offset, datatype=XSD.integer)))
        self.g.add((span, OA.hasSelector, quote))
        self.g.add((span, OA.hasSelector, position))
        return span

    def snapshot_node(self, name: str, *, sha: str | None = None) -> URIRef:
        """A snapshot of a clone of clinic_a: a second text version of the same page."""
        snap = SPKD[f"snapshot/{_sha256(name)}"]
        doc = self.doc_clone(name)
        self.g.set((doc, SPK.hasSnapshot, snap))
        self.g.add((snap, RDF.type, PROV.Entity))
        self.g.add((snap, PROV.specializationOf, doc))
        self.g.add((snap, SPK.sha256, Literal(sha or self.sha)))
        return snap

    def status_clone(self, name: str) -> URIRef:
        status = self.copy(self.status, TEST[f"status/{name}"])
        self.g.set((status, RDFS.label, Literal(f"status {name}", lang="en")))
        return status

    def statistic(self, name: str) -> URIRef:
        stat = TEST[f"statistic/{name}"]
        for p, o in ((RDF.type, OWL.NamedIndividual), (RDF.type, SPK.Statistic),
                     (RDFS.label, Literal(f"statistic {name}", lang="en")),
                     (SPK.value, Literal(Decimal("0.5"))), (SPK.valueText, Literal("half")),
                     (SPK.statisticKind, Literal("proportion")), (SPK.comparator, Literal("<")),
                     (SPK.statisticMeasure, SPK.Pathology), (PROV.wasDerivedFrom, self.claim)):
            self.g.add((stat, p, o))
        return stat

    def reference(self, name: str) -> URIRef:
        """A curator's assertion of the direct edge "Example Spine Clinic located in United States"."""
        ref = SPKD[f"reference/{_hex12(name)}"]
        for p, o in ((RDF.type, RDF.Statement), (RDF.type, SPK.ReferenceAssertion),
                     (RDF.subject, SPKD.ExampleSpineClinic), (RDF.predicate, SPK.locatedIn),
                     (RDF.object, SPKD.UnitedStates), (PROV.wasAttributedTo, SPKD["spinekg-curators"]),
                     (RDFS.comment, Literal("The clinic's own page says so.", lang="en")),
                     (RDFS.label, Literal(f"reference {name}", lang="en"))):
            self.g.add((ref, p, o))
        return ref

    def cited_work(self, name: str) -> URIRef:
        work = TEST[f"work/{name}"]
        for p, o in ((RDF.type, OWL.NamedIndividual), (RDF.type, SPK.CitedWork), (RDF.type, PROV.Entity),
                     (RDFS.label, Literal(f"a study ({name})", lang="en"))):
            self.g.add((work, p, o))
        return work

    def term(self, local: str) -> URIRef:
        """A fresh, complete vocabulary class under the pathology category."""
        term = SPK[local]
        for p, o in ((RDF.type, OWL.Class), (RDFS.subClassOf, SPK.Pathology),
                     (RDFS.label, Literal(f"test term {local}", lang="en")),
                     (SKOS.definition, Literal("A pathology made up for a test.", lang="en")),
                     (SKOS.exactMatch, URIRef("http://purl.obolibrary.org/obo/MONDO_0000001"))):
            self.g.add((term, p, o))
        return term

    # entities filed under a category, for the generated domain and range shapes
    def under(self, node: URIRef, category: URIRef) -> URIRef:
        self.g.add((node, RDFS.subClassOf, category))
        return node

    def outside(self, allowed: list[URIRef]) -> URIRef:
        """An upper category whose class path meets none of ``allowed``."""
        for top in self.tops:
            if not set(self.g.transitive_objects(top, RDFS.subClassOf)) & set(allowed):
                return top
        raise AssertionError(f"every upper category is within {allowed}")


@dataclass(frozen=True)
class Case:
    id: str
    shape: URIRef
    severity: str
    mutate: Callable[[Batch], Node]   # changes the batch graph, returns the expected focus node


CORE: list[Case] = []


def case(case_id: str, shape: str, severity: str = "violation"):
    """Register a mutation of the batch graph that ``spksh:<shape>`` must report on its focus."""
    def register(fn: Callable[[Batch], Node]) -> Callable[[Batch], Node]:
        CORE.append(Case(f"{shape}-{case_id}", SPKSH[shape], severity, fn))
        return fn
    return register


# ---- vocabulary terms ----

@case("underscore-in-name", "TermIdentifier")
def _(b: Batch) -> Node:
    return b.term("Test_Bad_Term")


@case("existing-class-label-removed", "TermLabel")
def _(b: Batch) -> Node:
    b.g.remove((SPK.LumbarSpine, RDFS.label, None))
    return SPK.LumbarSpine


@case("two-labels", "TermLabel")
def _(b: Batch) -> Node:
    term = b.term("TestTermTwoLabels")
    b.g.add((term, RDFS.label, Literal("another name", lang="en")))
    return term


@case("label-not-english", "TermLabel")
def _(b: Batch) -> Node:
    term = b.term("TestTermGermanLabel")
    b.g.set((term, RDFS.label, Literal("Testbegriff", lang="de")))
    return term


@case("existing-class-definition-removed", "TermDefinition")
def _(b: Batch) -> Node:
    b.g.remove((SPK.Safe, SKOS.definition, None))
    return SPK.Safe


@case("synonym-without-language", "TermSynonymValue")
def _(b: Batch) -> Node:
    term = b.term("TestTermPlainSynonym")
    b.g.add((term, SKOS.altLabel, Literal("plain synonym")))
    return term


@case("bogus-mapping-iri", "ExternalMappingIRI")
def _(b: Batch) -> Node:
    term = b.term("TestTermBogusMapping")
    b.g.add((term, SKOS.closeMatch, URIRef("http://example.org/ontology/Thing_0001")))
    return term


@case("two-upper-categories", "OneCategory")
def _(b: Batch) -> Node:
    term = b.term("TestTermTwoCategories")
    b.g.add((term, RDFS.subClassOf, SPK.Treatment))
    return term


@case("individual-without-category", "OneCategory")
def _(b: Batch) -> Node:
    node = TEST["individual/uncategorized"]
    b.g.add((node, RDF.type, OWL.NamedIndividual))
    b.g.add((node, RDFS.label, Literal("an individual of no category", lang="en")))
    return node


@case("class-without-mapping", "UnmappedEntityMapping", "info")
def _(b: Batch) -> Node:
    term = b.term("TestTermUnmapped")
    b.g.remove((term, SKOS.exactMatch, None))
    return term


# ---- identifiers ----

@case("not-hex", "ClaimIdentifier")
def _(b: Batch) -> Node:
    return b.copy(b.claim, SPKD["claim/clinic_a-not-a-hash"])


@case("wrong-path", "DocumentIdentifier")
def _(b: Batch) -> Node:
    return b.copy(b.doc, SPKD["document/clinic_a"])


@case("not-a-sha256", "SnapshotIdentifier")
def _(b: Batch) -> Node:
    doc = b.doc_clone("bad-snapshot-iri")
    snap = SPKD["snapshot/clinic_a-latest"]
    b.g.set((doc, SPK.hasSnapshot, snap))
    for p, o in ((RDF.type, PROV.Entity), (PROV.specializationOf, doc), (SPK.sha256, Literal(b.sha))):
        b.g.add((snap, p, o))
    return snap


@case("blank-node", "IndividualIdentifier")
def _(b: Batch) -> Node:
    node = BNode("blankClinic")
    for p, o in ((RDF.type, OWL.NamedIndividual), (RDF.type, SPK.Clinic), (RDF.type, PROV.Organization),
                 (RDFS.label, Literal("a clinic without an IRI", lang="en"))):
        b.g.add((node, p, o))
    return node


# ---- claims ----

def _claim_without(pred: URIRef) -> Callable[[Batch], Node]:
    def mutate(b: Batch) -> Node:
        claim = b.claim_clone(f"without {pred}")
        b.g.remove((claim, pred, None))
        return claim
    return mutate


def _claim_with(name: str, pred: URIRef, value: Node, *, add: bool = False) -> Callable[[Batch], Node]:
    def mutate(b: Batch) -> Node:
        claim = b.claim_clone(name)
        (b.g.add if add else b.g.set)((claim, pred, value))
        return claim
    return mutate


case("missing", "ClaimSubject")(_claim_without(RDF.subject))
case("missing", "ClaimPredicate")(_claim_without(RDF.predicate))
case("missing", "ClaimObject")(_claim_without(RDF.object))
case("not-a-document", "ClaimDocument")(_claim_with("stated in a place", SPK.statedIn, SPKD.UnitedStates))
case("missing", "ClaimQuote")(_claim_without(BIOLINK.supporting_text))
case("string-not-boolean", "ClaimNegated")(_claim_with("negated as text", BIOLINK.negated, Literal("false")))
case("value-outside-list", "ClaimModality")(_claim_with("modality certain", SPK.modality, SPK.Certain))
case("value-outside-list", "ClaimAttribution")(_claim_with("attribution unknown", SPK.attribution, SPK.Unknown))
case("bad-eco-pattern", "ClaimEvidence")(
    _claim_with("short eco", BIOLINK.has_evidence_of_type, URIRef("http://purl.obolibrary.org/obo/ECO_303")))
case("missing", "ClaimSpan")(_claim_without(PROV.wasDerivedFrom))
case("not-a-span", "ClaimLeadIn")(_claim_with("lead-in is a document", SPK.leadInSpan, document_iri("clinic_a"), add=True))
case("literal", "ClaimPrimarySource")(
    _claim_with("primary source literal", PROV.hadPrimarySource, Literal("Mayo Clinic"), add=True))
case("not-an-organization", "ClaimPublisher")(
    _claim_with("attributed to a place", PROV.wasAttributedTo, SPKD.UnitedStates))
case("missing", "ClaimLabel")(_claim_without(RDFS.label))
case("quote-differs", "ClaimQuoteMatchesSpan")(
    _claim_with("quote differs", BIOLINK.supporting_text, Literal("Example Spine Clinic has offices.")))
case("other-organization", "ClaimPublisherIsDocumentPublisher")(
    _claim_with("attributed to another clinic", PROV.wasAttributedTo, SPKD.SampleRegenerativeCenter))


@case("span-of-another-document", "ClaimSpanInDocument")
def _(b: Batch) -> Node:
    claim = b.claim_clone("span of a copy")
    span = b.span_clone("of-a-copy")
    b.g.set((span, OA.hasSource, b.doc_clone("mirror")))  # a valid span, of another document
    b.g.set((claim, PROV.wasDerivedFrom, span))
    return claim


@case("undeclared-predicate", "ClaimDeclaredPredicate")
def _(b: Batch) -> Node:
    claim = b.claim_clone("undeclared predicate")
    related = URIRef("http://example.org/relatedTo")
    b.g.set((claim, RDF.predicate, related))
    b.g.add((SPKD.ExampleSpineClinic, related, SPKD.UnitedStates))  # keep its direct edge
    return claim


case("hedged-without-cue", "ClaimHedgeCue")(_claim_with("hedged, no cue", SPK.modality, SPK.Hedged))
case("negated-without-cue", "ClaimNegationCue")(_claim_with("negated, no cue", BIOLINK.negated, Literal(True)))
case("third-party-without-cue", "ClaimAttributionCue")(
    _claim_with("third party, no cue", SPK.attribution, SPK.ThirdPartyAttributed))


@case("direct-edge-removed", "ClaimDirectEdge")
def _(b: Batch) -> Node:
    b.g.remove((SPK.PlateletRichPlasmaTherapy, SPK.targetsAnatomy, SPK.LumbarSpine))
    return claim_of(b.g, "clinic_a", SPK.PlateletRichPlasmaTherapy, SPK.targetsAnatomy, SPK.LumbarSpine)


@case("denied-relation-kept-as-edge", "EdgeWithoutAssertion")
def _(b: Batch) -> Node:
    """A claim turned into a denial whose relation stays a triple: a denial read as a fact."""
    claim = b.claim_clone("denial-with-edge")
    b.g.set((claim, BIOLINK.negated, Literal(True)))
    b.g.set((claim, RDF.object, SPKD.Colombia))
    b.g.add((SPKD.ExampleSpineClinic, SPK.locatedIn, SPKD.Colombia))
    return claim


@case("evidence-without-direction", "EvidenceClaimDirection")
def _(b: Batch) -> Node:
    claim = b.claim_clone("evidence-without-direction")
    b.g.remove((claim, RDF.type, SPK.AssertionClaim))
    b.g.add((claim, RDF.type, SPK.EvidenceClaim))
    return claim


@case("recommendation-without-cue", "RecommendationClaimCue")
def _(b: Batch) -> Node:
    claim = b.claim_clone("recommendation-without-cue")
    b.g.remove((claim, RDF.type, SPK.AssertionClaim))
    b.g.add((claim, RDF.type, SPK.RecommendationClaim))
    return claim


# ---- spans and selectors ----

def _span_without(pred: URIRef, kind: URIRef | None = None) -> Callable[[Batch], Node]:
    def mutate(b: Batch) -> Node:
        span = b.span_clone(f"without-{_local(kind or pred)}")
        if kind is None:
            b.g.remove((span, pred, None))
        else:
            b.g.remove((span, pred, next(s for s in b.g.objects(span, pred) if (s, RDF.type, kind) in b.g)))
        return span
    return mutate


case("missing", "SpanSource")(_span_without(OA.hasSource))
case("missing", "SpanState")(_span_without(OA.hasState))
case("missing", "SpanQuoteSelector")(_span_without(OA.hasSelector, OA.TextQuoteSelector))
case("missing", "SpanPositionSelector")(_span_without(OA.hasSelector, OA.TextPositionSelector))


@case("end-shifted", "SpanLengthMatchesOffsets")
def _(b: Batch) -> Node:
    return b.span_clone("end-shifted", shift_end=1)


@case("both-offsets-shifted", "SpanQuoteMatchesText")
def _(b: Batch) -> Node:
    return b.span_clone("both-shifted", shift_start=1, shift_end=1)


@case("empty-quote", "QuoteSelectorExact")
def _(b: Batch) -> Node:
    sel = b.selector_clone(OA.TextQuoteSelector, "empty-quote")
    b.g.set((sel, OA.exact, Literal("")))
    return sel


@case("decimal-not-integer", "PositionStart")
def _(b: Batch) -> Node:
    sel = b.selector_clone(OA.TextPositionSelector, "start-decimal")
    b.g.set((sel, OA.start, Literal(f"{int(b.g.value(sel, OA.start))}.0", datatype=XSD.decimal)))
    return sel


@case("missing", "PositionEnd")
def _(b: Batch) -> Node:
    sel = b.selector_clone(OA.TextPositionSelector, "end-missing")
    b.g.remove((sel, OA.end, None))
    return sel


@case("start-after-end", "PositionOrder")
def _(b: Batch) -> Node:
    sel = b.selector_clone(OA.TextPositionSelector, "reversed")
    b.g.set((sel, OA.start, Literal(98, datatype=XSD.integer)))
    b.g.set((sel, OA.end, Literal(44, datatype=XSD.integer)))
    return sel


# ---- documents and snapshots ----

def _doc_with(name: str, pred: URIRef, value: Node | None, *, add: bool = False) -> Callable[[Batch], Node]:
    def mutate(b: Batch) -> Node:
        doc = b.doc_clone(name)
        if value is None:
            b.g.remove((doc, pred, None))
        else:
            (b.g.add if add else b.g.set)((doc, pred, value))
        return doc
    return mutate


case("bad-pattern", "DocumentFileName")(_doc_with("file-name", SPK.fileName, Literal("clinic a.txt!")))
case("bad-pattern", "DocumentSha256")(_doc_with("sha-upper", SPK.sha256, Literal("7FCD1A53")))
case("missing", "DocumentSnapshot")(_doc_with("no-snapshot", SPK.hasSnapshot, None))
case("not-an-organization", "DocumentPublisher")(_doc_with("place-publisher", SCHEMA.publisher, SPKD.UnitedStates))
case("string-not-date", "DocumentDate")(_doc_with("date-string", SCHEMA.datePublished, Literal("May 2021")))
case("two-titles", "DocumentTitle")(_doc_with("two-titles", SCHEMA.name, Literal("Another title"), add=True))
case("missing", "DocumentLabel")(_doc_with("no-label", RDFS.label, None))
case("other-text", "DocumentSnapshotHash")(_doc_with("other-sha", SPK.sha256, Literal("0" * 64)))
case("publisher-removed", "DocumentWithoutPublisherPublisher", "info")(
    _doc_with("no-publisher", SCHEMA.publisher, None))


@case("bad-pattern", "SnapshotSha256")
def _(b: Batch) -> Node:
    return b.snapshot_node("snapshot-sha", sha="not-a-hash")


@case("missing", "SnapshotOf")
def _(b: Batch) -> Node:
    snap = b.snapshot_node("snapshot-of")
    b.g.remove((snap, PROV.specializationOf, None))
    return snap


@case("language-tagged", "SnapshotText")
def _(b: Batch) -> Node:
    snap = b.snapshot_node("snapshot-text")
    b.g.add((snap, PROV.value, Literal("PRP and Stem Cells", lang="en")))
    return snap


@case("wrong-text-attached", "SnapshotTextHash")
def _(b: Batch) -> Node:
    snap = b.snapshot_node("snapshot-wrong-text")
    b.g.add((snap, PROV.value, Literal("This is another version of the page.")))
    return snap


# ---- cited works, individuals, statuses, statistics, reference assertions ----

@case("missing", "CitedWorkLabel")
def _(b: Batch) -> Node:
    work = b.cited_work("unlabelled")
    b.g.remove((work, RDFS.label, None))
    return work


@case("missing", "IndividualLabel")
def _(b: Batch) -> Node:
    node = TEST["individual/unlabelled-clinic"]
    for p, o in ((RDF.type, OWL.NamedIndividual), (RDF.type, SPK.Clinic), (RDF.type, PROV.Organization)):
        b.g.add((node, p, o))
    return node


@case("two-labels", "IndividualLabel")
def _(b: Batch) -> Node:
    status = b.status_clone("two-labels")
    b.g.add((status, RDFS.label, Literal("a second name", lang="en")))
    return status


def _status_with(name: str, pred: URIRef, value: Node | None) -> Callable[[Batch], Node]:
    def mutate(b: Batch) -> Node:
        status = b.status_clone(name)
        b.g.remove((status, pred, None))
        if value is not None:
            b.g.add((status, pred, value))
        return status
    return mutate


case("missing", "StatusRegulator")(_status_with("no-regulator", SPK.regulator, None))
case("not-a-place", "StatusJurisdiction")(_status_with("agency-jurisdiction", SPK.jurisdiction, SPKD.FDA))
case("value-outside-list", "StatusValue")(_status_with("value-outside", SPK.approvalStatus, SPK.Hedged))
case("literal", "StatusExceptUse")(_status_with("literal-exception", SPK.exceptUse, Literal("Cancer")))
case("string-not-boolean", "StatusRegulated")(_status_with("regulated-text", SPK.regulated, Literal("yes")))
case("missing", "StatusSource")(_status_with("no-source", PROV.wasDerivedFrom, None))


@case("missing", "StatusUse")
def _(b: Batch) -> Node:
    status = b.status_clone("no-use")
    b.g.remove((status, SPK.appliesToUse, None))
    b.g.remove((status, SPK.exceptUse, None))
    return status


@case("exception-is-the-use", "StatusExceptionInsideUse")
def _(b: Batch) -> Node:
    status = b.status_clone("exception-outside")
    b.g.remove((status, SPK.exceptUse, None))
    b.g.add((status, SPK.exceptUse, SPK.Pathology))  # the use itself, not a kind of it
    return status


def _statistic_with(name: str, pred: URIRef, value: Node | None) -> Callable[[Batch], Node]:
    def mutate(b: Batch) -> Node:
        stat = b.statistic(name)
        b.g.remove((stat, pred, None))
        if value is not None:
            b.g.add((stat, pred, value))
        return stat
    return mutate


case("string-not-number", "StatisticValue")(_statistic_with("value-text", SPK.value, Literal("half")))
case("missing", "StatisticValueText")(_statistic_with("no-wording", SPK.valueText, None))
case("value-outside-list", "StatisticKind")(_statistic_with("kind-percent", SPK.statisticKind, Literal("percent")))
case("value-outside-list", "StatisticComparator")(_statistic_with("comparator", SPK.comparator, Literal("about")))
case("missing", "StatisticMeasure")(_statistic_with("no-measure", SPK.statisticMeasure, None))
case("missing", "StatisticSource")(_statistic_with("no-source", PROV.wasDerivedFrom, None))


def _reference_without(pred: URIRef) -> Callable[[Batch], Node]:
    def mutate(b: Batch) -> Node:
        ref = b.reference(f"without {pred}")
        b.g.remove((ref, pred, None))
        return ref
    return mutate


case("subject-missing", "ReferenceSubject")(_reference_without(RDF.subject))
case("predicate-missing", "ReferencePredicate")(_reference_without(RDF.predicate))
case("object-missing", "ReferenceObject")(_reference_without(RDF.object))
case("missing", "ReferenceNote")(_reference_without(RDFS.comment))
case("missing", "ReferenceCurator")(_reference_without(PROV.wasAttributedTo))


@case("edge-missing", "ReferenceDirectEdge")
def _(b: Batch) -> Node:
    ref = b.reference("edge missing")
    b.g.set((ref, RDF.object, SPKD.FDA))  # "Example Spine Clinic located in FDA" is not in the graph
    return ref


def _add_controls(b: Batch) -> None:
    """Untouched copies of every template the mutations start from: they must report nothing."""
    b.controls += [
        b.claim_clone("control"), b.doc_clone("control"), b.span_clone("control"),
        b.selector_clone(OA.TextQuoteSelector, "control"), b.selector_clone(OA.TextPositionSelector, "control"),
        b.snapshot_node("control"), b.status_clone("control"), b.statistic("control"), b.reference("control"),
        b.cited_work("control"), b.term("TestTermControl"),
    ]


# ---- generated domain, range and datatype shapes ----

def _allowed(prop_shape: URIRef) -> list[URIRef]:
    return list(Collection(SHAPES, SHAPES.value(SHAPES.value(prop_shape, SH.qualifiedValueShape), SH["in"])))


def _target(node_shape: URIRef) -> URIRef:
    return SHAPES.value(node_shape, SH.targetSubjectsOf) or SHAPES.value(node_shape, SH.targetObjectsOf)


#: property -> allowed categories of its subject / of its object; datatype of its values
DOMAIN: dict[URIRef, list[URIRef]] = {}
RANGE: dict[URIRef, list[URIRef]] = {}
DATATYPE: dict[URIRef, URIRef] = {}
#: (kind, generated property shape, property it checks)
PROPERTY_SHAPES: list[tuple[str, URIRef, URIRef]] = []
for _shape in sorted(SHAPES.subjects(RDF.type, SH.PropertyShape)):
    if not isinstance(_shape, URIRef):
        continue
    if _local(_shape).endswith("DomainCategory"):
        _prop = _target(SHAPES.value(None, SH.property, _shape))
        DOMAIN[_prop] = _allowed(_shape)
        PROPERTY_SHAPES.append(("domain", _shape, _prop))
    elif _local(_shape).endswith("RangeCategory"):
        _prop = _target(SHAPES.value(None, SH.property, _shape))
        RANGE[_prop] = _allowed(_shape)
        PROPERTY_SHAPES.append(("range", _shape, _prop))
    elif _local(_shape).endswith("ValueDatatype"):
        _prop = SHAPES.value(_shape, SH.path)
        # a single sh:datatype, or the first of an sh:or of datatypes (numbers: integer or decimal)
        _alternatives = SHAPES.value(_shape, SH["or"])
        DATATYPE[_prop] = (SHAPES.value(_shape, SH.datatype) if _alternatives is None
                           else SHAPES.value(SHAPES.value(_alternatives, RDF.first), SH.datatype))
        PROPERTY_SHAPES.append(("datatype", _shape, _prop))

_GOOD_LITERAL = {XSD.string: Literal("ok"), XSD.boolean: Literal(True), XSD.integer: Literal(1),
                 XSD.decimal: Literal(Decimal("0.5")), RDF.langString: Literal("ok", lang="en")}


def _subject(b: Batch, prop: URIRef, role: str) -> URIRef:
    """A fresh subject for ``prop`` that its domain shape accepts."""
    node = TEST[f"{_local(prop)}/{role}"]
    return b.under(node, DOMAIN[prop][0]) if prop in DOMAIN else node


def _object(b: Batch, prop: URIRef, role: str) -> Node:
    """A fresh object for ``prop`` that its range or datatype shape accepts."""
    if prop in RANGE:
        return b.under(TEST[f"{_local(prop)}/{role}"], RANGE[prop][0])
    if prop in DATATYPE:
        dt = DATATYPE[prop]
        return _GOOD_LITERAL[dt] if dt in _GOOD_LITERAL else Literal("ok", datatype=dt)
    if (prop, RDF.type, OWL.DatatypeProperty) in b.g:
        return Literal("ok")
    return TEST[f"{_local(prop)}/{role}"]


def _bad_subject(prop: URIRef) -> Callable[[Batch], Node]:
    def mutate(b: Batch) -> Node:
        node = b.under(TEST[f"{_local(prop)}/domain-bad-subject"], b.outside(DOMAIN[prop]))
        b.g.add((node, prop, _object(b, prop, "domain-object")))
        return node
    return mutate


def _bad_object(prop: URIRef) -> Callable[[Batch], Node]:
    def mutate(b: Batch) -> Node:
        node = b.under(TEST[f"{_local(prop)}/range-bad-object"], b.outside(RANGE[prop]))
        b.g.add((_subject(b, prop, "range-subject"), prop, node))
        return node
    return mutate


def _literal_object(prop: URIRef) -> Callable[[Batch], Node]:
    def mutate(b: Batch) -> Node:
        value = Literal(f"a literal where an IRI belongs ({_local(prop)})")
        b.g.add((_subject(b, prop, "iri-subject"), prop, value))
        return value
    return mutate


def _bad_datatype(prop: URIRef) -> Callable[[Batch], Node]:
    def mutate(b: Batch) -> Node:
        wrong = Literal("plain words") if DATATYPE[prop] == RDF.langString else Literal("words", lang="en")
        node = _subject(b, prop, "value-subject")
        b.g.add((node, prop, wrong))
        return node
    return mutate


def _generated_cases() -> list[Case]:
    """One case per generated property shape, and one per range node shape (its sh:nodeKind)."""
    mutation = {"domain": _bad_subject, "range": _bad_object, "datatype": _bad_datatype}
    cases = [Case(_local(shape), shape, "violation", mutation[kind](prop)) for kind, shape, prop in PROPERTY_SHAPES]
    for node_shape in SHAPES.subjects(SH.nodeKind, SH.IRI):
        prop = SHAPES.value(node_shape, SH.targetObjectsOf)
        if isinstance(node_shape, URIRef) and prop in RANGE and _local(node_shape).endswith("Range"):
            cases.append(Case(f"{_local(node_shape)}-literal", node_shape, "violation", _literal_object(prop)))
    return sorted(cases, key=lambda c: c.id)


GENERATED = _generated_cases()


def _add_generated_controls(b: Batch) -> None:
    """One accepted use of every checked property: no generated shape may report it."""
    for prop in sorted(set(DOMAIN) | set(RANGE) | set(DATATYPE)):
        s, o = _subject(b, prop, "ok-subject"), _object(b, prop, "ok-object")
        b.g.add((s, prop, o))
        b.generated_controls += [s, o]


# ---- running the batch ---------------------------------------------------------------------------

@dataclass
class BatchResult:
    rows: tuple
    focus: dict[str, str]              # case id -> expected focus node
    controls: list[str]
    generated_controls: list[str]

    def found(self, c: Case) -> bool:
        focus = self.focus[c.id]
        return any(r.shape == str(c.shape) and r.focus == focus and r.severity == c.severity for r in self.rows)

    def explain(self, c: Case) -> str:
        focus = self.focus[c.id]
        got = [(r.severity, _local(URIRef(r.shape)) if r.shape else "(blank)", r.message[:80])
               for r in self.rows if r.focus == focus]
        return f"no {c.severity} from {_local(c.shape)} on {focus}; results on that node: {got}"


@pytest.fixture(scope="module")
def batch(clinic_a_data) -> BatchResult:
    kg = _compile(clinic_a_data, embed_text=True)  # embedded texts: the quote-vs-text check runs
    b = Batch(kg.graph)
    assert b.g.value(b.snapshot, PROV.value) is not None
    _add_controls(b)
    _add_generated_controls(b)
    focus = {}
    for c in CORE + GENERATED:
        focus[c.id] = str(c.mutate(b))
    result = validate(kg)
    return BatchResult(rows=result.rows, focus=focus, controls=[str(n) for n in b.controls],
                       generated_controls=[str(n) for n in b.generated_controls])


assert len({c.id for c in CORE + GENERATED}) == len(CORE + GENERATED), "case ids must be unique"


@pytest.mark.slow
@pytest.mark.parametrize("c", CORE, ids=lambda c: c.id)
def test_structure_shape_reports_its_fixture(batch, c):
    assert batch.found(c), batch.explain(c)


@pytest.mark.slow
@pytest.mark.parametrize("c", GENERATED, ids=lambda c: c.id)
def test_generated_shape_reports_its_fixture(batch, c):
    assert batch.found(c), batch.explain(c)


@pytest.mark.slow
def test_untouched_templates_report_nothing(batch):
    """The clones and fresh entities the mutations start from are valid, so each result above
    comes from its mutation."""
    noisy = [(r.shape, r.focus) for r in batch.rows if r.focus in batch.controls]
    assert not noisy
    # every mutation stays within clinic_a, so no content shape compares two documents
    assert not [(r.shape, r.focus) for r in batch.rows if r.severity == "warning"]
    generated = {str(c.shape) for c in GENERATED}
    noisy = [(r.shape, r.focus) for r in batch.rows if r.focus in batch.generated_controls and r.shape in generated]
    assert not noisy


# ---- content shapes: clinic_a + clinic_b -----------------------------------------------------------

@dataclass(frozen=True)
class ContentCase:
    id: str
    shape: URIRef
    focus: Callable[[Graph], URIRef]
    value: Callable[[Graph], URIRef]
    severity: str = "warning"


def _status_claim(g: Graph) -> URIRef:
    """clinic_a's report of the status whose IRI sorts first (the rule reports each pair once, on it)."""
    return claim_of(g, "clinic_a", SPK.StemCellTherapy, SPK.hasRegulatoryStatus, SPKD.StatusAStemCellsOnlyBlood)


def _prp_safe(g: Graph) -> URIRef:
    return claim_of(g, "clinic_a", SPK.PlateletRichPlasmaTherapy, SPK.hasCharacteristic, SPK.Safe, negated=False)


def _stem_cells_for_back_pain(g: Graph) -> URIRef:
    return claim_of(g, "clinic_b", SPK.StemCellTherapy, SPK.treats, SPK.BackPain)


def _prp_hedged(g: Graph) -> URIRef:
    return claim_of(g, "clinic_a", SPK.PlateletRichPlasmaTherapy, SPK.hasMechanism, SPK.AntiInflammatoryEffect)


# the conflict shapes (generated from the conflict rules) report the claim of side "a" as focus and
# value; `spinekg conflicts` gives both sides
CONTENT = [
    ContentCase("RegulatoryConflict-stem-cells-treat-back-pain", SPKSH.RegulatoryConflict,
                _stem_cells_for_back_pain, _stem_cells_for_back_pain),
    ContentCase("ContradictionConflict-prp-safe-vs-not-safe", SPKSH.ContradictionConflict, _prp_safe, _prp_safe),
    ContentCase("ExclusiveStatusConflict-not-approved-vs-approved", SPKSH.ExclusiveStatusConflict,
                _status_claim, _status_claim),
    ContentCase("HedgedElsewhereAsserted-prp-mechanism", SPKSH.HedgedElsewhereAsserted, _prp_hedged, _prp_hedged),
]


@pytest.fixture(scope="module")
def pair():
    kg = _compile(FIXTURES / "data")
    return kg.graph, validate(kg, corpus=CORPUS)


@pytest.mark.slow
@pytest.mark.parametrize("c", CONTENT, ids=lambda c: c.id)
def test_content_shape_reports_the_conflict(pair, c):
    g, result = pair
    focus, value = str(c.focus(g)), str(c.value(g))
    rows = [r for r in result.rows if r.shape == str(c.shape) and r.focus == focus]
    assert rows, f"no result from {_local(c.shape)} on {focus}: {[(r.shape, r.focus) for r in result.rows if r.severity != 'info']}"
    assert {r.severity for r in rows} == {c.severity}
    assert value in {r.value for r in rows}


@pytest.mark.slow
def test_two_clinics_report_exactly_the_four_conflicts(pair):
    g, result = pair
    assert result.text_checked
    assert result.counts["violation"] == 0, [(r.shape, r.focus, r.message) for r in result.rows if r.severity == "violation"]
    warnings = sorted((r.shape, r.focus) for r in result.rows if r.severity == "warning")
    assert warnings == sorted((str(c.shape), str(c.focus(g))) for c in CONTENT)


# ---- the conforming fixture --------------------------------------------------------------------

@pytest.mark.slow
def test_clinic_a_alone_conforms(clinic_a_data):
    result = validate(_compile(clinic_a_data), corpus=CORPUS)
    assert result.text_checked
    assert result.counts["violation"] == 0 and result.counts["warning"] == 0, \
        [(r.severity, r.shape, r.focus, r.message) for r in result.rows if r.severity != "info"]
    assert {r.shape for r in result.rows} <= {str(SPKSH.UnmappedEntity), str(SPKSH.UnmappedEntityMapping)}


# ---- coverage guard ------------------------------------------------------------------------------

#: SHACL constraint parameters (https://www.w3.org/TR/shacl/#core-components) and sh:sparql.
CONSTRAINT_PARAMETERS = {SH[p] for p in (
    "class", "datatype", "nodeKind", "minCount", "maxCount", "minExclusive", "minInclusive", "maxExclusive",
    "maxInclusive", "minLength", "maxLength", "pattern", "languageIn", "uniqueLang", "equals", "disjoint",
    "lessThan", "lessThanOrEquals", "not", "and", "or", "xone", "node", "property", "qualifiedValueShape",
    "closed", "hasValue", "in", "sparql")}

#: Node shapes that only group property shapes (sh:property): pyshacl reports a failure of a
#: property shape with the property shape as its source, never the container, so the
#: container needs no case of its own; its property shapes have theirs.
CONTAINERS = {SPKSH[n] for n in (
    "VocabularyTerm", "TermSynonym", "ExternalMapping", "Claim", "Span", "QuoteSelector", "PositionSelector",
    "WebPage", "Snapshot", "CitedWork", "Individual", "RegulatoryStatus", "Statistic", "ReferenceAssertion",
    "UnmappedEntity", "DocumentWithoutPublisher", "EvidenceClaimShape", "RecommendationClaimShape")}


def _generated_container(shape: URIRef) -> bool:
    """``spksh:<prop>Domain`` / ``spksh:<prop>Value``: the generated container of the single
    property shape ``spksh:<prop>DomainCategory`` / ``spksh:<prop>ValueDatatype``."""
    members = [_local(p) for p in SHAPES.objects(shape, SH.property)]
    return members in ([_local(shape) + "Category"], [_local(shape) + "Datatype"])


#: conflict shapes whose fixture is the shipped pages, where each has findings from the pages' text:
#: tests/test_validate.py::test_shipped_conflict_warnings_are_the_conflict_rules pins every result
ON_THE_SHIPPED_PAGES = {SPKSH[n] for n in (
    "EfficacyEvidenceConflict", "ProductRuleConflict", "RegulatoryConflictOutsideJurisdiction", "SafetyRiskConflict",
    "TrackRecordConflict")}


def test_every_shape_with_a_constraint_has_a_fixture():
    named = {s for s in SHAPES.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)} | \
            {s for s in SHAPES.subjects(RDF.type, SH.PropertyShape) if isinstance(s, URIRef)}
    params = {s: {p for p in SHAPES.predicates(s, None) if p in CONSTRAINT_PARAMETERS} for s in named}
    assert CONTAINERS <= named, f"listed containers that are no longer shapes: {CONTAINERS - named}"
    for shape in CONTAINERS:
        assert params[shape] == {SH.property}, f"{_local(shape)} now carries a constraint of its own"
    required = {s for s in named
                if (SHAPES.value(s, SH.path) is not None or params[s])
                and s not in CONTAINERS and not (params[s] == {SH.property} and _generated_container(s))}
    covered = {c.shape for c in CORE + GENERATED} | {c.shape for c in CONTENT} | ON_THE_SHIPPED_PAGES
    assert covered <= named, f"cases name shapes that do not exist: {sorted(map(_local, covered - named))}"
    missing = sorted(_local(s) for s in required - covered)
    assert not missing, f"shapes without a fixture: {missing}"
