"""Whether a node conforms to a nested shape (a member of sh:or, sh:not, ...), as a SPARQL expression.

The expressions never raise a SPARQL error (every ``LANG`` or ``DATATYPE`` is guarded), so a failing
condition is false and nothing else. Components whose exact pySHACL meaning SPARQL cannot give
(regular expressions, most datatypes, value ranges, SPARQL constraints) raise :class:`NotCompilable`;
the caller then checks the node in Python (:mod:`.nested`).
"""

from __future__ import annotations

from itertools import count

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from csgkg.fastshacl.checks import languages
from csgkg.fastshacl.model import ShapeSet, ShapeSpec, UnsupportedShapes, path_sparql
from csgkg.fastshacl.targets import Classes, Focus
from csgkg.fastshacl.terms import sparql


class NotCompilable(Exception):
    """The shape uses a component with no exact SPARQL form here."""


def nested_severity_ignored(spec: ShapeSpec) -> bool:
    """pySHACL (with warnings allowed) counts a nested shape of severity Warning or Info as conforming."""
    return spec.severity in (SH.Warning, SH.Info)


def lang_condition(var: str, needed: set[str]) -> str:
    """sh:languageIn for ``var``: a literal whose tag, or the tag's first part, is listed."""
    has_lang = f'(isLiteral({var}) && LANG({var}) != "")'
    if "*" in needed:
        return has_lang
    listed = ", ".join(sorted(f'"{tag}"' for tag in needed))
    first = f'STRBEFORE(CONCAT(LCASE(LANG({var})), "-"), "-")'
    return f"({has_lang} && (LCASE(LANG({var})) IN ({listed}) || {first} IN ({listed})))"


def datatype_condition(var: str, rule: Node) -> str:
    """sh:datatype for the datatypes where SPARQL's reading equals rdflib's."""
    if rule == RDF.langString:
        return f'(isLiteral({var}) && LANG({var}) != "")'
    if rule == XSD.string:
        return f"(isLiteral({var}) && DATATYPE({var}) = {sparql(XSD.string)})"
    if rule == RDFS.Literal:
        return f"isLiteral({var})"
    raise NotCompilable(f"sh:datatype {rule}")


def nodekind_condition(var: str, kind: Node) -> str:
    """sh:nodeKind for ``var``."""
    tests = {
        SH.IRI: f"isIRI({var})",
        SH.BlankNode: f"isBlank({var})",
        SH.Literal: f"isLiteral({var})",
        SH.BlankNodeOrIRI: f"(isIRI({var}) || isBlank({var}))",
        SH.BlankNodeOrLiteral: f"(isBlank({var}) || isLiteral({var}))",
        SH.IRIOrLiteral: f"(isIRI({var}) || isLiteral({var}))",
    }
    if kind not in tests:
        raise UnsupportedShapes(f"unknown sh:nodeKind {kind}")
    return tests[kind]


def in_condition(var: str, members: list[Node]) -> str:
    """sh:in for ``var``: the same term as a member (IRIs and strings only)."""
    for member in members:
        ok = isinstance(member, URIRef) or (
            isinstance(member, Literal) and (member.datatype is None or member.datatype == XSD.string)
        )
        if not ok:
            raise UnsupportedShapes(f"sh:in member {member!r}: only IRIs and strings are supported")
    if not members:
        return "false"
    return "(" + " || ".join(f"sameTerm({var}, {sparql(m)})" for m in members) + ")"


