"""The OWL 2 RL closure of ontology and data, for consumers without a reasoner.

Never run on contributed files: owlrl's forward chaining grows about n**3 on long chains.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Literal
from rdflib.namespace import OWL

from csgkg.core.namespaces import new_graph


def owl_rl_closure(graph: Graph, axioms: Path | None = None) -> Graph:
    """Return a new graph: ``graph`` (plus the SKOS ``axioms`` file) closed under OWL 2 RL.

    Trivial entailments that carry no information for a reader are dropped: ``owl:sameAs`` of a
    node with itself and the typing of literals.
    """
    import owlrl

    closure = new_graph()
    closure += graph
    if axioms is not None and axioms.is_file():
        closure.parse(axioms, format="turtle")
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(
        closure
    )
    for s, p, o in list(closure):
        if (p == OWL.sameAs and s == o) or isinstance(s, Literal):
            closure.remove((s, p, o))
    return closure
