"""The foreign keys of the CSV tables: every value of a column that references a table must be an
``id`` of that table, or the release would link to rows that are not in it.

The same check a CSVW validator makes with the ``foreignKeys`` of ``csgkg-metadata.json``, made by
the build before any table is written, so a broken reference stops the build with a message that
says which row, column and value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from csgkg.publish.release.version import ReleaseError

if TYPE_CHECKING:
    from csgkg.publish.release.tables import Table

MAX_SHOWN = 10


def unresolved_references(tables: Sequence[Table], rows: Mapping[str, list[list[str]]]) -> list[str]:
    """One message for each value of a referencing column (:meth:`Column.split`) that
    is not an ``id`` of the table it references, in table, row and column order.

    ``rows`` maps each table's name to its rows (as :meth:`Table.rows` gives them, ``id`` first).
    A reference to a table not in ``tables`` is reported too.
    """
    ids = {table.name: {row[0] for row in rows[table.name]} for table in tables}
    problems = []
    for table in tables:
        for position, column in enumerate(table.columns):
            if column.references is None:
                continue
            if column.references not in ids:
                problems.append(
                    f"{table.file}: column {column.name!r} references {column.references}.csv, "
                    "which the release does not have"
                )
                continue
            keys = ids[column.references]
            for row in rows[table.name]:
                problems.extend(
                    f"{table.file}: row <{row[0]}>, column {column.name!r}: <{value}> is not an id in "
                    f"{column.references}.csv"
                    for value in column.split(row[position])
                    if value not in keys
                )
    return problems


def check_references(tables: Sequence[Table], rows: Mapping[str, list[list[str]]]) -> None:
    """Raise :class:`ReleaseError` listing the unresolved references (the first ten), if any."""
    problems = unresolved_references(tables, rows)
    if not problems:
        return
    shown = "\n  ".join(problems[:MAX_SHOWN])
    more = f"\n  ... and {len(problems) - MAX_SHOWN} more" if len(problems) > MAX_SHOWN else ""
    raise ReleaseError(
        f"{len(problems)} reference(s) in the CSV tables do not resolve: each must be the id of a row "
        f"of the table its column names in csgkg-metadata.json (foreignKeys). Add the missing "
        f"resources to the data, or correct the IRIs:\n  {shown}{more}"
    )
