"""Compare two spinekg graphs by their claims: what was added, removed, or changed stance.

A claim is identified by its :class:`ClaimKey`: the document that states it (``spk:statedIn`` /
``spk:fileName``), its subject, predicate and object (``rdf:subject``, ``rdf:predicate``,
``rdf:object``) and its kind (``spk:AssertionClaim``, ``spk:RecommendationClaim`` or
``spk:EvidenceClaim``). Its IRI is not used: it carries the quote's offsets, which move when a page
changes. Its :class:`Stance` is ``biolink:negated``, ``spk:modality`` and ``spk:evidenceDirection``.

One key may have several claims (the same relation stated by several sentences of a page): they
are compared as a group, whose stance is the set of its claims' stances. The graphs are read with
one pass per property (rdflib triple lookups), never claim by claim.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from rdflib import BNode, Literal

from spinekg.core.namespaces import BIOLINK, PREFIXES, RDF, RDFS, SPK

__all__ = ["ClaimKey", "Stance", "ClaimGroup", "StanceChange", "GraphDiff", "CLAIM_KINDS", "claim_groups",
           "diff_graphs", "render_text", "render_json", "curie"]

#: the claim classes and the kind names used in keys
CLAIM_KINDS = {SPK.AssertionClaim: "assertion", SPK.RecommendationClaim: "recommendation",
               SPK.EvidenceClaim: "evidence"}


class ClaimKey(NamedTuple):
    """What identifies a claim across versions. Terms are IRIs; a literal object is written in
    N3 (``"Stem Cell Therapy"``), a blank node as ``_:id``."""

    document: str
    subject: str
    predicate: str
    object: str
    kind: str


class Stance(NamedTuple):
    """How a claim is held: negated or not, its modality and, for evidence, its direction
    (local names of the spk individuals, lower case: ``asserted``, ``hedged``, ``supports``)."""

    negated: bool
    modality: str
    direction: str

    def text(self) -> str:
        """``negated, hedged, refutes`` (the parts that are set)."""
        parts = (["negated"] if self.negated else []) + [self.modality or "no modality"]
        return ", ".join(parts + ([self.direction] if self.direction else []))


@dataclass(frozen=True)
class ClaimGroup:
    """The claims of one graph with one key: their stances, quotes, labels and IRIs (each sorted)."""

    key: ClaimKey
    stances: tuple[Stance, ...]
    quotes: tuple[str, ...]
    labels: tuple[str, ...]
    claims: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"key": self.key._asdict(), "stances": [s._asdict() for s in self.stances],
                "quotes": list(self.quotes), "labels": list(self.labels), "claims": list(self.claims)}


@dataclass(frozen=True)
class StanceChange:
    """A key in both graphs whose stances differ."""

    old: ClaimGroup
    new: ClaimGroup

    @property
    def key(self) -> ClaimKey:
        return self.new.key

    def to_dict(self) -> dict:
        return {"key": self.key._asdict(), "old": self.old.to_dict(), "new": self.new.to_dict()}


@dataclass(frozen=True)
class GraphDiff:
    """Claims added, removed and with a changed stance, each sorted by key; ``compared`` is the
    number of keys in both graphs."""

    added: tuple[ClaimGroup, ...]
    removed: tuple[ClaimGroup, ...]
    changed: tuple[StanceChange, ...]
    compared: int = 0

    @property
    def differs(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    def summary(self) -> str:
        """One line: ``3 claim differences: 1 added, 1 removed, 1 changed stance (250 compared)``."""
        if not self.differs:
            return f"no claim differences ({self.compared} claim keys in both graphs)"
        n = len(self.added) + len(self.removed) + len(self.changed)
        return (f"{n} claim difference{'' if n == 1 else 's'}: {len(self.added)} added, {len(self.removed)} removed, "
                f"{len(self.changed)} changed stance ({self.compared} claim keys in both graphs)")

    def to_dict(self) -> dict:
        return {"added": [g.to_dict() for g in self.added], "removed": [g.to_dict() for g in self.removed],
                "changed": [c.to_dict() for c in self.changed],
                "counts": {"added": len(self.added), "removed": len(self.removed), "changed": len(self.changed),
                           "compared": self.compared}}


def _term(term) -> str:
    if isinstance(term, Literal):
        return term.n3()
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _local(term) -> str:
    """``spk:Hedged`` -> ``hedged``; another IRI stays whole."""
    if term is None:
        return ""
    text = str(term)
    return text[len(str(SPK)):].lower() if text.startswith(str(SPK)) else text


def _negated(values) -> bool:
    return any(str(v).strip().lower() in ("true", "1") for v in values)


def _values(graph, predicate, nodes) -> dict:
    """``{node: [objects]}`` of ``predicate`` for the nodes in ``nodes`` (one pass)."""
    found = defaultdict(list)
    for s, o in graph.subject_objects(predicate):
        if s in nodes:
            found[s].append(o)
    return found


def claim_groups(graph) -> dict[ClaimKey, ClaimGroup]:
    """The claims of ``graph`` (an rdflib Graph, or anything with a ``.graph`` such as a
    KnowledgeGraph) grouped by key."""
    graph = getattr(graph, "graph", graph)
    kinds: dict = defaultdict(list)
    for cls, kind in CLAIM_KINDS.items():
        for node in graph.subjects(RDF.type, cls):
            kinds[node].append(kind)
    if not kinds:
        return {}
    props = {name: _values(graph, p, kinds) for name, p in (
        ("doc", SPK.statedIn), ("s", RDF.subject), ("p", RDF.predicate), ("o", RDF.object),
        ("negated", BIOLINK.negated), ("modality", SPK.modality), ("direction", SPK.evidenceDirection),
        ("quote", BIOLINK.supporting_text), ("label", RDFS.label))}
    file_names = {doc: str(name) for doc, name in graph.subject_objects(SPK.fileName)}
    parts: dict = defaultdict(lambda: (set(), set(), set(), set()))
    for node, node_kinds in kinds.items():
        docs = sorted(file_names.get(d, _term(d)) for d in props["doc"].get(node, ()))
        stance = Stance(_negated(props["negated"].get(node, ())),
                        min((_local(m) for m in props["modality"].get(node, ())), default=""),
                        min((_local(d) for d in props["direction"].get(node, ())), default=""))
        for doc in docs or [""]:
            for s in props["s"].get(node, ()) or [None]:
                for p in props["p"].get(node, ()) or [None]:
                    for o in props["o"].get(node, ()) or [None]:
                        for kind in node_kinds:
                            key = ClaimKey(doc, _term(s) if s is not None else "", _term(p) if p is not None else "",
                                           _term(o) if o is not None else "", kind)
                            stances, quotes, labels, iris = parts[key]
                            stances.add(stance)
                            quotes.update(str(q) for q in props["quote"].get(node, ()))
                            labels.update(str(lab) for lab in props["label"].get(node, ()))
                            iris.add(_term(node))
    return {key: ClaimGroup(key, tuple(sorted(st)), tuple(sorted(q)), tuple(sorted(lab)), tuple(sorted(i)))
            for key, (st, q, lab, i) in parts.items()}


def diff_graphs(old_graph, new_graph) -> GraphDiff:
    """Compare the claims of two graphs (rdflib Graphs or KnowledgeGraphs) by key and stance."""
    old, new = claim_groups(old_graph), claim_groups(new_graph)
    both = old.keys() & new.keys()
    return GraphDiff(
        added=tuple(new[k] for k in sorted(new.keys() - old.keys())),
        removed=tuple(old[k] for k in sorted(old.keys() - new.keys())),
        changed=tuple(StanceChange(old[k], new[k]) for k in sorted(both) if old[k].stances != new[k].stances),
        compared=len(both))


_NAMESPACES = sorted(((str(ns), prefix) for prefix, ns in PREFIXES.items()), key=lambda p: (-len(p[0]), p[1]))


def curie(term: str) -> str:
    """An IRI written with the spinekg prefixes (``spk:StemCell``); other terms unchanged."""
    for ns, prefix in _NAMESPACES:
        if term.startswith(ns) and len(term) > len(ns):
            return f"{prefix}:{term[len(ns):]}"
    return term


def _shorten(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1].rstrip() + "…"


def _head(sign: str, key: ClaimKey) -> str:
    return f"{sign} {key.document}  {curie(key.subject)} {curie(key.predicate)} {curie(key.object)}  [{key.kind}]"


def _details(group: ClaimGroup, width: int, what: str = "") -> list[str]:
    lines = [f"    label: {label}" for label in group.labels]
    return lines + [f"    {what}quote: \"{_shorten(q, width)}\"" for q in group.quotes]


def render_text(diff: GraphDiff, *, width: int = 100) -> str:
    """The differences as text: one block per claim key (head line, labels, quotes shortened to
    ``width``), added, removed, then changed stance; the summary line last."""
    lines = []
    for title, groups, sign in (("added", diff.added, "+"), ("removed", diff.removed, "-")):
        if groups:
            lines.append(f"{title} ({len(groups)}):")
        for group in groups:
            lines.append(f"{_head(sign, group.key)}  {'; '.join(s.text() for s in group.stances)}")
            lines += _details(group, width)
    if diff.changed:
        lines.append(f"changed stance ({len(diff.changed)}):")
    for change in diff.changed:
        old = "; ".join(s.text() for s in change.old.stances)
        new = "; ".join(s.text() for s in change.new.stances)
        lines.append(f"{_head('~', change.key)}  {old} -> {new}")
        lines += [f"    label: {label}" for label in sorted(set(change.old.labels) | set(change.new.labels))]
        if change.old.quotes == change.new.quotes:
            lines += [f"    quote: \"{_shorten(q, width)}\"" for q in change.new.quotes]
        else:
            lines += [f"    old quote: \"{_shorten(q, width)}\"" for q in change.old.quotes]
            lines += [f"    new quote: \"{_shorten(q, width)}\"" for q in change.new.quotes]
    lines.append(diff.summary())
    return "\n".join(lines) + "\n"


def render_json(diff: GraphDiff) -> str:
    """The differences as JSON (sorted keys, full quotes and IRIs)."""
    return json.dumps(diff.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