class ConditionCompiler:
    """Compile 'node conforms to shape' into SPARQL expressions."""

    def __init__(self, shapes: ShapeSet, focus: Focus, classes: Classes) -> None:
        self.shapes = shapes
        self.focus = focus
        self.classes = classes
        self._names = count()

    def fresh(self) -> str:
        """A new variable name."""
        return f"?_c{next(self._names)}"

    def conforms(self, spec: ShapeSpec, var: str) -> str:
        """An expression true when the node in ``var`` conforms to ``spec``."""
        if spec.deactivated or nested_severity_ignored(spec):
            return "true"
        parts = []
        for component in spec.params:
            parts.append(self.component(spec, component, var))
        condition = "(" + " && ".join(parts) + ")" if parts else "true"
        if self.focus.restricted:
            condition = f"IF({self.focus.member(var)}, {condition}, true)"
        return condition

    def component(self, spec: ShapeSpec, component: URIRef, var: str) -> str:
        """One component of ``spec`` for the node in ``var``."""
        params = spec.params[component]
        if not spec.is_property:
            return self.value_condition(spec, component, var)
        path = path_sparql(self.shapes.graph, spec.path)
        if component == SH.MinCountConstraintComponent:
            n = int(params[SH.minCount][0])
            if n == 0:
                return "true"
            if n == 1:
                return f"EXISTS {{ {var} {path} {self.fresh()} }}"
            raise NotCompilable("sh:minCount above 1 in a nested shape")
        if component == SH.MaxCountConstraintComponent:
            n = int(params[SH.maxCount][0])
            a, b = self.fresh(), self.fresh()
            if n == 0:
                return f"NOT EXISTS {{ {var} {path} {a} }}"
            if n == 1:
                return f"NOT EXISTS {{ {var} {path} {a} . {var} {path} {b} . FILTER (!sameTerm({a}, {b})) }}"
            raise NotCompilable("sh:maxCount above 1 in a nested shape")
        if component == SH.HasValueConstraintComponent:
            return " && ".join(f"EXISTS {{ {var} {path} {sparql(h)} }}" for h in params[SH.hasValue])
        value = self.fresh()
        test = self.value_condition(spec, component, value)
        return f"NOT EXISTS {{ {var} {path} {value} . FILTER (!({test})) }}"

    def value_condition(self, spec: ShapeSpec, component: URIRef, var: str) -> str:
        """A value-level component of ``spec`` for the value node in ``var``."""
        params = spec.params[component]
        if component == SH.ClassConstraintComponent:
            return " && ".join(self.classes.test(var, c) for c in params[SH["class"]])
        if component == SH.DatatypeConstraintComponent:
            return datatype_condition(var, params[SH.datatype][0])
        if component == SH.NodeKindConstraintComponent:
            return nodekind_condition(var, params[SH.nodeKind][0])
        if component == SH.InConstraintComponent:
            return " && ".join(in_condition(var, self.shapes.items(lst)) for lst in params[SH["in"]])
        if component == SH.HasValueConstraintComponent:
            return " && ".join(f"sameTerm({var}, {sparql(h)})" for h in params[SH.hasValue])
        if component == SH.LanguageInConstraintComponent:
            return lang_condition(var, languages(self.shapes.items(params[SH.languageIn][0])))
        if component == SH.MinCountConstraintComponent:
            return "true" if int(params[SH.minCount][0]) <= 1 else "false"
        if component == SH.MaxCountConstraintComponent:
            return "true" if int(params[SH.maxCount][0]) >= 1 else "false"
        if component == SH.NotConstraintComponent:
            return " && ".join(f"!({self.conforms(self.shapes.get(s), var)})" for s in params[SH["not"]])
        if component == SH.AndConstraintComponent:
            return " && ".join(self._members(lst, var, " && ") for lst in params[SH["and"]])
        if component == SH.OrConstraintComponent:
            return " && ".join(self._members(lst, var, " || ") for lst in params[SH["or"]])
        if component == SH.XoneConstraintComponent:
            return " && ".join(self._xone(lst, var) for lst in params[SH.xone])
        if component == SH.NodeConstraintComponent:
            return " && ".join(self.conforms(self.shapes.get(s), var) for s in params[SH.node])
        if component == SH.PropertyConstraintComponent:
            return " && ".join(self.conforms(self.shapes.get(s), var) for s in params[SH.property])
        if component == SH.ClosedConstraintComponent:
            return self.closed(spec, var)
        raise NotCompilable(str(component))

    def _members(self, lst: Node, var: str, joiner: str) -> str:
        members = [self.conforms(self.shapes.get(s), var) for s in self.shapes.items(lst)]
        return "(" + joiner.join(members) + ")" if members else "true"

    def _xone(self, lst: Node, var: str) -> str:
        members = [f"IF({self.conforms(self.shapes.get(s), var)}, 1, 0)" for s in self.shapes.items(lst)]
        return f"(({' + '.join(members)}) = 1)" if members else "true"

    def closed(self, spec: ShapeSpec, var: str) -> str:
        """sh:closed for the node in ``var``: no property outside the allowed ones."""
        if not allowed_closed(spec):
            return "true"
        p, o = self.fresh(), self.fresh()
        return f"NOT EXISTS {{ {var} {p} {o} . FILTER ({closed_filter(self.shapes, spec, p, o)}) }}"


def allowed_closed(spec: ShapeSpec) -> bool:
    """Whether ``spec`` is closed (sh:closed true)."""
    value = spec.value(SH.closed)
    return bool(value.value) if isinstance(value, Literal) else False


def allowed_properties(shapes: ShapeSet, spec: ShapeSpec) -> set[URIRef]:
    """The properties a closed shape allows: sh:ignoredProperties and its property shapes' paths."""
    params = spec.params.get(SH.ClosedConstraintComponent, {})
    allowed: set[URIRef] = set()
    for lst in params.get(SH.ignoredProperties, []):
        allowed.update(m for m in shapes.items(lst) if isinstance(m, URIRef))
    for prop in spec.params.get(SH.PropertyConstraintComponent, {}).get(SH.property, []):
        path = shapes.get(prop).path
        if isinstance(path, URIRef):
            allowed.add(path)
    return allowed


def closed_filter(shapes: ShapeSet, spec: ShapeSpec, p: str, o: str) -> str:
    """True for a triple (``p``, ``o``) a closed shape does not allow (``rdf:type rdfs:Resource`` is
    always allowed, as in pySHACL)."""
    allowed = allowed_properties(shapes, spec)
    always = f"!(sameTerm({p}, {sparql(RDF.type)}) && sameTerm({o}, {sparql(RDFS.Resource)}))"
    if not allowed:
        return always
    return f"{p} NOT IN ({', '.join(sorted(sparql(a) for a in allowed))}) && {always}"
