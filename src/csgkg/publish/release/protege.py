"""``csgkg-protege.owl``: the ontology and data as an OWL 2 DL ontology in RDF/XML, for Protégé and
its reasoners (HermiT, Pellet, ELK), which refuse what the release itself may say in RDF.

The release keeps its data as it is; this file is a profile of it that changes only what OWL 2 DL
forbids or a DL reasoner cannot read:

- literals whose datatype is not in the OWL 2 datatype map: an ``xsd:date`` becomes the
  ``xsd:dateTime`` at midnight of that day (``"2020-01-01"^^xsd:date`` →
  ``"2020-01-01T00:00:00"^^xsd:dateTime``, a time zone kept); any other such datatype (``xsd:gYear``,
  ...) becomes a plain string with the same text;
- ``rdfs:range`` of such a datatype: ``xsd:date`` → ``xsd:dateTime``, ``rdf:langString`` and the
  others → ``rdfs:Literal`` (a language-tagged string is not an ``xsd:string`` in OWL 2);
- classes from the reserved RDF vocabulary (``csg:Claim rdfs:subClassOf rdf:Statement``): the
  statement is left out, since OWL 2 DL forbids such classes;
- every property, class and datatype used is declared. A property the ontology does not declare
  takes the kind of a declared property below it (``csg:hasSource`` makes ``dcterms:source`` an
  object property); any other is an annotation property (SKOS labels and links, Dublin Core,
  schema.org), which the reasoner leaves alone. Every member of a class is declared an
  ``owl:NamedIndividual``: a SKOS concept is an individual of ``skos:Concept`` and of its csgkg class
  (``csg:Harm``), and a class that is also a member of one is punned, as OWL 2 DL allows.

The reification of claims (``rdf:subject``, ``rdf:predicate``, ``rdf:object``) is kept as it is.
The file is written by :func:`csgkg.io.rdfxml.to_rdfxml`: sorted, with canonical blank nodes, so the
same graph always gives the same bytes.
"""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from csgkg.core.files import write_atomic
from csgkg.core.namespaces import ONTOLOGY_IRI
from csgkg.io.rdfxml import statements_to_rdfxml
from csgkg.io.serialise import canonical, derived_graph
from csgkg.publish.release.version import ReleaseError

OUTPUT_FILE = "csgkg-protege.owl"

_XSD_IN_MAP = (
    "decimal integer nonNegativeInteger nonPositiveInteger positiveInteger negativeInteger long int short "
    "byte unsignedLong unsignedInt unsignedShort unsignedByte double float string normalizedString token "
    "language Name NCName NMTOKEN boolean hexBinary base64Binary anyURI dateTime dateTimeStamp"
)
# The OWL 2 datatype map (OWL 2 Structural Specification, section 4): the datatypes a DL reasoner knows.
OWL2_DATATYPES: frozenset[URIRef] = frozenset(
    {XSD[name] for name in _XSD_IN_MAP.split()}
    | {RDF.PlainLiteral, RDF.XMLLiteral, RDFS.Literal, OWL.real, OWL.rational}
)
# The namespaces whose IRIs OWL 2 DL reserves (never declared, never a class of the data) ...
RESERVED = (str(RDF), str(RDFS), str(XSD), str(OWL))
# ... except these, and the OWL vocabulary, which may be the object of rdf:type.
ALLOWED_TYPES = frozenset({RDF.Property, RDFS.Class, RDFS.Datatype})
_DATE = re.compile(r"^(-?\d{4,}-\d{2}-\d{2})(Z|[+-]\d{2}:\d{2})?$")

PROPERTY_KINDS = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
CLASS_POSITIONS = (RDFS.subClassOf, OWL.equivalentClass, OWL.disjointWith, OWL.complementOf)


def owl2_literal(value: Literal) -> Literal:
    """``value`` with a datatype of the OWL 2 datatype map: an ``xsd:date`` as the ``xsd:dateTime``
    of its midnight, another unknown datatype as a plain string with the same text."""
    if value.language or value.datatype is None or value.datatype in OWL2_DATATYPES:
        return value
    text = str(value)
    if value.datatype == XSD.date:
        found = _DATE.match(text)
        if found:
            return Literal(f"{found.group(1)}T00:00:00{found.group(2) or ''}", datatype=XSD.dateTime)
    return Literal(text)


def owl2_range(range_: URIRef) -> URIRef:
    """The range to declare instead of ``range_`` when it is a datatype outside the OWL 2 map."""
    if range_ == XSD.date:
        return XSD.dateTime
    if range_ == RDF.langString or (str(range_).startswith(str(XSD)) and range_ not in OWL2_DATATYPES):
        return RDFS.Literal
    return range_


def _reserved(node: object) -> bool:
    return isinstance(node, URIRef) and str(node).startswith(RESERVED)


# Terms read once: a namespace's attribute lookup costs more than the comparison it feeds.
_TYPE, _RANGE, _OWL = RDF.type, RDFS.range, str(OWL)
_OWL_ENDS = (OWL.Thing, OWL.Nothing)


def _kept(triple: tuple) -> bool:
    """False for a statement that makes a reserved RDF/RDFS/XSD IRI a class (``rdf:Statement``)."""
    _, p, o = triple
    if p == _TYPE:
        return not _reserved(o) or str(o).startswith(_OWL) or o in ALLOWED_TYPES
    if p in CLASS_POSITIONS:
        return not _reserved(o) or o in _OWL_ENDS
    return True


