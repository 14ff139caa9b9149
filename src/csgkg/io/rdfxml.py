"""Deterministic RDF/XML: one ``rdf:Description`` per subject, subjects and statements sorted.

rdflib's RDF/XML writers order subjects by hash (so the bytes change with ``PYTHONHASHSEED``), and its
``pretty-xml`` writer can emit an unbound ``xml:lang`` prefix; this writer does neither. The
ontology header (``head``) comes first, then every other subject in sorted order, each with its
``rdf:type`` statements first. Blank nodes are relabelled canonically.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from csgkg.core.namespaces import PREFIXES
from csgkg.io.serialise import canonical

_NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
_TAIL = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*$")


class RdfXmlError(ValueError):
    """A statement cannot be written as RDF/XML (a predicate with no XML name)."""


def _qnames(predicates: list[URIRef], prefixes: dict[str, str]) -> tuple[dict[URIRef, str], dict[str, str]]:
    """An XML name for each predicate, and the namespace declarations they need: the longest known
    namespace whose rest is an XML name, else a new ``nsN`` prefix for the IRI up to its last name."""
    used: dict[str, str] = {}
    names: dict[URIRef, str] = {}
    extra: dict[str, str] = {}
    by_length = sorted(prefixes.items(), key=lambda item: (-len(item[1]), item[0]))
    for predicate in sorted(predicates):
        iri = str(predicate)
        found = next(
            ((p, ns) for p, ns in by_length if iri.startswith(ns) and _NCNAME.match(iri[len(ns) :])), None
        )
        if found is None:
            tail = _TAIL.search(iri)
            if tail is None or tail.start() == 0:
                raise RdfXmlError(f"<{iri}> cannot be written as an RDF/XML element name")
            namespace = iri[: tail.start()]
            prefix = extra.get(namespace) or f"ns{len(extra) + 1}"
            extra[namespace] = prefix
            found = (prefix, namespace)
        prefix, namespace = found
        used[prefix] = namespace
        names[predicate] = f"{prefix}:{iri[len(namespace) :]}"
    return names, used


def _node_id(node: BNode) -> str:
    return str(node) if _NCNAME.match(str(node)) else f"b{node}"


def _subject_key(node: object) -> tuple[int, str]:
    return (1, _node_id(node)) if isinstance(node, BNode) else (0, str(node))


def _statement(name: str, value: object) -> str:
    if isinstance(value, BNode):
        return f"    <{name} rdf:nodeID={quoteattr(_node_id(value))}/>\n"
    if isinstance(value, URIRef):
        return f"    <{name} rdf:resource={quoteattr(str(value))}/>\n"
    assert isinstance(value, Literal)
    attribute = ""
    if value.language:
        attribute = f" xml:lang={quoteattr(value.language)}"
    elif value.datatype is not None:
        attribute = f" rdf:datatype={quoteattr(str(value.datatype))}"
    return f"    <{name}{attribute}>{escape(str(value), {chr(13): '&#13;'})}</{name}>\n"


def to_rdfxml(graph: Graph, head: URIRef | None = None, prefixes: dict[str, str] | None = None) -> str:
    """``graph`` as RDF/XML text; ``head`` (the ontology IRI) is written first. Predicates are named
    with ``prefixes`` (default: the csgkg prefix map). The same graph always gives the same text.

    Raises :class:`RdfXmlError` for a predicate that has no XML name (one ending in ``/``).
    """
    return statements_to_rdfxml(canonical(graph), head, prefixes)


def statements_to_rdfxml(
    statements: Iterable[tuple], head: URIRef | None = None, prefixes: dict[str, str] | None = None
) -> str:
    """:func:`to_rdfxml` of the graph of ``statements`` (each once, blank nodes already labelled
    as they are to be written), without making that graph."""
    by_subject: dict[object, list[tuple]] = {}
    for s, p, o in statements:
        by_subject.setdefault(s, []).append((p, o))
    names, used = _qnames(
        sorted({p for pairs in by_subject.values() for p, _ in pairs if isinstance(p, URIRef)}),
        prefixes or PREFIXES,
    )
    used["rdf"] = str(RDF)
    lines = ['<?xml version="1.0" encoding="utf-8"?>\n', "<rdf:RDF\n"]
    lines.extend(f"   xmlns:{prefix}={quoteattr(ns)}\n" for prefix, ns in sorted(used.items()))
    lines.append(">\n")
    subjects = sorted(by_subject, key=lambda s: (s != head, *_subject_key(s)))
    rdf_type = RDF.type
    for subject in subjects:
        about = (
            f"rdf:nodeID={quoteattr(_node_id(subject))}"
            if isinstance(subject, BNode)
            else f"rdf:about={quoteattr(str(subject))}"
        )
        lines.append(f"  <rdf:Description {about}>\n")
        statements_of = sorted(
            by_subject[subject],
            key=lambda po: (po[0] != rdf_type, str(po[0]), type(po[1]).__name__, po[1].n3()),
        )
        lines.extend(_statement(names[p], o) for p, o in statements_of)
        lines.append("  </rdf:Description>\n")
    lines.append("</rdf:RDF>\n")
    return "".join(lines)
