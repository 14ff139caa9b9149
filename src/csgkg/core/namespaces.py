"""Namespaces and the prefix map shared by every csgkg file and export."""

from __future__ import annotations

from rdflib import Graph, Namespace
from rdflib.namespace import DCAT, DCTERMS, OWL, PROV, RDF, RDFS, SH, SKOS, VOID, XSD

BASE = "https://w3id.org/csgkg/"
CSG = Namespace(BASE + "ontology/")
ONTOLOGY_IRI = BASE + "ontology"
VOCAB = BASE + "vocab/"
ID = BASE + "id/"
DATASET_IRI = BASE + "dataset"
SCHEMA = Namespace("https://schema.org/")
VANN = Namespace("http://purl.org/vocab/vann/")
WD = Namespace("http://www.wikidata.org/entity/")
BCIO = Namespace("http://humanbehaviourchange.org/ontology/BCIO_")
SHAPES = Namespace(BASE + "shapes/")

# One concept scheme per facet: (prefix, scheme slug, concept class local name).
SCHEMES: tuple[tuple[str, str, str], ...] = (
    ("context", "context", "Context"),
    ("harm", "harm", "Harm"),
    ("role", "delivery-role", "DeliveryRole"),
    ("audience", "audience", "Audience"),
    ("evidence", "evidence-status", "EvidenceStatus"),
    ("itype", "intervention-type", "InterventionType"),
    ("principle", "principle", "Principle"),
    # The Contextual Safeguarding framework facets and why an intervention has no rating.
    ("cslevel", "cs-level", "CsLevel"),
    ("csdomain", "cs-domain", "CsDomain"),
    ("cattag", "catalogue-tag", "CatalogueTag"),
    ("unrated", "unrated-reason", "UnratedReason"),
    # The evidence registries' scales, the crosswalk between them and the designs of evaluations.
    ("guidebook", "guidebook-level", "GuidebookLevel"),
    ("yef-impact", "yef-impact", "YefImpactLevel"),
    ("yef-quality", "yef-evidence-quality", "YefEvidenceQualityLevel"),
    ("blueprints", "blueprints-rating", "BlueprintsLevel"),
    ("crimesolutions", "crimesolutions-rating", "CrimeSolutionsLevel"),
    ("cebc", "cebc-rating", "CebcLevel"),
    ("crosswalk", "evidence-crosswalk", "EvidenceCategory"),
    ("design", "study-design", "StudyDesign"),
)

ENTITY_KINDS: tuple[str, ...] = ("intervention", "organisation", "source", "claim", "rating", "registry")

PREFIXES: dict[str, str] = {
    "csg": str(CSG),
    **{prefix: f"{VOCAB}{slug}/" for prefix, slug, _ in SCHEMES},
    **{kind: f"{ID}{kind}/" for kind in ENTITY_KINDS},
    "shapes": str(SHAPES),
    "wd": str(WD),
    "bcio": str(BCIO),
    "dcat": str(DCAT),
    "dcterms": str(DCTERMS),
    "owl": str(OWL),
    "prov": str(PROV),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "schema": str(SCHEMA),
    "sh": str(SH),
    "skos": str(SKOS),
    "vann": str(VANN),
    "void": str(VOID),
    "xsd": str(XSD),
}


def bind_prefixes(graph: Graph) -> Graph:
    """Bind the csgkg prefix map to ``graph``, replacing rdflib's defaults, and return it."""
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True, replace=True)
    return graph


def new_graph() -> Graph:
    """Return an empty graph with only the csgkg prefixes bound (stable output)."""
    graph = Graph(bind_namespaces="none")
    return bind_prefixes(graph)
