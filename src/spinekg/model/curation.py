"""Read the curated YAML sources (``data/``) into plain objects, keeping file and line numbers.

The format is described in ``data/README.md``. This module only reads and checks the shape of
the files; resolving names against the ontology and checking quotes against the corpus happen in
:mod:`spinekg.model.compiler`.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from spinekg.core.errors import CurationError

__all__ = [
    "Source", "SpanSpec", "IndividualSpec", "ClaimSpec", "StatementSpec", "DocumentSpec", "ReferenceSpec",
    "Literal", "read_document", "read_reference", "check_reviewed", "MODALITIES", "EVIDENCE_TYPES", "DIRECTIONS", "KINDS",
]

MODALITIES = ("asserted", "hedged")
EVIDENCE_TYPES = ("author_statement", "traceable_reference", "clinical_study", "practitioner")
#: what a claim does with its relation: states it, recommends it, or reports evidence about it
KINDS = ("assertion", "recommendation", "evidence")
#: how reported evidence bears on the relation
DIRECTIONS = ("supports", "refutes", "insufficient")
QUALIFIERS = ("context", "count", "duration", "frequency", "severity", "population")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(:[A-Za-z][A-Za-z0-9_]*)?$")


@dataclass(frozen=True)
class Source:
    """Where something was curated: a file and a 1-based line."""

    path: str
    line: int

    def error(self, message: str) -> CurationError:
        return CurationError(message, self.path, self.line)


@dataclass(frozen=True)
class Literal:
    """A literal object: ``value`` is a str, int, Decimal, bool or date."""

    value: Any


@dataclass(frozen=True)
class IndividualSpec:
    id: str
    type: str
    label: str
    source: Source
    alt: tuple[str, ...] = ()
    description: str | None = None
    mappings: tuple[tuple[str, str], ...] = ()  # (match, curie)
    attributes: tuple[tuple[str, Any, int], ...] = ()  # (key, value, line)


@dataclass(frozen=True)
class ClaimSpec:
    subject: str
    predicate: str
    object: str | Literal
    source: Source
    modality: str = "asserted"
    cue: str | None = None
    negated: bool = False
    negation_cue: str | None = None
    attribution_source: str | None = None
    attribution_cue: str | None = None
    evidence: str | None = None
    qualifiers: tuple[tuple[str, Any], ...] = ()
    note: str | None = None
    kind: str = "assertion"
    recommendation_cue: str | None = None
    direction: str | None = None
    statistic: str | None = None


@dataclass(frozen=True)
class SpanSpec:
    """A verbatim span of the document: the quote and its offsets."""

    quote: str
    start: int
    end: int
    source: Source


@dataclass(frozen=True)
class StatementSpec:
    quote: str
    start: int
    end: int
    source: Source
    claims: tuple[ClaimSpec, ...]
    lead_in: SpanSpec | None = None


@dataclass(frozen=True)
class DocumentSpec:
    file: str
    sha256: str
    source: Source
    path: str
    individuals: tuple[IndividualSpec, ...] = ()
    statements: tuple[StatementSpec, ...] = ()
    sha256_line: int = 0
    #: where the page was published and when its text was retrieved (``spinekg add``)
    url: str | None = None
    retrieved: _dt.date | None = None
    title: str | None = None
    #: the publisher (an individual's name), recorded as page metadata rather than a claim
    publisher: str | None = None
    country: str | None = None
    #: earlier texts of the page, most recent first: (sha256, retrieval date or None)
    previous: tuple[tuple[str, _dt.date | None], ...] = ()
    #: machine-proposed items a curator has not yet accepted (``proposed: true`` or ``review: ...``)
    pending: tuple[Source, ...] = ()


@dataclass(frozen=True)
class ReferenceSpec:
    path: str
    individuals: tuple[IndividualSpec, ...] = ()
    assertions: tuple[ClaimSpec, ...] = ()


# ------------------------------------------------------------------------------------------
# YAML with line numbers
# ------------------------------------------------------------------------------------------


class _LineDict(dict):
    line: int = 0
    key_lines: dict

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class _LineList(list):
    line: int = 0


_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    pass


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> _LineDict:
    result = _LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            raise yaml.constructor.ConstructorError(
                None, None, f"unhashable key {key!r}", key_node.start_mark)
        if key in result:
            raise CurationError(f"duplicate key {key!r} in this mapping (YAML keeps only the last one)",
                                getattr(loader, "path", None), key_node.start_mark.line + 1)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: yaml.SafeLoader, node: yaml.SequenceNode) -> _LineList:
    result = _LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)

#: the longest integer a curation file may hold (Python refuses to convert above 4,300 digits)
MAX_INTEGER_DIGITS = 100


def _checked(construct, what: str):
    """A scalar constructor whose ValueError (an impossible date, an integer too long to convert)
    becomes a YAML error at the value's line."""
    def wrapped(loader, node):
        if what == "integer" and len(node.value.lstrip("+-").replace("_", "")) > MAX_INTEGER_DIGITS:
            raise yaml.constructor.ConstructorError(None, None, f"an integer of more than {MAX_INTEGER_DIGITS} "
                                                    "digits; quote it if it is text", node.start_mark)
        try:
            return construct(loader, node)
        except (ValueError, OverflowError) as err:
            raise yaml.constructor.ConstructorError(None, None, f"not a valid {what}: {str(err)[:80]}",
                                                    node.start_mark) from None
    return wrapped


