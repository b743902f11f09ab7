"""Generate the conflict shapes (``shapes/spinekg-conflicts.ttl``) from the conflict rules.

Each kind of conflict is written once, as a rule of the query library (``queries/conflict-*.rq``,
listed in :data:`spinekg.analysis.conflicts.KINDS`). ``spinekg conflicts`` groups the rule's rows
into findings; ``spinekg query conflict-...`` prints them; and ``spinekg validate`` reports them
through the shapes generated here, one SHACL node shape per kind:

* its target (a SHACL-AF ``sh:SPARQLTarget``) is the rule itself, embedded as a sub-select, keeping
  the claims of side "a" (the claims that state the conflicting relation): one warning per claim,
  never one per pair of claims;
* its SPARQL constraint only names the claim's page and relation, and the message says how to see
  both sides (``spinekg conflicts --kind K --document D``);
* a rule with a ``jurisdiction_state`` column (regulatory) gets two shapes: a warning for pages in
  the regulator's jurisdiction or at an unknown location, and an ``sh:Info`` for pages outside it
  (reported as information, never dropped).

The file is generated, committed and checked by a test (tests/test_conflicts.py), so it never
drifts from the rules: after changing a rule, run
``python -m spinekg.validation.conflictshapes > shapes/spinekg-conflicts.ttl``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from spinekg.analysis.conflicts import KINDS, Rule
from spinekg.core.errors import ShapesError
from spinekg.core.namespaces import bind_prefixes
from spinekg.validation.shapegen import SH, SPKSH
from spinekg.validation.sparql.text import blank_literals, split_prologue

__all__ = ["conflict_shapes", "render", "main"]

#: the shapes graph node whose sh:declare the generated queries use (shapes/spinekg-core.ttl)
PREFIXES = URIRef("https://w3id.org/spinekg/shapes")
STATE = "jurisdiction_state"
OUTSIDE = "outside jurisdiction"

_HEADER = """\
# spinekg SHACL shapes: the conflicts between pages, one shape per kind of conflict.
#
# GENERATED from the conflict rules (queries/conflict-*.rq) by
# `python -m spinekg.validation.conflictshapes > shapes/spinekg-conflicts.ttl`; do not edit by hand
# (tests/test_conflicts.py fails when this file and the rules disagree). Each shape's target is
# its rule, keeping the claims of side "a"; `spinekg conflicts` shows both sides of each finding.

