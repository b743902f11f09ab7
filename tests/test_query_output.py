"""Query results as people read them: ``--labels`` columns in the machine formats, pages named by
number, publisher and title in the human ones, tables that fit the terminal, and ``spinekg sparql``
without PREFIX lines. Every check runs the real CLI and reads its output back with an independent
reader (csv, json, rdflib's N-Triples parser), against labels looked up with rdflib."""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata

import pytest
from click.testing import CliRunner
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.plugins.sparql import prepareQuery

from spinekg.cli import main
from spinekg.core.errors import QuerySyntaxError
from spinekg.core.namespaces import PREFIXES, SPK
from spinekg.query.engines import OxigraphEngine, RdflibEngine, Results, iris_in
from spinekg.query.formats import display_labels, to_table, with_label_columns
from spinekg.query.text import shift_error, with_prefixes

from conftest import one_line_error

DDD = "degenerative disc disease"


def run(*args: str, env: dict | None = None, input: str | None = None):
    return CliRunner().invoke(main, list(args), env=env, input=input, catch_exceptions=False)


def ok(*args: str, env: dict | None = None) -> str:
    result = run(*args, env=env)
    assert result.exit_code == 0, result.output
    return result.stdout


# ---------------------------------------------------------------------------------------------
# what the graph says, read with rdflib alone

@pytest.fixture(scope="module")
def pages(kg) -> dict[URIRef, str]:
    """Each page's display name (kg.documents() defines it) by IRI."""
    return {doc.iri: doc.name for doc in kg.documents()}


def expected_label(graph: Graph, pages: dict, iri: URIRef) -> set[str]:
    """The names the label column may hold for ``iri``: its page name; else its rdfs:label(s)
    (English when it has one); else its skos:prefLabel(s); else the empty string."""
    if (iri, RDF.type, SPK.WebPage) in graph:
        return {pages[iri]}
    for prop in (RDFS.label, SKOS.prefLabel):
        found = list(graph.objects(iri, prop))
        english = [str(x) for x in found if (x.language or "").lower().startswith("en")]
        if english or found:
            return set(english or [str(x) for x in found])
    return {""}


def uri_columns(doc: dict) -> list[str]:
    """The columns of a SPARQL JSON answer that hold at least one IRI."""
    return [c for c in doc["head"]["vars"]
            if any(b.get(c, {}).get("type") == "uri" for b in doc["results"]["bindings"])]


# ---------------------------------------------------------------------------------------------
# --labels

LABELLED = [("claims-of-document", "document=003"), ("treatments-for-condition", f"condition={DDD}"),
            ("document-summary", None)]


@pytest.mark.parametrize("name, param", LABELLED)
def test_csv_labels_follow_each_iri_column_and_match_the_graph(name, param, kg, pages):
    params = ("-p", param) if param else ()
    plain = json.loads(ok("query", name, *params, "-f", "json"))
    iri_columns = uri_columns(plain)
    assert iri_columns, "the question should answer with IRIs"
    records = list(csv.reader(io.StringIO(ok("query", name, *params, "-f", "csv", "--labels"), newline="")))
    header, rows = records[0], records[1:]
    expected_header = [n for c in plain["head"]["vars"] for n in ([c, f"{c}_label"] if c in iri_columns else [c])]
    assert header == expected_header
    assert len(rows) == len(plain["results"]["bindings"]) > 0
    checked = 0
    for row, binding in zip(rows, plain["results"]["bindings"]):
        cells = dict(zip(header, row))
        for column in iri_columns:
            value = binding.get(column)
            if value is None or value["type"] != "uri":
                assert cells[f"{column}_label"] == ""
                continue
            assert cells[column] == value["value"]
            assert cells[f"{column}_label"] in expected_label(kg.graph, pages, URIRef(value["value"])), column
            checked += 1
    assert checked >= len(rows)


@pytest.mark.parametrize("store", ["memory", pytest.param("oxigraph", marks=pytest.mark.slow)])
def test_pages_are_named_by_publisher_and_title_in_label_columns(store, kg, pages):
    out = ok("query", "document-summary", "-f", "csv", "--labels", "--store", store)
    records = list(csv.DictReader(io.StringIO(out, newline="")))
    assert {r["document"]: r["document_label"] for r in records} == {str(k): v for k, v in pages.items()}
    assert any(": " in name and not re.match(r"\d{3}_[0-9a-f]{16}", name) for name in pages.values())


