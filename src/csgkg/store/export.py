"""Write the release formats of a large graph by streaming, never holding it in rdflib.

The union graph is written as N-Triples graph by graph from the store, then sorted and deduplicated
(``sort -u`` in the C locale, which orders UTF-8 as code points, like the small build's Python sort).
Oxigraph's serializers then write Turtle (with the csgkg prefixes) and JSON-LD (in expanded form: a
compacted document would need the whole graph in memory) from the sorted lines, so that the statements
of each subject come out together and in a stable order.
Blank nodes keep the labels the store gives them (the small build relabels them canonically).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox

from ..namespaces import PREFIXES

Advance = Callable[[int], None]


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


def _triples(nt: Path) -> Iterator[ox.Triple]:
    return ox.parse(path=str(nt), format=ox.RdfFormat.N_TRIPLES)


def write_turtle(nt: Path, out: Path) -> None:
    """Turtle from sorted N-Triples, written by Oxigraph's serializer: the statements of a subject
    together, in the order of the lines, with the csgkg prefixes.

    Oxigraph writes the prefix declarations in an order of its own, which may differ between runs;
    they are written here in sorted order instead, so that the same input gives the same bytes."""
    body = out.with_name(f".{out.name}.body")
    tmp = out.with_name(f".{out.name}.tmp")
    try:
        ox.serialize(_triples(nt), str(body), format=ox.RdfFormat.TURTLE, prefixes=dict(PREFIXES))
        with body.open("rb") as source, tmp.open("wb") as handle:
            for prefix in sorted(PREFIXES):
                handle.write(f"@prefix {prefix}: <{PREFIXES[prefix]}> .\n".encode())
            line = source.readline()
            while line.startswith(b"@prefix "):
                line = source.readline()
            handle.write(b"\n" + (line if line.strip() else b""))
            shutil.copyfileobj(source, handle, 1 << 20)
        os.replace(tmp, out)
    finally:
        body.unlink(missing_ok=True)
        tmp.unlink(missing_ok=True)


def write_jsonld(nt: Path, out: Path) -> None:
    """Expanded JSON-LD from sorted N-Triples, written by Oxigraph's streaming serializer: one node
    object per subject, in subject order."""
    tmp = out.with_name(f".{out.name}.tmp")
    try:
        ox.serialize(_triples(nt), str(tmp), format=ox.RdfFormat.JSON_LD)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)


def write_turtle_and_jsonld(nt: Path, turtle: Path, jsonld: Path) -> None:
    """:func:`write_turtle` and :func:`write_jsonld` side by side: JSON-LD in a Python process of its
    own, as both spend their time passing triples through Python (threads would take turns)."""
    code = (
        "import sys, pathlib; from csgkg.store.export import write_jsonld; "
        "write_jsonld(*map(pathlib.Path, sys.argv[1:]))"
    )
    package_parent = str(Path(__file__).resolve().parents[2])
    path = os.pathsep.join(filter(None, [package_parent, os.environ.get("PYTHONPATH")]))
    child = subprocess.Popen(
        [sys.executable, "-c", code, str(nt), str(jsonld)], env={**os.environ, "PYTHONPATH": path}
    )
    try:
        write_turtle(nt, turtle)
    except BaseException:
        child.kill()
        child.wait()
        raise
    if child.wait() != 0:
        raise RuntimeError(f"writing {jsonld.name} failed (exit status {child.returncode})")
