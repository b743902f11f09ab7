"""One summary of the graph, page by page, for an analyst to send to a colleague.

For every page, in page order: its name and provenance (the library question ``documents``),
how hedged it is (``document-summary``), what it claims, grouped (``claim-details``: the
treatments it promotes and for which conditions, the effects it promises, mechanisms, risks it
mentions or denies, how it describes the treatments, the evidence it reports; the regulatory
statements it reports, with ``regulatory-statuses``), and what it conflicts with (the findings of
:mod:`spinekg.analysis.conflicts` that involve it: per kind, the other pages and their quotes).
A short header gives the graph's size, the report's date and the conflicts per kind.

:func:`build_report` reads the graph through the knowledge-graph object it is given (duck-typed:
``documents()``, ``query(name, **params)``, ``conflicts()``) and returns plain data;
:func:`spinekg.analysis.summaryformat.render` turns it into Markdown or HTML. Nothing here reads
the clock: the report's date is a parameter, else the latest page date the graph holds, so the
same graph gives the same bytes.
"""

from __future__ import annotations

import datetime
import html
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from rdflib import URIRef

from spinekg.analysis.conflicts import KINDS, Finding, Quote
from spinekg.analysis.report import escape_markdown, how_stated
from spinekg.core.errors import ParameterError
from spinekg.core.namespaces import SPK

__all__ = ["Report", "PageReport", "Hedging", "ClaimGroup", "Entry", "Mention", "RegulatoryStatement",
           "PageConflict", "Excerpt", "CLAIM_GROUPS", "FORMATS", "build_report", "render"]

#: a URL shown as a link: http(s), no spaces, quotes or angle brackets (anything else is shown as text)
_SAFE_URL = re.compile(r"https?://[^\s<>\"'`]+")


@dataclass(frozen=True)
class Hedging:
    """How a page states its claims: the ``document-summary`` row of the page."""

    statements: int
    claims: int
    hedged: int
    negated: int
    third_party: int

    def share(self, count: int) -> float:
        """``count`` as a share of the page's claims (0.0 for a page without claims)."""
        return count / self.claims if self.claims else 0.0


@dataclass(frozen=True)
class Mention:
    """One object of a relation as a page states it (all its claims of ``subject -> object``)."""

    label: str
    negated: bool       # the page denies it
    hedged: bool        # every claim of it is hedged
    sources: tuple[str, ...]   # whom the page attributes it to ("third party" when it names no one)
    direction: str | None = None  # evidence: supports, refutes, insufficient
    claims: int = 1
    recommended: bool = False     # every claim of it is a recommendation ("should", "only use")


@dataclass(frozen=True)
class Entry:
    """A subject (a treatment) with what the page says of it in one group."""

    subject: str
    mentions: tuple[Mention, ...]


@dataclass(frozen=True)
class ClaimGroup:
    key: str
    title: str
    entries: tuple[Entry, ...]

    @property
    def claims(self) -> int:
        return sum(m.claims for e in self.entries for m in e.mentions)


@dataclass(frozen=True)
class RegulatoryStatement:
    """A regulator's status a page reports: product, approval, regulator, jurisdiction, uses."""

    product: str
    approval: str
    regulator: str
    jurisdiction: str
    uses: tuple[str, ...]
    except_uses: tuple[str, ...]
    quotes: tuple[str, ...]


@dataclass(frozen=True)
class Excerpt:
    """A page's words on one side of a conflict (several claims of one sentence are one excerpt)."""

    file: str
    page: str
    text: str
    start: int | None
    end: int | None
    how: str   # "asserted", "hedged, denied", "evidence, refutes; attributed to ..."


@dataclass(frozen=True)
class PageConflict:
    """A finding as one page sees it: the relation, the side the page is on and its words, and the
    other pages on the other side with theirs."""

    kind: str
    relation: tuple[str, str, str]
    role: str
    own: tuple[Excerpt, ...]
    against: str
    others: tuple[Excerpt, ...]
    note: str | None = None   # regulatory: the regulator, its jurisdiction and where this page stands


