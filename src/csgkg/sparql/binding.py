"""Bind query parameters as RDF terms, by injecting a ``VALUES`` block built from escaped terms.

The user's text never reaches the query: a parameter value is first resolved to an RDF term (an IRI
from the graph, or a literal), and only the term's escaped N3 form is written into the query. The
block goes at the start of the ``WHERE`` group of the query and of every subquery that uses the
parameter's variable, so the bound text is plain SPARQL 1.1 that any endpoint can run, and means
what grlc's substitution of the variable would mean. After parsing, :func:`check_bound_values`
makes sure that the parser read back exactly the terms we wrote.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from csgkg.core.errors import UsageError
from csgkg.sparql.lexer import Token, expand_unicode_escapes, tokens

# Characters that may not appear in an IRIREF (SPARQL 1.1 grammar, rule 139).
_BAD_IRI_CHARS = re.compile(r'[<>"{}|^`\\\x00-\x20]')
_CODEPOINT_ESCAPE = re.compile(r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}")
_QUERY_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}

Bindings = Mapping[str, Sequence[Node]]


def term_to_sparql(term: Node) -> str:
    """The SPARQL form of ``term``, escaped; refuse IRIs that could break out of ``<...>``."""
    if isinstance(term, URIRef):
        if _BAD_IRI_CHARS.search(str(term)):
            raise UsageError(f'not a valid IRI: {str(term)!r} (it contains a space or one of <>"{{}}|^`\\)')
        return f"<{term}>"
    if isinstance(term, Literal):
        if _CODEPOINT_ESCAPE.search(str(term)):
            # SPARQL expands \uXXXX everywhere before parsing, even inside strings: such a value
            # cannot be written as itself.
            raise UsageError(f"a value may not contain a \\u or \\U escape: {str(term)!r}")
        return term.n3()
    if isinstance(term, BNode):
        raise UsageError("a blank node cannot be a query parameter; give an IRI or a value")
    raise UsageError(f"cannot bind {term!r} as a query parameter")


def values_block(bindings: Bindings) -> str:
    """One ``VALUES`` block binding every variable.

    Several values for one variable give one row each (the rows are the cross product, so each
    variable may take any of its values)."""
    names = list(bindings)
    header = " ".join(f"?{name}" for name in names)
    rows = itertools.product(*(list(bindings[name]) for name in names))
    body = " ".join("(" + " ".join(term_to_sparql(term) for term in row) + ")" for row in rows)
    return f"VALUES ({header}) {{ {body} }}"


def _matching(toks: list[Token], open_index: int) -> int:
    """The index of the ``}`` that closes the ``{`` at ``open_index``."""
    depth = 0
    for index in range(open_index, len(toks)):
        if toks[index].kind == "punct" and toks[index].text == "{":
            depth += 1
        elif toks[index].kind == "punct" and toks[index].text == "}":
            depth -= 1
            if depth == 0:
                return index
    raise UsageError("the query has an unclosed '{'")


def _where_group(toks: list[Token], keyword: int) -> int | None:
    """The index of the ``{`` that opens the WHERE group of the query form at ``keyword``."""
    index = keyword + 1
    if toks[keyword].text.upper() == "CONSTRUCT":
        while index < len(toks) and toks[index].kind in ("comment",):
            index += 1
        if index < len(toks) and toks[index].text == "{":
            index = _matching(toks, index) + 1  # skip the template
    parens = 0
    for i in range(index, len(toks)):
        token = toks[i]
        if token.kind != "punct":
            continue
        if token.text == "(":
            parens += 1
        elif token.text == ")":
            parens -= 1
        elif token.text == "{" and parens == 0:
            return i
        elif token.text == "}" and parens == 0:
            return None  # a DESCRIBE without WHERE, inside a larger group: nothing to bind
    return None


def _indent_after(text: str, offset: int) -> str:
    """The indentation of the first non-blank line after ``offset`` (to keep the text tidy)."""
    for line in text[offset:].splitlines()[1:]:
        if line.strip():
            return line[: len(line) - len(line.lstrip())]
    return "  "


def inject_values(text: str, bindings: Bindings) -> str:
    """``text`` with a VALUES block for ``bindings`` at the start of the WHERE group of the query,
    and of each subquery, that uses one of the bound variables itself (not only in a subquery).

    Variable names are given without ``?``. A bound variable that the query never uses in a group
    is a UsageError (the parameter would silently do nothing).
    """
    bindings = {name: list(values) for name, values in bindings.items() if list(values)}
    if not bindings:
        return text
    text = expand_unicode_escapes(text)
    toks = tokens(text)
    scopes: list[tuple[int, int, int]] = []  # (query-form keyword, "{" of its group, matching "}")
    for index, token in enumerate(toks):
        if token.kind == "word" and token.text.upper() in _QUERY_FORMS:
            start = _where_group(toks, index)
            if start is not None:
                scopes.append((index, start, _matching(toks, start)))
    inserts: list[tuple[int, str]] = []
    used: set[str] = set()
    for _keyword, start, end in scopes:
        nested = [(k, e) for k, _, e in scopes if start < k < end]
        present = {
            toks[i].text[1:]
            for i in range(start, end)
            if toks[i].kind == "var" and not any(k <= i <= e for k, e in nested)
        }
        scoped = {name: values for name, values in bindings.items() if name in present}
        if scoped:
            used.update(scoped)
            inserts.append(
                (toks[start].end, f"\n{_indent_after(text, toks[start].end)}{values_block(scoped)}")
            )
    unused = sorted(set(bindings) - used)
    if unused:
        raise UsageError(f"the query does not use the variable(s) {', '.join('?' + u for u in unused)}")
    for offset, block in sorted(inserts, reverse=True):
        text = text[:offset] + block + text[offset:]
    return text


def check_bound_values(algebra: Any, bindings: Bindings) -> None:
    """Make sure that each VALUES table of the parsed query that binds a parameter holds exactly the
    terms we bound: a defence in depth against any value that could change the query's shape."""
    from rdflib.plugins.sparql.parserutils import CompValue

    expected = {name: set(values) for name, values in bindings.items() if list(values)}
    if not expected:
        return
    seen: set[str] = set()
    stack: list[Any] = [algebra]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name == "values":
                for row in node.get("res") or []:
                    for var, value in row.items():
                        name = str(var)
                        if name in expected:
                            seen.add(name)
                            if value not in expected[name]:
                                raise UsageError(f"parameter ?{name} was not bound as given; refusing")
            stack.extend(node.values())
        elif isinstance(node, list | tuple | set):
            stack.extend(node)
        elif isinstance(node, dict):
            stack.extend(node.values())
    missing = sorted(set(expected) - seen)
    if missing:
        raise UsageError(f"parameter(s) {', '.join('?' + m for m in missing)} could not be bound; refusing")
