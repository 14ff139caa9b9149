"""Count a contribution's statements and measure its nesting from its text, before it is parsed.

The scans tokenise the text with regular expressions and build no graph, so a file too large or too
deep for a check is refused at once instead of using up the check's time or stack. For Turtle and
N-Triples the count is never below the number of triples the file holds; for JSON-LD it counts the
values, for the YAML form the values times the statements one value becomes (itself and its claim).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml


@dataclass(frozen=True)
class Scan:
    """What a pre-scan found: an estimate of the statements and the deepest nesting."""

    statements: int
    depth: int


# Turtle and N-Triples tokens; strings, IRIs and comments are skipped as a whole.
_TURTLE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^>\s]*>"
    r"|#[^\n]*"
    r"|[.;,\[\]()]"
    r"|[^\s.;,\[\]()\"'<#]+(?:\.[^\s.;,\[\]()\"'<#]+)*",
    re.S,
)
_DIRECTIVES = ("@prefix", "@base")


def scan_turtle(text: str) -> Scan:
    """Turtle or N-Triples: a triple for each statement end (``.``, less the directives), each ``;``
    and ``,``, each ``[`` with statements in it, and two for each item of a collection ``( )``;
    the depth is that of the nested ``[ ]`` and ``( )``."""
    statements = depth = 0
    stack: list[str] = []
    for match in _TURTLE.finditer(text):
        token = match.group()
        first = token[0]
        if first == "#":
            continue
        if stack and stack[-1] == "(" and first not in ".;,])" and token[0] not in "@^":
            statements += 2  # an item of a collection: rdf:first and rdf:rest
        if token in (".", ";", ","):
            statements += 1
        elif token in ("[", "("):
            stack.append(token)
            depth = max(depth, len(stack))
            statements += token == "["
        elif token in ("]", ")"):
            if stack:
                stack.pop()
        elif token.lower() in _DIRECTIVES:
            statements -= 1  # its "." ends no statement
    return Scan(max(statements, 0), depth)


_JSON = re.compile(r'"(?:[^"\\]|\\.)*"\s*(:)?|[{}\[\]]|[-0-9.eE+]+|true|false|null')


def scan_json(text: str) -> Scan:
    """JSON-LD: every value (a string, number, literal name or object that is not a key) counts as
    a statement; the depth is that of the nested objects and arrays."""
    statements = depth = level = 0
    for match in _JSON.finditer(text):
        token = match.group()
        if token in ("{", "["):
            level += 1
            depth = max(depth, level)
            statements += token == "{"
        elif token in ("}", "]"):
            level -= 1
        elif match.group(1) is None:  # not a key
            statements += 1
    return Scan(statements, depth)


# The statements one value of the YAML form becomes: itself and a claim of five or six statements.
YAML_STATEMENTS_PER_VALUE = 7


def scan_yaml(text: str) -> Scan:
    """The YAML form: each scalar that is not a key becomes up to ``YAML_STATEMENTS_PER_VALUE``
    statements; the depth is that of the nested mappings and sequences. The text is read as a stream
    of parser events (no document is built); a syntax error is left for the full reading to report,
    with its line."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    values = depth = 0
    # One entry per open collection: for a mapping, True when its next node is a key; None for a sequence.
    open_: list[bool | None] = []
    try:
        for event in yaml.parse(text, Loader=loader):
            if not isinstance(event, yaml.NodeEvent | yaml.CollectionEndEvent):
                continue
            if isinstance(event, yaml.CollectionEndEvent):
                open_.pop()
                continue
            is_key = bool(open_) and open_[-1] is True
            if open_ and open_[-1] is not None:
                open_[-1] = not open_[-1]  # a mapping alternates between keys and values
            if isinstance(event, yaml.CollectionStartEvent):
                open_.append(True if isinstance(event, yaml.MappingStartEvent) else None)
                depth = max(depth, len(open_))
            elif not is_key:
                values += 1
    except yaml.YAMLError:
        pass
    return Scan(values * YAML_STATEMENTS_PER_VALUE, depth)


def prescan(text: str, suffix: str) -> Scan:
    """The scan for a file whose name ends with ``suffix`` (``.ttl``, ``.nt``, ``.jsonld``, ``.json``,
    ``.yaml`` or ``.yml``)."""
    suffix = suffix.lower()
    if suffix in (".yaml", ".yml"):
        return scan_yaml(text)
    if suffix in (".jsonld", ".json"):
        return scan_json(text)
    return scan_turtle(text)
