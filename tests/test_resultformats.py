"""Round-trip tests of the query result renderers: each output is read back with an independent
reader (csv module, rdflib's N-Triples and SPARQL JSON parsers, json) and compared."""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.query import Result

from spinekg.core.errors import UnknownNameError
from spinekg.query.formats import FORMATS, render, to_csv, to_json, to_markdown, to_table, to_tsv
from spinekg.query.engines import Results

SPKD = "https://w3id.org/spinekg/id/"
XSD_INTEGER = URIRef("http://www.w3.org/2001/XMLSchema#integer")
XSD_DECIMAL = URIRef("http://www.w3.org/2001/XMLSchema#decimal")
ASPIRIN = URIRef(SPKD + "aspirin")  # has a label
IBUPROFEN = URIRef(SPKD + "ibuprofen")  # no label: shown as a CURIE
THING = URIRef("http://example.org/thing")  # no label, no prefix: shown as the IRI
EVIL = URIRef("http://example.org/evil")  # a label full of Markdown and HTML
BLANK = BNode("b0")
HOSTILE = Literal('say "hi", then\nnew\tline | <script>alert(1)</script> \\ end\r')
FORMULA = Literal("=SUM(A1:A2)")
INTL = Literal("Aspirin’s café 中文")
FRENCH = Literal("chat", lang="fr")
INTEGER = Literal("42", datatype=XSD_INTEGER)
DECIMAL = Literal("1.50", datatype=XSD_DECIMAL)

COLUMNS = ("item", "value", "note")
ROWS = (  # deliberately not sorted: renderers must keep this order
    {"item": THING, "value": INTEGER, "note": DECIMAL},
    {"item": ASPIRIN, "value": HOSTILE, "note": FRENCH},
    {"item": IBUPROFEN, "value": FORMULA, "note": None},
    {"item": BLANK, "value": INTL, "note": EVIL},
    {"item": EVIL, "value": None},  # "note" missing entirely: unbound too
)
LABELS = {ASPIRIN: "Aspirin’s label", EVIL: "**bold** [x](javascript:alert(1)) <b>"}


@pytest.fixture
def results() -> Results:
    return Results(columns=COLUMNS, rows=ROWS, labels=LABELS)


EMPTY = Results(columns=("a", "b"))
YES = Results(columns=(), boolean=True)
NO = Results(columns=(), boolean=False)


def cells(row):
    return [row.get(c) for c in COLUMNS]


# -- registry ----------------------------------------------------------------------------------

def test_formats_registry(results):
    assert list(FORMATS) == ["table", "csv", "tsv", "json", "markdown"]
    for name, renderer in FORMATS.items():
        assert render(results, name) == renderer(results)
        assert render(results, name) == render(results, name)  # deterministic


def test_unknown_format_lists_known_ones(results):
    with pytest.raises(UnknownNameError, match=r"unknown result format 'xml'; known formats: "
                                               r"table, csv, tsv, json, markdown"):
        render(results, "xml")
    with pytest.raises(KeyError):
        render(results, "")


# -- csv ---------------------------------------------------------------------------------------

def test_csv_round_trip(results):
    text = to_csv(results)
    assert text.startswith("item,value,note\r\n") and text.endswith("\r\n")
    records = list(csv.reader(io.StringIO(text, newline="")))
    assert records[0] == list(COLUMNS)
    expected = [["" if t is None else f"_:{t}" if isinstance(t, BNode) else str(t) for t in cells(row)]
                for row in ROWS]
    assert records[1:] == expected
    assert records[3][1] == "=SUM(A1:A2)"  # the standard: no formula defusing
    assert records[1] == ["http://example.org/thing", "42", "1.50"]
    assert records[2][2] == "chat"  # lexical form only, no language tag


def test_csv_plain_lines_are_crlf(results):
    text = to_csv(Results(columns=("x",), rows=({"x": Literal("a")}, {"x": None}, {"x": INTEGER})))
    assert text == 'x\r\na\r\n""\r\n42\r\n'
    assert list(csv.reader(io.StringIO(text, newline=""))) == [["x"], ["a"], [""], ["42"]]