def test_tsv_and_json_labels_equal_the_csv_ones(kg):
    args = ("query", "claims-of-document", "-p", "document=003", "--labels")
    rows = list(csv.DictReader(io.StringIO(ok(*args, "-f", "csv"), newline="")))
    tsv = ok(*args, "-f", "tsv").split("\n")
    header = [h[1:] for h in tsv[0].split("\t")]
    assert header == list(rows[0].keys())
    doc = json.loads(ok(*args, "-f", "json"))
    assert doc["head"]["vars"] == header
    for line, binding, row in zip(tsv[1:], doc["results"]["bindings"], rows):
        cells = dict(zip(header, line.split("\t")))
        for column in (c for c in header if c.endswith("_label")):
            if row[column] == "":
                assert cells[column] == "" and column not in binding  # unbound when there is no label
                continue
            parsed = Graph().parse(data=f"<urn:x:s> <urn:x:p> {cells[column]} .\n", format="nt")
            assert str(next(parsed.objects())) == row[column]
            assert binding[column] == {"type": "literal", "value": row[column]}


def test_labels_leave_ask_and_literal_columns_alone():
    assert ok("sparql", "ASK { ?s ?p ?o }", "-f", "csv", "--labels").strip() == "true"
    out = ok("sparql", 'SELECT ?n WHERE { VALUES ?n { 1 "x" } }', "-f", "csv", "--labels")
    assert out.splitlines()[0] == "n"


def test_label_column_names_never_collide_and_mixed_columns():
    a, b = URIRef("urn:x:a"), URIRef("urn:x:b")
    results = Results(columns=("s", "s_label", "o"),
                      rows=({"s": a, "s_label": Literal("mine"), "o": Literal("text")},
                            {"s": b, "s_label": None, "o": a}, {"s": BNode("n"), "o": None}))
    out = with_label_columns(results, {a: "Alpha"})
    assert out.columns == ("s", "s_label2", "s_label", "o", "o_label")
    assert [r["s_label2"] for r in out.rows] == [Literal("Alpha"), None, None]
    assert [r["s_label"] for r in out.rows] == [Literal("mine"), None, None]
    assert [r["o_label"] for r in out.rows] == [None, Literal("Alpha"), None]


def _small_graph() -> Graph:
    graph = Graph()
    both, pref, none, lang = (URIRef(f"urn:x:{n}") for n in ("both", "pref", "none", "lang"))
    graph.add((both, RDFS.label, Literal("the rdfs label")))
    graph.add((both, SKOS.prefLabel, Literal("the preferred label")))
    graph.add((pref, SKOS.prefLabel, Literal("only preferred")))
    graph.add((lang, RDFS.label, Literal("Schmerz", lang="de")))
    graph.add((lang, RDFS.label, Literal("pain", lang="en")))
    graph.add((none, RDF.type, URIRef("urn:x:Thing")))
    return graph


@pytest.mark.parametrize("make", [RdflibEngine, OxigraphEngine.from_graph], ids=["rdflib", "oxigraph"])
def test_display_labels_prefer_rdfs_label_then_pref_label_then_english(make):
    engine = make(_small_graph())
    names = display_labels(engine, [URIRef(f"urn:x:{n}") for n in ("both", "pref", "none", "lang")] + [Literal("x")])
    assert names == {URIRef("urn:x:both"): "the rdfs label", URIRef("urn:x:pref"): "only preferred",
                     URIRef("urn:x:lang"): "pain"}


class Counting:
    """An engine that counts the queries sent through it."""

    def __init__(self, engine):
        self.engine, self.queries = engine, []

    def select(self, text, bindings=None, **kwargs):
        self.queries.append(text)
        return self.engine.select(text, bindings, **kwargs)


def test_labels_of_a_big_answer_take_one_query_and_equal_the_graphs_own(kg, pages):
    rdflib_engine = RdflibEngine(kg.graph)
    answer = rdflib_engine.select("SELECT ?x ?p ?y WHERE { ?x ?p ?y FILTER(isIRI(?x) && isIRI(?y) && ?p != "
                                  f"<{RDF.type}>) }} ORDER BY ?p ?x ?y LIMIT 1000", max_rows=None)
    iris = iris_in(answer.rows)
    assert len(answer) == 1000 and len(iris) > 500 and set(pages) & iris
    counting = Counting(OxigraphEngine.from_graph(kg.graph))
    by_sparql = display_labels(counting, iris)
    label_queries = [q for q in counting.queries if "VALUES ?s" in q]
    assert len(label_queries) == 1  # one query for every IRI of the answer (and one for the page names)
    assert len(counting.queries) <= 2
    assert by_sparql == display_labels(rdflib_engine, iris)
    for iri in iris:
        assert by_sparql.get(iri, "") in expected_label(kg.graph, pages, iri)


# ---------------------------------------------------------------------------------------------
# human formats