@dataclass(frozen=True)
class PageReport:
    file: str
    name: str
    title: str | None
    publisher: str | None
    country: str | None
    published: str | None
    retrieved: str | None
    url: str | None
    hedging: Hedging
    groups: tuple[ClaimGroup, ...]
    other_claims: int          # claims in none of the groups (anatomy, procedure steps, ...)
    regulatory: tuple[RegulatoryStatement, ...]
    conflicts: tuple[PageConflict, ...]
    #: the findings that involve the page, per kind (kinds without one left out)
    conflict_counts: dict[str, int]


@dataclass(frozen=True)
class Report:
    date: str | None
    date_from_graph: bool
    statements: int
    claims: int
    conflicts: dict[str, int]   # findings per kind, every kind listed
    pages: tuple[PageReport, ...]


#: The groups of "what a page claims": key, title, the predicates (local names in the spk
#: vocabulary) and which kinds of claim (assertion, recommendation) count. Evidence claims, of
#: any predicate, form the last group; regulatory statuses are reported apart, with their uses.
CLAIM_GROUPS = (
    ("treats", "Treatments and the conditions it says they treat", ("treats",)),
    ("effects", "Effects it promises", ("hasTherapeuticEffect",)),
    ("mechanisms", "Mechanisms", ("hasMechanism",)),
    ("risks", "Risks and adverse events it mentions or denies", ("hasRisk", "hasReportedAdverseEvent")),
    ("characteristics", "How it describes the treatments", ("hasCharacteristic",)),
)
_EVIDENCE = ("evidence", "Evidence it reports (supporting, refuting or insufficient)", ())


def _text(value) -> str | None:
    return None if value is None else str(value)


def _int(value) -> int:
    return 0 if value is None else int(value)


def _date(value) -> str:
    if isinstance(value, datetime.date):
        return value.isoformat()
    try:
        return datetime.date.fromisoformat(str(value)).isoformat()
    except ValueError as err:
        raise ParameterError(f"report date {value!r} is not a date: give it as YYYY-MM-DD") from err


def build_report(kg, *, date=None) -> Report:
    """The report of every page of ``kg``, in page order. ``date`` (``YYYY-MM-DD`` or a
    :class:`datetime.date`) is the report's date; without it, the latest date published or
    retrieved of a page in the graph (``None`` if the graph has none)."""
    documents = sorted(kg.documents(), key=lambda d: d.file)  # page order
    names = {d.file: d.name for d in documents}
    summary = kg.query("document-summary")
    hedging = {str(row["document"]): Hedging(_int(row["statements"]), _int(row["claims"]), _int(row["hedged"]),
                                             _int(row["negated"]), _int(row["third_party"])) for row in summary}
    details = kg.query("claim-details")
    claims_of: dict[str, list] = defaultdict(list)
    for row in details:
        claims_of[str(row["document"])].append(row)
    statuses = kg.query("regulatory-statuses")
    findings = kg.conflicts()
    if date is not None:
        report_date, from_graph = _date(date), False
    else:
        dates = [d[:10] for doc in documents for d in (doc.published, doc.retrieved) if d]
        report_date, from_graph = (max(dates) if dates else None), True
    pages = []
    for doc in documents:
        iri = str(doc.iri)
        groups, other = _groups(details, claims_of[iri])
        # what kg.conflicts(document=doc) finds, most documents first
        mine = sorted((f for f in findings if doc.file in f.documents), key=Finding.sort_key)
        pages.append(PageReport(
            file=doc.file, name=doc.name, title=doc.title, publisher=doc.publisher, country=doc.country,
            published=doc.published, retrieved=doc.retrieved, url=doc.url,
            hedging=hedging.get(iri, Hedging(0, 0, 0, 0, 0)), groups=groups, other_claims=other,
            regulatory=_regulatory(statuses, iri),
            conflicts=tuple(c for f in mine for c in _page_conflicts(f, doc.file, names)),
            conflict_counts={kind: n for kind in KINDS if (n := sum(f.kind == kind for f in mine))}))
    counts = Counter(f.kind for f in findings)
    return Report(date=report_date, date_from_graph=from_graph,
                  statements=sum(h.statements for h in hedging.values()),
                  claims=sum(h.claims for h in hedging.values()),
                  conflicts={kind: counts[kind] for kind in KINDS}, pages=tuple(pages))


