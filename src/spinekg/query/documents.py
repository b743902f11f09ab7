"""The pages in a graph as people name them: number, publisher and title, not hash file names.

:func:`documents` runs the library question ``documents`` (``queries/documents.rq``) once and
returns a :class:`Document` per page. Every human format (tables, reports, the explorer) names a
page by :attr:`Document.name`, for example ``003 Divine Spine: Do Stem Cell Injections Work for
Back Pain?``; machine formats keep the file name or the IRI.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef

__all__ = ["Document", "documents", "document_names"]


@dataclass(frozen=True)
class Document:
    """One page: its IRI, corpus file name and whatever metadata the graph has (else ``None``)."""

    iri: URIRef
    file: str
    title: str | None = None
    publisher: str | None = None
    country: str | None = None
    published: str | None = None
    retrieved: str | None = None
    url: str | None = None

    @property
    def number(self) -> str:
        """The corpus number (``003``), or the whole file name when it has none."""
        head = self.file.split("_", 1)[0]
        return head if head.isdigit() else self.file

    @property
    def name(self) -> str:
        """``003 Divine Spine: Do Stem Cell Injections Work for Back Pain?``; the parts it has
        (``001 Stem Cells Colombia``, ``000 Cellular Therapy for Treating Neck Pain``), else the
        file name."""
        known = [part for part in (self.publisher, self.title) if part]
        return f"{self.number} {': '.join(known)}" if known else self.file


def _text(value) -> str | None:
    return None if value is None else str(value)


def documents(engine) -> dict[URIRef, Document]:
    """Every page of the graph behind ``engine`` (a :class:`~spinekg.query.engines.Engine`), by IRI,
    in file-name order."""
    from spinekg.query.library import load_library, run

    found: dict[URIRef, Document] = {}
    for row in run(engine, load_library()["documents"]):
        iri = row["document"]
        if iri in found:  # a second title, publisher or country: the first names the page
            continue
        found[iri] = Document(iri=iri, file=_text(row["file"]) or str(iri).rsplit("/", 1)[-1],
                              title=_text(row["title"]), publisher=_text(row["publisher_name"]),
                              country=_text(row["country_name"]), published=_text(row["published"]),
                              retrieved=_text(row["retrieved"]), url=_text(row["url"]))
    return found


def document_names(engine) -> dict[str, str]:
    """Display names keyed both by IRI (as text) and by file name, for renaming in human formats."""
    names: dict[str, str] = {}
    for doc in documents(engine).values():
        names[str(doc.iri)] = names[doc.file] = doc.name
    return names
