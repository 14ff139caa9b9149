"""Make SHACL messages specific: name the wrong value and suggest the nearest valid ones."""

from __future__ import annotations

import difflib
import re

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, SH, SKOS

from csgkg.core.namespaces import CSG
from csgkg.core.words import article
from csgkg.io.locate import curie

# The concept class each facet property expects, with the words used to talk about it.
FACETS: dict[URIRef, tuple[URIRef, str]] = {
    CSG.worksInContext: (CSG.Context, "context"),
    CSG.addressesHarm: (CSG.Harm, "harm"),
    CSG.deliveredBy: (CSG.DeliveryRole, "delivery role"),
    CSG.intendedFor: (CSG.Audience, "audience"),
    CSG.evidenceStatus: (CSG.EvidenceStatus, "evidence status"),
    CSG.interventionType: (CSG.InterventionType, "intervention type"),
    CSG.hasPrinciple: (CSG.Principle, "principle"),
}


def local_name(term: object) -> str:
    """The last segment of an IRI (after ``/`` or ``#``), or the text of a literal."""
    text = str(term)
    return text.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def concepts_of(graph: Graph, cls: URIRef) -> dict[str, URIRef]:
    """Map each concept of ``cls`` by its slug to its IRI."""
    return {local_name(c): c for c in graph.subjects(RDF.type, cls) if isinstance(c, URIRef)}


def nearest(word: str, choices: list[str], n: int = 3) -> list[str]:
    """The closest ``choices`` to ``word``, best first."""
    lowered = {c.lower(): c for c in choices}
    return [lowered[m] for m in difflib.get_close_matches(word.lower(), list(lowered), n=n, cutoff=0.6)]


# An IRI written out in a message, bare or in angle brackets (a sentence's full stop is not part of it).
_IRI_IN_TEXT = re.compile(r"<?(https?://[^\s<>\"'(){}\[\],]+?)>?(?=[.;:!?]?(?:[\s,()]|$))")


def short_names(text: str) -> str:
    """``text`` with each csgkg IRI written out in it replaced by its short name (``context:school``
    for ``https://w3id.org/csgkg/vocab/context/school``), as the rest of a report names terms. IRIs of
    other namespaces, and bare namespaces (``https://w3id.org/csgkg/id/intervention/``), are kept."""

    def shorten(match: re.Match) -> str:
        name = curie(URIRef(match.group(1)))
        return match.group(0) if name.startswith("<") or name.endswith(":") else name

    return _IRI_IN_TEXT.sub(shorten, text)


def explain(
    message: str,
    component: object,
    path: object,
    value: object,
    graph: Graph | None,
) -> str:
    """Return ``message`` made specific to the value at fault where we know how, with the IRIs the shape
    filled into it (``{?value}``, ``{?claim}``) written as short names."""
    return short_names(_explain(message, component, path, value, graph))


def _explain(
    message: str,
    component: object,
    path: object,
    value: object,
    graph: Graph | None,
) -> str:
    if graph is None:
        return message
    if component == SH.ClassConstraintComponent and path in FACETS and value is not None:
        cls, noun = FACETS[path]
        known = concepts_of(graph, cls)
        slug = local_name(value)
        text = f"{noun} '{slug}' is not a known {noun}"
        label = graph.value(value, SKOS.prefLabel)
        if label is not None and (value, RDF.type, cls) not in graph:
            other = next((n for c, n in FACETS.values() if (value, RDF.type, c) in graph), "concept")
            text = f"'{label}' is {article(other)} ({curie(value)}), not {article(noun)}"
        guesses = nearest(slug, list(known))
        text += "; did you mean " + " or ".join(f"'{g}'" for g in guesses) + "?" if guesses else "."
        return f"{text} Known {noun} values: {', '.join(sorted(known))}."
    if component == SH.ClosedConstraintComponent and isinstance(path, URIRef):
        known = {curie(p) for p in graph.predicates() if isinstance(p, URIRef)}
        for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty):
            known |= {curie(p) for p in graph.subjects(RDF.type, kind)}
        name = curie(path)
        known.discard(name)
        text = f"{name} is not a known property here."
        guesses = nearest(name, sorted(known))
        if guesses:
            text += " Did you mean " + " or ".join(guesses) + "?"
        return f"{text} {message}"
    if isinstance(value, Literal) and "{?value}" in message:
        return message.replace("{?value}", repr(str(value)))
    return message
