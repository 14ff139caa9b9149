"""The OWL 2 RL closure of the release: csgkg.publish.rl gives exactly owlrl's triples, and owlrl runs
whenever the graph calls on a rule that engine does not implement."""

from __future__ import annotations

import random
from pathlib import Path

import owlrl
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from conftest import copy_root, load_synth
from csgkg.core.namespaces import new_graph
from csgkg.core.root import DatasetRoot
from csgkg.io.serialise import to_ntriples
from csgkg.publish.inference import closure_ntriples, owl_rl_closure
from csgkg.publish.pipeline import union_graph
from csgkg.publish.rl import rl_closure
from csgkg.store.base import open_store

EX = "http://example.org/"


def owlrl_expanded(graph: Graph) -> set:
    """owlrl's closure of ``graph``, unfiltered, as owl_rl_closure asks owlrl for it."""
    closure = Graph()
    closure += graph
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(
        closure
    )
    return set(closure)


def owlrl_closure(graph: Graph, axioms: Path) -> set:
    """The release's closure computed by owlrl directly, as csgkg did before csgkg.publish.rl."""
    closure = new_graph()
    closure += graph
    closure.parse(axioms, format="turtle")
    return {t for t in owlrl_expanded(closure) if not trivial(t)}


def trivial(t: tuple) -> bool:
    """What owl_rl_closure drops: an owl:sameAs of a node with itself, a statement about a literal."""
    s, p, o = t
    return (p == OWL.sameAs and s == o) or isinstance(s, Literal)


def pipeline_graph(root: DatasetRoot) -> Graph:
    """The graph csgkg build closes: the union of the root's files read through the index."""
    return union_graph(open_store(root, "oxigraph"))


def assert_same_closure(root: DatasetRoot) -> None:
    graph = pipeline_graph(root)
    axioms = root.path / "ontology" / "imports" / "skos-axioms.ttl"
    schema = Graph().parse(axioms, format="turtle")
    assert rl_closure(graph + schema) is not None, "the engine declined: the test would compare owlrl"
    expected = owlrl_closure(graph, axioms)
    got = set(owl_rl_closure(graph, axioms))
    assert got == expected, (sorted(got - expected)[:20], sorted(expected - got)[:20])
    assert len(got) > len(graph)


@pytest.mark.slow
def test_the_closure_of_the_real_dataset_is_owlrls(tmp_path: Path) -> None:
    assert_same_closure(copy_root(tmp_path / "root"))


def test_the_closures_ntriples_are_those_of_its_graph(tmp_path: Path) -> None:
    """closure_ntriples writes the lines straight from the rule engine's statements: the same text
    as writing owl_rl_closure's graph, on the real dataset (whose ontology has blank nodes), on a
    graph whose blank-node labels are not canonical yet, and with axioms that bring blank nodes of
    their own (which take the graph's way)."""
    root = copy_root(tmp_path / "root")
    graph = pipeline_graph(root)
    axioms = root.path / "ontology" / "imports" / "skos-axioms.ttl"
    text, count = closure_ntriples(graph, axioms)
    assert text == to_ntriples(owl_rl_closure(graph, axioms)) and count == len(text.splitlines())
    assert "_:" in text and count > len(graph)
    plain = Graph()
    for triple in graph:
        plain.add(triple)
    blank = BNode()
    plain.add((URIRef(EX + "thing"), RDFS.seeAlso, blank))
    plain.add((blank, RDFS.label, Literal("a note")))
    assert closure_ntriples(plain, axioms)[0] == to_ntriples(owl_rl_closure(plain, axioms))
    own = tmp_path / "axioms.ttl"
    extra = f"\n<{EX}a> <{EX}b> [ <{EX}c> 1 ] .\n"
    own.write_text(axioms.read_text(encoding="utf-8") + extra, encoding="utf-8")
    assert closure_ntriples(graph, own)[0] == to_ntriples(owl_rl_closure(graph, own))


@pytest.mark.slow
def test_the_closure_of_a_synthetic_registry_is_owlrls(tmp_path: Path) -> None:
    load_synth().synthesise(40, 3, tmp_path / "synth")
    assert_same_closure(DatasetRoot(tmp_path / "synth"))


