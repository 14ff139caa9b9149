"""What `csgkg add` stores of a contribution: the entries it writes a file for and their statements.

The policy (:mod:`csgkg.contribution.policy`) refuses every statement that is not stored here, so
``add`` never drops a statement that ``validate`` accepted.
"""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from csgkg.core.namespaces import CSG, new_graph

# The kinds of entry `csgkg add` writes a file for, and the folder of data/ it writes it in.
FOLDERS = {
    CSG.Approach: "interventions",
    CSG.Programme: "interventions",
    CSG.Variant: "interventions",
    CSG.Organisation: "organisations",
    CSG.Source: "sources",
}


def stored_entries(graph: Graph) -> list[tuple[URIRef, str]]:
    """Each node of ``graph`` that `add` writes a file for, with its folder, in the order `add`
    plans them; a node typed twice (e.g. approach and variant) appears once, with its first folder."""
    seen: set[URIRef] = set()
    entries = []
    for entity_type, folder in FOLDERS.items():
        for node in sorted(graph.subjects(RDF.type, entity_type)):
            if isinstance(node, URIRef) and node not in seen:
                seen.add(node)
                entries.append((node, folder))
    return entries


def entry_part(graph: Graph, node: URIRef) -> Graph:
    """The statements of ``graph`` stored in ``node``'s file: those about ``node`` and about the
    claims whose rdf:subject is ``node``."""
    part = new_graph()
    part += graph.triples((node, None, None))
    for claim in graph.subjects(RDF.subject, node):
        part += graph.triples((claim, None, None))
    return part


def unstored(graph: Graph) -> Graph:
    """The statements of ``graph`` that no stored entry's file would hold."""
    kept = new_graph()
    for node, _ in stored_entries(graph):
        kept += entry_part(graph, node)
    rest = new_graph()
    for triple in graph:
        if triple not in kept:
            rest.add(triple)
    return rest
