"""Shared fixtures: the corpus directory, the shipped graph built against it, a scratch copy of
the curated sources for mutation tests."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def pytest_configure(config):
    """Keep the compiled-graph cache of the test run out of the user's ~/.cache."""
    import tempfile

    if not os.environ.get("SPINEKG_CACHE_DIR"):
        os.environ["SPINEKG_CACHE_DIR"] = tempfile.mkdtemp(prefix="spinekg-test-cache-")


def corpus_dir() -> Path:
    """The corpus: $SPINEKG_CORPUS, else ../shared/seeds beside the checkout."""
    env = os.environ.get("SPINEKG_CORPUS")
    path = Path(env) if env else ROOT.parent / "shared" / "seeds"
    if not path.is_dir():
        pytest.fail(f"corpus directory {path} not found: set SPINEKG_CORPUS to the folder of the source .txt files")
    return path


@pytest.fixture(scope="session")
def corpus() -> Path:
    return corpus_dir()


#: The stores of the shared suite: a module that sets ``STORE_SUITE = True`` runs every test that
#: uses the ``kg`` fixture once per store (rdflib in memory, Oxigraph in memory, Oxigraph on disk).
STORES = ("memory", "oxigraph", "oxigraph:disk")
#: The stores the fast tier (``pytest -m "not slow"``) runs the shared suite on; the others are
#: marked slow. A module may name its own (``FAST_STORES``): test_stores compares two stores.
FAST_STORES = ("memory",)


def pytest_generate_tests(metafunc):
    if getattr(metafunc.module, "STORE_SUITE", False) and "kg_store" in metafunc.fixturenames:
        fast = getattr(metafunc.module, "FAST_STORES", FAST_STORES)
        stores = [s if s in fast else pytest.param(s, marks=pytest.mark.slow) for s in STORES]
        metafunc.parametrize("kg_store", stores, indirect=True, scope="session")


@pytest.fixture(scope="session")
def kg_store(request) -> str:
    """The store the ``kg`` fixture lives in (``memory`` outside the shared suite)."""
    return getattr(request, "param", "memory")


@pytest.fixture(scope="session")
def kg(corpus, kg_store, tmp_path_factory):
    """The shipped graph, compiled with every quote re-checked against the corpus, in ``store``
    (a persistent Oxigraph store is filled, closed, and reopened without parsing)."""
    import spinekg

    store = kg_store
    if store == "oxigraph:disk":
        folder = tmp_path_factory.mktemp("store") / "kg"
        filled = spinekg.load(corpus=corpus, store=f"oxigraph:{folder}")
        assert filled.report.grounded
        filled.close()  # the tests use a store reopened from disk
        graph = spinekg.load(store=f"oxigraph:{folder}")
        assert graph.store.path == folder and graph.report is None
        return graph
    graph = spinekg.load(corpus=corpus, store=store)
    assert graph.report.grounded
    return graph


@pytest.fixture
def sources(tmp_path) -> Path:
    """A scratch copy of ontology/ and data/ that a test may break."""
    for name in ("ontology", "data"):
        shutil.copytree(ROOT / name, tmp_path / name)
    return tmp_path


def one_line_error(result) -> str:
    """A CLI result's error output: exactly one line, starting with 'spinekg: error:', no traceback."""
    err = result.stderr.strip()
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.startswith("spinekg: error:")]
    assert len(lines) == 1, err
    return lines[0]


def chromium_driver(width: int, height: int):
    """A headless Chromium (Debian's chromium and chromium-driver, which .ci/run installs) driven
    by Selenium, with a window of ``width`` x ``height``; the caller quits it."""
    import shutil

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                f"--window-size={width},{height}"):
        options.add_argument(arg)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium:
        options.binary_location = chromium
    return webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
