"""The compiled-graph cache (:mod:`spinekg.core.cache`) against the findings of a security review.

Each finding is reproduced the way it was found and shown not to hold any more:

* a pickle planted in a cache folder another user can write was executed (pickle runs code);
* the cache folder's mode followed the umask (``777`` under umask ``000``);
* a valid pickle of the wrong shape broke every command until it was deleted;
* a cache miss deleted every ``graph-*.pickle`` in the folder, including files spinekg did not write.

And the cache still does its job: the second load comes from it and gives the same graph.
"""

from __future__ import annotations

import json
import os
import pickle
import shlex
import stat
import time

import pytest
from rdflib import RDF, BNode, Graph, URIRef

import spinekg
import spinekg.kg as kg_module
from spinekg.core.cache import cache_dir, cache_file, load_cached, source_key, store_cached
from spinekg.core.resources import resource_dir
from spinekg.model.compiler import BuildReport

HEADER = b"spinekg-graph-cache 2\n"
NOBODY = 65534


# ---------------------------------------------------------------------------------------------
# helpers

def shipped_key() -> str:
    return source_key(resource_dir("ontology"), resource_dir("data"))


def planted_pickle(marker) -> bytes:
    """A pickle that, when unpickled, creates ``marker`` through a shell: what an attacker plants."""

    class Exploit:
        def __reduce__(self):
            return os.system, (f"touch {shlex.quote(str(marker))}",)

    return pickle.dumps(Exploit())


def decoy():
    """A valid cache payload that is not the shipped graph: loading it would show."""
    graph = Graph()
    graph.add((URIRef("urn:decoy"), RDF.type, URIRef("urn:Decoy")))
    return graph, graph, BuildReport(documents=0, statements=0, claims=0, reference_assertions=0,
                                     grounded=False, corpus=None, triples=1)


def warnings_of(capsys) -> list[str]:
    """The lines on stderr; every one must be a spinekg warning."""
    lines = capsys.readouterr().err.splitlines()
    assert all(line.startswith("spinekg: warning: ") for line in lines), lines
    return lines


def without_bnodes(graph: Graph) -> set:
    return {t for t in graph if not any(isinstance(term, BNode) for term in t)}


def assert_is_the_shipped_graph(kg, reference) -> None:
    assert len(kg.graph) == len(reference.graph) and len(kg.ontology) == len(reference.ontology)
    assert without_bnodes(kg.graph) == without_bnodes(reference.graph)
    assert kg.report == reference.report


def mode(path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


@pytest.fixture(scope="module")
def reference():
    """The shipped graph, compiled without the cache."""
    return kg_module.KnowledgeGraph.from_build(kg_module.compile_shipped(None))


@pytest.fixture
def compiles(monkeypatch) -> list:
    """One entry per compilation of the shipped graph from now on."""
    calls: list = []
    real = kg_module.compile_shipped

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(kg_module, "compile_shipped", counting)
    return calls


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """An empty private (0700) cache folder that ``SPINEKG_CACHE_DIR`` points at."""
    path = tmp_path / "cache"
    path.mkdir(mode=0o700)
    monkeypatch.setenv("SPINEKG_CACHE_DIR", str(path))
    return path


# ---------------------------------------------------------------------------------------------
# finding 1: a planted pickle was executed

@pytest.mark.parametrize("folder_mode", [0o1777] + [pytest.param(m, marks=pytest.mark.slow) for m in (0o777, 0o770, 0o702)],
                         ids=oct)
def test_a_pickle_planted_in_a_folder_others_can_write_is_not_run(tmp_path, monkeypatch, capsys, reference,
                                                                  folder_mode):
    marker = tmp_path / "exploited"
    payload = planted_pickle(marker)
    pickle.loads(payload)  # the payload is live: unpickling it runs the command
    assert marker.exists()
    marker.unlink()

    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, folder_mode)
    monkeypatch.setenv("SPINEKG_CACHE_DIR", str(shared))
    planted = cache_file(shipped_key())
    planted.write_bytes(payload)

    kg = spinekg.load()
    assert not marker.exists()
    assert_is_the_shipped_graph(kg, reference)
    assert warnings_of(capsys) == [
        f"spinekg: warning: cache folder {shared} is writable by other users; not using it "
        f"(chmod 700 {shlex.quote(str(shared))}, or set SPINEKG_CACHE_DIR to a folder of your own)"]
    # an untrusted folder is neither read nor written
    assert sorted(p.name for p in shared.iterdir()) == [planted.name]
    assert planted.read_bytes() == payload
    assert mode(shared) == folder_mode  # and left as it is: not spinekg's to change