_Loader.add_constructor("tag:yaml.org,2002:int", _checked(yaml.constructor.SafeConstructor.construct_yaml_int, "integer"))
_Loader.add_constructor("tag:yaml.org,2002:timestamp",
                        _checked(yaml.constructor.SafeConstructor.construct_yaml_timestamp, "date"))


def _refuse_aliases(text: str, path: Path) -> None:
    """Curation files are plain data: an anchor or alias (``&a``, ``*a``) could make a small file
    stand for an enormous value (a "billion laughs"), so they are refused."""
    if "&" not in text and "*" not in text:
        return
    try:
        for token in yaml.scan(text, Loader=_BaseLoader):
            if isinstance(token, (yaml.AliasToken, yaml.AnchorToken)):
                raise CurationError("YAML anchors and aliases (&name, *name) are not used in curation files; "
                                    "write the value out", path, token.start_mark.line + 1)
    except yaml.MarkedYAMLError:
        return  # a syntax error: reported with its line when the file is loaded

def _load_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as err:
        raise CurationError("file not found", path) from err
    except UnicodeDecodeError as err:
        raise CurationError(f"not UTF-8 text ({err.reason} at byte {err.start})", path) from err
    _refuse_aliases(text, path)
    loader = _Loader(text)
    loader.path = str(path)  # for errors raised while constructing (duplicate keys)
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = err.problem or err.context or "invalid YAML"
        if isinstance(err, yaml.constructor.ConstructorError) and err.problem and err.problem.startswith(("not a valid",
                                                                                                           "an integer")):
            raise CurationError(f"{problem}", path, line) from None
        raise CurationError(f"YAML syntax error: {problem}; fix the indentation or quoting there",
                            path, line) from err
    except yaml.YAMLError as err:
        raise CurationError(f"YAML error: {err}", path) from err
    finally:
        loader.dispose()


# ------------------------------------------------------------------------------------------
# Field helpers
# ------------------------------------------------------------------------------------------


def _src(path: Path, obj: Any, key: str | None = None) -> Source:
    if isinstance(obj, _LineDict):
        return Source(str(path), obj.line_of(key) if key else obj.line)
    return Source(str(path), getattr(obj, "line", 0) or 0)


def _require_mapping(obj: Any, what: str, src: Source) -> _LineDict:
    if not isinstance(obj, dict):
        raise src.error(f"{what} must be a mapping (key: value lines), got {type(obj).__name__}")
    return obj  # type: ignore[return-value]


def _check_keys(obj: _LineDict, allowed: set[str], what: str, path: Path) -> None:
    for key in obj:
        if key not in allowed:
            raise _src(path, obj, key).error(
                f"unknown key {key!r} in {what}; allowed keys: {', '.join(sorted(allowed))}")