def _groups(results, rows) -> tuple[tuple[ClaimGroup, ...], int]:
    """A page's claims (rows of ``claim-details``) in the groups of :data:`CLAIM_GROUPS`, and how
    many claims are in none."""
    wanted = {SPK[name]: key for key, _, names in CLAIM_GROUPS for name in names}
    found: dict[str, dict[tuple, list]] = defaultdict(lambda: defaultdict(list))
    other = 0
    for row in rows:
        kind = str(row["kind"])
        if kind == "evidence":
            key = _EVIDENCE[0]
            subject = f"{results.label(row['subject'])} — {results.label(row['predicate'])}"
        elif row["predicate"] in wanted:  # an assertion or a recommendation
            key = wanted[row["predicate"]]
            subject = results.label(row["subject"])
        else:
            other += 1
            continue
        negated = bool(row["negated"].toPython())
        direction = _text(results.label(row["direction"])) if row.get("direction") is not None else None
        found[key][(subject, results.label(row["object"]), negated, direction)].append(row)
    groups = []
    for key, title, _ in CLAIM_GROUPS + (_EVIDENCE,):
        entries: dict[str, list[Mention]] = defaultdict(list)
        for (subject, obj, negated, direction), claims in sorted(found[key].items(), key=lambda kv: _sort(kv[0])):
            sources = sorted({_source(results, r) for r in claims} - {None})
            entries[subject].append(Mention(obj, negated, all(r["modality"] == SPK.Hedged for r in claims),
                                            tuple(sources), direction, len(claims),
                                            all(str(r["kind"]) == "recommendation" for r in claims)))
        if entries:
            groups.append(ClaimGroup(key, title, tuple(Entry(s, tuple(ms)) for s, ms in entries.items())))
    return tuple(groups), other


def _sort(key: tuple) -> tuple:
    subject, obj, negated, direction = key
    return (subject.casefold(), subject, negated, obj.casefold(), obj, direction or "")


def _source(results, row) -> str | None:
    """Whom a page attributes a claim to: the named source, else the words that attribute it."""
    if row.get("source") is not None:
        return results.label(row["source"])
    if row.get("attribution") is not None:
        return f"“{row['attribution']}”"
    return None


def _regulatory(results, document: str) -> tuple[RegulatoryStatement, ...]:
    """The regulatory statuses ``document`` reports (rows of ``regulatory-statuses``), one per status."""
    grouped: dict[URIRef, dict] = {}
    for row in results:
        if str(row["document"]) != document:
            continue
        entry = grouped.setdefault(row["status"], {"row": row, "uses": set(), "except": set(), "quotes": set()})
        entry["uses"].add(results.label(row["use"]))
        if row.get("except_use") is not None:
            entry["except"].add(results.label(row["except_use"]))
        entry["quotes"].add(str(row["quote"]))
    out = []
    for entry in grouped.values():
        row = entry["row"]
        out.append(RegulatoryStatement(results.label(row["product"]), results.label(row["approval"]),
                                       results.label(row["regulator"]), results.label(row["jurisdiction"]),
                                       tuple(sorted(entry["uses"])), tuple(sorted(entry["except"])),
                                       tuple(sorted(entry["quotes"]))))
    return tuple(sorted(out, key=lambda s: (s.product, s.approval, s.uses, s.except_uses, s.quotes)))


def _how(q: Quote) -> str:
    return how_stated(q)


