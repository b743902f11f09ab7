"""Neo4j import files of the entities view: node and relationship CSVs and a Cypher script.

Written into a folder, in the CSV header format of ``neo4j-admin database import``
(https://neo4j.com/docs/operations-manual/current/tools/import/file-header-format/), with ``|``
as the array delimiter (the command below says so with ``--array-delimiter="|"``; Neo4j splits
``:LABEL`` fields on the same character):

* ``nodes.csv``: ``id:ID,label,category,iri,synonyms:string[],mappings:string[],:LABEL``; every
  node has two labels, ``Entity`` and its upper category in PascalCase (``Entity|Treatment``,
  ``Entity|RegulatoryStatus``; ``Entity|Other`` when it has none);
* ``relationships.csv``: ``:START_ID,:END_ID,:TYPE,predicate,label,claims:int,negated:int,
  documents:string[],modalities:string[],quotes_json,stance,asserted_by:string[],hedged_by:string[],
  denied_by:string[]``; the type is the predicate in upper snake case (``HAS_MECHANISM``);
  ``quotes_json`` is a JSON array (quotes hold any character); ``stance`` is ``asserted`` or
  ``contested`` (some document also denies it) and the ``*_by`` arrays name the documents;
* ``import.cypher``: the same import with ``LOAD CSV`` for a running database; it needs the APOC
  plugin, for the category labels (``apoc.create.addLabels``) and the relationship types
  (``apoc.create.relationship``), both read from the files.

For an offline import: ``neo4j-admin database import full --nodes=nodes.csv
--relationships=relationships.csv --array-delimiter="|" --multiline-fields=true neo4j``.
Every field is quoted (RFC 4180); values are written as they are, so a label beginning with
``=`` is that text in Neo4j (no spreadsheet formula is involved). An array element cannot hold
the array delimiter (neo4j-admin has no escape for it): a ``|`` inside a synonym, a mapping or a
document name is written as U+FFFD, like the characters no export writes
(:mod:`spinekg.export.flat`).
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from spinekg.core.files import write_file_set
from spinekg.export.flat import REPLACEMENT, safe_text

__all__ = ["to_neo4j", "write_neo4j", "MULTIFILE", "ARRAY_DELIMITER"]

#: This exporter writes a folder of files, not one file.
MULTIFILE = True
#: what separates array elements and labels (``--array-delimiter`` of neo4j-admin)
ARRAY_DELIMITER = "|"


def _pascal(text: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", text) if part) or "Other"


def _type(predicate: str) -> str:
    local = re.split(r"[#/]", predicate)[-1]
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", local).upper() or "RELATED_TO"


def _array(values) -> str:
    """An array field: the elements joined by :data:`ARRAY_DELIMITER`, which no element holds."""
    return ARRAY_DELIMITER.join(str(v).replace(ARRAY_DELIMITER, REPLACEMENT) for v in values)


def _csv(rows: list[list]) -> bytes:
    """The rows as CSV; text cells through :func:`~spinekg.export.flat.safe_text` (a NUL or a
    lone surrogate would break the file for neo4j-admin, or its UTF-8)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerows([[safe_text(cell) if isinstance(cell, str) else cell for cell in row] for row in rows])
    return buffer.getvalue().encode("utf-8")


