"""The side-by-side comparison of two interventions, built from the rows of
``compare-interventions.rq`` (one row per facet value: shared, only in a, only in b)."""

from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from csgkg.core.errors import UsageError
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


def _key(name: str) -> str:
    """A facet name reduced for matching: lower case, letters and digits only, singular."""
    key = re.sub(r"[^a-z0-9]", "", name.lower())
    if key.endswith("ies"):
        return key[:-3] + "y"
    return key.removesuffix("s")


@dataclass
class Comparison:
    """Two interventions compared facet by facet.

    ``facets`` holds the facets where either intervention has a value; ``known_facets`` every facet
    the dataset defines, as (short name, label) pairs, so that a facet neither has is empty rather
    than unknown."""

    a: str
    a_label: str
    b: str
    b_label: str
    facets: list[FacetComparison] = field(default_factory=list)
    known_facets: list[tuple[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (without ``known_facets``)."""
        data = asdict(self)
        del data["known_facets"]
        return data

    def facet(self, name: str) -> FacetComparison:
        """The comparison of one facet, named by its label (``"addresses harm"``), its short name
        (``"csg:addressesHarm"``, ``"addressesHarm"``) or the last word of its label (``"harm"``),
        case-insensitively and in the singular or plural (``"harms"``). A facet the dataset defines
        but neither intervention has comes back empty; an unknown name raises
        :class:`~csgkg.core.errors.UsageError` naming the closest facets."""
        present = {f.facet: f for f in self.facets}
        known = dict(self.known_facets)
        known.update({f.facet: f.facet_label for f in self.facets})
        names: dict[str, set[str]] = {}
        last_words: dict[str, set[str]] = {}
        for short, label in known.items():
            for alias in (short, short.partition(":")[2], label):
                names.setdefault(_key(alias), set()).add(short)
            words = label.split()
            if words and len(words[-1]) > 3:
                last_words.setdefault(_key(words[-1]), set()).add(short)
        wanted = _key(name)
        matches = names.get(wanted) or last_words.get(wanted, set())
        if len(matches) == 1:
            short = next(iter(matches))
            return present.get(short) or FacetComparison(facet=short, facet_label=known[short])
        labels = sorted(known.values(), key=str.lower)
        if matches:
            choices = sorted(known[m] for m in matches)
            raise UsageError(f"facet {name!r} could mean {' or '.join(choices)}: give its full label")
        aliases = {**last_words, **names}
        close = difflib.get_close_matches(wanted, list(aliases), n=5, cutoff=0.6)
        guesses = sorted({known[short] for key in close for short in aliases[key]})[:3]
        hint = f"did you mean {' or '.join(repr(g) for g in guesses)}? " if guesses else ""
        raise UsageError(f"unknown facet {name!r}; {hint}the facets are: {', '.join(labels)}")


def from_result(
    result: Result,
    a: str,
    a_label: str,
    b: str,
    b_label: str,
    known_facets: list[tuple[str, str]] | None = None,
) -> Comparison:
    """Group the rows of ``compare-interventions`` by facet, keeping the query's order;
    ``known_facets`` lists every facet of the dataset as (short name, label) pairs."""
    comparison = Comparison(a=a, a_label=a_label, b=b, b_label=b_label, known_facets=known_facets or [])
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