@pytest.mark.slow
def test_a_file_spinekg_did_not_write_is_never_run_even_in_a_private_folder(folder, tmp_path, capsys,
                                                                            compiles, reference):
    marker = tmp_path / "exploited"
    planted = cache_file(shipped_key())
    planted.write_bytes(planted_pickle(marker))  # owned by the current user, 0644, in a 0700 folder

    kg = spinekg.load()
    assert not marker.exists()
    assert_is_the_shipped_graph(kg, reference)
    assert warnings_of(capsys) == [
        f"spinekg: warning: cache file {planted} is not a spinekg graph cache (no format marker); "
        f"ignoring it (the graph is compiled and the file rewritten)"]
    assert len(compiles) == 1
    assert planted.read_bytes().startswith(HEADER)  # rewritten by spinekg

    assert_is_the_shipped_graph(spinekg.load(), reference)  # now from the cache
    assert len(compiles) == 1 and not warnings_of(capsys)


@pytest.mark.slow
def test_files_and_folders_of_another_user_are_not_used(tmp_path, monkeypatch, capsys, compiles, reference):
    if os.geteuid() != 0:
        pytest.skip("needs root to chown the planted file and folder to another user (uid 65534); "
                    "the owner check is the same code whatever the uid")
    key = shipped_key()

    # a valid cache file (the decoy graph) owned by another user, in a folder of ours
    mine = tmp_path / "mine"
    mine.mkdir(mode=0o700)
    monkeypatch.setenv("SPINEKG_CACHE_DIR", str(mine))
    store_cached(key, decoy())
    planted = cache_file(key)
    assert len(load_cached(key, BuildReport)[0]) == 1  # it is a valid file: only its owner is wrong
    os.chown(planted, NOBODY, NOBODY)
    kg = spinekg.load()
    assert_is_the_shipped_graph(kg, reference)
    assert len(compiles) == 1
    assert warnings_of(capsys) == [
        f"spinekg: warning: cache file {planted} is owned by another user (uid {NOBODY}); not reading it "
        f"(the graph is compiled and the file replaced; or delete it: rm {shlex.quote(str(planted))})"]
    assert planted.stat().st_uid == os.getuid()  # replaced by our own

    # a folder owned by another user (0700, so only that user and root can write it) with a valid
    # file of ours in it
    theirs = tmp_path / "theirs"
    theirs.mkdir(mode=0o700)
    monkeypatch.setenv("SPINEKG_CACHE_DIR", str(theirs))
    store_cached(key, decoy())
    content = cache_file(key).read_bytes()
    os.chown(theirs, NOBODY, NOBODY)
    kg = spinekg.load()
    assert_is_the_shipped_graph(kg, reference)
    assert len(compiles) == 2
    assert warnings_of(capsys) == [
        f"spinekg: warning: cache folder {theirs} is owned by another user (uid {NOBODY}); not using it "
        f"(set SPINEKG_CACHE_DIR to a folder of your own, or SPINEKG_CACHE_DIR=off)"]
    assert cache_file(key).read_bytes() == content  # untouched


@pytest.mark.slow
@pytest.mark.parametrize("case", ["group-writable file", "world-writable file", "symlinked file",
                                  "fifo", "symlinked folder"])
