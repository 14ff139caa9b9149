"""SQLite side tables written with the index (the key table, the names table).

Each is written to a temporary file and renamed into place, and carries the token of the index it was
written with; it is opened (read-only) only when the token matches the one the index's manifest holds,
so a table from another build is never used.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def new_table_file(path: Path, token: str) -> Iterator[sqlite3.Connection]:
    """A new SQLite database that replaces ``path`` when the block ends without an error; it starts
    with a ``meta`` table holding ``token``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    try:
        db.execute("CREATE TABLE meta (token TEXT)")
        db.execute("INSERT INTO meta VALUES (?)", (token,))
        yield db
        db.commit()
    except BaseException:
        db.close()
        tmp.unlink(missing_ok=True)
        raise
    db.close()
    os.replace(tmp, path)


def open_table_file(path: Path, token: str | None) -> sqlite3.Connection | None:
    """``path`` opened read-only when it exists and was written with ``token`` (else None)."""
    if not token or not path.is_file():
        return None
    try:
        db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, check_same_thread=False)
        row = db.execute("SELECT token FROM meta").fetchone()
    except sqlite3.Error:
        return None
    if row is None or row[0] != token:
        db.close()
        return None
    return db
