"""The OWL 2 RL closure of owlrl, computed by semi-naive forward chaining over indexed Python sets.

:func:`rl_closure` returns the same set of triples as
``owlrl.DeductiveClosure(OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand``
(before any filtering), or None when it cannot promise that: when the graph uses a construct whose
rule is not implemented here, or when owlrl would report an inconsistency (owlrl then adds error
messages as fresh blank nodes). The caller runs owlrl itself whenever None is returned.

The rules are owlrl's own, with its quirks (which premises must differ, which schema triples it
derives): eq-ref, eq-sym, eq-trans, eq-rep-s, eq-rep-p, eq-rep-o; prp-ap, prp-dom, prp-rng, prp-fp,
prp-ifp, prp-symp, prp-trp, prp-spo1, prp-eqp1, prp-eqp2, prp-inv1, prp-inv2; cls-thing,
cls-nothing1, cls-oo; cax-sco, cax-eqc1, cax-eqc2; scm-cls, scm-sco, scm-eqc1, scm-eqc2, scm-op,
scm-dp, scm-spo, scm-eqp1, scm-eqp2, scm-dom1, scm-dom2, scm-rng1, scm-rng2; and owlrl's one-time
datatype rules (dt-type1, dt-type2, the subsumption and disjointness of the datatypes in use).
The checks cax-dw, cls-nothing2 and dt-not-type are made: a violation returns None.
Every other predicate or class that owlrl's rules look at (restrictions, Boolean class expressions,
keys, property chains, disjoint or negative property axioms, owl:differentFrom, owl:AllDifferent …)
returns None when it occurs anywhere in the closure. Since the rules are monotone, the closure is
owlrl's fixpoint whatever order the rules are applied in, and a check made on the closure is the
check owlrl makes in its last cycle.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rdflib import BNode, Literal
from rdflib.namespace import OWL, RDF, RDFS

Triple = tuple[Any, Any, Any]

# The terms the rules name, with the numbers every store gives them (terms are numbered while chaining).
CONSTANTS = (
    RDF.type, RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range,
    OWL.sameAs, OWL.equivalentClass, OWL.equivalentProperty, OWL.inverseOf, OWL.oneOf,
    RDF.first, RDF.rest, OWL.Thing, OWL.Nothing, OWL.Class,
    OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property, OWL.SymmetricProperty, OWL.TransitiveProperty,
    OWL.FunctionalProperty, OWL.InverseFunctionalProperty, OWL.disjointWith,
)  # fmt: skip
(TYPE, SCO, SPO, DOM, RNG, SAME, EQC, EQP, INV, ONE_OF, FIRST, REST, THING, NOTHING, CLASS,
 OBJECT_PROPERTY, DATATYPE_PROPERTY, PROPERTY, SYMMETRIC, TRANSITIVE, FUNCTIONAL, INVERSE_FUNCTIONAL,
 DISJOINT) = range(len(CONSTANTS))  # fmt: skip

# What owlrl's rules look at and this module does not implement: its presence means "use owlrl".
UNSUPPORTED_PREDICATES = frozenset(
    {
        OWL.propertyChainAxiom,
        OWL.propertyDisjointWith,
        OWL.hasKey,
        OWL.sourceIndividual,
        OWL.assertionProperty,
        OWL.intersectionOf,
        OWL.unionOf,
        OWL.complementOf,
        OWL.someValuesFrom,
        OWL.allValuesFrom,
        OWL.hasValue,
        OWL.onProperty,
        OWL.onClass,
        OWL.maxCardinality,
        OWL.maxQualifiedCardinality,
        OWL.differentFrom,
        OWL.members,
        OWL.distinctMembers,
    }
)
UNSUPPORTED_CLASSES = frozenset(
    {
        OWL.IrreflexiveProperty,
        OWL.AsymmetricProperty,
        OWL.AllDisjointProperties,
        OWL.AllDisjointClasses,
        OWL.AllDifferent,
    }
)


class Unsupported(Exception):
    """The closure uses something this engine does not implement exactly as owlrl does."""


class _Store:
    """Triples of numbered terms, indexed by predicate both ways: ``fwd[p][s]`` is the set of objects,
    ``bwd[p][o]`` the set of subjects. ``fresh`` collects what was added since it was last emptied, by
    predicate."""

    def __init__(self) -> None:
        self.terms: list[Any] = list(CONSTANTS)
        self.ids: dict[Any, int] = {term: n for n, term in enumerate(CONSTANTS)}
        self.literals: set[int] = set()
        self.fwd: dict[int, dict[int, set[int]]] = {}
        self.bwd: dict[int, dict[int, set[int]]] = {}
        self.fresh: dict[int, list[tuple[int, int]]] = {}
        self.equal: set[int] = set()  # nodes owl:sameAs some other node
        self.reflexive: set[int] = set()  # nodes owl:sameAs themselves

    def id(self, term: Any) -> int:
        n = self.ids.get(term)
        if n is None:
            n = self.ids[term] = len(self.terms)
            self.terms.append(term)
            if isinstance(term, Literal):
                self.literals.add(n)
        return n

    def add_term(self, t: Triple) -> None:
        self.add(self.id(t[0]), self.id(t[1]), self.id(t[2]))

    def add(self, s: int, p: int, o: int) -> None:
        if p in self.literals:  # owlrl never stores a triple with a literal predicate
            return
        by_s = self.fwd.get(p)
        if by_s is None:
            by_s = self.fwd[p] = {}
            self.bwd[p] = {}
        objects = by_s.get(s)
        if objects is None:
            by_s[s] = {o}
        elif o in objects:
            return
        else:
            objects.add(o)
        subjects = self.bwd[p].get(o)
        if subjects is None:
            self.bwd[p][o] = {s}
        else:
            subjects.add(s)
        fresh = self.fresh.get(p)
        if fresh is None:
            self.fresh[p] = [(s, o)]
        else:
            fresh.append((s, o))
        if p == SAME:
            if s == o:
                self.reflexive.add(s)
            else:
                self.equal.add(s)
                self.equal.add(o)

    def objects(self, s: int, p: int) -> set:
        return self.fwd.get(p, {}).get(s, set())

    def subjects(self, p: int, o: int) -> set:
        return self.bwd.get(p, {}).get(o, set())

    def has(self, s: int, p: int, o: int) -> bool:
        return o in self.fwd.get(p, {}).get(s, ())

    def pairs(self, p: int) -> list[tuple[int, int]]:
        return [(s, o) for s, objects in self.fwd.get(p, {}).items() for o in objects]

    def triples(self, drop_trivial: bool) -> Iterable[Triple]:
        """The triples as terms, but those whose predicate is a blank node (owlrl removes them last);
        with ``drop_trivial``, also not the reflexive owl:sameAs or the triples about a literal."""
        terms, literals = self.terms, self.literals
        for p, by_s in self.fwd.items():
            predicate = terms[p]
            if isinstance(predicate, BNode):
                continue
            for s, objects in by_s.items():
                if drop_trivial and s in literals:
                    continue
                subject = terms[s]
                for o in objects:
                    if not (drop_trivial and p == SAME and s == o):
                        yield subject, predicate, terms[o]


def rl_closure(triples: Iterable[Triple], drop_trivial: bool = False) -> list[Triple] | None:
    """Each triple, once, of owlrl's OWL 2 RL closure (no axiomatic or datatype axiom triples) of the
    graph ``triples``, exactly as owlrl leaves it (the triples whose predicate is a blank node removed);
    None when that cannot be promised (see the module's description). With ``drop_trivial``, the
    reflexive owl:sameAs and the triples whose subject is a literal are left out."""
    store = _Store()
    for t in triples:
        store.add_term(t)
    try:
        _one_time_rules(store)
        _fixpoint(store)
        _check(store)
    except Unsupported:
        return None
    return list(store.triples(drop_trivial))


def _one_time_rules(store: _Store) -> None:
    """owlrl's cls-thing, cls-nothing1, prp-ap and datatype rules, on the graph before the cycles."""
    from owlrl.AxiomaticTriples import OWLRL_Datatypes_Disjointness
    from owlrl.DatatypeHandling import AltXSDToPYTHON
    from owlrl.OWLRL import OWLRL_Annotation_properties
    from owlrl.XsdDatatypes import OWL_Datatype_Subsumptions, OWL_RL_Datatypes

    a = RDF.type
    added: list[Triple] = [(OWL.Thing, a, OWL.Class), (OWL.Nothing, a, OWL.Class)]
    added.extend((an, a, OWL.AnnotationProperty) for an in OWLRL_Annotation_properties)
    terms = store.terms
    rl_datatypes = set(OWL_RL_Datatypes)
    implicit = {  # the literals of the input, all objects
        terms[n]: terms[n].datatype for n in store.literals if terms[n].datatype in rl_datatypes
    }
    used = set(implicit.values())
    for literal in implicit:
        added.append((literal, a, literal.datatype))
        try:
            AltXSDToPYTHON.get(literal.datatype, lambda v: v)(str(literal))
        except ValueError as error:  # owlrl reports it as an inconsistency
            raise Unsupported(f"ill-typed literal {literal!r}") from error
    explicit: dict[Any, set] = {}
    for datatype in rl_datatypes:
        subjects = store.subjects(TYPE, store.ids.get(datatype, -1))
        if subjects:
            used.add(datatype)
        for s in map(terms.__getitem__, subjects):
            if s not in implicit:
                explicit.setdefault(s, set()).add(datatype)
    if any(s != o for s, o in store.pairs(SAME)):
        raise Unsupported("owl:sameAs in the input: owlrl's datatype rules then depend on its order")
    for s in (terms[s] for s, _ in store.pairs(SAME)):  # reflexive: owlrl's order does not matter
        if s in explicit:
            explicit[s].add(s)
    added.extend((dt, a, RDFS.Datatype) for dt in OWL_RL_Datatypes)
    for datatypes in explicit.values():
        added.extend((dt, a, RDFS.Datatype) for dt in datatypes)

    def subsume(r: Any, dt: Any) -> None:
        for new in OWL_Datatype_Subsumptions.get(dt, ()):
            added.append((r, a, new))
            added.append((new, a, RDFS.Datatype))
            used.add(new)

    for r, datatypes in explicit.items():
        for dt in datatypes:
            subsume(r, dt)
    for r, dt in implicit.items():
        subsume(r, dt)
    added.extend(t for t in OWLRL_Datatypes_Disjointness if t[0] in used and t[2] in used)
    for t in added:
        store.add_term(t)


def _fixpoint(store: _Store) -> None:
    """Apply the rules to every fresh triple, joined with all the triples stored, until none is fresh."""
    while store.fresh:
        fresh, store.fresh = store.fresh, {}
        for p, pairs in fresh.items():
            _instance_rules(store, p, pairs)
            schema = _SCHEMA_RULES.get(p)
            if schema is not None:
                for s, o in pairs:
                    schema(store, s, o)


def _instance_rules(store: _Store, p: int, pairs: list[tuple[int, int]]) -> None:
    """The rules in which a triple ``(s p o)`` with any predicate ``p`` is a premise."""
    add = store.add
    nodes = {s for s, _ in pairs}  # eq-ref
    nodes.update(o for _, o in pairs)
    nodes.add(p)
    for n in nodes - store.reflexive:
        add(n, SAME, n)
    for c in list(store.objects(p, DOM)):  # prp-dom
        for s, _ in pairs:
            add(s, TYPE, c)
    for c in list(store.objects(p, RNG)):  # prp-rng
        for _, o in pairs:
            add(o, TYPE, c)
    for q in list(store.objects(p, SPO)):  # prp-spo1
        for s, o in pairs:
            add(s, q, o)
    for q in list(store.objects(p, EQP) | store.subjects(EQP, p)):  # prp-eqp1, prp-eqp2
        if q != p:
            for s, o in pairs:
                add(s, q, o)
    for q in list(store.objects(p, INV) | store.subjects(INV, p)):  # prp-inv1, prp-inv2
        for s, o in pairs:
            add(o, q, s)
    kinds = store.objects(p, TYPE)
    if SYMMETRIC in kinds:  # prp-symp
        for s, o in pairs:
            add(o, p, s)
    if TRANSITIVE in kinds:  # prp-trp, the fresh triple first or second
        for s, o in pairs:
            for z in list(store.objects(o, p)):
                add(s, p, z)
            for x in list(store.subjects(p, s)):
                add(x, p, o)
    if FUNCTIONAL in kinds:  # prp-fp
        for s, o in pairs:
            for other in list(store.objects(s, p)):
                if other != o:
                    add(o, SAME, other)
                    add(other, SAME, o)
    if INVERSE_FUNCTIONAL in kinds:  # prp-ifp
        for s, o in pairs:
            for other in list(store.subjects(p, o)):
                if other != s:
                    add(s, SAME, other)
                    add(other, SAME, s)
    if store.equal:  # eq-rep-s, eq-rep-p, eq-rep-o with the fresh triple as the replaced one
        equal = store.equal
        for q in [q for q in store.objects(p, SAME) if q != p] if p in equal else ():
            for s, o in pairs:
                add(s, q, o)
        for s, o in pairs:
            if s in equal:
                for other in list(store.objects(s, SAME)):
                    add(other, p, o)
            if o in equal:
                for other in list(store.subjects(SAME, o)):
                    add(s, p, other)


def _same_as(store: _Store, x: int, y: int) -> None:
    if x == y:  # a reflexive owl:sameAs adds nothing through eq-sym, eq-trans or eq-rep-*
        return
    add = store.add
    add(y, SAME, x)  # eq-sym
    for z in list(store.objects(y, SAME)):  # eq-trans, first premise
        add(x, SAME, z)
    for w in list(store.subjects(SAME, x)):  # eq-trans, second premise
        add(w, SAME, y)
    for p in list(store.fwd):  # eq-rep-s, eq-rep-o
        for o in list(store.objects(x, p)):
            add(y, p, o)
        for s in list(store.subjects(p, y)):
            add(s, p, x)
    for s, o in store.pairs(x):  # eq-rep-p
        add(s, y, o)


def _domain(store: _Store, p: int, c: int) -> None:
    for x in list(store.fwd.get(p, {})):  # prp-dom
        store.add(x, TYPE, c)
    _domain_or_range(store, DOM, p, c)


def _range(store: _Store, p: int, c: int) -> None:
    for y in list(store.bwd.get(p, {})):  # prp-rng
        store.add(y, TYPE, c)
    _domain_or_range(store, RNG, p, c)


def _domain_or_range(store: _Store, kind: int, p: int, c: int) -> None:
    for c2 in list(store.objects(c, SCO)):  # scm-dom1, scm-rng1
        if c2 != c:
            store.add(p, kind, c2)
    for p1 in list(store.subjects(SPO, p)):  # scm-dom2, scm-rng2
        if p1 != p:
            store.add(p1, kind, c)


def _sub_property(store: _Store, p1: int, p2: int) -> None:
    add = store.add
    for x, y in store.pairs(p1):  # prp-spo1
        add(x, p2, y)
    if p1 != p2:
        for p3 in list(store.objects(p2, SPO)):  # scm-spo, first premise
            if p3 != p1:
                add(p1, SPO, p3)
        if store.has(p2, SPO, p1):  # scm-eqp2, both ways
            add(p1, EQP, p2)
            add(p2, EQP, p1)
        for kind in (DOM, RNG):  # scm-dom2, scm-rng2
            for c in list(store.objects(p2, kind)):
                add(p1, kind, c)
    for p0 in list(store.subjects(SPO, p1)):  # scm-spo, second premise
        if p0 != p1 and p0 != p2:
            add(p0, SPO, p2)


def _equivalent_property(store: _Store, p1: int, p2: int) -> None:
    if p1 == p2:
        return
    add = store.add
    for x, y in store.pairs(p1):  # prp-eqp1
        add(x, p2, y)
    for x, y in store.pairs(p2):  # prp-eqp2
        add(x, p1, y)
    add(p1, SPO, p2)  # scm-eqp1
    add(p2, SPO, p1)


def _inverse(store: _Store, p1: int, p2: int) -> None:
    for x, y in store.pairs(p1):  # prp-inv1
        store.add(y, p2, x)
    for x, y in store.pairs(p2):  # prp-inv2
        store.add(y, p1, x)


def _type(store: _Store, x: int, c: int) -> None:
    add = store.add
    for c2 in list(store.objects(c, SCO)):  # cax-sco
        if c2 != c:
            add(x, TYPE, c2)
    for c2 in list(store.objects(c, EQC) | store.subjects(EQC, c)):  # cax-eqc1, cax-eqc2
        if c2 != c:
            add(x, TYPE, c2)
    if c == CLASS:  # scm-cls
        add(x, SCO, x)
        add(x, EQC, x)
        add(x, SCO, THING)
        add(NOTHING, SCO, x)
    elif c in (OBJECT_PROPERTY, DATATYPE_PROPERTY, PROPERTY):  # scm-op, scm-dp
        add(x, SPO, x)
        add(x, EQP, x)
    elif c == SYMMETRIC:  # prp-symp, the type declared after the triples
        for s, o in store.pairs(x):
            add(o, x, s)
    elif c == TRANSITIVE:  # prp-trp
        for s, o in store.pairs(x):
            for z in list(store.objects(o, x)):
                add(s, x, z)
    elif c == FUNCTIONAL:  # prp-fp
        for objects in list(store.fwd.get(x, {}).values()):
            for y1 in list(objects):
                for y2 in list(objects):
                    if y1 != y2:
                        add(y1, SAME, y2)
    elif c == INVERSE_FUNCTIONAL:  # prp-ifp
        for subjects in list(store.bwd.get(x, {}).values()):
            for x1 in list(subjects):
                for x2 in list(subjects):
                    if x1 != x2:
                        add(x1, SAME, x2)


def _sub_class(store: _Store, c1: int, c2: int) -> None:
    add = store.add
    if c1 != c2:
        for x in list(store.subjects(TYPE, c1)):  # cax-sco
            add(x, TYPE, c2)
        for c3 in list(store.objects(c2, SCO)):  # scm-sco, first premise
            if c3 != c1:
                add(c1, SCO, c3)
        for kind in (DOM, RNG):  # scm-dom1, scm-rng1
            for p in list(store.subjects(kind, c1)):
                add(p, kind, c2)
    for c0 in list(store.subjects(SCO, c1)):  # scm-sco, second premise
        if c0 != c1 and c0 != c2:
            add(c0, SCO, c2)
    if store.has(c2, SCO, c1):  # scm-eqc2, both ways
        add(c1, EQC, c2)
        add(c2, EQC, c1)


def _equivalent_class(store: _Store, c1: int, c2: int) -> None:
    if c1 == c2:
        return
    add = store.add
    for x in list(store.subjects(TYPE, c1)):  # cax-eqc1
        add(x, TYPE, c2)
    for x in list(store.subjects(TYPE, c2)):  # cax-eqc2
        add(x, TYPE, c1)
    add(c1, SCO, c2)  # scm-eqc1
    add(c2, SCO, c1)


def _one_of(store: _Store, c: int, head: int) -> None:
    for y in _items(store, head):  # cls-oo
        store.add(y, TYPE, c)


def _items(store: _Store, head: int) -> list[int]:
    """The members of the rdf:List at ``head``; Unsupported unless each node has one first and one rest
    (owlrl's reading would then depend on the order of its store)."""
    items, seen, node = [], {head}, head
    while node is not None and store.terms[node]:  # as rdflib's Graph.items reads it
        first, rest = store.objects(node, FIRST), store.objects(node, REST)
        if len(first) > 1 or len(rest) > 1:
            raise Unsupported(f"list node {store.terms[node]!r} with several rdf:first or rdf:rest")
        items.extend(first)
        node = next(iter(rest), None)
        if node in seen:
            raise Unsupported(f"cyclic list at {store.terms[head]!r}")
        seen.add(node)
    return items


_SCHEMA_RULES = {
    SAME: _same_as,
    DOM: _domain,
    RNG: _range,
    SPO: _sub_property,
    EQP: _equivalent_property,
    INV: _inverse,
    TYPE: _type,
    SCO: _sub_class,
    EQC: _equivalent_class,
    ONE_OF: _one_of,
}


def _check(store: _Store) -> None:
    """Unsupported unless owlrl's other rules have nothing to act on and it finds no inconsistency."""
    used = [p for p in UNSUPPORTED_PREDICATES if store.fwd.get(store.ids.get(p, -1))]
    used += [c for c in UNSUPPORTED_CLASSES if store.subjects(TYPE, store.ids.get(c, -1))]
    if used:
        raise Unsupported("not implemented: " + ", ".join(sorted(map(str, used))))
    if store.subjects(TYPE, NOTHING):  # cls-nothing2
        raise Unsupported("an instance of owl:Nothing")
    for c1, c2 in store.pairs(DISJOINT):  # cax-dw
        if store.subjects(TYPE, c1) & store.subjects(TYPE, c2):
            raise Unsupported(f"{store.terms[c1]} and {store.terms[c2]} share an instance")
    for c, head in store.pairs(ONE_OF):  # cls-oo also holds for the lists as the closure reads them
        if any(not store.has(y, TYPE, c) for y in _items(store, head)):
            raise Unsupported(f"the list of {store.terms[c]} grew while chaining")
