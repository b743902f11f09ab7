"""The Python query API: kg.query / kg.sparql, Results, DataFrames, and binding values safely."""

from __future__ import annotations

import pytest

STORE_SUITE = True  # every test on the kg fixture runs on each store (see conftest.STORES)
from rdflib import Literal, URIRef

from spinekg.core.errors import ParameterError, QuerySyntaxError
from spinekg.query.engines import OxigraphEngine
from spinekg.query.text import bind_values, query_form, values_block

SPK = "https://w3id.org/spinekg/vocab#"


def test_query_returns_rows_keyed_by_column(kg):
    rows = kg.query("mechanisms-of-treatment", treatment="PRP")
    assert rows.columns == ("stated_treatment", "mechanism", "document", "modality", "negated", "quote")
    assert all(set(row) == set(rows.columns) for row in rows)
    assert {row["mechanism"] for row in rows} >= {URIRef(SPK + "GrowthFactorRelease"), URIRef(SPK + "TissueRepair")}
    assert rows.label(URIRef(SPK + "GrowthFactorRelease")) == "growth factor release"
    same = kg.query("mechanisms-of-treatment", treatment="spk:PlateletRichPlasmaTherapy")
    assert same.rows == rows.rows
    by_iri = kg.query("mechanisms-of-treatment", treatment=URIRef(SPK + "PlateletRichPlasmaTherapy"))
    assert by_iri.rows == rows.rows


def test_dataframe_with_values_or_labels(kg):
    rows = kg.query("outcome-statistics")
    frame = rows.to_dataframe()
    assert list(frame.columns) == list(rows.columns) and len(frame) == len(rows)
    assert sorted(frame["value"]) == sorted(r["value"].toPython() for r in rows)
    labelled = rows.to_dataframe(labels=True)
    assert all(not str(v).startswith("https://") for v in labelled["about"])


def test_sparql_with_keyword_bindings_and_ask(kg):
    text = ("PREFIX spk: <https://w3id.org/spinekg/vocab#> "
            "SELECT ?clinic WHERE { ?clinic a ?kind } ORDER BY ?clinic")
    rows = kg.sparql(text, kind=URIRef(SPK + "Clinic"))
    assert len(rows) == 3 and rows.columns == ("clinic",)
    assert kg.sparql("ASK { ?s ?p ?o }").boolean is True
    assert kg.sparql("ASK { ?s ?p ?o }", o=Literal("no such literal anywhere")).boolean is False
    with pytest.raises(QuerySyntaxError, match=r"<query>:1:\d+: SPARQL syntax error"):
        kg.sparql("SELECT ?x WHERE { ?x }")


def test_to_json_is_the_w3c_structure(kg):
    doc = kg.query("clinics").to_json()
    assert doc["head"]["vars"] == ["clinic", "place", "country", "offers", "document"]
    binding = doc["results"]["bindings"][0]
    assert binding["clinic"]["type"] == "uri"
    assert kg.sparql("ASK {}").to_json() == {"head": {}, "boolean": True}


@pytest.mark.parametrize("text, form", [
    ("# SELECT in a comment\nASK { ?s ?p ?o }", "ASK"),
    ('PREFIX x: <urn:SELECT:> INSERT DATA { x:a x:b "SELECT" }', "INSERT"),
    ("select ?x where { ?x ?y ?z }", "SELECT"),
])
def test_query_form_ignores_comments_strings_and_iris(text, form):
    assert query_form(text) == form


def test_bind_values_opens_every_select_group_and_escapes():
    text = 'SELECT ?a WHERE { { SELECT ?a WHERE { ?a ?p "{ not a brace" } } # { neither\n}'
    bound = bind_values(text, {"a": Literal('x" } ; DROP ALL ; {\n')})
    assert bound.count("VALUES (?a)") == 2
    assert '"x\\" } ; DROP ALL ; {\\n"' in bound
    assert bind_values(text, {}) == text
    with pytest.raises(ParameterError, match="not a valid IRI"):
        values_block({"a": URIRef("urn:x> } DROP ALL { <urn:y")})
    with pytest.raises(ValueError, match="not a SPARQL variable name"):
        values_block({"a b": Literal("x")})


