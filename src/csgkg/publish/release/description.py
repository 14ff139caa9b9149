"""``dataset.ttl``: the description of the release in DCAT 3, VoID, schema.org and PROV-O.

The dataset (across versions) and this version of it; licence, version, issued date and creators;
VoID statistics of the graph; the provenance (the ontology version and the sources it is derived
from); and each file of the bundle as a distribution with its media type, byte size and SHA-256.
Written last, since it describes every other file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, RDFS, VOID, XSD

from csgkg.core.files import write_atomic
from csgkg.core.namespaces import BASE, CSG, PREFIXES, SCHEMA, new_graph
from csgkg.io.serialise import to_turtle as turtle
from csgkg.publish.release.version import DESCRIPTION, KEYWORDS, TITLE, ReleaseError, ReleaseInfo

OUTPUT_FILE = "dataset.ttl"
# rdflib's DCAT namespace object is DCAT 2 and warns about DCAT 3 terms (dcat:version, series).
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
IANA = "https://www.iana.org/assignments/media-types/"
FORMATS = Namespace("http://www.w3.org/ns/formats/")
EXTRA_PREFIXES = {"adms": ADMS, "foaf": FOAF, "formats": FORMATS, "spdx": SPDX}


@dataclass(frozen=True)
class Distribution:
    """One file of the bundle: its path in ``dist/``, title, media type and the standard it follows."""

    name: str
    title: str
    media_type: str
    conforms_to: str | None = None


DISTRIBUTIONS: tuple[Distribution, ...] = (
    Distribution("csgkg.ttl", "The whole graph as Turtle", "text/turtle", str(FORMATS.Turtle)),
    Distribution(
        "csgkg.nt",
        "The whole graph as N-Triples (sorted lines)",
        "application/n-triples",
        str(FORMATS["N-Triples"]),
    ),
    Distribution(
        "csgkg.jsonld", "The whole graph as compact JSON-LD", "application/ld+json", str(FORMATS["JSON-LD"])
    ),
    Distribution(
        "csgkg-inferred.ttl",
        "The graph with its OWL 2 RL closure, as Turtle",
        "text/turtle",
        str(FORMATS.Turtle),
    ),
    Distribution(
        "csgkg-protege.owl",
        "The ontology and data as OWL 2 DL, in RDF/XML, for Protégé and its reasoners (HermiT)",
        "application/rdf+xml",
        str(FORMATS.RDF_XML),
    ),
    Distribution("context.jsonld", "The JSON-LD context", "application/ld+json", str(FORMATS["JSON-LD"])),
    Distribution("prefixes.json", "The prefix map (prefix to namespace IRI)", "application/json"),
    Distribution(
        "interventions.json",
        "The interventions as framed, nested JSON-LD documents",
        "application/ld+json",
        str(FORMATS["JSON-LD"]),
    ),
    Distribution(
        "interventions.csv", "Interventions (CSV)", "text/csv", "https://www.w3.org/TR/tabular-data-primer/"
    ),
    Distribution(
        "organisations.csv", "Organisations (CSV)", "text/csv", "https://www.w3.org/TR/tabular-data-primer/"
    ),
    Distribution("sources.csv", "Sources (CSV)", "text/csv", "https://www.w3.org/TR/tabular-data-primer/"),
    Distribution(
        "concepts.csv",
        "Concepts of the vocabularies (CSV)",
        "text/csv",
        "https://www.w3.org/TR/tabular-data-primer/",
    ),
    Distribution(
        "claims.csv",
        "Claims: the source of every statement (CSV)",
        "text/csv",
        "https://www.w3.org/TR/tabular-data-primer/",
    ),
    Distribution(
        "csgkg-metadata.json",
        "CSVW metadata describing every CSV table and column",
        "application/csvm+json",
        "http://www.w3.org/ns/csvw",
    ),
    Distribution("docs/ontology/index.html", "The ontology's documentation (HTML, pyLODE)", "text/html"),
    Distribution(
        "CHANGES.md", "Interventions added, removed and changed since the previous release", "text/markdown"
    ),
)


def sha256(path: Path) -> str:
    """The SHA-256 of the file at ``path``, in hexadecimal."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def _statistics(out: Graph, dataset: URIRef, graph: Graph) -> None:
    subjects = {s for s in graph.subjects()}
    classes = set(graph.objects(None, RDF.type))
    out.add((dataset, VOID.triples, Literal(len(graph), datatype=XSD.integer)))
    out.add(
        (dataset, VOID.entities, Literal(sum(isinstance(s, URIRef) for s in subjects), datatype=XSD.integer))
    )
    out.add((dataset, VOID.classes, Literal(len(classes), datatype=XSD.integer)))
    out.add((dataset, VOID.properties, Literal(len(set(graph.predicates())), datatype=XSD.integer)))
    out.add((dataset, VOID.distinctSubjects, Literal(len(subjects), datatype=XSD.integer)))
    out.add((dataset, VOID.distinctObjects, Literal(len(set(graph.objects())), datatype=XSD.integer)))
    for cls in sorted(c for c in classes if isinstance(c, URIRef) and str(c).startswith(str(CSG))):
        partition = URIRef(f"{dataset}/class/{str(cls).rsplit('/', 1)[-1]}")
        out.add((dataset, VOID.classPartition, partition))
        out.add((partition, VOID["class"], cls))
        count = len(set(graph.subjects(RDF.type, cls)))
        out.add((partition, VOID.entities, Literal(count, datatype=XSD.integer)))


