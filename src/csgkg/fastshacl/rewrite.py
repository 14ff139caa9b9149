"""Rewrite a SPARQL constraint into an equivalent query Oxigraph answers in linear time.

Only "flat" queries are rewritten: a WHERE group of triple patterns and FILTERs. Two rewrites:

- ``FILTER NOT EXISTS { P }`` (P: two or more triple patterns, sharing variables with the group, all
  of them bound by the group's triples) becomes ``OPTIONAL { P' BIND (true AS ?f) } FILTER
  (!BOUND(?f))``, P' being P with its own variables renamed apart. Both keep a solution exactly when
  P has no match for its bindings; Oxigraph plans such a NOT EXISTS badly, scanning for every row
  (it grows with the square of the data), and the left join well. A NOT EXISTS of one triple pattern is a
  direct lookup and stays.
- A pattern in two parts that share no variable, linked by a FILTER conjunct ``f(?a) = g(?b)``
  (``f`` and ``g`` chains of ``STR``/``LCASE``/``UCASE``) and a conjunct ``?x != ?y`` between a node of
  each part, is a cross product (quadratic). :func:`key_join` describes it so that the caller can find
  the few nodes that meet on a key in Python (a hash join), then run the unchanged query on them only.

Anything else is left as it is (:func:`optimise` returns None).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rdflib import BNode, Literal, URIRef, Variable
from rdflib.paths import AlternativePath, InvPath, MulPath, NegatedPath, Path, SequencePath
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue

_LEX = re.compile(
    r"""(?P<comment>\#[^\n]*)
      | (?P<string>\"\"\"(?:[^\\]|\\.)*?\"\"\"|'''(?:[^\\]|\\.)*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
      | (?P<iri><[^<>"{}|^`\\\s]*>)
      | (?P<var>[?$][A-Za-z_][A-Za-z0-9_]*)
      | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<open>[{(]) | (?P<close>[})])""",
    re.VERBOSE | re.DOTALL,
)
_NOT_FLAT = {"OPTIONAL", "UNION", "MINUS", "BIND", "VALUES", "GRAPH", "SERVICE", "SELECT", "EXISTS"}
_KEY_FUNCTIONS = {"Builtin_STR": "STR", "Builtin_LCASE": "LCASE", "Builtin_UCASE": "UCASE"}


class _Group:
    """The WHERE group of a query, cut into its triples text and its FILTER clauses."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.open = self.close = -1
        self.filters: list[tuple[int, int, bool]] = []  # (start, end, is NOT EXISTS)
        self.flat = self._scan()

    def _scan(self) -> bool:
        tokens = list(_LEX.finditer(self.text))
        seen_select = False
        depth = 0
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            kind, value = tok.lastgroup, tok.group()
            if kind == "word" and value.upper() == "SELECT" and not seen_select:
                seen_select = True
            elif kind == "open":
                if value == "{" and seen_select and depth == 0 and self.open < 0:
                    self.open = tok.start()
                depth += 1
            elif kind == "close":
                depth -= 1
                if value == "}" and depth == 0 and self.open >= 0:
                    self.close = tok.start()
                    return self.text[tok.end() :].strip() == ""
            elif kind == "word" and self.open >= 0 and depth == 1:
                word = value.upper()
                if word == "FILTER":
                    end, not_exists = self._filter_end(tokens, i)
                    if end is None:
                        return False
                    self.filters.append((tok.start(), tokens[end].end(), not_exists))
                    i = end + 1
                    continue
                if word in _NOT_FLAT:
                    return False
            i += 1
        return False

    def _filter_end(self, tokens: list[re.Match], i: int) -> tuple[int | None, bool]:
        """The index of the last token of the FILTER clause starting at token ``i``."""
        j = i + 1
        not_exists = False
        words = []
        while j < len(tokens) and tokens[j].lastgroup == "word":
            words.append(tokens[j].group().upper())
            j += 1
        if words == ["NOT", "EXISTS"]:
            not_exists = True
        elif words and words != ["EXISTS"] and len(words) != 1:
            return None, False
        if words == ["EXISTS"]:
            return None, False
        if j >= len(tokens) or tokens[j].lastgroup != "open":
            return None, False
        if not_exists and tokens[j].group() != "{":
            return None, False
        depth = 0
        for k in range(j, len(tokens)):
            kind = tokens[k].lastgroup
            if kind == "open":
                depth += 1
            elif kind == "close":
                depth -= 1
                if depth == 0:
                    return k, not_exists
        return None, False


def _term(t: object) -> str:
    if isinstance(t, Variable):
        return f"?{t}"
    if isinstance(t, URIRef):
        return f"<{t}>"
    if isinstance(t, Literal):
        return t.n3()
    if isinstance(t, Path):
        return _path(t)
    raise ValueError(f"cannot write {t!r}")


def _path(p: object) -> str:
    if isinstance(p, URIRef):
        return f"<{p}>"
    if isinstance(p, SequencePath):
        return "(" + "/".join(_path(a) for a in p.args) + ")"
    if isinstance(p, AlternativePath):
        return "(" + "|".join(_path(a) for a in p.args) + ")"
    if isinstance(p, InvPath):
        return f"^({_path(p.arg)})"
    if isinstance(p, MulPath):
        return f"({_path(p.path)}){p.mod}"
    if isinstance(p, NegatedPath):
        raise ValueError("negated property sets are not rewritten")
    raise ValueError(f"cannot write path {p!r}")


def _triples_text(triples: list[tuple]) -> str:
    return " ".join(f"{_term(s)} {_term(p)} {_term(o)} ." for s, p, o in triples)


def _bgp(algebra: CompValue) -> list[tuple] | None:
    """The triples of a query whose pattern is one BGP, optionally filtered (else None)."""
    node = algebra["p"]
    while isinstance(node, CompValue) and node.name in ("Project", "Distinct", "Reduced", "Extend", "Filter"):
        node = node.p
    if not isinstance(node, CompValue) or node.name != "BGP":
        return None
    triples = list(node.triples)
    if any(isinstance(t, BNode) for triple in triples for t in triple):
        return None
    return triples


def _vars(triples: list[tuple]) -> set[Variable]:
    found: set[Variable] = set()
    for triple in triples:
        for t in triple:
            if isinstance(t, Variable):
                found.add(t)
    return found


def _components(triples: list[tuple]) -> list[list[tuple]]:
    """The triples split into groups connected by shared variables (``?this`` joins its group)."""
    groups: list[tuple[set[Variable], list[tuple]]] = []
    for triple in triples:
        names = _vars([triple])
        touching = [g for g in groups if g[0] & names]
        merged_vars, merged = set(names), [triple]
        for g in touching:
            merged_vars |= g[0]
            merged += g[1]
            groups.remove(g)
        groups.append((merged_vars, merged))
    return [g[1] for g in groups]


def _key_expression(expr: object) -> tuple[str, set[Variable]] | None:
    """``expr`` as text when it is a chain of STR/LCASE/UCASE over one variable, with STR innermost."""
    names = []
    node = expr
    while isinstance(node, CompValue) and node.name in _KEY_FUNCTIONS:
        names.append(_KEY_FUNCTIONS[node.name])
        node = node.arg
    if not isinstance(node, Variable) or not names or names[-1] != "STR":
        return None
    text = f"?{node}"
    for name in reversed(names):
        text = f"{name}({text})"
    return text, {node}


def _conjuncts(expr: object) -> list[object]:
    if isinstance(expr, CompValue) and expr.name == "ConditionalAndExpression":
        out = []
        for part in [expr.expr, *(expr.other or [])]:
            out.extend(_conjuncts(part))
        return out
    return [expr]


@lru_cache(maxsize=256)
def _parse(text: str) -> CompValue | None:
    try:
        return prepareQuery(text).algebra
    except Exception:
        return None


def _flat_bgp(text: str) -> tuple[_Group, list] | None:
    """The group and the triple patterns of a flat query whose pattern is one basic graph pattern
    (with filters); None for any other query."""
    group = _Group(text)
    if not group.flat or group.open < 0:
        return None
    algebra = _parse(text)
    triples = _bgp(algebra) if algebra is not None else None
    return (group, triples) if triples else None


def optimise(text: str) -> str | None:
    """A faster text for a flat SPARQL constraint query, with the same answers (None: unchanged)."""
    flat = _flat_bgp(text)
    if flat is None:
        return None
    group, triples = flat
    head = text[: group.open]
    prologue = text[: _prologue_end(text)]
    bound = _vars(triples) | {Variable("this")}
    minus: list[str] = []
    kept: list[str] = []
    for start, end, not_exists in group.filters:
        clause = text[start:end]
        if not_exists:
            inner = clause[clause.index("{") :]
            sub = _parse(f"{prologue} SELECT * WHERE {inner}")
            p_triples = _bgp(sub) if sub is not None else None
            shared = _vars(p_triples or []) & bound
            if p_triples and len(p_triples) == 1:
                kept.append(clause)  # one triple pattern: Oxigraph looks it up directly
                continue
            if p_triples and shared and shared <= bound and _only_bgp(sub):
                local = {str(v): f"?_absent{len(minus)}_{v}" for v in sorted(_vars(p_triples) - bound)}
                # P as written (Oxigraph keeps the written order inside OPTIONAL), own variables renamed
                renamed = _rename(inner[1:-1], local)
                if local:  # a variable of P's own is bound exactly when P matches
                    flag, extra = next(iter(local.values())), ""
                else:
                    flag = f"?_absent{len(minus)}"
                    extra = f"BIND (true AS {flag})"
                minus.append(f"OPTIONAL {{ {renamed} {extra} }} FILTER (!BOUND({flag}))")
                continue
            return None
        kept.append(clause)
    if not minus:
        return None
    return f"{head}{{ {_triples_text(triples)} {' '.join(kept)} {' '.join(minus)} }}"


def _rename(text: str, names: dict[str, str]) -> str:
    """``text`` with each variable in ``names`` (by name, without ? or $) renamed."""

    def replace(match: re.Match[str]) -> str:
        if match.lastgroup == "var" and match.group()[1:] in names:
            return names[match.group()[1:]]
        return match.group()

    return _LEX.sub(replace, text)


def _only_bgp(algebra: CompValue) -> bool:
    node = algebra["p"]
    while isinstance(node, CompValue) and node.name in ("Project", "Distinct", "Reduced"):
        node = node.p
    return isinstance(node, CompValue) and node.name == "BGP"


def _prologue_end(text: str) -> int:
    for match in _LEX.finditer(text):
        if match.lastgroup == "word" and match.group().upper() == "SELECT":
            return match.start()
    return 0


@dataclass(frozen=True)
class KeyJoin:
    """Two parts of a query's pattern linked only by a key equality and a node inequality.

    ``first`` holds ``?this`` when either does. Run as: the keys of each part (two linear queries),
    a join in Python, then the query itself restricted to the nodes that met (see components).
    """

    first: str
    second: str
    first_key: str
    second_key: str
    first_node: str
    second_node: str


def key_join(text: str) -> KeyJoin | None:
    """The key join of a flat query whose pattern splits into two parts, linked only by a FILTER
    conjunct ``f(?a) = g(?b)`` and a conjunct ``?x != ?y`` between nodes of the two parts."""
    flat = _flat_bgp(text)
    if flat is None:
        return None
    group, triples = flat
    parts = _components(triples)
    if len(parts) != 2:
        return None
    prologue = text[: _prologue_end(text)]
    keys, unequal = [], []
    for start, end, not_exists in group.filters:
        if not_exists:
            continue
        sub = _parse(f"{prologue} SELECT * WHERE {{ {text[start:end]} }}")
        node = sub["p"] if sub is not None else None
        while isinstance(node, CompValue) and node.name in ("Project", "Distinct", "Reduced"):
            node = node.p
        if not (isinstance(node, CompValue) and node.name == "Filter"):
            continue
        for part in _conjuncts(node.expr):
            if not (isinstance(part, CompValue) and part.name == "RelationalExpression"):
                continue
            if part.op == "=":
                left, right = _key_expression(part.expr), _key_expression(part.other)
                if left and right:
                    keys.append((left, right))
            elif part.op == "!=" and isinstance(part.expr, Variable) and isinstance(part.other, Variable):
                unequal.append((part.expr, part.other))
    one, two = _vars(parts[0]), _vars(parts[1])
    if Variable("this") in two:
        parts.reverse()
        one, two = two, one
    for (left, lvars), (right, rvars) in keys:
        if rvars <= one and lvars <= two:
            (left, lvars), (right, rvars) = (right, rvars), (left, lvars)
        if not (lvars <= one and rvars <= two):
            continue
        for x, y in unequal:
            if y in one and x in two:
                x, y = y, x
            if x in one and y in two and _subject_only(x, parts[0]) and _subject_only(y, parts[1]):
                return KeyJoin(
                    _triples_text(parts[0]), _triples_text(parts[1]), left, right, f"?{x}", f"?{y}"
                )
    return None


def _subject_only(var: Variable, triples: list[tuple]) -> bool:
    """The variable only ever stands as a subject (so it is an IRI or a blank node)."""
    return all(var not in (p, o) for _, p, o in triples) and any(s == var for s, _, _ in triples)