def test_table_and_markdown_name_pages_by_publisher_and_title(kg, pages):
    table = ok("query", "document-summary", "--width", "0")
    markdown = ok("query", "document-summary", "-f", "markdown")
    first_cells = [line.split(" | ")[0][2:] for line in markdown.splitlines()[2:] if line.startswith("| ")]
    escaped = {name: name.replace("\\", "\\\\").replace("_", "\\_") for name in pages.values()}
    assert sorted(first_cells) == sorted(escaped.values())
    for name in pages.values():
        assert name in table
    for doc in kg.documents():  # the page's rdfs:label starts with its file name: not shown
        label = str(kg.graph.value(doc.iri, RDFS.label))
        if label != doc.name and doc.name != doc.file:
            assert label not in table and label.replace("_", "\\_") not in markdown


# ---------------------------------------------------------------------------------------------
# tables that fit the terminal

def cells_width(text: str) -> int:
    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
               for ch in text)


def columns_text(table: str) -> list[str]:
    """Each column's text, read top to bottom through the wrapped lines, without whitespace: the
    column spans come from the rule under the header."""
    lines = table.rstrip("\n").split("\n")
    rule = lines[[i for i, line in enumerate(lines) if line and set(line) <= {"-", " "}][0]]
    spans = [m.span() for m in re.finditer(r"-+", rule)]
    spans[-1] = (spans[-1][0], None)
    out = ["" for _ in spans]
    for line in lines[:-1]:
        if line == rule:
            continue
        for i, (start, end) in enumerate(spans):
            if i + 1 < len(spans):
                assert line[end:spans[i + 1][0]].strip() == "", f"text between columns: {line!r}"
            out[i] += "".join(line[start:end].split())
    return out


@pytest.mark.parametrize("width", [80, 200])
@pytest.mark.parametrize("args", [("query", "treatments-for-condition", "-p", f"condition={DDD}"),
                                  ("query", "claims-of-document", "-p", "document=003")])
def test_table_fits_columns_and_keeps_all_text(width, args):
    wrapped = ok(*args, env={"COLUMNS": str(width)})
    full = ok(*args, "--width", "0")
    assert max(len(line) for line in full.splitlines()) > width  # the answer would not fit otherwise
    assert all(cells_width(line) <= width for line in wrapped.splitlines())
    assert wrapped.splitlines()[-1] == full.splitlines()[-1]  # "(N rows)"
    assert columns_text(wrapped) == columns_text(full)


def test_table_width_option_file_and_pipe(tmp_path):
    args = ("query", "treatments-for-condition", "-p", f"condition={DDD}")
    full = ok(*args, "--width", "0")
    assert ok(*args, env={"COLUMNS": None}) == full  # not a terminal and no $COLUMNS: no limit
    target = tmp_path / "table.txt"
    ok(*args, "-o", str(target), env={"COLUMNS": "80"})
    assert target.read_text(encoding="utf-8") == full  # a file: no limit
    narrow = ok(*args, "--width", "60", env={"COLUMNS": "200"})
    assert max(len(line) for line in narrow.splitlines()) <= 60


def test_wrapping_counts_wide_characters_and_breaks_long_words():
    long_iri = URIRef("http://example.org/" + "x" * 120)
    results = Results(columns=("item", "text"),
                      rows=({"item": long_iri, "text": Literal("中文字符 " * 20 + "café")},
                            {"item": URIRef("urn:x:short"), "text": None}))
    for width in (20, 30, 47):
        table = to_table(results, width)
        assert all(cells_width(line) <= width for line in table.splitlines())
        assert columns_text(table) == columns_text(to_table(results))


# ---------------------------------------------------------------------------------------------
# spinekg sparql without PREFIX lines

PLAIN = "SELECT ?t ?l WHERE { ?t spk:treats spk:BackPain ; rdfs:label ?l } ORDER BY ?t"


@pytest.mark.parametrize("store", ["memory", pytest.param("oxigraph", marks=pytest.mark.slow)])
def test_sparql_without_prefix_lines_gives_the_same_rows(store):
    declared = ("PREFIX spk: <https://w3id.org/spinekg/vocab#>\n"
                "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n" + PLAIN)
    without = ok("sparql", PLAIN, "-f", "csv", "--store", store)
    assert without == ok("sparql", declared, "-f", "csv", "--store", store)
    assert len(list(csv.reader(io.StringIO(without, newline="")))) > 3


