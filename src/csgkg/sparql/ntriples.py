"""Read an N-Triples file fast: the built ``dist/csgkg.nt`` is read on every cold start of a query.

rdflib's own N-Triples parser is general and takes about four times as long on this file, which
matters when a whole query must answer in under half a second. This reader handles the lines that an
N-Triples serialiser writes (one triple a line, absolute IRIs, ``_:`` blank nodes, literals with
escapes, a language tag or a datatype); on any other line it gives up and the caller falls back to
rdflib.
"""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

_LINE = re.compile(r"^(<[^>]*>|_:[A-Za-z0-9_.\-]+)\s+<([^>]*)>\s+(.+?)\s*\.\s*$")
_LITERAL = re.compile(r'^"((?:[^"\\]|\\.)*)"(?:@([A-Za-z]+(?:-[A-Za-z0-9]+)*)|\^\^<([^>]*)>)?$', re.S)
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|([tbnrf\"'\\]))")
_SIMPLE = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


class NTriplesSyntaxError(ValueError):
    """A line this reader does not handle."""


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        code = match.group(1) or match.group(2)
        return chr(int(code, 16)) if code else _SIMPLE[match.group(3)]

    return _ESCAPE.sub(replace, text)


def read_ntriples(path: Path, graph: Graph) -> Graph:
    """Add the triples of the N-Triples file at ``path`` to ``graph`` and return it.

    Raises :class:`NTriplesSyntaxError` on a line it cannot read (nothing is added then).
    """
    terms: dict[str, Node] = {}
    blanks: dict[str, BNode] = {}

    def node(text: str) -> Node:
        found = terms.get(text)
        if found is None:
            if text.startswith("<"):
                found = URIRef(_unescape(text[1:-1]))
            elif text.startswith("_:"):
                found = blanks.setdefault(text, BNode())
            else:
                match = _LITERAL.match(text)
                if match is None:
                    raise NTriplesSyntaxError(f"cannot read the term {text[:60]!r}")
                lexical, lang, datatype = match.groups()
                found = Literal(
                    _unescape(lexical), lang=lang, datatype=URIRef(datatype) if datatype else None
                )
            terms[text] = found
        return found

    quads = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            match = _LINE.match(line)
            if match is None:
                raise NTriplesSyntaxError(f"{path}:{number}: cannot read the line")
            subject, predicate, obj = match.groups()
            quads.append((node(subject), node(f"<{predicate}>"), node(obj), graph))
    graph.addN(quads)
    return graph
