"""Find the line of a node, or of one of its properties, in the text of the file that describes it.

rdflib keeps no line numbers, so we look for the written forms of a term (``<iri>``, ``prefix:local``
or the JSON string) in the file's own text, using the prefixes the file itself declares.
"""

from __future__ import annotations

import re

from rdflib import Graph, URIRef

from csgkg.io.parse import SourceFile

_PREFIX_LINE = re.compile(r"^\s*(@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE)
_LOCAL = re.compile(r"^[A-Za-z0-9_]([\w.-]*[\w-])?$")


def declared_prefixes(text: str) -> dict[str, str]:
    """The prefixes a Turtle text declares, as ``{prefix: namespace}``."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        match = _PREFIX_LINE.match(line)
        if match:
            found[match.group(2) or ""] = match.group(3)
    return found


def written_forms(term: URIRef, prefixes: dict[str, str]) -> list[str]:
    """Every way ``term`` may be written in a file with ``prefixes``: full IRI, CURIEs, JSON string."""
    iri = str(term)
    forms = [f"<{iri}>"]
    for prefix, namespace in prefixes.items():
        if namespace and iri.startswith(namespace):
            local = iri[len(namespace) :]
            if local == "" or _LOCAL.match(local):
                forms.append(f"{prefix}:{local}")
    forms.append(f'"{iri}"')
    if term == URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"):
        forms.append("a")
    return forms


def _contains(line: str, form: str) -> bool:
    if form.startswith(("<", '"')):
        return form in line
    return re.search(rf"(?<![\w:<#/.-]){re.escape(form)}(?![\w:-])", line) is not None


def _starts_statement(line: str) -> bool:
    return bool(line) and not line[0].isspace() and not line.startswith(("#", "@", "PREFIX", "prefix"))


def find_line(source: SourceFile, node: URIRef | None, path: URIRef | None = None) -> int | None:
    """The 1-based line where ``node`` is described in ``source`` (at ``path`` when given), if found."""
    if not isinstance(node, URIRef):
        return None
    if source.index:
        return source.index.get((node, path)) or source.index.get(node)
    lines = source.text.splitlines()
    prefixes = declared_prefixes(source.text)
    node_forms = written_forms(node, prefixes)
    start = None
    for number, line in enumerate(lines):
        if any(_contains(line, form) for form in node_forms) and (
            _starts_statement(line) or source.path.suffix != ".ttl"
        ):
            start = number
            break
    if start is None:
        for number, line in enumerate(lines):
            if any(_contains(line, form) for form in node_forms):
                start = number
                break
    if start is None:
        return None
    if isinstance(path, URIRef):
        path_forms = written_forms(path, prefixes)
        for number in range(start, len(lines)):
            if number > start and _starts_statement(lines[number]):
                break
            if any(_contains(lines[number], form) for form in path_forms):
                return number + 1
    return start + 1


def curie(term: object, graph: Graph | None = None) -> str:
    """A short readable form of a term: a CURIE with the csgkg prefixes, else the IRI or the literal."""
    from csgkg.core.namespaces import PREFIXES

    if isinstance(term, URIRef):
        iri = str(term)
        best = None
        for prefix, namespace in PREFIXES.items():
            fits = iri.startswith(namespace) and _LOCAL.match(iri[len(namespace) :] or "_")
            if fits and (best is None or len(namespace) > len(PREFIXES[best])):
                best = prefix
        if best is not None:
            return f"{best}:{iri[len(PREFIXES[best]) :]}"
        return f"<{iri}>"
    return str(term) if term is not None else ""
