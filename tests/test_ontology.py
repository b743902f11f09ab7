"""The ontology: header metadata, labels and definitions, declared properties, external
identifiers only from the SSSOM mapping table, the mapped share, and logical consistency under HermiT."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from spinekg.core.namespaces import BIOLINK, SPK
from spinekg.model.mappings import read_sssom
from spinekg.model.vocabulary import entity_category, top_categories

TABLE = Path(__file__).parent / "data" / "ontology-mappings.tsv"
SHARED_TABLE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "ontology-mappings.tsv"
ONTOLOGY_IRI = URIRef("https://w3id.org/spinekg/ontology")


def spk_terms(g: Graph, kind) -> set[URIRef]:
    return {s for s in g.subjects(RDF.type, kind) if isinstance(s, URIRef) and str(s).startswith(str(SPK))}


def test_header_metadata(kg):
    g = kg.ontology
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in g
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.license, OWL.versionIRI, OWL.versionInfo):
        assert g.value(ONTOLOGY_IRI, prop) is not None, f"ontology header lacks {prop}"


def test_every_class_and_property_has_one_label_and_a_definition(kg):
    g = kg.ontology
    terms = spk_terms(g, OWL.Class) | spk_terms(g, OWL.ObjectProperty) | spk_terms(g, OWL.DatatypeProperty)
    assert len(spk_terms(g, OWL.Class)) > 250
    for term in terms:
        labels = [l for l in g.objects(term, RDFS.label) if isinstance(l, Literal) and l.language == "en"]
        assert len(labels) == 1, f"{term} needs exactly one English rdfs:label, has {labels}"
        definitions = list(g.objects(term, SKOS.definition))
        assert len(definitions) == 1, f"{term} needs exactly one skos:definition, has {len(definitions)}"


def test_synonyms_are_used(kg):
    with_synonyms = {s for s in kg.ontology.subjects(SKOS.altLabel, None) if str(s).startswith(str(SPK))}
    assert len(with_synonyms) > 150


def test_object_properties_have_domain_and_range(kg):
    g = kg.ontology
    for prop in spk_terms(g, OWL.ObjectProperty):
        if prop in (SPK.hasSnapshot, SPK.leadInSpan):
            continue  # ranges are prov:Entity / oa:SpecificResource, outside the ontology
        assert g.value(prop, RDFS.domain) is not None, f"{prop} has no rdfs:domain"
        assert g.value(prop, RDFS.range) is not None, f"{prop} has no rdfs:range"


def test_every_entity_has_a_label_and_an_ontology_type(kg):
    g = kg.graph
    tops = set(top_categories(g))
    entities = set()
    for claim in g.subjects(RDF.type, SPK.Claim):
        for prop in (RDF.subject, RDF.object):
            node = g.value(claim, prop)
            if isinstance(node, URIRef):
                entities.add(node)
    assert len(entities) > 250
    for node in entities:
        assert g.value(node, RDFS.label) is not None, f"{node} has no rdfs:label"
        assert entity_category(g, node, tops) is not None or node in tops, f"{node} has no ontology type"


def test_every_property_used_is_declared(kg):
    g = kg.graph
    declared = spk_terms(g, OWL.ObjectProperty) | spk_terms(g, OWL.DatatypeProperty)
    declared |= set(g.subjects(RDF.type, OWL.ObjectProperty)) | set(g.subjects(RDF.type, OWL.DatatypeProperty))
    used = {g.value(c, RDF.predicate) for c in g.subjects(RDF.type, SPK.Claim)}
    used |= {g.value(c, RDF.predicate) for c in g.subjects(RDF.type, SPK.ReferenceAssertion)}
    undeclared = {p for p in used if p not in declared and p not in (RDFS.subClassOf, RDF.type)}
    assert not undeclared, f"properties used in claims but not declared: {sorted(undeclared)}"
    # every spk: property anywhere in the data is declared too
    for _, p, _ in kg.data:
        if str(p).startswith(str(SPK)):
            assert p in declared, f"{p} used in the data but not declared"


def test_committed_table_is_the_shared_reference_table():
    if SHARED_TABLE.is_file():
        assert TABLE.read_bytes() == SHARED_TABLE.read_bytes()


#: Namespaces of ontology identifiers: every link to them must be a row of the SSSOM table.
EXTERNAL = ("http://purl.obolibrary.org/obo/", "http://id.nlm.nih.gov/mesh/", "http://www.ebi.ac.uk/efo/",
            str(BIOLINK))
MAPPING_PREDICATES = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)


def test_external_identifiers_come_from_the_reference_table(kg):
    """Every OBO, MeSH, EFO, Biolink or RO link anywhere in the graph (ontology and curated data) is
    a row of ontology/mappings/spinekg.sssom.tsv with the same predicate; the rows name the release
    file each identifier was seen in (tests/test_mappings.py checks them against it)."""
    table = read_sssom()
    rows = {(table.expand(m.subject_id), table.expand(m.predicate_id), table.expand(m.object_id)) for m in table.mappings}
    g = kg.graph
    checked = 0
    for predicate in MAPPING_PREDICATES:
        for subject, target in g.subject_objects(predicate):
            if not str(target).startswith(EXTERNAL):
                continue
            assert (str(subject), str(predicate), str(target)) in rows, (
                f"{subject} {predicate.n3()} {target} is not in the SSSOM table: add a row naming the file the ID was seen in")
            checked += 1
    assert checked > 300
    in_ontology = {(s, p, o) for s, p, o in rows if s.startswith(str(SPK))}
    assert in_ontology <= {(str(s), str(p), str(o)) for s, p, o in kg.ontology}, "a row of the table is missing from the ontology"


def test_mapped_share(kg):
    """At least 80% of the domain classes have an exact, close, broad or narrow match."""
    stats = kg.stats()
    assert stats.mappable_entities > 250
    assert stats.mapped_share >= 0.80, f"{stats.mapped_entities}/{stats.mappable_entities} domain classes mapped"
    assert stats.mapped_per_prefix["UBERON"] >= 40 and stats.mapped_per_prefix["MESH"] >= 100
    assert sum(stats.mapped_per_prefix.values()) > stats.mapped_entities


# ------------------------------------------------------------------------------------------
# Reasoner
# ------------------------------------------------------------------------------------------


def _reason(graph: Graph, tmp_path: Path):
    import owlready2  # a test dependency; the reasoner needs a Java runtime (.ci/run installs one)

    path = tmp_path / "ontology.nt"
    graph.serialize(path, format="nt", encoding="utf-8")
    world = owlready2.World()
    onto = world.get_ontology(path.as_uri()).load(format="ntriples")
    with onto:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    return world, onto


def _tbox(kg) -> Graph:
    g = Graph()
    for triple in kg.ontology:
        g.add(triple)
    g.remove((None, OWL.imports, None))  # the parts are merged here; HermiT must not fetch them
    return g


@pytest.mark.slow
def test_hermit_finds_the_ontology_consistent_with_no_unsatisfiable_classes(kg, tmp_path):
    world, onto = _reason(_tbox(kg), tmp_path)
    assert len(list(onto.classes())) > 250
    assert list(world.inconsistent_classes()) == []


@pytest.mark.slow
def test_claims_taken_as_axioms_keep_every_class_satisfiable(kg, tmp_path):
    """Read every non-negated class-level assertion claim S p O as the OBO axiom S SubClassOf
    (p some O). Recommendations and reported evidence are not statements of fact and are left out.

    With the disjoint upper categories and the properties' domains and ranges, a claim that puts
    a term in the wrong place (an anatomy treated as a pathology, ...) makes a class unsatisfiable.
    """
    g = _tbox(kg)
    classes = set(g.subjects(RDF.type, OWL.Class))
    data = kg.data
    added = 0
    for claim in data.subjects(RDF.type, SPK.AssertionClaim):
        if data.value(claim, BIOLINK.negated).toPython():
            continue
        s, p, o = (data.value(claim, x) for x in (RDF.subject, RDF.predicate, RDF.object))
        if p == RDFS.subClassOf:
            g.add((s, p, o))
        elif s in classes and o in classes:
            restriction = BNode()
            g.add((restriction, RDF.type, OWL.Restriction))
            g.add((restriction, OWL.onProperty, p))
            g.add((restriction, OWL.someValuesFrom, o))
            g.add((s, RDFS.subClassOf, restriction))
        else:
            continue
        added += 1
    assert added > 500
    world, _ = _reason(g, tmp_path)
    assert list(world.inconsistent_classes()) == []


@pytest.mark.slow
def test_the_reasoner_check_can_fail(kg, tmp_path):
    """Guard for the test above: a treatment filed under anatomy is unsatisfiable."""
    g = _tbox(kg)
    g.add((SPK.PlateletRichPlasmaTherapy, RDFS.subClassOf, SPK.AnatomicalEntity))
    world, _ = _reason(g, tmp_path)
    names = {c.name for c in world.inconsistent_classes()}
    assert "PlateletRichPlasmaTherapy" in names
