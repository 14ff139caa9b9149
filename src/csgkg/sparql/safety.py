"""Refuse what a read-only query service must never run, by reading the parsed query.

Text search is not enough: SPARQL expands ``\\uXXXX`` escapes before anything else, so
``SERVIC\\u0045`` is ``SERVICE``, and a keyword may also sit in a comment or a string where it means
nothing. So the query is parsed with rdflib's SPARQL parser and its parse tree is walked:

- ``SERVICE`` (federated query: would make csgkg fetch from the network) is refused;
- ``FROM`` / ``FROM NAMED`` (rdflib would load the named graphs from the network) are refused;
- anything that parses as an update (``INSERT``, ``DELETE``, ``LOAD``, ``CLEAR``, ``DROP``, ...)
  is refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from csgkg.core.errors import UsageError

REFUSED_PARTS = {
    "ServiceGraphPattern": "SERVICE (a federated query to another endpoint)",
    "DatasetClause": "FROM / FROM NAMED (loading other graphs)",
}


class UnsafeQueryError(UsageError):
    """A query that csgkg refuses to run: it would reach the network or change data."""


class QuerySyntaxError(UsageError):
    """A query that is not valid SPARQL 1.1."""


def parse_checked(text: str) -> Any:
    """Parse ``text`` as a SPARQL query, refuse anything unsafe, and return the translated query.

    Raises :class:`UnsafeQueryError` for SERVICE, FROM, FROM NAMED or any update (LOAD included),
    and :class:`QuerySyntaxError` when the text is not a SPARQL query at all.
    """
    from pyparsing import ParseException
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        tree = parseQuery(text)
    except ParseException as exc:
        try:
            update = parseUpdate(text)
        except ParseException:
            raise QuerySyntaxError(_syntax_message(exc)) from None
        # CompValue.get returns the key itself for a missing key, so test membership.
        requests = list(update["request"]) if "request" in update else []
        if not requests:
            raise QuerySyntaxError(_syntax_message(exc)) from None
        kinds = sorted({_words(getattr(part, "name", "update")) for part in requests})
        raise UnsafeQueryError(
            f"updates are refused: this is a {', '.join(kinds)} request; "
            "csgkg runs read-only queries (SELECT, ASK, CONSTRUCT, DESCRIBE) only"
        ) from None
    except RecursionError:
        raise QuerySyntaxError("the query nests too deeply to be read") from None
    refuse_unsafe_parts(tree)
    return translateQuery(tree)


def refuse_unsafe_parts(tree: Any) -> None:
    """Raise :class:`UnsafeQueryError` if the parse tree holds SERVICE, FROM or FROM NAMED."""
    for name in _part_names(tree):
        if name in REFUSED_PARTS:
            raise UnsafeQueryError(
                f"{REFUSED_PARTS[name]} is refused: csgkg queries run on the csgkg graph only "
                "and never reach the network"
            )


def _part_names(node: Any) -> Iterator[str]:
    """The names of every parse-tree node under ``node`` (depth first)."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            yield item.name
            stack.extend(item.values())
        elif isinstance(item, ParseResults | list | tuple):
            stack.extend(item)


def _words(name: str) -> str:
    """``InsertData`` -> ``INSERT DATA``."""
    return re.sub(r"(?<!^)(?=[A-Z])", " ", name).upper()


def _syntax_message(exc: Exception) -> str:
    line = getattr(exc, "lineno", None)
    column = getattr(exc, "col", None)
    where = f" at line {line}, column {column}" if line is not None else ""
    found = getattr(exc, "line", "")
    text = f"the query is not valid SPARQL 1.1{where}"
    if found:
        text += f": {found.strip()}"
    return text
