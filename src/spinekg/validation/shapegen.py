"""Generate the domain and range shapes (``shapes/spinekg-properties.ttl``) from the ontology.

Every object and datatype property the ontology declares gets SHACL shapes that check its
``rdfs:domain`` and ``rdfs:range``: the subject (and, for object properties, the object) of each
use must sit under one of the declared classes along the *category path*
``rdf:type?/rdfs:subClassOf*`` (entities are mostly classes, so ``sh:class`` alone would not
do), and a datatype property's values must have its range datatype.

The shapes file is generated, committed and checked by a test, so it never drifts from the
ontology: after changing a domain or range, run ``python -m spinekg.validation.shapegen > shapes/spinekg-properties.ttl``.
"""

from __future__ import annotations

import sys

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD

from spinekg.core.namespaces import bind_prefixes

__all__ = ["SH", "SPKSH", "property_shapes", "main"]

SH = Namespace("http://www.w3.org/ns/shacl#")
SPKSH = Namespace("https://w3id.org/spinekg/shapes#")

_HEADER = """\
# spinekg SHACL shapes: domain and range of every ontology property.
#
# GENERATED from ontology/ by `python -m spinekg.validation.shapegen > shapes/spinekg-properties.ttl`;
# do not edit by hand (tests/test_shapes.py fails when this file and the ontology disagree).
# "Is a treatment" is tested along rdf:type?/rdfs:subClassOf*, so classes (the graph states
# class-level edges) and individuals are checked alike.

"""


def _classes(ontology: Graph, node) -> list[URIRef]:
    """The named classes of a domain or range: one class, or the members of an owl:unionOf."""
    if isinstance(node, URIRef):
        return [node]
    union = ontology.value(node, OWL.unionOf)
    if union is not None:
        return [m for m in Collection(ontology, union) if isinstance(m, URIRef)]
    return []


def _label(ontology: Graph, node: URIRef) -> str:
    label = ontology.value(node, RDFS.label)
    return str(label) if label is not None else str(node).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _a(phrase: str) -> str:
    """``phrase`` with its indefinite article ("a treatment", "an anatomical entity")."""
    return ("an " if phrase[:1].lower() in "aeiou" else "a ") + phrase


def _local(node: URIRef) -> str:
    return str(node).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _category_path(g: Graph) -> BNode:
    """``( [sh:zeroOrOnePath rdf:type] [sh:zeroOrMorePath rdfs:subClassOf] )``."""
    step1, step2, head = BNode(), BNode(), BNode()
    g.add((step1, SH.zeroOrOnePath, RDF.type))
    g.add((step2, SH.zeroOrMorePath, RDFS.subClassOf))
    Collection(g, head, [step1, step2])
    return head


def _one_of(g: Graph, classes: list[URIRef]) -> BNode:
    shape, head = BNode(), BNode()
    Collection(g, head, list(classes))
    g.add((shape, SH["in"], head))
    return shape


def _category_check(g: Graph, ontology: Graph, prop: URIRef, classes: list[URIRef], role: str) -> None:
    """A node shape on the subjects (role 'subject') or objects of ``prop`` with one property shape."""
    name = _local(prop)
    suffix = "Domain" if role == "subject" else "Range"
    node_shape = SPKSH[f"{name}{suffix}"]
    prop_shape = SPKSH[f"{name}{suffix}Category"]
    prop_label = _label(ontology, prop)
    wanted = " or ".join(_label(ontology, c) for c in classes)
    wanted_iris = ", ".join(ontology.namespace_manager.normalizeUri(c) for c in classes)

    g.add((node_shape, RDF.type, SH.NodeShape))
    g.add((node_shape, RDFS.label, Literal(f"{role} of '{prop_label}'", lang="en")))
    g.add((node_shape, SH.targetSubjectsOf if role == "subject" else SH.targetObjectsOf, prop))
    g.add((node_shape, SH.property, prop_shape))
    if role == "object":
        g.add((node_shape, SH.nodeKind, SH.IRI))
    g.add((node_shape, SH.message, Literal(
        f"The {role} of '{prop_label}' must be an entity IRI that is {_a(wanted)}; fix the claim or the entity's category.",
        lang="en")))

    g.add((prop_shape, RDF.type, SH.PropertyShape))
    g.add((prop_shape, RDFS.label, Literal(f"{role} of '{prop_label}' is {_a(wanted)}", lang="en")))
    g.add((prop_shape, SH.name, Literal(f"{role} category")))
    g.add((prop_shape, SH.path, _category_path(g)))
    g.add((prop_shape, SH.qualifiedValueShape, _one_of(g, classes)))
    g.add((prop_shape, SH.qualifiedMinCount, Literal(1)))
    g.add((prop_shape, SH.message, Literal(
        f"The {role} of '{prop_label}' must be {_a(wanted)} ({wanted_iris}): a subclass or an instance of it. "
        f"Use another {role} in the claim, or file the entity under the right category (rdfs:subClassOf / rdf:type).",
        lang="en")))


