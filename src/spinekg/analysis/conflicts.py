"""Where pages disagree: one conflict analysis, one finding per conflicting relation.

Each kind of conflict is one rule, a SPARQL file of the query library (``queries/conflict-*.rq``)
that returns, in long format, the claims on each side of each conflicting relation::

    subject  predicate  object  side  claim  [status]

``side`` is ``"a"`` (the claims that state the relation) or ``"b"`` (the claims of other pages
that conflict with it). The rules are the definitions: ``spinekg query conflict-contradiction``
prints the same rows that ``spinekg conflicts --kind contradiction`` groups. :func:`find_conflicts`
runs the rules, groups their rows into one :class:`Finding` per (kind, relation), reads each
claim's document, quote, offsets, modality and attribution, and for regulatory findings says for
every promoting page whether it lies in the regulator's jurisdiction, outside it, or at an
unknown location (never assumed; the rule computes it, column ``jurisdiction_state``).

The same rules are the conflict warnings of ``spinekg validate``: ``shapes/spinekg-conflicts.ttl``
is generated from them (:mod:`spinekg.validation.conflictshapes`), one shape per kind whose
target is the rule's side "a", so ``validate``, ``conflicts`` and ``query`` cannot disagree.

How class-level claims are read (every rule follows it; each rule's Question says it for its
kind): a page's "S p O" about classes is generic, it says what S, as the pages offer it,
typically does or is; it is neither "every S" nor a statement about one patient. So:

* a denial contradicts an assertion about the same subject, a kind of it or a class it belongs to,
  when the asserted object is the denied one or a kind of it (not a broader one);
* a regulator's statement about a class of products, or about their cell source, covers each of
  its kinds, for every use that is a kind of a use it names and not of one of its exceptions;
* evidence against the efficacy of a class speaks against each of its kinds; evidence about one
  kind is not taken as evidence about the whole class;
* a risk listed for a class is a risk of its kinds, and a risk of one kind tells against calling
  the class safe;
* a finding is reported only between different pages: a page's own hedges and caveats are not a
  conflict.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from rdflib import URIRef

from spinekg.core.errors import UnknownNameError
from spinekg.core.namespaces import RDF, SCHEMA, SPK
from spinekg.core.terms import curie, label_of

__all__ = ["KINDS", "Rule", "Finding", "Side", "Quote", "PageRef", "find_conflicts"]


@dataclass(frozen=True)
class Rule:
    """One kind of conflict: its rule (a library query) and what its two sides are called."""

    kind: str
    query: str
    title: str
    side_a: str
    side_b: str


#: The kinds of conflict, in the order reports list them.
KINDS: dict[str, Rule] = {rule.kind: rule for rule in (
    Rule("contradiction", "conflict-contradiction", "one page asserts what another denies", "asserts", "denies"),
    Rule("regulatory", "conflict-regulatory", "a page promotes a use a regulator does not approve or permit",
         "promotes", "regulator's statement"),
    Rule("efficacy-evidence", "conflict-efficacy-evidence",
         "a page claims efficacy; another reports evidence against it", "claims efficacy", "evidence against"),
    Rule("safety-risk", "conflict-safety-risk", "a page calls a treatment safe; another lists its risks",
         "says safe", "lists risks"),
    Rule("track-record", "conflict-track-record",
         "a page calls a treatment proven; another calls it new, experimental or unproven", "proven", "unproven"),
    Rule("product-rule", "conflict-product-rule",
         "a page's rule for products, or a regulator's, against a product another page offers", "rule", "offered"),
    Rule("exclusive-status", "conflict-exclusive-status",
         "two pages report a regulator's statuses that exclude each other", "reports", "reports otherwise"),
)}

JURISDICTION_STATES = ("in jurisdiction", "outside jurisdiction", "location unknown")


@dataclass(frozen=True)
class PageRef:
    """A document, by file name and title, with where its publisher is (when the page says)."""

    file: str
    label: str
    publisher: str | None = None
    country: str | None = None


@dataclass(frozen=True)
class Quote:
    """One claim on one side: the document's words and where they are."""

    claim: str
    document: PageRef
    text: str
    start: int | None
    end: int | None
    subject: str
    predicate: str
    object: str
    kind: str           # assertion, recommendation, evidence
    modality: str       # asserted, hedged
    negated: bool
    direction: str | None
    attribution: str | None  # who the page attributes it to, if anyone

    def to_dict(self) -> dict:
        return {"claim": self.claim, "document": self.document.file, "title": self.document.label,
                "quote": self.text, "start": self.start, "end": self.end,
                "relation": [self.subject, self.predicate, self.object], "kind": self.kind,
                "modality": self.modality, "negated": self.negated, "direction": self.direction,
                "attribution": self.attribution}


