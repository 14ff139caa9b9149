"""Convert RDF terms between rdflib and pyoxigraph, and write them into SPARQL text."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

XSD_STRING = str(XSD.string)
RDF_LANGSTRING = str(RDF.langString)


def to_rdflib(term: object) -> Node | None:
    """The rdflib term for a pyoxigraph term (None stays None).

    A plain literal comes back without a datatype, as rdflib reads it from Turtle.
    """
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise TypeError(f"unsupported RDF term {term!r}")


def to_triple(quad: object) -> tuple[Node, Node, Node]:
    """The rdflib triple of a pyoxigraph quad or triple (its graph, if any, left out)."""
    return (to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object))  # type: ignore[attr-defined,return-value]


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """The pyoxigraph term for an rdflib term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"unsupported RDF term {term!r}")


def sparql(term: Node) -> str:
    """``term`` written in SPARQL syntax (IRIs and literals only: a blank node cannot be named)."""
    if isinstance(term, BNode):
        raise ValueError("a blank node cannot be written into a SPARQL query")
    return str(to_oxigraph(term))


def sparql_list(terms: list[Node] | set[Node]) -> str:
    """Terms separated by commas, sorted, for ``IN (...)``."""
    return ", ".join(sorted(sparql(t) for t in terms))
