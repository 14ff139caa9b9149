"""csgkg: the Contextual Safeguarding Knowledge Graph toolkit.

The library API: :func:`find_root`, :func:`load_dataset`, :func:`validate`, :func:`build`,
:func:`query`, :func:`query_df`, :func:`query_sparql`, :func:`list_queries`, :func:`compare`.
Names are imported lazily so that ``csgkg --help`` starts without loading rdflib.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_API = {
    "BuildResult": "build",
    "build": "build",
    "Dataset": "loader",
    "load_dataset": "loader",
    "DatasetRoot": "root",
    "find_root": "root",
    "compare": "queries",
    "list_queries": "queries",
    "query": "queries",
    "query_df": "queries",
    "query_sparql": "queries",
    "ValidationReport": "validation",
    "ValidationResult": "validation",
    "validate": "validation",
}

__all__ = [*sorted(_API), "__version__"]


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'csgkg' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)