def _excerpts(quotes, names: dict[str, str]) -> tuple[Excerpt, ...]:
    """Quotes as excerpts, each span once (the claims of one sentence share its words)."""
    seen: dict[tuple, Excerpt] = {}
    for q in quotes:
        key = (q.document.file, q.start, q.end)
        if key not in seen:
            seen[key] = Excerpt(q.document.file, names.get(q.document.file, q.document.file), q.text,
                                q.start, q.end, _how(q))
    return tuple(seen.values())


def _page_conflicts(f: Finding, file: str, names: dict[str, str]) -> list[PageConflict]:
    """``f`` from the side(s) of the page ``file``: one :class:`PageConflict` per side it is on."""
    out = []
    for own, other in ((f.a, f.b), (f.b, f.a)):
        mine = [q for q in own.quotes if q.document.file == file]
        theirs = [q for q in other.quotes if q.document.file != file]
        if not mine or not theirs:
            continue
        note = None
        if f.kind == "regulatory" and own is f.a:
            state = f.pages.get(file, "location unknown")
            note = f"{f.regulator or 'regulator'} ({f.jurisdiction or 'jurisdiction not stated'}); this page: {state}"
        out.append(PageConflict(f.kind, f.labels, own.label, _excerpts(mine, names), other.label,
                                _excerpts(theirs, names), note))
    return out


# --- rendering -------------------------------------------------------------------------------

FORMATS = ("markdown", "html")


def render(report: Report, fmt: str) -> str:
    """``report`` as ``markdown`` or ``html`` (one self-contained page: print-friendly CSS, every
    text escaped, no network resources)."""
    if fmt not in FORMATS:
        raise ParameterError(f"unknown report format {fmt!r}; known formats: {', '.join(FORMATS)}")
    return _markdown(report) if fmt == "markdown" else _html(report)


_TITLE = "What the pages claim and where they disagree"


def _percent(count: int, hedging: Hedging) -> str:
    return f"{count} ({100 * hedging.share(count):.1f}%)"


def _hedging_cells(h: Hedging) -> list[str]:
    return [str(h.claims), str(h.statements), _percent(h.hedged, h), _percent(h.negated, h), _percent(h.third_party, h)]


_HEDGING_COLUMNS = ("claims", "statements", "hedged", "negated", "third party")


def _date_line(report: Report) -> str:
    if report.date is None:
        return "Date: not given (the graph holds no page dates)"
    return f"Date: {report.date}" + (" (the latest page date in the graph)" if report.date_from_graph else "")


def _graph_line(report: Report) -> str:
    total = sum(report.conflicts.values())
    return (f"{len(report.pages)} pages, {report.claims} claims in {report.statements} statements; "
            f"{total} conflicts between pages")


def _about(page: PageReport) -> list[tuple[str, str]]:
    """The page's provenance as (field, value) pairs; what the graph does not hold is said so."""
    return [("Publisher", page.publisher or "not named"),
            ("Location", page.country or "not stated"),
            ("Title", page.title or "not recorded"),
            ("Published", page.published or "not stated"),
            ("Retrieved", page.retrieved or "not recorded"),
            ("URL", page.url or "not recorded"),
            ("File", page.file)]


def _marks(m: Mention) -> list[str]:
    marks = []
    if m.direction:
        marks.append(m.direction)
    if m.negated:
        marks.append("denied")
    if m.hedged:
        marks.append("hedged")
    if m.recommended:
        marks.append("recommended")
    if m.sources:
        marks.append("attributed to " + ", ".join(m.sources))
    return marks


def _statement(s: RegulatoryStatement) -> str:
    text = f"{s.regulator} ({s.jurisdiction}): {s.product}, {s.approval}, for {', '.join(s.uses)}"
    return text + (f" except {', '.join(s.except_uses)}" if s.except_uses else "")


def _span(x: Excerpt) -> str:
    return f"{x.start}–{x.end}" if x.start is not None else "no offsets"


def _rule_title(kind: str) -> str:
    return KINDS[kind].title if kind in KINDS else kind


def _heading(kind: str) -> str:
    title = _rule_title(kind)
    return title[:1].upper() + title[1:]


