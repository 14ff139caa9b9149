"""Whether a node conforms to a shape, decided in Python, node by node, as pySHACL decides it.

Used for the value nodes of a property shape whose nested shapes hold a component SPARQL cannot
decide exactly (e.g. an ``sh:pattern`` inside ``sh:or``). It is called once per distinct value node,
which is few for the properties that use such rules (``rdf:type``, links to vocabularies).
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from csgkg.fastshacl.checks import (
    RANGE_TESTS,
    compile_pattern,
    datatype_ok,
    language_ok,
    languages,
    length_ok,
    nodekind_ok,
    pattern_ok,
    range_ok,
)
from csgkg.fastshacl.conditions import allowed_closed, allowed_properties, nested_severity_ignored
from csgkg.fastshacl.model import ShapeSet, ShapeSpec, UnsupportedShapes, path_sparql
from csgkg.fastshacl.targets import Focus
from csgkg.fastshacl.terms import to_oxigraph, to_rdflib


class PythonEvaluator:
    """Decide conformance of single nodes to shapes with lookups on the store."""

    def __init__(self, store: ox.Store, shapes: ShapeSet, focus: Focus) -> None:
        self.store = store
        self.shapes = shapes
        self.focus = focus
        self._cache: dict[tuple[Node, Node], bool] = {}
        self._supers: dict[Node, set[Node]] | None = None

    def objects(self, node: Node, path: Node) -> set[Node]:
        """The value nodes of ``path`` from ``node``."""
        try:
            subject = to_oxigraph(node)
        except (TypeError, ValueError):
            return set()
        if isinstance(path, URIRef):
            if isinstance(subject, ox.Literal):
                return set()
            quads = self.store.quads_for_pattern(subject, to_oxigraph(path), None, None)
            return {to_rdflib(q.object) for q in quads}
        if isinstance(subject, ox.Literal):
            return set()
        query = f"SELECT DISTINCT ?v WHERE {{ $n {path_sparql(self.shapes.graph, path)} ?v }}"
        answer = self.store.query(
            query, use_default_graph_as_union=True, substitutions={ox.Variable("n"): subject}
        )
        return {to_rdflib(row["v"]) for row in answer}

    def superclasses(self, cls: Node) -> set[Node]:
        """``cls`` and every class it is a subclass of (rdfs:subClassOf, transitively)."""
        if self._supers is None:
            direct: dict[Node, set[Node]] = {}
            for q in self.store.quads_for_pattern(None, to_oxigraph(RDFS.subClassOf), None, None):
                direct.setdefault(to_rdflib(q.subject), set()).add(to_rdflib(q.object))
            self._supers = {}
            for start in direct:
                seen, todo = {start}, [start]
                while todo:
                    for up in direct.get(todo.pop(), ()):
                        if up not in seen:
                            seen.add(up)
                            todo.append(up)
                self._supers[start] = seen
        return self._supers.get(cls, {cls})

    def instance_of(self, node: Node, cls: Node) -> bool:
        """SHACL instance: one of the node's types is ``cls`` or a subclass of it."""
        return any(cls in self.superclasses(t) for t in self.objects(node, RDF.type))

    def conforms(self, spec: ShapeSpec, node: Node) -> bool:
        """Whether ``node`` conforms to ``spec`` (pySHACL's answer, including its focus-node filter)."""
        if spec.deactivated or nested_severity_ignored(spec) or not self.focus.includes(node):
            return True
        key = (spec.node, node)
        if key not in self._cache:
            values = self.objects(node, spec.path) if spec.is_property else {node}
            self._cache[key] = all(self.component_ok(spec, c, node, values) for c in spec.params)
        return self._cache[key]

    def component_ok(self, spec: ShapeSpec, component: URIRef, node: Node, values: set[Node]) -> bool:
        """Whether the value nodes ``values`` of ``node`` pass one component of ``spec``."""
        params = spec.params[component]
        if component == SH.MinCountConstraintComponent:
            return len(values) >= int(params[SH.minCount][0])
        if component == SH.MaxCountConstraintComponent:
            return len(values) <= int(params[SH.maxCount][0])
        if component == SH.HasValueConstraintComponent:
            return all(h in values for h in params[SH.hasValue])
        if component == SH.ClosedConstraintComponent:
            return all(self.closed_ok(spec, v) for v in values)
        return all(self.value_ok(spec, component, v) for v in values)

    def value_ok(self, spec: ShapeSpec, component: URIRef, v: Node) -> bool:
        """Whether one value node passes a value-level component."""
        params = spec.params[component]
        shapes = self.shapes
        if component == SH.ClassConstraintComponent:
            return all(self.instance_of(v, c) for c in params[SH["class"]])
        if component == SH.DatatypeConstraintComponent:
            return datatype_ok(v, params[SH.datatype][0])
        if component == SH.NodeKindConstraintComponent:
            return nodekind_ok(v, params[SH.nodeKind][0])
        if component == SH.InConstraintComponent:
            return all(v in set(shapes.items(lst)) for lst in params[SH["in"]])
        if component == SH.PatternConstraintComponent:
            flags = (params.get(SH.flags) or [None])[0]
            return all(pattern_ok(v, compile_pattern(p, flags)) for p in params[SH.pattern])
        if component == SH.LanguageInConstraintComponent:
            return language_ok(v, languages(shapes.items(params[SH.languageIn][0])))
        if component == SH.MinLengthConstraintComponent:
            return all(length_ok(v, b, True) for b in params[SH.minLength])
        if component == SH.MaxLengthConstraintComponent:
            return all(length_ok(v, b, False) for b in params[SH.maxLength])
        if component in RANGE_TESTS:
            return all(range_ok(v, b, component) for values in params.values() for b in values)
        if component == SH.NotConstraintComponent:
            return all(not self.conforms(shapes.get(s), v) for s in params[SH["not"]])
        if component == SH.AndConstraintComponent:
            return all(
                self.conforms(shapes.get(s), v) for lst in params[SH["and"]] for s in shapes.items(lst)
            )
        if component == SH.OrConstraintComponent:
            return all(
                any(self.conforms(shapes.get(s), v) for s in shapes.items(lst)) for lst in params[SH["or"]]
            )
        if component == SH.XoneConstraintComponent:
            return all(
                sum(self.conforms(shapes.get(s), v) for s in shapes.items(lst)) == 1
                for lst in params[SH.xone]
            )
        if component == SH.NodeConstraintComponent:
            return all(self.conforms(shapes.get(s), v) for s in params[SH.node])
        if component == SH.PropertyConstraintComponent:
            return all(self.conforms(shapes.get(s), v) for s in params[SH.property])
        raise UnsupportedShapes(f"{component} is not supported inside a nested shape")

    def closed_ok(self, spec: ShapeSpec, v: Node) -> bool:
        """sh:closed for one value node."""
        if not allowed_closed(spec):
            return True
        allowed = allowed_properties(self.shapes, spec)
        try:
            subject = to_oxigraph(v)
        except (TypeError, ValueError):
            return True
        if isinstance(subject, ox.Literal):
            return True
        for q in self.store.quads_for_pattern(subject, None, None, None):
            p, o = to_rdflib(q.predicate), to_rdflib(q.object)
            if p in allowed or (p == RDF.type and o == RDFS.Resource):
                continue
            return False
        return True