# -- tsv ---------------------------------------------------------------------------------------

def parse_term(cell: str):
    """The object of ``<urn:s> <urn:p> CELL .`` parsed by rdflib's N-Triples parser."""
    graph = Graph().parse(data=f"<urn:x:s> <urn:x:p> {cell} .\n", format="nt")
    (obj,) = graph.objects()
    return obj


def test_tsv_round_trip(results):
    text = to_tsv(results)
    assert "\r" not in text and text.endswith("\n")
    lines = text.split("\n")
    assert lines[-1] == "" and len(lines) == len(ROWS) + 2
    assert lines[0] == "?item\t?value\t?note"
    for line, row in zip(lines[1:], ROWS):
        fields = line.split("\t")
        assert len(fields) == len(COLUMNS)
        for field, term in zip(fields, cells(row)):
            if term is None:
                assert field == ""
            elif isinstance(term, BNode):
                assert field == "_:b0" and isinstance(parse_term(field), BNode)
            else:
                parsed = parse_term(field)
                assert parsed == term and type(parsed) is type(term)
    assert lines[1] == ('<http://example.org/thing>\t"42"^^<http://www.w3.org/2001/XMLSchema#integer>\t'
                        '"1.50"^^<http://www.w3.org/2001/XMLSchema#decimal>')
    assert lines[2].split("\t")[1:] == [r'"say \"hi\", then\nnew\tline | <script>alert(1)</script> \\ end\r"',
                                        '"chat"@fr']


def test_tsv_escapes_controls_and_odd_iris():
    odd = URIRef("http://example.org/a b>c")
    weird = Literal("nul\x00bell\x07 \U0001F600")
    text = to_tsv(Results(columns=("x", "y"), rows=({"x": odd, "y": weird},)))
    row = text.split("\n")[1].split("\t")
    assert row[0] == r"<http://example.org/a\u0020b\u003Ec>"
    assert parse_term(row[0]) == odd
    assert parse_term(row[1]) == weird


# -- json --------------------------------------------------------------------------------------

EXPECTED_JSON = {
    "head": {"vars": ["item", "value", "note"]},
    "results": {"bindings": [
        {"item": {"type": "uri", "value": "http://example.org/thing"},
         "value": {"type": "literal", "value": "42", "datatype": str(XSD_INTEGER)},
         "note": {"type": "literal", "value": "1.50", "datatype": str(XSD_DECIMAL)}},
        {"item": {"type": "uri", "value": SPKD + "aspirin"},
         "value": {"type": "literal", "value": str(HOSTILE)},
         "note": {"type": "literal", "value": "chat", "xml:lang": "fr"}},
        {"item": {"type": "uri", "value": SPKD + "ibuprofen"},
         "value": {"type": "literal", "value": "=SUM(A1:A2)"}},
        {"item": {"type": "bnode", "value": "b0"},
         "value": {"type": "literal", "value": "Aspirin’s café 中文"},
         "note": {"type": "uri", "value": "http://example.org/evil"}},
        {"item": {"type": "uri", "value": "http://example.org/evil"}},
    ]},
}


def test_json_structure(results):
    text = to_json(results)
    assert text.endswith("}\n") and "中文" in text  # not \u-escaped
    assert json.loads(text) == EXPECTED_JSON


def test_json_read_by_rdflib(results):
    parsed = Result.parse(io.StringIO(to_json(results)), format="json")
    assert [str(v) for v in parsed.vars] == list(COLUMNS)
    got = list(parsed)
    assert len(got) == len(ROWS)
    for solution, row in zip(got, ROWS):
        for column in COLUMNS:
            value, term = solution[column], row.get(column)
            if isinstance(term, BNode):
                assert isinstance(value, BNode)
            else:
                assert value == term


# -- markdown ----------------------------------------------------------------------------------

PIPE = re.compile(r"(?<!\\)\|")


