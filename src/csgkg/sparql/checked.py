"""Remember which query texts have passed the safety checks, so a stored query is not parsed again.

Reading a query with rdflib's SPARQL parser (:func:`csgkg.sparql.safety.parse_checked`) is slow for
a long query, and a stored query's text, once bound, is the same on every run. A text that passed
the checks is recorded under ``build/checked-queries/`` as an empty file named by the SHA-256 of
the exact text, its bound values and the source of the checking modules: a changed text, value or
rule gives another name, so a record can never vouch for anything but what was checked. Nothing
that failed is recorded. A root that cannot be written to (the packaged copy) is simply not
remembered in.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from csgkg.core.files import write_atomic
from csgkg.core.root import DatasetRoot
from csgkg.sparql.binding import Bindings, check_bound_values
from csgkg.sparql.safety import parse_checked

CHECKED_DIR = Path("build") / "checked-queries"


@cache
def _rules() -> bytes:
    """The source of the modules whose rules decide the verdict."""
    from csgkg.sparql import binding, safety

    return b"".join(Path(module.__file__).read_bytes() for module in (safety, binding))


def _key(text: str, bindings: Bindings) -> str:
    bound = sorted((name, sorted(str(value) for value in values)) for name, values in bindings.items())
    digest = hashlib.sha256(_rules())
    digest.update(repr(bound).encode("utf-8"))
    digest.update(b"\0" + text.encode("utf-8"))
    return digest.hexdigest()


def check_query(text: str, bindings: Bindings, root: DatasetRoot) -> None:
    """Refuse ``text`` unless it is safe to run and its VALUES hold exactly ``bindings`` (the checks
    of :func:`parse_checked` and :func:`check_bound_values`), reading it only when this exact text,
    with these values and these rules, has not passed before in ``root``."""
    record = root.path / CHECKED_DIR / _key(text, bindings)
    if record.is_file():
        return
    check_bound_values(parse_checked(text).algebra, bindings)
    try:
        record.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(record, b"", fsync=False)
    except OSError:
        pass  # a root we may not write to: checked every time