def _str(obj: _LineDict, key: str, what: str, path: Path, *, required: bool = True) -> str | None:
    if key not in obj or obj[key] is None:
        if required:
            raise _src(path, obj).error(f"{what} needs a {key!r}")
        return None
    value = obj[key]
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise _src(path, obj, key).error(f"{key!r} must be text, got {value!r}")
    return str(value)


def _name(value: Any, what: str, src: Source) -> str:
    if not isinstance(value, str) or not _NAME.match(value):
        raise src.error(f"{what} must be an entity name like PlateletRichPlasmaTherapy, got {value!r}")
    return value


def _object(value: Any, src: Source) -> str | Literal:
    if isinstance(value, bool):
        return Literal(value)
    if isinstance(value, (int,)):
        return Literal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise src.error(f"object {value!r} is not a finite number; write the number the page gives, or quote it")
        return Literal(Decimal(repr(value)))
    if isinstance(value, _dt.datetime):
        raise src.error(f"object {value!r}: give a date (YYYY-MM-DD), not a date and time")
    if isinstance(value, _dt.date):
        return Literal(value)
    if isinstance(value, dict):
        if set(value) != {"literal"}:
            raise src.error(f"an object mapping must be {{literal: \"text\"}}, got keys {sorted(value)}")
        text = value["literal"]
        if not isinstance(text, str):
            raise src.error(f"{{literal: ...}} takes text, got {text!r}; quote it")
        return Literal(text)
    return _name(value, "object", src)


# ------------------------------------------------------------------------------------------
# Individuals, claims, statements
# ------------------------------------------------------------------------------------------

_INDIVIDUAL_KEYS = {"id", "type", "label", "alt", "description", "mappings",
                    # statistics
                    "kind", "value", "comparator", "value_text", "population", "time_point",
                    "measure", "reported_by",
                    # regulatory statuses
                    "regulator", "jurisdiction", "approval", "uses", "except_uses", "regulated", "reason"}


def _individual(obj: Any, path: Path, src: Source) -> IndividualSpec:
    obj = _require_mapping(obj, "an individual", src)
    _check_keys(obj, _INDIVIDUAL_KEYS, "an individual", path)
    ind_id = _name(obj.get("id"), "id", _src(path, obj, "id"))
    ind_type = _name(obj.get("type"), "type", _src(path, obj, "type"))
    label = _str(obj, "label", f"individual {ind_id!r}", path)
    alt = obj.get("alt") or []
    if isinstance(alt, str):
        alt = [alt]
    mappings: list[tuple[str, str]] = []
    raw_maps = obj.get("mappings") or {}
    if not isinstance(raw_maps, dict):
        raise _src(path, obj, "mappings").error("mappings must be {exact: [CURIE...], close: [CURIE...]}")
    for match, curies in raw_maps.items():
        if match not in ("exact", "close"):
            raise _src(path, obj, "mappings").error(f"mapping kind {match!r} must be 'exact' or 'close'")
        for curie in curies if isinstance(curies, list) else [curies]:
            mappings.append((match, str(curie)))
    attrs = tuple(
        (key, obj[key], obj.line_of(key))
        for key in obj
        if key not in {"id", "type", "label", "alt", "description", "mappings"}
    )
    return IndividualSpec(
        id=ind_id, type=ind_type, label=str(label), source=_src(path, obj),
        alt=tuple(str(a) for a in alt), description=_str(obj, "description", "", path, required=False),
        mappings=tuple(mappings), attributes=attrs,
    )


_KIND_KEYS = {"recommendation", "direction", "statistic"}
#: keys of what the extractor or the re-anchoring proposes, for a curator to accept or edit
_PENDING_KEYS = {"proposed", "review"}
_CLAIM_KEYS = {"s", "p", "o", "modality", "cue", "negated", "negation_cue", "attribution",
               "evidence", "note", *_KIND_KEYS, *QUALIFIERS, *_PENDING_KEYS}
_STATEMENT_KEYS = {"quote", "start", "end", "claims", "lead_in", "modality", "cue", "negated", "negation_cue",
                   "attribution", "evidence", "note", *_KIND_KEYS, *QUALIFIERS, *_PENDING_KEYS}


