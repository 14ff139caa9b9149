"""Write checked contributions into data/: one canonical Turtle file per new entry, all or nothing."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from ..errors import CsgkgError
from ..export import to_turtle, umask
from ..messages import local_name
from ..namespaces import CSG, new_graph
from ..root import DatasetRoot

FOLDERS = {
    CSG.Approach: "interventions",
    CSG.Programme: "interventions",
    CSG.Variant: "interventions",
    CSG.Organisation: "organisations",
    CSG.Source: "sources",
}


class AddError(CsgkgError):
    """A contribution that cannot be added (a file for it already exists, or writing failed)."""


def plan_files(root: DatasetRoot, graph: Graph) -> dict[Path, str]:
    """The new files of ``graph``: each intervention with its claims, each organisation, each source."""
    plans: dict[Path, str] = {}
    for entity_type, folder in FOLDERS.items():
        for node in sorted(graph.subjects(RDF.type, entity_type)):
            if not isinstance(node, URIRef):
                continue
            part = new_graph()
            part += graph.triples((node, None, None))
            for claim in graph.subjects(RDF.subject, node):
                part += graph.triples((claim, None, None))
            path = root.data_dir / folder / f"{local_name(node)}.ttl"
            if path.exists():
                raise AddError(f"{path} already exists: this entry is already in the dataset")
            plans[path] = to_turtle(part)
    return plans


def write_all(plans: dict[Path, str]) -> list[Path]:
    """Write every planned file through a temporary file, fsync and rename; on any failure remove what
    was written, so that data/ is left exactly as it was."""
    staged: list[tuple[Path, Path]] = []
    done: list[Path] = []
    try:
        for path, content in sorted(plans.items()):
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            staged.append((Path(tmp), path))
            with os.fdopen(fd, "wb") as handle:
                handle.write(content.encode("utf-8"))
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o666 & ~umask())
        for tmp, path in staged:
            if path.exists():
                raise AddError(f"{path} appeared while adding; nothing was added")
            os.replace(tmp, path)
            done.append(path)
        _fsync_dirs({path.parent for path in done})
    except BaseException:
        for path in done:
            path.unlink(missing_ok=True)
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise
    return done


def _fsync_dirs(folders: set[Path]) -> None:
    for folder in folders:
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
