"""Benchmark: spinekg's negation and hedge rules against medspaCy's ConText on the curated pages.

The unit is one curated claim of kind ``assertion`` (a statement with three claims is three
units). Gold: the claim's ``negated`` and ``modality == "hedged"``. Both systems get the same text
and the same concept span:

- text: the page's sentences (``spinekg.ingest.text.sentences``) that overlap the statement's
  quote, usually one sentence (``--unit quote`` gives the quote alone instead);
- concept: the claim's object where the quote names it (a ``NameIndex`` mention of the object's
  entity, the page's abbreviations included), else a mention of a sub- or superclass of it;
  otherwise a fallback, counted in the report: the last mention of any name in the quote, else
  the quote's last word. The subject, for spinekg's ``_stance``, is found the same way; missing, a
  zero-width mention at the start of the text stands in (as the extractor does for a list item's
  implicit subject).

Systems:

- ``spinekg _stance``: ``context.modifiers`` on each sentence and ``extract._stance`` on the
  (subject, object) pair, exactly as ``spinekg extract`` decides a proposed claim's stance (a
  ``notSuitableFor`` predicate carries its own negation);
- ``spinekg scope``: the same triggers, counted when a trigger's scope covers the object span
  (ConText's own rule, ``context.covering``), the like-for-like comparison with medspaCy;
- ``medspaCy ConText``: medspacy 1.3.1 with its default ConText rules on a blank English pipeline
  (medspaCy tokenizer, PyRuSH sentence splitter), the object span given as the one entity;
  negated = ``ent._.is_negated``, hedged = ``ent._.is_uncertain or ent._.is_hypothetical``.

Run time per page: the median of ``--repeat`` runs, of (a) the page's units and (b) a whole-page
pass (every sentence of the page, no concepts needed; medspaCy: ``nlp(page)``).

    python benchmarks/bench_context.py [--unit sentence|quote] [--repeat 5]
        [--examples 10] [--output benchmarks/results/context.md]

Needs medspacy (``pip install medspacy==1.3.1``, which pins spaCy < 3.8 and numpy < 2: a separate
virtual environment keeps the project's own numpy) and the page texts (``SPINEKG_CORPUS``).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Span:
    """A stand-in mention: what ``_stance`` reads of one (start, end)."""

    start: int
    end: int


@dataclass
class Unit:
    file: str
    line: int
    quote: str
    quote_start: int
    quote_end: int
    subject: str
    predicate: str
    object: str
    gold_neg: bool
    gold_hedge: bool
    gold_neg_cue: str | None
    gold_hedge_cue: str | None
    text_start: int = 0          # the text both systems read: page[text_start:text_end]
    text_end: int = 0
    sentences: list = field(default_factory=list)   # (start, end) page spans inside it
    obj: Span | None = None
    obj_how: str = ""            # "object", "last mention", "last word"
    subj: Span | None = None
    # predictions: system -> (negated, hedged, negation cues, hedge cues)
    pred: dict = field(default_factory=dict)


def _local(iri) -> str:
    return str(iri).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _commit() -> str:
    """The checkout's commit, read from .git without running git."""
    git = ROOT / ".git"
    try:
        head = (git / "HEAD").read_text().strip()
        if not head.startswith("ref: "):
            return head[:7]
        ref = head[5:]
        path = git / ref
        if path.exists():
            return path.read_text().strip()[:7]
        for line in (git / "packed-refs").read_text().splitlines():
            if line.endswith(" " + ref):
                return line.split()[0][:7]
    except OSError:
        pass
    return "unknown"


