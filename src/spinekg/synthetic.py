"""Synthetic corpora in the graph's own shape, for benchmarks and scale tests.

:func:`write_corpus` writes N invented pages (``syn00000.txt``, ...) and their curation files
(``data/documents/syn00000.yaml``, plus the shipped ``reference.yaml``), deterministic for a seed;
:func:`synthetic_graph` compiles them with the real build, so the result has exactly the shape of
the shipped graph: claims reified with quotes, offsets, spans, selectors, snapshots, hashes.

Each claim re-states a relation some shipped document states between two vocabulary terms (so
domains and ranges hold), in a generated sentence that is its quote: hedged ("may"), negated
("does not"), attributed ("According to a 2021 review, ...") or plain, in the proportions given.
The pages are invented text, not clinic pages; they say nothing true or false about anyone.
"""

from __future__ import annotations

import hashlib
import random
import shutil
from pathlib import Path

__all__ = ["relation_pool", "page", "write_corpus", "synthetic_graph"]

_SOURCES = ("a 2021 review", "a clinical study", "the clinic's physicians", "a patient survey")


def relation_pool(kg) -> list[tuple[str, str, str, str, str, str]]:
    """Claimable relations of ``kg``: (subject, predicate, object) local names and their labels.

    The relations that some claim states between two vocabulary terms (``rdfs:subClassOf`` as
    ``isA``), sorted, so a seed always draws the same ones.
    """
    from spinekg.core.namespaces import RDF, RDFS, SPK
    from spinekg.core.terms import label_of

    g, vocab, pool = kg.graph, str(SPK), set()
    for claim in g.subjects(RDF.type, SPK.Claim):
        s, p, o = (g.value(claim, x) for x in (RDF.subject, RDF.predicate, RDF.object))
        if not all(str(t).startswith(vocab) for t in (s, o)):
            continue
        if p == RDFS.subClassOf:
            name, verb = "isA", "is a kind of"
        elif str(p).startswith(vocab):
            name, verb = str(p)[len(vocab):], label_of(g, p)
        else:
            continue
        pool.add((str(s)[len(vocab):], name, str(o)[len(vocab):], label_of(g, s), verb, label_of(g, o)))
    return sorted(pool)


def page(index: int, pool, claims: int, rng: random.Random, *, hedged: float = 0.25, negated: float = 0.05,
         attributed: float = 0.1) -> tuple[str, list[dict]]:
    """One invented page: its text and its curated statements (one claim per sentence)."""
    lines = [f"Synthetic page {index}: regenerative options for neck and back pain", ""]
    offset = sum(len(line) + 1 for line in lines)
    statements = []
    for _ in range(claims):
        s, p, o, s_label, verb, o_label = pool[rng.randrange(len(pool))]
        roll = rng.random()
        statement: dict = {}
        if roll < negated and p != "isA":  # a denied subclass axiom cannot be stated (the build refuses it)
            sentence = f"{s_label} does not {verb} {o_label}."
            statement.update(negated=True, negation_cue="does not")
        elif roll < negated + hedged:
            sentence = f"{s_label} may {verb} {o_label}."
            statement.update(modality="hedged", cue="may")
        elif roll < negated + hedged + attributed:
            cue = f"According to {rng.choice(_SOURCES)}"
            sentence = f"{cue}, {s_label} {verb} {o_label}."
            statement["attribution"] = {"cue": cue}
        else:
            sentence = f"{s_label} {verb} {o_label}."
        sentence = sentence[0].upper() + sentence[1:]
        statements.append({"quote": sentence, "start": offset, "end": offset + len(sentence), **statement,
                           "claims": [[s, p, o]]})
        lines.append(sentence)
        offset += len(sentence) + 1
    return "\n".join(lines) + "\n", statements


def write_corpus(folder: str | Path, documents: int, claims_per_document: int = 40, seed: int = 0,
                 kg=None) -> tuple[Path, Path]:
    """Write ``documents`` pages into ``folder/corpus`` and their curation into ``folder/data``.

    Returns the corpus and data folders. The same arguments always write the same bytes.
    """
    import yaml

    from spinekg.kg import load
    from spinekg.core.resources import resource_dir

    kg = kg if kg is not None else load()
    pool = relation_pool(kg)
    rng = random.Random(seed)
    corpus, data = Path(folder) / "corpus", Path(folder) / "data"
    (data / "documents").mkdir(parents=True, exist_ok=True)
    corpus.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(resource_dir("data") / "reference.yaml", data / "reference.yaml")
    for index in range(documents):
        name = f"syn{index:05d}"
        text, statements = page(index, pool, claims_per_document, rng)
        raw = text.encode("utf-8")
        (corpus / f"{name}.txt").write_bytes(raw)
        doc = {"document": {"file": name, "sha256": hashlib.sha256(raw).hexdigest()}, "statements": statements}
        (data / "documents" / f"{name}.yaml").write_text(
            f"# Synthetic page {index} (seed {seed}), generated by spinekg.synthetic; invented text.\n"
            + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=1000), encoding="utf-8")
    return corpus, data


def synthetic_graph(documents: int, claims_per_document: int = 40, seed: int = 0, *, folder: str | Path,
                    kg=None):
    """Write a synthetic corpus into ``folder`` and compile it (every quote checked) into a graph."""
    from spinekg.model.compiler import build
    from spinekg.kg import KnowledgeGraph
    from spinekg.core.resources import resource_dir

    corpus, data = write_corpus(folder, documents, claims_per_document, seed, kg)
    return KnowledgeGraph.from_build(build(resource_dir("ontology"), data, corpus))