@dataclass(frozen=True)
class Side:
    label: str
    quotes: tuple[Quote, ...]

    @property
    def documents(self) -> tuple[PageRef, ...]:
        seen: dict[str, PageRef] = {}
        for q in self.quotes:
            seen.setdefault(q.document.file, q.document)
        return tuple(seen[k] for k in sorted(seen))


@dataclass(frozen=True)
class Finding:
    """One conflicting relation of one kind, with the claims on both sides."""

    kind: str
    subject: str
    predicate: str
    object: str
    labels: tuple[str, str, str]
    a: Side
    b: Side
    #: regulatory findings: the regulator, its jurisdiction, and each promoting page's state
    regulator: str | None = None
    jurisdiction: str | None = None
    pages: dict[str, str] = field(default_factory=dict)
    status: str | None = None

    @property
    def documents(self) -> tuple[str, ...]:
        return tuple(sorted({d.file for d in self.a.documents} | {d.file for d in self.b.documents}))

    @property
    def title(self) -> str:
        return KINDS[self.kind].title

    def sort_key(self):
        return (-len(self.documents), list(KINDS).index(self.kind), self.labels, self.status or "")

    def to_dict(self) -> dict:
        out = {"kind": self.kind, "title": self.title,
               "relation": {"subject": self.subject, "predicate": self.predicate, "object": self.object,
                            "labels": list(self.labels)},
               "documents": list(self.documents),
               "sides": [{"side": side.label, "documents": [d.file for d in side.documents],
                          "quotes": [q.to_dict() for q in side.quotes]} for side in (self.a, self.b)]}
        if self.kind == "regulatory":
            out["regulatory"] = {"status": self.status, "regulator": self.regulator,
                                 "jurisdiction": self.jurisdiction, "pages": dict(sorted(self.pages.items()))}
        return out


def find_conflicts(kg, kinds: Iterable[str] | None = None, *, document: URIRef | None = None,
                   entity: URIRef | None = None) -> list[Finding]:
    """Every conflict of ``kinds`` (default: all), one :class:`Finding` per conflicting relation,
    sorted by how many documents it involves (most first). ``document``: only findings with a
    claim of that document; ``entity``: only findings whose relation names it (as subject or
    object) or a kind of it."""
    wanted = list(KINDS) if kinds is None else list(kinds)
    for kind in wanted:
        if kind not in KINDS:
            raise UnknownNameError(f"unknown conflict kind {kind!r}; known kinds: {', '.join(KINDS)}")
    reader = _Reader(kg)
    found: list[Finding] = []
    for kind in wanted:
        rule = KINDS[kind]
        groups: dict[tuple, dict[str, list]] = defaultdict(lambda: {"a": [], "b": []})
        states: dict[tuple, dict] = defaultdict(dict)  # regulatory: the promoting claim's page's state
        for row in kg.query(rule.query):
            key = (row["subject"], row["predicate"], row["object"], row.get("status"))
            groups[key][str(row["side"])].append(row["claim"])
            if row.get("jurisdiction_state") is not None and str(row["side"]) == "a":
                states[key][row["claim"]] = str(row["jurisdiction_state"])
        for (s, p, o, status), sides in groups.items():
            if not sides["a"] or not sides["b"]:
                continue
            label_a, label_b = rule.side_a, rule.side_b
            if kind == "product-rule" and p == SPK.hasRegulatoryStatus:  # a regulator's rule, not a page's
                label_a, label_b = "offered", "regulator's statement"
            finding = Finding(kind, str(s), str(p), str(o), (reader.label(s), reader.label(p), reader.label(o)),
                              Side(label_a, reader.quotes(sides["a"])), Side(label_b, reader.quotes(sides["b"])),
                              **(reader.regulatory(status, states[(s, p, o, status)]) if status is not None else {}))
            if document is not None and str(document) not in {reader.document_iri(c) for c in sides["a"] + sides["b"]}:
                continue
            if entity is not None and not ({reader.graph_iri(s), reader.graph_iri(o)} & reader.kinds_of(entity)):
                continue
            found.append(finding)
    return sorted(found, key=Finding.sort_key)


