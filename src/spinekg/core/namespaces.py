"""Namespaces used by spinekg (project vocabulary, data individuals and the reused standards)."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import OWL, PROV, RDF, RDFS, SKOS, XSD, DCTERMS

__all__ = [
    "SPK", "SPKD", "SCHEMA", "OA", "BIOLINK", "ECO", "KL", "AGENT", "OBO", "PAV",
    "OWL", "PROV", "RDF", "RDFS", "SKOS", "XSD", "DCTERMS", "PREFIXES", "bind_prefixes",
]

SPK = Namespace("https://w3id.org/spinekg/vocab#")
SPKD = Namespace("https://w3id.org/spinekg/id/")
#: schema.org over http, as Biolink and ClaimsKG use it (rdflib's SDO is https).
SCHEMA = Namespace("http://schema.org/")
OA = Namespace("http://www.w3.org/ns/oa#")
BIOLINK = Namespace("https://w3id.org/biolink/vocab/")
OBO = Namespace("http://purl.obolibrary.org/obo/")
ECO = Namespace("http://purl.obolibrary.org/obo/ECO_")
KL = Namespace("https://w3id.org/biolink/vocab/KnowledgeLevelEnum#")
AGENT = Namespace("https://w3id.org/biolink/vocab/AgentTypeEnum#")
APPROVAL = Namespace("https://w3id.org/biolink/vocab/ClinicalApprovalStatusEnum#")
#: Provenance, Authoring and Versioning (https://pav-ontology.github.io/pav/): pav:retrievedOn
PAV = Namespace("http://purl.org/pav/")

PREFIXES: dict[str, Namespace] = {
    "spk": SPK,
    "spkd": SPKD,
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "owl": Namespace(str(OWL)),
    "xsd": Namespace(str(XSD)),
    "skos": Namespace(str(SKOS)),
    "dcterms": Namespace(str(DCTERMS)),
    "prov": Namespace(str(PROV)),
    "pav": PAV,
    "schema": SCHEMA,
    "oa": OA,
    "biolink": BIOLINK,
    "ECO": ECO,
    "kl": KL,
    "agent": AGENT,
    "approval": APPROVAL,
    "obo": OBO,
    "UBERON": Namespace(str(OBO) + "UBERON_"),
    "HP": Namespace(str(OBO) + "HP_"),
    "MONDO": Namespace(str(OBO) + "MONDO_"),
    "DOID": Namespace(str(OBO) + "DOID_"),
    "GO": Namespace(str(OBO) + "GO_"),
    "CL": Namespace(str(OBO) + "CL_"),
    "CHEBI": Namespace(str(OBO) + "CHEBI_"),
    "MESH": Namespace("http://id.nlm.nih.gov/mesh/"),
}


def bind_prefixes(graph) -> None:
    """Bind the spinekg prefixes on an rdflib graph (replacing rdflib's defaults)."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)
