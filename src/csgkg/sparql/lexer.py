"""Split SPARQL text into the few kinds of token that binding and parameter discovery need.

This is not a parser: it only tells comments, strings and IRIs (where ``#``, ``{`` and ``?x`` mean
nothing) from variables, braces, parentheses and words. The query is parsed for real, by rdflib,
before it runs (see :mod:`.safety`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_UNICODE_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")

_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'''(?:[^'\\]|\\.|'(?!''))*'''
              |"(?:[^"\\\n]|\\.)*"
              |'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)
  | (?P<punct>[{}()])
  | (?P<word>[A-Za-z_][A-Za-z0-9_\-]*(?::[^\s{}()<>"',;]*)?|:[^\s{}()<>"',;]*)
  | (?P<space>\s+)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    """One token: its kind (comment, string, iri, var, punct, word, other), text and offsets."""

    kind: str
    text: str
    start: int
    end: int


def expand_unicode_escapes(text: str) -> str:
    r"""Replace ``\uXXXX`` and ``\UXXXXXXXX`` by the characters they stand for.

    SPARQL applies these escapes to the whole query text before anything else, so ``SERVIC\u0045``
    *is* ``SERVICE``; every check must look at the expanded text.
    """

    def expand(match: re.Match[str]) -> str:
        return chr(int(match.group(1) or match.group(2), 16))

    return _UNICODE_ESCAPE.sub(expand, text)


def tokens(text: str) -> list[Token]:
    """The tokens of ``text`` except white space."""
    out = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind != "space":
            out.append(Token(kind, match.group(), match.start(), match.end()))
    return out


def variables(text: str) -> list[str]:
    """The names of the variables used in ``text`` (without ``?``), in order of first use."""
    seen: dict[str, None] = {}
    for token in tokens(text):
        if token.kind == "var":
            seen.setdefault(token.text[1:], None)
    return list(seen)
