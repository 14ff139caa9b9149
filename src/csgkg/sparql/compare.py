"""The side-by-side comparison of two interventions, built from the rows of
``compare-interventions.rq`` (one row per facet value: shared, only in a, only in b)."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass, field
from typing import Any

from csgkg.sparql.formats import short_text
from csgkg.store.base import Result

SIDES = ("shared", "only a", "only b")


@dataclass
class FacetComparison:
    """The values of one facet: those both interventions have, and those only one has."""

    facet: str
    facet_label: str
    shared: list[str] = field(default_factory=list)
    only_a: list[str] = field(default_factory=list)
    only_b: list[str] = field(default_factory=list)


@dataclass
class Comparison:
    """Two interventions compared facet by facet."""

    a: str
    a_label: str
    b: str
    b_label: str
    facets: list[FacetComparison] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)

    def facet(self, label: str) -> FacetComparison | None:
        """The comparison of the facet with this label (e.g. ``"works in context"``), if any."""
        return next((f for f in self.facets if label in (f.facet_label, f.facet)), None)


def from_result(result: Result, a: str, a_label: str, b: str, b_label: str) -> Comparison:
    """Group the rows of ``compare-interventions`` by facet, keeping the query's order."""
    comparison = Comparison(a=a, a_label=a_label, b=b, b_label=b_label)
    by_facet: dict[str, FacetComparison] = {}
    for record in result.rows:
        row = dict(zip(result.columns, record, strict=True))
        facet = short_text(row["facet"])
        entry = by_facet.get(facet)
        if entry is None:
            entry = FacetComparison(facet=facet, facet_label=short_text(row.get("facetLabel")) or facet)
            by_facet[facet] = entry
            comparison.facets.append(entry)
        value = short_text(row.get("valueLabel")) or short_text(row["value"])
        side = short_text(row["comparison"])
        {"shared": entry.shared, "only a": entry.only_a, "only b": entry.only_b}[side].append(value)
    return comparison


def _grid(header: list[str], rows: list[list[list[str]]]) -> str:
    widths = [len(h) for h in header]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max([widths[i], *(len(v) for v in cell)])
    line = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    out = [
        line,
        "| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |",
        line,
    ]
    for row in rows:
        height = max(1, *(len(cell) for cell in row))
        for k in range(height):
            cells = [(cell[k] if k < len(cell) else "").ljust(w) for cell, w in zip(row, widths, strict=True)]
            out.append("| " + " | ".join(cells) + " |")
        out.append(line)
    return "\n".join(out) + "\n"


def to_text(comparison: Comparison) -> str:
    """The comparison as a side-by-side grid: facet | both | only A | only B, a value a line."""
    header = ["facet", "both", f"only {comparison.a_label}", f"only {comparison.b_label}"]
    rows = [[[f.facet_label], f.shared, f.only_a, f.only_b] for f in comparison.facets]
    title = f"{comparison.a_label} ({comparison.a})  vs  {comparison.b_label} ({comparison.b})\n"
    return title + _grid(header, rows)


def to_markdown(comparison: Comparison) -> str:
    """The comparison as a Markdown table, values joined with commas."""

    def cell(values: list[str]) -> str:
        return ", ".join(values).replace("|", "\\|")

    lines = [
        f"| facet | both | only {cell([comparison.a_label])} | only {cell([comparison.b_label])} |",
        "| --- | --- | --- | --- |",
    ]
    for f in comparison.facets:
        lines.append(f"| {cell([f.facet_label])} | {cell(f.shared)} | {cell(f.only_a)} | {cell(f.only_b)} |")
    return "\n".join(lines) + "\n"


def to_delimited(comparison: Comparison, delimiter: str) -> str:
    """One row per facet (facet, both, only a, only b), values joined with "; ", with a header."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(["facet", "both", f"only {comparison.a_label}", f"only {comparison.b_label}"])
    for f in comparison.facets:
        writer.writerow([f.facet_label, "; ".join(f.shared), "; ".join(f.only_a), "; ".join(f.only_b)])
    return out.getvalue()
