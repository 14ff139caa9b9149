"""Write checked contributions into data/: one canonical Turtle file per new entry, all or nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from csgkg.contribution.check import check_files
from csgkg.contribution.limits import Limits
from csgkg.contribution.stored import FOLDERS, entry_part
from csgkg.core.errors import CsgkgError
from csgkg.core.files import FileExistsConflict, write_new_files
from csgkg.core.namespaces import PREFIXES, new_graph
from csgkg.core.root import DatasetRoot
from csgkg.io.serialise import to_turtle
from csgkg.validation.run import ValidationReport


class AddError(CsgkgError):
    """A contribution that cannot be added (a file for it already exists, or writing failed)."""


SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MAX_SLUG = 80
KIND = {"interventions": "intervention", "organisations": "organisation", "sources": "source"}


def file_for(root: DatasetRoot, node: URIRef, folder: str) -> Path:
    """The file an entry is stored in: ``data/{folder}/{slug}.ttl``. An IRI that is not its
    namespace followed by a slug (ontology/README.md) is refused, so no file is ever named by
    anything else or written outside its folder (the shapes refuse the same IRIs first)."""
    namespace = PREFIXES[KIND[folder]]
    slug = str(node)[len(namespace) :] if str(node).startswith(namespace) else ""
    if not SLUG.match(slug) or len(slug) > MAX_SLUG:
        raise AddError(
            f"<{node}> cannot be stored: a {KIND[folder]}'s IRI must be {namespace} followed by a slug of "
            f"lower-case letters, digits and single hyphens, at most {MAX_SLUG} characters"
        )
    base = (root.data_dir / folder).resolve()
    path = base / f"{slug}.ttl"
    if path.resolve().parent != base:
        raise AddError(f"<{node}> would be stored outside {base}; nothing was added")
    return root.data_dir / folder / f"{slug}.ttl"


def plan_files(root: DatasetRoot, graph: Graph) -> dict[Path, str]:
    """The new files of ``graph``: each intervention with its claims, each organisation, each source.
    Two entries that would share a file are refused, never one written over the other."""
    plans: dict[Path, str] = {}
    owners: dict[Path, URIRef] = {}
    for entity_type, folder in FOLDERS.items():
        for node in sorted(graph.subjects(RDF.type, entity_type)):
            if not isinstance(node, URIRef) or node in owners.values():
                continue  # a node typed twice (e.g. approach and variant) is one entry
            path = file_for(root, node, folder)
            if path in owners:
                raise AddError(
                    f"<{owners[path]}> and <{node}> would both be stored in {path}: give them different "
                    "IRIs; nothing was added"
                )
            owners[path] = node
            part = entry_part(graph, node)
            if path.exists():
                raise AddError(f"{path} already exists: this entry is already in the dataset")
            plans[path] = to_turtle(part)
    return plans


def write_all(plans: dict[Path, str]) -> list[Path]:
    """Create every planned file, all or nothing (:func:`csgkg.core.files.write_new_files`): on any
    failure data/ is left exactly as it was."""
    try:
        return write_new_files(plans)
    except FileExistsConflict as exc:
        raise AddError(f"{exc}; nothing was added") from None


@dataclass
class AddResult:
    """What ``add`` did: the check's report and the files it wrote (none when it did not conform)."""

    report: ValidationReport
    written: list[Path] = field(default_factory=list)
    # Claims recorded from an intervention's one source (``claims_from_source``), per contributed file.
    claims_made: dict[Path, int] = field(default_factory=dict)


def add_files(
    root: DatasetRoot,
    paths: list[Path],
    limits: Limits | None = None,
    engine: str = "auto",
    claims_from_source: bool = False,
) -> AddResult:
    """Check contributed files with the dataset and, only if they conform, write each new entry into
    data/ as a canonical Turtle file (all or nothing). A root that is the package's own copy of the
    dataset is refused before anything is checked (:meth:`DatasetRoot.require_writable`).
    ``claims_from_source`` records, for an intervention in an RDF file citing exactly one source, that
    source as the claim of each statement lacking one (the YAML form always records its claims)."""
    root.require_writable("csgkg add", "data")
    result = check_files(root, paths, limits, engine, claims_from_source)
    if not result.report.conforms:
        return AddResult(result.report, claims_made=result.claims_made)
    merged = new_graph()
    for source in result.sources:
        merged += source.graph
    return AddResult(result.report, write_all(plan_files(root, merged)), result.claims_made)