def test_a_cache_file_or_folder_that_fails_a_check_is_not_read(tmp_path, monkeypatch, capsys, compiles,
                                                               reference, case):
    key = shipped_key()
    real = tmp_path / "real"
    real.mkdir(mode=0o700)
    monkeypatch.setenv("SPINEKG_CACHE_DIR", str(real))
    store_cached(key, decoy())  # a valid file: only the check can keep it out
    target = cache_file(key)
    if case == "symlinked folder":
        link = tmp_path / "link"
        link.symlink_to(real, target_is_directory=True)
        monkeypatch.setenv("SPINEKG_CACHE_DIR", str(link))
        expected = (f"cache folder {link} is a symbolic link; not using it "
                    f"(set SPINEKG_CACHE_DIR to a folder of your own, or SPINEKG_CACHE_DIR=off)")
    else:
        if case == "symlinked file":
            elsewhere = tmp_path / "elsewhere.json"
            target.rename(elsewhere)
            target.symlink_to(elsewhere)
            problem = "is a symbolic link"
        elif case == "fifo":
            target.unlink()
            os.mkfifo(target)  # would block a plain open() for reading
            problem = "is not a regular file"
        else:
            os.chmod(target, 0o620 if case.startswith("group") else 0o602)
            problem = "is writable by other users"
        expected = (f"cache file {target} {problem}; not reading it (the graph is compiled and the "
                    f"file replaced; or delete it: rm {shlex.quote(str(target))})")
    assert_is_the_shipped_graph(spinekg.load(), reference)
    assert len(compiles) == 1
    assert warnings_of(capsys) == [f"spinekg: warning: {expected}"]


# ---------------------------------------------------------------------------------------------
# finding 2: the folder's mode followed the umask

