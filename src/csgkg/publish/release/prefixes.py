"""``prefixes.json``: the plain prefix map (prefix -> namespace IRI) beside the JSON-LD context."""

from __future__ import annotations

import json
from pathlib import Path

from csgkg.core.files import write_atomic
from csgkg.core.namespaces import PREFIXES

OUTPUT_FILE = "prefixes.json"


def prefix_map() -> dict[str, str]:
    """Every csgkg prefix and its namespace, sorted by prefix."""
    return dict(sorted(PREFIXES.items()))


def write_prefixes(dist: Path) -> Path:
    """Write ``prefixes.json`` into ``dist`` and return its path."""
    path = dist / OUTPUT_FILE
    write_atomic(path, json.dumps(prefix_map(), indent=2) + "\n")
    return path
