"""Helpers for curators: find the offsets of a quote in a corpus document."""

from __future__ import annotations

from pathlib import Path

from spinekg.core.errors import CorpusError, CurationError

__all__ = ["locate_quote", "read_text", "typographic_variant"]

_TYPOGRAPHIC = (("'", "\u2019"), ('"', "\u201c"), ('"', "\u201d"), ("-", "\u2014"), ("-", "\u2013"))


def typographic_variant(text: str, quote: str) -> str | None:
    """The quote as the text spells it when only apostrophes, double quotes or dashes differ."""
    for plain, fancy in _TYPOGRAPHIC:
        if plain in quote:
            variant = quote.replace(plain, fancy)
            if variant in text:
                return variant
    return None


def read_text(document: str, corpus: Path | None) -> tuple[Path, str]:
    """Read a document given as a path to a .txt file or as a file name in the corpus."""
    path = Path(document)
    if not path.is_file():
        if corpus is None:
            raise CorpusError(f"{document}: not a file, and no corpus directory (pass --corpus or set SPINEKG_CORPUS)")
        name = document[:-4] if document.endswith(".txt") else document
        path = Path(corpus) / f"{name}.txt"
        if not path.is_file():
            raise CorpusError(f"{path}: document not found in the corpus")
    with open(path, encoding="utf-8", newline="") as handle:
        return path, handle.read()


def locate_quote(document: str, quote: str, corpus: Path | None) -> list[tuple[int, int]]:
    """Every ``(start, end)`` at which ``quote`` occurs verbatim; raise when it does not occur."""
    path, text = read_text(document, corpus)
    if not quote:
        raise CurationError("empty quote", path)
    hits = []
    at = text.find(quote)
    while at != -1:
        hits.append((at, at + len(quote)))
        at = text.find(quote, at + 1)
    if not hits:
        variant = typographic_variant(text, quote)
        hint = (f"; the text has {variant[:60]!r} (typographic quotes or dashes)" if variant
                else "; copy it verbatim (curly quotes and dashes included)")
        raise CurationError(f"quote not found: {quote[:60]!r}{hint}", path)
    return hits