def test_the_folder_is_created_0700_whatever_the_umask(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "new" / "deeper" / "spinekg"
    monkeypatch.setenv("SPINEKG_CACHE_DIR", str(folder))
    old = os.umask(0)
    try:
        spinekg.load()
    finally:
        os.umask(old)
    assert mode(folder) == 0o700
    assert mode(folder.parent) == mode(folder.parent.parent) == 0o700  # missing parents too (XDG asks so)
    [written] = folder.iterdir()
    assert written.name == f"graph-{shipped_key()}.json" and mode(written) == 0o600
    assert not warnings_of(capsys)


def test_the_default_folder_follows_xdg(tmp_path, monkeypatch):
    monkeypatch.delenv("SPINEKG_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "spinekg"
    for off in ("off", "OFF", "0", "none", "false"):
        monkeypatch.setenv("SPINEKG_CACHE_DIR", off)
        assert cache_dir() is None and cache_file(shipped_key()) is None
    with pytest.raises(ValueError):
        cache_file("../../etc/passwd")


# ---------------------------------------------------------------------------------------------
# finding 3: content of the wrong shape broke every command

@pytest.mark.slow
@pytest.mark.parametrize("content", [
    pickle.dumps(("a", "b")),  # the finding: a valid pickle, not a (Graph, Graph, BuildReport)
    pickle.dumps([1, 2, 3], protocol=2),
    b"not a pickle",
    b"",
    b"spinekg-graph-cache 1\n{}",  # an older format
    HEADER + b'{"key": 1}',
], ids=["pickle-tuple", "pickle-list", "garbage", "empty", "old-format", "wrong-json"])
def test_content_of_the_wrong_shape_is_ignored_then_rewritten(folder, capsys, compiles, reference, content):
    planted = cache_file(shipped_key())
    planted.write_bytes(content)
    kg = spinekg.load()
    assert_is_the_shipped_graph(kg, reference)
    [line] = warnings_of(capsys)
    assert line.startswith(f"spinekg: warning: cache file {planted} ") and line.endswith(
        "; ignoring it (the graph is compiled and the file rewritten)")
    assert len(compiles) == 1
    # the cache works again: the next load reads the rewritten file and warns no more
    assert_is_the_shipped_graph(spinekg.load(), reference)
    assert len(compiles) == 1 and not warnings_of(capsys)


def _valid_doc(key: str) -> dict:
    store_cached(key, decoy())
    data = cache_file(key).read_bytes()
    assert data.startswith(HEADER)
    return json.loads(data[len(HEADER):])


def _set(path: str, value):
    def mutate(doc):
        *parents, last = path.split(".")
        node = doc
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        node[int(last) if isinstance(node, list) else last] = value
    return mutate


MALFORMED = {
    "not-an-object": lambda doc: [doc],
    "extra-field": _set("extra", 1),
    "other-key": _set("key", "0" * 64),
    "iri-not-a-string": _set("iris.0", 5),
    "three-graphs": lambda doc: {**doc, "graphs": doc["graphs"] + doc["graphs"][:1]},
    "index-out-of-range": _set("graphs.0.triples.2", 10 ** 6),
    "negative-index": _set("graphs.0.triples.0", -1),
    "bool-index": _set("graphs.0.triples.0", True),
    "literal-predicate": lambda doc: {**doc, "literals": [["x", None, None]],
                                      "graphs": [{"namespaces": [], "triples": [0, 3, 0]}] * 2},
    "literal-subject": lambda doc: {**doc, "literals": [["x", None, None]],
                                    "graphs": [{"namespaces": [], "triples": [3, 1, 0]}] * 2},
    "ragged-triples": _set("graphs.1.triples", [0, 1]),
    "lang-and-datatype": lambda doc: {**doc, "literals": [["x", "en", "urn:t"]]},
    "bad-lang-tag": lambda doc: {**doc, "literals": [["x", "not a tag!", None]]},
    "namespace-not-a-pair": _set("graphs.0.namespaces", [["rdf"]]),
    "report-missing-field": lambda doc: {**doc, "report": {"type": "BuildReport", "fields": {
        k: v for k, v in doc["report"]["fields"].items() if k != "claims"}}},
    "report-extra-field": _set("report.fields.admin", True),
    "report-wrong-type": _set("report.fields.claims", "many"),
    "report-bool-for-int": _set("report.fields.claims", True),
    "report-other-class": _set("report.type", "Popen"),
    "report-object-field": _set("report.fields.corpus", {"__class__": "os.system"}),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_a_malformed_payload_is_rejected_with_one_warning(folder, capsys, name):
    key = shipped_key()
    doc = _valid_doc(key)
    assert load_cached(key, BuildReport) is not None  # the unmutated document loads
    doc = MALFORMED[name](doc)
    cache_file(key).write_bytes(HEADER + json.dumps(doc).encode())
    assert load_cached(key, BuildReport) is None
    [line] = warnings_of(capsys)
    assert f"cache file {cache_file(key)} does not hold" in line and line.endswith("ignoring it (the graph is "
                                                                                    "compiled and the file rewritten)")


@pytest.mark.parametrize("content", [HEADER + b"[" * 100_000 + b"]" * 100_000, HEADER + b"\xff\xfe{",
                                     HEADER + b"{}", b"spinekg-graph-cache 99\n{}"],
                         ids=["deep-nesting", "not-utf8", "empty-object", "newer-format"])
def test_other_unreadable_payloads_are_rejected_with_one_warning(folder, capsys, content):
    key = shipped_key()
    cache_file(key).write_bytes(content)
    assert load_cached(key, BuildReport) is None
    assert len(warnings_of(capsys)) == 1


def test_a_pickle_behind_the_format_marker_is_not_run_either(folder, tmp_path, capsys):
    marker = tmp_path / "exploited"
    key = shipped_key()
    cache_file(key).write_bytes(HEADER + planted_pickle(marker))
    assert load_cached(key, BuildReport) is None
    assert not marker.exists()
    assert len(warnings_of(capsys)) == 1


def test_a_value_of_the_wrong_shape_is_not_stored(folder, capsys):
    key = shipped_key()
    store_cached(key, ("not", "graphs", None))
    assert not cache_file(key).exists()
    assert "cannot be cached" in warnings_of(capsys)[0]


# ---------------------------------------------------------------------------------------------
# finding 4: a cache miss deleted every graph-*.pickle

def test_a_refresh_removes_only_spinekgs_own_files(folder, tmp_path, capsys, compiles):
    marker = tmp_path / "exploited"
    other_key = "a" * 64
    store_cached(other_key, decoy())  # spinekg's own file for another key: removed on refresh
    own_old = cache_file(other_key)
    stale_tmp = folder / f".graph-{'b' * 64}.{'c' * 16}.tmp"  # a write killed two hours ago: removed
    stale_tmp.write_bytes(HEADER + b"{")
    os.utime(stale_tmp, (time.time() - 7200,) * 2)
    foreign = {
        "graph-foo.pickle": planted_pickle(marker),
        "notes.txt": b"my notes\n",
        f"graph-{'d' * 64}.json": b"a file with spinekg's name pattern, not its marker",
        f"graph-{'e' * 64}.json.bak": HEADER + b"{}",
        f".graph-{'f' * 64}.{'0' * 16}.tmp": HEADER + b"{",  # a write under way in another process
    }
    for name, content in foreign.items():
        (folder / name).write_bytes(content)
    (folder / f"graph-{'1' * 64}.json").mkdir()  # a folder with the pattern's name
    (folder / f"graph-{'2' * 64}.json").symlink_to(own_old)  # a link to one of ours: the link stays

    spinekg.load()  # a miss: compiled, stored, the folder refreshed
    assert len(compiles) == 1 and not warnings_of(capsys)
    for name, content in foreign.items():
        assert (folder / name).read_bytes() == content, name
    assert not own_old.exists() and not stale_tmp.exists()
    assert (folder / f"graph-{'1' * 64}.json").is_dir()
    assert (folder / f"graph-{'2' * 64}.json").is_symlink()
    assert cache_file(shipped_key()).read_bytes().startswith(HEADER)
    assert not marker.exists()


# ---------------------------------------------------------------------------------------------
# the cache still works

def test_the_second_load_comes_from_the_cache_and_equals_the_first(folder, capsys, monkeypatch):
    first = spinekg.load()  # compiled and stored
    written = cache_file(shipped_key())
    assert written.read_bytes().startswith(HEADER) and mode(written) == 0o600

    def no_compile(*args, **kwargs):
        raise AssertionError("compiled although the cache holds the graph")

    monkeypatch.setattr(kg_module, "compile_shipped", no_compile)
    second = spinekg.load()
    assert set(second.graph) == set(first.graph)  # blank nodes keep their ids: exactly the same triples
    assert set(second.ontology) == set(first.ontology)
    assert second.report == first.report
    assert list(second.graph.namespaces()) == list(first.graph.namespaces())
    assert list(second.ontology.namespaces()) == list(first.ontology.namespaces())
    assert not warnings_of(capsys)


def test_every_kind_of_term_survives_the_round_trip(folder, capsys):
    from rdflib import XSD, Literal

    graph = Graph()
    graph.bind("ex", "urn:ex#")
    node, blank = URIRef("urn:ex#n"), BNode("b1")
    for value in (Literal("café ☃ \U0001F600 \ud800"), Literal("chat", lang="fr"), Literal("7", datatype=XSD.integer),
                  Literal("not a number", datatype=XSD.integer), Literal("2024-01-02", datatype=XSD.date),
                  Literal("x", datatype=URIRef("urn:ex#custom")), blank, URIRef("urn:ex#ü")):
        graph.add((node, URIRef("urn:ex#p"), value))
    graph.add((blank, RDF.type, node))
    ontology = Graph()
    ontology.add((node, RDF.type, URIRef("urn:ex#C")))
    report = decoy()[2]
    key = "9" * 64
    store_cached(key, (graph, ontology, report))
    loaded, loaded_ontology, loaded_report = load_cached(key, BuildReport)
    assert set(loaded) == set(graph) and set(loaded_ontology) == set(ontology) and loaded_report == report
    assert list(loaded.namespaces()) == list(graph.namespaces())
    assert load_cached(key)[2] == {f: getattr(report, f) for f in report.__dataclass_fields__}  # no class: a dict
    assert not warnings_of(capsys)
