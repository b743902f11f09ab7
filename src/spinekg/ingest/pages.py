"""Bring a page into the corpus: its text under a stable name, its metadata, its curation file.

:func:`add_page` stores the page's text (a ``.txt`` as it is; a saved ``.html`` page's main text,
extracted by trafilatura) in the corpus folder as ``NNN_<first 16 hex digits of its SHA-256>.txt``
(the next free number), and creates ``data/documents/<name>.yaml`` with the document block (file,
hash, URL, retrieval date, title, publisher and its country) and no statements yet: ``spinekg
extract`` drafts them. Nothing existing is overwritten: a page already in the corpus with the same
text is reported as such, and a curation file that exists is left as it is.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from spinekg.core.errors import CorpusError, CurationError
from spinekg.core.files import atomic_output
from spinekg.ingest.text import read_page_text
from spinekg.model.curation import read_document, read_reference

__all__ = ["AddedPage", "add_page", "unregistered_pages", "next_name"]

_NUMBERED = re.compile(r"^(\d{3,})_[0-9a-f]{16}$")


@dataclass(frozen=True)
class AddedPage:
    name: str
    text_path: Path
    curation_path: Path
    sha256: str
    created_text: bool
    created_curation: bool
    characters: int
    #: a new version of a known page: how each curated quote was re-anchored
    version: object = None


def next_name(text: str, corpus_dir: Path, data_dir: Path) -> str:
    """``NNN_<sha256[:16]>`` with the next number after those in the corpus and the curation files."""
    numbers = [int(m.group(1)) for p in list(Path(corpus_dir).glob("*.txt")) + list((Path(data_dir) / "documents").glob("*.yaml"))
               if (m := _NUMBERED.match(p.stem))]
    number = max(numbers, default=-1) + 1
    return f"{number:03d}_{hashlib.sha256(text.encode('utf-8')).hexdigest()[:16]}"


def unregistered_pages(corpus_dir: Path, data_dir: Path) -> list[str]:
    """Corpus pages (``*.txt``) without a curation file."""
    curated = {p.stem for p in (Path(data_dir) / "documents").glob("*.yaml")}
    return sorted(p.stem for p in Path(corpus_dir).glob("*.txt") if p.stem not in curated)


def _camel(label: str) -> str:
    words = re.findall(r"[A-Za-z0-9]+", label)
    name = "".join(w[:1].upper() + w[1:] for w in words)
    if not name or not name[0].isalpha():
        name = "Org" + name
    return name


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _resolve_country(code: str, reference) -> str:
    """A country given as an ISO 3166 code, a name or a reference individual's id."""
    countries = [i for i in reference.individuals if i.type == "Country"]
    wanted = {code.strip().casefold()}
    try:  # ISO 3166-1 codes to names, when pycountry is installed (spinekg[ingest])
        import pycountry

        found = pycountry.countries.get(alpha_2=code.upper()) if len(code) == 2 else \
            pycountry.countries.get(alpha_3=code.upper()) if len(code) == 3 else None
        if found is not None:
            wanted |= {found.name.casefold(), getattr(found, "common_name", found.name).casefold()}
    except ImportError:  # pragma: no cover - depends on the installed extras
        pass
    for c in countries:
        names = {c.id.casefold(), c.label.casefold(), *(a.casefold() for a in c.alt)}
        if names & wanted:
            return c.id
    known = ", ".join(f"{c.id} ({c.label})" for c in countries)
    raise CurationError(f"unknown country {code!r}; known countries: {known}. Add it to data/reference.yaml "
                        "(type: Country) first", str(reference.path), 1)


def _publisher(name: str, reference) -> tuple[str, str | None]:
    """(the publisher's individual name, None if it exists in the reference data, else its label)."""
    for i in reference.individuals:
        if name in (i.id, i.label) or name in i.alt:
            return i.id, None
    return _camel(name), name


def add_page(page: str | Path, corpus_dir: str | Path, data_dir: str | Path, *, url: str | None = None,
             retrieved: dt.date | None = None, publisher: str | None = None, country: str | None = None,
             title: str | None = None, name: str | None = None) -> AddedPage:
    """Store ``page`` in the corpus and create its curation file (see the module docstring)."""
    corpus_dir, data_dir = Path(corpus_dir), Path(data_dir)
    if not corpus_dir.is_dir():
        raise CorpusError(f"{corpus_dir}: corpus directory not found; create it or point --corpus at it")
    if not (data_dir / "documents").is_dir():
        raise CorpusError(f"{data_dir / 'documents'}: curation folder not found; point --data at the folder "
                          "that holds documents/ and reference.yaml")
    if url is not None and not re.match(r"^https?://\S+$", url):
        raise CorpusError(f"--url must be an http(s) address, got {url!r}")
    if country is not None and publisher is None:
        raise CorpusError("--country is where the publisher is: give --publisher too")
    text = read_page_text(page)
    data = text.encode("utf-8")
    sha = hashlib.sha256(data).hexdigest()
    reference = read_reference(data_dir / "reference.yaml")
    country_id = _resolve_country(country, reference) if country else None
    publisher_id, new_publisher = _publisher(publisher, reference) if publisher else (None, None)

    if name is None and url is not None:
        from spinekg.ingest.versions import find_by_url

        name = find_by_url(data_dir, url)  # a known page: this may be its new version
    if name is None:
        existing = [p for p in corpus_dir.glob("*.txt") if p.read_bytes() == data]
        name = existing[0].stem if existing else next_name(text, corpus_dir, data_dir)
    if not re.match(r"^[A-Za-z0-9_.-]+$", name):
        raise CorpusError(f"--name {name!r}: use letters, digits, '_', '.' and '-' only")
    text_path = corpus_dir / f"{name}.txt"
    curation_path = data_dir / "documents" / f"{name}.yaml"
    created_text = False
    if text_path.exists():
        if text_path.read_bytes() != data:
            if not curation_path.exists():
                raise CorpusError(f"{text_path}: a different text is already stored under this name, and it has no "
                                  "curation file; choose another --name")
            from spinekg.ingest.versions import add_version

            version = add_version(name, text, corpus_dir, data_dir, retrieved=retrieved)
            return AddedPage(name, text_path, curation_path, sha, True, False, len(text), version)
    else:
        with atomic_output(text_path) as out:
            out.write(data)
        created_text = True
    created_curation = False
    if curation_path.exists():
        doc = read_document(curation_path)
        if doc.sha256 != sha:
            raise CurationError(f"its sha256 {doc.sha256[:12]}... is not the text's ({sha[:12]}...); the curation "
                                "file was left as it is", str(curation_path), doc.sha256_line)
    else:
        lines = [f"# {title or name}: added by spinekg add; draft its statements with: spinekg extract {name}",
                 "document:", f"  file: {name}", f"  sha256: {sha}"]
        if url:
            lines.append(f"  url: {_quote(url)}")
        lines.append(f"  retrieved: {(retrieved or dt.date.today()).isoformat()}")
        if title:
            lines.append(f"  title: {_quote(title)}")
        if publisher_id:
            lines.append(f"  publisher: {publisher_id}")
        if country_id:
            lines.append(f"  country: {country_id}")
        lines.append("")
        if new_publisher:
            lines += ["individuals:", f"  - id: {publisher_id}", "    type: Organization",
                      f"    label: {_quote(new_publisher)}", ""]
        lines += ["statements: []", ""]
        with atomic_output(curation_path) as out:
            out.write("\n".join(lines).encode("utf-8"))
        created_curation = True
        read_document(curation_path)  # what was written reads back
    return AddedPage(name, text_path, curation_path, sha, created_text, created_curation, len(text))
