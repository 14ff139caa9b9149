"""The RDF/XML writer: what it writes parses back to the same graph, in the same bytes whatever the
order the statements came in."""

from __future__ import annotations

import random

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from csgkg.core.namespaces import CSG, ONTOLOGY_IRI
from csgkg.io.rdfxml import RdfXmlError, to_rdfxml

HEAD = URIRef(ONTOLOGY_IRI)


def sample() -> Graph:
    graph = Graph()
    graph.add((HEAD, RDF.type, OWL.Ontology))
    concept = URIRef("https://w3id.org/csgkg/vocab/harm/bullying")
    graph.add((concept, RDF.type, SKOS.Concept))
    graph.add((concept, SKOS.prefLabel, Literal("bullying & <teasing>", lang="en")))
    graph.add((concept, SKOS.notation, Literal("B1")))
    graph.add((concept, CSG.rank, Literal("3", datatype=XSD.integer)))
    graph.add((concept, RDFS.comment, Literal("two\r\nlines")))
    graph.add((concept, URIRef("https://example.org/vocab#weird-name"), Literal("x")))
    graph.add((CSG.ClaimBasis, OWL.oneOf, (first := BNode())))
    graph.add((first, RDF.first, CSG.StatedBySource))
    graph.add((first, RDF.rest, RDF.nil))
    return graph


def test_rdfxml_parses_back_to_the_same_graph() -> None:
    graph = sample()
    text = to_rdfxml(graph, HEAD)
    parsed = Graph().parse(data=text, format="xml")
    assert isomorphic(parsed, graph)
    assert text.index(f'rdf:about="{ONTOLOGY_IRI}"') < text.index("harm/bullying")
    assert 'xmlns:ns1="https://example.org/vocab#"' in text and "<ns1:weird-name>" in text


def test_rdfxml_does_not_depend_on_the_order_of_the_statements() -> None:
    graph = sample()
    triples = list(graph)
    random.Random(7).shuffle(triples)
    shuffled = Graph()
    for triple in triples:
        shuffled.add(triple)
    assert to_rdfxml(shuffled, HEAD) == to_rdfxml(graph, HEAD)


def test_a_predicate_with_no_xml_name_is_refused() -> None:
    graph = Graph()
    graph.add((HEAD, URIRef("https://example.org/ends-with/"), Literal("x")))
    with pytest.raises(RdfXmlError, match="ends-with/"):
        to_rdfxml(graph)
