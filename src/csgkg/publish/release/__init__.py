"""The release bundle: every file ``csgkg build`` writes into ``dist/``.

:func:`write_release` writes the RDF formats (:mod:`csgkg.publish.release.formats`), the prefix
map, the framed ``interventions.json``, the CSV tables with their CSVW metadata, the OWL 2 DL
profile for Protégé (``csgkg-protege.owl``), ``CHANGES.md``, the ontology documentation (pyLODE)
and, last, ``dataset.ttl``, which describes every other file with its size and SHA-256.
``interventions.json`` and ``csgkg.jsonld`` are written in a second process while the others are
written (:class:`csgkg.core.background.Background`): the two cores share the work.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rdflib import Graph

from csgkg.core.root import DatasetRoot

__all__ = ["write_release"]


def write_release(
    root: DatasetRoot,
    graph: Graph,
    inferred: str | Callable[[], str],
    dist: Path | None = None,
    since: str | Path | None = None,
) -> list[Path]:
    """Write the release files for ``graph`` (the validated union graph of ``root``, made canonical
    by :func:`csgkg.io.serialise.canonical_graph`) and ``inferred`` (the N-Triples of its OWL 2 RL
    closure, :func:`csgkg.publish.inference.closure_ntriples`, or a function that works them out,
    called once the framing of ``interventions.json`` has started in the second process, so that
    the two run side by side) into ``dist`` (default: ``root``'s ``dist/``) and return their paths.

    ``since`` names the previous release for ``CHANGES.md``: a folder holding an older ``dist/``,
    or a git tag; by default the newest git tag that is not the current commit, if there is one.
    """
    from csgkg.core.background import Background
    from csgkg.io.serialise import to_ntriples
    from csgkg.publish.release.changes import write_changes
    from csgkg.publish.release.description import describe_dataset, write_description
    from csgkg.publish.release.formats import RDF_FILES, write_formats
    from csgkg.publish.release.ontology_docs import write_ontology_docs
    from csgkg.publish.release.prefixes import write_prefixes
    from csgkg.publish.release.previous import find_previous
    from csgkg.publish.release.protege import write_protege
    from csgkg.publish.release.tables import write_tables
    from csgkg.publish.release.version import release_info

    dist = dist or root.dist_dir
    info = release_info(graph)
    previous = find_previous(root, since)  # first, so that a bad --since stops before writing
    ntriples = to_ntriples(graph)  # the sorted statements that the formats and the framing start from
    with Background(_write_beside, graph, root.context_file, dist, ntriples) as beside:
        closure = inferred() if callable(inferred) else inferred  # while the framing runs beside it
        formats = write_formats(graph, closure, root.context_file, dist, ntriples)
        prefixes = write_prefixes(dist)
        tables = write_tables(graph, info, dist)
        protege = write_protege(graph, dist)
        changes = write_changes(graph, info, previous, dist)
        docs = write_ontology_docs(root, dist)
        described = describe_dataset(graph, info)  # while the second process may still run
        jsonld, framed = beside.result()
    written = sorted([*formats, jsonld], key=lambda path: RDF_FILES.index(path.name))
    written.extend([prefixes, framed, *tables, protege, changes, docs])
    written.append(write_description(described, info, dist))  # last: it describes every other file
    return written


def _write_beside(graph: Graph, context_file: Path, dist: Path, ntriples: str) -> tuple[Path, Path]:
    """What the second process writes: ``csgkg.jsonld`` and ``interventions.json`` (the two
    files whose writing is pure Python over the whole graph); their paths."""
    from csgkg.publish.release.formats import write_jsonld
    from csgkg.publish.release.framing import write_interventions_json

    jsonld = write_jsonld(graph, context_file, dist)
    return jsonld, write_interventions_json(graph, context_file, dist, ntriples)
