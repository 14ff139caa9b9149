"""Print a query's answer as a table, CSV, TSV, JSON or Markdown.

People read the table and Markdown forms, so IRIs are shortened to CURIEs there
(``context:school``); the CSV, TSV and JSON forms are for programs and keep full IRIs. Every form
keeps the columns in the query's order, so an entity column ``x`` is followed by its ``xLabel``.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from rdflib import XSD, BNode, Literal, URIRef
from rdflib.term import Node

from csgkg.io.locate import curie
from csgkg.store.base import Result, python_value

FORMATS = ("table", "csv", "tsv", "json", "markdown")
TABLE_CELL_WIDTH = 60


def short_text(term: Node | None) -> str:
    """How a term is shown to a person: a CURIE for an IRI, the text of a literal, '' if unbound."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return curie(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, bool):
            return "true" if value else "false"
    return " ".join(str(term).split())


def full_text(term: Node | None) -> str:
    """How a term is written for programs: the full IRI, the literal's text, '' if unbound."""
    if term is None:
        return ""
    kind = type(term)
    if kind is URIRef:  # most cells: checked first, without the slower isinstance
        return str(term)
    if kind is Literal and term.datatype is None:  # plain text: no value to read
        return str(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal) and term.datatype == XSD.boolean:
        value = term.toPython()
        if isinstance(value, bool):
            return "true" if value else "false"
    return str(term)


def _json_ready(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def to_json(result: Result) -> str:
    """A JSON array of objects, one per row, keys in column order, full IRIs, numbers as numbers."""
    rows = [
        {column: _json_ready(python_value(term)) for column, term in zip(result.columns, row, strict=True)}
        for row in result.rows
    ]
    return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"


def to_delimited(result: Result, delimiter: str) -> str:
    """CSV (``,``) with a header row and RFC 4180 quoting, or TSV (``\\t``) with tabs and line
    breaks inside values replaced by spaces."""
    out = io.StringIO()
    if delimiter == "\t":
        lines = ["\t".join(result.columns)]
        for row in result.rows:
            cells = (" ".join(full_text(t).replace("\t", " ").splitlines()) for t in row)
            lines.append("\t".join(cells))
        return "\n".join(lines) + "\n"
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(result.columns)
    for row in result.rows:
        writer.writerow([full_text(t) for t in row])
    return out.getvalue()


def markdown_cell(text: str) -> str:
    """A value made safe for a Markdown table cell."""
    return text.replace("|", "\\|")


def to_markdown(result: Result) -> str:
    """A GitHub-flavoured Markdown table with CURIEs: the form expected answers are written in."""
    lines = ["| " + " | ".join(result.columns) + " |", "|" + " --- |" * len(result.columns)]
    for row in result.rows:
        lines.append("| " + " | ".join(markdown_cell(short_text(t)) for t in row) + " |")
    return "\n".join(lines) + "\n"


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def to_table(result: Result, width: int = TABLE_CELL_WIDTH) -> str:
    """An aligned plain-text table with CURIEs, long cells clipped, and the number of rows."""
    cells = [[_clip(short_text(t), width) for t in row] for row in result.rows]
    widths = [len(c) for c in result.columns]
    for row in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(result.columns, widths, strict=True)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    for row in cells:
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    count = len(result.rows)
    lines.append(f"({count} row{'s' * (count != 1)})")
    return "\n".join(lines) + "\n"


def render(result: Result, fmt: str) -> str:
    """``result`` in one of :data:`FORMATS`."""
    if fmt == "table":
        return to_table(result)
    if fmt == "csv":
        return to_delimited(result, ",")
    if fmt == "tsv":
        return to_delimited(result, "\t")
    if fmt == "json":
        return to_json(result)
    if fmt == "markdown":
        return to_markdown(result)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def display_rows(result: Result) -> list[list[str]]:
    """The rows as the strings a Markdown table shows: what expected answers are compared with."""
    return [[short_text(t) for t in row] for row in result.rows]
