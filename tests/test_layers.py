"""The package's imports point down its layers: no cycle, nothing below the CLI imports it, no
module borrows another module's private (underscore) names.

The imports are read from the source with :mod:`ast` (every import, including those inside
functions, which run later but still tie the modules together), so the check needs nothing but
the standard library. The layers, bottom to top, are listed in :data:`LAYERS`; the README's
Layout section draws the same picture.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "spinekg"

#: bottom to top; a module may import its own subpackage and anything in a lower layer
LAYERS = [
    "core",        # plumbing: errors, namespaces, resources, atomic files, RDF syntaxes, terms, cache
    "model",       # the model and the build: curation files, grounding, the compiler, the vocabulary, the lexicon
    "ingest",      # new pages: reading and adding them, drafting their claims, evaluating the drafts
    "store",       # where the graph lives: rdflib memory or Oxigraph
    "query",       # SPARQL engines, the competency-question library, result formats, endpoints
    "traversal",   # entities, claims, paths, subgraphs, networkx, statistics
    "analysis",    # analyses across pages: conflicts (rules are library queries)
    "validation",  # pyshacl, the SHACL-to-SPARQL engine, shape generation, reports
    "export",      # one module per visualizer format
    "kg",          # KnowledgeGraph: the facade over the jobs, and load()
    "synthetic",   # synthetic corpora for the scale benchmark (built through the facade)
    "cli",         # the command line, one module per command group
    "",            # the package itself (spinekg/__init__.py, __main__.py): the public API
]


def _module_name(path: Path) -> str:
    parts = ("spinekg",) + path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imports(module: str) -> list[tuple[str, list[str], int]]:
    """``(imported module, names, line)`` for every spinekg import in ``module``; a name that is
    itself a submodule (``from spinekg.cli import graph``) counts as importing that submodule."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(a.name, [], node.lineno) for a in node.names if a.name.split(".")[0] == "spinekg"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "spinekg":
                continue
            names = [a.name for a in node.names]
            subs = [f"{target}.{n}" for n in names if f"{target}.{n}" in MODULES]
            rest = [n for n in names if f"{target}.{n}" not in MODULES]
            found += [(s, [], node.lineno) for s in subs]
            if rest or not subs:
                found.append((target, rest, node.lineno))
    return found


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] != "__main__" else ""


def import_graph() -> dict[str, set[str]]:
    return {m: {t for t, _, _ in imports(m) if t in MODULES and t != m} for m in MODULES}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle (a list of modules, first repeated at the end), or ``None``."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def test_every_module_is_in_a_layer():
    assert {_layer(m) for m in MODULES} <= set(LAYERS), sorted({_layer(m) for m in MODULES} - set(LAYERS))


def test_no_import_cycle():
    assert find_cycle(import_graph()) is None, " -> ".join(find_cycle(import_graph()) or [])


def test_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_imports_point_down():
    wrong = []
    for module in MODULES:
        here = LAYERS.index(_layer(module))
        for target, _, line in imports(module):
            there = LAYERS.index(_layer(target))
            if there > here or (there == here and _layer(target) != _layer(module)):
                wrong.append(f"{MODULES[module].relative_to(PACKAGE)}:{line}: {module} imports {target} from a layer above")
    assert not wrong, "\n".join(wrong)


def test_only_the_cli_imports_the_cli():
    wrong = [f"{m} imports {t}" for m in MODULES if _layer(m) not in ("cli", "")
             for t, _, _ in imports(m) if _layer(t) == "cli"]
    assert not wrong, wrong


def test_no_private_names_across_modules():
    wrong = [f"{MODULES[m].relative_to(PACKAGE)}:{line}: {name} from {t}"
             for m in MODULES for t, names, line in imports(m) if t != m
             for name in names if name.startswith("_") and not name.startswith("__")]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_is_too_long(module):
    lines = len(MODULES[module].read_text().splitlines())
    assert lines <= 700, f"{MODULES[module].relative_to(PACKAGE)}: {lines} lines; split it along its seams"