class _Refs:
    """Numbers a page's quotes the first time they are shown ([Q1]); later uses refer to it."""

    def __init__(self):
        self.seen: dict[tuple, int] = {}

    def ref(self, file: str, text: str) -> tuple[int, bool]:
        key = (file, text)
        first = key not in self.seen
        if first:
            self.seen[key] = len(self.seen) + 1
        return self.seen[key], first


def _by_kind(page: PageReport) -> list[tuple[str, list[PageConflict]]]:
    return [(kind, [c for c in page.conflicts if c.kind == kind]) for kind in KINDS
            if any(c.kind == kind for c in page.conflicts)]


def _overview(report: Report) -> list[tuple[str, list[str]]]:
    return [(p.name, [str(p.hedging.claims), _percent(p.hedging.hedged, p.hedging),
                      str(sum(p.conflict_counts.values()))]) for p in report.pages]


# Markdown

def _markdown(report: Report) -> str:
    md = escape_markdown
    lines = [f"# {_TITLE}", "", f"{md(_date_line(report))}  ", md(f"Graph: {_graph_line(report)}."), "",
             "| kind of conflict | findings |", "|---|---:|"]
    lines += [f"| {md(_rule_title(kind))} ({kind}) | {n} |" for kind, n in report.conflicts.items()]
    lines += ["", "| page | claims | hedged | conflicts |", "|---|---:|---:|---:|"]
    lines += [f"| {md(name)} | {' | '.join(cells)} |" for name, cells in _overview(report)]
    for page in report.pages:
        lines += ["", f"## {md(page.name)}", ""]
        lines += [f"- {field}: {_md_url(value) if field == 'URL' else md(value)}" for field, value in _about(page)]
        lines += ["", "### How hedged", "", "| " + " | ".join(_HEDGING_COLUMNS) + " |",
                  "|" + "---:|" * len(_HEDGING_COLUMNS), "| " + " | ".join(_hedging_cells(page.hedging)) + " |",
                  "", "### What it claims", ""]
        refs = _Refs()
        for group in page.groups:
            lines += [f"**{md(group.title)}** ({group.claims} claims)", ""]
            for entry in group.entries:
                items = "; ".join(md(m.label) + (f" *({md(', '.join(_marks(m)))})*" if _marks(m) else "")
                                  for m in entry.mentions)
                lines.append(f"- {md(entry.subject)}: {items}")
            lines.append("")
        if page.regulatory:
            lines += [f"**Regulatory statements it reports** ({len(page.regulatory)})", ""]
            for s in page.regulatory:
                lines.append(f"- {md(_statement(s))}")
                lines += [f"  {_md_quote(refs, page.file, q)}" for q in s.quotes]
            lines.append("")
        if not page.groups and not page.regulatory:
            lines += ["No claims of these kinds.", ""]
        if page.other_claims:
            lines += [md(f"{page.other_claims} other claims (anatomy, delivery, procedure, statistics, ...) are "
                         f"not grouped here; spinekg query claims-of-document --param document={page.file} "
                         "lists every claim."), ""]
        counts = page.conflict_counts
        lines += [f"### What it conflicts with ({sum(counts.values())} findings)", ""]
        if not page.conflicts:
            lines += ["No conflict with another page.", ""]
        for kind, conflicts in _by_kind(page):
            lines += [f"#### {md(_heading(kind))} ({counts[kind]})", ""]
            for c in conflicts:
                lines.append(f"- **{md(' — '.join(c.relation[:2]) + ' → ' + c.relation[2])}**")
                if c.note:
                    lines.append(f"  - {md(c.note)}")
                lines.append(f"  - this page, {md(c.role)}: " + " ".join(_md_excerpt(refs, x) for x in c.own))
                for page_name, excerpts in _by_page(c.others):
                    lines.append(f"  - {md(page_name)}, {md(c.against)}: "
                                 + " ".join(_md_excerpt(refs, x) for x in excerpts))
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _md_url(url: str) -> str:
    return f"<{url}>" if _SAFE_URL.fullmatch(url) else escape_markdown(url)


