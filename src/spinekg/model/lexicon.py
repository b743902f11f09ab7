"""A recognition lexicon from open ontologies: labels and exact synonyms of UBERON, MONDO, HP, CL,
ChEBI, GO and MeSH terms, each filed under a spinekg upper category.

The data is ``ontology/lexicon/lexicon.tsv`` (UTF-8, tab-separated, one header line), written by
the developer script :mod:`spinekg.model.lexicon_build` from pinned ontology releases; its README
says which releases, which branches, the licences and how to refresh it. Columns:

``curie``
    the ontology term, e.g. ``UBERON:0001066``
``term``
    its label or one exact synonym, as the release writes it
``term_type``
    ``label`` or ``exact_synonym``
``source``
    the ontology: ``UBERON``, ``MONDO``, ``HP``, ``CL``, ``CHEBI``, ``GO`` or ``MESH``
``spinekg_category``
    the local name of a spinekg upper category (``AnatomicalEntity``, ``Pathology``, ...)
``root``
    the branch root through which the term was selected (the term itself for a root)

Matching is on :func:`normalize_term` keys: ``lexicon.lookup(normalize_term(text))``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from spinekg.core.errors import CurationError
from spinekg.core.resources import resource_dir

__all__ = [
    "CURIE", "IRI", "COLUMNS", "TERM_TYPES", "CATEGORIES", "IRI_PREFIXES",
    "normalize_term", "curie_to_iri", "LexiconEntry", "Lexicon", "default_lexicon_path", "read_lexicon",
    "load_lexicon",
]

CURIE = str
IRI = str

#: the columns of lexicon.tsv, in order
COLUMNS = ("curie", "term", "term_type", "source", "spinekg_category", "root")
#: the values of the term_type column
TERM_TYPES = ("label", "exact_synonym")
#: the spinekg upper categories a lexicon row may name (local names in the spk: namespace)
CATEGORIES = ("AnatomicalEntity", "Pathology", "CellType", "CellSource", "Substance", "Treatment",
              "ImagingModality", "BiologicalMechanism")
#: how a CURIE of each source expands to an IRI: the OBO PURL convention, and NLM's MeSH RDF
IRI_PREFIXES: Mapping[str, str] = MappingProxyType({
    "UBERON": "http://purl.obolibrary.org/obo/UBERON_",
    "MONDO": "http://purl.obolibrary.org/obo/MONDO_",
    "HP": "http://purl.obolibrary.org/obo/HP_",
    "CL": "http://purl.obolibrary.org/obo/CL_",
    "CHEBI": "http://purl.obolibrary.org/obo/CHEBI_",
    "GO": "http://purl.obolibrary.org/obo/GO_",
    "MESH": "http://id.nlm.nih.gov/mesh/",
})

_SPACED = re.compile(r"[-/_\u2010-\u2015\u2212]")  # hyphens and dashes, slashes, underscores
_DROPPED = re.compile(r"[^\w\s]")  # any other punctuation or symbol (underscores are gone by now)
_SPACES = re.compile(r"\s+")


def _singular(word: str) -> str:
    """``word`` made singular by three English suffix rules (see :func:`normalize_term`)."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("sses"):
        return word[:-2]
    if word.endswith("s") and len(word) > 3 and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def normalize_term(text: str) -> str:
    """The matching key of a term or of a span of text.

    1. case-folded (``str.casefold``);
    2. hyphens and dashes, slashes and underscores become spaces;
    3. every other character that is not a letter, a digit or white space is dropped
       (``Wharton's jelly`` -> ``whartons jelly``);
    4. white space is collapsed to single spaces and stripped;
    5. the last word is made singular by simple rules: ``-ies`` -> ``-y`` for words of more than
       4 letters (``therapies`` -> ``therapy``), ``-sses`` -> ``-ss`` (``masses`` -> ``mass``), and
       a final ``s`` is removed from words of more than 3 letters that do not end in ``ss``,
       ``us`` or ``is`` (``discs`` -> ``disc``; ``stenosis``, ``nucleus``, ``gas`` stay).

    No stemming beyond that: Latin plurals (``vertebrae``) and irregular plurals stay as they are.
    """
    text = _SPACED.sub(" ", text.casefold())
    text = _SPACES.sub(" ", _DROPPED.sub("", text)).strip()
    if not text:
        return text
    head, _, last = text.rpartition(" ")
    last = _singular(last)
    return f"{head} {last}" if head else last