def load_units(data_dir: Path, corpus: Path, unit: str):
    from spinekg.ingest.text import sentences
    from spinekg.model.compiler import load_sources

    _reference, docs = load_sources(data_dir)
    pages, units = {}, []
    for doc in docs:
        text = (corpus / f"{doc.file}.txt").read_text(encoding="utf-8")
        if text.startswith("\ufeff"):
            text = text[1:]
        sents = sentences(text)
        pages[doc.file] = (text, [(s.start, s.end) for s in sents])
        for st in doc.statements:
            if text[st.start:st.end] != st.quote:
                raise SystemExit(f"{doc.file}: quote at {st.start} does not match the page text; wrong corpus?")
            if unit == "sentence":
                over = [(s.start, s.end) for s in sents if s.start < st.end and st.start < s.end]
            else:
                over = [(st.start, st.end)]
            for cl in st.claims:
                if cl.kind != "assertion":
                    continue
                units.append(Unit(
                    doc.file, cl.source.line, st.quote, st.start, st.end, cl.subject, cl.predicate,
                    cl.object if isinstance(cl.object, str) else f"literal {cl.object.value!s}",
                    bool(cl.negated), cl.modality == "hedged", cl.negation_cue, cl.cue,
                    over[0][0], over[-1][1], over))
    return pages, units


def find_spans(pages, units, graph) -> None:
    """The object (and subject) span of every unit, from the quote's mentions."""
    from rdflib import URIRef
    from rdflib.namespace import RDFS

    from spinekg.ingest.mentions import NameIndex
    from spinekg.ingest.text import tokens

    base = NameIndex.from_graph(graph)
    indexes = {}
    by_local = {}
    for node in set(graph.subjects(RDFS.subClassOf, None)) | set(graph.objects(RDFS.subClassOf, None)):
        if isinstance(node, URIRef):
            by_local.setdefault(_local(node), node)
    kin_cache = {}

    def kin(name: str) -> set[str]:
        """The local names of the object's sub- and superclasses (a narrower or broader mention)."""
        if name not in kin_cache:
            node = by_local.get(name)
            out = set()
            if node is not None:
                out = {_local(n) for n in graph.transitive_objects(node, RDFS.subClassOf)}
                out |= {_local(n) for n in graph.transitive_subjects(RDFS.subClassOf, node)}
                out -= {name, "Thing", "Resource"}
            kin_cache[name] = out
        return kin_cache[name]

    for u in units:
        text = pages[u.file][0]
        if u.file not in indexes:
            indexes[u.file] = base.with_abbreviations(text)
        found = indexes[u.file].find(text, u.quote_start, u.quote_end)
        named = [m for m in found if m.entity is not None and _local(m.entity) == u.object]
        related = [m for m in found if m.entity is not None and _local(m.entity) in kin(u.object)]
        if named:
            u.obj, u.obj_how = Span(named[0].start, named[0].end), "object"
        elif related:
            u.obj, u.obj_how = Span(related[0].start, related[0].end), "related"
        elif found:
            u.obj, u.obj_how = Span(found[-1].start, found[-1].end), "last mention"
        else:
            last = tokens(text, u.quote_start, u.quote_end)[-1]
            u.obj, u.obj_how = Span(last.start, last.end), "last word"
        others = [m for m in found if m.entity is not None and (m.start, m.end) != (u.obj.start, u.obj.end)]
        subj = ([m for m in others if _local(m.entity) == u.subject]
                or [m for m in others if _local(m.entity) in kin(u.subject)])
        u.subj = Span(subj[0].start, subj[0].end) if subj else Span(u.text_start, u.text_start)


# ------------------------------------------------------------------------------------------
# The systems
# ------------------------------------------------------------------------------------------

def spinekg_units(pages, units) -> None:
    from spinekg.ingest.context import covering, modifiers
    from spinekg.ingest.extract import SELF_NEGATING, _stance

    for u in units:
        text = pages[u.file][0]
        mods = [m for a, b in u.sentences for m in modifiers(text, a, b)]
        neg, hedge, _attribution = _stance(mods, u.subj, u.obj)
        if u.predicate in SELF_NEGATING:
            neg = []
        u.pred["spinekg _stance"] = (bool(neg), bool(hedge), [m.cue for m in neg], [m.cue for m in hedge])
        neg = covering(mods, "negation", u.obj.start, u.obj.end)
        hedge = covering(mods, "hedge", u.obj.start, u.obj.end)
        u.pred["spinekg scope"] = (bool(neg), bool(hedge), [m.cue for m in neg], [m.cue for m in hedge])


