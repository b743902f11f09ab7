"""Re-anchoring quotes when a page changes (spinekg.model.anchoring), on a real shipped page edited
in known ways: every claim's quote must land exactly where the edits put it."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from spinekg.model.anchoring import (STATUSES, AnchoringError, AnchorReport, Span, reanchor, render_report,
                                     shorten)
from spinekg.model.curation import read_document

ROOT = Path(__file__).resolve().parents[1]
DOC = "004_18a61ff07f1e7ac0"

#: a new paragraph inserted before the second paragraph (old offset 496)
NEW_PARAGRAPH = (
    "Our clinic has offered regenerative treatments for many years. Every patient receives a full "
    "evaluation before any procedure is scheduled, including imaging and a review of previous "
    "treatments. Insurance coverage varies, and our staff will help you understand the costs involved. "
    "Call our office to schedule a consultation with one of the physicians on our team, who will explain "
    "the options that are available for your condition.")
WORDS = "under local anaesthesia "  # inserted inside the quote "Bone marrow is harvested from the patient and ..."
DELETED = "This form of stem cell therapy does not use stem cells from embryonic tissue."
DUPLICATED = "Bone marrow has a high concentration of stem cells, and stem cell therapy for chronic pain makes use of that concept."


def exact_by_construction(new_text: str, anchors) -> None:
    for a in anchors:
        assert a.status in STATUSES
        if a.status == "gone":
            assert (a.start, a.end, a.quote) == (None, None, None)
        else:
            assert new_text[a.start:a.end] == a.quote, a


@pytest.fixture(scope="module")
def page(corpus):
    text = (corpus / f"{DOC}.txt").read_bytes().decode("utf-8")
    statements = read_document(ROOT / "data" / "documents" / f"{DOC}.yaml").statements
    assert all(text[s.start:s.end] == s.quote for s in statements)
    return text, statements


@pytest.fixture(scope="module")
def edited(page):
    """The page with four edits, made at known old offsets, and what each moves by."""
    old, statements = page
    by_quote = {s.quote: s for s in statements}
    first = 496  # start of "There are two ways ..."
    assert old[first:].startswith("There are two ways") and old[first - 2:first] == "\n\n"
    block = f"{DUPLICATED} {NEW_PARAGRAPH}\n\n"  # a copy of a later sentence, then new sentences
    harvested = by_quote["Bone marrow is harvested from the patient and re-injected back into the body at the site "
                         "of pain and degeneration."]
    inside = harvested.start + len("Bone marrow is harvested from the patient ")
    gone = by_quote[DELETED]
    assert old[gone.end] == " "  # the sentence and the space after it go
    new = old[:first] + block + old[first:inside] + WORDS + old[inside:gone.start] + old[gone.end + 1:]
    return {"old": old, "new": new, "statements": statements, "first": first, "block": len(block),
            "inside": inside, "harvested": harvested, "gone": gone, "deleted": gone.end + 1 - gone.start}


def test_real_page_edited_claim_by_claim(edited):
    old, new, statements = edited["old"], edited["new"], edited["statements"]
    anchors = reanchor(old, new, [Span(s.start, s.end, s.quote) for s in statements])
    assert len(anchors) == len(statements)
    exact_by_construction(new, anchors)
    wrong = []
    for st, a in zip(statements, anchors):
        if st.end <= edited["first"]:
            want = ("unchanged", st.start)
        elif st is edited["harvested"]:
            want = ("changed", st.start + edited["block"])
        elif st is edited["gone"]:
            want = ("gone", None)
        elif st.start < edited["inside"]:
            want = ("moved", st.start + edited["block"])
        elif st.start < edited["gone"].start:
            want = ("moved", st.start + edited["block"] + len(WORDS))
        else:
            want = ("moved", st.start + edited["block"] + len(WORDS) - edited["deleted"])
        if (a.status, a.start) != want:
            wrong.append(f"line {st.source.line} {st.start}-{st.end}: {a.status} {a.start}, want {want} ({a.note})")
        if a.status in ("unchanged", "moved"):
            assert a.quote == st.quote and a.end - a.start == st.end - st.start and a.score == 1.0
    assert not wrong, "\n".join(wrong)
    assert sum(a.status == "unchanged" for a in anchors) == 6  # the title and the first paragraph


def test_the_edited_quote_is_changed_with_its_new_words(edited):
    st = edited["harvested"]
    [a] = reanchor(edited["old"], edited["new"], [Span(st.start, st.end, st.quote)])
    assert a.status == "changed"
    assert a.quote == ("Bone marrow is harvested from the patient under local anaesthesia and re-injected back into "
                       "the body at the site of pain and degeneration.")
    assert 0.85 <= a.score < 1.0
    assert "review" in a.note
    # a stricter threshold lets it go instead
    [strict] = reanchor(edited["old"], edited["new"], [Span(st.start, st.end, st.quote)], fuzzy_threshold=0.95)
    assert strict.status == "gone" and strict.score == a.score and "below the threshold 0.95" in strict.note


def test_the_deleted_quote_is_gone(edited):
    st = edited["gone"]
    assert DELETED not in edited["new"]
    [a] = reanchor(edited["old"], edited["new"], [Span(st.start, st.end, st.quote)])
    assert a.status == "gone" and a.score < 0.85 and "below the threshold" in a.note


def test_a_duplicated_quote_goes_to_the_occurrence_with_its_context(edited):
    old, new = edited["old"], edited["new"]
    st = next(s for s in edited["statements"] if s.quote == DUPLICATED)
    copy, original = [m.start() for m in re.finditer(re.escape(DUPLICATED), new)]
    assert (copy, original) == (edited["first"], st.start + edited["block"])
    # by position alone the copy would win: it is nearer the old offset scaled by the length ratio
    expected = st.start * len(new) / len(old)
    assert abs(copy - expected) < abs(original - expected)
    [a] = reanchor(old, new, [Span(st.start, st.end, st.quote)])
    assert (a.status, a.start, a.end) == ("moved", original, original + len(DUPLICATED))
    assert "2 occurrences" in a.note
    # a context given with the span decides, whatever the old text says around it
    prefix, suffix = new[copy - 20:copy], new[copy + len(DUPLICATED):copy + len(DUPLICATED) + 20]
    [b] = reanchor(old, new, [Span(st.start, st.end, st.quote, prefix=prefix, suffix=suffix)])
    assert (b.status, b.start) == ("moved", copy)


def test_equal_context_falls_back_to_the_nearest_occurrence():
    old = "alpha. Same words here. omega."
    new = "Same words here. alpha. Same words here. omega. Same words here."
    span = Span(7, 23, "Same words here.", prefix="", suffix="")  # no context: position decides
    [a] = reanchor(old, new, [span])
    assert a.start == new.index("Same words here.", 1) == 24 and a.status == "moved"
    [b] = reanchor(old, new, [Span(7, 23, "Same words here.")])  # the context read from the old text agrees
    assert b.start == 24


def test_identical_text_is_all_unchanged(page):
    text, statements = page
    anchors = reanchor(text, text, [Span(s.start, s.end, s.quote) for s in statements])
    assert [(a.status, a.start, a.end, a.quote, a.score) for a in anchors] == [
        ("unchanged", s.start, s.end, s.quote, 1.0) for s in statements]
    assert not AnchorReport(tuple(anchors)).differs


def test_unchanged_when_only_other_text_changes(page):
    text, statements = page
    new = text + "\n\nA new closing paragraph."
    anchors = reanchor(text, new, [Span(s.start, s.end, s.quote) for s in statements])
    assert {a.status for a in anchors} == {"unchanged"}


def test_empty_texts(page):
    text, statements = page
    assert reanchor("", "", []) == []
    assert reanchor("", "some new text", []) == []
    assert reanchor(text, text, []) == []
    anchors = reanchor(text, "", [Span(s.start, s.end, s.quote) for s in statements])
    assert {a.status for a in anchors} == {"gone"}
    assert all(a.score == 0.0 and a.note for a in anchors)
    report = AnchorReport(tuple(anchors))
    assert report.counts == {"unchanged": 0, "moved": 0, "changed": 0, "gone": len(statements)}


@pytest.mark.parametrize("span, message", [
    (Span(0, 5, "Other"), "the old text reads 'Hello' there, not the quote 'Other'"),
    (Span(3, 99, "lo world"), r"offsets outside the old text \(0-11\)"),
    (Span(4, 2, "o"), "offsets outside the old text"),
    (Span(2, 2, ""), "the quote is empty"),
])
def test_a_span_that_does_not_fit_the_old_text_is_refused(span, message):
    with pytest.raises(AnchoringError, match=message):
        reanchor("Hello world", "Hello world!", [span])
    with pytest.raises(ValueError):  # AnchoringError is a ValueError too
        reanchor("Hello world", "Hello world!", [span])


def test_report_counts_render_and_json(edited):
    old, new, statements = edited["old"], edited["new"], edited["statements"]
    report = AnchorReport(tuple(reanchor(old, new, [Span(s.start, s.end, s.quote) for s in statements])))
    assert report.counts == {"unchanged": 6, "moved": 12, "changed": 1, "gone": 1}
    assert report.summary() == "20 spans: 6 unchanged, 12 moved, 1 changed, 1 gone"
    labels = [f"line {s.source.line}" for s in statements]
    lines = render_report(report, labels)
    assert len(lines) == len(statements) + 1 and lines[-1] == report.summary()
    harvested = edited["harvested"]
    changed = next(line for line in lines if line.startswith("changed"))
    new_start = harvested.start + edited["block"]
    assert f"{harvested.start}-{harvested.end} -> {new_start}-{new_start + len(harvested.quote) + len(WORDS)}" in changed
    assert f"line {harvested.source.line}" in changed and '=> "Bone marrow is harvested from the patient under' in changed
    gone = next(line for line in lines if line.startswith("gone"))
    assert "-> -" in gone and shorten(DELETED) in gone
    data = report.to_dict(labels)
    assert json.loads(json.dumps(data)) == data
    assert [row["status"] for row in data["anchors"]] == [a.status for a in report.anchors]
    assert data["anchors"][statements.index(edited["gone"])]["new"] is None


def test_deterministic(edited):
    spans = [Span(s.start, s.end, s.quote) for s in edited["statements"]]
    assert reanchor(edited["old"], edited["new"], spans) == reanchor(edited["old"], edited["new"], spans)


def test_shorten():
    assert shorten("a  b\n c") == "a b c"
    assert shorten("x" * 100, 10) == "x" * 9 + "…"


def _large_page(corpus: Path, seed: int = 0):
    """About 100,000 characters of sentences made of the corpus's words, 300 of them quoted."""
    rng = random.Random(seed)
    vocabulary = sorted({w for p in sorted(corpus.glob("*.txt")) for w in re.findall(r"[A-Za-z]+", p.read_text("utf-8"))})
    sentences: list[str] = []
    while sum(len(s) + 1 for s in sentences) < 100_000:
        sentences.append(" ".join(rng.choice(vocabulary) for _ in range(rng.randint(8, 25))).capitalize() + ".")
    return rng, sentences


