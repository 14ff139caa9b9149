"""The release bundle: every file ``csgkg build`` writes into ``dist/`` beside the RDF formats.

:func:`write_release` writes, in this order: the prefix map, the framed ``interventions.json``,
the CSV tables with their CSVW metadata, the OWL 2 DL profile for Protégé (``csgkg-protege.owl``),
``CHANGES.md``, the ontology documentation (pyLODE) and, last, ``dataset.ttl``, which describes
every other file with its size and SHA-256.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from csgkg.core.root import DatasetRoot

__all__ = ["write_release"]


def write_release(
    root: DatasetRoot,
    graph: Graph,
    dist: Path | None = None,
    since: str | Path | None = None,
) -> list[Path]:
    """Write the release files for ``graph`` (the validated union graph of ``root``) into ``dist``
    (default: ``root``'s ``dist/``) and return their paths.

    ``since`` names the previous release for ``CHANGES.md``: a folder holding an older ``dist/``,
    or a git tag; by default the newest git tag that is not the current commit, if there is one.
    The RDF formats and ``context.jsonld`` must already be in ``dist``: ``dataset.ttl`` describes them.
    """
    from csgkg.publish.release.changes import write_changes
    from csgkg.publish.release.description import write_description
    from csgkg.publish.release.framing import write_interventions_json
    from csgkg.publish.release.ontology_docs import write_ontology_docs
    from csgkg.publish.release.prefixes import write_prefixes
    from csgkg.publish.release.previous import find_previous
    from csgkg.publish.release.protege import write_protege
    from csgkg.publish.release.tables import write_tables
    from csgkg.publish.release.version import release_info

    dist = dist or root.dist_dir
    info = release_info(graph)
    previous = find_previous(root, since)  # first, so that a bad --since stops before writing
    written: list[Path] = []
    written.append(write_prefixes(dist))
    written.append(write_interventions_json(graph, root.context_file, dist))
    written.extend(write_tables(graph, info, dist))
    written.append(write_protege(graph, dist))
    written.append(write_changes(graph, info, previous, dist))
    written.append(write_ontology_docs(root, dist))
    written.append(write_description(graph, info, dist))
    return written