def _md_quote(refs: _Refs, file: str, text: str) -> str:
    number, first = refs.ref(file, text)
    return f"**Q{number}** “{escape_markdown(text)}”" if first else f"**Q{number}** (quoted above)"


def _md_excerpt(refs: _Refs, x: Excerpt) -> str:
    number, first = refs.ref(x.file, x.text)
    where = escape_markdown(f"({_span(x)}; {x.how})")
    return f"**Q{number}** “{escape_markdown(x.text)}” {where}" if first else f"**Q{number}** {where}"


def _by_page(excerpts: tuple[Excerpt, ...]) -> list[tuple[str, list[Excerpt]]]:
    pages: dict[str, list[Excerpt]] = {}
    for x in sorted(excerpts, key=lambda x: (x.file, x.start or 0, x.end or 0)):
        pages.setdefault(x.page, []).append(x)
    return list(pages.items())


# HTML

_CSS = """\
body{font:15px/1.5 Georgia,"Times New Roman",serif;color:#111;max-width:56rem;margin:2rem auto;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.3rem}h2{font-size:1.3rem;border-bottom:1px solid #888;margin-top:2.5rem}
h3{font-size:1.1rem;margin:1.2rem 0 .4rem}h4{font-size:1rem;margin:.9rem 0 .3rem}
table{border-collapse:collapse;margin:.4rem 0 .8rem}th,td{border:1px solid #bbb;padding:.15rem .5rem;text-align:left;vertical-align:top}
td.n,th.n{text-align:right}dl.about{display:grid;grid-template-columns:max-content auto;gap:0 1rem;margin:.4rem 0}
dl.about dt{color:#555}dl.about dd{margin:0;overflow-wrap:anywhere}ul{padding-left:1.3rem}li{margin:.15rem 0}
blockquote{margin:.15rem 0 .35rem 1rem;border-left:3px solid #bbb;padding-left:.6rem}
.meta,.how{color:#555;font-size:.9em}.ref{font-weight:bold}.mark{font-style:italic;color:#555}
@media print{body{max-width:none;margin:0;padding:0;font-size:10pt}section.page{break-before:page}
a{color:inherit;text-decoration:none}h2,h3,h4{break-after:avoid}li,blockquote,tr,dl{break-inside:avoid}}
"""


def _html(report: Report) -> str:
    e = _esc
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{e(_TITLE)}</title>", f"<style>\n{_CSS}</style></head><body>", "<header>",
             f"<h1>{e(_TITLE)}</h1>", f'<p class="meta">{e(_date_line(report))}</p>',
             f"<p>Graph: {e(_graph_line(report))}.</p>",
             '<table class="totals"><thead><tr><th>kind of conflict</th><th class="n">findings</th></tr></thead><tbody>']
    parts += [f'<tr><td>{e(_rule_title(kind))} <span class="meta">({e(kind)})</span></td><td class="n">{n}</td></tr>'
              for kind, n in report.conflicts.items()]
    parts += ["</tbody></table>", '<table class="pages"><thead><tr><th>page</th><th class="n">claims</th>'
              '<th class="n">hedged</th><th class="n">conflicts</th></tr></thead><tbody>']
    for i, (name, cells) in enumerate(_overview(report)):
        parts.append(f'<tr><td><a href="#p{i + 1}">{e(name)}</a></td>'
                     + "".join(f'<td class="n">{e(c)}</td>' for c in cells) + "</tr>")
    parts += ["</tbody></table>", "</header>"]
    for i, page in enumerate(report.pages):
        parts += _html_page(page, f"p{i + 1}")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _esc(text) -> str:
    return html.escape(str(text), quote=True)


