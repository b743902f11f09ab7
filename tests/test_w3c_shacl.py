"""Both validation engines against the W3C SHACL test suite (../shared/conformance/shacl-w3c,
read as ../shared/conformance/README.md says).

Each test of the suite's manifests (``mf:include`` followed from ``manifest.ttl``) is run with
:func:`spinekg.validation.shacl.validate_graphs`: exactly the test's data graph against exactly
its shapes graph, no spinekg ontology, no page texts. A test passes when ``sh:conforms`` and the
multiset of results (focus node, result path, value, source shape, severity, source constraint
component) equal the expected report's; blank nodes compare by their content (their outgoing
triples, recursively), since an engine's report names them anew. A test whose ``mf:result`` is
``sht:Failure`` passes when the engine refuses the shapes with a one-line SpinekgError.

The tests each engine is known to fail are listed below with the reason (strict xfail: a fix
is noticed). Running all 240 takes a while, so they are ``slow``; a sample runs in the fast tier.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Namespace, URIRef
from rdflib.namespace import RDF

from spinekg.core.errors import SpinekgError
from spinekg.core.rdfio import parse_exact
from spinekg.validation.shacl import validate_graphs

ROOT = Path(__file__).resolve().parents[1]
SUITE = ROOT.parent / "shared" / "conformance" / "shacl-w3c"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")
SH = Namespace("http://www.w3.org/ns/shacl#")

#: Tests the sparql engine fails with the data in rdflib's memory store, and why.
KNOWN_SPARQL: dict[str, str] = {
    # $shapesGraph would need the shapes graph in the data's store; refused with one line instead
    "sparql/pre-binding/shapesGraph-001": "the sparql engine does not support $shapesGraph (refuses the shapes)",
    # "4.0"^^xsd:decimal: no lossless Oxigraph copy, so rdflib's SPARQL engine runs the queries
    "core/node/minExclusive-001": "rdflib's SPARQL orders a string and a number (\"Hello\" > 4.0 is true)",
}
#: Tests pyshacl 0.40.1 fails through spinekg's wrapper, and why. (Called directly, pyshacl also
#: "passes" none of the seven sht:Failure tests, 111 of 120 (../shared/conformance/README.md): it
#: returns a failure instead of a report for six of them, which the wrapper turns into a ShapesError,
#: and a report for pre-binding-006, whose `SELECT *` sub-select it refuses the same way.)
KNOWN_PYSHACL: dict[str, str] = {
    "sparql/pre-binding/shapesGraph-001": "pyshacl does not implement $shapesGraph (NotImplementedError)",
    "core/property/uniqueLang-002": "pyshacl bug: sh:uniqueLang \"1\"^^xsd:boolean is treated as the term true",
}
#: What the Oxigraph store refuses: literals it would store in another form (oxigraph#526).
OXIGRAPH_REFUSES: dict[str, str] = {
    test_id: f"the Oxigraph store refuses the data: it would store {what}" for test_id, what in (
        ("core/node/maxExclusive-001", '"4.0"^^xsd:decimal as "4"'),
        ("core/node/maxInclusive-001", '"4.0"^^xsd:decimal as "4"'),
        ("core/node/minExclusive-001", '"4.0"^^xsd:decimal as "4"'),
        ("core/property/datatype-ill-formed", '"300"^^xsd:byte as "300"^^xsd:integer'))}
#: (engine, store) -> the tests it fails and why.
KNOWN: dict[tuple[str, str], dict[str, str]] = {
    ("sparql", "memory"): KNOWN_SPARQL,
    ("pyshacl", "memory"): KNOWN_PYSHACL,
    ("sparql", "oxigraph"): {"sparql/pre-binding/shapesGraph-001": KNOWN_SPARQL["sparql/pre-binding/shapesGraph-001"],
                             **OXIGRAPH_REFUSES},
    ("pyshacl", "oxigraph"): {**KNOWN_PYSHACL, **OXIGRAPH_REFUSES, "sparql/node/prefixes-001":
                              "pyshacl on the store's rdflib view (oxrdflib): 'Unknown namespace prefix : ex' "
                              "resolving sh:prefixes"},
}
#: A sample that runs in the fast tier: one test of each kind of constraint that needs care.
FAST = ("core/node/node-001", "core/node/closed-001", "core/node/xone-001", "core/property/datatype-ill-formed",
        "core/path/path-complex-001", "sparql/pre-binding/pre-binding-006", "sparql/component/validator-001")


# -- reading the suite -----------------------------------------------------------------------------

def _file_of(iri: URIRef) -> Path:
    return Path(str(iri).split("#", 1)[0].removeprefix("file://"))


@lru_cache(maxsize=None)
def _parse(path: Path) -> Graph:
    """A test file as written (rdflib would make "1"^^xsd:boolean the term true), relative IRIs
    against the file's own URI."""
    return parse_exact(Graph(), path, "turtle")


def _entries() -> dict[str, tuple[Graph, URIRef]]:
    """Every test of the suite: id (its IRI relative to the suite) -> (the file's graph, entry)."""
    found, todo, seen = {}, [SUITE / "manifest.ttl"], set()
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        graph = _parse(path)
        todo.extend(_file_of(inc) for inc in graph.objects(None, MF.include))
        for lst in graph.objects(None, MF.entries):
            for entry in graph.items(lst):
                test_id = str(entry).removeprefix(SUITE.as_uri() + "/")
                found[test_id] = (graph, entry)
    return dict(sorted(found.items()))


if not (SUITE / "manifest.ttl").is_file():  # the suite is test data beside the checkout: fail, never skip
    raise RuntimeError(f"{SUITE}/manifest.ttl not found: the W3C SHACL suite lives in ../shared/conformance")
