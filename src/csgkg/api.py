"""The public Python API: exactly what the ``csgkg`` commands call.

Each function takes ``root`` (a :class:`~csgkg.core.root.DatasetRoot`, a folder, or None for the
nearest dataset above the current folder, else the copy shipped with the package)::

    >>> import csgkg
    >>> csgkg.validate().conforms                                   # doctest: +SKIP
    True
    >>> csgkg.check(["my-intervention.ttl"]).report.conforms        # doctest: +SKIP
    >>> csgkg.query("interventions-by-context", context="school")   # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from csgkg.sparql.api import RootLike, as_root, compare, list_queries, query, query_df, query_sparql

if TYPE_CHECKING:
    from csgkg.contribution.add import AddResult
    from csgkg.contribution.check import CheckResult
    from csgkg.contribution.limits import Limits
    from csgkg.publish.pipeline import BuildResult
    from csgkg.validation.run import ValidationReport

__all__ = [
    "add",
    "build",
    "check",
    "compare",
    "list_queries",
    "query",
    "query_df",
    "query_sparql",
    "validate",
]


def validate(root: RootLike = None, *, engine: str = "auto", progress: Any = None) -> ValidationReport:
    """Validate the whole dataset; ``engine`` is "auto" (the fast engine), "fast" or "pyshacl"."""
    from csgkg.validation.run import validate_root

    return validate_root(as_root(root), engine=engine, progress=progress)


def check(
    files: Iterable[str | Path],
    root: RootLike = None,
    *,
    engine: str = "auto",
    limits: Limits | None = None,
    claims_from_source: bool = False,
) -> CheckResult:
    """Check contributed files (Turtle, N-Triples, JSON-LD or the YAML form) with the dataset,
    within time and memory ``limits``; nothing is written. An RDF file is judged as it is, unless
    ``claims_from_source`` records an intervention's only source as the claim of each statement
    lacking one (``CheckResult.claims_made`` says how many, per file)."""
    from csgkg.contribution.check import check_files

    return check_files(as_root(root), [Path(f) for f in files], limits, engine, claims_from_source)


def add(
    files: Iterable[str | Path],
    root: RootLike = None,
    *,
    engine: str = "auto",
    limits: Limits | None = None,
    claims_from_source: bool = False,
) -> AddResult:
    """Check contributed files and, only if they conform, write them into ``data/``;
    ``claims_from_source`` as for :func:`check`."""
    from csgkg.contribution.add import add_files

    return add_files(as_root(root), [Path(f) for f in files], limits, engine, claims_from_source)


def build(
    root: RootLike = None, *, since: str | Path | None = None, engine: str = "auto", reporter: Any = None
) -> BuildResult:
    """Validate the dataset and, if it conforms, write the release into ``dist/``."""
    from csgkg.publish.pipeline import build as build_release

    return build_release(as_root(root), since=since, reporter=reporter, engine=engine)
