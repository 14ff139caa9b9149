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
    schema = new_graph()
    if axioms is not None and axioms.is_file():
        schema.parse(axioms, format="turtle")
    closed = rl_closure(chain(graph, schema), drop_trivial=True) if engine == "auto" else None
    if closed is not None:
        # The engine adds no blank node: the closure keeps the labels of ``graph``'s, unless the
        # axioms file brings blank nodes of its own (labelled afresh at every parse).
        closure = new_graph() if has_blank_node(schema) else derived_graph(graph)
        closure.addN((s, p, o, closure) for s, p, o in closed)
        return closure
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


def closure_ntriples(graph: Graph, axioms: Path | None = None) -> tuple[str, int]:
    """:func:`csgkg.io.serialise.to_ntriples` of :func:`owl_rl_closure` of ``graph``, and the
    number of its statements.

    When the closure keeps ``graph``'s blank-node labels (``graph`` canonical, the axioms without
    blank nodes of their own) and :func:`rl_closure` computes it, the lines are written straight
    from its statements, without filling another rdflib graph; otherwise from owl_rl_closure's graph.
    """
    schema = new_graph()
    if axioms is not None and axioms.is_file():
        schema.parse(axioms, format="turtle")
    keeps_labels = isinstance(graph, CanonicalGraph) or not has_blank_node(graph)
    if keeps_labels and not has_blank_node(schema):
        closed = rl_closure(chain(graph, schema), drop_trivial=True)
        if closed is not None:
            return statements_to_ntriples(closed), len(closed)
    closure = owl_rl_closure(graph, axioms)
    return to_ntriples(closure), len(closure)


def _trivial(s: Any, p: Any, o: Any) -> bool:
    """An owl:sameAs of a node with itself, or a statement about a literal."""
    return (p == OWL.sameAs and s == o) or isinstance(s, Literal)