ENTRIES = _entries()


def _describe(node, graphs: tuple[Graph, ...], seen: frozenset = frozenset()):
    """A term, with a blank node replaced by its content (its outgoing triples in any of ``graphs``,
    recursively)."""
    if not isinstance(node, BNode):
        return node
    if node in seen:
        return ("cycle",)
    inner = seen | {node}
    return ("bnode", frozenset((p, _describe(o, graphs, inner)) for g in graphs for p, o in g.predicate_objects(node)))


def _results(report: Graph, root, graphs: tuple[Graph, ...]) -> Counter:
    """The top-level results of a report (not their sh:detail), as comparable tuples."""
    keys = Counter()
    for result in report.objects(root, SH.result):
        keys[tuple(_describe(report.value(result, pred), graphs) for pred in (
            SH.focusNode, SH.resultPath, SH.value, SH.sourceShape, SH.resultSeverity, SH.sourceConstraintComponent))] += 1
    return keys


@lru_cache(maxsize=None)
def outcome(engine: str, test_id: str, store: str = "memory") -> tuple[bool, str]:
    """Whether ``engine`` passes the test with the data in ``store``, and what differs when it does not."""
    graph, entry = ENTRIES[test_id]
    action, expected = graph.value(entry, MF.action), graph.value(entry, MF.result)
    data_file, shapes_file = (_file_of(graph.value(action, p)) for p in (SHT.dataGraph, SHT.shapesGraph))
    try:
        result = validate_graphs([data_file], [shapes_file], engine=engine, store=store)
    except SpinekgError as err:
        one_line = "\n" not in str(err).strip()
        if expected == SHT.Failure:
            return one_line, f"refused with {len(str(err).splitlines())} lines: {err}"
        return False, f"refused: {err}"
    if expected == SHT.Failure:
        return False, "ran shapes that must be refused"
    report = result.report_graph
    root = report.value(predicate=RDF.type, object=SH.ValidationReport)
    inputs = (_parse(data_file), _parse(shapes_file))
    want = _results(graph, expected, (graph, *inputs))
    got = _results(report, root, (report, *inputs))
    want_conforms = graph.value(expected, SH.conforms).toPython()
    if want == got and result.conforms == want_conforms:
        return True, ""
    return False, (f"conforms {result.conforms} (expected {want_conforms}); missing {dict(want - got)}; "
                   f"unexpected {dict(got - want)}")


def _params(engine: str, ids, store: str = "memory") -> list:
    known = KNOWN[(engine, store)]
    return [pytest.param(engine, test_id, store, id=f"{engine}:{store}:{test_id}", marks=[pytest.mark.xfail(
        reason=known[test_id], strict=True)] if test_id in known else []) for test_id in ids]


COMBINATIONS = list(KNOWN)


# -- the tests ---------------------------------------------------------------------------------------

def test_suite_is_read_whole():
    """Every test file of the suite is reached through the manifests (120 tests, 7 that must fail)."""
    assert len(ENTRIES) == 120
    assert sum(graph.value(entry, MF.result) == SHT.Failure for graph, entry in ENTRIES.values()) == 7
    assert set(FAST) <= set(ENTRIES) and all(set(known) <= set(ENTRIES) for known in KNOWN.values())


@pytest.mark.parametrize(("engine", "test_id", "store"), [p for engine, store in COMBINATIONS
                                                           for p in _params(engine, FAST, store)])
def test_w3c_sample(engine, test_id, store):
    passed, why = outcome(engine, test_id, store)
    assert passed, why


@pytest.mark.slow
@pytest.mark.parametrize(("engine", "test_id", "store"), [p for engine, store in COMBINATIONS
                                                           for p in _params(engine, ENTRIES, store)])
def test_w3c(engine, test_id, store):
    passed, why = outcome(engine, test_id, store)
    assert passed, why


@pytest.mark.slow
def test_w3c_pass_counts(capsys):
    """Pass counts per engine and store: sparql 118 (memory) and 115 (Oxigraph), pyshacl 118 and 113."""
    counts = {combo: sum(outcome(combo[0], test_id, combo[1])[0] for test_id in ENTRIES) for combo in KNOWN}
    with capsys.disabled():
        print("\nW3C SHACL test suite: " + ", ".join(f"{engine} on {store} {n}/{len(ENTRIES)}"
                                                   for (engine, store), n in counts.items()))
    assert counts == {combo: len(ENTRIES) - len(KNOWN[combo]) for combo in KNOWN}
    assert counts[("sparql", "memory")] >= 117
    assert counts[("pyshacl", "memory")] == 118


def test_nested_detail_results_are_not_top_level():
    """Results under sh:detail stay nested under their result and are not rows; rows = top-level results."""
    for engine in ("pyshacl", "sparql"):
        graph, entry = ENTRIES["core/node/node-001"]
        action = graph.value(entry, MF.action)
        data_file = _file_of(graph.value(action, SHT.dataGraph))
        result = validate_graphs([data_file], [_file_of(graph.value(action, SHT.shapesGraph))], engine=engine)
        report = result.report_graph
        root = report.value(predicate=RDF.type, object=SH.ValidationReport)
        top = set(report.objects(root, SH.result))
        # a nested result: a copy of a top-level one, put under its sh:detail
        for res in list(top):
            nested = BNode()
            report.add((res, SH.detail, nested))
            for p, o in report.predicate_objects(res):
                if p != SH.detail:
                    report.add((nested, p, o))
        from spinekg.validation import shacl

        rows = shacl._rows(report, _parse(data_file), _parse(data_file))  # noqa: SLF001 (the reader under test)
        assert len(rows) == len(top) == len(result.rows) == sum(1 for _ in graph.objects(graph.value(entry, MF.result), SH.result))