class _Reader:
    """Reads claims, documents and places from the graph, each once."""

    def __init__(self, kg):
        self.kg = kg
        self.g = kg.graph
        self._pages: dict = {}
        self._labels: dict = {}
        self._claims: dict | None = None
        self._curies: dict = {}

    def label(self, node) -> str:
        if node not in self._labels:
            self._labels[node] = label_of(self.g, node) if isinstance(node, URIRef) else str(node)
        return self._labels[node]

    @staticmethod
    def graph_iri(node) -> URIRef | None:
        return node if isinstance(node, URIRef) else None

    def kinds_of(self, entity: URIRef) -> set:
        from rdflib.namespace import RDFS
        return {entity} | set(self.g.transitive_subjects(RDFS.subClassOf, entity))

    def document_iri(self, claim) -> str:
        return str(self.g.value(claim, SPK.statedIn))

    def page(self, doc) -> PageRef:
        if doc not in self._pages:
            g = self.g
            name = str(g.value(doc, SPK.fileName) or doc)
            publisher = g.value(doc, SCHEMA.publisher)
            country = None
            if publisher is not None:
                for place in g.transitive_objects(publisher, SPK.locatedIn):
                    if place != publisher and (place, RDF.type, SPK.Country) in g:
                        country = place
                        break
            self._pages[doc] = PageRef(name, label_of(g, doc), str(publisher) if publisher is not None else None,
                                       str(country) if country is not None else None)
        return self._pages[doc]

    def curie(self, node) -> str:
        if node not in self._curies:
            self._curies[node] = curie(node)
        return self._curies[node]

    def _details(self) -> dict:
        """Every claim's document, quote, offsets, relation and stance, read once with the library
        query ``claim-details`` (one query instead of a dozen lookups per claim)."""
        if self._claims is None:
            self._claims = {row["claim"]: row for row in self.kg.query("claim-details")}
        return self._claims

    def quotes(self, claims: list) -> tuple[Quote, ...]:
        details = self._details()
        out = []
        for claim in sorted(set(claims), key=str):
            row = details[claim]
            obj, direction, source = row["object"], row.get("direction"), row.get("source")
            out.append(Quote(
                claim=str(claim), document=self.page(row["document"]), text=str(row["quote"]),
                start=int(row["start"]) if row.get("start") is not None else None,
                end=int(row["end"]) if row.get("end") is not None else None,
                subject=self.curie(row["subject"]), predicate=self.curie(row["predicate"]),
                object=self.curie(obj) if isinstance(obj, URIRef) else str(obj), kind=str(row["kind"]),
                modality="hedged" if row["modality"] == SPK.Hedged else "asserted",
                negated=bool(row["negated"].toPython()),
                direction=self.label(direction) if direction is not None else None,
                attribution=(self.label(source) if source is not None
                             else str(row["attribution"]) if row.get("attribution") is not None else None)))
        out.sort(key=lambda q: (q.document.file, q.start or 0, q.claim))
        return tuple(out)

    def regulatory(self, status, states: dict) -> dict:
        """The regulator and jurisdiction of ``status``, and where each promoting page stands
        (``states``: claim -> the state the rule computed for its page)."""
        g = self.g
        jurisdiction = g.value(status, SPK.jurisdiction)
        regulator = g.value(status, SPK.regulator)
        pages = {self.page(g.value(claim, SPK.statedIn)).file: state for claim, state in states.items()}
        return {"status": str(status), "regulator": label_of(g, regulator) if regulator is not None else None,
                "jurisdiction": label_of(g, jurisdiction) if jurisdiction is not None else None, "pages": pages}
