"""The OWL 2 RL closure of ontology and data, for consumers without a reasoner.

The closure is owlrl's. It is computed by :mod:`csgkg.publish.rl` when that engine implements every
rule the graph calls on, and by owlrl itself otherwise; both give the same triples.
Never run owlrl on contributed files: its forward chaining grows about n**3 on long chains.
"""

from __future__ import annotations

from itertools import chain
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal
from rdflib.namespace import OWL

from csgkg.core.namespaces import new_graph
from csgkg.io.serialise import (
    CanonicalGraph,
    derived_graph,
    has_blank_node,
    statements_to_ntriples,
    to_ntriples,
)
from csgkg.publish.rl import rl_closure


def owl_rl_closure(graph: Graph, axioms: Path | None = None, engine: str = "auto") -> Graph:
    """Return a new graph: ``graph`` (plus the SKOS ``axioms`` file) closed under OWL 2 RL.

    Trivial entailments that carry no information for a reader are dropped: ``owl:sameAs`` of a
    node with itself and the typing of literals. ``engine`` "auto" uses :func:`rl_closure` and falls
    back to owlrl when it declines; "owlrl" always runs owlrl. The triples are the same either way.
    """
    if engine not in ("auto", "owlrl"):
        raise ValueError(f"unknown closure engine {engine!r}; use auto or owlrl")
    schema = _schema(axioms)
    closed = rl_closure(chain(graph, schema), drop_trivial=True) if engine == "auto" else None
    return _owlrl(graph, schema) if closed is None else _as_graph(graph, schema, closed)


def closure_ntriples(graph: Graph, axioms: Path | None = None) -> tuple[str, int]:
    """:func:`csgkg.io.serialise.to_ntriples` of :func:`owl_rl_closure` of ``graph``, and the
    number of its statements.

    When :func:`rl_closure` computes the closure and it keeps ``graph``'s blank-node labels
    (``graph`` canonical, the axioms without blank nodes of their own), the lines are written
    straight from its statements, without filling another rdflib graph.
    """
    schema = _schema(axioms)
    closed = rl_closure(chain(graph, schema), drop_trivial=True)
    if closed is None:
        closure = _owlrl(graph, schema)
    elif (isinstance(graph, CanonicalGraph) or not has_blank_node(graph)) and not has_blank_node(schema):
        return statements_to_ntriples(closed), len(closed)
    else:
        closure = _as_graph(graph, schema, closed)
    return to_ntriples(closure), len(closure)


def _schema(axioms: Path | None) -> Graph:
    """The axioms file as a graph (empty when there is none)."""
    schema = new_graph()
    if axioms is not None and axioms.is_file():
        schema.parse(axioms, format="turtle")
    return schema


def _as_graph(graph: Graph, schema: Graph, closed: list) -> Graph:
    """:func:`rl_closure`'s statements as a graph. The engine adds no blank node: the closure keeps
    the labels of ``graph``'s, unless ``schema`` brings blank nodes of its own (labelled afresh at
    every parse)."""
    closure = new_graph() if has_blank_node(schema) else derived_graph(graph)
    closure.addN((s, p, o, closure) for s, p, o in closed)
    return closure


def _owlrl(graph: Graph, schema: Graph) -> Graph:
    """owlrl's closure of ``graph`` and ``schema`` (``schema`` is filled with it), trivial
    entailments dropped."""
    import owlrl

    closure = schema
    closure += graph
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(
        closure
    )
    for s, p, o in list(closure):
        if _trivial(s, p, o):
            closure.remove((s, p, o))
    return closure


def _trivial(s: Any, p: Any, o: Any) -> bool:
    """An owl:sameAs of a node with itself, or a statement about a literal."""
    return (p == OWL.sameAs and s == o) or isinstance(s, Literal)
