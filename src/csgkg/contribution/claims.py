"""Claim IRIs and the claims a contribution leaves implicit."""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from csgkg.core.namespaces import CSG, PREFIXES
from csgkg.validation.messages import local_name

# The properties whose statements must each be recorded as a claim with its source.
CLAIMED_PROPERTIES = (
    CSG.worksInContext,
    CSG.addressesHarm,
    CSG.deliveredBy,
    CSG.intendedFor,
    CSG.evidenceStatus,
    CSG.interventionType,
    CSG.hasPrinciple,
    CSG.developedBy,
    CSG.offeredBy,
    CSG.trainingProvidedBy,
    CSG.fundedBy,
    CSG.involvedOrganisation,
    CSG.developedIn,
    CSG.pilotedIn,
    CSG.associatedCountry,
    CSG.formOf,
    CSG.hasForm,
    CSG.exampleOf,
    CSG.hasExample,
    CSG.csLevel,
    CSG.csDomain,
    CSG.unratedBecause,
)


def claim_iri(subject: URIRef, prop: URIRef, value: URIRef) -> URIRef:
    """``claim:{intervention-slug}.{property}.{value-slug}``, as ontology/README.md defines it."""
    return URIRef(f"{PREFIXES['claim']}{local_name(subject)}.{local_name(prop)}.{local_name(value)}")


def add_implicit_claims(graph: Graph) -> int:
    """For an intervention citing exactly one source, record that source as the claim of each statement
    that has no claim yet (basis: stated by the source). Returns how many claims were added."""
    added = 0
    kinds = (CSG.Intervention, CSG.Approach, CSG.Programme, CSG.Variant)
    interventions = {s for kind in kinds for s in graph.subjects(RDF.type, kind)}
    for node in interventions:
        sources = list(graph.objects(node, CSG.hasSource))
        if len(sources) != 1 or not isinstance(node, URIRef):
            continue
        for prop in CLAIMED_PROPERTIES:
            for value in graph.objects(node, prop):
                if any(True for _ in _claims_for(graph, node, prop, value)):
                    continue
                claim = claim_iri(node, prop, value)
                graph.add((claim, RDF.type, CSG.Claim))
                graph.add((claim, RDF.subject, node))
                graph.add((claim, RDF.predicate, prop))
                graph.add((claim, RDF.object, value))
                graph.add((claim, CSG.hasSource, sources[0]))
                graph.add((claim, CSG.claimBasis, CSG.StatedBySource))
                added += 1
    return added


def _claims_for(graph: Graph, node: URIRef, prop: URIRef, value: object):
    for claim in graph.subjects(RDF.subject, node):
        if (claim, RDF.predicate, prop) in graph and (claim, RDF.object, value) in graph:
            yield claim