def test_a_large_page_with_many_spans(corpus):
    rng, sentences = _large_page(corpus)
    old = " ".join(sentences)
    assert len(old) >= 100_000
    starts, at = [], 0
    for s in sentences:
        starts.append(at)
        at += len(s) + 1
    quoted = sorted(rng.sample(range(len(sentences)), 300))
    spans = [Span(starts[i], starts[i] + len(sentences[i]), sentences[i]) for i in quoted]
    edits = rng.sample(quoted, 60)
    changed, deleted = set(edits[:30]), set(edits[30:])
    new_sentences: list[str | None] = list(sentences)
    for i in changed:
        words = sentences[i].split(" ")
        words.insert(len(words) // 2, "meanwhile")
        new_sentences[i] = " ".join(words)
    for i in deleted:
        new_sentences[i] = None
    added = set(rng.sample(range(len(sentences)), 100))  # a new sentence after these
    pieces, new_starts, at = [], {}, 0
    for i, s in enumerate(new_sentences):
        for piece in ([s] if s is not None else []) + (["An added sentence here."] if i in added else []):
            if piece is s:
                new_starts[i] = at
            pieces.append(piece)
            at += len(piece) + 1
    new = " ".join(pieces)
    anchors = reanchor(old, new, spans)
    exact_by_construction(new, anchors)
    for i, a in zip(quoted, anchors):
        if i in deleted:
            assert a.status == "gone", (i, a)
        elif i in changed:
            assert (a.status, a.start, a.quote) == ("changed", new_starts[i], new_sentences[i]), (i, a)
        else:
            assert a.status in ("unchanged", "moved") and a.start == new_starts[i], (i, a)
