"""kg.to_networkx(): entity, claim and lossless RDF views of the shipped graph."""

from __future__ import annotations

from collections import Counter

import pytest

STORE_SUITE = True  # every test on the kg fixture runs on each store (see conftest.STORES)
from rdflib import URIRef
from rdflib.compare import isomorphic

from spinekg.core.errors import UnknownNameError
from spinekg.core.namespaces import BIOLINK, RDF, SPK
from spinekg.traversal.nxgraph import to_rdf


@pytest.fixture(scope="module")
def entities(kg):
    return kg.to_networkx("entities")


def test_rdf_view_round_trips_to_an_isomorphic_graph(kg):
    view = kg.to_networkx("rdf")
    assert view.number_of_edges() == len(kg.graph)
    back = to_rdf(view)
    assert len(back) == len(kg.graph) and isomorphic(back, kg.graph)


def test_entity_view_edges_carry_their_claims(kg, entities):
    g = kg.graph
    claimed = Counter()
    for claim in g.subjects(RDF.type, SPK.AssertionClaim):  # recommendations and evidence are not counted
        s, p, o = (g.value(claim, x) for x in (RDF.subject, RDF.predicate, RDF.object))
        if entities.has_edge(s, o, key=p):
            claimed[(s, p, o)] += 1
    for s, o, p, data in entities.edges(keys=True, data=True):
        assert data["claims"] == claimed[(s, p, o)]
        assert (s, p, o) in g
    edge = entities.get_edge_data(SPK.PlateletRichPlasmaTherapy, SPK.TissueRepair)[SPK.hasMechanism]
    assert edge["claims"] == 2 and edge["label"] == "has mechanism"
    assert edge["documents"] == ["000_0e4ad2cffa1f476f", "004_18a61ff07f1e7ac0"]
    assert edge["modalities"] == ["asserted", "hedged"] and edge["negated"] == 0
    assert any(q.startswith("Platelet Rich Plasma treatments capitalize") for q in edge["quotes"])


def test_entity_view_nodes_and_denied_edges(kg, entities):
    prp = entities.nodes[SPK.PlateletRichPlasmaTherapy]
    assert prp["label"] == "platelet-rich plasma therapy" and prp["category"] == "treatment"
    assert prp["mappings"] == ["http://id.nlm.nih.gov/mesh/D053657"] and "PRP" in prp["synonyms"]
    assert not any(isinstance(n, URIRef) and (n, RDF.type, SPK.Claim) in kg.graph for n in entities)
    # a relation that a page only denies is not an edge of the default view ...
    assert entities.get_edge_data(SPK.MesenchymalStemCellTherapy, SPK.StemCellDifferentiation) is None
    # ... and is one, marked as denied and by whom, when asked for
    with_denied = kg.to_networkx("entities", denied=True)
    denial = with_denied.get_edge_data(SPK.MesenchymalStemCellTherapy, SPK.StemCellDifferentiation)[SPK.hasMechanism]
    assert denial["negated"] == denial["claims"] == 1 and denial["stance"] == "denied"
    assert denial["denied_by"] and not denial["asserted_by"] and not denial["hedged_by"]
    assert set(entities.edges(keys=True)) < set(with_denied.edges(keys=True))
    assert {d["stance"] for *_, d in entities.edges(data=True)} <= {"asserted", "contested"}


def test_claims_view(kg):
    view = kg.to_networkx("claims")
    claims = [n for n, d in view.nodes(data=True) if d["kind"] == "claim"]
    assert len(claims) == 794
    documents = [n for n, d in view.nodes(data=True) if d["kind"] == "document"]
    assert len(documents) == 5
    for claim in claims[:50]:
        keys = {k for _, _, k in view.out_edges(claim, keys=True)}
        assert keys == {"subject", "object", "statedIn"}
        data = view.nodes[claim]
        assert data["quote"] == str(kg.graph.value(claim, BIOLINK.supporting_text))
        assert data["end"] - data["start"] == len(data["quote"])


def test_unknown_view(kg):
    with pytest.raises(UnknownNameError, match="known views: entities, claims, rdf"):
        kg.to_networkx("triples")
