"""Helpers for curators: find the offsets of a quote in a corpus document."""

from __future__ import annotations

from pathlib import Path

from spinekg.core.errors import CorpusError, CurationError

__all__ = ["find_document", "locate_quote", "read_text", "typographic_variant"]

_TYPOGRAPHIC = (("'", "\u2019"), ('"', "\u201c"), ('"', "\u201d"), ("-", "\u2014"), ("-", "\u2013"))


def typographic_variant(text: str, quote: str) -> str | None:
    """The quote as the text spells it when only apostrophes, double quotes or dashes differ."""
    for plain, fancy in _TYPOGRAPHIC:
        if plain in quote:
            variant = quote.replace(plain, fancy)
            if variant in text:
                return variant
    return None


def find_document(document: str, corpus: Path | None) -> Path:
    """The .txt file of a document given as a path to a .txt file, a corpus file name (with or
    without ``.txt``) or its number (``003``); :class:`CorpusError` naming the corpus documents
    when none matches (a title is resolved through the graph, by the caller)."""
    path = Path(document)
    if path.is_file():
        return path
    if corpus is None:
        raise CorpusError(f"{document}: not a file, and no corpus directory (pass --corpus or set SPINEKG_CORPUS)")
    corpus = Path(corpus)
    name = document[:-4] if document.endswith(".txt") else document
    path = corpus / f"{name}.txt"
    if "/" not in name and "\\" not in name and path.is_file():
        return path
    pages = sorted(p.stem for p in corpus.glob("*.txt")) if corpus.is_dir() else []
    numbered = [stem for stem in pages if stem.split("_", 1)[0] == name.strip()]
    if len(numbered) == 1:
        return corpus / f"{numbered[0]}.txt"
    if numbered:
        raise CorpusError(f"{document}: names several corpus documents ({', '.join(numbered)}); give the file name")
    shown = ", ".join(pages[:20]) + (f" and {len(pages) - 20} more" if len(pages) > 20 else "")
    raise CorpusError(f"{document}: no such document in the corpus {corpus} (give a file name, a number such as "
                      f"003 or a title; documents: {shown or 'none'})")


def read_text(document: str | Path, corpus: Path | None) -> tuple[Path, str]:
    """Read a document given as :func:`find_document` takes it (or as a :class:`Path`)."""
    path = document if isinstance(document, Path) else find_document(document, corpus)
    with open(path, encoding="utf-8", newline="") as handle:
        return path, handle.read()


def locate_quote(document: str | Path, quote: str, corpus: Path | None) -> list[tuple[int, int]]:
    """Every ``(start, end)`` at which ``quote`` occurs verbatim in ``document`` (see
    :func:`read_text`); raise when it does not occur."""
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
