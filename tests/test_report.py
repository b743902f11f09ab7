"""``spinekg report``: one summary of the pages, read back with real parsers (lxml.html for the
HTML, a line reader and markdown-it for the Markdown) and checked against the library queries'
own answers, page by page."""

from __future__ import annotations

import html as htmlmod
import os
import re
from collections import Counter
from dataclasses import replace

import pytest
from click.testing import CliRunner
from lxml import html as lxml_html

from spinekg.analysis.conflicts import KINDS
from spinekg.analysis.summary import build_report, render
from spinekg.cli import main
from spinekg.core.namespaces import SPK

from conftest import one_line_error

DATE = "2026-03-01"
GROUP_PREDICATES = {"treats": {SPK.treats}, "mechanisms": {SPK.hasMechanism}, "effects": {SPK.hasTherapeuticEffect},
                    "risks": {SPK.hasRisk, SPK.hasReportedAdverseEvent}, "characteristics": {SPK.hasCharacteristic}}


class Answers:
    """The graph's answers, asked once: what build_report reads (documents, the library questions
    it runs, the conflicts), optionally with every answer's rows reversed."""

    def __init__(self, kg, reverse: bool = False):
        self.kg, self.reverse = kg, reverse
        self.answers: dict = {}

    def documents(self):
        return self._once("documents", self.kg.documents)

    def query(self, name, **params):
        assert not params
        return self._once(name, lambda: self.kg.query(name))

    def conflicts(self, *args, **kwargs):
        assert not args and not kwargs
        return self._once("conflicts", self.kg.conflicts)

    def _once(self, name, ask):
        if name not in self.answers:
            self.answers[name] = ask()
        answer = self.answers[name]
        if not self.reverse:
            return answer
        return list(reversed(answer)) if isinstance(answer, list) else replace(answer, rows=tuple(reversed(answer.rows)))


@pytest.fixture(scope="module")
def answers(kg):
    return Answers(kg)


@pytest.fixture(scope="module")
def report(answers):
    return build_report(answers, date=DATE)


@pytest.fixture(scope="module")
def findings(answers):
    return answers.conflicts()


@pytest.fixture(scope="module")
def page_html(report):
    return lxml_html.document_fromstring(render(report, "html"))


@pytest.fixture(scope="module")
def markdown(report):
    return render(report, "markdown")


def _text(element) -> str:
    return " ".join(element.text_content().split())


def _section(tree, file):
    [section] = tree.xpath(f'//section[@class="page"][@data-file="{file}"]')
    return section


def _unescape_md(text: str) -> str:
    """Markdown inline text back to plain text: backslash escapes, then HTML entities."""
    return htmlmod.unescape(re.sub(r"\\(.)", r"\1", text))


def _md_sections(markdown: str) -> dict[str, str]:
    """The Markdown's page sections by the page name of their '## ' heading."""
    parts = re.split(r"^## (.*)$", markdown, flags=re.M)
    return {_unescape_md(parts[i]): parts[i + 1] for i in range(1, len(parts), 2)}


def _md_table(section: str, first_column: str) -> list[dict[str, str]]:
    """The rows of the Markdown table whose header starts with ``first_column``."""
    lines = section.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {first_column} |"))
    header = [c.strip() for c in lines[start].strip("|").split("|")]
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append(dict(zip(header, (_unescape_md(c.strip()) for c in re.split(r"(?<!\\)\|", line.strip()[1:-1])))))
    return rows


def _count_and_share(cell: str) -> tuple[int, float]:
    match = re.fullmatch(r"(\d+) \((\d+\.\d)%\)", cell)
    assert match, cell
    return int(match[1]), float(match[2])


def _summary_rows(kg):
    return {str(row["document"]): row for row in kg.query("document-summary")}