def curie_to_iri(curie: CURIE) -> IRI:
    """The IRI of a lexicon CURIE (``UBERON:0001066`` -> ``http://purl.obolibrary.org/obo/UBERON_0001066``,
    ``MESH:D012345`` -> ``http://id.nlm.nih.gov/mesh/D012345``); ValueError for another prefix."""
    prefix, sep, local = curie.partition(":")
    if not sep or not local or prefix not in IRI_PREFIXES:
        raise ValueError(f"{curie!r} is not a CURIE of a lexicon source ({', '.join(IRI_PREFIXES)})")
    return IRI_PREFIXES[prefix] + local


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    """One row of the lexicon: a label or exact synonym of an ontology term."""

    curie: CURIE
    iri: IRI
    term: str
    term_type: str
    source: str
    category: str


class Lexicon:
    """The lexicon's rows indexed by :func:`normalize_term` key."""

    def __init__(self, entries: tuple[LexiconEntry, ...]):
        self.entries = entries
        index: dict[str, list[LexiconEntry]] = {}
        for entry in entries:
            index.setdefault(normalize_term(entry.term), []).append(entry)
        self._index = {key: tuple(found) for key, found in index.items()}
        #: the number of words of the longest key (how far a matcher needs to look ahead)
        self.max_tokens = max((key.count(" ") + 1 for key in self._index), default=0)

    def lookup(self, normalized: str) -> tuple[LexiconEntry, ...]:
        """The entries whose term has the key ``normalized`` (already passed through
        :func:`normalize_term`), in file order; an empty tuple when none has."""
        return self._index.get(normalized, ())

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, normalized: object) -> bool:
        return normalized in self._index

    def sources(self) -> dict[str, int]:
        """The number of rows of each source, sorted by source."""
        return dict(sorted(Counter(entry.source for entry in self.entries).items()))

    def __repr__(self) -> str:
        return f"<Lexicon {len(self.entries)} entries, {len(self._index)} keys>"


def default_lexicon_path() -> Path:
    """The shipped ``ontology/lexicon/lexicon.tsv``."""
    return resource_dir("ontology") / "lexicon" / "lexicon.tsv"


def read_lexicon(path: str | Path) -> Lexicon:
    """Read a lexicon TSV; :class:`CurationError` (``file:line: what``) for a malformed one."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise CurationError(f"cannot read the lexicon: {err}", path) from err
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines or tuple(lines[0].split("\t")) != COLUMNS:
        raise CurationError(f"the header must be {chr(9).join(COLUMNS)!r}", path, 1)
    entries = []
    iri_cache: dict[str, str] = {}
    for number, line in enumerate(lines[1:], start=2):
        fields = line.split("\t")
        if len(fields) != len(COLUMNS):
            raise CurationError(f"expected {len(COLUMNS)} tab-separated fields, found {len(fields)}", path, number)
        curie, term, term_type, source, category, _root = fields
        iri = iri_cache.get(curie)
        if iri is None:
            if not curie.startswith(source + ":"):
                raise CurationError(f"{curie!r} does not belong to source {source!r}", path, number)
            try:
                iri = iri_cache[curie] = curie_to_iri(curie)
            except ValueError as err:
                raise CurationError(str(err), path, number) from err
        if term_type not in TERM_TYPES or category not in CATEGORIES or not term:
            raise CurationError(f"bad row {line!r}: term_type must be one of {TERM_TYPES}, "
                                f"spinekg_category one of {CATEGORIES}, and the term not empty", path, number)
        entries.append(LexiconEntry(curie, iri, term, term_type, source, category))
    return Lexicon(tuple(entries))


@lru_cache(maxsize=8)
def load_lexicon(path: str | Path | None = None) -> Lexicon:
    """The lexicon at ``path`` (default: the shipped one), read once per path and cached."""
    return read_lexicon(default_lexicon_path() if path is None else path)