def _agent(out: Graph, name: str) -> BNode:
    agent = BNode()
    for cls in (FOAF.Agent, PROV.Agent, SCHEMA.Organization):
        out.add((agent, RDF.type, cls))
    out.add((agent, FOAF.name, Literal(name)))
    out.add((agent, SCHEMA.name, Literal(name)))
    return agent


def _distribution(out: Graph, dataset: URIRef, info: ReleaseInfo, item: Distribution, dist: Path) -> None:
    path = dist / item.name
    if not path.is_file():
        raise ReleaseError(f"{path} is missing: dataset.ttl must describe every file of the release")
    node = URIRef(info.file_iri(item.name))
    size = Literal(path.stat().st_size, datatype=XSD.nonNegativeInteger)
    digest = sha256(path)
    out.add((dataset, DCAT.distribution, node))
    out.add((dataset, SCHEMA.distribution, node))
    for cls in (DCAT.Distribution, SCHEMA.DataDownload):
        out.add((node, RDF.type, cls))
    out.add((node, DCTERMS.title, Literal(item.title, lang="en")))
    out.add((node, SCHEMA.name, Literal(item.name)))
    out.add((node, DCAT.downloadURL, node))
    out.add((node, DCAT.accessURL, URIRef(info.release_iri)))
    out.add((node, SCHEMA.contentUrl, node))
    out.add((node, DCAT.mediaType, URIRef(IANA + item.media_type)))
    out.add((node, SCHEMA.encodingFormat, Literal(item.media_type)))
    out.add((node, DCAT.byteSize, size))
    out.add((node, SCHEMA.contentSize, Literal(f"{path.stat().st_size} B")))
    out.add((node, DCTERMS.license, URIRef(info.license)))
    out.add((node, DCTERMS.issued, Literal(info.issued, datatype=XSD.date)))
    if item.conforms_to:
        out.add((node, DCTERMS.conformsTo, URIRef(item.conforms_to)))
    checksum = BNode()
    out.add((node, SPDX.checksum, checksum))
    out.add((checksum, RDF.type, SPDX.Checksum))
    out.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    out.add((checksum, SPDX.checksumValue, Literal(digest, datatype=XSD.hexBinary)))
    out.add((node, SCHEMA.sha256, Literal(digest)))


