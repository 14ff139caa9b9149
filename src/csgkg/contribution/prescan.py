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


# Turtle and N-Triples tokens; strings, IRIs and comments are skipped as a whole. A long string may
# end in up to two quotes of its own ("""a""""), and a name may hold backslash escapes (ex:a\#b),
# which are not comments.
_NAME_CHAR = r"(?:\\.|[^\s.;,\[\]()\"'<#\\])"
_TURTLE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"{0,2}"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'{0,2}'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^>]*>"  # rdflib reads an IRI up to the next ">", spaces and all
    r"|#[^\n]*"
    r"|[.;,\[\]()]"
    rf"|{_NAME_CHAR}+(?:\.{_NAME_CHAR}+)*",
    re.S,
)
_DIRECTIVES = ("@prefix", "@base")


def scan_turtle(text: str) -> Scan:
    """Turtle or N-Triples: a triple for each statement end (``.``, less those of ``@prefix`` and
    ``@base`` directives), each ``;`` and ``,``, each ``[``, and two for each item of a collection
    ``( )``; the depth is that of the nested ``[ ]`` and ``( )``."""
    statements = depth = 0
    stack: list[str] = []
    at_start = True  # the next token begins a statement or a directive
    directive = False  # in a directive, whose "." ends no statement
    for match in _TURTLE.finditer(text):
        token = match.group()
        if token[0] == "#":
            continue
        if stack and stack[-1] == "(" and token[0] not in ".;,])@^":
            statements += 2  # an item of a collection: rdf:first and rdf:rest
        if at_start and token in _DIRECTIVES:
            directive = True
        elif token == ".":
            statements += not directive
            directive = False
        elif token in (";", ","):
            statements += 1
        elif token in ("[", "("):
            stack.append(token)
            depth = max(depth, len(stack))
            statements += token == "["
        elif token in ("]", ")") and stack:
            stack.pop()
        at_start = token == "." and not stack
    return Scan(statements, depth)


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