def _converted(triple: tuple) -> tuple:
    """``triple`` with a literal or a range outside the OWL 2 datatype map replaced."""
    s, p, o = triple
    if isinstance(o, Literal):
        return (s, p, owl2_literal(o))
    if p == _RANGE and isinstance(o, URIRef):
        return (s, p, owl2_range(o))
    return triple


def _declared_kind(graph: Graph, prop: URIRef) -> URIRef | None:
    kinds = [k for k in PROPERTY_KINDS if (prop, RDF.type, k) in graph]
    return kinds[0] if kinds else None


def _property_kinds(graph: Graph) -> dict[URIRef, URIRef]:
    """The kind (object, datatype or annotation property) of every property used that is not part
    of the RDF/RDFS/OWL syntax: the declared one; else that of a declared property below it; else
    annotation. Raises :class:`ReleaseError` when one property would have two kinds."""
    used = {p for p in graph.predicates() if isinstance(p, URIRef) and not _reserved(p)}
    used |= {o for o in graph.objects(None, RDFS.subPropertyOf) if isinstance(o, URIRef)}
    used |= {s for s in graph.subjects(RDFS.subPropertyOf) if isinstance(s, URIRef)}
    kinds = {p: k for p in used if (k := _declared_kind(graph, p)) is not None}
    changed = True
    while changed:  # a super-property takes the kind of its declared sub-properties
        changed = False
        for sub, sup in sorted(graph.subject_objects(RDFS.subPropertyOf)):
            if sub in kinds and sup not in kinds and isinstance(sup, URIRef):
                kinds[sup] = kinds[sub]
                changed = True
    for prop in used - set(kinds):
        kinds[prop] = OWL.AnnotationProperty
    clashes = sorted(
        f"<{sub}> is an {kinds[sub].fragment} but its super-property <{sup}> is an {kinds[sup].fragment}"
        for sub, sup in graph.subject_objects(RDFS.subPropertyOf)
        if sub in kinds and sup in kinds and kinds[sub] != kinds[sup]
    )
    for prop, kind in sorted(kinds.items()):
        values = list(graph.objects(None, prop))
        if kind == OWL.ObjectProperty and any(isinstance(v, Literal) for v in values):
            clashes.append(f"<{prop}> is an object property but has literal values")
        if kind == OWL.DatatypeProperty and any(not isinstance(v, Literal) for v in values):
            clashes.append(f"<{prop}> is a datatype property but has IRI values")
    if clashes:
        raise ReleaseError(f"{OUTPUT_FILE} cannot be OWL 2 DL: " + "; ".join(sorted(clashes)))
    return kinds


def _classes(graph: Graph, kinds: dict[URIRef, URIRef]) -> set[URIRef]:
    """Every named class used in the statements the profile keeps: as a type, in a class axiom, or
    as a domain or object range."""
    found: set[object] = {o for o in graph.objects(None, RDF.type) if _kept((None, RDF.type, o))}
    for prop in CLASS_POSITIONS:
        for s, o in graph.subject_objects(prop):
            if _kept((s, prop, o)):
                found.update((s, o))
    for prop, kind in kinds.items():
        if kind != OWL.AnnotationProperty:
            found.update(graph.objects(prop, RDFS.domain))
        if kind == OWL.ObjectProperty:
            found.update(graph.objects(prop, RDFS.range))
    return {c for c in found if isinstance(c, URIRef) and not _reserved(c)}


def profile_statements(graph: Graph) -> set[tuple]:
    """The statements of the OWL 2 DL profile of ``graph`` (see the module's description), worked
    out from ``graph`` without copying it into another graph: the kinds and classes are those of
    the statements kept, which the conversions of literals and ranges do not change."""
    kinds = _property_kinds(graph)
    classes = _classes(graph, kinds)
    out: set[tuple] = set()
    individual = OWL.NamedIndividual
    for triple in graph:
        if not _kept(triple):
            continue
        s, p, o = triple
        if p == _TYPE:
            if o in PROPERTY_KINDS and s in kinds and kinds[s] != o:
                continue  # a property declared twice keeps the kind chosen for it
            if o in classes and isinstance(s, URIRef):
                out.add((s, _TYPE, individual))  # concepts, interventions, claims, ...
        out.add(_converted(triple))
    out.update((prop, RDF.type, kind) for prop, kind in kinds.items())
    out.update((cls, RDF.type, OWL.Class) for cls in classes)
    leftover = sorted(
        {o.datatype for _, _, o in out if isinstance(o, Literal) and o.datatype is not None} - OWL2_DATATYPES
    )
    if leftover:
        raise ReleaseError(f"{OUTPUT_FILE}: datatypes outside the OWL 2 datatype map remain: {leftover}")
    return out


def protege_profile(graph: Graph) -> Graph:
    """The OWL 2 DL profile of ``graph`` as a graph (:func:`profile_statements`); ``graph`` is
    unchanged."""
    out = derived_graph(graph)  # no blank node is added: a canonical graph's labels stay stable
    out.addN((s, p, o, out) for s, p, o in profile_statements(graph))
    return out


def write_protege(graph: Graph, dist: Path) -> Path:
    """Write ``csgkg-protege.owl`` (the OWL 2 DL profile of ``graph``) into ``dist``; return its path."""
    path = dist / OUTPUT_FILE
    statements = profile_statements(canonical(graph))  # blank nodes labelled as in the other formats
    write_atomic(path, statements_to_rdfxml(statements, head=URIRef(ONTOLOGY_IRI)))
    return path


__all__ = ["OUTPUT_FILE", "profile_statements", "protege_profile", "write_protege"]