def _claim(obj: Any, defaults: dict[str, Any], path: Path, src: Source) -> ClaimSpec:
    if isinstance(obj, list):
        src = _src(path, obj) if getattr(obj, "line", 0) else src
        if len(obj) != 3:
            raise src.error(f"a claim written as a list must be [subject, predicate, object], got {len(obj)} items")
        fields: dict[str, Any] = {"s": obj[0], "p": obj[1], "o": obj[2]}
    elif isinstance(obj, dict):
        src = _src(path, obj)
        _check_keys(obj, _CLAIM_KEYS, "a claim", path)  # type: ignore[arg-type]
        fields = dict(obj)
        for key in ("s", "p", "o"):
            if key not in fields:
                raise src.error(f"a claim needs 's', 'p' and 'o'; {key!r} is missing")
    else:
        raise src.error(f"a claim must be [subject, predicate, object] or a mapping, got {obj!r}")
    merged = {**defaults, **{k: v for k, v in fields.items() if k not in ("s", "p", "o")}}

    modality = merged.get("modality", "asserted")
    if modality not in MODALITIES:
        raise src.error(f"modality {modality!r} must be one of {', '.join(MODALITIES)}")
    cue = merged.get("cue")
    if modality == "hedged" and not cue:
        raise src.error("a hedged claim needs a 'cue' (the hedging words, e.g. 'may help')")
    negated = merged.get("negated", False)
    if not isinstance(negated, bool):
        raise src.error(f"negated must be true or false, got {negated!r}")
    evidence = merged.get("evidence")
    if evidence is not None and evidence not in EVIDENCE_TYPES:
        raise src.error(f"evidence {evidence!r} must be one of {', '.join(EVIDENCE_TYPES)}")
    kind, recommendation, direction, statistic = _kind(merged, negated, src)
    attribution = merged.get("attribution")
    att_source = att_cue = None
    if attribution is not None:
        if not isinstance(attribution, dict) or not set(attribution) <= {"source", "cue"} or "cue" not in attribution:
            raise src.error("attribution must be {source: Individual, cue: \"words\"} or {cue: \"words\"}")
        att_cue = str(attribution["cue"])
        if attribution.get("source") is not None:
            att_source = _name(attribution["source"], "attribution source", src)
    qualifiers = []
    for key in QUALIFIERS:
        if key in merged and merged[key] is not None:
            value = merged[key]
            if key == "context":
                value = _name(value, "context", src)
            elif key == "count":
                if isinstance(value, bool) or not isinstance(value, int):
                    raise src.error(f"count must be a whole number, got {value!r}")
            else:
                value = str(value)
            qualifiers.append((key, value))
    return ClaimSpec(
        subject=_name(fields["s"], "subject", src),
        predicate=_name(fields["p"], "predicate", src),
        object=_object(fields["o"], src),
        source=src,
        modality=modality,
        cue=str(cue) if cue else None,
        negated=negated,
        negation_cue=str(merged["negation_cue"]) if merged.get("negation_cue") else None,
        attribution_source=att_source,
        attribution_cue=att_cue,
        evidence=evidence,
        qualifiers=tuple(qualifiers),
        note=str(merged["note"]) if merged.get("note") else None,
        kind=kind,
        recommendation_cue=recommendation,
        direction=direction,
        statistic=statistic,
    )


def _kind(merged: dict[str, Any], negated: bool, src: Source) -> tuple[str, str | None, str | None, str | None]:
    """What the claim does with its relation: (kind, recommendation cue, direction, statistic)."""
    recommendation = merged.get("recommendation")
    direction = merged.get("direction")
    statistic = merged.get("statistic")
    if recommendation is not None and direction is not None:
        raise src.error("a claim is either a recommendation or evidence, not both: "
                        "drop 'recommendation' or 'direction'")
    if recommendation is not None:
        if not isinstance(recommendation, str) or not recommendation.strip():
            raise src.error("recommendation must be the words that recommend or require (e.g. 'should', 'only use')")
        if statistic is not None:
            raise src.error("'statistic' belongs to evidence (a claim with 'direction'), not to a recommendation")
        return "recommendation", recommendation, None, None
    if direction is not None:
        if direction not in DIRECTIONS:
            raise src.error(f"direction {direction!r} must be one of {', '.join(DIRECTIONS)}")
        if negated:
            raise src.error("evidence has a direction instead of a negation: write direction: refutes "
                            "(or insufficient) and drop 'negated'")
        return "evidence", None, direction, (_name(statistic, "statistic", src) if statistic is not None else None)
    if statistic is not None:
        raise src.error("'statistic' needs 'direction' (supports, refutes or insufficient): "
                        "the claim reports evidence")
    return "assertion", None, None, None


