"""The release's version, date, title, creators and licence, read from the ontology header.

The version is the ontology's ``owl:versionInfo`` and the issued date comes from it too (never from
the clock), so two builds of the same sources are byte-identical.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS

from csgkg.core.errors import CsgkgError
from csgkg.core.namespaces import BASE, DATASET_IRI, ONTOLOGY_IRI

TITLE = "Contextual Safeguarding Knowledge Graph"
DESCRIPTION = (
    "An open, validated linked-data dataset of the responses and interventions that protect young "
    "people from harm outside the family, each described by the contexts it works in, the harms it "
    "addresses, who delivers it and for whom, its evidence status and the organisations behind it, "
    "with the source of every statement."
)
KEYWORDS = (
    "contextual safeguarding",
    "extra-familial harm",
    "child exploitation",
    "peer-on-peer abuse",
    "interventions",
    "linked data",
)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ReleaseError(CsgkgError):
    """The release cannot be written (missing version, unreadable previous release, ...)."""


@dataclass(frozen=True)
class ReleaseInfo:
    """What identifies one release: version, issued date, licence and creators."""

    version: str
    issued: str
    license: str
    creators: tuple[str, ...] = field(default_factory=tuple)
    ontology_version_iri: str | None = None
    landing_page: str = BASE

    @property
    def release_iri(self) -> str:
        """The folder IRI of this release, e.g. ``https://w3id.org/csgkg/releases/2026-11-26/``."""
        return f"{BASE}releases/{self.version}/"

    @property
    def dataset_iri(self) -> str:
        """The IRI of this version of the dataset."""
        return f"{self.release_iri}dataset"

    @property
    def series_iri(self) -> str:
        """The IRI of the dataset across its versions."""
        return DATASET_IRI

    def file_iri(self, name: str) -> str:
        """The download IRI of a release file, ``name`` relative to ``dist/``."""
        return f"{self.release_iri}{name}"


def _one(graph: Graph, subject: URIRef, predicate: URIRef) -> Literal | URIRef | None:
    values = sorted(graph.objects(subject, predicate), key=str)
    return values[0] if values else None


def release_info(graph: Graph) -> ReleaseInfo:
    """The :class:`ReleaseInfo` of the dataset in ``graph``, from its ``owl:Ontology`` header."""
    ontology = URIRef(ONTOLOGY_IRI)
    if (ontology, RDF.type, OWL.Ontology) not in graph:
        found = sorted(graph.subjects(RDF.type, OWL.Ontology), key=str)
        if not found:
            raise ReleaseError("the graph has no owl:Ontology: cannot tell the release version")
        ontology = found[0]
    version = _one(graph, ontology, OWL.versionInfo)
    if version is None:
        raise ReleaseError(
            f'the ontology <{ontology}> has no owl:versionInfo: add one (e.g. "2026-11-26") '
            "to ontology/csgkg.ttl to version the release"
        )
    version = str(version).strip()
    issued = version if _DATE.match(version) else None
    if issued is None:
        for predicate in (DCTERMS.issued, DCTERMS.modified, DCTERMS.created):
            value = _one(graph, ontology, predicate)
            if value is not None and _DATE.match(str(value)):
                issued = str(value)
                break
    if issued is None:
        raise ReleaseError(
            f"the ontology's owl:versionInfo {version!r} is not a date and it has no dcterms:issued, "
            "modified or created date: give one so the release has an issued date"
        )
    licence = _one(graph, ontology, DCTERMS.license)
    creators = tuple(sorted(str(c) for c in graph.objects(ontology, DCTERMS.creator)))
    version_iri = _one(graph, ontology, OWL.versionIRI)
    landing = _one(graph, ontology, RDFS.seeAlso)
    return ReleaseInfo(
        version=version,
        issued=issued,
        license=str(licence) if licence else "https://creativecommons.org/licenses/by/4.0/",
        creators=creators or ("csgkg contributors",),
        ontology_version_iri=str(version_iri) if version_iri else None,
        landing_page=str(landing) if landing else BASE,
    )
