"""A new version of a known page: re-anchor its curated quotes and keep the old snapshot.

:func:`add_version` is what ``spinekg add`` does when the page it is given is a known page (its
``--name``, or its ``--url`` recorded in a curation file) whose text changed:

1. the old text is kept in the corpus, under ``snapshots/<name>/<sha256>.txt``, and recorded in the
   curation file (``previous:`` in the document block: its hash and retrieval date), so the graph
   holds both snapshots, the new one ``prov:wasRevisionOf`` the old;
2. every statement's quote (and lead-in) is re-anchored in the new text
   (:func:`spinekg.model.anchoring.reanchor`): *unchanged* and *moved* quotes get their new offsets;
   a *changed* quote gets the new text's words and a ``review:`` line saying what it read before;
   a *gone* quote keeps its old words and offsets with a ``review:`` line. ``spinekg build`` refuses
   the file until a curator has looked at each ``review:``; nothing is dropped;
3. the curation file is rewritten in place, line by line (comments and layout kept), after the
   previous version is saved as ``documents/.history/<name>.<sha256 prefix>.yaml``; the new text
   replaces the old one in the corpus.

The report lists every statement with its status, old and new offsets.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from spinekg.core.errors import CurationError
from spinekg.core.files import atomic_output
from spinekg.model.anchoring import AnchorReport, Span, reanchor, render_report
from spinekg.model.curation import read_document

__all__ = ["VersionResult", "add_version", "find_by_url"]


@dataclass(frozen=True)
class VersionResult:
    name: str
    report: AnchorReport
    labels: list[str]
    history: Path
    snapshot: Path

    def lines(self) -> list[str]:
        return render_report(self.report, self.labels)


def find_by_url(data_dir: Path, url: str) -> str | None:
    """The name of the curated page recorded with ``url``, if any."""
    for path in sorted((Path(data_dir) / "documents").glob("*.yaml")):
        doc = read_document(path)
        if doc.url == url:
            return doc.file
    return None


def _nodes(text: str, path: Path):
    """(document mapping node, [(statement node, {key: value node})]) with their marks."""
    root = yaml.compose(text)
    if not isinstance(root, yaml.MappingNode):
        raise CurationError("a document file must be a mapping", str(path), 1)
    top = {k.value: v for k, v in root.value}
    statements = []
    node = top.get("statements")
    if isinstance(node, yaml.SequenceNode):
        for item in node.value:
            if isinstance(item, yaml.MappingNode):
                statements.append((item, _keys(item)))
    return top.get("document"), statements


def _keys(node) -> dict:
    """key -> (key node, value node) of a YAML mapping node."""
    return {k.value: (k, v) for k, v in node.value}


def add_version(name: str, new_text: str, corpus_dir: Path, data_dir: Path, *,
                retrieved: dt.date | None = None, threshold: float = 0.85) -> VersionResult:
    corpus_dir, data_dir = Path(corpus_dir), Path(data_dir)
    text_path = corpus_dir / f"{name}.txt"
    curation = data_dir / "documents" / f"{name}.yaml"
    doc = read_document(curation)
    old_bytes = text_path.read_bytes()
    if hashlib.sha256(old_bytes).hexdigest() != doc.sha256:
        raise CurationError(f"the corpus text {text_path} is not the one this file was curated on (its sha256 "
                            "differs); restore that text before adding a new version", str(curation), doc.sha256_line)
    old_text = old_bytes.decode("utf-8")
    new_sha = hashlib.sha256(new_text.encode("utf-8")).hexdigest()
    source = curation.read_text(encoding="utf-8")
    document_node, statements = _nodes(source, curation)

    spans, where, labels = [], [], []
    for index, (_node, keys) in enumerate(statements):
        lead = keys.get("lead_in")
        for part, holder in (("", keys), ("lead_in", _keys(lead[1]) if lead and isinstance(lead[1], yaml.MappingNode)
                                          else None)):
            if holder is None or not all(k in holder for k in ("quote", "start", "end")):
                continue
            quote = yaml.safe_load(yaml.serialize(holder["quote"][1]))
            spans.append(Span(int(holder["start"][1].value), int(holder["end"][1].value), str(quote)))
            where.append((part, holder))
            labels.append(f"statement {index + 1}{' (lead-in)' if part else ''}: line {holder['quote'][0].start_mark.line + 1}")
    anchors = reanchor(old_text, new_text, spans, fuzzy_threshold=threshold)

    edits: list[tuple[int, int, str]] = []  # (start index, end index, replacement) in the YAML text
    for anchor, (part, holder) in zip(anchors, where):
        (q_key, q), (_, s), (_, e) = holder["quote"], holder["start"], holder["end"]
        if anchor.status in ("unchanged", "moved", "changed"):
            edits.append((s.start_mark.index, s.end_mark.index, str(anchor.start)))
            edits.append((e.start_mark.index, e.end_mark.index, str(anchor.end)))
        if anchor.status == "changed":
            edits.append((q.start_mark.index, q.end_mark.index, json.dumps(anchor.quote, ensure_ascii=False)))
        if anchor.status in ("changed", "gone") and not part:
            was = json.dumps(anchor.span.quote, ensure_ascii=False)
            why = (f"the page changed: this quote read {was} (score {anchor.score:.2f})" if anchor.status == "changed"
                   else f"the page changed: this quote is no longer in it ({anchor.note}); the offsets are the old ones")
            at = _line_end(source, e.end_mark.index)
            edits.append((at, at, f"\n{' ' * q_key.start_mark.column}review: {json.dumps(why, ensure_ascii=False)}"))
    # the document block: the new hash and date, the previous snapshot
    doc_keys = _keys(document_node)
    sha_key, sha_node = doc_keys["sha256"]
    edits.append((sha_node.start_mark.index, sha_node.end_mark.index, new_sha))
    indent = " " * sha_key.start_mark.column
    at = _line_end(source, sha_node.end_mark.index)
    today = (retrieved or dt.date.today()).isoformat()
    if "retrieved" in doc_keys:
        node = doc_keys["retrieved"][1]
        edits.append((node.start_mark.index, node.end_mark.index, today))
    else:
        edits.append((at, at, f"\n{indent}retrieved: {today}"))
    previous = f"{{sha256: {doc.sha256}" + (f", retrieved: {doc.retrieved.isoformat()}" if doc.retrieved else "") + "}"
    if "previous" in doc_keys:
        node = doc_keys["previous"][1]
        if not (isinstance(node, yaml.SequenceNode) and node.flow_style):
            raise CurationError("'previous' must be a flow list ([{sha256: ..., retrieved: ...}, ...]) to be extended",
                                str(curation), node.start_mark.line + 1)
        edits.append((node.start_mark.index + 1, node.start_mark.index + 1, previous + ", "))
    else:
        edits.append((at, at, f"\n{indent}previous: [{previous}]"))
    updated = source
    for start, end, replacement in sorted(edits, key=lambda x: (x[0], x[1]), reverse=True):
        updated = updated[:start] + replacement + updated[end:]

    history = data_dir / "documents" / ".history" / f"{name}.{doc.sha256[:16]}.yaml"
    snapshot = corpus_dir / "snapshots" / name / f"{doc.sha256}.txt"
    history.parent.mkdir(parents=True, exist_ok=True)
    snapshot.parent.mkdir(parents=True, exist_ok=True)
    with atomic_output(history) as out:
        out.write(source.encode("utf-8"))
    with atomic_output(snapshot) as out:
        out.write(old_bytes)
    with tempfile.TemporaryDirectory() as scratch:  # what will be written must read back first
        check = Path(scratch) / curation.name
        check.write_text(updated, encoding="utf-8")
        read_document(check)
    with atomic_output(curation) as out:
        out.write(updated.encode("utf-8"))
    with atomic_output(text_path) as out:
        out.write(new_text.encode("utf-8"))
    return VersionResult(name, AnchorReport(tuple(anchors)), labels, history, snapshot)


def _line_end(text: str, index: int) -> int:
    end = text.find("\n", index)
    return len(text) if end < 0 else end
