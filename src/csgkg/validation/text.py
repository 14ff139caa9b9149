"""Print validation reports for people: grouped by file and node, with line, property and fix."""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path

from csgkg.core.words import plural
from csgkg.validation.run import ValidationReport


def display_path(path: str | None) -> str:
    """``path`` relative to the current directory where that is shorter."""
    if not path:
        return "(no file)"
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return rel if not rel.startswith("../../") else str(Path(path))


def format_text(report: ValidationReport) -> str:
    """The report as text: one block per file, one per node, one line per problem."""
    by_file: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for result in report.results:
        by_file[display_path(result.file)][result.focus].append(result)
    lines: list[str] = []
    for file, nodes in by_file.items():
        lines.append(file)
        for focus, results in nodes.items():
            lines.append(f"  {focus}")
            for r in results:
                prop = r.field or r.path or "(the node itself)"
                value = f" = {r.value}" if r.value and r.value not in r.message else ""
                lines.append(f"    {r.severity} at {file}:{r.line or '?'}  {prop}{value}")
                lines.append(f"      {r.message}")
                lines.append(f"      rule: {r.constraint}")
        lines.append("")
    lines.append(summary(report))
    return "\n".join(lines)


def summary(report: ValidationReport) -> str:
    """One line: conforms or not, with the counts of violations and warnings."""
    warnings = plural(len(report.warnings), "warning")
    if report.conforms:
        return f"Conforms: yes ({warnings})"
    return f"Conforms: no ({plural(len(report.violations), 'violation')}, {warnings})"
