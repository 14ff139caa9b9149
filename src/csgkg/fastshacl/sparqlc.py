"""SPARQL-based constraints (``sh:sparql``): one query for all focus nodes, or pySHACL's way.

pySHACL runs a constraint's SELECT once per focus node, with ``$this`` pre-bound, on rdflib, whose
joins pass bindings sideways (a FILTER inside a UNION branch sees variables bound before the UNION).
Standard SPARQL, which Oxigraph follows, does not. So a query is rewritten into a single query, its
``$this`` joined with the shape's targets, only when :func:`join_safe` finds that both readings agree;
otherwise it runs focus node by focus node with rdflib on a view of the store, exactly as pySHACL does.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from rdflib import Literal, Variable
from rdflib.namespace import SH
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node

from csgkg.fastshacl.model import ShapeSet, ShapeSpec, UnsupportedShapes
from csgkg.fastshacl.rewrite import KeyJoin, key_join, optimise


@dataclass
class SparqlConstraint:
    """One ``sh:sparql`` constraint of a shape, ready to run."""

    spec: ShapeSpec
    node: Node
    text: str  # the SELECT with its prefixes, as pySHACL runs it
    projected: list[str]
    messages: list[Literal]  # the messages each result carries (at most one)
    shape_messages: list[Literal]
    safe: bool

    @cached_property
    def fast_text(self) -> str | None:
        """An equivalent text Oxigraph answers faster over many focus nodes (see .rewrite)."""
        return optimise(self.text) if self.safe else None

    @cached_property
    def key_join(self) -> KeyJoin | None:
        """A cross product to run as a hash join first (see .rewrite)."""
        return key_join(self.text) if self.safe else None


class AnalysisCache:
    """What reading a constraint's query found (its projection, whether the joined form is safe, its
    rewrites), kept in a JSON file by the text's hash: parsing SPARQL with rdflib costs tens of
    milliseconds a query, too much for a one-file check that must answer in under a second."""

    VERSION = "1"

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.entries: dict[str, dict] = {}
        self.changed = False
        if path is not None:
            try:
                self.entries = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self.entries = {}

    @staticmethod
    def key(text: str) -> str:
        """The hash of ``text`` with its PREFIX lines sorted: pySHACL declares a shape's prefixes in
        an order that changes from run to run, and the order does not change what the query means."""
        lines = text.split("\n")
        prefixes = sorted(line for line in lines if line.startswith("PREFIX "))
        rest = [line for line in lines if not line.startswith("PREFIX ")]
        canonical = "\n".join([AnalysisCache.VERSION, *prefixes, *rest])
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def get(self, text: str) -> dict | None:
        return self.entries.get(self.key(text))

    def put(self, text: str, entry: dict) -> None:
        self.entries[self.key(text)] = entry
        self.changed = True

    def save(self) -> None:
        """Write the cache when something was added (a failure to write is not an error)."""
        if self.path is None or not self.changed:
            return
        try:
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps(self.entries), encoding="utf-8")
            tmp.replace(self.path)
        except OSError:
            pass


def _analyse(text: str) -> dict:
    """Projection, join safety and rewrites of one constraint query (the expensive part)."""
    query = prepareQuery(text)
    projected = [str(v) for v in query.algebra.get("PV", [])]
    safe = join_safe(query.algebra)
    joins = key_join(text) if safe else None
    return {
        "projected": projected,
        "safe": safe,
        "fast_text": optimise(text) if safe else None,
        "key_join": asdict(joins) if joins is not None else None,
    }


def read_constraints(
    shapes: ShapeSet, spec: ShapeSpec, cache: AnalysisCache | None = None
) -> list[SparqlConstraint]:
    """The active ``sh:sparql`` constraints of ``spec``."""
    from pyshacl.helper import get_query_helper_cls

    g = shapes.graph
    helper_cls = get_query_helper_cls()
    pyshape = shapes.sg.lookup_shape_from_node(spec.node)
    found = []
    for node in spec.params[SH.SPARQLConstraintComponent][SH.sparql]:
        selects = list(g.objects(node, SH.select))
        if len(selects) != 1:
            raise UnsupportedShapes(f"{spec.node}: a SPARQL constraint needs exactly one sh:select")
        deactivated = g.value(node, SH.deactivated)
        if isinstance(deactivated, Literal) and bool(deactivated.value):
            continue
        messages = sorted(g.objects(node, SH.message))
        helper = helper_cls(pyshape, node, str(selects[0]), messages=set(messages) or None, deactivated=False)
        helper.collect_prefixes()
        bindings, text = helper.pre_bind_variables(spec.node)
        if set(bindings) - {"this"}:
            raise UnsupportedShapes(f"{spec.node}: only $this may be pre-bound in a SPARQL constraint")
        text = helper.apply_prefixes(text)
        entry = cache.get(text) if cache is not None else None
        if entry is None:
            entry = _analyse(text)
            if cache is not None:
                cache.put(text, entry)
        projected = entry["projected"]
        if "failure" in projected:
            raise UnsupportedShapes(f"{spec.node}: ?failure in a SPARQL constraint is not supported")
        shape_messages = [spec.message] if spec.message is not None else []
        extra = [m for m in messages if m not in shape_messages]
        if len(extra) + len(shape_messages) > 1:
            raise UnsupportedShapes(f"{spec.node}: a result would carry more than one message")
        constraint = SparqlConstraint(spec, node, text, projected, extra, shape_messages, entry["safe"])
        constraint.__dict__["fast_text"] = entry["fast_text"]
        joins = entry["key_join"]
        constraint.__dict__["key_join"] = KeyJoin(**joins) if joins is not None else None
        found.append(constraint)
    return found


# --- when one joined query means what pySHACL's per-focus queries mean -------------------------------

_UNSAFE_NODES = {
    "Graph",
    "ServiceGraphPattern",
    "ToMultiSet",
    "Group",
    "AggregateJoin",
    "OrderBy",
    "Slice",
    "SelectQuery",
}
_EXISTS_PARTS_OK = {"BGP", "Join", "Filter"}


def _variables(node: Any, skip: Any = None) -> set[Variable]:
    """Every variable mentioned in an algebra or expression tree (outside the subtree ``skip``)."""
    found: set[Variable] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if skip is not None and item is skip:
            continue
        if isinstance(item, Variable):
            found.add(item)
        elif isinstance(item, CompValue):
            stack.extend(v for k, v in item.items() if k != "_vars")
        elif isinstance(item, list | tuple | set):
            stack.extend(item)
    return found


def _bound(node: Any) -> set[Variable]:
    """The variables certainly bound by every solution of a graph pattern."""
    if not isinstance(node, CompValue):
        return set()
    name = node.name
    if name == "BGP":
        return _variables(node["triples"])
    if name == "Join":
        return _bound(node.p1) | _bound(node.p2)
    if name in ("LeftJoin", "Minus", "Filter", "Extend"):
        return _bound(node.p1 if name in ("LeftJoin", "Minus") else node.p)
    if name == "Union":
        return _bound(node.p1) & _bound(node.p2)
    return set()


def _exists_ok(expr: Any) -> bool:
    """EXISTS patterns are substituted alike by both engines when they hold only triples and filters."""
    stack = [expr]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            if item.name in ("Builtin_EXISTS", "Builtin_NOTEXISTS") and not _plain_group(item.graph):
                return False
            stack.extend(v for k, v in item.items() if k != "_vars")
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return True


def _plain_group(node: Any) -> bool:
    """A graph pattern of triple patterns and filters only."""
    if not isinstance(node, CompValue) or node.name not in _EXISTS_PARTS_OK:
        return False
    if node.name == "Join":
        return _plain_group(node.p1) and _plain_group(node.p2)
    if node.name == "Filter":
        return _plain_group(node.p)
    return True


def join_safe(algebra: CompValue) -> bool:
    """True when joining the query with the targets gives pySHACL's per-focus answers.

    Conservative: no sub-queries, aggregates, ordering, slicing, named graphs; no EXISTS with nested
    groups; and no FILTER or BIND in a nested group that reads a variable bound only outside it.
    """
    ok = True

    def visit(node: Any, nested: bool) -> None:
        nonlocal ok
        if not isinstance(node, CompValue) or not ok:
            return
        name = node.name
        if name in _UNSAFE_NODES:
            ok = False
            return
        if name == "Filter" or name == "Extend":
            expr = node.expr
            if not _exists_ok(expr):
                ok = False
                return
            if nested:
                outside = _outer_overlap(algebra["p"], node) | {Variable("this")}
                if not _variables(expr) & outside <= _bound(node.p):
                    ok = False
                    return
            visit(node.p, nested)
            return
        if name == "LeftJoin" and not _exists_ok(node.expr):
            ok = False
            return
        for key in ("p", "p1", "p2"):
            if key in node:
                visit(node[key], nested or name in ("Join", "Union", "LeftJoin", "Minus"))

    top = algebra["p"]
    while isinstance(top, CompValue) and top.name in ("Project", "Distinct", "Reduced"):
        top = top.p
    visit(top, False)
    return ok


def _outer_overlap(root: Any, subtree: CompValue) -> set[Variable]:
    """Variables of ``subtree`` that also occur somewhere outside it."""
    return _variables(root, skip=subtree) & _variables(subtree)


# --- the joined query ----------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""(?P<comment>\#[^\n]*)
      | (?P<string>\"\"\"(?:[^\\]|\\.)*?\"\"\"|'''(?:[^\\]|\\.)*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
      | (?P<iri><[^<>"{}|^`\\\s]*>)
      | (?P<select>\bSELECT\b(?:\s+(?:DISTINCT|REDUCED)\b)?)
      | (?P<open>\{) | (?P<paren>[()])""",
    re.VERBOSE | re.IGNORECASE | re.DOTALL,
)