def test_a_prefix_the_query_declares_wins():
    # rdfs: bound to schema.org: rdfs:publisher is schema:publisher (the default would find nothing)
    mine = ok("sparql", "PREFIX rdfs: <http://schema.org/>\n"
              "SELECT ?d ?p WHERE { ?d rdfs:publisher ?p } ORDER BY ?d ?p", "-f", "csv")
    ours = ok("sparql", "SELECT ?d ?p WHERE { ?d schema:publisher ?p } ORDER BY ?d ?p", "-f", "csv")
    assert mine == ours and len(ours.splitlines()) > 3
    assert ok("sparql", "SELECT ?d ?p WHERE { ?d rdfs:publisher ?p }", "-f", "csv").split() == ["d,p"]


def _error_place(result) -> tuple[int, int]:
    match = re.match(r"spinekg: error: <query>:(\d+):(\d+): ", one_line_error(result))
    assert match, one_line_error(result)
    return int(match.group(1)), int(match.group(2))


@pytest.mark.parametrize("store", ["memory", pytest.param("oxigraph", marks=pytest.mark.slow)])
@pytest.mark.parametrize("query", [
    "SELECT ?t WHERE { ?t spk:treats ?x . ?t ?y }",
    "SELECT ?t WHERE { ?t rdfs:label ?x . FILTER( }",
    "SELECT ?t\nWHERE { ?t spk:treats ?x .\n  ?t ?y }",
])
def test_syntax_errors_point_at_the_users_line_and_column(query, store):
    declared = "PREFIX spk: <https://w3id.org/spinekg/vocab#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    bare, explicit = run("sparql", query, "--store", store), run("sparql", declared + query, "--store", store)
    assert bare.exit_code == explicit.exit_code == 2
    line, column = _error_place(explicit)
    assert _error_place(bare) == (line - 1, column)
    if line - 1 == 1 and store == "oxigraph":  # the server's own words say the same place
        assert f"error at 1:{column}:" in one_line_error(bare)


def test_unknown_prefix_is_placed_in_the_users_text():
    query = "SELECT ?t WHERE { ?t spk:treats ?x . ?t foo:bar ?y }"
    result = run("sparql", query)
    assert result.exit_code == 2
    assert _error_place(result) == (1, query.index("foo:") + 1)
    assert "unknown prefix 'foo'" in one_line_error(result)


def test_show_prefixes_and_help_list_every_predefined_prefix():
    out = ok("sparql", "--show-prefixes")
    assert out.splitlines() == [f"PREFIX {name}: <{ns}>" for name, ns in PREFIXES.items()]
    prepareQuery(out + "ASK { ?s spk:treats ?o }")  # they are declarations SPARQL accepts
    text = " ".join(ok("sparql", "--help").split())
    for name in PREFIXES:
        assert f" {name}:," in text or f" {name}:" in text.split("Predefined prefixes")[1]
    assert "give a QUERY" in one_line_error(run("sparql"))


def test_with_prefixes_adds_only_what_is_used_and_not_declared():
    prefixes = {name: str(ns) for name, ns in PREFIXES.items()}
    text = ('PREFIX spk: <urn:mine#>\n# rdfs: owl: in a comment\nSELECT ?x WHERE { ?x spk:a skos:b ; '
            '<urn:schema:x> "biolink:y" . ?x xsd:z ?spkd }')
    sent, offset = with_prefixes(text, prefixes)
    assert sent.endswith(text) and len(sent) - len(text) == offset and "\n" not in sent[:offset]
    head = sent[:offset]
    assert re.findall(r"PREFIX (\w+):", head) == ["xsd", "skos"]  # in PREFIXES order
    assert with_prefixes("SELECT * WHERE { ?s ?p ?o }", prefixes) == ("SELECT * WHERE { ?s ?p ?o }", 0)
    err = QuerySyntaxError(f"error at 1:{offset + 7}: expected", "<query>", 1, offset + 7)
    moved = shift_error(err, offset)
    assert (moved.line, moved.column, moved.message) == (1, 7, "error at 1:7: expected")
    later = QuerySyntaxError("x", "<query>", 2, 5)
    assert shift_error(later, offset) is later


@pytest.mark.slow
def test_labels_and_prefixes_over_an_endpoint_equal_the_local_ones(kg):
    from spinekg.query.endpoint import Server, free_port

    with Server(kg.graph, port=free_port()) as server:
        for args in (("query", "claims-of-document", "-p", "document=003", "-f", "csv", "--labels"),
                     ("query", "document-summary", "--width", "0"),
                     ("sparql", PLAIN, "-f", "json", "--labels")):
            there = ok(*args, "--endpoint", server.query_url)
            here = ok(*args)
            if "csv" in args:
                there, here = (sorted(csv.reader(io.StringIO(x, newline=""))) for x in (there, here))
            assert there == here