def describe_dataset(graph: Graph, info: ReleaseInfo) -> Graph:
    """The description of the release of ``graph`` without its files (:func:`with_distributions`
    adds them): what can be said before the files are written."""
    out = new_graph()
    series, dataset = URIRef(info.series_iri), URIRef(info.dataset_iri)
    license_iri = URIRef(info.license)
    issued = Literal(info.issued, datatype=XSD.date)

    for cls in (DCAT.DatasetSeries, SCHEMA.Dataset):
        out.add((series, RDF.type, cls))
    out.add((series, DCTERMS.title, Literal(TITLE, lang="en")))
    out.add((series, SCHEMA.name, Literal(TITLE, lang="en")))
    out.add((series, DCAT.hasVersion, dataset))
    out.add((series, DCAT.hasCurrentVersion, dataset))
    out.add((series, DCAT.seriesMember, dataset))

    for cls in (DCAT.Dataset, VOID.Dataset, SCHEMA.Dataset, PROV.Entity):
        out.add((dataset, RDF.type, cls))
    for prop in (DCTERMS.title, SCHEMA.name):
        out.add((dataset, prop, Literal(f"{TITLE}, release {info.version}", lang="en")))
    for prop in (DCTERMS.description, SCHEMA.description):
        out.add((dataset, prop, Literal(DESCRIPTION, lang="en")))
    for keyword in KEYWORDS:
        out.add((dataset, DCAT.keyword, Literal(keyword, lang="en")))
        out.add((dataset, SCHEMA.keywords, Literal(keyword, lang="en")))
    out.add((dataset, DCAT.version, Literal(info.version)))
    out.add((dataset, SCHEMA.version, Literal(info.version)))
    out.add((dataset, DCAT.isVersionOf, series))
    out.add((dataset, DCAT.inSeries, series))
    out.add((dataset, SCHEMA.isPartOf, series))
    out.add((dataset, DCTERMS.issued, issued))
    out.add((dataset, SCHEMA.datePublished, issued))
    out.add((dataset, DCTERMS.license, license_iri))
    out.add((dataset, SCHEMA.license, license_iri))
    out.add((dataset, DCAT.landingPage, URIRef(info.landing_page)))
    out.add((dataset, SCHEMA.url, URIRef(info.landing_page)))
    out.add((dataset, DCTERMS.language, URIRef("http://id.loc.gov/vocabulary/iso639-1/en")))
    out.add((dataset, SCHEMA.inLanguage, Literal("en")))
    out.add(
        (
            dataset,
            ADMS.versionNotes,
            Literal("Changes since the previous release: see CHANGES.md.", lang="en"),
        )
    )
    for name in info.creators:
        agent = _agent(out, name)
        for prop in (DCTERMS.creator, SCHEMA.creator, PROV.wasAttributedTo):
            out.add((dataset, prop, agent))

    # VoID: the graph's statistics, where it lives and what it uses.
    _statistics(out, dataset, graph)
    out.add((dataset, VOID.uriSpace, Literal(BASE)))
    out.add((dataset, VOID.dataDump, URIRef(info.file_iri("csgkg.nt"))))
    out.add((dataset, VOID.feature, FORMATS["N-Triples"]))
    out.add((dataset, VOID.feature, FORMATS.Turtle))
    out.add((dataset, VOID.feature, FORMATS["JSON-LD"]))
    out.add((dataset, VOID.vocabulary, URIRef(str(CSG))))

    # PROV: the ontology version and the sources the statements come from, and the build activity.
    activity = BNode()
    out.add((dataset, PROV.wasGeneratedBy, activity))
    out.add((activity, RDF.type, PROV.Activity))
    out.add((activity, RDFS.label, Literal(f"csgkg build of release {info.version}", lang="en")))
    software = BNode()
    out.add((activity, PROV.wasAssociatedWith, software))
    out.add((software, RDF.type, PROV.SoftwareAgent))
    out.add((software, RDFS.label, Literal(f"csgkg {_software_version()}")))
    if info.ontology_version_iri:
        out.add((dataset, PROV.wasDerivedFrom, URIRef(info.ontology_version_iri)))
        out.add((activity, PROV.used, URIRef(info.ontology_version_iri)))
    for source in sorted(graph.subjects(RDF.type, CSG.Source), key=str):
        out.add((dataset, DCTERMS.source, source))
        out.add((dataset, PROV.wasDerivedFrom, source))
        out.add((source, RDF.type, PROV.Entity))
    return out


def with_distributions(described: Graph, info: ReleaseInfo, dist: Path) -> Graph:
    """``described`` (from :func:`describe_dataset`) with every file of the release in ``dist``,
    its size and SHA-256, added."""
    dataset = URIRef(info.dataset_iri)
    for item in DISTRIBUTIONS:
        _distribution(described, dataset, info, item, dist)
    return described


def _software_version() -> str:
    from csgkg import __version__

    return __version__


def to_turtle(description: Graph) -> str:
    """``description`` as canonical Turtle, named with the csgkg prefixes and :data:`EXTRA_PREFIXES`."""
    prefixes = {**PREFIXES, **{prefix: str(namespace) for prefix, namespace in EXTRA_PREFIXES.items()}}
    return turtle(description, prefixes)


def write_description(described: Graph, info: ReleaseInfo, dist: Path) -> Path:
    """Write ``dataset.ttl`` into ``dist`` (after every file it describes) and return its path;
    ``described`` is :func:`describe_dataset` of the release's graph."""
    path = dist / OUTPUT_FILE
    write_atomic(path, to_turtle(with_distributions(described, info, dist)))
    return path
