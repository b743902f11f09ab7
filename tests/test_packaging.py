"""What ``pip`` sees of spinekg (the installed metadata) says what the files say: the licences of
the code and of the ontology, shapes, queries and data, the version, and an ``all`` extra that
gives every command."""

from __future__ import annotations

import re
from importlib.metadata import metadata, requires

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS

import spinekg

from conftest import ROOT

CC_BY_4 = URIRef("https://creativecommons.org/licenses/by/4.0/")


def _extras() -> dict[str, set[str]]:
    """Requirement names per extra, from the installed metadata."""
    found: dict[str, set[str]] = {}
    for line in requires("spinekg") or []:
        match = re.search(r"""extra\s*==\s*['"]([\w-]+)['"]""", line)
        if match:
            found.setdefault(match.group(1), set()).add(re.match(r"[A-Za-z0-9_.\-]+", line).group(0).lower())
    return found


def test_the_all_extra_is_every_optional_feature_and_nothing_for_tests():
    extras = _extras()
    # lexicon-build: the ontology releases a developer refreshes ontology/lexicon/ from; context-bench:
    # medspaCy for a benchmark (it pins numpy < 2); neither is a feature
    features = set().union(*(reqs for name, reqs in extras.items()
                             if name not in ("all", "test", "lexicon-build", "context-bench")))
    assert extras["all"] == features
    assert not extras["all"] & {"pytest", "selenium", "owlready2"}


def test_the_licence_metadata_names_the_code_and_the_content_licences():
    expression = metadata("spinekg")["License-Expression"]
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
    assert "MIT" in re.split(r"\s+(?:AND|OR)\s+", expression)
    declared = set()
    for path in (*sorted((ROOT / "ontology").glob("*.ttl")), *sorted((ROOT / "shapes").glob("*.ttl"))):
        licences = set(Graph().parse(path, format="turtle").objects(None, DCTERMS.license))
        assert licences <= {CC_BY_4}, (path, licences)
        declared |= licences
    assert declared == {CC_BY_4}  # the ontology and shapes headers declare CC BY 4.0
    assert "CC-BY-4.0" in re.split(r"\s+(?:AND|OR)\s+", expression)
    assert "CC BY 4.0" in (ROOT / "LICENSE").read_text()


def test_one_version_everywhere():
    assert metadata("spinekg")["Version"] == spinekg.__version__
