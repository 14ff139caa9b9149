"""The focus nodes of a shape as a SPARQL pattern binding ``?this``, as pySHACL finds them.

Class targets reach instances of subclasses (``rdf:type/rdfs:subClassOf*``); with focus nodes given
(a contribution), only the IRIs among them are kept, as pySHACL keeps them.
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from csgkg.fastshacl.model import ShapeSpec
from csgkg.fastshacl.terms import sparql, to_oxigraph, to_rdflib

TYPE = sparql(RDF.type)


class Classes:
    """The subclasses of each class in the data (``rdfs:subClassOf``, transitively, itself included).

    Written out as a UNION of plain ``rdf:type`` patterns, an instance test costs index lookups where
    the property path ``rdf:type/rdfs:subClassOf*`` costs a path search for every node.
    """

    def __init__(self, store: ox.Store) -> None:
        self.below: dict[Node, set[Node]] = {}
        for quad in store.quads_for_pattern(None, to_oxigraph(RDFS.subClassOf), None, None):
            self.below.setdefault(to_rdflib(quad.object), set()).add(to_rdflib(quad.subject))

    def subclasses(self, cls: Node) -> list[Node]:
        """``cls`` and every class below it, sorted."""
        found, todo = {cls}, [cls]
        while todo:
            for sub in self.below.get(todo.pop(), ()):
                if sub not in found:
                    found.add(sub)
                    todo.append(sub)
        return sorted(found)

    def pattern(self, var: str, cls: Node) -> str:
        """A graph pattern matching when ``var`` is a SHACL instance of ``cls``."""
        types = self.subclasses(cls)
        if len(types) == 1:
            return f"{var} {TYPE} {sparql(types[0])} ."
        return " UNION ".join(f"{{ {var} {TYPE} {sparql(t)} . }}" for t in types)

    def test(self, var: str, cls: Node) -> str:
        """An expression true when ``var`` is a SHACL instance of ``cls``."""
        tests = [f"EXISTS {{ {var} {TYPE} {sparql(t)} }}" for t in self.subclasses(cls)]
        return "(" + " || ".join(tests) + ")"


class Focus:
    """The focus nodes a validation is restricted to (None: the whole dataset)."""

    def __init__(self, nodes: list[Node] | None) -> None:
        self.nodes = None if nodes is None else sorted({n for n in nodes if isinstance(n, URIRef)})
        self._set = set(self.nodes or ())

    @property
    def restricted(self) -> bool:
        return self.nodes is not None

    def values(self, var: str = "this") -> str:
        """``VALUES ?var { ... }`` restricting ``var`` to the focus nodes ("" when unrestricted)."""
        if self.nodes is None:
            return ""
        return f"VALUES ?{var} {{ {' '.join(sparql(n) for n in self.nodes)} }}"

    def member(self, expr: str) -> str:
        """A SPARQL expression: ``expr`` is one of the focus nodes (always true when unrestricted)."""
        if self.nodes is None:
            return "true"
        if not self.nodes:
            return "false"
        return f"(isIRI({expr}) && {expr} IN ({', '.join(sparql(n) for n in self.nodes)}))"

    def includes(self, node: Node) -> bool:
        """pySHACL validates a node against a nested shape only when this is true."""
        return self.nodes is None or (isinstance(node, URIRef) and node in self._set)


def target_pattern(spec: ShapeSpec, focus: Focus, classes: Classes) -> str:
    """A graph pattern binding ``?this`` to each focus node of ``spec``, written inline (not as a
    sub-query) so that Oxigraph's planner starts from it. A node may come out more than once (a node
    with two types that are both subclasses of the target class); every caller removes duplicates."""
    branches = [classes.pattern("?this", c) for c in spec.target_classes]
    branches += [f"?this {sparql(p)} ?_any ." for p in spec.target_subjects_of]
    branches += [f"?_any {sparql(p)} ?this ." for p in spec.target_objects_of]
    if spec.target_nodes:
        branches.append(f"VALUES ?this {{ {' '.join(sparql(n) for n in spec.target_nodes)} }}")
    union = branches[0] if len(branches) == 1 else " UNION ".join(f"{{ {b} }}" for b in branches)
    return f"{focus.values()} {union}"
