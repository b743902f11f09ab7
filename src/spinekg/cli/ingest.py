"""``spinekg add`` and ``spinekg extract``: bring in a page and draft its claims."""

from __future__ import annotations

import os
from pathlib import Path

import click

from spinekg.cli.options import corpus_dir, corpus_option, emit

__all__ = ["register"]

data_option = click.option(
    "--data", "data", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Curation folder with documents/ and reference.yaml (default: $SPINEKG_DATA, else the shipped data/).")


def _data_dir(value: Path | None) -> Path:
    from spinekg.core.resources import resource_dir

    if value is not None:
        return value
    return Path(os.environ["SPINEKG_DATA"]) if os.environ.get("SPINEKG_DATA") else resource_dir("data")


def _corpus(value: Path | None) -> Path:
    from spinekg.core.errors import CorpusError

    found = corpus_dir(value)
    if found is None:
        raise CorpusError("no corpus directory: pass --corpus DIR or set SPINEKG_CORPUS")
    return found


@click.command()
@click.argument("page", type=click.Path(path_type=Path))
@click.option("--url", default=None, help="Where the page was published (http or https).")
@click.option("--retrieved", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="When its text was retrieved, YYYY-MM-DD (default: today).")
@click.option("--publisher", default=None, help="Who publishes it: a known organization's name or id, or a new name.")
@click.option("--country", default=None, help="Where the publisher is: ISO 3166 code (US, CO) or country name.")
@click.option("--title", default=None, help="The page's title.")
@click.option("--name", default=None, help="Store it under this name (default: NNN_<hash>, the next number).")
@corpus_option
@data_option
def add(page: Path, url, retrieved, publisher, country, title, name, corpus, data) -> None:
    """Add a page (.txt, or a saved .html page: its main text is extracted) to the corpus and create
    its curation file, with its hash, URL, retrieval date, title and publisher.

    \b
    Examples:
      spinekg add clinic.html --url https://example.org/stem-cells --publisher "Example Spine" --country US
      spinekg extract 005 -o draft.yaml
    """
    from spinekg.ingest.pages import add_page

    added = add_page(page, _corpus(corpus), _data_dir(data), url=url,
                     retrieved=retrieved.date() if retrieved else None, publisher=publisher, country=country,
                     title=title, name=name)
    if added.version is not None:
        report = added.version.report
        click.echo(f"{added.name}: a new version of a known page ({added.characters:,} characters); every curated "
                   f"quote re-anchored: {report.summary()}")
        for line in added.version.lines():
            click.echo(f"  {line}")
        click.echo(f"the old text is kept as {added.version.snapshot}, the previous curation file as "
                   f"{added.version.history}; review each 'review:' line in {added.curation_path} before building")
        return
    text = "stored" if added.created_text else "already in the corpus"
    cur = "created" if added.created_curation else "already there, left as it is"
    click.echo(f"{added.name}: text {text} ({added.characters:,} characters, {added.text_path}); curation file {cur} "
               f"({added.curation_path}). Next: spinekg extract {added.name} -o draft.yaml")


def _resolve_page(doc: str, corpus: Path | None, data: Path) -> tuple[Path, dict]:
    """A page file: a path, or a corpus name, number (005) or name prefix; with its curated metadata."""
    from spinekg.core.errors import CorpusError
    from spinekg.model.curation import read_document

    path = Path(doc)
    if not path.is_file():
        folder = _corpus(corpus)
        hits = sorted(p for p in folder.glob("*.txt") if p.stem == doc or p.stem.startswith(f"{doc}_"))
        if len(hits) != 1:
            known = ", ".join(p.stem for p in sorted(folder.glob("*.txt"))[:12])
            raise CorpusError(f"{doc}: {'no' if not hits else 'more than one'} page of that name in {folder}; "
                              f"known: {known}")
        path = hits[0]
    meta: dict = {"file": path.stem}
    curation = data / "documents" / f"{path.stem}.yaml"
    if curation.is_file():
        import yaml

        spec = read_document(curation)
        meta["individuals"] = (yaml.safe_load(curation.read_text(encoding="utf-8")) or {}).get("individuals") or None
        meta.update({"file": spec.file, "sha256": spec.sha256, "url": spec.url,
                     "retrieved": spec.retrieved.isoformat() if spec.retrieved else None, "title": spec.title,
                     "publisher": spec.publisher, "country": spec.country})
    return path, meta


@click.command()
@click.argument("doc", required=False)
@click.option("-o", "--output", default="-", help="Write the draft here (never over an existing file).")
@click.option("-f", "--format", "fmt", type=click.Choice(["yaml", "json", "html"]), default=None,
              help="Draft format (default: from the output extension, else yaml).")
@click.option("--evaluate", is_flag=True,
              help="Instead of a draft: precision and recall against the curated pages, leave-one-document-out.")
@corpus_option
@data_option
def extract(doc: str | None, output: str, fmt: str | None, evaluate: bool, corpus, data) -> None:
    """Draft a page's claims: its sentences, the entities it names and proposed claims with their
    modality, negation and attribution; every quote exact, every item marked proposed.

    \b
    Examples:
      spinekg extract 005 -o drafts/005.yaml
      spinekg extract page.txt -f html -o page-draft.html
      spinekg extract --evaluate
    """
    import hashlib

    from spinekg.core.errors import CorpusError
    from spinekg.ingest.drafts import render_draft
    from spinekg.ingest.extract import extract as run_extract
    from spinekg.ingest.text import read_page_text
    from spinekg.kg import load

    data_dir = _data_dir(data)
    if evaluate:
        from spinekg.ingest.evaluate import evaluate as run_evaluation, render_evaluation

        report = run_evaluation(data_dir, _corpus(corpus))
        emit(render_evaluation(report, fmt or "text").encode("utf-8"), output)
        return
    if doc is None:
        raise CorpusError("give the page to extract (a file, or a corpus name or number), or --evaluate")
    if output != "-" and Path(output).exists():
        raise CorpusError(f"{output}: exists; the draft is never written over a file (choose another name)")
    fmt = fmt or ({".json": "json", ".html": "html", ".htm": "html"}.get(Path(output).suffix.lower(), "yaml")
                  if output != "-" else "yaml")
    path, meta = _resolve_page(doc, corpus, data_dir)
    text = read_page_text(path)
    meta.setdefault("sha256", hashlib.sha256(text.encode("utf-8")).hexdigest())
    kg = load()
    draft = run_extract(text, kg.graph, document={k: v for k, v in meta.items() if v is not None})
    emit(render_draft(draft, fmt).encode("utf-8"), output)
    if output != "-":
        click.echo(f"{meta['file']}: {len(draft.mentions)} mentions, {len(draft.claims)} proposed claims in "
                   f"{len({(c.sentence.start) for c in draft.claims})} statements; written to {output}", err=True)


def register(main: click.Group) -> None:
    main.add_command(add)
    main.add_command(extract)

