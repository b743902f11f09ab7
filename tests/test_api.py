"""The Python API: spinekg.load, the KnowledgeGraph object, a small lazy public surface."""

from __future__ import annotations

import subprocess
import sys

import pytest
from rdflib import RDF
from rdflib.compare import isomorphic

import spinekg
from spinekg.core.namespaces import SPK


def test_public_surface():
    assert set(spinekg.__all__) >= {"load", "KnowledgeGraph", "SpinekgError", "CurationError", "__version__"}
    for name in spinekg.__all__:
        assert getattr(spinekg, name) is not None
    assert issubclass(spinekg.CurationError, ValueError) and issubclass(spinekg.CurationError, spinekg.SpinekgError)


def test_import_is_light_and_side_effect_free():
    code = "import sys, spinekg; print(sorted(m for m in ('rdflib', 'yaml', 'click') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_load_exposes_the_rdflib_graph(kg):
    g = kg.graph
    assert len(g) == len(set(kg.ontology) | set(kg.data))
    assert (SPK.PlateletRichPlasmaTherapy, SPK.hasMechanism, SPK.AntiInflammatoryEffect) in g
    assert kg.report.documents == 5
    assert kg.report.claims == len(set(g.subjects(RDF.type, SPK.Claim)))


@pytest.mark.slow
def test_load_reads_an_exported_graph_back(kg, tmp_path):
    for fmt, name in (("turtle", "kg.ttl"), ("nquads", "kg.nq")):
        path = tmp_path / name
        path.write_bytes(kg.serialize(fmt))
        back = spinekg.load(path)
        assert isomorphic(back.graph, kg.graph)
        assert back.report is None
    nq = spinekg.load(tmp_path / "kg.nq")
    assert len(nq.ontology) == len(kg.ontology) and len(nq.data) == len(kg.data)


def test_load_of_a_bad_file_raises_a_clear_error(tmp_path):
    bad = tmp_path / "bad.nt"
    bad.write_bytes(b"\x00\x01\x02 binary")
    with pytest.raises(spinekg.FormatError, match=r"bad\.nt: not valid nt"):
        spinekg.load(bad)


@pytest.mark.slow
def test_grounded_and_ungrounded_builds_give_the_same_graph(kg):
    assert isomorphic(spinekg.load().graph, kg.graph)
