"""Modality, negation and attribution from the words, ConText-style.

ConText (Harkema et al., 2009, after NegEx, Chapman et al., 2001) reads a sentence for trigger
phrases, each with a direction and a scope that runs until the end of the sentence or a
terminating phrase ("but", "however", ";"); pseudo-triggers ("not only", "no doubt") are
matched first so that they do not trigger. A concept inside a trigger's scope takes the trigger's
modifier. Here the concepts are a proposed claim's two mentions: the claim is negated when a
negation trigger's scope covers its object (or its predicate's wording between the mentions),
hedged when a hedge trigger's scope does, and attributed when the sentence reports someone
else's statement ("according to X", "studies show", "a review found").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Modifier", "modifiers", "covering", "ATTRIBUTION"]


@dataclass(frozen=True)
class Modifier:
    kind: str        # "negation", "hedge", "attribution"
    start: int       # the trigger's span in the text
    end: int
    cue: str
    scope_end: int   # the trigger covers [end, scope_end) ("forward"), or [scope_start, start) ("backward")
    scope_start: int | None = None


def _words(*phrases: str) -> str:
    return r"\b(?:" + "|".join(sorted(phrases, key=len, reverse=True)) + r")\b"


PSEUDO = re.compile(_words(r"not only", r"no doubt", r"not necessarily", r"no longer", r"no matter", r"not just",
                           r"whether or not", r"if not", r"no wonder"), re.IGNORECASE)
NEGATION = re.compile(_words(
    r"not", r"no", r"never", r"cannot", r"can['’]t", r"won['’]t", r"isn['’]t", r"aren['’]t", r"doesn['’]t",
    r"don['’]t", r"didn['’]t", r"wasn['’]t", r"weren['’]t", r"neither", r"nor", r"none", r"unlike", r"rather than",
    r"instead of", r"free of", r"free from", r"lack of", r"fails? to", r"failed to", r"absence of"), re.IGNORECASE)
HEDGE = re.compile(_words(
    r"may", r"might", r"could", r"can help", r"can potentially", r"may help", r"potentially", r"possibly",
    r"perhaps", r"likely", r"unlikely", r"appears? to", r"seems? to", r"suggests?", r"suggested", r"is thought to",
    r"are thought to", r"believed", r"thought to", r"promising", r"hope", r"aims? to", r"intended to",
    r"designed to", r"in some cases", r"some patients", r"can be", r"has the potential", r"have the potential",
    r"tends? to", r"typically", r"often"), re.IGNORECASE)
#: a hedge word that is also a name ("May 11, 2021")
NOT_HEDGE = re.compile(r"\bMay\s+\d")
#: negations that reach only to the end of their own phrase ("Unlike a painkilling drug, they heal")
PHRASE_NEGATION = re.compile(r"^(?:unlike|rather than|instead of)$", re.IGNORECASE)
#: attribution: (pattern, group holding the source's name or None)
ATTRIBUTION = re.compile(
    r"\b(?i:according to) (?:the |a )?(?P<src1>[A-Z][\w.&’' -]{1,60}?)(?=[,.;:]| (?:has|have|is|are|was|were|says?|said|found|reports?)\b)"
    r"|\b(?P<src2>(?:the )?(?:FDA|Food and Drug Administration|Mayo Clinic|[A-Z][a-z]+ (?:Clinic|Institute|University|Association|Academy)))"
    r" (?:says?|said|states?|stated|reports?|reported|warns?|warned|notes?|noted|recommends?|has (?:not )?approved|does not allow|has not approved|found)\b"
    r"|\b(?P<anon>(?i:(?:recent |several |some |many |clinical |scientific )?(?:studies|research|trials?|reviews?|evidence|a (?:\d{4} )?review(?: of [\w ]{1,40}?)?|a study|one (?:clinical )?trial|researchers|experts|doctors|scientists))"
    r" (?:show|shows|showed|shown|suggest|suggests|suggested|found|find|finds|indicate|indicates|indicated|report|reported|reports|have shown|has shown|demonstrated|demonstrate|say|says))\b",
)
TERMINATION = re.compile(r"\b(?:but|however|although|though|yet|except|whereas|while)\b|[;:]", re.IGNORECASE)


def _scope_end(text: str, pos: int, end: int) -> int:
    m = TERMINATION.search(text, pos, end)
    return m.start() if m else end


def modifiers(text: str, start: int, end: int) -> list[Modifier]:
    """The triggers of the sentence ``text[start:end]`` with their forward scopes."""
    pseudo = [(m.start(), m.end()) for m in PSEUDO.finditer(text, start, end)]

    def in_pseudo(a: int, b: int) -> bool:
        return any(p <= a and b <= q for p, q in pseudo)

    out: list[Modifier] = []
    for kind, pattern in (("negation", NEGATION), ("hedge", HEDGE)):
        for m in pattern.finditer(text, start, end):
            if in_pseudo(m.start(), m.end()) or (kind == "hedge" and NOT_HEDGE.match(text, m.start())):
                continue
            scope = _scope_end(text, m.end(), end)
            if PHRASE_NEGATION.match(m.group()):
                comma = text.find(",", m.end(), scope)
                scope = comma if comma >= 0 else scope
            out.append(Modifier(kind, m.start(), m.end(), m.group(), scope))
    for m in ATTRIBUTION.finditer(text, start, end):
        # a report covers its whole sentence
        out.append(Modifier("attribution", m.start(), m.end(), m.group(), end, start))
    return sorted(out, key=lambda mod: (mod.start, mod.kind))


def covering(mods: list[Modifier], kind: str, a: int, b: int) -> list[Modifier]:
    """The modifiers of ``kind`` whose scope covers the span [a, b)."""
    return [m for m in mods if m.kind == kind
            and ((m.scope_start if m.scope_start is not None else m.end) <= a and b <= m.scope_end)]
