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


def test_blank_nodes_get_the_labels_of_canonicalising_the_whole_graph() -> None:
    """Only the statements holding a blank node are canonicalised; the labels are those rdflib gives
    when it canonicalises the whole graph (here the real ontology, whose lists are blank nodes)."""
    from pathlib import Path

    from rdflib.compare import to_canonical_graph

    graph = Graph()
    for path in sorted((Path(__file__).resolve().parent.parent / "ontology").glob("*.ttl")):
        graph.parse(path)
    assert any(isinstance(t, BNode) for triple in graph for t in triple)
    whole = {triple for triple in to_canonical_graph(graph)}
    assert set(canonical(graph)) == whole


def test_turtle_declares_only_the_prefixes_it_uses_and_reads_back() -> None:
    graph = graph_with_blank_nodes()
    text = to_turtle(graph)
    declared = [line.split()[1] for line in text.splitlines() if line.startswith("@prefix")]
    assert declared == ["intervention:", "rdf:", "rdfs:"]
    from rdflib.compare import isomorphic

    assert isomorphic(Graph().parse(data=text, format="turtle"), graph)


def test_a_graph_derived_from_a_canonical_graph_keeps_its_labels_without_a_copy() -> None:
    from csgkg.io.serialise import derived_graph
    from csgkg.publish.inference import owl_rl_closure

    once = canonical(graph_with_blank_nodes())
    closure = owl_rl_closure(once)
    assert isinstance(closure, CanonicalGraph) and canonical(closure) is closure
    assert {t for t in closure if isinstance(t[0], BNode)} >= {t for t in once if isinstance(t[0], BNode)}
    assert not isinstance(derived_graph(graph_with_blank_nodes()), CanonicalGraph)
    # a closure of a graph whose labels are not stable is relabelled when it is written
    assert to_ntriples(owl_rl_closure(graph_with_blank_nodes())) == to_ntriples(closure)


def test_a_literal_with_a_unicode_line_separator_stays_on_its_line() -> None:
    """rdflib writes U+2028, U+0085 and the like inside a literal as they are (N-Triples allows it);
    the sorted lines must keep each statement whole, and the text must read back as the graph."""
    from rdflib.compare import isomorphic

    graph = Graph()
    subject = URIRef("https://w3id.org/csgkg/id/intervention/x")
    for text in ("one\u2028two", "three\x85four", "five\x0csix", "seven\x1eeight"):
        graph.add((subject, RDFS.comment, Literal(text)))
    written = to_ntriples(graph)
    assert written.count(" .\n") == 4
    assert isomorphic(Graph().parse(data=written, format="nt"), graph)