def test_hostile_literal_is_one_value_on_pyoxigraph(kg):
    engine = OxigraphEngine.from_graph(kg.graph)
    text = "SELECT ?s WHERE { ?s ?p ?o FILTER (STR(?o) = ?v) }"
    for hostile in ['" ) } SELECT * WHERE { ?s ?p ?o } #', '\\" ) }', "a\nb"]:
        assert len(engine.select(text, {"v": Literal(hostile)})) == 0
    assert len(engine.select(text, {"v": Literal("Stem Cells Colombia")})) == 1
    assert len(engine.store) == len(kg.graph)


def test_document_titles_name_documents_not_entities(kg):
    rows = kg.query("documents-mentioning-entity", entity="stem cell therapy")  # also 004's title
    assert {str(r["document"]).rsplit("/", 1)[-1][:3] for r in rows} == {"000", "002", "003", "004"}
    claims = kg.query("claims-of-document", document="Stem Cell Therapy")
    assert len(claims) == len(kg.query("claims-of-document", document="004"))
    for name in ("California", "located in"):  # each names one entity
        assert kg.query("find-entity", text=name)
        kg._entity_index().resolve(name)


def test_bound_values_stay_out_of_exists_groups():
    """EXISTS sees the outer solution's values (SPARQL 1.1, 18.6), so the VALUES block opens the
    outer group and sub-selects, not an EXISTS group (Virtuoso mis-evaluates VALUES there)."""
    text = "SELECT ?a WHERE { ?a ?p ?o FILTER NOT EXISTS { ?a ?q ?o } FILTER (EXISTS { ?o ?r ?a }) }"
    bound = bind_values(text, {"a": Literal("x")})
    assert bound.count("VALUES (?a)") == 1 and bound.index("VALUES") < bound.index("NOT EXISTS")
    nested = "SELECT ?a WHERE { { SELECT ?a WHERE { ?a ?p ?o } } FILTER EXISTS { ?a ?q ?o } }"
    assert bind_values(nested, {"a": Literal("x")}).count("VALUES (?a)") == 2  # the outer group and the sub-select


def test_bound_values_open_only_the_groups_that_name_them(kg):
    """A nested group that names none of the variables gets no block (the groups around it bind
    them; Virtuoso 7.2 fails to compile blocks in UNION branches that do not use them), a group
    gets the variables it names, and the answers stay those of rdflib's initBindings."""
    text = ("SELECT ?claim ?treatment WHERE { { ?claim <http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate> "
            "<https://w3id.org/spinekg/vocab#treats> } UNION { ?claim <https://w3id.org/spinekg/vocab#evidenceDirection> ?d } "
            "?claim <http://www.w3.org/1999/02/22-rdf-syntax-ns#subject> ?treatment "
            "OPTIONAL { ?claim <https://w3id.org/spinekg/vocab#statedIn> ?page FILTER (?page != ?other) } }")
    values = {"treatment": URIRef(SPK + "PlateletRichPlasmaTherapy"),
              "other": URIRef("https://w3id.org/spinekg/id/doc/none")}
    bound = bind_values(text, values)
    assert bound.count("VALUES") == 2
    assert bound.startswith("SELECT ?claim ?treatment WHERE { VALUES (?treatment ?other)")
    assert "OPTIONAL { VALUES (?other) {" in bound
    assert "UNION { VALUES" not in bound and "{ VALUES (?treatment) { (<https://w3id.org/spinekg/vocab#Platelet" \
        "RichPlasmaTherapy>) }  ?claim" not in bound
    local = {tuple(row.values()) for row in kg.sparql(text, **values).rows}
    sent = {tuple(row.values()) for row in kg.sparql(bound).rows}
    assert local == sent and len(local) > 5
