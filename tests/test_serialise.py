"""Deterministic serialisation: a graph made canonical once serialises as the graph itself does."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from csgkg.io.serialise import CanonicalGraph, canonical, to_jsonld, to_ntriples, to_turtle

EX = "https://w3id.org/csgkg/id/intervention/"


def graph_with_blank_nodes() -> Graph:
    graph = Graph()
    for name in ("b", "a", "c"):
        node, item = URIRef(EX + name), BNode()
        graph.add((node, RDFS.label, Literal(name, lang="en")))
        graph.add((node, RDFS.seeAlso, item))
        graph.add((item, RDF.value, Literal(f"{name} note")))
    return graph


def test_canonical_is_made_once_and_kept() -> None:
    graph = graph_with_blank_nodes()
    once = canonical(graph)
    assert isinstance(once, CanonicalGraph) and once is not graph
    assert canonical(once) is once
    assert len(once) == len(graph)


def test_a_canonical_graph_serialises_byte_for_byte_as_its_source() -> None:
    graph = graph_with_blank_nodes()
    once = canonical(graph)
    assert to_turtle(once) == to_turtle(graph) == to_turtle(graph_with_blank_nodes())
    assert to_ntriples(once) == to_ntriples(graph)
    context = {"rdfs": str(RDFS)}
    assert to_jsonld(once, context) == to_jsonld(graph, context)


def test_a_graph_without_blank_nodes_is_not_copied() -> None:
    graph = Graph()
    graph.add((URIRef(EX + "a"), RDFS.label, Literal("a", lang="en")))
    assert canonical(graph) is graph
