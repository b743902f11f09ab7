"""Draft a page's claims: sentences, mentions, proposed claims with stance, all with exact offsets.

For each sentence, every ordered pair of mentions of spinekg entities (subject first, as English
puts it; the object first for passive wording such as "harvested from", "caused by") is tried
against the ontology's properties: a property is possible when the subject's category is under
its domain and the object's under its range. The wording chooses among them (:data:`CUES`): a
property with a cue between or around the two mentions wins; a property without cue words is
proposed only when it is the only one the categories allow and the pair is close (the nearest
object of its subject, within :data:`MAX_GAP` words). A sentence that opens with "It", "They",
"This treatment", ... and names no treatment takes the treatment last named.

Modality, negation and attribution come from :mod:`spinekg.ingest.context`. Every quote is the
sentence's text, with its offsets: exact by construction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

from spinekg.core.namespaces import SPK
from spinekg.ingest.context import modifiers
from spinekg.ingest.mentions import Mention, NameIndex
from spinekg.ingest.text import Sentence, sentences, tokens
from spinekg.model.vocabulary import OntologyIndex

__all__ = ["ProposedClaim", "Draft", "extract", "CUES", "MAX_GAP"]

MAX_GAP = 12

#: words that choose a property: (pattern, passive) -- a passive cue reads "object ... cue ... subject"
CUES: dict[str, list[tuple[str, bool]]] = {
    "treats": [(r"treat|relie[vf]|heal|help(?:s|ed)? (?:with|for|patients with)|for (?:the )?(?:treatment|relief)|"
                r"manag|address|alleviat|resolv|improv|repair|benefit|used for|option for|therapy for|ease|reduc|"
                r"fix|cure|target", False),
               (r"treated (?:with|by|using)|relieved by|benefit from|respond to", True)],
    "hasRisk": [(r"risk|side effect|complication|danger|adverse", False)],
    "hasReportedAdverseEvent": [(r"adverse event|reported|experienced", False)],
    "notSuitableFor": [(r"not (?:suitable|appropriate|a candidate|recommended)", False)],
    "reducesRiskOf": [(r"reduc\w* (?:the )?risk|lower\w* (?:the )?risk|prevent", False)],
    "causes": [(r"caus|lead|result|trigger|contribut|produc|develop|due to|because", False),
               (r"caused by|due to|result(?:s|ing)? from|stem(?:s|ming)? from|because of", True)],
    "hasSymptom": [(r"symptom|sign|feel|experience|include|such as|accompan|with", False)],
    "affects": [(r"affect|in the|of the|involv|impact|occur|locat|along|through|radiat|damag|wear", False)],
    "hasMechanism": [(r"by|through|via|work|promot|stimulat|reduc|releas|signal|encourag|trigger|mechanism|"
                      r"regenerat|repair|modulat|differentiat|secret|attract|recruit|activat", False)],
    "hasTherapeuticEffect": [(r"reduc|relie|improv|restor|increas|decreas|result|lead|help|provid|offer|"
                              r"benefit|effect|outcome|allow|enabl", False)],
    "hasCharacteristic": [(r"is|are|be|offer|provid|minimally|non|safe|natural|proven|experimental|new|novel|"
                           r"outpatient|quick|effective|simple", False)],
    "harvestedFrom": [(r"harvest|taken|drawn|collect|extract|obtain|derived|sourc|isolat|come from|from", False)],
    "hasCellSource": [(r"from|derived|sourc|harvest|obtain|taken|uses?|using|donor|own", False)],
    "usesCellType": [(r"uses?|using|with|contain|inject|deliver|rich|concentrat|employ", False)],
    "containsSubstance": [(r"contain|rich|release|secret|concentrat|growth factor|include|with|carry|full of", False)],
    "targetsAnatomy": [(r"inject|into|in the|at the|target|deliver|directly|to the|placed|treat", False)],
    "hasDeliveryRoute": [(r"inject|deliver|administ|route|into", False)],
    "guidedBy": [(r"guid|using|under|with|imag", False)],
    "requiresPractice": [(r"require|need|must|should|only|perform", False)],
    "hasProcedureStep": [(r"involv|step|process|first|then|after|before|procedure|includ|begin|start", False)],
    "detectedBy": [(r"detect|diagnos|show|reveal|see|identif|confirm|imag|scan", False),
                   (r"detected (?:by|with|on)|seen on|shown (?:by|on)|diagnosed (?:by|with)", True)],
    "differentiatesInto": [(r"differentiat|become|turn into|develop into|transform", False)],
    "alternativeTo": [(r"alternative|instead|rather than|avoid|versus|vs|compared", False)],
    "combinedWith": [(r"combin|along with|together|plus|in addition|alongside|paired", False)],
    "includes": [(r"includ|such as|like|type|form|kind|consist", False)],
    "hasPart": [(r"consist|contain|made (?:up )?of|compos|includ|has", False)],
    "partOf": [(r"part of|in the|of the|within|between", False)],
    "offers": [(r"offer|provid|perform|specializ|practic", False)],
    "locatedIn": [(r"in|located|based", False)],
}

#: properties proposed only with a cue (the categories alone allow them too often)
NEEDS_CUE = {"hasRisk", "hasReportedAdverseEvent", "notSuitableFor", "reducesRiskOf", "alternativeTo", "combinedWith",
             "includes", "hasPart", "partOf", "hasSymptom", "causes", "detectedBy", "differentiatesInto", "offers",
             "locatedIn", "hasProcedureStep", "requiresPractice"}
#: properties whose wording holds a negation ("not suitable for"), which therefore does not deny them
SELF_NEGATING = {"notSuitableFor"}
#: properties the extractor never proposes (document metadata, regulatory records, statistics)
NOT_PROPOSED = {"jurisdiction", "regulator", "appliesToUse", "exceptUse", "approvalStatus", "hasRegulatoryStatus",
                "hasStatistic", "statisticMeasure", "reportedBy", "precedes", "excludes", "evidenceDirection",
                "reportsStatistic", "statedIn", "hasSnapshot", "attribution", "modality", "anatomicalContext",
                "leadInSpan"}
_ANAPHOR = re.compile(r"^\s*(?:It|They|These|This|Such|The (?:procedure|treatment|therapy|injection|injections|"
                      r"cells))\b")
#: subject categories resolved from an anaphor (the last one named)
_ANAPHOR_CATEGORIES = ("Treatment", "CellType", "Substance")


@dataclass(frozen=True)
class ProposedClaim:
    subject: Mention
    predicate: URIRef
    predicate_label: str
    object: Mention
    sentence: Sentence
    modality: str
    hedge_cue: str | None
    negated: bool
    negation_cue: str | None
    attribution_source: str | None
    attribution_cue: str | None
    implicit_subject: bool = False

    def to_dict(self) -> dict:
        return {"subject": {"iri": str(self.subject.entity), "label": self.subject.name.label},
                "predicate": {"iri": str(self.predicate), "label": self.predicate_label},
                "object": {"iri": str(self.object.entity), "label": self.object.name.label},
                "quote": self.sentence.text, "start": self.sentence.start, "end": self.sentence.end,
                "modality": self.modality, "negated": self.negated,
                "attribution": {"source": self.attribution_source, "cue": self.attribution_cue}}


@dataclass
class Draft:
    """What the extractor proposes for one page (nothing of it is curated yet)."""

    document: dict
    text: str
    sentences: list[Sentence]
    mentions: list[Mention]
    claims: list[ProposedClaim] = field(default_factory=list)

    def to_dict(self) -> dict:
        document = {k: v for k, v in self.document.items() if k != "individuals"}
        return {"document": document, "mentions": [m.to_dict() for m in self.mentions],
                "claims": [c.to_dict() for c in self.claims]}


def _local(iri) -> str:
    return str(iri).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


class _Signatures:
    def __init__(self, graph: Graph):
        self.ix = OntologyIndex(graph)
        self.graph = graph
        self.props = []
        for p in sorted(self.ix.object_properties, key=str):
            name = _local(p)
            if not str(p).startswith(str(SPK)) or name in NOT_PROPOSED:
                continue
            domain, rng = self.ix.signature(p)
            if domain is None or rng is None:
                continue
            self.props.append((p, name, domain, rng, str(graph.value(p, RDFS.label) or name)))
        self._kinds: dict[URIRef, set[URIRef]] = {}

    def kinds(self, node: URIRef) -> set[URIRef]:
        if node not in self._kinds:
            types = set(self.graph.objects(node, RDFS.subClassOf)) | {node}
            from rdflib.namespace import RDF
            types |= set(self.graph.objects(node, RDF.type))
            out: set[URIRef] = set()
            for t in types:
                if isinstance(t, URIRef):
                    out |= self.ix.superclasses(t)
            self._kinds[node] = out
        return self._kinds[node]

    def allowed(self, s: URIRef, o: URIRef):
        ks, ko = self.kinds(s), self.kinds(o)
        return [(p, name, label) for p, name, domain, rng, label in self.props if ks & domain and ko & rng]


def _cue(name: str, between: str, around: str) -> tuple[bool, bool]:
    """(active cue found between the mentions, passive cue found)."""
    active = passive = False
    for pattern, is_passive in CUES.get(name, []):
        where = between if not is_passive else between
        if re.search(r"\b(?:" + pattern + r")", where, re.IGNORECASE):
            if is_passive:
                passive = True
            else:
                active = True
    return active, passive


def _stance(mods, a: Mention, b: Mention):
    """The negation and hedge triggers that bear on the relation between ``a`` and ``b``: a trigger
    between the two mentions whose scope reaches the second, or one before both whose scope
    covers both (ConText's forward scope); and the sentence's attribution triggers."""
    first, second = (a, b) if a.start <= b.start else (b, a)

    def bearing(kind):
        return [m for m in mods if m.kind == kind and (
            (first.end <= m.start < second.start and m.scope_end >= second.start)
            or (m.end <= first.start and m.scope_end >= second.end))]

    return bearing("negation"), bearing("hedge"), [m for m in mods if m.kind == "attribution"]


SHORT_ITEM = 10  # a sentence of at most this many words reads as a list item or heading


def _topic(mentions: list[Mention], sigs: "_Signatures") -> Mention | None:
    """The treatment the page names most (the first named among equals): what its list items are about."""
    counts: dict = {}
    first: dict = {}
    for m in mentions:
        if m.entity is not None and m.name.category == "Treatment":
            counts[m.entity] = counts.get(m.entity, 0) + 1
            first.setdefault(m.entity, m)
    if not counts:
        return None
    best = max(counts, key=lambda e: (counts[e], -first[e].start))
    return first[best]


def extract(text: str, graph: Graph, *, document: dict | None = None, index: NameIndex | None = None) -> Draft:
    """Propose the claims of ``text`` (pure: ``graph`` is the compiled spinekg graph; ``index``
    the names to recognise, by default the graph's and the lexicon's)."""
    index = (index or NameIndex.from_graph(graph)).with_abbreviations(text)
    sigs = _Signatures(graph)
    sents = sentences(text)
    topic = _topic(index.find(text), sigs)
    mentions: list[Mention] = []
    claims: list[ProposedClaim] = []
    seen: set[tuple] = set()
    last_subject: dict[str, Mention] = {}
    for sent in sents:
        found = index.find(text, sent.start, sent.end)
        mentions.extend(found)
        linked = [m for m in found if m.entity is not None]
        mods = modifiers(text, sent.start, sent.end)
        pairs = []
        for i, a in enumerate(linked):
            for b in linked[i + 1:]:
                if a.entity != b.entity:
                    pairs.append((a, b, False))
        implicit = None
        short = len(tokens(text, sent.start, sent.end)) <= SHORT_ITEM
        if not any(m.name.category in _ANAPHOR_CATEGORIES for m in linked[:1]):
            if _ANAPHOR.match(sent.text):
                for cat in _ANAPHOR_CATEGORIES:
                    if cat in last_subject:
                        implicit = last_subject[cat]
                        break
            elif topic is not None and not any(m.name.category == "Treatment" for m in linked):
                implicit = topic  # a list item, heading or sentence of a page about one treatment
            if implicit is not None:
                for b in linked:
                    if b.entity != implicit.entity:
                        pairs.append((implicit, b, True))
        for a, b, is_implicit in pairs:
            between = text[a.end:b.start] if not is_implicit else text[sent.start:b.start]
            n_between = len(tokens(between))
            options = sigs.allowed(a.entity, b.entity)
            reverse = sigs.allowed(b.entity, a.entity)
            chosen = None
            for p, name, label in sorted(options, key=lambda o: o[1] not in NEEDS_CUE):  # specific cues first
                active, _passive = _cue(name, between + " " + b.text, sent.text)
                if active and (n_between <= MAX_GAP * 2):
                    chosen = (a, p, label, b)
                    break
            if chosen is None:
                for p, name, label in reverse:
                    _active, passive = _cue(name, between, sent.text)
                    if passive:
                        chosen = (b, p, label, a)
                        break
            if chosen is None:
                plain = [(p, name, label) for p, name, label in options if name not in NEEDS_CUE]
                if len(plain) == 1 and n_between <= MAX_GAP and (not is_implicit or short):
                    p, name, label = plain[0]
                    chosen = (a, p, label, b)
            if chosen is None:
                continue
            s, p, label, o = chosen
            key = (s.entity, p, o.entity, sent.start)
            if key in seen:
                continue
            seen.add(key)
            neg, hedge, attribution = _stance(mods, s, o)
            if _local(p) in SELF_NEGATING:  # "not suitable for" carries its negation
                neg = []
            source = None
            if attribution:
                m = attribution[0]
                named = [x for x in found if m.start <= x.start and x.end <= m.end and x.name.category == "Organization"]
                source = named[0].name.label if named else None
            claims.append(ProposedClaim(
                s, p, label, o, sent, "hedged" if hedge else "asserted", hedge[0].cue if hedge else None,
                bool(neg), neg[0].cue if neg else None, source, attribution[0].cue if attribution else None,
                is_implicit and s is implicit))
        for m in linked:
            if m.name.category in _ANAPHOR_CATEGORIES:
                last_subject[m.name.category] = m
    return Draft(dict(document or {}), text, sents, mentions, claims)
