"""csgkg: the Contextual Safeguarding Knowledge Graph toolkit.

The library API (:mod:`csgkg.api`, exactly what the ``csgkg`` commands call): :func:`validate`,
:func:`check`, :func:`add`, :func:`build`, :func:`query`, :func:`query_df`, :func:`query_sparql`,
:func:`list_queries`, :func:`compare`; and :func:`find_root`, :func:`load_dataset`. Every error
the API reports on its input is a :class:`CsgkgError` (a wrong name or value: :class:`UsageError`).
Names are imported lazily so that ``csgkg --help`` starts without loading rdflib.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_API = {
    "BuildResult": "publish.pipeline",
    "CheckResult": "contribution.check",
    "CsgkgError": "core.errors",
    "Dataset": "io.parse",
    "DatasetRoot": "core.root",
    "UsageError": "core.errors",
    "ValidationReport": "validation.run",
    "ValidationResult": "validation.run",
    "add": "api",
    "build": "api",
    "check": "api",
    "compare": "api",
    "find_root": "core.root",
    "list_queries": "api",
    "load_dataset": "io.parse",
    "query": "api",
    "query_df": "api",
    "query_sparql": "api",
    "validate": "api",
}

__all__ = [*sorted(_API), "__version__"]


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'csgkg' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)
