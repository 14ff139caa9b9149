"""The engine's results, as pySHACL would put them in its results graph."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef
from rdflib.term import Node


@dataclass(frozen=True)
class RawResult:
    """One result as pySHACL would put it in its results graph."""

    focus: Node
    path: Node | None  # the shape's path node (a blank node for a complex path)
    value: Node | None
    shape: Node
    component: URIRef
    severity: URIRef
    message: str