"""


def _camel(kind: str) -> str:
    return "".join(part.capitalize() for part in kind.split("-"))


def rule_body(text: str, declared: dict[str, str], where: str) -> str:
    """The rule's SELECT without its PREFIX lines (each must be one the shapes declare), its
    whole-line comments and its final ORDER BY."""
    prefixes, body = split_prologue(text, where)
    for prefix, iri in prefixes.items():
        if declared.get(prefix) != iri:
            raise ShapesError(f"{where}: PREFIX {prefix}: <{iri}> is not declared in the shapes graph "
                              f"({PREFIXES} sh:declare); declare it there or use a declared prefix")
    blanked = blank_literals(body)
    closing = blanked.rfind("}")
    tail = re.fullmatch(r"\s*(ORDER\s+BY\b[\s\S]*)?", blanked[closing + 1:], re.IGNORECASE)
    if closing < 0 or tail is None:
        raise ShapesError(f"{where}: a conflict rule must end with its WHERE group and an optional ORDER BY")
    lines = [line for line in body[:closing + 1].splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return "\n".join(lines)


def _indent(text: str, spaces: int) -> str:
    return "\n".join(" " * spaces + line for line in text.splitlines())


def _target(body: str, condition: str) -> str:
    return ("\n        SELECT DISTINCT (?claim AS ?this) WHERE {\n          {\n" + _indent(body, 12) +
            f"\n          }}\n          FILTER ({condition})\n        }}")


def _constraint(place: bool) -> str:
    """The claim's page and relation, by label (and where the page's publisher is located)."""
    lines = ["SELECT $this ?document ?subjectLabel ?predicateLabel ?objectLabel" + (" ?place" if place else "") + " WHERE {",
             "  $this spk:statedIn ?doc ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .",
             "  ?doc spk:fileName ?document .",
             "  OPTIONAL { ?s rdfs:label ?sl } OPTIONAL { ?p rdfs:label ?pl } OPTIONAL { ?o rdfs:label ?ol }",
             "  BIND (COALESCE(?sl, STR(?s)) AS ?subjectLabel)",
             "  BIND (COALESCE(?pl, STR(?p)) AS ?predicateLabel)",
             "  BIND (COALESCE(?ol, STR(?o)) AS ?objectLabel)"]
    if place:
        lines += ["  OPTIONAL { ?doc schema:publisher/spk:locatedIn+ ?country . ?country a spk:Country ; rdfs:label ?countryLabel . }",
                  '  BIND (IF(BOUND(?countryLabel), CONCAT("its publisher is located in ", STR(?countryLabel)),',
                  '           "its publisher\'s location is unknown") AS ?place)']
    return "\n" + _indent("\n".join(lines + ["}"]), 12)


def _shape(g: Graph, rule: Rule, body: str, *, outside: bool | None) -> None:
    name = f"{_camel(rule.kind)}Conflict" + ("OutsideJurisdiction" if outside else "")
    shape = SPKSH[name]
    condition = '?side = "a"'
    if outside is not None:
        condition += f' && ?{STATE} {"=" if outside else "!="} "{OUTSIDE}"'
    label = f"conflict between pages: {rule.title}" + (" (the page is outside the regulator's jurisdiction)"
                                                        if outside else "")
    g.add((shape, RDF.type, SH.NodeShape))
    g.add((shape, RDFS.label, Literal(label, lang="en")))
    g.add((shape, RDFS.comment, Literal(f"Generated from queries/{rule.query}.rq; see `spinekg conflicts --kind "
                                        f"{rule.kind}`.", lang="en")))
    g.add((shape, SH.severity, SH.Info if outside else SH.Warning))
    target = BNode(f"{name}Target")
    g.add((shape, SH.target, target))
    g.add((target, RDF.type, SH.SPARQLTarget))
    g.add((target, SH.prefixes, PREFIXES))
    g.add((target, SH.select, Literal(_target(body, condition))))
    constraint = BNode(f"{name}Constraint")
    g.add((shape, SH.sparql, constraint))
    where = (" ({?place}, outside the regulator's jurisdiction: information, not a warning)" if outside
             else " ({?place})" if outside is not None else "")
    g.add((constraint, SH.message, Literal(
        f"{{?document}} {rule.side_a}: {{?subjectLabel}} {{?predicateLabel}} {{?objectLabel}}. Another page "
        f"conflicts with it: {rule.title}{where}. Both sides, with their quotes: "
        f"spinekg conflicts --kind {rule.kind} --document {{?document}}", lang="en")))
    g.add((constraint, SH.prefixes, PREFIXES))
    g.add((constraint, SH.select, Literal(_constraint(outside is not None))))


def declared_prefixes(shapes: Graph) -> dict[str, str]:
    """The prefixes the shapes graph declares on :data:`PREFIXES` (sh:declare)."""
    return {str(shapes.value(d, SH.prefix)): str(shapes.value(d, SH.namespace))
            for d in shapes.objects(PREFIXES, SH.declare)}


def conflict_shapes(library, declared: dict[str, str]) -> Graph:
    """One shape per kind of conflict (two for a rule with a jurisdiction state), from the rules
    of ``library`` (pure)."""
    g = Graph()
    bind_prefixes(g)
    g.bind("sh", SH)
    g.bind("spksh", SPKSH)
    for rule in KINDS.values():
        spec = library[rule.query]
        body = rule_body(spec.text, declared, f"queries/{rule.query}.rq")
        if STATE in spec.columns:
            _shape(g, rule, body, outside=False)
            _shape(g, rule, body, outside=True)
        else:
            _shape(g, rule, body, outside=None)
    return g


def render(library, declared: dict[str, str]) -> str:
    """The generated shapes file's text (header comment + Turtle)."""
    return _HEADER + conflict_shapes(library, declared).serialize(format="turtle")


def main() -> None:  # pragma: no cover - a developer command, exercised by the drift test
    from spinekg.core.resources import resource_dir
    from spinekg.query.library import load_library

    core = Graph().parse(Path(resource_dir("shapes")) / "spinekg-core.ttl")
    sys.stdout.write(render(load_library(), declared_prefixes(core)))


if __name__ == "__main__":  # pragma: no cover
    main()