def medspacy_pipeline():
    import medspacy

    try:  # PyRuSH logs every sentence at DEBUG through loguru: megabytes of stderr, and time
        from loguru import logger
        logger.disable("PyRuSH")
    except ImportError:
        pass
    return medspacy.load(medspacy_enable=["medspacy_tokenizer", "medspacy_pyrush", "medspacy_context"])


def medspacy_doc(nlp, text: str, spans=()):
    """``text`` through the pipeline, with ``spans`` (character offsets into ``text``) as the
    entities ConText modifies."""
    doc = nlp.make_doc(text)
    for name, proc in nlp.pipeline:
        if name == "medspacy_context":
            ents = [doc.char_span(a, b, label="CONCEPT", alignment_mode="expand") for a, b in spans]
            doc.ents = [e for e in ents if e is not None]
        doc = proc(doc)
    return doc


def medspacy_units(nlp, pages, units) -> int:
    missing = 0
    for u in units:
        text = pages[u.file][0][u.text_start:u.text_end]
        doc = medspacy_doc(nlp, text, [(u.obj.start - u.text_start, u.obj.end - u.text_start)])
        if not doc.ents:
            missing += 1
            u.pred["medspaCy ConText"] = (False, False, [], [])
            continue
        ent = doc.ents[0]
        def cues(*categories):
            return [doc[m.modifier_span[0]:m.modifier_span[1]].text for m in ent._.modifiers
                    if m.category in categories]

        neg_cues = cues("NEGATED_EXISTENCE")
        hedge_cues = cues("POSSIBLE_EXISTENCE", "HYPOTHETICAL")
        u.pred["medspaCy ConText"] = (bool(ent._.is_negated), bool(ent._.is_uncertain or ent._.is_hypothetical),
                                      neg_cues, hedge_cues)
        u.pred["medspaCy uncertain only"] = (bool(ent._.is_negated), bool(ent._.is_uncertain), neg_cues, hedge_cues)
    return missing


# ------------------------------------------------------------------------------------------
# Timing
# ------------------------------------------------------------------------------------------

