"""Read the shapes: which shapes have targets, their paths, severities, messages and constraints.

The shapes are found by pySHACL's own :class:`pyshacl.ShapesGraph`, so that the fast engine checks the
very shapes pySHACL checks. Anything the engine does not evaluate raises :class:`UnsupportedShapes`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from csgkg.fastshacl.terms import sparql


class UnsupportedShapes(Exception):
    """The shapes use a feature the fast engine does not evaluate exactly as pySHACL does."""


# Constraint parameter -> the constraint component it belongs to (SHACL Core and SHACL-SPARQL).
COMPONENTS: dict[URIRef, URIRef] = {
    SH.minCount: SH.MinCountConstraintComponent,
    SH.maxCount: SH.MaxCountConstraintComponent,
    SH["class"]: SH.ClassConstraintComponent,
    SH.datatype: SH.DatatypeConstraintComponent,
    SH.nodeKind: SH.NodeKindConstraintComponent,
    SH["in"]: SH.InConstraintComponent,
    SH.hasValue: SH.HasValueConstraintComponent,
    SH.pattern: SH.PatternConstraintComponent,
    SH.flags: SH.PatternConstraintComponent,
    SH.languageIn: SH.LanguageInConstraintComponent,
    SH.minLength: SH.MinLengthConstraintComponent,
    SH.maxLength: SH.MaxLengthConstraintComponent,
    SH.minInclusive: SH.MinInclusiveConstraintComponent,
    SH.minExclusive: SH.MinExclusiveConstraintComponent,
    SH.maxInclusive: SH.MaxInclusiveConstraintComponent,
    SH.maxExclusive: SH.MaxExclusiveConstraintComponent,
    SH.closed: SH.ClosedConstraintComponent,
    SH.ignoredProperties: SH.ClosedConstraintComponent,
    SH["or"]: SH.OrConstraintComponent,
    SH["and"]: SH.AndConstraintComponent,
    SH.xone: SH.XoneConstraintComponent,
    SH["not"]: SH.NotConstraintComponent,
    SH.property: SH.PropertyConstraintComponent,
    SH.sparql: SH.SPARQLConstraintComponent,
}
# Parameters pySHACL knows and this engine does not evaluate (sh:node gave fewer results than
# pySHACL's in the differential test, tests/test_fastshacl_components.py, so it is refused).
UNSUPPORTED = {
    SH.node,
    SH.uniqueLang,
    SH.equals,
    SH.disjoint,
    SH.lessThan,
    SH.lessThanOrEquals,
    SH.qualifiedValueShape,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
    SH.target,
    SH.rule,
    SH.expression,
    SH.js,
}


@dataclass
class ShapeSpec:
    """One shape: its node, path (None for a node shape), severity, message and constraints.

    ``params`` maps each constraint component the shape uses to its parameters and their values.
    """

    node: Node
    path: Node | None
    severity: URIRef
    message: Literal | None
    params: dict[URIRef, dict[URIRef, list[Node]]] = field(default_factory=dict)
    target_classes: list[Node] = field(default_factory=list)
    target_subjects_of: list[Node] = field(default_factory=list)
    target_objects_of: list[Node] = field(default_factory=list)
    target_nodes: list[Node] = field(default_factory=list)
    deactivated: bool = False

    @property
    def is_property(self) -> bool:
        return self.path is not None

    @property
    def has_targets(self) -> bool:
        return bool(
            self.target_classes or self.target_subjects_of or self.target_objects_of or self.target_nodes
        )

    def value(self, param: URIRef) -> Node | None:
        """The single value of ``param`` (or None)."""
        values = self.params.get(COMPONENTS[param], {}).get(param, [])
        return values[0] if values else None


class ShapeSet:
    """Every shape of a shapes graph, found as pySHACL finds them."""

    def __init__(self, graph: Graph) -> None:
        from pyshacl import ShapesGraph

        self.graph = graph
        self.sg = ShapesGraph(graph)
        self.shapes: dict[Node, ShapeSpec] = {}
        for shape in self.sg.shapes:
            self.shapes[shape.node] = self._read(shape)

    def _read(self, shape) -> ShapeSpec:
        g = self.graph
        node = shape.node
        if list(shape.implicit_class_targets()):
            raise UnsupportedShapes(f"{node}: implicit class targets are not supported")
        messages = list(shape.message)
        if len(messages) > 1:
            raise UnsupportedShapes(f"{node}: a shape with more than one sh:message is not supported")
        spec = ShapeSpec(
            node=node,
            path=shape.path() if shape.is_property_shape else None,
            severity=shape.severity,
            message=messages[0] if messages else None,
            target_classes=sorted(g.objects(node, SH.targetClass)),
            target_subjects_of=sorted(g.objects(node, SH.targetSubjectsOf)),
            target_objects_of=sorted(g.objects(node, SH.targetObjectsOf)),
            target_nodes=sorted(g.objects(node, SH.targetNode)),
            deactivated=bool(shape.deactivated),
        )
        for param, value in g.predicate_objects(node):
            if param in UNSUPPORTED:
                raise UnsupportedShapes(f"{node}: {param} is not supported")
            component = COMPONENTS.get(param)
            if component is not None:
                spec.params.setdefault(component, {}).setdefault(param, []).append(value)
        for component, params in spec.params.items():
            for values in params.values():
                values.sort()
            if component == SH.ClosedConstraintComponent and SH.closed not in params:
                raise UnsupportedShapes(f"{node}: sh:ignoredProperties without sh:closed")
        return spec

    def get(self, node: Node) -> ShapeSpec:
        """The shape at ``node`` (a nested shape, e.g. a member of an sh:or list)."""
        try:
            return self.shapes[node]
        except KeyError:
            raise UnsupportedShapes(f"{node} is used as a shape but is not a well-formed shape") from None

    def targeted(self) -> list[ShapeSpec]:
        """The shapes pySHACL validates on their own: those with targets, not deactivated."""
        return [s for s in self.shapes.values() if s.has_targets and not s.deactivated]

    def items(self, node: Node) -> list[Node]:
        """The members of the RDF list at ``node``."""
        return list(self.graph.items(node))


def path_sparql(graph: Graph, path: Node) -> str:
    """A SHACL property path as a SPARQL property path (IRIs, sequences, alternatives, inverses)."""
    if isinstance(path, URIRef):
        return sparql(path)
    if not isinstance(path, BNode):
        raise UnsupportedShapes(f"{path!r} is not a property path")
    if (path, RDF.first, None) in graph:
        return "(" + "/".join(path_sparql(graph, p) for p in graph.items(path)) + ")"
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(path_sparql(graph, p) for p in graph.items(alternatives)) + ")"
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + path_sparql(graph, inverse)
    raise UnsupportedShapes(
        f"the property path {path} is not supported (only sequences, alternatives, inverses)"
    )


def simple_predicates(graph: Graph, path: Node) -> list[URIRef] | None:
    """The predicates of a path that is one IRI or an alternative of IRIs (else None)."""
    if isinstance(path, URIRef):
        return [path]
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        members = list(graph.items(alternatives))
        if all(isinstance(m, URIRef) for m in members):
            return members
    return None