def test_the_hedging_figures_are_the_document_summary_answers(kg, page_html, markdown):
    """Claims, statements, hedged, negated, third party and their shares, for every page, in both
    formats, equal the rows of the library question ``document-summary``."""
    summary = _summary_rows(kg)
    md_sections = _md_sections(markdown)
    documents = kg.documents()
    assert len(documents) == 5
    for doc in documents:
        row = summary[str(doc.iri)]
        claims = int(row["claims"])
        expected = {"claims": claims, "statements": int(row["statements"])}
        shares = {name: (int(row[column]), round(100 * int(row[column]) / claims, 1))
                  for name, column in (("hedged", "hedged"), ("negated", "negated"), ("third party", "third_party"))}
        table = _section(page_html, doc.file).xpath('.//table[@class="hedging"]')[0]
        heads = [_text(th) for th in table.xpath(".//th")]
        cells = dict(zip(heads, (_text(td) for td in table.xpath(".//td"))))
        md_cells = _md_table(md_sections[doc.name], "claims")[0]
        for got in (cells, md_cells):
            assert {k: int(got[k]) for k in expected} == expected, doc.file
            assert {k: _count_and_share(got[k]) for k in shares} == shares, doc.file


def test_the_header_counts_pages_claims_and_conflicts(kg, page_html, markdown, findings):
    summary = _summary_rows(kg)
    claims = sum(int(row["claims"]) for row in summary.values())
    statements = sum(int(row["statements"]) for row in summary.values())
    header = _text(page_html.xpath("//header")[0])
    assert f"Date: {DATE}" in header and "latest page date" not in header
    line = f"5 pages, {claims} claims in {statements} statements; {len(findings)} conflicts between pages"
    assert line in header and line in markdown
    expected = Counter(f.kind for f in findings)
    rows = page_html.xpath('//table[@class="totals"]/tbody/tr')
    got = {re.search(r"\(([a-z-]+)\)$", _text(tr.xpath("./td")[0]))[1]: int(_text(tr.xpath("./td")[1])) for tr in rows}
    assert got == {kind: expected.get(kind, 0) for kind in KINDS}
    md_got = {re.search(r"\(([a-z-]+)\)$", r["kind of conflict"])[1]: int(r["findings"])
              for r in _md_table(markdown, "kind of conflict")}
    assert md_got == got
    # the pages in page order, each with its findings
    names = [_text(a) for a in page_html.xpath('//table[@class="pages"]//a')]
    assert names == [d.name for d in kg.documents()]
    per_page = {d.name: sum(d.file in f.documents for f in findings) for d in kg.documents()}
    assert {r["page"]: int(r["conflicts"]) for r in _md_table(markdown, "page")} == per_page


def test_the_report_date_defaults_to_the_latest_page_date(kg, answers):
    """Without a date the report takes the latest date the graph holds for a page; the clock is
    never read (the same graph gives the same report)."""
    latest = max(d[:10] for doc in kg.documents() for d in (doc.published, doc.retrieved) if d)
    report = build_report(answers)
    assert report.date == latest and report.date_from_graph
    assert f"Date: {latest} (the latest page date in the graph)" in render(report, "markdown")
    with pytest.raises(Exception, match="is not a date: give it as YYYY-MM-DD"):
        build_report(answers, date="yesterday")


def test_each_page_shows_its_provenance(kg, page_html, markdown):
    md_sections = _md_sections(markdown)
    for doc in kg.documents():
        about = _section(page_html, doc.file).xpath('.//dl[@class="about"]')[0]
        fields = dict(zip((_text(dt) for dt in about.xpath("./dt")), (_text(dd) for dd in about.xpath("./dd"))))
        assert fields["Publisher"] == (doc.publisher or "not named")
        assert fields["Location"] == (doc.country or "not stated")
        assert fields["Published"] == (doc.published or "not stated")
        assert fields["URL"] == (doc.url or "not recorded")
        assert fields["File"] == doc.file
        md_fields = dict(_unescape_md(line[2:]).split(": ", 1) for line in md_sections[doc.name].splitlines()
                         if line.startswith("- ") and ": " in line and line[2:].split(":")[0] in fields)
        assert md_fields == {k: v for k, v in fields.items()}


