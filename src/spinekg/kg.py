"""The knowledge graph object returned by :func:`spinekg.load`."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, URIRef

from spinekg.model.compiler import BuildReport, BuildResult, build
from spinekg.core.namespaces import bind_prefixes
from spinekg.core.resources import resource_dir

__all__ = ["KnowledgeGraph", "load", "compile_shipped", "fill_store"]


class KnowledgeGraph:
    """The spinekg knowledge graph: ontology (TBox) + documents, claims and provenance.

    ``graph`` is the whole graph as one rdflib :class:`~rdflib.Graph`; ``ontology`` is the part
    that comes from the OWL files and ``data`` the rest (documents, claims, spans, individuals);
    the TriG/N-Quads export writes them to two named graphs. ``report`` says how the graph was
    built (``None`` when it was read from a file).
    """

    def __init__(self, graph: Graph, ontology: Graph, report: BuildReport | None = None,
                 data: Graph | None = None, parent: "KnowledgeGraph | None" = None, *,
                 oxigraph=None, store=None):
        from spinekg.store.oxigraph import StoreSpec

        self.graph = graph
        self.ontology = ontology
        self.report = report
        self._data = data
        #: the pyoxigraph ``Store`` holding the graph (``None`` in rdflib's memory store); its
        #: default graph is the union of the ontology and data graphs
        self.oxigraph = oxigraph
        #: where the graph lives (:class:`~spinekg.store.oxigraph.StoreSpec`: ``memory``, ``oxigraph``, ``oxigraph:PATH``)
        self.store = StoreSpec.parse(store)
        self._engine = None
        self._index = None
        self._tops = None
        self.parent = parent  # the graph a subgraph was cut from (categories are looked up there)

    @property
    def data(self) -> Graph:
        """Everything that is not ontology (computed once, on first use)."""
        if self._data is None:
            data = Graph()
            bind_prefixes(data)
            ontology = self.ontology
            for triple in self.graph:
                if triple not in ontology:
                    data.add(triple)
            self._data = data
        return self._data

    @classmethod
    def from_build(cls, result: BuildResult) -> "KnowledgeGraph":
        """Take ownership of a build result: its data graph becomes the whole graph."""
        merged = result.data
        for triple in result.ontology:
            merged.add(triple)
        return cls(graph=merged, ontology=result.ontology, report=result.report)

    def __repr__(self) -> str:
        where = "" if self.store.kind == "memory" else f" in {self.store}"
        return f"<KnowledgeGraph {len(self.graph)} triples{where}>"

    def __len__(self) -> int:
        return len(self.graph)

    def close(self) -> None:
        """Release the Oxigraph store (on disk, its folder can then be opened again by this or
        another process). Nothing to do in memory. ``with spinekg.load(...) as kg:`` closes too."""
        if self.oxigraph is None:
            return
        for view in (self.graph, self.ontology, self._data):
            if view is not None and hasattr(view.store, "detach"):
                view.store.detach()
        self.oxigraph = self._engine = self._index = None

    def __enter__(self) -> "KnowledgeGraph":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def stats(self):
        """Counts per class, predicate, document and modality (see :mod:`spinekg.traversal.stats`)."""
        from spinekg.traversal.stats import compute_stats

        return compute_stats(self)

    def validate(self, shapes=None, *, corpus: str | Path | None = None, engine: str | None = None):
        """Validate against SHACL shapes (default: the shipped ones); see :mod:`spinekg.validation.shacl`.

        Returns a frozen :class:`~spinekg.validation.shacl.ValidationResult`. With ``corpus`` (a folder
        of the documents' ``.txt`` files) every quote is also compared with the document text.
        ``engine``: ``"pyshacl"`` (the reference) or ``"sparql"`` (the shapes compiled to SPARQL and
        run set-at-a-time on Oxigraph: the same report, fast on big graphs); by default ``sparql``
        for a graph held in Oxigraph and ``pyshacl`` otherwise.
        """
        from spinekg.validation.shacl import validate

        if engine is None:
            engine = "sparql" if self.oxigraph is not None else "pyshacl"
        return validate(self, shapes, corpus=corpus, engine=engine)

    @property
    def engine(self):
        """The SPARQL engine over :attr:`graph`: Oxigraph's for a graph held in Oxigraph, else
        rdflib's (prepared queries are reused)."""
        if self._engine is None:
            if self.oxigraph is not None:
                from spinekg.query.engines import OxigraphEngine

                self._engine = OxigraphEngine(self.oxigraph, union=True)
            else:
                from spinekg.query.engines import RdflibEngine

                self._engine = RdflibEngine(self.graph)
        return self._engine

    def query(self, name: str, **params):
        """Run the library query ``name`` (see ``spinekg query --list``) with its parameters.

        Parameter values may be labels, synonyms, CURIEs or IRIs ("PRP", "spk:BackPain"); they are
        resolved to entities and bound to the query's variables. Returns
        :class:`~spinekg.query.engines.Results`: dicts keyed by column, ``.to_dataframe()`` with pandas.
        """
        from spinekg.query.library import load_library, run

        return run(self.engine, load_library()[name], params, index=self._entity_index)

    def documents(self):
        """The pages in the graph as :class:`~spinekg.query.documents.Document` objects (file name,
        title, publisher, country, dates, URL; ``.name`` is how human formats name a page), in
        file-name order."""
        from spinekg.query.documents import documents

        return list(documents(self.engine).values())

    def conflicts(self, kind: str | None = None, *, document=None, entity=None):
        """Where the pages disagree: one :class:`~spinekg.analysis.conflicts.Finding` per
        conflicting relation, of one kind (``contradiction``, ``regulatory``,
        ``efficacy-evidence``, ``safety-risk``, ``track-record``, ``product-rule``) or all; only
        those involving ``document`` (file name, number or title) or naming ``entity`` (or a kind
        of it); most documents first. Each finding has its two sides, each with its quotes,
        offsets, modality and attribution; a regulatory finding says for each promoting page
        whether it is in the regulator's jurisdiction, outside it, or at an unknown location."""
        from spinekg.analysis.conflicts import find_conflicts

        doc = None if document is None else self._entity_index().document(str(getattr(document, "iri", document)))
        ent = None if entity is None else self.entity(entity, strict=True).iri
        return find_conflicts(self, None if kind is None else [kind], document=doc, entity=ent)

    def sparql(self, text: str, **bindings):
        """Run a SPARQL SELECT or ASK query; keyword arguments bind variables to RDF terms."""
        return self.engine.select(text, bindings)

    # traversal (see spinekg.traversal.entities) ----------------------------------------------------------
    def entity(self, name, *, strict: bool = False):
        """The entity named by a label, synonym, CURIE or IRI (``"PRP"``, ``"spk:BackPain"``).

        Returns ``None`` when nothing matches, unless ``strict`` (then
        :class:`~spinekg.core.errors.UnknownNameError`); an ambiguous name always raises
        :class:`~spinekg.core.errors.AmbiguousNameError` listing the candidates.
        """
        from rdflib import URIRef

        from spinekg.core.errors import UnknownNameError
        from spinekg.traversal.entities import Entity

        if isinstance(name, Entity):
            return name
        if isinstance(name, URIRef) and (name, None, None) in self.graph:
            return Entity(self, name)
        try:
            return Entity(self, self._entity_index().resolve(str(name)))
        except UnknownNameError:
            if strict:
                raise
            return None

    def treatments(self):
        """Every treatment (spk:Treatment and the classes below it), by label."""
        return self._below(self._vocab("Treatment"))

    def pathologies(self):
        """Every pathology (spk:Pathology and the classes below it), by label."""
        return self._below(self._vocab("Pathology"))

    def claims(self, subject=None, predicate=None, object=None, document=None, modality: str | None = None,
               negated: bool | None = None, kind: str | None = None):
        """Claims filtered by subject, predicate, object (names, CURIEs, IRIs or entities), document,
        modality (``"asserted"``/``"hedged"``), negation and kind (``"assertion"``,
        ``"recommendation"``, ``"evidence"``); sorted by document and offset."""
        from spinekg.traversal.entities import Claim, iter_claims

        resolved = {}
        for key, value in (("subject", subject), ("object", object)):
            resolved[key] = None if value is None else self.entity(value, strict=True).iri
        pred = None if predicate is None else self.relation(predicate)
        doc = None if document is None else self._entity_index().document(str(getattr(document, "iri", document)))
        found = iter_claims(self, resolved["subject"], pred, resolved["object"], doc, modality, negated, kind)
        return sorted(found, key=Claim.sort_key)

    def paths(self, a, b, max_length: int = 3, *, denied: bool = False):
        """Paths of asserted relations between two entities (names, CURIEs, IRIs or entities),
        shortest first; each path is a list of :class:`~spinekg.traversal.entities.Step` (subject,
        predicate, object). ``denied=True`` also walks relations that documents only deny."""
        from spinekg.traversal.entities import find_paths

        return find_paths(self, self.entity(a, strict=True), self.entity(b, strict=True), max_length, denied=denied)

    def export(self, fmt: str, path) -> None:
        """Write the graph for a visualizer (``graphml``, ``gexf``, ...; see
        :mod:`spinekg.export`) or in an RDF syntax (``turtle``, ``nquads``, ...), atomically."""
        from spinekg.export import FORMATS, export

        if fmt in FORMATS:
            export(self, fmt, path)
            return
        from spinekg.core.files import atomic_output
        from spinekg.core.rdfio import resolve_format, write_rdf

        fmt = resolve_format(fmt)
        with atomic_output(path) as handle:  # N-Quads and N-Triples are streamed, not built in memory
            write_rdf(self, fmt, handle, beside=path)

    def to_store(self, store) -> "KnowledgeGraph":
        """A copy of this graph in another store (``"oxigraph"`` or ``"oxigraph:PATH"``; a store on
        disk is replaced), returned as a new KnowledgeGraph; reopen it later with
        ``spinekg.load(store="oxigraph:PATH")``."""
        from spinekg.store.oxigraph import StoreSpec

        spec = StoreSpec.parse(store)
        if spec.kind == "memory":
            from rdflib import Graph

            ontology, data, merged = Graph(), Graph(), Graph()
            for part, source in ((ontology, self.ontology), (data, self.data), (merged, self.graph)):
                bind_prefixes(part)
                for triple in source:
                    part.add(triple)
            return KnowledgeGraph(graph=merged, ontology=ontology, report=self.report, data=data)
        return fill_store(spec, {"source": "copy"}, self)

    def to_networkx(self, view: str = "entities", *, denied: bool = False):
        """A networkx ``MultiDiGraph``: ``entities`` (asserted relations; each edge says which
        documents assert, hedge and deny it; ``denied=True`` adds the relations documents only
        deny), ``claims`` or ``rdf`` (lossless); see :mod:`spinekg.traversal.nxgraph`."""
        from spinekg.traversal.nxgraph import to_networkx

        return to_networkx(self, view, denied=denied)

    def _vocab(self, name: str):
        from spinekg.core.namespaces import SPK

        return SPK[name]

    def _below(self, top):
        from rdflib.namespace import RDFS

        from spinekg.traversal.entities import Entity

        found = set(self.graph.transitive_subjects(RDFS.subClassOf, top))
        return sorted((Entity(self, n) for n in found), key=lambda e: (e.label.casefold(), str(e.iri)))

    def relation(self, name) -> "URIRef":
        """The relation (an object property, or ``rdfs:subClassOf``) named by a label ("has
        mechanism"), a local name ("hasMechanism"), a CURIE or an IRI; raises
        :class:`~spinekg.core.errors.UnknownNameError` for anything else."""
        from rdflib import URIRef

        from spinekg.core.errors import UnknownNameError
        from spinekg.core.namespaces import RDF, SPK

        if isinstance(name, URIRef):
            return name
        text = str(getattr(name, "iri", name))
        if text.startswith(("http://", "https://")):
            return URIRef(text)
        if text.isidentifier() and (SPK[text], RDF.type, None) in self.graph:
            return SPK[text]
        iri = self._entity_index().resolve(text, what="relation")
        if not self.is_relation(iri):
            raise UnknownNameError(f"{text!r} names {iri}, which is not a relation")
        return iri

    def is_relation(self, predicate) -> bool:
        """Whether a predicate is a relation between entities (not a label, type or provenance link)."""
        from spinekg.model.vocabulary import is_relation

        return is_relation(self.graph, predicate)

    def subgraph(self, around=None, depth: int = 2, *, document=None, category=None) -> "KnowledgeGraph":
        """A smaller knowledge graph (every exporter accepts it): the entities within ``depth``
        edges of ``around``, and/or those of one ``document`` (file name, number or title) or one
        upper ``category`` ("treatment"); the edges and claims between them, with provenance."""
        from spinekg.core.errors import ParameterError
        from spinekg.traversal.entities import extract_subgraph

        center = self.entity(around, strict=True) if around is not None else None
        doc = self._entity_index().document(str(document)) if document is not None else None
        top = None
        if category is not None:
            top = self.entity(category, strict=True).iri
            if self.category(top) != top:
                raise ParameterError(f"{category!r} is not an upper category (treatment, pathology, "
                                     "anatomical entity, ...)")
        part = extract_subgraph(self, center, depth, document=doc, category=top)
        return KnowledgeGraph(graph=part, ontology=self.ontology, report=None, data=part, parent=self)

    def category(self, node) -> "URIRef | None":
        """The upper category (treatment, pathology, ...) of an entity IRI, or ``None``; an upper
        category is its own. A subgraph answers from the graph it was cut from."""
        if self.parent is not None:
            return self.parent.category(node)
        from spinekg.model.vocabulary import entity_category, top_categories

        if self._tops is None:
            self._tops = set(top_categories(self.graph))

        if node in self._tops:
            return node
        return entity_category(self.graph, node, self._tops)

    def _entity_index(self):
        if self._index is None:
            from spinekg.query.library import EntityIndex

            self._index = EntityIndex(self.engine)
        return self._index

    def serialize(self, format: str = "turtle") -> bytes:
        """The complete graph in an RDF syntax, deterministic (see :mod:`spinekg.core.rdfio`)."""
        from spinekg.core.rdfio import serialize

        return serialize(self, format)


def _cached_shipped() -> KnowledgeGraph:
    from spinekg.core.cache import load_cached, source_key, store_cached

    key = source_key(resource_dir("ontology"), resource_dir("data"))
    cached = load_cached(key, BuildReport)
    if cached is not None:
        graph, ontology, report = cached
        return KnowledgeGraph(graph=graph, ontology=ontology, report=report)
    kg = KnowledgeGraph.from_build(compile_shipped(None))
    store_cached(key, (kg.graph, kg.ontology, kg.report))
    return kg


def compile_shipped(corpus: str | Path | None = None, *, embed_text: bool = False) -> BuildResult:
    """Compile the shipped ontology and curated data; check grounding when a corpus is given."""
    return build(resource_dir("ontology"), resource_dir("data"),
                 Path(corpus) if corpus is not None else None, embed_text=embed_text)


def load(source: str | Path | None = None, *, corpus: str | Path | None = None,
         format: str | None = None, store=None) -> KnowledgeGraph:
    """Load the knowledge graph.

    With no ``source``, compile the graph shipped with spinekg (quotes are checked against
    ``corpus`` when it is given; ``SPINEKG_CORPUS`` is not read here so that loading stays fast and
    independent of the environment). With a ``source`` path, read a graph exported earlier
    (any RDF syntax rdflib knows; guessed from the extension unless ``format`` is given).

    ``store`` says where the graph lives (see :mod:`spinekg.store.oxigraph`): ``"memory"`` (rdflib, the
    default), ``"oxigraph"`` (in memory) or ``"oxigraph:PATH"`` (a folder on disk: filled on first
    use, reopened without parsing afterwards; with no ``source`` it is reopened whatever graph it
    holds). Every method works the same on each store.
    """
    from spinekg.store.oxigraph import StoreSpec

    spec = StoreSpec.parse(store)
    if spec.kind == "oxigraph":
        return _load_oxigraph(source, corpus, format, spec)
    if source is None:
        if corpus is None:  # no grounding check: the compiled graph can come from the cache
            return _cached_shipped()
        return KnowledgeGraph.from_build(compile_shipped(corpus))
    from spinekg.core.rdfio import read_graph

    ontology, data = read_graph(Path(source), format)
    if not len(ontology):  # a triple syntax: one graph, the ontology cannot be told apart
        return KnowledgeGraph(graph=data, ontology=ontology, report=None, data=data)
    merged = Graph()
    bind_prefixes(merged)
    for t in ontology:
        merged.add(t)
    for t in data:
        merged.add(t)
    return KnowledgeGraph(graph=merged, ontology=ontology, report=None, data=data)


def fill_store(spec, manifest: dict, kg: KnowledgeGraph) -> KnowledgeGraph:
    """Replace the content of an Oxigraph store with ``kg``'s graph (``manifest`` records what
    filled it; see :mod:`spinekg.store.oxigraph`); the store as a KnowledgeGraph."""
    from spinekg.store import oxigraph as st

    return _in_store(st.fill(spec, manifest, kg.ontology, kg.data), spec, kg.report)


def _in_store(oxstore, spec, report) -> KnowledgeGraph:
    from spinekg.store import oxigraph as st

    graph, ontology, data = st.views(oxstore)
    return KnowledgeGraph(graph=graph, ontology=ontology, report=report, data=data, oxigraph=oxstore, store=spec)


def _load_oxigraph(source, corpus, format, spec) -> KnowledgeGraph:
    """Open (and, when it is new or stale, fill) an Oxigraph store; see :func:`load`."""
    from spinekg.core.cache import source_key
    from spinekg.store import oxigraph as st

    shipped_key = source_key(resource_dir("ontology"), resource_dir("data")) if source is None else ""
    wanted, path, fmt = st.wanted_source(source, format, shipped_key)
    # a grounding check asked for: compiled (and failing) before any store folder is made
    checked = KnowledgeGraph.from_build(compile_shipped(corpus)) if source is None and corpus is not None else None

    def shipped():
        kg = checked or _cached_shipped()
        return kg.ontology, kg.data

    oxstore = st.open_or_fill(spec, wanted, path, fmt, shipped)
    return _in_store(oxstore, spec, checked.report if checked is not None else None)