def _html_page(page: PageReport, anchor: str) -> list[str]:
    e = _esc
    parts = [f'<section class="page" id="{anchor}" data-file="{e(page.file)}">', f"<h2>{e(page.name)}</h2>",
             '<dl class="about">']
    for field, value in _about(page):
        if field == "URL" and _SAFE_URL.fullmatch(value):
            value_html = f'<a href="{e(value)}">{e(value)}</a>'
        else:
            value_html = e(value)
        parts.append(f"<dt>{e(field)}</dt><dd>{value_html}</dd>")
    parts += ["</dl>", "<h3>How hedged</h3>", '<table class="hedging"><thead><tr>'
              + "".join(f'<th class="n">{e(c)}</th>' for c in _HEDGING_COLUMNS) + "</tr></thead><tbody><tr>"
              + "".join(f'<td class="n">{e(c)}</td>' for c in _hedging_cells(page.hedging)) + "</tr></tbody></table>",
              "<h3>What it claims</h3>"]
    refs = _Refs()
    for group in page.groups:
        parts.append(f'<h4 data-group="{e(group.key)}">{e(group.title)} <span class="meta">({group.claims} claims)</span></h4><ul>')
        for entry in group.entries:
            items = "; ".join(e(m.label) + (f' <span class="mark">({e(", ".join(_marks(m)))})</span>' if _marks(m) else "")
                              for m in entry.mentions)
            parts.append(f"<li><b>{e(entry.subject)}</b>: {items}</li>")
        parts.append("</ul>")
    if page.regulatory:
        parts.append(f'<h4 data-group="regulatory">Regulatory statements it reports '
                     f'<span class="meta">({len(page.regulatory)})</span></h4><ul>')
        for s in page.regulatory:
            parts.append(f"<li>{e(_statement(s))}" + "".join(_html_quote(refs, page.file, q) for q in s.quotes) + "</li>")
        parts.append("</ul>")
    if not page.groups and not page.regulatory:
        parts.append("<p>No claims of these kinds.</p>")
    if page.other_claims:
        parts.append(f'<p class="meta">{page.other_claims} other claims (anatomy, delivery, procedure, statistics, '
                     f"...) are not grouped here; <code>spinekg query claims-of-document --param document="
                     f"{e(page.file)}</code> lists every claim.</p>")
    counts = page.conflict_counts
    parts.append(f"<h3>What it conflicts with <span class=\"meta\">({sum(counts.values())} findings)</span></h3>")
    if not page.conflicts:
        parts.append("<p>No conflict with another page.</p>")
    for kind, conflicts in _by_kind(page):
        parts.append(f'<h4>{e(_heading(kind))} <span class="meta">({counts[kind]})</span></h4><ul class="conflicts">')
        for c in conflicts:
            parts.append(f'<li class="conflict" data-kind="{e(kind)}"><b class="relation">{e(c.relation[0])} — '
                         f"{e(c.relation[1])} → {e(c.relation[2])}</b>")
            if c.note:
                parts.append(f'<div class="meta">{e(c.note)}</div>')
            parts.append(f'<div class="side own">this page, {e(c.role)}:'
                         + "".join(_html_excerpt(refs, x) for x in c.own) + "</div>")
            for page_name, excerpts in _by_page(c.others):
                parts.append(f'<div class="side other">{e(page_name)}, {e(c.against)}:'
                             + "".join(_html_excerpt(refs, x) for x in excerpts) + "</div>")
            parts.append("</li>")
        parts.append("</ul>")
    parts.append("</section>")
    return parts


def _html_quote(refs: _Refs, file: str, text: str) -> str:
    number, first = refs.ref(file, text)
    if first:
        return f'<blockquote><span class="ref">Q{number}</span> {_esc(text)}</blockquote>'
    return f' <span class="ref">Q{number}</span> <span class="how">(quoted above)</span>'


def _html_excerpt(refs: _Refs, x: Excerpt) -> str:
    number, first = refs.ref(x.file, x.text)
    how = f'<span class="how">({_esc(_span(x))}; {_esc(x.how)})</span>'
    if first:
        return f'<blockquote><span class="ref">Q{number}</span> {_esc(x.text)} {how}</blockquote>'
    return f' <span class="ref">Q{number}</span> {how}'
