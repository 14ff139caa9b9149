"""Plan the work for each targeted shape: one task per constraint, each a query or a Python check.

A task returns the failing (focus node, value node) pairs, turned into results by the planner with the
shape's path, severity and message. Planning reads every shape first, so a shape the engine does not
support stops the run before any query is made.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from csgkg.fastshacl.checks import PYTHON_COMPONENTS, languages, value_checks
from csgkg.fastshacl.conditions import (
    ConditionCompiler,
    NotCompilable,
    allowed_closed,
    closed_filter,
    datatype_condition,
    in_condition,
    lang_condition,
    nodekind_condition,
)
from csgkg.fastshacl.keys import KeyTable, second_side_query, term_key
from csgkg.fastshacl.model import ShapeSet, ShapeSpec, UnsupportedShapes, path_sparql
from csgkg.fastshacl.nested import PythonEvaluator
from csgkg.fastshacl.results import RawResult
from csgkg.fastshacl.sparqlc import (
    AnalysisCache,
    SparqlConstraint,
    joined_query,
    read_constraints,
    row_results,
)
from csgkg.fastshacl.targets import TYPE, Classes, Focus, target_pattern
from csgkg.fastshacl.terms import sparql, to_oxigraph, to_rdflib

LOGICAL = {
    SH.NotConstraintComponent: SH["not"],
    SH.AndConstraintComponent: SH["and"],
    SH.OrConstraintComponent: SH["or"],
    SH.XoneConstraintComponent: SH.xone,
    SH.NodeConstraintComponent: SH.node,
}


@dataclass
class Task:
    """One unit of work: its name (for progress and timing) and what it does."""

    name: str
    run: Callable[[], list[RawResult]]


class Planner:
    """Turn shapes into tasks on one store."""

    def __init__(
        self,
        store: ox.Store,
        shapes: ShapeSet,
        focus: Focus,
        cache: AnalysisCache | None = None,
        keys: KeyTable | None = None,
    ) -> None:
        self.store = store
        self.cache = cache
        self.keys = keys  # the join keys of the index (.keys), for checks of a few focus nodes
        self.shapes = shapes
        self.focus = focus
        self.classes = Classes(store)
        self.compiler = ConditionCompiler(shapes, focus, self.classes)
        self._sizes: dict[str, int] = {}
        self.python = PythonEvaluator(store, shapes, focus)
        self._view = None

    # -- running queries ---------------------------------------------------------------------------

    def select(self, query: str) -> list[dict[str, Node | None]]:
        """The solutions of a SELECT on the union of the store's graphs, as rdflib terms."""
        answer = self.store.query(query, use_default_graph_as_union=True)
        names = [v.value for v in answer.variables]
        return [{n: to_rdflib(row[n]) for n in names} for row in answer]

    def pairs(self, query: str) -> set[tuple[Node, Node | None]]:
        """(?this, ?value) of each solution (value None when not selected)."""
        return {(row["this"], row.get("value")) for row in self.select(query)}

    # -- planning -------------------------------------------------------------------------------------

    def plan(self) -> list[Task]:
        """Every task for every shape with targets."""
        tasks: list[Task] = []
        targets_of = self.focus_targets()
        for spec in sorted(self.shapes.targeted(), key=lambda s: str(s.node)):
            if targets_of is None:
                target = target_pattern(spec, self.focus, self.classes)
            else:
                nodes = targets_of(spec)
                if not nodes:
                    continue  # none of the few focus nodes is a target of this shape: nothing to check
                target = f"VALUES ?this {{ {' '.join(sparql(n) for n in sorted(nodes))} }}"
            tasks.extend(self.plan_shape(spec, target))
        if self.cache is not None:
            self.cache.save()
        return tasks

    def focus_targets(self) -> Callable[[ShapeSpec], set[Node]] | None:
        """For a few focus nodes (a contribution): the focus nodes each shape targets, found from
        their types and the properties they are subject or object of (at most three queries), so
        that each check starts from a short VALUES list; None when every node is a focus node."""
        if not self.focus.restricted:
            return None
        nodes = set(self.focus.nodes or ())
        values = self.focus.values()
        types: dict[Node, set[Node]] = {}
        for row in self.select(f"SELECT DISTINCT ?this ?type WHERE {{ {values} ?this {TYPE} ?type }}"):
            types.setdefault(row["type"], set()).add(row["this"])
        specs = self.shapes.targeted()
        subjects = self._focus_uses(
            values, "?this ?p ?_any", {p for x in specs for p in x.target_subjects_of}
        )
        objects = self._focus_uses(values, "?_any ?p ?this", {p for x in specs for p in x.target_objects_of})

        def targets(spec: ShapeSpec) -> set[Node]:
            found = nodes.intersection(spec.target_nodes)
            for cls in spec.target_classes:
                for sub in self.classes.subclasses(cls):
                    found |= types.get(sub, set())
            for prop in spec.target_subjects_of:
                found |= subjects.get(prop, set())
            for prop in spec.target_objects_of:
                found |= objects.get(prop, set())
            return found

        return targets

    def _focus_uses(self, values: str, pattern: str, props: set[Node]) -> dict[Node, set[Node]]:
        """For each of ``props``: the focus nodes that match ``pattern`` with ``?p`` bound to it."""
        found: dict[Node, set[Node]] = {}
        if not props:
            return found
        query = (
            f"SELECT ?this ?p WHERE {{ {values} VALUES ?p {{ {' '.join(sparql(p) for p in sorted(props))} }} "
            f"FILTER EXISTS {{ {pattern} }} }}"
        )
        for row in self.select(query):
            found.setdefault(row["p"], set()).add(row["this"])
        return found

    def plan_shape(self, spec: ShapeSpec, target: str) -> list[Task]:
        """The tasks of one shape whose focus nodes are the solutions of ``target``."""
        if spec.deactivated:
            return []
        tasks: list[Task] = []
        for component in sorted(spec.params):
            if component == SH.PropertyConstraintComponent:
                for prop in spec.params[component][SH.property]:
                    tasks.extend(self.plan_shape(self.shapes.get(prop), self.values_target(spec, target)))
                continue
            if component == SH.SPARQLConstraintComponent:
                tasks.extend(
                    self.plan_sparql(spec, target, c) for c in read_constraints(self.shapes, spec, self.cache)
                )
                continue
            if spec.message is None:
                raise UnsupportedShapes(f"{spec.node}: shapes without sh:message are not supported")
            for name, run in self.plan_component(spec, component, target):
                tasks.append(Task(name, self._wrap(spec, component, run)))
        return tasks

    def values_target(self, spec: ShapeSpec, target: str) -> str:
        """The focus nodes of a property shape nested with sh:property: the parent's value nodes."""
        if not spec.is_property:
            return target
        path = path_sparql(self.shapes.graph, spec.path)
        return (
            f"{{ SELECT DISTINCT ?this WHERE {{ {{ SELECT (?this AS ?_parent) WHERE {{ {target} }} }} "
            f"?_parent {path} ?this . {self.focus.values()} }} }}"
        )

    def _wrap(
        self, spec: ShapeSpec, component: URIRef, run: Callable[[], Iterable[tuple[Node, Node | None]]]
    ) -> Callable[[], list[RawResult]]:
        def task() -> list[RawResult]:
            message = str(spec.message)
            return [
                RawResult(focus, spec.path, value, spec.node, component, spec.severity, message)
                for focus, value in run()
            ]

        return task

    def plan_component(
        self, spec: ShapeSpec, component: URIRef, target: str
    ) -> list[tuple[str, Callable[[], Iterable[tuple[Node, Node | None]]]]]:
        """(name, run) for each rule of one core component; run gives (focus, value) pairs."""
        params = spec.params[component]
        name = f"{spec.node} {component.split('#')[-1]}"
        if spec.is_property:
            path = path_sparql(self.shapes.graph, spec.path)
            values, var, select = f"?this {path} ?value .", "?value", "?this ?value"
        else:
            # A node shape's value node is the focus node itself.
            path, values, var, select = "", "", "?this", "?this (?this AS ?value)"
        if component == SH.MinCountConstraintComponent:
            n = int(params[SH.minCount][0])
            if n == 0:
                return []
            if not spec.is_property:
                return (
                    [(name, lambda: self.no_value(self.pairs(f"SELECT ?this WHERE {{ {target} }}")))]
                    if n > 1
                    else []
                )
            if n == 1:
                query = f"SELECT ?this WHERE {{ {target} FILTER NOT EXISTS {{ ?this {path} ?_v }} }}"
            else:
                query = (
                    f"SELECT ?this WHERE {{ {target} OPTIONAL {{ ?this {path} ?_v }} }} "
                    f"GROUP BY ?this HAVING (COUNT(DISTINCT ?_v) < {n})"
                )
            return [(name, lambda: self.no_value(self.pairs(query)))]
        if component == SH.MaxCountConstraintComponent:
            n = int(params[SH.maxCount][0])
            if not spec.is_property:
                return (
                    [(name, lambda: self.no_value(self.pairs(f"SELECT ?this WHERE {{ {target} }}")))]
                    if n < 1
                    else []
                )
            if n == 1:
                query = (
                    f"SELECT DISTINCT ?this WHERE {{ {target} ?this {path} ?_a . ?this {path} ?_b . "
                    "FILTER (!sameTerm(?_a, ?_b)) }"
                )
            else:
                query = (
                    f"SELECT ?this WHERE {{ {target} ?this {path} ?_v }} "
                    f"GROUP BY ?this HAVING (COUNT(DISTINCT ?_v) > {n})"
                )
            return [(name, lambda: self.no_value(self.pairs(query)))]
        if component == SH.HasValueConstraintComponent:
            found = []
            for h in params[SH.hasValue]:
                if spec.is_property:
                    query = (
                        f"SELECT ?this WHERE {{ {target} FILTER NOT EXISTS {{ ?this {path} {sparql(h)} }} }}"
                    )
                else:
                    query = f"SELECT ?this WHERE {{ {target} FILTER (!sameTerm(?this, {sparql(h)})) }}"
                found.append((name, lambda q=query: self.no_value(self.pairs(q))))
            return found
        if component == SH.ClassConstraintComponent:
            return [
                (name, lambda c=c: self.pairs(self.class_query(target, values, var, select, c)))
                for c in params[SH["class"]]
            ]
        if component == SH.ClosedConstraintComponent:
            if not allowed_closed(spec):
                return []
            test = closed_filter(self.shapes, spec, "?_p", "?_o")
            query = (
                f"SELECT DISTINCT ?this ?_p ?_o WHERE {{ {target} {values} {var} ?_p ?_o . FILTER ({test}) }}"
            )
            return [(name, lambda: self.closed_pairs(query))]
        condition = self.simple_condition(component, params, var)
        if condition is not None:
            query = f"SELECT DISTINCT {select} WHERE {{ {target} {values} FILTER (!({condition})) }}"
            return [(name, lambda: self.pairs(query))]
        if component in PYTHON_COMPONENTS or component == SH.DatatypeConstraintComponent:
            checks = value_checks(spec, component)
            query = f"SELECT DISTINCT {select} WHERE {{ {target} {values} }}"
            return [(name, lambda: self.python_pairs(query, checks))]
        if component in LOGICAL:
            return self.plan_logical(spec, component, target, values, var, select, name)
        raise UnsupportedShapes(f"{spec.node}: {component} is not supported")

    def size(self, target: str) -> int:
        """How many focus nodes a target pattern has (counted once)."""
        if target not in self._sizes:
            rows = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {target} }}")
            self._sizes[target] = int(rows[0]["n"]) if rows else 0
        return self._sizes[target]

    def class_query(self, target: str, values: str, var: str, select: str, cls: Node) -> str:
        """Value nodes that are not instances of ``cls``: for many focus nodes, one anti-join with all
        the instances (MINUS); for few, a lookup for each value (NOT EXISTS)."""
        if self.size(target) > 2000:
            test = f"MINUS {{ {self.classes.pattern(var, cls)} }}"
        else:
            test = f"FILTER (!{self.classes.test(var, cls)})"
        return f"SELECT DISTINCT {select} WHERE {{ {target} {values} {test} }}"

    def simple_condition(self, component: URIRef, params: dict, var: str) -> str | None:
        """The SPARQL test of value-level components SPARQL decides exactly (None for the others)."""
        if component == SH.DatatypeConstraintComponent:
            try:
                return datatype_condition(var, params[SH.datatype][0])
            except NotCompilable:
                return None
        if component == SH.NodeKindConstraintComponent:
            return nodekind_condition(var, params[SH.nodeKind][0])
        if component == SH.InConstraintComponent:
            return " && ".join(in_condition(var, self.shapes.items(lst)) for lst in params[SH["in"]])
        if component == SH.LanguageInConstraintComponent:
            return lang_condition(var, languages(self.shapes.items(params[SH.languageIn][0])))
        return None

    def plan_logical(
        self, spec: ShapeSpec, component: URIRef, target: str, values: str, var: str, select: str, name: str
    ) -> list[tuple[str, Callable[[], Iterable[tuple[Node, Node | None]]]]]:
        """sh:not, sh:and, sh:or, sh:xone, sh:node: in SPARQL when it can be, else node by node."""
        param = LOGICAL[component]
        found = []
        for value in spec.params[component][param]:
            single = ShapeSpec(spec.node, None, spec.severity, spec.message, {component: {param: [value]}})
            try:
                condition = self.compiler.value_condition(single, component, var)
            except NotCompilable:
                found.append(
                    (name, lambda s=single: self.python_logical(target, values, var, select, s, component))
                )
                continue
            query = f"SELECT DISTINCT {select} WHERE {{ {target} {values} FILTER (!({condition})) }}"
            found.append((name, lambda q=query: self.pairs(q)))
        return found

    # -- task bodies ------------------------------------------------------------------------------------

    @staticmethod
    def no_value(pairs: set[tuple[Node, Node | None]]) -> set[tuple[Node, None]]:
        return {(focus, None) for focus, _ in pairs}

    def closed_pairs(self, query: str) -> list[tuple[Node, tuple[Node, Node]]]:
        """(focus, (property, value)) of each triple a closed shape does not allow."""
        return [(row["this"], (row["_p"], row["_o"])) for row in self.select(query)]

    def python_pairs(self, query: str, checks: list) -> set[tuple[Node, Node]]:
        """The (focus, value) pairs some check rejects."""
        return {(r["this"], r["value"]) for r in self.select(query) if not all(c(r["value"]) for c in checks)}

    def python_logical(
        self, target: str, values: str, var: str, select: str, single: ShapeSpec, component: URIRef
    ) -> set[tuple[Node, Node | None]]:
        """A logical constraint decided in Python once for each distinct value node; then the focus
        nodes of the failing values are looked up."""
        projected = "?value" if var == "?value" else f"({var} AS ?value)"
        distinct = self.select(f"SELECT DISTINCT {projected} WHERE {{ {target} {values} }}")
        failing = {r["value"] for r in distinct if not self.python.value_ok(single, component, r["value"])}
        if not failing:
            return set()
        restrict = ""
        if not any(isinstance(v, BNode) for v in failing):
            restrict = f"VALUES {var} {{ {' '.join(sparql(v) for v in sorted(failing))} }}"
        rows = self.pairs(f"SELECT DISTINCT {select} WHERE {{ {restrict} {target} {values} }}")
        return {(focus, value) for focus, value in rows if value in failing}

    def plan_sparql(self, spec: ShapeSpec, target: str, constraint: SparqlConstraint) -> Task:
        """A SPARQL constraint: one joined query when safe, else pySHACL's per-focus queries."""
        name = f"{spec.node} sparql"
        keyed = self.keys is not None and self.keys.covers(constraint)
        if constraint.safe and self.size(target) > 2000 and constraint.key_join is not None:

            def rows() -> Iterable[tuple[Node, dict]]:
                return ((row["this"], row) for row in self.key_join_rows(constraint, target))

        elif constraint.safe and self.focus.restricted and keyed:
            # A few focus nodes, and the keys of the other side kept by the build (.keys).

            def rows() -> Iterable[tuple[Node, dict]]:
                return ((row["this"], row) for row in self.keyed_rows(constraint, target))

        elif constraint.safe and self.focus.restricted:
            # A few focus nodes (a contribution): one query per node with $this bound, as pySHACL
            # runs it; Oxigraph then plans from the bound node.

            def rows() -> Iterable[tuple[Node, dict]]:
                return self.substituted_rows(constraint, target)

        elif constraint.safe:
            query = joined_query(constraint, target)

            def rows() -> Iterable[tuple[Node, dict]]:
                return ((row["this"], row) for row in self.select(query))

        else:

            def rows() -> Iterable[tuple[Node, dict]]:
                return self.per_focus_rows(constraint, target)

        def run() -> list[RawResult]:
            seen: set = set()
            found = []
            for focus, row in rows():
                made = row_results(constraint, focus, row, seen)
                if made is None:
                    continue
                node, path, value, messages = made
                found.append(
                    RawResult(
                        node,
                        path,
                        value,
                        spec.node,
                        SH.SPARQLConstraintComponent,
                        spec.severity,
                        messages[0] if messages else "",
                    )
                )
            return found

        return Task(name, run)

    def key_join_rows(self, constraint: SparqlConstraint, target: str) -> list[dict[str, Node | None]]:
        """A query whose two parts meet on a key: find the nodes that meet with a hash join in Python,
        then run the query on those nodes only (the answer is the same: every solution pairs two
        nodes whose keys are equal and which are different nodes)."""
        join = constraint.key_join
        assert join is not None
        first_target = target if "?this" in join.first else ""
        first = self.select(
            f"SELECT DISTINCT {join.first_node} ?_k WHERE {{ {first_target} {join.first} "
            f"BIND ({join.first_key} AS ?_k) FILTER (BOUND(?_k)) }}"
        )
        second = self.select(second_side_query(join))
        return self.meet(constraint, target, first, second)

    def keyed_rows(self, constraint: SparqlConstraint, target: str) -> list[dict[str, Node | None]]:
        """As :meth:`key_join_rows` for a few focus nodes: the second side is computed only for the
        nodes the key table finds with the focus nodes' keys, and for the focus nodes themselves
        (which hold the contribution). The table only narrows the search; the rows come from the
        constraint's own query."""
        join = constraint.key_join
        assert join is not None and self.keys is not None
        first = self.select(
            f"SELECT DISTINCT {join.first_node} ?_k WHERE {{ {target} {join.first} "
            f"BIND ({join.first_key} AS ?_k) FILTER (BOUND(?_k)) }}"
        )
        if not first:
            return []
        candidates = set(self.keys.nodes(constraint, (row["_k"] for row in first)))
        candidates.update(term_key(node) for node in self.focus.nodes or ())
        values = f"VALUES {join.second_node} {{ {' '.join(sorted(candidates))} }}"
        second = self.select(second_side_query(join, values))
        return self.meet(constraint, target, first, second)

    def meet(
        self,
        constraint: SparqlConstraint,
        target: str,
        first: list[dict[str, Node | None]],
        second: list[dict[str, Node | None]],
    ) -> list[dict[str, Node | None]]:
        """Join the keyed rows of both sides in Python, then run the constraint's query on the nodes
        that met."""
        join = constraint.key_join
        assert join is not None
        a, b = join.first_node[1:], join.second_node[1:]
        by_key: dict[Node, list[Node]] = {}
        for row in second:
            by_key.setdefault(row["_k"], []).append(row[b])
        met_a: set[Node] = set()
        met_b: set[Node] = set()
        for row in first:
            for other in by_key.get(row["_k"], ()):
                if other != row[a] or not isinstance(other, URIRef | BNode):
                    met_a.add(row[a])
                    met_b.add(other)
        if not met_a:
            return []
        restrict = ""
        for var, nodes in ((a, met_a), (b, met_b)):
            if not any(isinstance(n, BNode) for n in nodes):
                restrict += f" VALUES ?{var} {{ {' '.join(sparql(n) for n in sorted(nodes))} }}"
        return self.select(joined_query(constraint, f"{target}{restrict}"))

    def substituted_rows(self, constraint: SparqlConstraint, target: str) -> Iterable[tuple[Node, dict]]:
        """The constraint run once per focus node, ``$this`` substituted (SEP-0007) in Oxigraph."""
        text = constraint.fast_text or constraint.text
        for row in self.select(f"SELECT DISTINCT ?this WHERE {{ {target} }}"):
            focus = row["this"]
            answer = self.store.query(
                text, use_default_graph_as_union=True, substitutions={ox.Variable("this"): to_oxigraph(focus)}
            )
            names = [v.value for v in answer.variables]
            for solution in answer:
                found = {n: to_rdflib(solution[n]) for n in names}
                found.setdefault("this", focus)
                yield focus, found

    def per_focus_rows(self, constraint: SparqlConstraint, target: str) -> Iterable[tuple[Node, dict]]:
        """Run the constraint once per focus node with rdflib on a view of the store, as pySHACL does."""
        from rdflib.plugins.sparql import prepareQuery

        from csgkg.fastshacl.rdfview import StoreGraph

        if self._view is None:
            self._view = StoreGraph(self.store)
        query = prepareQuery(constraint.text)  # the text declares its prefixes
        for row in self.select(f"SELECT ?this WHERE {{ {target} }}"):
            focus = row["this"]
            answer = self._view.query(query, initBindings={"this": focus})
            names = [str(v) for v in answer.vars or []]
            for solution in answer:
                yield focus, dict(zip(names, solution, strict=True))


def closed_results(raws: list[RawResult]) -> list[RawResult]:
    """Closed-shape results carry (property, value) in ``value``: put the property into ``path``."""
    fixed = []
    for raw in raws:
        if raw.component == SH.ClosedConstraintComponent and isinstance(raw.value, tuple):
            prop, value = raw.value
            fixed.append(
                RawResult(raw.focus, prop, value, raw.shape, raw.component, raw.severity, raw.message)
            )
        else:
            fixed.append(raw)
    return fixed


__all__ = ["Literal", "Planner", "Task", "closed_results"]
