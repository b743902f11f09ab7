"""Literals, relative IRIs and validation are the same whatever store holds the graph.

Each literal is compared with what Oxigraph's own parser reads from the file (an independent
reader that keeps lexical forms): the memory store must give back exactly that, through
``kg.graph`` and through SPARQL. Oxigraph's storage keeps values, not lexical forms
(``"42"^^xsd:int`` becomes ``"42"^^xsd:integer``, oxigraph#526), so the Oxigraph stores must
refuse such a graph with one line naming the literal, and hold every other graph exactly.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

import spinekg
from spinekg.core.errors import ShapesError, SpinekgError
from spinekg.validation.shacl import validate_graphs

ox = pytest.importorskip("pyoxigraph")

XSD = "http://www.w3.org/2001/XMLSchema#"
PREFIXES = "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n@prefix ex: <http://example.org/> .\n"
#: literals Oxigraph stores in another form (each as a predicate -> object line)
ALTERED = {"int": '"42"^^xsd:int', "integer": '"0042"^^xsd:integer', "dec": '"4.0"^^xsd:decimal',
           "bool1": '"1"^^xsd:boolean', "double": '"1E0"^^xsd:double'}
#: literals every store holds as written (canonical, ill-formed, or of a datatype Oxigraph keeps as text)
KEPT = {"boolnone": '"none"^^xsd:boolean', "byte": '"c"^^xsd:byte', "integer2": '"42"^^xsd:integer',
        "true": '"true"^^xsd:boolean', "dec2": '"4.5"^^xsd:decimal', "lang": '"x"@en-GB', "str": '"plain"',
        "other": '"0042"^^ex:code'}
STORES = ["memory", "oxigraph", "oxigraph:{tmp}/store"]


def _turtle(path: Path, literals: dict, extra: str = "") -> Path:
    body = " ;\n  ".join(f"ex:{name} {lit}" for name, lit in literals.items())
    path.write_text(f"{PREFIXES}ex:s {body} .\n{extra}", encoding="utf-8")
    return path


def _as_written(path: Path) -> dict:
    """predicate -> (lexical form, datatype IRI, language) as Oxigraph's parser reads the file."""
    out = {}
    for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.absolute().as_uri()):
        if isinstance(quad.object, ox.Literal):
            out[quad.predicate.value] = (quad.object.value, quad.object.datatype.value, quad.object.language)
    return out


def _form(lit: Literal) -> tuple:
    datatype = str(lit.datatype) if lit.datatype else (None if lit.language else XSD + "string")
    return str(lit), datatype or "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString", lit.language


def _store(spec: str, tmp_path: Path) -> str:
    return spec.format(tmp=tmp_path)


def _read_back(kg) -> tuple[dict, dict]:
    """predicate -> form, through ``kg.graph`` and through SPARQL on the store itself."""
    graph = {str(p): _form(o) for _s, p, o in kg.graph if isinstance(o, Literal)}
    if kg.oxigraph is not None:
        rows = kg.oxigraph.query("SELECT ?p ?o WHERE { ?s ?p ?o FILTER isLiteral(?o) }", use_default_graph_as_union=True)
        sparql = {r["p"].value: (r["o"].value, r["o"].datatype.value, r["o"].language) for r in rows}
    else:
        sparql = {str(r.p): _form(r.o) for r in kg.graph.query("SELECT ?p ?o WHERE { ?s ?p ?o FILTER isLiteral(?o) }")}
    return graph, sparql


def _lower_lang(forms: dict) -> dict:
    return {k: (v[0], v[1], v[2].lower() if v[2] else v[2]) for k, v in forms.items()}


def test_memory_store_keeps_every_literal_as_written(tmp_path):
    path = _turtle(tmp_path / "lit.ttl", {**ALTERED, **KEPT})
    kg = spinekg.load(path)
    graph, sparql = _read_back(kg)
    assert graph == sparql
    assert _lower_lang(graph) == _as_written(path)  # Oxigraph's parser lowers language tags, the memory store
    assert graph["http://example.org/lang"][2] == "en-GB"  # keeps them as written


@pytest.mark.parametrize("spec", STORES[1:])
def test_oxigraph_store_refuses_literals_it_would_change(tmp_path, spec):
    path = _turtle(tmp_path / "lit.ttl", {**KEPT, **ALTERED})
    with pytest.raises(SpinekgError, match=r'lit\.ttl: the Oxigraph store would hold "42"\^\^xsd:int as '
                                           r'"42"\^\^xsd:integer \(and 4 other literals\).*--store memory') as err:
        spinekg.load(path, store=_store(spec, tmp_path))
    assert "\n" not in str(err.value)
    assert not (tmp_path / "store").exists()  # a store folder this load began is not left behind


