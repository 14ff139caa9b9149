"""Turn what a person types for a parameter into the RDF term it names.

A value may be given as an IRI (``https://w3id.org/csgkg/vocab/context/school``), a CURIE
(``context:school``), a slug (``school``), or a preferred or alternative label (``CSE``,
``Shifting Boundaries``), in any case. What a parameter accepts follows from its name: ``context``
takes a concept of the context scheme, ``a``, ``b`` and ``intervention`` take an intervention, and
so on (:data:`KINDS`). An unknown value is a :class:`~csgkg.core.errors.UsageError` that lists the
nearest valid values.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import json
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

from rdflib import RDFS, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS, XSD
from rdflib.term import Node

from csgkg.core.errors import UsageError
from csgkg.core.files import write_atomic
from csgkg.core.namespaces import CSG, PREFIXES, SCHEMA
from csgkg.io.locate import curie
from csgkg.sparql.catalogue import Parameter
from csgkg.store.base import Keep, Store


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
    return " ".join(str(text).split()).casefold()


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


# Where a member's names are: (tier, property); the order is that of NAME_PROPERTIES, then altLabel.
NAMED_BY = (*((1, prop) for prop in NAME_PROPERTIES), (2, SKOS.altLabel))


def _members_query(kind: Kind) -> str:
    """SPARQL for every member of ``kind``: the instances of its classes or their subclasses, and
    the IRI values of its properties or their subproperties."""
    ways = [f"{{ ?class <{RDFS.subClassOf}>* <{c}> . ?member a ?class }}" for c in kind.classes]
    ways += [f"{{ ?link <{RDFS.subPropertyOf}>* <{p}> . ?holder ?link ?member }}" for p in kind.properties]
    return f"SELECT DISTINCT ?member WHERE {{ {' UNION '.join(ways)} FILTER(isIRI(?member)) }}"


def _names_query(kind: Kind) -> str:
    """SPARQL for every name of every member of ``kind``, with the position in :data:`NAMED_BY` of
    the property that gives it. The members come first and the names are read property by property
    (a union of scans): Oxigraph joins the two sides by hash, rdflib looks up each member's names."""
    scans = [f'{{ ?member <{prop}> ?name BIND("{i}" AS ?by) }}' for i, (_, prop) in enumerate(NAMED_BY)]
    return f"SELECT ?member ?by ?name WHERE {{ {{ {_members_query(kind)} }} {{ {' UNION '.join(scans)} }} }}"


def build_index(store: Store, kind: Kind) -> Index:
    """The name index of ``kind`` over ``store``: every member, and every name of each.

    A member's display name is its first name by :data:`NAME_PROPERTIES` (the least, as text, when
    one property gives it several), else the last segment of its IRI, so it does not depend on the
    order in which a back end lists values. The on-disk index keeps the result between commands
    (:func:`index_for`).
    """
    index = Index(kind)
    shown: dict[URIRef, tuple[int, str]] = {}
    for (member,) in store.query(_members_query(kind)).rows:
        index.add(0, str(member), member)
        index.add(0, curie(member), member)
        slug = str(member).rstrip("/").rsplit("/", 1)[-1]
        index.add(1, slug, member)
        shown[member] = (len(NAMED_BY), slug)
    for member, by, name in store.query(_names_query(kind)).rows:
        position = int(by)
        index.add(NAMED_BY[position][0], str(name), member)
        if position < len(NAME_PROPERTIES):
            shown[member] = min(shown[member], (position, str(name)))
    index.names.update((member, name) for member, (_, name) in shown.items())
    return index


# The last index of each kind, with the store it was made from (only the last: a process that opens
# a store per command, as the server does, holds no older store through it).
_CACHE: dict[str, tuple[Store, Index]] = {}