def _span(obj: _LineDict, what: str, path: Path) -> tuple[str, int, int]:
    src = _src(path, obj)
    quote = obj.get("quote")
    if not isinstance(quote, str) or not quote:
        raise src.error(f"{what} needs a non-empty 'quote' (verbatim text of the document)")
    offsets = []
    for key in ("start", "end"):
        value = obj.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise _src(path, obj, key).error(
                f"{key!r} must be a non-negative whole number (a character offset), got {value!r}; "
                "find it with: spinekg locate FILE \"quote\"")
        offsets.append(value)
    start, end = offsets
    if end - start != len(quote):
        raise _src(path, obj, "end").error(
            f"offsets {start}-{end} span {end - start} characters but the quote has {len(quote)}; "
            "find the right ones with: spinekg locate FILE \"quote\"")
    return quote, start, end


def _statement(obj: Any, path: Path, src: Source) -> StatementSpec:
    obj = _require_mapping(obj, "a statement", src)
    src = _src(path, obj)
    _check_keys(obj, _STATEMENT_KEYS, "a statement", path)
    quote, start, end = _span(obj, "a statement", path)
    lead_in = None
    if obj.get("lead_in") is not None:
        raw = _require_mapping(obj["lead_in"], "'lead_in'", _src(path, obj, "lead_in"))
        _check_keys(raw, {"quote", "start", "end"}, "'lead_in'", path)
        lq, ls, le = _span(raw, "'lead_in'", path)
        lead_in = SpanSpec(lq, ls, le, _src(path, raw))
    claims = obj.get("claims")
    if not isinstance(claims, list) or not claims:
        raise src.error("a statement needs a non-empty 'claims' list")
    defaults = {k: v for k, v in obj.items() if k not in {"quote", "start", "end", "claims", "lead_in", *_PENDING_KEYS}}
    parsed = tuple(_claim(c, defaults, path, src) for c in claims)
    for claim in parsed:
        for kind, cue in (("cue", claim.cue), ("negation_cue", claim.negation_cue),
                          ("attribution cue", claim.attribution_cue), ("recommendation", claim.recommendation_cue)):
            if cue and cue not in quote and (lead_in is None or cue not in lead_in.quote):
                where = "the quote or its lead_in" if lead_in else "the quote"
                raise claim.source.error(
                    f"{kind} {cue!r} is not in {where}; cues must be verbatim words of the text "
                    "(for a list item, add lead_in: the sentence that introduces the list)")
    return StatementSpec(quote=quote, start=start, end=end, source=src, claims=parsed, lead_in=lead_in)


# ------------------------------------------------------------------------------------------
# Files
# ------------------------------------------------------------------------------------------


