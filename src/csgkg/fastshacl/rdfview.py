"""An rdflib graph that reads a pyoxigraph store (the union of its graphs) without copying it.

Used where rdflib's own behaviour must be reproduced on a few nodes: messages that look up labels
(:func:`csgkg.validation.messages.explain`), and SPARQL constraints run focus node by focus node, as pySHACL
runs them. Every lookup is a pattern on the store's indexes; nothing is loaded into Python at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox
from rdflib import Graph
from rdflib.store import Store
from rdflib.term import Node

from csgkg.fastshacl.terms import to_oxigraph, to_rdflib, to_triple


class OxigraphView(Store):
    """A read-only rdflib store over every graph of a pyoxigraph store (triples seen once)."""

    context_aware = False
    formula_aware = False
    transaction_aware = False
    graph_aware = False

    def __init__(self, store: ox.Store) -> None:
        super().__init__()
        self.ox = store

    def triples(self, triple_pattern: tuple, context: Any = None) -> Iterator[tuple[tuple, Iterator]]:
        s, p, o = triple_pattern
        try:
            pattern = [None if t is None else to_oxigraph(t) for t in (s, p, o)]
        except (TypeError, ValueError):
            return
        seen: set[tuple] = set()
        for quad in self.ox.quads_for_pattern(*pattern, None):
            triple = to_triple(quad)
            if triple not in seen:
                seen.add(triple)
                yield triple, iter(())

    def __len__(self, context: Any = None) -> int:
        return len(self.ox)

    def add(self, triple: tuple, context: Any = None, quoted: bool = False) -> None:
        raise TypeError("the store view is read-only")

    def remove(self, triple: tuple, context: Any = None) -> None:
        raise TypeError("the store view is read-only")


class StoreGraph(Graph):
    """An rdflib Graph over a pyoxigraph store; listing every predicate is one SPARQL query."""

    def __init__(self, store: ox.Store) -> None:
        super().__init__(store=OxigraphView(store), bind_namespaces="none")
        self._ox = store
        self._predicates: list[Node] | None = None

    def predicates(self, subject: Any = None, object: Any = None, unique: bool = False) -> Iterator[Node]:
        """The predicates of ``subject`` and ``object``; with neither, every predicate once."""
        if subject is not None or object is not None:
            yield from super().predicates(subject, object, unique)
            return
        if self._predicates is None:
            answer = self._ox.query("SELECT DISTINCT ?p WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
            self._predicates = [to_rdflib(row["p"]) for row in answer]
        yield from self._predicates