def _datatype_check(g: Graph, ontology: Graph, prop: URIRef, datatype: URIRef) -> None:
    name = _local(prop)
    node_shape = SPKSH[f"{name}Value"]
    prop_shape = SPKSH[f"{name}ValueDatatype"]
    prop_label = _label(ontology, prop)
    dt = ontology.namespace_manager.normalizeUri(datatype)
    g.add((node_shape, RDF.type, SH.NodeShape))
    g.add((node_shape, RDFS.label, Literal(f"values of '{prop_label}'", lang="en")))
    g.add((node_shape, SH.targetSubjectsOf, prop))
    g.add((node_shape, SH.property, prop_shape))
    kind = "numbers (xsd:integer or xsd:decimal)" if datatype == XSD.decimal else f"{dt} literals"
    g.add((node_shape, SH.message, Literal(f"Values of '{prop_label}' must be {kind}.", lang="en")))
    g.add((prop_shape, RDF.type, SH.PropertyShape))
    g.add((prop_shape, RDFS.label, Literal(f"'{prop_label}' value is {dt}", lang="en")))
    g.add((prop_shape, SH.name, Literal(prop_label)))
    g.add((prop_shape, SH.path, prop))
    if datatype == XSD.decimal:
        # A whole number is written as an xsd:integer (a decimal to OWL and SPARQL), the only
        # form that rdflib's Turtle writer and Oxigraph both keep unchanged.
        g.add((prop_shape, SH["or"], _rdf_list(g, [_datatype_node(g, XSD.integer), _datatype_node(g, XSD.decimal)])))
        g.add((prop_shape, SH.message, Literal(
            f"The value of '{prop_label}' must be a number: an xsd:integer when whole (1000000), "
            "otherwise an xsd:decimal (0.5).", lang="en")))
        return
    g.add((prop_shape, SH.datatype, datatype))
    g.add((prop_shape, SH.message, Literal(
        f"The value of '{prop_label}' must be a literal of type {dt}; write it as such (for example \"...\"^^{dt}).",
        lang="en")))


def _datatype_node(g: Graph, datatype: URIRef) -> BNode:
    node = BNode(f"dt_{_local(datatype)}")
    g.add((node, SH.datatype, datatype))
    return node


def _rdf_list(g: Graph, items: list) -> BNode:
    head = BNode(f"list_{'_'.join(_local(g.value(i, SH.datatype)) for i in items)}")
    Collection(g, head, items)
    return head


def property_shapes(ontology: Graph) -> Graph:
    """Domain, range and datatype shapes for every property declared in ``ontology`` (pure)."""
    g = Graph()
    bind_prefixes(g)
    g.bind("sh", SH)
    g.bind("spksh", SPKSH)
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty):
        for prop in sorted(p for p in ontology.subjects(RDF.type, kind) if isinstance(p, URIRef)):
            for domain in ontology.objects(prop, RDFS.domain):
                classes = _classes(ontology, domain)
                if classes:
                    _category_check(g, ontology, prop, classes, "subject")
            for rng in ontology.objects(prop, RDFS.range):
                if kind == OWL.ObjectProperty:
                    classes = _classes(ontology, rng)
                    if classes:
                        _category_check(g, ontology, prop, classes, "object")
                elif isinstance(rng, URIRef) and (str(rng).startswith(str(XSD)) or rng == RDF.langString):
                    _datatype_check(g, ontology, prop, rng)
    return g


def render(ontology: Graph) -> str:
    """The generated shapes file's text (header comment + Turtle)."""
    return _HEADER + property_shapes(ontology).serialize(format="turtle")


def main() -> None:  # pragma: no cover - a developer command, exercised by the drift test
    from spinekg.model.compiler import load_ontology
    from spinekg.core.resources import resource_dir

    ontology = load_ontology(resource_dir("ontology"))
    sys.stdout.write(render(ontology))


if __name__ == "__main__":  # pragma: no cover
    main()
