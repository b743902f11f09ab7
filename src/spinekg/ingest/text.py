"""Page text: reading a page safely, its sentences and its tokens, all with exact offsets.

Offsets are 0-based code points into the text as read (``text[start:end]``), the convention of
the curation files. Sentences are found by rules (end punctuation followed by a capital, a line
break between lines that read as separate items), which keep every character of the page in
exactly one sentence span: nothing is normalised, so quotes are exact by construction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from spinekg.core.errors import CorpusError

__all__ = ["Token", "Sentence", "read_page_text", "html_to_text", "sentences", "tokens", "MAX_PAGE_CHARS"]

#: pages longer than this (about 400 printed pages) are refused: a clinic page is a few thousand words
MAX_PAGE_CHARS = 2_000_000

_ABBREVIATIONS = {"dr", "mr", "mrs", "ms", "prof", "e.g", "i.e", "etc", "vs", "no", "st", "fig", "approx", "inc",
                  "u.s", "jr", "sr", "al", "dept", "mt"}


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


def _check_text(text: str, where: str) -> str:
    if not text.strip():
        raise CorpusError(f"{where}: the page has no text; save the page's text (or its HTML) and try again")
    if "\x00" in text:
        raise CorpusError(f"{where}: binary content (NUL bytes), not a text page; give a .txt or a saved .html page")
    if len(text) > MAX_PAGE_CHARS:
        raise CorpusError(f"{where}: {len(text):,} characters, more than the {MAX_PAGE_CHARS:,} a page may have; "
                          "split the file or give the page's main text only")
    return text


def html_to_text(html: str, where: str) -> str:
    """The main text of a saved HTML page (trafilatura; deterministic: no network, no fallbacks
    that depend on timing)."""
    try:
        import trafilatura
    except ImportError as err:  # pragma: no cover - depends on the installed extras
        raise CorpusError(f"{where}: reading HTML needs trafilatura: pip install 'spinekg[ingest]'") from err
    text = trafilatura.extract(html, include_comments=False, include_tables=True, include_links=False,
                               favor_precision=False, deduplicate=False, with_metadata=False)
    if not text or not text.strip():
        raise CorpusError(f"{where}: no main text found in the HTML; save the page's text as .txt instead")
    return text.strip() + "\n"


def read_page_text(path: str | Path) -> str:
    """A page's text: a UTF-8 ``.txt`` file, or the main text of a saved ``.html``/``.htm`` page."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError as err:
        raise CorpusError(f"{path}: no such file") from err
    except IsADirectoryError as err:
        raise CorpusError(f"{path}: a folder, not a page file") from err
    if b"\x00" in raw[:8192]:
        raise CorpusError(f"{path}: binary content (NUL bytes), not a text page; give a .txt or a saved .html page")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise CorpusError(f"{path}: not UTF-8 text (byte {err.start}); convert it, e.g. iconv -f latin1 -t utf-8") from err
    if text.startswith("\ufeff"):
        text = text[1:]
    if path.suffix.lower() in (".html", ".htm", ".xhtml"):
        _check_text(text, str(path))
        text = html_to_text(text, str(path))
    return _check_text(text, str(path))


_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)


def tokens(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Word tokens (letters and digits, with inner apostrophes) of ``text[start:end]``."""
    end = len(text) if end is None else end
    return [Token(m.start(), m.end(), m.group()) for m in _WORD.finditer(text, start, end)]


_BOUNDARY = re.compile(r"([.!?]+[\"'”’)\]]*)(\s+)|(\n\s*\n+)|(\n)")


def _is_abbreviation(text: str, dot: int) -> bool:
    word = re.search(r"([A-Za-z.]+)\.?$", text[max(0, dot - 12):dot + 1])
    if not word:
        return False
    w = word.group(1).lower().rstrip(".")
    return w in _ABBREVIATIONS or (len(w) == 1 and w.isalpha())


def sentences(text: str) -> list[Sentence]:
    """The sentences of ``text``: split after ., ! or ? followed by space and an upper-case letter,
    digit or quote (not after a known abbreviation), at blank lines, and at a line break that ends
    a line without end punctuation (headings, list items). Spans are trimmed of surrounding space."""
    cuts = [0]
    for m in _BOUNDARY.finditer(text):
        if m.group(1):
            nxt = text[m.end():m.end() + 1]
            if not nxt or not (nxt.isupper() or nxt.isdigit() or nxt in "\"“‘(•-–"):
                continue
            if m.group(1).startswith(".") and _is_abbreviation(text, m.start(1)):
                continue
            cuts.append(m.end(1))
        else:
            cuts.append(m.start())
    cuts.append(len(text))
    out = []
    for a, b in zip(cuts, cuts[1:]):
        chunk = text[a:b]
        lead = len(chunk) - len(chunk.lstrip())
        trail = len(chunk.rstrip())
        if trail > lead:
            out.append(Sentence(a + lead, a + trail, text[a + lead:a + trail]))
    return out
