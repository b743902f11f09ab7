"""The synthetic corpus generator: deterministic, grounded, and in the shipped graph's shape."""

from __future__ import annotations

import pytest

import hashlib

from spinekg.core.namespaces import BIOLINK, RDF, SPK
from spinekg.synthetic import relation_pool, synthetic_graph, write_corpus


def folder_digest(folder) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return digest.hexdigest()


def test_same_seed_same_bytes_other_seed_other_pages(kg, tmp_path):
    write_corpus(tmp_path / "a", 3, 15, seed=7, kg=kg)
    write_corpus(tmp_path / "b", 3, 15, seed=7, kg=kg)
    write_corpus(tmp_path / "c", 3, 15, seed=8, kg=kg)
    assert folder_digest(tmp_path / "a") == folder_digest(tmp_path / "b") != folder_digest(tmp_path / "c")


def test_relations_come_from_claims_of_the_shipped_graph(kg):
    pool = relation_pool(kg)
    g = kg.graph
    stated = {(str(g.value(c, RDF.subject)), str(g.value(c, RDF.predicate)), str(g.value(c, RDF.object)))
              for c in g.subjects(RDF.type, SPK.Claim)}
    for s, p, o, *_ in pool[:: max(1, len(pool) // 50)]:
        predicate = "http://www.w3.org/2000/01/rdf-schema#subClassOf" if p == "isA" else str(SPK) + p
        assert (str(SPK) + s, predicate, str(SPK) + o) in stated


@pytest.mark.slow  # a few seconds: the fast tier stays under two minutes
def test_compiled_graph_is_grounded_and_conforms(kg, tmp_path):
    graph = synthetic_graph(4, 25, seed=3, folder=tmp_path, kg=kg)
    assert graph.report.grounded and graph.report.documents == 4 and graph.report.claims == 100
    g = graph.graph
    claims = list(g.subjects(RDF.type, SPK.Claim))
    assert len(claims) == 100
    assert any(g.value(c, BIOLINK.negated).toPython() for c in claims)
    assert any((c, SPK.modality, SPK.Hedged) in g for c in claims)
    assert any((c, SPK.attribution, SPK.ThirdPartyAttributed) in g for c in claims)
    result = graph.validate(corpus=tmp_path / "corpus")
    assert result.counts["violation"] == 0, result.summary()