def to_neo4j(kg) -> dict[str, bytes]:
    """The files, by name."""
    from spinekg.core.terms import curie

    view = kg.to_networkx("entities")
    nodes = [["id:ID", "label", "category", "iri", "synonyms:string[]", "mappings:string[]", ":LABEL"]]
    for node, d in sorted(view.nodes(data=True), key=lambda x: str(x[0])):
        labels = _array(["Entity", _pascal(d["category"])])
        nodes.append([curie(node), d["label"], d["category"], str(node), _array(d["synonyms"]),
                      _array(d["mappings"]), labels])
    rels = [[":START_ID", ":END_ID", ":TYPE", "predicate", "label", "claims:int", "negated:int",
             "documents:string[]", "modalities:string[]", "quotes_json", "stance", "asserted_by:string[]",
             "hedged_by:string[]", "denied_by:string[]"]]
    for s, o, key, d in sorted(view.edges(keys=True, data=True), key=lambda e: (str(e[0]), str(e[2]), str(e[1]))):
        rels.append([curie(s), curie(o), _type(d["predicate"]), d["predicate"], d["label"], d["claims"], d["negated"],
                     _array(d["documents"]), _array(d["modalities"]), json.dumps(d["quotes"], ensure_ascii=False),
                     d["stance"], _array(d["asserted_by"]), _array(d["hedged_by"]), _array(d["denied_by"])])
    cypher = """// spinekg: load nodes.csv and relationships.csv (copy them into Neo4j's import folder first).
// It needs the APOC plugin (the category labels and the relationship types are read from the
// files); neo4j-admin database import does not (see the command in spinekg's export/neo4j.py).
CREATE CONSTRAINT spinekg_entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE;
LOAD CSV WITH HEADERS FROM 'file:///nodes.csv' AS row
MERGE (n:Entity {id: row.`id:ID`})
SET n.label = row.label, n.category = row.category, n.iri = row.iri,
    n.synonyms = CASE row.`synonyms:string[]` WHEN '' THEN [] ELSE split(row.`synonyms:string[]`, '|') END,
    n.mappings = CASE row.`mappings:string[]` WHEN '' THEN [] ELSE split(row.`mappings:string[]`, '|') END
WITH n, row
CALL apoc.create.addLabels(n, split(row.`:LABEL`, '|')) YIELD node
RETURN count(node);
LOAD CSV WITH HEADERS FROM 'file:///relationships.csv' AS row
MATCH (a:Entity {id: row.`:START_ID`}), (b:Entity {id: row.`:END_ID`})
CALL apoc.create.relationship(a, row.`:TYPE`, {predicate: row.predicate, label: row.label,
    claims: toInteger(row.`claims:int`), negated: toInteger(row.`negated:int`),
    documents: CASE row.`documents:string[]` WHEN '' THEN [] ELSE split(row.`documents:string[]`, '|') END,
    modalities: CASE row.`modalities:string[]` WHEN '' THEN [] ELSE split(row.`modalities:string[]`, '|') END,
    quotes_json: row.quotes_json, stance: row.stance,
    asserted_by: CASE row.`asserted_by:string[]` WHEN '' THEN [] ELSE split(row.`asserted_by:string[]`, '|') END,
    hedged_by: CASE row.`hedged_by:string[]` WHEN '' THEN [] ELSE split(row.`hedged_by:string[]`, '|') END,
    denied_by: CASE row.`denied_by:string[]` WHEN '' THEN [] ELSE split(row.`denied_by:string[]`, '|') END}, b) YIELD rel
RETURN count(rel);
"""
    return {"nodes.csv": _csv(nodes), "relationships.csv": _csv(rels), "import.cypher": cypher.encode("utf-8")}


def write_neo4j(kg, path: str | Path) -> None:
    """Write the three files into the folder ``path`` (created if needed) as a set: all three are
    written into a temporary folder beside it (``.FOLDER.spinekg-XXXXXXXX.tmp``) and moved into
    place only when all are written, so a failure before that (an error building or writing any
    of them, a full disk, Ctrl-C) leaves the old ``nodes.csv``, ``relationships.csv`` and
    ``import.cypher`` all untouched and no temporary folder behind. Other files in the folder
    are left alone.

    What remains non-atomic: a new folder appears in one rename, but into an existing folder the
    three files are renamed one after the other (each rename is atomic, and they are the last
    step, after everything is written), so a reader looking in between, or a crash or a failed
    rename between them, can see a new ``nodes.csv`` beside an old ``relationships.csv``. See
    :func:`spinekg.core.files.write_file_set`."""
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        from spinekg.core.errors import SpinekgError

        raise SpinekgError(f"{folder}: the neo4j export writes a folder of files; give a folder path")
    write_file_set(folder, to_neo4j(kg))
