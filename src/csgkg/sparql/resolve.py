"""Turn what a person types for a parameter into the RDF term it names.

A value may be given as an IRI (``https://w3id.org/csgkg/vocab/context/school``), a CURIE
(``context:school``), a slug (``school``), or a preferred or alternative label (``CSE``,
``Shifting Boundaries``), in any case. What a parameter accepts follows from its name: ``context``
takes a concept of the context scheme, ``a``, ``b`` and ``intervention`` take an intervention, and
so on (:data:`KINDS`). An unknown value is a :class:`~csgkg.core.errors.UsageError` that lists the
nearest valid values.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS, XSD
from rdflib.term import Node

from csgkg.core.errors import UsageError
from csgkg.core.namespaces import CSG, PREFIXES, SCHEMA
from csgkg.io.locate import curie
from csgkg.sparql.catalogue import Parameter


@dataclass(frozen=True)
class Kind:
    """What a parameter accepts: instances of ``classes`` (and their subclasses) and values of
    ``properties`` (and their subproperties)."""

    noun: str
    classes: tuple[URIRef, ...] = ()
    properties: tuple[URIRef, ...] = ()


_INTERVENTION = Kind("intervention", (CSG.Intervention,))

KINDS: dict[str, Kind] = {
    "context": Kind("context", (CSG.Context,)),
    "harm": Kind("harm", (CSG.Harm,)),
    "role": Kind("delivery role", (CSG.DeliveryRole,)),
    "audience": Kind("audience", (CSG.Audience,)),
    "status": Kind("evidence status", (CSG.EvidenceStatus,)),
    "type": Kind("intervention type", (CSG.InterventionType,)),
    "principle": Kind("principle", (CSG.Principle,)),
    "country": Kind("country", (SCHEMA.Country,), (CSG.associatedCountry,)),
    "organisation": Kind("organisation", (CSG.Organisation,)),
    "source": Kind("source", (CSG.Source,)),
    "intervention": _INTERVENTION,
    "a": _INTERVENTION,
    "b": _INTERVENTION,
}

# Exact names first (IRI, CURIE), then names (slug, label), then alternative labels.
NAME_PROPERTIES = (SKOS.prefLabel, RDFS.label, DCTERMS.title, SKOS.notation)


def normalise(text: str) -> str:
    """Lower case with runs of white space made one space: the form names are compared in."""
    return re.sub(r"\s+", " ", str(text)).strip().casefold()


@dataclass
class Index:
    """The members of one kind, with every name each can be called by, in three tiers."""

    kind: Kind
    names: dict[URIRef, str] = field(default_factory=dict)
    tiers: tuple[dict[str, set[URIRef]], ...] = field(default_factory=lambda: ({}, {}, {}))

    def add(self, tier: int, key: str, member: URIRef) -> None:
        if str(key).strip():
            self.tiers[tier].setdefault(normalise(key), set()).add(member)

    def lookup(self, text: str) -> set[URIRef]:
        """The members called ``text`` in the first tier that knows the name (empty if none)."""
        key = normalise(text)
        if key.startswith("<") and key.endswith(">"):
            key = key[1:-1]
        for tier in self.tiers:
            if key in tier:
                return tier[key]
        return set()

    def display(self, member: URIRef) -> str:
        """``label (curie)``."""
        return f"{self.names.get(member, curie(member))} ({curie(member)})"


def _subclasses(graph: Graph, cls: URIRef) -> set[URIRef]:
    return {c for c in graph.transitive_subjects(RDFS.subClassOf, cls) if isinstance(c, URIRef)}


def _subproperties(graph: Graph, prop: URIRef) -> set[URIRef]:
    return {p for p in graph.transitive_subjects(RDFS.subPropertyOf, prop) if isinstance(p, URIRef)}


def members(graph: Graph, kind: Kind) -> set[URIRef]:
    """Every IRI of the given kind in ``graph``."""
    found: set[URIRef] = set()
    for cls in kind.classes:
        for sub in _subclasses(graph, cls):
            found.update(m for m in graph.subjects(RDF.type, sub) if isinstance(m, URIRef))
    for prop in kind.properties:
        for sub in _subproperties(graph, prop):
            found.update(o for o in graph.objects(None, sub) if isinstance(o, URIRef))
    return found


def build_index(graph: Graph, kind: Kind) -> Index:
    """The name index of ``kind`` over ``graph``.

    The names are read a property at a time (one scan of the store's index each), not a member at
    a time, which on a store costs a lookup per member and property. A member with several values of
    one property has them read again in the order ``graph.objects`` gives, so that its display name
    (the first) is the same as a lookup of that member would give.
    """
    index = Index(kind)
    found = members(graph, kind)
    named: dict[URIRef, dict[URIRef, list[Node]]] = {}
    for prop in (*NAME_PROPERTIES, SKOS.altLabel):
        for member, name in graph.subject_objects(prop):
            if member in found:
                named.setdefault(member, {}).setdefault(prop, []).append(name)

    def names(member: URIRef, prop: URIRef) -> list[Node]:
        values = named.get(member, {}).get(prop, [])
        return list(graph.objects(member, prop)) if len(values) > 1 else values

    for member in found:
        index.add(0, str(member), member)
        index.add(0, curie(member), member)
        slug = str(member).rstrip("/").rsplit("/", 1)[-1]
        index.add(1, slug, member)
        for prop in NAME_PROPERTIES:
            for name in names(member, prop):
                index.add(1, str(name), member)
                index.names.setdefault(member, str(name))
        for alt in names(member, SKOS.altLabel):
            index.add(2, str(alt), member)
        index.names.setdefault(member, slug)
    return index


_CACHE: dict[tuple[int, str], tuple[Graph, Index]] = {}


def index_for(graph: Graph, kind: Kind) -> Index:
    """The index of ``kind`` over ``graph``, kept while the same graph object is asked again."""
    key = (id(graph), kind.noun)
    cached = _CACHE.get(key)
    if cached is None or cached[0] is not graph:
        cached = (graph, build_index(graph, kind))
        _CACHE[key] = cached
    return cached[1]


def nearest(index: Index, text: str, n: int = 5) -> list[str]:
    """The ``n`` valid values whose names are closest to ``text``, as ``label (curie)``."""
    key = normalise(text)
    candidates: dict[str, URIRef] = {}
    for tier in index.tiers[1:]:
        for name, found in tier.items():
            for member in found:
                candidates.setdefault(name, member)

    def score(name: str) -> tuple[int, float, str]:
        contains = bool(key) and len(key) > 1 and (key in name or name in key)
        return (0 if contains else 1, -difflib.SequenceMatcher(None, key, name).ratio(), name)

    ranked = sorted(candidates, key=score)
    out: list[str] = []
    for name in ranked:
        shown = index.display(candidates[name])
        if shown not in out:
            out.append(shown)
        if len(out) == n:
            break
    return out


def resolve_member(graph: Graph, kind: Kind, value: object, parameter: str) -> URIRef:
    """The member of ``kind`` that ``value`` names, else a UsageError with the nearest values."""
    index = index_for(graph, kind)
    text = str(value)
    found = index.lookup(text)
    if len(found) == 1:
        return next(iter(found))
    if len(found) > 1:
        names = ", ".join(sorted(index.display(m) for m in found))
        raise UsageError(
            f"{parameter}={text!r} is ambiguous: it names {names}; give the IRI or the CURIE instead"
        )
    close = nearest(index, text)
    hint = f"; nearest valid values: {'; '.join(close)}" if close else f"; there are no {kind.noun} values"
    raise UsageError(f"unknown {kind.noun} {text!r} for parameter '{parameter}'{hint}")


def expand_curie(text: str) -> str | None:
    """The IRI of a CURIE with a csgkg prefix, or None."""
    prefix, sep, local = text.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return None


def _as_iri(text: str, parameter: str) -> URIRef:
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    expanded = expand_curie(text)
    if expanded is not None:
        return URIRef(expanded)
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$", text):
        return URIRef(text)
    raise UsageError(f"parameter '{parameter}' needs an IRI or a CURIE such as context:school, not {text!r}")


def _as_literal(text: str, parameter: Parameter) -> Literal:
    if parameter.type == "number":
        try:
            number = Decimal(text.strip())
        except InvalidOperation:
            raise UsageError(f"parameter '{parameter.name}' needs a number, not {text!r}") from None
        if number == number.to_integral_value() and "." not in text and "e" not in text.lower():
            return Literal(int(number), datatype=XSD.integer)
        return Literal(number, datatype=XSD.decimal)
    if parameter.lang:
        return Literal(text, lang=parameter.lang)
    if parameter.datatype:
        iri = expand_curie(parameter.datatype)
        if iri is None:
            raise UsageError(f"parameter '{parameter.name}' has an unknown datatype {parameter.datatype}")
        return Literal(text, datatype=URIRef(iri))
    return Literal(text)


def resolve_value(graph: Graph, parameter: Parameter, value: object) -> Node:
    """The RDF term for one value of ``parameter``."""
    kind = KINDS.get(parameter.name)
    if kind is not None:
        if isinstance(value, Literal):
            value = str(value)
        return resolve_member(graph, kind, value, parameter.name)
    if isinstance(value, URIRef | Literal):
        return value
    if parameter.type == "iri":
        return _as_iri(str(value), parameter.name)
    return _as_literal(str(value), parameter)


def resolve_values(graph: Graph, parameter: Parameter, values: Iterable[object]) -> list[Node]:
    """The RDF terms for the values of ``parameter`` (several values mean any of them)."""
    return [resolve_value(graph, parameter, value) for value in values]