def _claimed(rows, predicates) -> set[tuple[str, str]]:
    """(subject, object) labels of the page's assertions and recommendations of ``predicates``,
    from the library question claims-of-document (independent of the report's claim-details)."""
    return {(rows.label(r["subject"]), rows.label(r["object"])) for r in rows
            if r["predicate"] in predicates and r["kind"] != SPK.EvidenceClaim}


def test_what_each_page_claims_is_its_claims_of_document(kg, page_html):
    """Every group of "what it claims" lists exactly the relations claims-of-document gives for
    the page (subject, then its objects)."""
    checked = 0
    for doc in kg.documents():
        section = _section(page_html, doc.file)
        rows = kg.query("claims-of-document", document=doc.file)
        for key, predicates in GROUP_PREDICATES.items():
            expected = _claimed(rows, predicates)
            heading = section.xpath(f'.//h4[@data-group="{key}"]')
            if not expected:
                assert not heading, (doc.file, key)
                continue
            items = heading[0].getnext().xpath("./li")
            got = set()
            for li in items:
                subject = _text(li.xpath("./b")[0])
                rest = _text(li)[len(subject) + 2:]
                for mention in rest.split("; "):
                    got.add((subject, re.sub(r" \([^()]*(?:\([^()]*\)[^()]*)*\)$", "", mention)))
            assert got == expected, (doc.file, key)
            checked += 1
    assert checked >= 10


def test_regulatory_statements_are_the_regulatory_statuses_rows(kg, page_html):
    rows = kg.query("regulatory-statuses")
    for doc in kg.documents():
        mine = [r for r in rows if r["document"] == doc.iri]
        heading = _section(page_html, doc.file).xpath('.//h4[@data-group="regulatory"]')
        if not mine:
            assert not heading
            continue
        text = _text(heading[0].getnext())
        assert len(heading[0].getnext().xpath("./li")) == len({r["status"] for r in mine})
        for r in mine:
            for column in ("product", "approval", "regulator", "jurisdiction", "use"):
                assert rows.label(r[column]) in text
            assert " ".join(str(r["quote"]).split()) in text


def _check_conflicts(section, page_findings, file, names):
    items = section.xpath('.//li[@class="conflict"]')
    relations = {(li.get("data-kind"), _text(li.xpath('./b[@class="relation"]')[0])) for li in items}
    assert relations == {(f.kind, f"{f.labels[0]} — {f.labels[1]} → {f.labels[2]}") for f in page_findings}
    text = _text(section)
    for f in page_findings:
        for own, other in ((f.a, f.b), (f.b, f.a)):
            if not any(q.document.file == file for q in own.quotes):
                continue
            # the page's own words, and the other pages' on the other side, each named
            shown = [q for q in own.quotes if q.document.file == file] + [q for q in other.quotes if q.document.file != file]
            for q in shown:
                assert " ".join(q.text.split()) in text, (f.kind, q.text)
                assert names[q.document.file] in text or q.document.file == file


def test_every_conflict_finding_of_a_page_appears_with_its_quotes(kg, page_html, findings):
    """Each finding that involves a page is in its section (kind and relation), with the page's
    quotes and the other pages' names and quotes."""
    names = {d.file: d.name for d in kg.documents()}
    for doc in kg.documents():
        mine = [f for f in findings if doc.file in f.documents]
        assert mine
        _check_conflicts(_section(page_html, doc.file), mine, doc.file, names)


@pytest.mark.slow
def test_the_findings_of_a_page_are_kg_conflicts_of_the_document(kg, page_html):
    names = {d.file: d.name for d in kg.documents()}
    for doc in kg.documents():
        _check_conflicts(_section(page_html, doc.file), kg.conflicts(document=doc.file), doc.file, names)