def index_for(store: Store, kind: Kind) -> Index:
    """The index of ``kind`` over ``store``, kept while the same store object is asked again.

    Where the store keeps what is worked out from it (:meth:`csgkg.store.base.Store.keep`), the
    index is also kept in a file beside the store and read from there by later commands while the
    store's token is the one it was made with; otherwise, and when the file cannot be read or
    written, it is built anew.
    """
    key = kind.noun
    cached = _CACHE.get(key)
    if cached is None or cached[0] is not store:
        cached = (store, _kept_or_built(store, kind))
        _CACHE[key] = cached
    return cached[1]


def keep_name_indexes(store: Store) -> None:
    """Keep the index of every kind beside ``store`` (where it keeps anything), so that the next
    command finds it; an index already kept for these files is left as it is."""
    if store.keep() is not None:
        for kind in dict.fromkeys(KINDS.values()):
            _kept_or_built(store, kind)


def _kept_or_built(store: Store, kind: Kind) -> Index:
    """The index of ``kind`` kept beside ``store`` for its files, else built (and kept)."""
    keep = store.keep()
    index = _read_kept(keep, kind) if keep is not None else None
    if index is None:
        index = build_index(store, kind)
        if keep is not None:
            _write_kept(keep, index)
    return index


def _kept_file(keep: Keep, kind: Kind) -> Path:
    return keep.folder / f"names-{kind.noun.replace(' ', '-')}.json"


@cache
def _code() -> str:
    """A digest of the source that decides the index (this module, CURIEs, the prefixes): a kept
    index made by other code is not read."""
    from csgkg.core import namespaces
    from csgkg.io import locate

    digest = hashlib.sha256()
    for module in (sys.modules[__name__], locate, namespaces):
        digest.update(Path(module.__file__).read_bytes())  # type: ignore[arg-type]
    return digest.hexdigest()


def _write_kept(keep: Keep, index: Index) -> None:
    members = sorted(index.names)
    number = {member: i for i, member in enumerate(members)}
    data = {
        "token": keep.token,
        "code": _code(),
        "members": [str(m) for m in members],
        "names": [index.names[m] for m in members],
        "tiers": [
            {name: sorted(number[m] for m in found) for name, found in tier.items()} for tier in index.tiers
        ],
    }
    with contextlib.suppress(OSError):  # a folder we may not write to: the index is built again next time
        write_atomic(_kept_file(keep, index.kind), json.dumps(data, ensure_ascii=False), fsync=False)


def _read_kept(keep: Keep, kind: Kind) -> Index | None:
    try:
        data = json.loads(_kept_file(keep, kind).read_text(encoding="utf-8"))
        if data["token"] != keep.token or data["code"] != _code():
            return None
        members = [URIRef(m) for m in data["members"]]
        index = Index(kind, dict(zip(members, data["names"], strict=True)))
        for tier, kept in zip(index.tiers, data["tiers"], strict=True):
            tier.update((name, {members[i] for i in found}) for name, found in kept.items())
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None  # missing, from another version or damaged: built again
    return index


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


def resolve_member(store: Store, kind: Kind, value: object, parameter: str) -> URIRef:
    """The member of ``kind`` in ``store`` that ``value`` names, else a UsageError with the nearest
    values."""
    index = index_for(store, kind)
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


def resolve_value(store: Store, parameter: Parameter, value: object) -> Node:
    """The RDF term for one value of ``parameter`` (members of a kind are looked up in ``store``)."""
    kind = KINDS.get(parameter.name)
    if kind is not None:
        if isinstance(value, Literal):
            value = str(value)
        return resolve_member(store, kind, value, parameter.name)
    if isinstance(value, URIRef | Literal):
        return value
    if parameter.type == "iri":
        return _as_iri(str(value), parameter.name)
    return _as_literal(str(value), parameter)


def resolve_values(store: Store, parameter: Parameter, values: Iterable[object]) -> list[Node]:
    """The RDF terms for the values of ``parameter`` (several values mean any of them)."""
    return [resolve_value(store, parameter, value) for value in values]
