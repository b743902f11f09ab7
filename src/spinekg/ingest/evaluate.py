"""How good the drafts are: precision and recall against the curated pages, leave-one-document-out.

For each curated page, the extractor drafts it as if it were new: the synonyms that only this page's
curation introduced are withheld from the names it knows. A synonym (``skos:altLabel``) counts as
introduced by a page when its normalised form occurs in that page's text and in no other curated
page's text (the ontology records no per-synonym provenance; this is the closest reading of "only
that page's curation introduced"). Labels and the lexicon stay: they name terms for any page.

What is scored, per page and overall (micro-averaged):

* **mentions**: the (entity, statement) pairs of the curation (each entity a claim of the statement
  relates) whose entity the quote names by one of its names (label, synonym, or a lexicon term
  mapped to it; withheld ones included), against the extractor's mentions inside the quote. An
  entity the quote does not name ("they", a list item under a heading) cannot be a mention; it
  still counts for the claims. Mentions outside every curated quote are not scored: the curation
  does not say what they are.
* **claims**: the set of (subject, predicate, object) the page's curation states, for the
  properties the extractor proposes and between named entities (not the page itself, literals,
  statistics or regulatory records), against the set the draft proposes.
* **stance** on the claims found in both: modality (asserted or hedged), negation, and attribution
  (whether the claim is reported as someone else's), the share the draft gets right.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib.namespace import SKOS

from spinekg.ingest.drafts import entity_name
from spinekg.ingest.extract import NOT_PROPOSED, extract
from spinekg.ingest.mentions import NameIndex
from spinekg.model.compiler import build
from spinekg.model.lexicon import normalize_term
from spinekg.model.vocabulary import OntologyIndex

__all__ = ["Scores", "Evaluation", "evaluate", "render_evaluation", "TARGETS"]

#: the targets of the issue that introduced the extractor
TARGETS = {"mention recall": 0.85, "mention precision": 0.8, "claim recall": 0.5, "claim precision": 0.5,
           "modality": 0.9, "negation": 0.9}


@dataclass
class Scores:
    mention_tp: int = 0
    mention_gold: int = 0
    mention_found: int = 0
    mention_found_right: int = 0
    claim_tp: int = 0
    claim_gold: int = 0
    claim_found: int = 0
    modality_right: int = 0
    negation_right: int = 0
    attribution_right: int = 0
    stance_total: int = 0
    implicit: int = 0
    seconds: float = 0.0

    def add(self, other: "Scores") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @staticmethod
    def _ratio(a: int, b: int) -> float | None:
        return a / b if b else None

    def figures(self) -> dict[str, float | None]:
        return {"mention precision": self._ratio(self.mention_found_right, self.mention_found),
                "mention recall": self._ratio(self.mention_tp, self.mention_gold),
                "claim precision": self._ratio(self.claim_tp, self.claim_found),
                "claim recall": self._ratio(self.claim_tp, self.claim_gold),
                "modality": self._ratio(self.modality_right, self.stance_total),
                "negation": self._ratio(self.negation_right, self.stance_total),
                "attribution": self._ratio(self.attribution_right, self.stance_total)}


@dataclass
class Evaluation:
    pages: dict[str, Scores] = field(default_factory=dict)
    withheld: dict[str, int] = field(default_factory=dict)

    @property
    def overall(self) -> Scores:
        total = Scores()
        for s in self.pages.values():
            total.add(s)
        return total


def _texts(corpus: Path, files) -> dict[str, str]:
    return {f: (corpus / f"{f}.txt").read_text(encoding="utf-8") for f in files}


def evaluate(data_dir: Path, corpus_dir: Path) -> Evaluation:
    """Leave-one-document-out evaluation of :func:`~spinekg.ingest.extract.extract` on the curated pages."""
    from spinekg.core.resources import resource_dir
    from rdflib import Graph

    result = build(resource_dir("ontology"), Path(data_dir), Path(corpus_dir))
    graph = Graph()
    for t in result.ontology:
        graph.add(t)
    for t in result.data:
        graph.add(t)
    from spinekg.model.compiler import load_sources

    _reference, docs = load_sources(Path(data_dir))
    texts = _texts(Path(corpus_dir), [d.file for d in docs])
    normalised = {f: " " + normalize_term(t) + " " for f, t in texts.items()}
    synonyms = {normalize_term(str(o)) for o in graph.objects(None, SKOS.altLabel)}
    props = {entity_name(p) for p in OntologyIndex(graph).object_properties}
    evaluation = Evaluation()
    full = NameIndex.from_graph(graph)
    for doc in docs:
        others = [normalised[d.file] for d in docs if d.file != doc.file]
        withhold = frozenset(s for s in synonyms if f" {s} " in normalised[doc.file]
                             and not any(f" {s} " in o for o in others))
        evaluation.withheld[doc.file] = len(withhold)
        index = NameIndex.from_graph(graph, withhold=withhold)
        names = full.names_of()
        start = time.perf_counter()
        draft = extract(texts[doc.file], graph, document={"file": doc.file}, index=index)
        scores = Scores(seconds=time.perf_counter() - start)
        _score(doc, draft, scores, props, names)
        evaluation.pages[doc.file] = scores
    return evaluation


def _in_scope(claim, props) -> bool:
    return (claim.predicate not in NOT_PROPOSED and claim.predicate in props and claim.subject != "this"
            and isinstance(claim.object, str) and claim.object != "this" and claim.kind == "assertion"
            and not claim.predicate.startswith(("schema", "is")) and claim.predicate not in ("isA",))


def _named(quote: str, entity: str, names: dict[str, set[str]]) -> bool:
    padded = f" {normalize_term(quote)} "
    return any(f" {key} " in padded for key in names.get(entity, ()))


def _score(doc, draft, scores: Scores, props, names: dict[str, set[str]]) -> None:
    gold_claims: dict[tuple, list] = defaultdict(list)
    gold_mentions: set[tuple] = set()
    statement_entities: list[tuple[int, int, set]] = []
    for st in doc.statements:
        entities = set()
        for c in st.claims:
            if not _in_scope(c, props):
                continue
            gold_claims[(c.subject, c.predicate, c.object)].append(c)
            entities |= {c.subject, c.object}
        if entities:
            statement_entities.append((st.start, st.end, entities))
            gold_mentions |= {(e, st.start, st.end) for e in entities if _named(st.quote, e, names)}
            scores.implicit += sum(1 for e in entities if not _named(st.quote, e, names))
    found_mentions = set()
    for m in draft.mentions:
        if m.entity is None:
            continue
        name = entity_name(m.entity)
        covering = [(a, b, ents) for a, b, ents in statement_entities if a <= m.start and m.end <= b]
        if not covering:
            continue
        scores.mention_found += 1
        if any(name in ents for _, _, ents in covering):
            scores.mention_found_right += 1
        found_mentions |= {(name, a, b) for a, b, _ in covering}
    scores.mention_gold += len(gold_mentions)
    scores.mention_tp += len(gold_mentions & found_mentions)
    proposed: dict[tuple, list] = defaultdict(list)
    for c in draft.claims:
        proposed[(entity_name(c.subject.entity), entity_name(c.predicate), entity_name(c.object.entity))].append(c)
    scores.claim_gold += len(gold_claims)
    scores.claim_found += len(proposed)
    for key in set(proposed) & set(gold_claims):
        scores.claim_tp += 1
        p, golds = proposed[key][0], gold_claims[key]
        scores.stance_total += 1
        scores.modality_right += any(g.modality == p.modality for g in golds)
        scores.negation_right += any(g.negated == p.negated for g in golds)
        scores.attribution_right += any((g.attribution_cue is not None) == (p.attribution_cue is not None) for g in golds)


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def render_evaluation(evaluation: Evaluation, fmt: str = "text") -> str:
    """A table: one row per page and the overall figures, with the targets."""
    if fmt == "json":
        import json

        return json.dumps({"pages": {f: {**s.figures(), "seconds": round(s.seconds, 3),
                                         "withheld_synonyms": evaluation.withheld[f]}
                                     for f, s in evaluation.pages.items()},
                           "overall": evaluation.overall.figures(), "targets": TARGETS}, indent=2) + "\n"
    columns = ["mention precision", "mention recall", "claim precision", "claim recall", "modality", "negation",
               "attribution"]
    header = ["page", "withheld", *columns, "seconds"]
    rows = [[f, str(evaluation.withheld[f]), *(_pct(s.figures()[c]) for c in columns), f"{s.seconds:.2f}"]
            for f, s in evaluation.pages.items()]
    overall = evaluation.overall
    rows.append(["overall", str(sum(evaluation.withheld.values())), *(_pct(overall.figures()[c]) for c in columns),
                 f"{overall.seconds:.2f}"])
    rows.append(["target", "", *(f">= {TARGETS[c]:.2f}" if c in TARGETS else "" for c in columns), ""])
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    counts = (f"\nmentions: {overall.mention_tp} of {overall.mention_gold} curated (entity, statement) pairs found "
              f"({overall.implicit} more pairs name no entity in the quote), "
              f"{overall.mention_found_right} of {overall.mention_found} mentions in curated quotes right; claims: "
              f"{overall.claim_tp} of {overall.claim_gold} curated found, {overall.claim_found} proposed.\n")
    return "\n".join(lines) + "\n" + counts