def test_markdown_lists_every_finding_and_quote(kg, markdown, findings):
    sections = _md_sections(markdown)
    for doc in kg.documents():
        plain = _unescape_md(sections[doc.name])
        for f in findings:
            if doc.file in f.documents:
                assert f"**{f.labels[0]} — {f.labels[1]} → {f.labels[2]}**" in plain
                for q in f.a.quotes + f.b.quotes:
                    if q.document.file == doc.file:
                        assert f"“{q.text.replace(chr(10), ' ')}”" in plain  # Markdown keeps a quote on one line


def _hostile(report):
    evil = '<script>alert(1)</script><img src=x onerror="alert(2)"> | **b** [l](javascript:alert(3)) `c`'
    page = report.pages[3]
    group = page.groups[0]
    entry = replace(group.entries[0], subject=evil, mentions=(replace(group.entries[0].mentions[0], label=evil),))
    conflict = page.conflicts[0]
    hostile = replace(page, name=evil, publisher=evil, title=evil, url='javascript:alert("x")', file=evil,
                      groups=(replace(group, entries=(entry,)),) + page.groups[1:],
                      conflicts=(replace(conflict, relation=(evil, evil, evil), own=(replace(conflict.own[0], text=evil),),
                                         others=(replace(conflict.others[0], page=evil),)),) + page.conflicts[1:])
    return replace(report, pages=(hostile,) + report.pages[1:]), evil


def test_a_hostile_title_label_or_quote_stays_text_in_html(report):
    hostile, evil = _hostile(report)
    out = render(hostile, "html")
    tree = lxml_html.document_fromstring(out)
    assert not tree.xpath("//script") and not tree.xpath("//img")
    assert not [a for el in tree.iter() if isinstance(el.tag, str) for a in el.attrib if a.startswith("on")]
    assert all(a.get("href").startswith("#") for a in tree.xpath("//a") if a.get("href"))
    assert _text(tree).count(" ".join(evil.split())) >= 7  # name (twice), publisher, title, entry, quote, relation, ...
    # no network resources: nothing is loaded from anywhere
    assert not tree.xpath("//*[@src] | //link | //iframe | //object") and "url(" not in out and "@import" not in out


def test_a_hostile_label_stays_text_in_markdown(report):
    from markdown_it import MarkdownIt  # an independent CommonMark reader (HTML allowed, as GitHub does)

    hostile, evil = _hostile(report)
    rendered = MarkdownIt("commonmark").render(render(hostile, "markdown"))
    tree = lxml_html.document_fromstring(rendered)
    assert not tree.xpath("//script | //img | //code") and "<script>" not in rendered
    assert not [a for a in tree.xpath("//a") if not a.get("href", "").startswith("http")]
    assert _text(tree).count(" ".join(evil.split())) >= 5


def test_rendering_is_deterministic_and_the_clock_is_not_read(report, answers):
    """The same graph gives the same bytes: a report built again from the same answers in the
    reverse order (pages, rows, findings) renders identically."""
    reversed_answers = Answers(answers.kg, reverse=True)
    reversed_answers.answers = answers.answers
    again = build_report(reversed_answers, date=DATE)
    for fmt in ("html", "markdown"):
        assert render(again, fmt) == render(report, fmt)
    assert not re.search(r"\d\d:\d\d:\d\d", render(report, "html"))


# --- the command --------------------------------------------------------------------------------

@pytest.fixture
def fast_cli(monkeypatch, kg, report):
    """The command, with the graph and the report it would build given (they are tested above)."""
    import spinekg.analysis.summary as summary
    import spinekg.cli.report as cli_report

    monkeypatch.setattr(cli_report, "open_graph", lambda graph_file, store=None: kg)
    monkeypatch.setattr(summary, "build_report", lambda kg, date=None: replace(report, date=date or report.date))
    return CliRunner()


@pytest.mark.parametrize("args", [["-o", "x.html", "--format", "markdown"], ["-o", "x.md", "-f", "html"],
                                  ["-o", "x.markdown", "--format", "html"], ["-o", "x.HTM", "-f", "markdown"],
                                  ["-o", "x.txt"]])