def test_a_construct_the_engine_does_not_implement_falls_back_to_owlrl() -> None:
    """A someValuesFrom restriction (cls-svf1) is owlrl's to apply: the engine declines, owlrl runs."""
    graph = Graph()
    restriction = BNode()
    graph.add((URIRef(EX + "Parent"), OWL.equivalentClass, restriction))
    graph.add((restriction, RDF.type, OWL.Restriction))
    graph.add((restriction, OWL.onProperty, URIRef(EX + "hasChild")))
    graph.add((restriction, OWL.someValuesFrom, OWL.Thing))
    graph.add((URIRef(EX + "ann"), URIRef(EX + "hasChild"), URIRef(EX + "bob")))
    assert rl_closure(graph) is None
    closure = set(owl_rl_closure(graph))
    assert (URIRef(EX + "ann"), RDF.type, URIRef(EX + "Parent")) in closure
    assert closure == {t for t in owlrl_expanded(graph) if not trivial(t)}


def test_an_inconsistency_falls_back_to_owlrl_and_its_error_report() -> None:
    """owlrl reports a shared instance of disjoint classes in the graph: the engine leaves it to owlrl."""
    a, b, x = URIRef(EX + "A"), URIRef(EX + "B"), URIRef(EX + "x")
    graph = Graph()
    graph.add((a, OWL.disjointWith, b))
    graph.add((x, RDF.type, a))
    graph.add((x, RDF.type, b))
    assert rl_closure(graph) is None
    errors = set(owl_rl_closure(graph).subjects(RDF.type, owlrl.Namespaces.ERRNS.ErrorMessage))
    assert len(errors) == 1


NODES = [URIRef(EX + f"n{i}") for i in range(5)]
PROPERTIES = [URIRef(EX + f"p{i}") for i in range(4)]
LITERALS = [Literal("a"), Literal("1", datatype=XSD.integer), Literal("x", lang="en")]
SCHEMA = [RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range, OWL.sameAs, OWL.equivalentClass]
SCHEMA += [OWL.equivalentProperty, OWL.inverseOf, OWL.disjointWith]
KINDS = [OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property, OWL.SymmetricProperty]
KINDS += [OWL.TransitiveProperty, OWL.FunctionalProperty, OWL.InverseFunctionalProperty]


def random_graph(rng: random.Random) -> Graph:
    """A few statements over five nodes and four properties, mixing every construct the engine
    implements, with literals as values and sometimes an owl:oneOf list."""
    graph = Graph()
    for _ in range(rng.randint(3, 14)):
        kind = rng.random()
        if kind < 0.35:
            values = NODES + LITERALS[:2] if rng.random() < 0.3 else NODES
            graph.add((rng.choice(NODES), rng.choice(PROPERTIES), rng.choice(values)))
        elif kind < 0.55:
            graph.add((rng.choice(NODES + PROPERTIES), RDF.type, rng.choice(KINDS + NODES)))
        else:
            p = rng.choice(SCHEMA)
            classes = p in (RDFS.subClassOf, OWL.equivalentClass, OWL.disjointWith)
            subjects = NODES if classes else NODES + PROPERTIES
            objects = NODES if p in (RDFS.domain, RDFS.range) else subjects
            graph.add((rng.choice(subjects), p, rng.choice(objects)))
    if rng.random() < 0.2:
        first, second = BNode(), BNode()
        graph.add((rng.choice(NODES), OWL.oneOf, first))
        graph.add((first, RDF.first, rng.choice(NODES)))
        graph.add((first, RDF.rest, second))
        graph.add((second, RDF.first, rng.choice(LITERALS)))
        graph.add((second, RDF.rest, RDF.nil))
    return graph


def test_the_engine_agrees_with_owlrl_on_random_graphs() -> None:
    """Every rule the engine implements, in every order, on small graphs: the same triples as owlrl
    (reflexive owl:sameAs, literal subjects and all), or a refusal."""
    rng = random.Random(20261205)
    compared = 0
    for _ in range(150):
        graph = random_graph(rng)
        mine = rl_closure(graph)
        if mine is None:
            continue
        compared += 1
        expected = owlrl_expanded(graph)
        assert set(mine) == expected, graph.serialize(format="nt")
        assert len(mine) == len(expected)
    assert compared > 75