def _median(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def timings(nlp, pages, units, repeat: int) -> dict:
    """file -> {(system, "units"/"page"): seconds}."""
    from spinekg.ingest.context import modifiers
    from spinekg.ingest.extract import _stance

    out = {}
    for file, (text, sents) in pages.items():
        mine = [u for u in units if u.file == file]

        def spinekg_units_run():
            for u in mine:
                _stance([m for a, b in u.sentences for m in modifiers(text, a, b)], u.subj, u.obj)

        def medspacy_units_run():
            for u in mine:
                medspacy_doc(nlp, text[u.text_start:u.text_end], [(u.obj.start - u.text_start, u.obj.end - u.text_start)])

        out[file] = {
            "units": len(mine), "chars": len(text), "sentences": len(sents),
            ("spinekg", "units"): _median(spinekg_units_run, repeat),
            ("medspaCy", "units"): _median(medspacy_units_run, repeat),
            ("spinekg", "page"): _median(lambda: [modifiers(text, a, b) for a, b in sents], repeat),
            ("medspaCy", "page"): _median(lambda: nlp(text), repeat),
        }
    return out


# ------------------------------------------------------------------------------------------
# Scores and report
# ------------------------------------------------------------------------------------------

def confusion(units, system: str, which: int) -> dict:
    c = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    for u in units:
        gold = u.gold_neg if which == 0 else u.gold_hedge
        got = u.pred[system][which]
        c[("t" if gold == got else "f") + ("p" if got else "n")] += 1
    p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
    r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
    c.update(p=p, r=r, f1=2 * p * r / (p + r) if p + r else 0.0, acc=(c["tp"] + c["tn"]) / len(units))
    return c


def _short(text: str, limit: int = 150) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _marked(page: str, u: Unit) -> str:
    """The quote with the concept span in [brackets], shortened around it."""
    a, b = max(u.obj.start, u.quote_start), min(u.obj.end, u.quote_end)
    if not (u.quote_start <= a < b <= u.quote_end):
        return _short(u.quote).replace("|", "\\|")
    before, inside, after = page[u.quote_start:a], page[a:b], page[b:u.quote_end]
    before = re.sub(r"\s+", " ", before).lstrip()
    after = re.sub(r"\s+", " ", after).rstrip()
    if len(before) > 90:
        before = "…" + before[-89:]
    if len(after) > 40:
        after = after[:39] + "…"
    return f"{before}[{' '.join(inside.split())}]{after}".replace("|", "\\|")


def _cues(cues) -> str:
    return ", ".join(f"“{c}”" for c in cues) if cues else "—"


def examples(pages, units, limit: int) -> list[tuple[str, Unit]]:
    """Deterministic disagreements between spinekg _stance and medspaCy: alternating the
    aspects where medspaCy is right and where spinekg is, negation first, in page order."""
    groups = {}
    for u in units:
        for which, aspect in ((0, "negation"), (1, "hedge")):
            gold = u.gold_neg if which == 0 else u.gold_hedge
            own, med = u.pred["spinekg _stance"][which], u.pred["medspaCy ConText"][which]
            if own != med:
                winner = "spinekg" if own == gold else "medspaCy"
                groups.setdefault((aspect, winner), []).append(u)
    order = [("negation", "medspaCy"), ("negation", "spinekg"), ("hedge", "medspaCy"), ("hedge", "spinekg")]
    picked, seen = [], set()
    while len(picked) < limit and any(groups.get(k) for k in order):
        for k in order:
            while groups.get(k):
                u = groups[k].pop(0)
                key = (u.file, u.quote_start, u.obj.start, k[0])
                if key in seen:
                    continue
                seen.add(key)
                picked.append((k, u))
                break
            if len(picked) >= limit:
                break
    return picked


SYSTEMS = ["spinekg _stance", "spinekg scope", "medspaCy ConText"]


def render(args, pages, units, missing_ents, times, quote_scores, versions, load_s, load_avg) -> str:
    n = len(units)
    how = {k: sum(u.obj_how == k for u in units) for k in ("object", "related", "last mention", "last word")}
    implicit = sum(u.subj.start == u.subj.end for u in units)
    gold_neg = sum(u.gold_neg for u in units)
    gold_hedge = sum(u.gold_hedge for u in units)
    outside = {
        "negation": sum(u.gold_neg and (u.gold_neg_cue or "") not in pages[u.file][0][u.text_start:u.text_end]
                        for u in units),
        "hedge": sum(u.gold_hedge and (u.gold_hedge_cue or "") not in pages[u.file][0][u.text_start:u.text_end]
                     for u in units),
    }
    cmd = "python benchmarks/bench_context.py"
    if args.unit != "sentence":
        cmd += f" --unit {args.unit}"
    if args.repeat != 5:
        cmd += f" --repeat {args.repeat}"
    lines = [
        "# Negation and hedging: spinekg's rules against medspaCy's ConText",
        "",
        f"Command: `{cmd}` (with `SPINEKG_CORPUS` pointing at the page texts{versions['venv']}).",
        "",
        f"Versions: spinekg {versions['spinekg']} (commit {versions['commit']}), medspacy {versions['medspacy']}, "
        f"spacy {versions['spacy']}, Python {platform.python_version()}.",
        "",
        f"Machine: {os.cpu_count()} CPUs ({platform.machine()}, {platform.system()}), load average "
        f"{load_avg[0]:.2f}, {load_avg[1]:.2f}, {load_avg[2]:.2f} at the start (another benchmark may share it), "
        f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC.",
        "",
        "## Setup",
        "",
        f"- Units: the {n} curated claims of kind `assertion` in {len(pages)} pages' statements (recommendations "
        f"and evidence claims left out). Gold: {gold_neg} negated (`negated: true`), {gold_hedge} hedged "
        f"(`modality: hedged`).",
        f"- Text read by both systems: {'the page sentences overlapping the quote' if args.unit == 'sentence' else 'the quote alone'}. "
        f"Gold cues outside that text (in a list item's lead-in), which neither system can see: "
        f"{outside['negation']} negation, {outside['hedge']} hedge.",
        f"- Concept span (the same for both): the object's mention in the quote for {how['object']} units, "
        f"a mention of a narrower or broader class of it for {how['related']} (\"neck pain\" for ChronicNeckPain); "
        f"no object span, scored on a fallback, for {how['last mention'] + how['last word']}: the quote's last "
        f"mention {how['last mention']}, its last word {how['last word']} (objects left implicit in a heading or "
        "list item, named in words the name index lacks, statistics, literal objects, document metadata). "
        f"Subject mention not found in the quote (spinekg `_stance` uses a zero-width mention at the start of "
        f"the text, as for a list item's implicit subject): {implicit}.",
        "- spinekg `_stance`: `context.modifiers` on each sentence, `extract._stance(subject, object)`: a trigger "
        "between the two mentions whose scope reaches the second, or one before both whose scope covers both "
        "(what `spinekg extract` writes); `notSuitableFor` carries its own negation.",
        "- spinekg scope: the same triggers, counted when one's forward scope covers the object span "
        "(`context.covering`), ConText's own rule.",
        "- medspaCy ConText: `medspacy.load(medspacy_enable=[tokenizer, pyrush, context])` (blank English "
        f"pipeline, the {versions['rules']} default ConText rules), the concept span set as the doc's one entity; negated = "
        "`ent._.is_negated`; hedged = `ent._.is_uncertain or ent._.is_hypothetical` "
        "(POSSIBLE_EXISTENCE or HYPOTHETICAL modifiers)."
        + (f" Concept spans medspaCy's tokens could not hold: {missing_ents} (scored as neither)." if missing_ents else ""),
        "",
        "## Scores",
        "",
        "| system | aspect | precision | recall | F1 | accuracy | TP | FP | FN | TN |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for which, aspect in ((0, "negation"), (1, "hedge")):
        for system in SYSTEMS + ([] if which == 0 else ["medspaCy uncertain only"]):
            c = confusion(units, system, which)
            lines.append(f"| {system} | {aspect} | {c['p']:.3f} | {c['r']:.3f} | {c['f1']:.3f} | {c['acc']:.3f} "
                         f"| {c['tp']} | {c['fp']} | {c['fn']} | {c['tn']} |")
    spanned = [u for u in units if u.obj_how in ("object", "related")]
    lines += ["", f"The same on the {len(spanned)} units with an object span (no fallback): precision / recall / F1 and accuracy "
                  f"({sum(u.gold_neg for u in spanned)} negated, {sum(u.gold_hedge for u in spanned)} hedged):", "",
              "| system | negation P / R / F1 | negation accuracy | hedge P / R / F1 | hedge accuracy |",
              "|---|---:|---:|---:|---:|"]
    for system in SYSTEMS:
        neg, hedge = confusion(spanned, system, 0), confusion(spanned, system, 1)
        lines.append(f"| {system} | {neg['p']:.3f} / {neg['r']:.3f} / {neg['f1']:.3f} | {neg['acc']:.3f} "
                     f"| {hedge['p']:.3f} / {hedge['r']:.3f} / {hedge['f1']:.3f} | {hedge['acc']:.3f} |")
    if quote_scores:
        lines += ["", "Sensitivity: the same with the quote alone as the text (`--unit quote`), all units, F1 / accuracy:", "",
                  "| system | negation F1 | negation accuracy | hedge F1 | hedge accuracy |", "|---|---:|---:|---:|---:|"]
        for system, (neg, hedge) in quote_scores.items():
            lines.append(f"| {system} | {neg['f1']:.3f} | {neg['acc']:.3f} | {hedge['f1']:.3f} | {hedge['acc']:.3f} |")

    # agreement and the cues that made the differences
    agree = {aspect: sum(u.pred["spinekg _stance"][w] == u.pred["medspaCy ConText"][w] for u in units)
             for w, aspect in ((0, "negation"), (1, "hedge"))}
    lines += ["", f"Agreement of spinekg `_stance` and medspaCy on the same units: negation {agree['negation']}/{n}, "
                  f"hedge {agree['hedge']}/{n}."]
    for system in ("spinekg _stance", "medspaCy ConText"):
        for which, aspect in ((0, "negation"), (1, "hedge")):
            fp = {}
            for u in units:
                gold = u.gold_neg if which == 0 else u.gold_hedge
                got, cues = u.pred[system][which], u.pred[system][2 + which]
                if got and not gold:
                    for cue in sorted({c.lower() for c in cues}):
                        fp[cue] = fp.get(cue, 0) + 1
            if fp:
                top = sorted(fp.items(), key=lambda kv: (-kv[1], kv[0]))[:8]
                lines.append(f"- {system}, {aspect} false positives by cue: "
                             + ", ".join(f"“{k}” {v}" for k, v in top) + ".")
    for aspect, which in (("negation", 0), ("hedge", 1)):
        missed = {}
        for u in units:
            gold = u.gold_neg if which == 0 else u.gold_hedge
            cue = u.gold_neg_cue if which == 0 else u.gold_hedge_cue
            if gold and not u.pred["medspaCy ConText"][which]:
                missed[(cue or "").lower()] = missed.get((cue or "").lower(), 0) + 1
        if missed:
            top = sorted(missed.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
            lines.append(f"- medspaCy ConText, {aspect} missed; the curated cues: "
                         + ", ".join(f"“{k}” {v}" for k, v in top) + ".")

    lines += ["", "## Run time per page", "",
              f"Median of {args.repeat} runs, milliseconds. Units: the page's claims as scored above (spinekg: "
              "`modifiers` + `_stance`; medspaCy: tokenizer, PyRuSH, ConText on each unit's text). Whole page: "
              f"every sentence's triggers (spinekg) against `nlp(page)` (medspaCy). Loading the medspaCy pipeline: "
              f"{load_s * 1000:.0f} ms (once).",
              "", "| page | chars | sentences | units | spinekg units | medspaCy units | spinekg page | medspaCy page |",
              "|---|---:|---:|---:|---:|---:|---:|---:|"]
    total = {k: 0.0 for k in (("spinekg", "units"), ("medspaCy", "units"), ("spinekg", "page"), ("medspaCy", "page"))}
    for file, t in times.items():
        for k in total:
            total[k] += t[k]
        lines.append(f"| {file} | {t['chars']} | {t['sentences']} | {t['units']} | {t[('spinekg', 'units')] * 1000:.1f} "
                     f"| {t[('medspaCy', 'units')] * 1000:.1f} | {t[('spinekg', 'page')] * 1000:.1f} "
                     f"| {t[('medspaCy', 'page')] * 1000:.1f} |")
    lines.append(f"| all | {sum(t['chars'] for t in times.values())} | {sum(t['sentences'] for t in times.values())} "
                 f"| {n} | {total[('spinekg', 'units')] * 1000:.1f} | {total[('medspaCy', 'units')] * 1000:.1f} "
                 f"| {total[('spinekg', 'page')] * 1000:.1f} | {total[('medspaCy', 'page')] * 1000:.1f} |")

    lines += ["", "## Disagreements (spinekg `_stance` against medspaCy)", "",
              "The concept span in [brackets] (after the claim: how it was found when not the object's own mention); "
              "gold, then each system's call with the cues it used.", "",
              "| page:line | aspect | right | quote | claim | gold (cue) | spinekg | medspaCy |",
              "|---|---|---|---|---|---|---|---|"]
    for (aspect, winner), u in examples(pages, units, args.examples):
        w = 0 if aspect == "negation" else 1
        gold = u.gold_neg if w == 0 else u.gold_hedge
        gcue = u.gold_neg_cue if w == 0 else u.gold_hedge_cue
        own, med = u.pred["spinekg _stance"], u.pred["medspaCy ConText"]
        lines.append(f"| {u.file[:3]}:{u.line} | {aspect} | {winner} | {_marked(pages[u.file][0], u)} "
                     f"| {u.subject} {u.predicate} {u.object}{'' if u.obj_how == 'object' else f' ({u.obj_how})'} "
                     f"| {'yes' if gold else 'no'}"
                     f"{f' (“{gcue}”)' if gold and gcue else ''} "
                     f"| {'yes ' + _cues(own[2 + w]) if own[w] else 'no'} "
                     f"| {'yes ' + _cues(med[2 + w]) if med[w] else 'no'} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unit", choices=["sentence", "quote"], default="sentence",
                        help="the text both systems read: the sentences overlapping the quote (default) or the quote")
    parser.add_argument("--repeat", type=int, default=5, help="timing runs per page (median)")
    parser.add_argument("--examples", type=int, default=10, help="disagreements to show")
    parser.add_argument("--data", default=str(ROOT / "data"))
    parser.add_argument("--corpus", default=os.environ.get("SPINEKG_CORPUS"))
    parser.add_argument("--output", default="benchmarks/results/context.md")
    args = parser.parse_args()

    try:
        import medspacy
        import spacy
    except ImportError:
        raise SystemExit("bench_context.py needs medspaCy: pip install medspacy==1.3.1")
    if not args.corpus:
        raise SystemExit("bench_context.py needs the page texts: set SPINEKG_CORPUS or give --corpus DIR")
    load_avg = os.getloadavg()
    from importlib.metadata import version

    import spinekg

    versions = {"spinekg": version("spinekg"), "commit": _commit(), "medspacy": version("medspacy"),
                "spacy": spacy.__version__,
                "venv": "" if Path(sys.prefix).resolve() == (ROOT / ".venv").resolve() else
                "; in a separate virtual environment holding spinekg (editable) and medspacy, which pins numpy < 2"}
    del medspacy
    graph = spinekg.load().graph
    start = time.perf_counter()
    nlp = medspacy_pipeline()
    load_s = time.perf_counter() - start
    versions["rules"] = len(nlp.get_pipe("medspacy_context").rules)

    def score(unit: str):
        pages, units = load_units(Path(args.data), Path(args.corpus), unit)
        find_spans(pages, units, graph)
        spinekg_units(pages, units)
        missing = medspacy_units(nlp, pages, units)
        return pages, units, missing

    pages, units, missing = score(args.unit)
    other = "quote" if args.unit == "sentence" else "sentence"
    _p, other_units, _m = score(other)
    quote_scores = {s: (confusion(other_units, s, 0), confusion(other_units, s, 1)) for s in SYSTEMS}
    print(f"{len(units)} units; timing {len(pages)} pages x {args.repeat} runs", file=sys.stderr)
    times = timings(nlp, pages, units, args.repeat)
    report = render(args, pages, units, missing, times, quote_scores, versions, load_s, load_avg)
    if other != "quote":
        report = report.replace("with the quote alone as the text (`--unit quote`)",
                                "with the overlapping sentences as the text (the default)")
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report, encoding="utf-8")
    print(report)
    print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
