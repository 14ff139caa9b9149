"""The release's RDF formats: Turtle, N-Triples and JSON-LD of the dataset, Turtle of its OWL 2 RL
closure, and the JSON-LD context they are compacted with."""

from __future__ import annotations

import shutil
from pathlib import Path

from rdflib import Graph

from csgkg.core.files import write_atomic
from csgkg.io.serialise import load_context, ntriples_to_turtle, to_jsonld, to_ntriples

RDF_FILES = ("csgkg.ttl", "csgkg.nt", "csgkg.jsonld", "csgkg-inferred.ttl", "context.jsonld")
JSONLD_FILE = "csgkg.jsonld"


def write_formats(
    graph: Graph, inferred: str, context_file: Path, dist: Path, ntriples: str | None = None
) -> list[Path]:
    """Write :data:`RDF_FILES` but ``csgkg.jsonld`` (:func:`write_jsonld` writes that one, so that
    it can be written in another process) into ``dist`` and return their paths. ``inferred`` is
    :func:`csgkg.io.serialise.to_ntriples` of the OWL 2 RL closure of ``graph``
    (:func:`csgkg.publish.inference.closure_ntriples`); ``ntriples`` that of ``graph``, if the caller
    has it already."""
    ntriples = to_ntriples(graph) if ntriples is None else ntriples
    outputs = {
        "csgkg.ttl": ntriples_to_turtle(ntriples),
        "csgkg.nt": ntriples,
        "csgkg-inferred.ttl": ntriples_to_turtle(inferred),
    }
    for name, content in outputs.items():
        write_atomic(dist / name, content, fsync=False)
    shutil.copyfile(context_file, dist / "context.jsonld")
    return [dist / name for name in RDF_FILES if name != JSONLD_FILE]


def write_jsonld(graph: Graph, context_file: Path, dist: Path) -> Path:
    """Write ``csgkg.jsonld``, ``graph`` compacted with the context of ``context_file``."""
    path = dist / JSONLD_FILE
    write_atomic(path, to_jsonld(graph, load_context(context_file)), fsync=False)
    return path
