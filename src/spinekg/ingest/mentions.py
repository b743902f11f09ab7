"""Entity mentions: where a page names a spinekg entity or a term of the recognition lexicon.

The names come from three places, in this order of precedence:

1. spinekg's own terms: every class and individual of the graph with its ``rdfs:label`` and
   ``skos:altLabel`` (upper categories such as "treatment" are left out: too general to anchor a
   claim);
2. the recognition lexicon (:mod:`spinekg.model.lexicon`): labels and exact synonyms of UBERON,
   MONDO, HP, CL, ChEBI and MeSH terms. A lexicon term that a spinekg class maps to
   (``skos:exactMatch`` or ``closeMatch``) is a mention of that class; any other is a candidate
   new class, carried with its identifier as its mapping;
3. abbreviations the page defines: "mesenchymal stem cells (MSCs)" makes "MSCs" name what
   "mesenchymal stem cells" names, on that page only.

Matching is on :func:`~spinekg.model.lexicon.normalize_term` keys (case, plural, hyphen and
punctuation variants), longest match first, never across punctuation other than hyphens and
slashes. Acronyms (a name of up to six letters written in capitals) match only in capitals, so
"US" is the country and "us" is not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from spinekg.core.namespaces import SPK, SPKD
from spinekg.ingest.text import Token, tokens
from spinekg.model.lexicon import load_lexicon, normalize_term
from spinekg.model.vocabulary import entity_category, top_categories

__all__ = ["Mention", "Name", "NameIndex"]

_GAP_OK = re.compile(r"^[\s\-‐‑–/'’]*$")


@dataclass(frozen=True)
class Name:
    """One way of naming something: a spinekg entity (``entity``) or a lexicon term (``curie``)."""

    key: str
    entity: URIRef | None
    label: str
    category: str | None
    mappings: tuple[str, ...] = ()
    acronym: bool = False
    source: str = "spinekg"


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str
    name: Name

    @property
    def entity(self) -> URIRef | None:
        return self.name.entity

    @property
    def proposed_class(self) -> str | None:
        """For a lexicon term no spinekg class maps to: the name a new class for it would take."""
        if self.name.entity is not None or not self.name.mappings:
            return None
        words = re.findall(r"[A-Za-z0-9]+", self.name.label)
        name = "".join(w[:1].upper() + w[1:] for w in words)
        return name if name[:1].isalpha() else None

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "text": self.text,
                "entity": str(self.name.entity) if self.name.entity is not None else None,
                "label": self.name.label, "category": self.name.category, "mappings": list(self.name.mappings)}


def _is_acronym(term: str) -> bool:
    letters = re.sub(r"[^A-Za-z]", "", term)
    return 1 < len(letters) <= 6 and sum(c.isupper() for c in letters) >= len(letters) - 1 and term[:1].isupper()


def _local(iri) -> str:
    return str(iri).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


@dataclass
class NameIndex:
    """Normalised name -> the names it may stand for (spinekg entities before lexicon terms)."""

    names: dict[str, list[Name]] = field(default_factory=dict)
    max_tokens: int = 1

    def add(self, name: Name) -> None:
        if len(name.key) < 2:
            return
        bucket = self.names.setdefault(name.key, [])
        if any(n.entity == name.entity and n.mappings == name.mappings and n.acronym == name.acronym for n in bucket):
            return
        bucket.append(name)
        self.max_tokens = max(self.max_tokens, len(name.key.split()))

    @classmethod
    def from_graph(cls, graph: Graph, *, lexicon: bool = True, withhold: frozenset[str] = frozenset()) -> "NameIndex":
        """Names from ``graph`` (ontology + reference + curation, as compiled) and the lexicon.
        ``withhold``: normalised synonyms to leave out (the evaluation's unseen-page setting)."""
        index = cls()
        tops = set(top_categories(graph))
        category_of: dict[URIRef, str | None] = {}

        def category(node: URIRef) -> str | None:
            if node not in category_of:
                top = entity_category(graph, node, tops)
                category_of[node] = _local(top) if top is not None else None
            return category_of[node]

        candidates = set()
        for s in graph.subjects(RDFS.label, None):
            if isinstance(s, URIRef) and (str(s).startswith(str(SPK)) or str(s).startswith(str(SPKD))):
                candidates.add(s)
        mapped: dict[str, URIRef] = {}
        for s in sorted(candidates, key=str):
            if s in tops or str(s).startswith(str(SPKD) + "claim/") or str(s).startswith(str(SPKD) + "doc/"):
                continue
            cat = category(s)
            if cat is None or cat in ("Claim", "Document", "Statistic", "RegulatoryStatus", "ApprovalStatus",
                                      "EvidenceDirection", "ClaimQualifierValue", "ReferenceAssertion"):
                continue
            if (s, RDF.type, RDF.Property) in graph or str(s)[len(str(SPK)):][:1].islower():
                continue  # properties are not mentions
            label = str(graph.value(s, RDFS.label))
            for term, is_label in [(label, True)] + [(str(a), False) for a in graph.objects(s, SKOS.altLabel)]:
                key = normalize_term(term)
                if not is_label and key in withhold:
                    continue
                index.add(Name(key, s, label, cat, acronym=_is_acronym(term)))
            for pred in (SKOS.exactMatch, SKOS.closeMatch):
                for target in graph.objects(s, pred):
                    mapped.setdefault(str(target), s)
        if lexicon:
            for entry in load_lexicon().entries:
                key = normalize_term(entry.term)
                target = mapped.get(entry.iri)
                if target is not None:
                    if key in withhold:
                        continue
                    index.add(Name(key, target, str(graph.value(target, RDFS.label)), category(target),
                                   (entry.curie,), _is_acronym(entry.term), entry.source))
                else:
                    index.add(Name(key, None, entry.term, entry.category, (entry.curie,), _is_acronym(entry.term),
                                   entry.source))
        for bucket in index.names.values():  # spinekg entities first, then by IRI/CURIE: deterministic
            bucket.sort(key=lambda n: (n.entity is None, n.source != "spinekg", str(n.entity or ""), n.mappings))
        return index

    def names_of(self) -> dict[str, set[str]]:
        """Entity name (curation-file form) -> the normalised keys that name it."""
        out: dict[str, set[str]] = {}
        for key, names in self.names.items():
            for n in names:
                if n.entity is not None:
                    out.setdefault(_local(n.entity), set()).add(key)
        return out

    def with_abbreviations(self, text: str) -> "NameIndex":
        """A copy that also knows the abbreviations ``text`` defines: "long form (ABBR)" or
        "ABBR (long form)", when the long form is a known name."""
        out = NameIndex(dict(self.names), self.max_tokens)
        for m in re.finditer(r"\(([A-Za-z][A-Za-z0-9\-]{1,9})\)", text):
            abbr = m.group(1)
            if not _is_acronym(abbr.rstrip("s")):
                continue
            before = tokens(text, max(0, m.start() - 120), m.start())
            name = self._longest_ending(text, before)
            if name is not None:
                out.add(Name(normalize_term(abbr), name.entity, name.label, name.category, name.mappings, True,
                             "abbreviation"))
        return out

    def _longest_ending(self, text: str, toks: list[Token]) -> Name | None:
        for n in range(min(self.max_tokens, len(toks)), 0, -1):
            span = toks[-n:]
            names = self.names.get(normalize_term(text[span[0].start:span[-1].end]))
            if names:
                return names[0]
        return None

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[Mention]:
        """Every mention in ``text[start:end]``: longest match first, left to right, no overlaps."""
        toks = tokens(text, start, end)
        out: list[Mention] = []
        i = 0
        while i < len(toks):
            hit = None
            for n in range(min(self.max_tokens, len(toks) - i), 0, -1):
                span = toks[i:i + n]
                if n > 1 and not all(_GAP_OK.match(text[a.end:b.start]) for a, b in zip(span, span[1:])):
                    continue
                raw = text[span[0].start:span[-1].end]
                for name in self.names.get(normalize_term(raw), ()):
                    if name.acronym and not _is_acronym(raw.rstrip("s")):
                        continue
                    hit = Mention(span[0].start, span[-1].end, raw, name)
                    break
                if hit:
                    break
            if hit:
                out.append(hit)
                i += len(tokens(text, hit.start, hit.end))
            else:
                i += 1
        return out
