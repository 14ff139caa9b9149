"""Serialise graphs deterministically: Turtle and N-Triples (sorted statements, canonical blank nodes,
stable prefixes) and JSON-LD with our context.

Turtle is written by Oxigraph's serialiser from the sorted N-Triples lines, so the cost of a large
release stays in compiled code; the same graph always gives the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph

from csgkg.core.namespaces import PREFIXES, bind_prefixes

Triple = tuple  # (subject, predicate, object) of rdflib terms


class CanonicalGraph(Graph):
    """A graph whose blank nodes carry stable labels, so the serialisers use it as it is, without
    another copy: one made by :func:`canonical` (the labels are canonical for it), or one filled
    from such a graph without new blank nodes (:func:`derived_graph`; the labels are its source's).

    It is held in rdflib's ``SimpleMemory`` store, which keeps triples without the bookkeeping for
    named graphs that the default store does on every addition and lookup: a canonical graph is
    one graph, written out whole."""

    def __init__(self, store: str = "SimpleMemory", **options: Any) -> None:
        super().__init__(store=store, **options)


def derived_graph(source: Graph) -> Graph:
    """An empty graph (the csgkg prefixes bound) for statements derived from ``source`` that add no
    blank node, such as an inference closure or a profile of it: a :class:`CanonicalGraph` when
    ``source`` is one, since its blank nodes keep labels that do not change between runs; else a
    plain graph, which :func:`canonical` relabels when it is written."""
    kind = CanonicalGraph if isinstance(source, CanonicalGraph) else Graph
    return bind_prefixes(kind(bind_namespaces="none"))


def has_blank_node(graph: Graph) -> bool:
    """Whether any statement of ``graph`` holds a blank node."""
    return any(_has_blank(triple) for triple in graph)


def _has_blank(triple: Triple) -> bool:
    return isinstance(triple[0], BNode) or isinstance(triple[2], BNode)


def canonical_graph(triples: Iterable[Triple]) -> CanonicalGraph:
    """A :class:`CanonicalGraph` of ``triples`` (each kept once), its blank nodes relabelled canonically.

    Only the statements that hold a blank node go through rdflib's canonical labelling
    (:func:`rdflib.compare.to_canonical_graph`): a blank node's label is computed from the statements
    it is in, so the others cannot change it, and need not be read twice.
    """
    from rdflib.compare import to_canonical_graph

    out = bind_prefixes(CanonicalGraph(bind_namespaces="none"))
    blank = Graph()
    out.addN((s, p, o, out) for s, p, o in _without_blanks(triples, blank))
    if len(blank):
        out.addN((s, p, o, out) for s, p, o in to_canonical_graph(blank))
    return out


def _without_blanks(triples: Iterable[Triple], blank: Graph) -> Iterable[Triple]:
    """The statements of ``triples`` without a blank node; those with one are added to ``blank``."""
    for triple in triples:
        if _has_blank(triple):
            blank.add(triple)
        else:
            yield triple


def canonical(graph: Graph) -> Graph:
    """``graph`` with blank nodes relabelled canonically, so their labels do not change between runs:
    a :class:`CanonicalGraph` (returned as it is when given one), or ``graph`` itself when it has no
    blank node. A caller that serialises one graph in several formats makes it canonical once and
    passes the result on; it must not change it afterwards."""
    if isinstance(graph, CanonicalGraph) or not has_blank_node(graph):
        return graph
    return canonical_graph(graph)


def to_ntriples(graph: Graph) -> str:
    """N-Triples with canonical blank nodes and sorted lines: the same graph always gives the same bytes."""
    return statements_to_ntriples(canonical(graph))


def statements_to_ntriples(triples: Iterable[Triple]) -> str:
    """Sorted N-Triples of ``triples`` (each line once), each line as rdflib's N-Triples writer
    writes it; blank nodes keep the labels they have (:func:`to_ntriples` makes them canonical)."""
    from rdflib.plugins.serializers.nt import _nt_row

    return "".join(sorted({_nt_row(triple) for triple in triples}))


def to_turtle(graph: Graph, prefixes: Mapping[str, str] | None = None) -> str:
    """Canonical Turtle: the statements sorted (by their N-Triples lines), grouped by subject, named
    with ``prefixes`` (default: the csgkg prefix map), of which only those used are declared."""
    return ntriples_to_turtle(to_ntriples(graph), prefixes)


def ntriples_to_turtle(text: str, prefixes: Mapping[str, str] | None = None) -> str:
    """:func:`to_turtle` of the graph whose :func:`to_ntriples` text is ``text``."""
    import pyoxigraph as ox

    chosen = dict(sorted((prefixes or PREFIXES).items()))
    used = {prefix: iri for prefix, iri in chosen.items() if f"<{iri}" in text}
    triples = ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    out = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=used).decode("utf-8")
    # Oxigraph declares the prefixes in its own map's order: sort them, so that no change of that
    # order changes the file.
    lines = out.splitlines(keepends=True)
    head = [line for line in lines[: len(used)] if line.startswith("@prefix ")]
    return "".join(sorted(head)) + "".join(lines[len(head) :])


def ntriples_to_expanded_jsonld(text: str) -> list[dict]:
    """The graph whose N-Triples are ``text`` as expanded JSON-LD (Oxigraph's writer): one node object
    per subject, with its ``rdf:type`` values under ``@type`` as a JSON-LD processor reading RDF
    gives them."""
    import pyoxigraph as ox

    triples = ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    nodes = json.loads(ox.serialize(triples, format=ox.RdfFormat.JSON_LD))
    nodes = nodes.get("@graph", []) if isinstance(nodes, dict) else nodes
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    for node in nodes:
        types = node.pop(rdf_type, None)
        if types:
            node["@type"] = [value["@id"] for value in types]
    return nodes


def load_context(context_file: Path) -> dict:
    """The ``@context`` object of a JSON-LD context file."""
    return json.loads(context_file.read_text(encoding="utf-8"))["@context"]


def to_jsonld(graph: Graph, context: dict) -> str:
    """Compact JSON-LD using ``context``; nodes sorted by id and keys sorted, for stable output."""
    graph = bind_prefixes(canonical(graph))
    text = graph.serialize(format="json-ld", context=context, auto_compact=True)
    document = json.loads(text)
    nodes = document.get("@graph", [document] if "@context" not in document else [])
    if "@graph" not in document:
        nodes = [{k: v for k, v in document.items() if k != "@context"}]
    nodes = sorted((_sorted_sets(n) for n in nodes), key=lambda n: str(n.get("id", n.get("@id", ""))))
    return (
        json.dumps({"@context": context, "@graph": nodes}, indent=2, ensure_ascii=False, sort_keys=True)
        + "\n"
    )


def _sorted_sets(node: object) -> object:
    """``node`` with the values of every array sorted (JSON-LD arrays are sets, except ``@list``),
    so that the output does not depend on the order rdflib happens to give them in."""
    if isinstance(node, dict):
        return {
            k: [_sorted_sets(i) for i in v] if k == "@list" and isinstance(v, list) else _sorted_sets(v)
            for k, v in node.items()
        }
    if isinstance(node, list):
        items = [_sorted_sets(v) for v in node]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return node
