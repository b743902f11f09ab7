"""The stores behind one API: rdflib in memory, Oxigraph in memory and Oxigraph on disk.

The shared suite (modules with ``STORE_SUITE = True``: queries, traversal, networkx, exporters,
SPARQL API) runs every ``kg`` test on each store. This module checks what is specific to stores:
the same graph and the same bytes out of each, a persistent store reopened without parsing and
refilled when its source changes, and clear errors that leave the user's folders alone.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib.compare import isomorphic

import spinekg
from spinekg.core.errors import FormatError, ParameterError
from spinekg.export import FORMATS
from spinekg.store.oxigraph import MANIFEST, StoreError, StoreSpec

STORE_SUITE = True  # the kg fixture runs on each store (see conftest.STORES)
FAST_STORES = ("memory", "oxigraph")  # the fast tier compares rdflib with Oxigraph in memory


@pytest.fixture(scope="module")
def memory(corpus):
    return spinekg.load(corpus=corpus)


def spinekg_cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "spinekg", *args], capture_output=True, text=True, cwd=cwd)


@pytest.mark.slow  # a few seconds: the fast tier stays under two minutes
def test_each_store_holds_the_same_graph(kg, memory, kg_store):
    assert kg.store.kind == kg_store.partition(":")[0]
    assert len(kg) == len(memory) == len(kg.ontology) + len(kg.data)
    assert isomorphic(kg.ontology, memory.ontology)
    assert isomorphic(kg.data, memory.data)
    assert (kg.oxigraph is None) == (kg_store == "memory")


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["turtle", "nt", "nquads", "trig", "jsonld"])
def test_rdf_exports_are_byte_identical_across_stores(kg, memory, fmt):
    assert kg.serialize(fmt) == memory.serialize(fmt)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", sorted(set(FORMATS) - {"svg", "png", "neo4j"}))
def test_visualizer_exports_are_byte_identical_across_stores(kg, memory, fmt, tmp_path):
    from spinekg.export import exporter

    module = exporter(fmt)
    if fmt == "mermaid":  # the whole graph is above Mermaid's 500 edges (refused): compare a part
        kg, memory = kg.subgraph(document="003"), memory.subgraph(document="003")
    assert getattr(module, f"to_{fmt}")(kg) == getattr(module, f"to_{fmt}")(memory)


@pytest.mark.slow
def test_neo4j_export_is_identical_across_stores(kg, memory):
    from spinekg.export import exporter

    assert exporter("neo4j").to_neo4j(kg) == exporter("neo4j").to_neo4j(memory)


def test_stats_are_identical_across_stores(kg, memory):
    assert kg.stats().to_dict() == memory.stats().to_dict()


@pytest.mark.slow
def test_every_library_query_gives_the_same_rows_on_each_store(kg, memory):
    from spinekg.query.library import load_library

    for name, spec in load_library().items():
        params = {p.name: p.example for p in spec.parameters if p.example is not None}
        assert kg.query(name, **params).rows == memory.query(name, **params).rows, name


# -- store specs ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, kind, path", [
    ("memory", "memory", None), ("rdflib", "memory", None), ("oxigraph", "oxigraph", None),
    ("OXIGRAPH", "oxigraph", None), ("oxigraph:db/kg", "oxigraph", Path("db/kg")),
])
def test_store_specs(text, kind, path):
    spec = StoreSpec.parse(text)
    assert (spec.kind, spec.path) == (kind, path)


@pytest.mark.parametrize("text, words", [
    ("sqlite", "use memory, oxigraph or oxigraph:PATH"), ("oxigraph:", "give the folder"),
    ("memory:x", "takes no path"),
])
def test_bad_store_specs_say_what_to_write(text, words):
    with pytest.raises(ParameterError, match=words):
        StoreSpec.parse(text)


# -- persistent stores ------------------------------------------------------------------------------

def _close(kg):
    """Close a store; its folder can then be opened again."""
    kg.close()
    with pytest.raises(StoreError, match="was closed"):
        len(kg)


@pytest.mark.slow
def test_a_store_is_filled_from_a_file_once_and_refilled_when_the_file_changes(memory, tmp_path):
    source = tmp_path / "graph.nq"
    source.write_bytes(memory.serialize("nquads"))
    folder = tmp_path / "db"
    first = spinekg.load(source, store=f"oxigraph:{folder}")
    assert len(first) == len(memory) and isomorphic(first.ontology, memory.ontology)
    manifest = json.loads((folder / MANIFEST).read_text())
    assert manifest["source"] == str(source.resolve()) and manifest["triples"] == len(memory)
    _close(first)

    # reopened: no source named, nothing parsed (the file is gone, the store still answers)
    moved = source.rename(tmp_path / "elsewhere.nq")
    again = spinekg.load(store=f"oxigraph:{folder}")
    assert len(again) == len(memory)
    assert len(again.query("treatments-for-condition", condition="neck pain")) == 21
    _close(again)

    # the same file, changed: the store is refilled from it
    moved.rename(source)
    smaller = memory.subgraph(document="003")
    source.write_bytes(smaller.serialize("nquads"))
    refilled = spinekg.load(source, store=f"oxigraph:{folder}")
    assert len(refilled) == len(smaller.ontology) + len(smaller.data) < len(memory)
    assert json.loads((folder / MANIFEST).read_text())["size"] == source.stat().st_size
    _close(refilled)


@pytest.mark.slow  # a few seconds: the fast tier stays under two minutes
def test_triple_files_go_to_the_data_graph(memory, tmp_path):
    source = tmp_path / "graph.ttl"
    source.write_bytes(memory.serialize("turtle"))
    kg = spinekg.load(source, store="oxigraph")
    assert len(kg.ontology) == 0 and len(kg.data) == len(memory)
    assert isomorphic(kg.graph, memory.graph)


def test_a_folder_that_is_not_a_store_is_left_untouched(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me")
    with pytest.raises(StoreError, match="not a spinekg store"):
        spinekg.load(store=f"oxigraph:{folder}")
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    file = tmp_path / "file"
    file.write_text("x")
    with pytest.raises(StoreError, match="is a file"):
        spinekg.load(store=f"oxigraph:{file}")


def test_a_bad_file_leaves_no_half_filled_store(tmp_path):
    source = tmp_path / "broken.nt"
    source.write_text('<https://example.org/a> <https://example.org/b> "ok" .\n<https://example.org/a> <oops\n')
    folder = tmp_path / "db"
    with pytest.raises(FormatError, match=r"broken\.nt: not valid nt"):
        spinekg.load(source, store=f"oxigraph:{folder}")
    assert not folder.exists()


@pytest.mark.slow  # a few seconds: the fast tier stays under two minutes
def test_to_store_copies_a_graph_into_oxigraph_and_back(memory, tmp_path):
    folder = tmp_path / "copy"
    stored = memory.to_store(f"oxigraph:{folder}")
    assert stored.store == StoreSpec("oxigraph", folder) and len(stored) == len(memory)
    back = stored.to_store("memory")
    assert back.oxigraph is None and isomorphic(back.graph, memory.graph)
    _close(stored)
    with spinekg.load(store=f"oxigraph:{folder}") as reopened:
        assert len(reopened) == len(memory)
    assert reopened.oxigraph is None


# -- the command line -------------------------------------------------------------------------------

@pytest.mark.slow
def test_build_fills_a_store_that_every_command_reopens(tmp_path, corpus):
    folder = tmp_path / "kg"
    built = spinekg_cli("build", "--corpus", str(corpus.resolve()), "--store", f"oxigraph:{folder}", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    assert f"stored 23086 triples in oxigraph:{folder}" in built.stderr + built.stdout
    assert not (tmp_path / "build").exists()  # no file asked for, none written
    for args in (["query", "clinics"], ["stats"], ["sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "-f", "csv"]):
        on_store = spinekg_cli(*args, "--store", f"oxigraph:{folder}")
        in_memory = spinekg_cli(*args)
        assert on_store.returncode == 0, on_store.stderr
        assert on_store.stdout == in_memory.stdout, args
    exported = spinekg_cli("export", "-f", "graphml", "-o", str(tmp_path / "g.graphml"), "--store", f"oxigraph:{folder}")
    assert exported.returncode == 0, exported.stderr
    assert (tmp_path / "g.graphml").stat().st_size > 100_000


def test_the_store_comes_from_the_environment_too():
    import os

    from conftest import one_line_error

    run = lambda value: subprocess.run([sys.executable, "-m", "spinekg", "stats", "-f", "json"],  # noqa: E731
                                       capture_output=True, text=True, env=dict(os.environ, SPINEKG_STORE=value))
    assert run("oxigraph").stdout == run("memory").stdout != ""
    bad = run("nonsense")
    assert bad.returncode == 2 and "unknown store 'nonsense'" in one_line_error(bad)


@pytest.mark.parametrize("spec, words", [
    ("nonsense", "unknown store 'nonsense'"), ("oxigraph:", "give the folder after the colon"),
])
def test_bad_store_option_is_one_line_and_exit_2(spec, words):
    from conftest import one_line_error

    result = spinekg_cli("query", "clinics", "--store", spec)
    assert result.returncode == 2
    assert words in one_line_error(result)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["nquads", "nt"])
def test_line_formats_stream_through_sorted_runs_to_the_same_bytes(kg, memory, fmt, monkeypatch, tmp_path):
    """N-Quads and N-Triples are written in sorted runs on disk, merged: the bytes do not change."""
    import spinekg.core.rdfio

    expected = memory.serialize(fmt)
    monkeypatch.setattr(spinekg.core.rdfio, "RUN_LINES", 1000)  # 20+ runs for 21k triples
    kg.export(fmt, tmp_path / f"graph.{fmt}")
    assert (tmp_path / f"graph.{fmt}").read_bytes() == expected
    assert [p.name for p in tmp_path.iterdir()] == [f"graph.{fmt}"]  # no temporary file left


@pytest.mark.slow
def test_validate_on_each_store_reports_the_same(corpus):
    """The CLI's default engine follows the store (pyshacl in memory, SPARQL on Oxigraph)."""
    reports = [spinekg_cli("validate", "--corpus", str(corpus), "-f", "json", "--store", store) for store in ("memory", "oxigraph")]
    for result in reports:
        assert result.returncode == 0, result.stderr
    assert reports[0].stdout == reports[1].stdout
    assert json.loads(reports[0].stdout)["counts"] == {"violation": 0, "warning": 76, "info": 60}
