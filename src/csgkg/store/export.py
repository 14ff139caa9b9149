"""Write the release formats of a large graph by streaming, never holding it in rdflib.

The union graph is written as N-Triples graph by graph from the store, then sorted and deduplicated
(``sort -u`` in the C locale, which orders UTF-8 as code points, like the small build's Python sort).
Turtle and JSON-LD are then written from the sorted lines, one subject at a time: Turtle with the
csgkg prefixes, JSON-LD in expanded form (a compacted document would need the whole graph in memory).
Blank nodes keep the labels the store gives them (the small build relabels them canonically).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox

from ..namespaces import PREFIXES

Advance = Callable[[int], None]
_LINE = re.compile(r"^(\S+) (\S+) (.*) \.$")
_LOCAL = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")
_LITERAL = re.compile(r'^"((?:[^"\\]|\\.)*)"(?:@([A-Za-z0-9-]+)|\^\^<([^>]*)>)?$', re.S)
_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")


def write_ntriples(store: ox.Store, graphs: list[str], out: Path, advance: Advance | None = None) -> int:
    """The union of ``graphs`` as sorted, deduplicated N-Triples in ``out``; returns the line count."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, raw = tempfile.mkstemp(prefix=".unsorted-", suffix=".nt", dir=out.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            for number, iri in enumerate(graphs, 1):
                store.dump(handle, format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(iri))
                if advance is not None and number % 1000 == 0:
                    advance(1000)
        if advance is not None:
            advance(len(graphs) % 1000)
        tmp = out.with_name(f".{out.name}.tmp")
        _sort_unique(Path(raw), tmp)
        os.replace(tmp, out)
    finally:
        Path(raw).unlink(missing_ok=True)
    with out.open("rb") as handle:
        return sum(1 for _ in handle)


def _sort_unique(source: Path, target: Path) -> None:
    """``sort -u`` in the C locale, or Python's sort when there is no ``sort`` program."""
    program = shutil.which("sort")
    if program:
        env = {**os.environ, "LC_ALL": "C"}
        command = [program, "-u", "-S", "25%", "-T", str(target.parent), "-o", str(target), str(source)]
        if subprocess.run(command, env=env, check=False).returncode == 0:
            return
    with source.open("rb") as handle:
        lines = sorted({line for line in handle if line.strip()})
    with target.open("wb") as handle:
        handle.writelines(lines)


def _subjects(nt: Path) -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """(subject, [(predicate, object), ...]) for each subject of sorted N-Triples."""
    current, pairs = None, []
    with nt.open(encoding="utf-8") as handle:
        for line in handle:
            match = _LINE.match(line.rstrip("\n"))
            if match is None:
                continue
            s, p, o = match.groups()
            if s != current:
                if current is not None:
                    yield current, pairs
                current, pairs = s, []
            pairs.append((p, o))
    if current is not None:
        yield current, pairs


def _curie(term: str, used: set[str]) -> str:
    if not term.startswith("<"):
        return term
    iri = term[1:-1]
    best = None
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and (best is None or len(namespace) > len(PREFIXES[best])):
            best = prefix
    if best is not None and _LOCAL.match(iri[len(PREFIXES[best]) :]):
        used.add(best)
        return f"{best}:{iri[len(PREFIXES[best]) :]}"
    return term


def write_turtle(nt: Path, out: Path) -> None:
    """Turtle from sorted N-Triples: one block per subject, csgkg prefixes, statements in order."""
    used: set[str] = set()
    tmp_body = out.with_name(f".{out.name}.body")
    with tmp_body.open("w", encoding="utf-8") as body:
        for subject, pairs in _subjects(nt):
            body.write(_curie(subject, used) + "\n")
            for i, (p, o) in enumerate(pairs):
                verb = "a" if p == "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>" else _curie(p, used)
                end = " ;" if i < len(pairs) - 1 else " ."
                body.write(f"    {verb} {_curie(o, used)}{end}\n")
            body.write("\n")
    tmp = out.with_name(f".{out.name}.tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        for prefix in sorted(used):
            handle.write(f"PREFIX {prefix}: <{PREFIXES[prefix]}>\n")
        handle.write("\n")
        with tmp_body.open(encoding="utf-8") as body:
            shutil.copyfileobj(body, handle)
    tmp_body.unlink()
    os.replace(tmp, out)


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        code = match.group(1) or match.group(2)
        return chr(int(code, 16)) if code else _ESCAPES.get(match.group(3), match.group(3))

    return _ESCAPE.sub(replace, text)


def _json_term(term: str) -> dict:
    if term.startswith("<"):
        return {"@id": term[1:-1]}
    if term.startswith("_:"):
        return {"@id": term}
    match = _LITERAL.match(term)
    if match is None:
        raise ValueError(f"not an N-Triples term: {term}")
    value, language, datatype = match.groups()
    node: dict = {"@value": _unescape(value)}
    if language:
        node["@language"] = language
    elif datatype and datatype != "http://www.w3.org/2001/XMLSchema#string":
        node["@type"] = datatype
    return node


def write_jsonld(nt: Path, out: Path) -> None:
    """Expanded JSON-LD from sorted N-Triples: one node object per subject, in subject order."""
    tmp = out.with_name(f".{out.name}.tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        handle.write('{\n  "@graph": [\n')
        first = True
        for subject, pairs in _subjects(nt):
            node: dict = {"@id": subject[1:-1] if subject.startswith("<") else subject}
            for p, o in pairs:
                if p == "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>" and o.startswith("<"):
                    node.setdefault("@type", []).append(o[1:-1])
                else:
                    node.setdefault(p[1:-1], []).append(_json_term(o))
            text = json.dumps(node, ensure_ascii=False, sort_keys=True)
            handle.write(("" if first else ",\n") + "    " + text)
            first = False
        handle.write("\n  ]\n}\n")
    os.replace(tmp, out)