def read_document(path: str | Path) -> DocumentSpec:
    """Read one ``data/documents/*.yaml`` file."""
    path = Path(path)
    raw = _load_yaml(path)
    top = _require_mapping(raw, "a document file", Source(str(path), 1))
    _check_keys(top, {"document", "individuals", "statements", "mentions"}, "a document file", path)
    doc = _require_mapping(top.get("document"), "'document'", _src(path, top, "document"))
    _check_keys(doc, {"file", "sha256", "url", "retrieved", "title", "publisher", "country", "previous"}, "'document'",
                path)
    previous = []
    for item in doc.get("previous") or []:
        where = _src(path, doc, "previous")
        if not isinstance(item, dict) or not set(item) <= {"sha256", "retrieved"} or \
                not _SHA256.match(str(item.get("sha256", ""))):
            raise where.error("each item of 'previous' is {sha256: <64 hex digits>, retrieved: YYYY-MM-DD}")
        if item.get("retrieved") is not None and not isinstance(item["retrieved"], _dt.date):
            raise where.error(f"retrieved must be a date (YYYY-MM-DD), got {item['retrieved']!r}")
        previous.append((str(item["sha256"]), item.get("retrieved")))
    url = _str(doc, "url", "'document'", path, required=False)
    if url is not None and not re.match(r"^https?://\S+$", url):
        raise _src(path, doc, "url").error(f"url must be an http(s) address, got {url!r}")
    retrieved = doc.get("retrieved")
    if retrieved is not None and not isinstance(retrieved, _dt.date):
        raise _src(path, doc, "retrieved").error(f"retrieved must be a date (YYYY-MM-DD), got {retrieved!r}")
    publisher, country = doc.get("publisher"), doc.get("country")
    if publisher is not None:
        publisher = _name(publisher, "publisher", _src(path, doc, "publisher"))
    if country is not None:
        country = _name(country, "country", _src(path, doc, "country"))
        if publisher is None:
            raise _src(path, doc, "country").error("'country' is where the publisher is: give 'publisher' too")
    file = _str(doc, "file", "'document'", path)
    sha = _str(doc, "sha256", "'document'", path)
    if not _SHA256.match(str(sha)):
        raise _src(path, doc, "sha256").error(
            f"sha256 must be 64 lower-case hex digits, got {sha!r}; compute it with: sha256sum FILE.txt")
    if path.stem != file:
        raise _src(path, doc, "file").error(
            f"file {file!r} does not match the YAML file name {path.name!r}; name the file {file}.yaml")
    individuals = top.get("individuals") or []
    statements = top.get("statements") or []
    if not isinstance(individuals, list):
        raise _src(path, top, "individuals").error("'individuals' must be a list")
    if not isinstance(statements, list):
        raise _src(path, top, "statements").error("'statements' must be a list")
    pending = []
    for st in statements:
        if isinstance(st, dict):
            for key in _PENDING_KEYS & set(st):
                pending.append(_src(path, st, key))
            for claim in st.get("claims") or []:
                if isinstance(claim, dict):
                    pending.extend(_src(path, claim, key) for key in _PENDING_KEYS & set(claim))
    return DocumentSpec(
        file=str(file), sha256=str(sha), source=_src(path, doc), path=str(path),
        url=url, retrieved=retrieved, title=_str(doc, "title", "'document'", path, required=False),
        publisher=publisher, country=country, previous=tuple(previous), pending=tuple(pending),
        individuals=tuple(_individual(i, path, _src(path, top, "individuals")) for i in individuals),
        statements=tuple(_statement(s, path, _src(path, top, "statements")) for s in statements),
        sha256_line=doc.line_of("sha256"),
    )


def read_reference(path: str | Path) -> ReferenceSpec:
    """Read ``data/reference.yaml``: shared individuals and curators' reference assertions."""
    path = Path(path)
    raw = _load_yaml(path)
    top = _require_mapping(raw, "the reference file", Source(str(path), 1))
    _check_keys(top, {"individuals", "reference_assertions"}, "the reference file", path)
    individuals = top.get("individuals") or []
    assertions = top.get("reference_assertions") or []
    src = _src(path, top)
    return ReferenceSpec(
        path=str(path),
        individuals=tuple(_individual(i, path, src) for i in individuals),
        assertions=tuple(_claim(a, {}, path, src) for a in assertions),
    )


def check_reviewed(docs) -> None:
    """Refuse documents that still hold machine proposals (``proposed: true`` or ``review:``)."""
    pending = [d for d in docs if d.pending]
    if pending:
        total = sum(len(d.pending) for d in pending)
        first = pending[0].pending[0]
        raise CurationError(
            f"{total} proposed item(s) in {len(pending)} curation file(s) not yet reviewed (here: "
            f"{len(pending[0].pending)}): accept each (delete its 'proposed: true' or 'review:' line), edit it or "
            "delete it, then build again", first.path, first.line)
