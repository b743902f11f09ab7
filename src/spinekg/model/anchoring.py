"""Re-anchor quotes from an old version of a page to a new one.

A quote is anchored the way Web Annotation (https://www.w3.org/TR/annotation-model/#text-quote-selector)
and Hypothesis do: a ``TextPositionSelector`` (``start``/``end``, 0-based code-point offsets) and a
``TextQuoteSelector`` (``exact`` plus up to 32 characters of ``prefix`` and ``suffix``). When the page
changes, each quote is looked for in the new text, cheapest first:

``unchanged``
    the exact quote is at the same offsets (and, if it occurs several times, that occurrence has
    the best context);
``moved``
    the exact quote is elsewhere; of several occurrences the one whose prefix/suffix match best
    is taken, then the one nearest the old position scaled by the length ratio of the texts;
``changed``
    no exact occurrence: the best fuzzy match (:class:`difflib.SequenceMatcher` ratio at least
    ``fuzzy_threshold``) of similar length, looked for only in a few windows of the new text where
    the quote's rarest words occur; the new quote is what the new text reads there (to review);
``gone``
    nothing good enough.

Exact by construction: for every anchor that is not ``gone``, ``new_text[start:end] == quote``.
Deterministic (every choice has a total order) and pure (standard library only, no I/O).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher

from spinekg.core.errors import SpinekgError

__all__ = ["Span", "Anchor", "AnchorReport", "AnchoringError", "STATUSES", "CONTEXT", "reanchor",
           "render_report", "shorten"]

#: the statuses, from best to worst
STATUSES = ("unchanged", "moved", "changed", "gone")
#: characters of prefix and suffix taken from the old text (as Hypothesis does)
CONTEXT = 32

_WORD = re.compile(r"\w+")
#: exact occurrences whose context is compared (the nearest to the expected position)
_MAX_OCCURRENCES = 64
#: rare words of a quote used to find candidate windows, and windows examined per quote
_ANCHOR_WORDS = 6
_WINDOWS = 4
#: occurrences of one word that are followed (a word more frequent adds only noise)
_MAX_WORD_HITS = 400
#: runs of matching words shorter than this are ignored when placing a fuzzy match's ends
_MIN_BLOCK = 2


class AnchoringError(SpinekgError, ValueError):
    """A span does not fit the old text (offsets out of range, quote not there, empty quote)."""


@dataclass(frozen=True)
class Span:
    """A quote of the old text at ``start``-``end``; ``prefix``/``suffix`` (up to
    :data:`CONTEXT` characters around it) are read from the old text when not given."""

    start: int
    end: int
    quote: str
    prefix: str | None = None
    suffix: str | None = None


@dataclass(frozen=True)
class Anchor:
    """Where ``span`` is in the new text. ``start``, ``end`` and ``quote`` are ``None`` when
    ``gone``; ``score`` is the similarity of the quotes (1.0 for an exact match; for ``gone`` the
    best similarity seen); ``note`` says how the place was chosen; ``span`` is the input span
    with its prefix and suffix filled in."""

    span: Span
    status: str
    start: int | None
    end: int | None
    quote: str | None
    score: float
    note: str = ""


@dataclass(frozen=True)
class AnchorReport:
    """The anchors of a re-anchoring, in the order of the spans, and their counts per status."""

    anchors: tuple[Anchor, ...]

    @property
    def counts(self) -> dict[str, int]:
        """``{status: count}`` for every status, in the order of :data:`STATUSES`."""
        counts = dict.fromkeys(STATUSES, 0)
        for anchor in self.anchors:
            counts[anchor.status] += 1
        return counts

    @property
    def differs(self) -> bool:
        """True when some span is not ``unchanged``."""
        return any(a.status != "unchanged" for a in self.anchors)

    def summary(self) -> str:
        """One line: ``21 spans: 3 unchanged, 15 moved, 1 changed, 2 gone``."""
        counts = self.counts
        n = len(self.anchors)
        return f"{n} span{'' if n == 1 else 's'}: " + ", ".join(f"{counts[s]} {s}" for s in STATUSES)

    def to_dict(self, labels: list[str] | None = None) -> dict:
        """A JSON-ready dict: the counts and one entry per span (with its label when given)."""
        rows = []
        for i, a in enumerate(self.anchors):
            row = {"status": a.status, "score": round(a.score, 4), "note": a.note,
                   "old": {"start": a.span.start, "end": a.span.end, "quote": a.span.quote},
                   "new": None if a.status == "gone" else {"start": a.start, "end": a.end, "quote": a.quote}}
            if labels is not None:
                row["label"] = labels[i]
            rows.append(row)
        return {"counts": self.counts, "anchors": rows}


# ------------------------------------------------------------------------------------------
# helpers
# ------------------------------------------------------------------------------------------


def _similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _context_score(text: str, start: int, end: int, prefix: str, suffix: str) -> float:
    """How well the text around ``start``-``end`` matches the old prefix and suffix (0..1)."""
    before = text[max(0, start - len(prefix)):start]
    after = text[end:end + len(suffix)]
    return (_similarity(prefix, before) + _similarity(suffix, after)) / 2


def _with_context(old_text: str, span: Span) -> Span:
    prefix = span.prefix if span.prefix is not None else old_text[max(0, span.start - CONTEXT):span.start]
    suffix = span.suffix if span.suffix is not None else old_text[span.end:span.end + CONTEXT]
    if prefix is span.prefix and suffix is span.suffix:
        return span
    return Span(span.start, span.end, span.quote, prefix, suffix)


def _check(old_text: str, spans: list[Span]) -> None:
    for i, span in enumerate(spans):
        where = f"span {i} ({span.start}-{span.end})"
        if not span.quote:
            raise AnchoringError(f"{where}: the quote is empty; an anchor needs at least one character")
        if not 0 <= span.start <= span.end <= len(old_text):
            raise AnchoringError(f"{where}: offsets outside the old text (0-{len(old_text)}); "
                                 "give offsets into the old version of the page")
        if old_text[span.start:span.end] != span.quote:
            raise AnchoringError(f"{where}: the old text reads {shorten(old_text[span.start:span.end], 40)!r} "
                                 f"there, not the quote {shorten(span.quote, 40)!r}; give the old version "
                                 "the offsets were taken from")


def _occurrences(text: str, quote: str) -> list[int]:
    found = []
    at = text.find(quote)
    while at != -1:
        found.append(at)
        at = text.find(quote, at + 1)
    return found


class _Words:
    """The words of a text (case-folded), with their character offsets."""

    def __init__(self, text: str):
        matches = list(_WORD.finditer(text))
        self.words = [m.group().casefold() for m in matches]
        self.starts = [m.start() for m in matches]
        self.ends = [m.end() for m in matches]


class _WordIndex:
    """The words of the new text and where each occurs; built once, on first need."""

    def __init__(self, text: str):
        self.text = text
        self.tokens = _Words(text)
        positions: dict[str, list[int]] = defaultdict(list)
        for number, word in enumerate(self.tokens.words):
            positions[word].append(number)
        self.positions = positions

    def candidates(self, quote: _Words, expected: int) -> list[tuple[int, int]]:
        """Up to :data:`_WINDOWS` ``(lowest, highest)`` word numbers at which the quote may start,
        as its rarest words suggest: those most of these words agree on first, then the nearest
        the ``expected`` character offset."""
        first: dict[str, int] = {}
        for number, word in enumerate(quote.words):
            first.setdefault(word, number)
        known = sorted((len(self.positions[w]), -len(w), off, w) for w, off in first.items() if w in self.positions)
        starts = self.tokens.starts
        hits: list[tuple[int, int]] = []  # (word number where the quote would start, which rare word)
        for rank, (count, _, off, word) in enumerate(known[:_ANCHOR_WORDS]):
            positions = self.positions[word]
            if count > _MAX_WORD_HITS:  # keep the occurrences nearest the expected place
                positions = sorted(positions, key=lambda p: (abs(starts[p] - expected), p))[:_MAX_WORD_HITS]
            hits += [(p - off, rank) for p in positions]
        if not hits:
            return []
        hits.sort()
        tolerance = max(3, len(quote.words) // 4)
        groups: list[tuple[int, int, set[int]]] = []
        low, high, ranks = hits[0][0], hits[0][0], {hits[0][1]}
        for start, rank in hits[1:]:
            if start - high <= tolerance:
                high = start
                ranks.add(rank)
            else:
                groups.append((low, high, ranks))
                low, high, ranks = start, start, {rank}
        groups.append((low, high, ranks))

        def place(group):
            return starts[min(max(group[0], 0), len(starts) - 1)]

        groups.sort(key=lambda g: (-len(g[2]), abs(place(g) - expected), g[0]))
        return [(g[0], g[1]) for g in groups[:_WINDOWS]]

    def window(self, matcher: SequenceMatcher, quote: str, qwords: _Words, low: int, high: int):
        """Match the quote's words (``matcher``'s second sequence) with the words around word
        numbers ``low``..``high``: ``(words matched, start options, end options)`` (character
        offsets), or None when no word matches."""
        tokens, n = self.tokens, len(self.tokens.words)
        count = len(qwords.words)
        slack = count // 2 + 3
        w_start, w_end = max(0, low - slack), min(n, high + count + slack)
        matcher.set_seq1(tokens.words[w_start:w_end])
        blocks = [b for b in matcher.get_matching_blocks() if b.size]
        strong = [b for b in blocks if b.size >= _MIN_BLOCK] or blocks
        if not strong:
            return None
        first, last = strong[0], strong[-1]
        first_word = w_start + first.a
        last_word = w_start + last.a + last.size - 1
        aligned_first = min(max(first_word - first.b, 0), n - 1)
        aligned_last = min(max(last_word + (count - last.b - last.size), 0), n - 1)
        lead = qwords.starts[0] if qwords.starts else 0  # characters before the quote's first word
        trail = len(quote) - qwords.ends[-1] if qwords.ends else 0  # ... after its last word
        size = len(self.text)
        starts = {tokens.starts[w] for w in (first_word, aligned_first)}
        ends = {tokens.ends[w] for w in (last_word, aligned_last)}
        starts |= {max(s - lead, 0) for s in starts}
        ends |= {min(e + trail, size) for e in ends}
        return sum(b.size for b in strong), sorted(starts), sorted(ends)


def _best_bounds(text: str, matcher: SequenceMatcher, starts: list[int], ends: list[int]):
    """The ``(ratio, start, end)`` of the best pair of bounds (highest ratio, then leftmost,
    then shortest); ``matcher`` holds the quote as its second sequence."""
    best = None
    for s in starts:
        for e in ends:
            if e <= s:
                continue
            matcher.set_seq1(text[s:e])
            floor = best[0] if best else 0.0
            if matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor:
                continue
            ratio = matcher.ratio()
            if best is None or (-ratio, s, e) < (-best[0], best[1], best[2]):
                best = (ratio, s, e)
    return best


def _exact(new_text: str, span: Span, places: list[int], expected: int) -> Anchor:
    length = len(span.quote)
    if len(places) > _MAX_OCCURRENCES:
        keep = sorted(places, key=lambda p: (abs(p - expected), p))[:_MAX_OCCURRENCES]
        if span.start in places and span.start not in keep:
            keep.append(span.start)
        places = sorted(keep)
    if len(places) == 1:
        at, context = places[0], None
    else:
        scored = sorted((-_context_score(new_text, p, p + length, span.prefix, span.suffix), abs(p - expected), p)
                        for p in places)
        context, _, at = scored[0]
        context = -context
    status = "unchanged" if at == span.start else "moved"
    note = "" if status == "unchanged" else f"moved by {at - span.start:+d}"
    if context is not None:
        note = (note + "; " if note else "") + (f"{len(places)} occurrences; chosen by context ({context:.2f}) "
                                                "then position")
    return Anchor(span, status, at, at + length, span.quote, 1.0, note)


def _gone(span: Span, why: str, score: float = 0.0) -> Anchor:
    return Anchor(span, "gone", None, None, None, score, why)


def _fuzzy(new_text: str, span: Span, index: _WordIndex, expected: int, threshold: float) -> Anchor:
    qwords = _Words(span.quote)
    windows = index.candidates(qwords, expected)
    if not windows:
        return _gone(span, "no word of the quote is in the new text")
    words = SequenceMatcher(None, autojunk=False)
    words.set_seq2(qwords.words)
    scored = []
    for number, (low, high) in enumerate(windows):
        found = index.window(words, span.quote, qwords, low, high)
        if found is not None:
            scored.append((-found[0], number, found[1], found[2]))
    if not scored:
        return _gone(span, "no word of the quote is in the new text")
    scored.sort()
    # the bounds are refined (the character ratio is the costly part) only in the windows that
    # match about as many of the quote's words as the best one
    most = -scored[0][0]
    chars = SequenceMatcher(None, autojunk=False)
    chars.set_seq2(span.quote)
    found = []
    for matched, _, starts, ends in scored:
        if -matched < most - max(1, len(qwords.words) // 20):
            break
        best = _best_bounds(new_text, chars, starts, ends)
        if best is not None:
            ratio, s, e = best
            context = _context_score(new_text, s, e, span.prefix, span.suffix)
            found.append((-ratio, -context, abs(s - expected), s, e))
    if not found:
        return _gone(span, "no part of the quote is in the new text")
    found.sort()
    ratio, _, _, s, e = found[0]
    ratio = -ratio
    if ratio < threshold:
        return _gone(span, f"best match {ratio:.2f} at {s}-{e} is below the threshold {threshold:.2f}", ratio)
    return Anchor(span, "changed", s, e, new_text[s:e], ratio,
                  f"no exact match; similarity {ratio:.2f}: review the new quote")


# ------------------------------------------------------------------------------------------
# the API
# ------------------------------------------------------------------------------------------


def reanchor(old_text: str, new_text: str, spans: list[Span], *, fuzzy_threshold: float = 0.85) -> list[Anchor]:
    """Find each span of ``old_text`` in ``new_text``; one :class:`Anchor` per span, in order.

    Raises :class:`AnchoringError` when a span does not fit ``old_text``."""
    spans = list(spans)
    _check(old_text, spans)
    spans = [_with_context(old_text, span) for span in spans]
    if old_text == new_text:
        return [Anchor(s, "unchanged", s.start, s.end, s.quote, 1.0, "") for s in spans]
    ratio = len(new_text) / len(old_text) if old_text else 0.0
    index: _WordIndex | None = None
    anchors = []
    for span in spans:
        expected = round(span.start * ratio)
        places = _occurrences(new_text, span.quote)
        if places:
            anchors.append(_exact(new_text, span, places, expected))
            continue
        if index is None:
            index = _WordIndex(new_text)
        anchors.append(_fuzzy(new_text, span, index, expected, fuzzy_threshold))
    return anchors


def shorten(text: str, width: int = 60) -> str:
    """``text`` on one line (runs of white space made one space), cut to ``width`` with '…'."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1].rstrip() + "…"


def render_report(report: AnchorReport, labels: list[str] | None = None, *, width: int = 60) -> list[str]:
    """Text lines, one per span (status, old offsets -> new offsets, score, label, quote
    shortened; a changed span also shows its new quote), then the summary line."""
    lines = []
    for i, a in enumerate(report.anchors):
        old = f"{a.span.start}-{a.span.end}"
        new = "-" if a.start is None else f"{a.start}-{a.end}"
        label = f"{labels[i]}  " if labels is not None else ""
        line = f"{a.status:<9} {old:>11} -> {new:<11} {a.score:.2f}  {label}\"{shorten(a.span.quote, width)}\""
        if a.status == "changed":
            line += f" => \"{shorten(a.quote or '', width)}\""
        lines.append(line)
    lines.append(report.summary())
    return lines
