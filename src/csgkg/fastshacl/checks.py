"""The value checks that only Python answers exactly as pySHACL does, written as pySHACL writes them.

Regular expressions follow Python's ``re`` (not SPARQL's ``REGEX``), datatypes follow rdflib's reading
of the lexical form, and value ranges rdflib's comparison of literals.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from csgkg.fastshacl.model import ShapeSpec, UnsupportedShapes

Check = Callable[[Node], bool]


def value_string(v: Node) -> str:
    """The string pySHACL matches a pattern or measures a length on."""
    if isinstance(v, Literal) and v.value is not None and v.datatype in (None, RDF.langString, XSD.string):
        return str(v.value)
    return str(v)


def _actual_datatype(v: Literal, rule: URIRef) -> bool:
    value = v.value
    if rule in (XSD.string, RDF.langString):
        return isinstance(value, (str, bytes))
    kinds = {
        XSD.integer: int,
        XSD.float: float,
        XSD.decimal: Decimal,
        XSD.boolean: bool,
        XSD.date: date,
        XSD.time: time,
        XSD.dateTime: datetime,
    }
    kind = kinds.get(rule)
    return True if kind is None else isinstance(value, kind)


def datatype_ok(v: Node, rule: URIRef) -> bool:
    """sh:datatype, as pySHACL's DatatypeConstraintComponent decides it."""
    if not isinstance(v, Literal):
        return False
    if v.datatype == rule:
        return False if getattr(v, "ill_typed", None) is True else _actual_datatype(v, rule)
    if rule == RDFS.Literal:
        return True
    if rule == RDFS.Datatype and v.datatype:
        return True
    if v.datatype is None and v.language is None and rule == XSD.string:
        return _actual_datatype(v, rule)
    if rule == RDF.langString and v.language:
        return _actual_datatype(v, rule)
    return False


def nodekind_ok(v: Node, kind: Node) -> bool:
    """sh:nodeKind."""
    if isinstance(v, BNode):
        return kind in (SH.BlankNode, SH.BlankNodeOrLiteral, SH.BlankNodeOrIRI)
    if isinstance(v, Literal):
        return kind in (SH.Literal, SH.BlankNodeOrLiteral, SH.IRIOrLiteral)
    return kind in (SH.IRI, SH.IRIOrLiteral, SH.BlankNodeOrIRI)


def compile_pattern(pattern: Node, flags: Node | None) -> re.Pattern[str]:
    """The compiled sh:pattern, with the sh:flags pySHACL honours (i and m)."""
    if not isinstance(pattern, Literal):
        raise UnsupportedShapes(f"sh:pattern {pattern!r} is not a literal")
    re_flags = 0
    if flags is not None:
        text = str(flags.value if isinstance(flags, Literal) else flags).lower()
        if "i" in text:
            re_flags |= re.I
        if "m" in text:
            re_flags |= re.M
    source = str(pattern.value) if pattern.value is not None and len(pattern.value) > 1 else str(pattern)
    return re.compile(source, re_flags)


def pattern_ok(v: Node, matcher: re.Pattern[str]) -> bool:
    """sh:pattern: a search anywhere in the string; a blank node never matches."""
    if isinstance(v, BNode):
        return False
    return matcher.search(value_string(v)) is not None


def languages(members: list[Node]) -> set[str]:
    """The lower-cased tags of an sh:languageIn list."""
    found = set()
    for member in members:
        if not isinstance(member, Literal) or not isinstance(member.value, str):
            raise UnsupportedShapes("sh:languageIn members must be strings")
        found.add(str(member.value).lower())
    return found


def language_ok(v: Node, needed: set[str]) -> bool:
    """sh:languageIn, as pySHACL decides it (the tag, or its first part, is in the list)."""
    if not isinstance(v, Literal) or not v.language:
        return False
    if "*" in needed:
        return True
    tag = str(v.language).lower()
    return tag in needed or tag.split("-")[0] in needed


def length_ok(v: Node, bound: Node, minimum: bool) -> bool:
    """sh:minLength / sh:maxLength."""
    if not isinstance(bound, Literal) or not isinstance(bound.value, int) or bound.value < 0:
        raise UnsupportedShapes(f"bad length bound {bound!r}")
    if minimum and bound.value == 0:
        return True
    if isinstance(v, BNode):
        return False
    size = len(value_string(v))
    return size >= bound.value if minimum else size <= bound.value


RANGE_TESTS: dict[URIRef, Callable[[int], bool]] = {
    SH.MinInclusiveConstraintComponent: lambda c: c >= 0,
    SH.MinExclusiveConstraintComponent: lambda c: c > 0,
    SH.MaxInclusiveConstraintComponent: lambda c: c <= 0,
    SH.MaxExclusiveConstraintComponent: lambda c: c < 0,
}


def range_ok(v: Node, bound: Node, component: URIRef) -> bool:
    """sh:minInclusive and its kin, with pySHACL's literal comparison."""
    from pyshacl.rdfutil.compare import compare_literal

    if not isinstance(bound, Literal):
        raise UnsupportedShapes(f"bad range bound {bound!r}")
    if not isinstance(v, Literal):
        return False
    if isinstance(bound.value, str) != isinstance(v.value, str):
        return False
    try:
        return RANGE_TESTS[component](compare_literal(v, bound))
    except (TypeError, NotImplementedError):
        return False


PYTHON_COMPONENTS = {
    SH.PatternConstraintComponent,
    SH.MinLengthConstraintComponent,
    SH.MaxLengthConstraintComponent,
    *RANGE_TESTS,
}


def value_checks(spec: ShapeSpec, component: URIRef) -> list[Check]:
    """One check per rule of a value-level ``component`` of ``spec`` (each rule gives its own results)."""
    params = spec.params[component]
    if component == SH.PatternConstraintComponent:
        flags = (params.get(SH.flags) or [None])[0]
        return [_bind(pattern_ok, compile_pattern(p, flags)) for p in params.get(SH.pattern, [])]
    if component == SH.MinLengthConstraintComponent:
        return [_bind(length_ok, b, True) for b in params[SH.minLength]]
    if component == SH.MaxLengthConstraintComponent:
        return [_bind(length_ok, b, False) for b in params[SH.maxLength]]
    if component in RANGE_TESTS:
        (values,) = params.values()
        return [_bind(range_ok, b, component) for b in values]
    if component == SH.DatatypeConstraintComponent:
        return [_bind(datatype_ok, params[SH.datatype][0])]
    raise UnsupportedShapes(f"no Python check for {component}")


def _bind(func: Callable[..., bool], *args: object) -> Check:
    return lambda v: func(v, *args)
