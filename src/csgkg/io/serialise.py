"""Serialise graphs deterministically: Turtle (longturtle), N-Triples and JSON-LD with our context."""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import BNode, Graph

from csgkg.core.namespaces import bind_prefixes, new_graph


class CanonicalGraph(Graph):
    """A graph made by :func:`canonical`: its blank nodes already carry their canonical labels and
    only the csgkg prefixes are bound, so the serialisers use it as it is, without another copy."""


def to_turtle(graph: Graph) -> str:
    """Canonical Turtle: rdflib's ``longturtle`` (sorted, one statement a line), stable prefixes."""
    out = canonical(graph)
    if not isinstance(out, CanonicalGraph):
        out = new_graph()
        out += graph
    text = out.serialize(format="longturtle")
    return _drop_unused_prefixes(text)


def _drop_unused_prefixes(text: str) -> str:
    lines = text.splitlines(keepends=True)
    body = "".join(line for line in lines if not line.startswith("PREFIX "))
    kept = []
    for line in lines:
        if line.startswith("PREFIX "):
            prefix = line.split()[1]
            if prefix in body or f"{prefix[:-1]}:" in body:
                kept.append(line)
    return "".join(kept) + body


def canonical(graph: Graph) -> Graph:
    """``graph`` with blank nodes relabelled canonically, so their labels do not change between runs:
    a :class:`CanonicalGraph` (returned as it is when given one), or ``graph`` itself when it has no
    blank node. Relabelling reads the whole graph, so a caller that serialises one graph in several
    formats makes it canonical once and passes the result on; it must not change it afterwards."""
    from rdflib.compare import to_canonical_graph

    if isinstance(graph, CanonicalGraph):
        return graph
    if not any(isinstance(t, BNode) for triple in graph for t in triple):
        return graph
    out = bind_prefixes(CanonicalGraph(bind_namespaces="none"))
    out += to_canonical_graph(graph)
    return out


def to_ntriples(graph: Graph) -> str:
    """N-Triples with canonical blank nodes and sorted lines: the same graph always gives the same bytes."""
    text = canonical(graph).serialize(format="nt")
    lines = sorted({line for line in text.splitlines() if line.strip()})
    return "\n".join(lines) + "\n"


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