def test_markdown_table(results):
    text = to_markdown(results)
    lines = text.rstrip("\n").split("\n")
    assert len(lines) == 2 + len(ROWS)
    assert lines[0] == "| item | value | note |"
    assert lines[1] == "| --- | --- | --- |"
    for line in lines:
        assert len(PIPE.findall(line)) == len(COLUMNS) + 1
    assert "<script>" not in text and "&lt;script&gt;" in text and "<b>" not in text
    assert "[x](" not in text and "**bold**" not in text
    assert r"\*\*bold\*\* \[x\](javascript:alert(1)) &lt;b&gt;" in text
    assert r"Aspirin’s label" in lines[3] and "spkd:ibuprofen" in lines[4]
    assert r"\\ end" in lines[3] and r"\|" in lines[3]


def test_markdown_escapes_specials():
    text = to_markdown(Results(columns=("v",), rows=({"v": Literal("a_b*c`d\\e[f]g|h&i")},)))
    assert text.split("\n")[2] == r"| a\_b\*c\`d\\e\[f\]g\|h&amp;i |"


# -- table -------------------------------------------------------------------------------------

try:
    from wcwidth import wcswidth as display_width
except ImportError:  # pragma: no cover
    def display_width(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def split_cells(line: str, starts: list[int]) -> list[str]:
    """Cut a line at display offsets (one cell per display column, wide characters take two)."""
    grid = "".join(ch + "\0" * (display_width(ch) - 1) for ch in line)
    bounds = starts[1:] + [len(grid) + 1]
    for start in starts[1:]:
        assert grid[start - 2:start] in ("  ", " ", ""), f"column not aligned in {line!r}"
    return [grid[a:b].replace("\0", "").rstrip(" ") for a, b in zip(starts, bounds)]


def test_table_aligned_with_labels(results):
    text = to_table(results)
    lines = text.rstrip("\n").split("\n")
    assert len(lines) == 2 + len(ROWS) + 1  # header, separator, one line per row, count
    assert text.splitlines() == lines  # no stray line breaks (\r, \x0b, U+2028 ...) inside a row
    assert lines[-1] == "(5 rows)"
    starts = [m.start() for m in re.finditer(r"-+", lines[1])]
    assert len(starts) == len(COLUMNS)
    expected = [
        ["http://example.org/thing", "42", "1.50"],
        ["Aspirin’s label", 'say "hi", then new line | <script>alert(1)</script> \\ end', "chat"],
        ["spkd:ibuprofen", "=SUM(A1:A2)", ""],
        ["_:b0", "Aspirin’s café 中文", LABELS[EVIL]],
        [LABELS[EVIL], "", ""],
    ]
    assert split_cells(lines[0], starts) == list(COLUMNS)
    for line, want in zip(lines[2:-1], expected):
        assert split_cells(line, starts) == want
    assert SPKD not in text  # labels and CURIEs, not IRIs


def test_table_one_row():
    text = to_table(Results(columns=("x",), rows=({"x": Literal("中文")},)))
    assert text == "x\n----\n中文\n(1 row)\n"


# -- ASK and empty SELECT ----------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["table", "markdown", "tsv", "csv"])
@pytest.mark.parametrize("answer", [YES, NO])
def test_ask_text(fmt, answer):
    end = "\r\n" if fmt == "csv" else "\n"
    assert render(answer, fmt) == ("true" if answer.boolean else "false") + end


@pytest.mark.parametrize("answer", [YES, NO])
def test_ask_json(answer):
    text = to_json(answer)
    assert json.loads(text) == {"head": {}, "boolean": answer.boolean}
    assert Result.parse(io.StringIO(text), format="json").askAnswer is answer.boolean


def test_empty_select():
    assert to_table(EMPTY) == "a  b\n-  -\n(0 rows)\n"
    assert to_csv(EMPTY) == "a,b\r\n"
    assert to_tsv(EMPTY) == "?a\t?b\n"
    assert to_markdown(EMPTY) == "| a | b |\n| --- | --- |\n\n_no rows_\n"
    assert json.loads(to_json(EMPTY)) == {"head": {"vars": ["a", "b"]}, "results": {"bindings": []}}
    parsed = Result.parse(io.StringIO(to_json(EMPTY)), format="json")
    assert [str(v) for v in parsed.vars] == ["a", "b"] and list(parsed) == []