def test_a_format_that_does_not_match_the_extension_is_refused(tmp_path, args):
    runner = CliRunner()
    args = [str(tmp_path / a) if a.startswith("x.") else a for a in args]
    result = runner.invoke(main, ["report"] + args)
    assert result.exit_code == 2
    line = one_line_error(result)
    assert ("does not match the extension" in line or "cannot tell the format" in line) and str(tmp_path) in line
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_the_format_comes_from_the_extension(fast_cli, tmp_path):
    for name, marker in (("r.html", "<!DOCTYPE html>"), ("r.htm", "<!DOCTYPE html>"), ("r.md", "# What the pages"),
                         ("r.markdown", "# What the pages")):
        result = fast_cli.invoke(main, ["report", "-o", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
        assert (tmp_path / name).read_text(encoding="utf-8").startswith(marker)
        assert "written to" in result.stderr
    result = fast_cli.invoke(main, ["report", "-o", str(tmp_path / "r.txt"), "--format", "html"])
    assert result.exit_code == 0 and (tmp_path / "r.txt").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    result = fast_cli.invoke(main, ["report", "--date", "2026-01-02"])  # stdout: Markdown
    assert result.exit_code == 0 and result.stdout.startswith("# What the pages") and "Date: 2026-01-02" in result.stdout


def test_an_existing_report_is_replaced_only_when_the_new_one_is_complete(fast_cli, tmp_path, monkeypatch):
    out = tmp_path / "report.html"
    out.write_text("the old report", encoding="utf-8")
    real_replace = os.replace
    seen = []

    def failing_replace(src, dst):
        seen.append((open(src, encoding="utf-8").read(), open(dst, encoding="utf-8").read()))
        raise OSError(28, "No space left on device", str(dst))

    monkeypatch.setattr(os, "replace", failing_replace)
    result = fast_cli.invoke(main, ["report", "-o", str(out)])
    assert result.exit_code == 2 and "No space left on device" in one_line_error(result)
    [(new, old)] = seen
    assert new.rstrip().endswith("</html>") and old == "the old report"  # complete beside the untouched old one
    assert out.read_text(encoding="utf-8") == "the old report" and sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]
    monkeypatch.setattr(os, "replace", real_replace)
    result = fast_cli.invoke(main, ["report", "-o", str(out)])
    assert result.exit_code == 0 and out.read_text(encoding="utf-8") == new
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


@pytest.mark.slow
def test_the_command_on_a_graph_file_is_deterministic_and_escapes_its_titles(kg, tmp_path):
    """End to end on an exported graph whose page title and an entity label are hostile: the same
    bytes twice (and from Oxigraph), every hostile text inert in the HTML."""
    from rdflib import Literal
    from rdflib.namespace import RDFS

    from spinekg.core.namespaces import SCHEMA

    graph_file = tmp_path / "hostile.nt"
    data = kg.serialize("nt").decode("utf-8")
    doc = next(d for d in kg.documents() if d.file.startswith("003"))
    evil = "<script>alert(1)</script> & [x](javascript:y)"
    lines = [line for line in data.splitlines()
             if not (line.startswith(f"<{doc.iri}> <{SCHEMA.name}>") or line.startswith(f"<{SPK.BackPain}> <{RDFS.label}>"))]
    lines.append(f"<{doc.iri}> <{SCHEMA.name}> {Literal(evil).n3()} .")
    lines.append(f"<{SPK.BackPain}> <{RDFS.label}> {Literal(evil + ' pain', lang='en').n3()} .")
    graph_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    runner = CliRunner()
    outputs = []
    for i, store in enumerate(("memory", "memory", "oxigraph")):
        out = tmp_path / f"r{i}.html"
        result = runner.invoke(main, ["report", str(graph_file), "--store", store, "-o", str(out)])
        assert result.exit_code == 0, result.output + result.stderr
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]
    tree = lxml_html.document_fromstring(outputs[0].decode("utf-8"))
    assert not tree.xpath("//script") and f"003 Divine Spine: {evil}" in _text(tree)
    assert f"{evil} pain" in _text(_section(tree, doc.file))