@pytest.mark.parametrize("spec", STORES)
def test_every_store_holds_the_same_literals(tmp_path, spec):
    path = _turtle(tmp_path / "lit.ttl", KEPT)
    kg = spinekg.load(path, store=_store(spec, tmp_path))
    try:
        graph, sparql = _read_back(kg)
    finally:
        kg.close()
    want = _as_written(path)
    assert graph == sparql
    # Oxigraph lowers language tags (RDF 1.1 allows it; the tags compare case-insensitively)
    assert _lower_lang(graph) == _lower_lang(want)
    assert graph["http://example.org/lang"][2] == ("en-GB" if spec == "memory" else "en-gb")


@pytest.mark.parametrize("spec", STORES)
def test_relative_iris_resolve_against_the_file(tmp_path, spec):
    folder = tmp_path / "sub"
    folder.mkdir()
    path = _turtle(folder / "rel.ttl", {"str": '"a"'}, extra="<thing> ex:p <other#frag> , <../up> .\n")
    kg = spinekg.load(path, store=_store(spec, tmp_path))
    try:
        objects = {o for s, _p, o in kg.graph if s == URIRef(folder.absolute().as_uri() + "/thing")}
    finally:
        kg.close()
    assert objects == {URIRef(folder.absolute().as_uri() + "/other#frag"), URIRef(tmp_path.absolute().as_uri() + "/up")}


SHAPES = PREFIXES + """@prefix sh: <http://www.w3.org/ns/shacl#> .
ex:S a sh:NodeShape ; sh:targetNode ex:s ;
  sh:property [ sh:path ex:int ; sh:datatype xsd:int ] ;
  sh:property [ sh:path ex:integer ; sh:datatype xsd:integer ; sh:pattern "^00" ] ;
  sh:property [ sh:path ex:dec ; sh:datatype xsd:decimal ; sh:pattern "\\\\.0$" ] ;
  sh:property [ sh:path ex:boolnone ; sh:datatype xsd:boolean ] ;
  sh:property [ sh:path ex:byte ; sh:datatype xsd:byte ] ;
  sh:property [ sh:path ex:bool1 ; sh:in ( "1"^^xsd:boolean ) ] ;
  sh:property [ sh:path ex:lang ; sh:languageIn ( "en-GB" ) ] .
"""


@pytest.mark.parametrize("engine", ["pyshacl", "sparql"])
def test_valid_values_are_not_violations(tmp_path, engine):
    """Only the two ill-formed values are violations ("42"^^xsd:int is an xsd:int, "0042" matches ^00)."""
    data = _turtle(tmp_path / "lit.ttl", {**ALTERED, **KEPT})
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(SHAPES, encoding="utf-8")
    result = validate_graphs([data], [shapes], engine=engine)
    assert sorted((row.path, row.value, row.component) for row in result.rows) == [
        ("ex:boolnone", "none", "DatatypeConstraintComponent"), ("ex:byte", "c", "DatatypeConstraintComponent")]
    with pytest.raises(SpinekgError, match=r"lit\.ttl: the Oxigraph store would hold"):
        validate_graphs([data], [shapes], engine=engine, store="oxigraph")


def test_pyshacl_crash_is_one_line_naming_the_shapes(tmp_path, monkeypatch):
    import pyshacl

    data = _turtle(tmp_path / "lit.ttl", KEPT)
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(SHAPES, encoding="utf-8")

    def crash(*args, **kwargs):
        raise KeyError("something deep inside pyshacl\nsecond line")

    monkeypatch.setattr(pyshacl, "validate", crash)
    with pytest.raises(ShapesError, match=rf"^{shapes}: pyshacl failed while validating \(KeyError: ") as err:
        validate_graphs([data], [shapes], engine="pyshacl")
    assert "\n" not in str(err.value)


def test_sparql_engine_without_pyoxigraph(tmp_path):
    """Without pyoxigraph (the optional extra) the sparql engine runs on rdflib; the Oxigraph store
    says in one line what to install."""
    data = _turtle(tmp_path / "lit.ttl", {**ALTERED, **KEPT})
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(SHAPES, encoding="utf-8")
    script = textwrap.dedent(f"""
        import sys
        sys.modules["pyoxigraph"] = None
        import spinekg
        from spinekg.core.errors import SpinekgError
        from spinekg.validation.shacl import validate_graphs
        result = validate_graphs([{str(data)!r}], [{str(shapes)!r}], engine="sparql")
        print(sorted(row.value for row in result.rows))
        print(spinekg.load({str(data)!r}).validate({str(shapes)!r}, engine="sparql").summary())
        try:
            spinekg.load({str(data)!r}, store="oxigraph")
        except SpinekgError as err:
            print(err)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "['c', 'none']"
    assert lines[1] == "2 violations, 0 warnings, 0 info"
    assert "pip install 'spinekg[oxigraph]'" in lines[2] and len(lines) == 3
    assert "Traceback" not in out.stderr