def joined_query(constraint: SparqlConstraint, target: str, original: bool = False) -> str:
    """The constraint's SELECT (its rewritten text unless ``original``) with ``?this`` projected and
    joined with the target pattern."""
    text = constraint.text if original or not constraint.fast_text else constraint.fast_text
    select_end = None
    depth = 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "select" and select_end is None:
            select_end = match.end()
        elif kind == "paren":
            depth += 1 if match.group() == "(" else -1
        elif kind == "open" and select_end is not None and depth == 0:
            brace = match.end()
            head = text[:select_end]
            projection = text[select_end : match.start()]
            if "this" not in constraint.projected and "*" not in projection:
                projection = " ?this" + projection
            return f"{head}{projection}{{ {target} {text[brace:]}"
    raise UnsupportedShapes(f"{constraint.spec.node}: cannot find the WHERE group of the SPARQL constraint")


# --- from rows to results, as pySHACL makes them ---------------------------------------------------------


def format_message(message: str, bound: dict[str, Node]) -> str:
    """pySHACL's substitution of ``{?var}`` and ``{$var}`` in a message."""
    for var, val in bound.items():
        message = re.sub(f"{{[?$]{var}}}", str(val), message)
    return message


def row_results(
    constraint: SparqlConstraint, focus: Node, row: dict[str, Node | None], seen: set
) -> tuple[Node, Node | None, Node | None, list[str]] | None:
    """One row of the query for ``focus``: (focus node, path, value, messages), or None when pySHACL
    makes no result of it (empty row, or one it has already reported for this focus)."""
    var_dict = {k: v for k, v in row.items() if v is not None and k in constraint.projected}
    path = var_dict.pop("path", None)
    value = var_dict.pop("value", None)
    this = var_dict.pop("this", None)
    if path is None and value is None and this is None:
        return None
    key = (focus, this, path, value, tuple(sorted(var_dict.items())))
    if key in seen:
        return None
    seen.add(key)
    if value is None and not constraint.spec.is_property:
        value = focus
    bound: dict[str, Node] = dict(var_dict)
    if this is not None:
        bound["this"] = this
    if path is not None:
        bound["path"] = path
    if value is not None:
        bound["value"] = value
    messages = [format_message(str(m.value), bound) for m in constraint.messages]
    messages += [format_message(str(m.value), bound) for m in constraint.shape_messages]
    result_path = path if path is not None else constraint.spec.path
    return this or focus, result_path, value, messages
