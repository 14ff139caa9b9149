"""Read the documentation carried in the comments of a ``.rq`` file.

Two kinds of comment:

- grlc decorators, lines starting ``#+``, which together form a small YAML document
  (``summary``, ``description``, ``tags``, ``defaults``, ``enumerate``, and our ``example``).
  grlc reads them with a YAML parser; csgkg reads the subset of YAML they use with the small parser
  below, so that the package does not depend on PyYAML.
- the expected answer of the example call: a line ``# expected:`` followed by a Markdown table
  whose lines start with ``# |``: what ``csgkg query run NAME --example --format markdown``
  prints.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from csgkg.core.errors import UsageError

DECORATOR_PREFIX = "#+"
EXPECTED_MARKER = "# expected:"


class DecoratorError(UsageError):
    """A decorator block that the YAML subset cannot read."""


@dataclass(frozen=True)
class ExpectedAnswer:
    """The expected answer of a query's example call: column names and rows of display strings."""

    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)


def decorator_lines(text: str) -> list[str]:
    """The ``#+`` lines of ``text`` with the marker removed (as grlc does: ``lstrip('#+')``)."""
    return [line.lstrip("#+") for line in text.splitlines() if line.startswith(DECORATOR_PREFIX)]


def parse_decorators(text: str) -> dict[str, Any]:
    """The decorators of a query file as a dict (empty when there are none)."""
    lines = [line.rstrip() for line in decorator_lines(text)]
    lines = [line for line in lines if line.strip() and not line.strip().startswith("#")]
    if not lines:
        return {}
    value, end = _block(lines, 0, _indent(lines[0]))
    if end != len(lines):
        raise DecoratorError(f"cannot read decorator line {lines[end].strip()!r}")
    if not isinstance(value, dict):
        raise DecoratorError("the decorators must be a mapping of names to values")
    return value


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _block(lines: list[str], start: int, indent: int) -> tuple[Any, int]:
    """Read a mapping or a list indented by ``indent``; return it and the index of the next line."""
    if lines[start].strip().startswith("- ") or lines[start].strip() == "-":
        return _sequence(lines, start, indent)
    return _mapping(lines, start, indent)


def _mapping(lines: list[str], start: int, indent: int) -> tuple[dict[str, Any], int]:
    result: dict[str, Any] = {}
    i = start
    while i < len(lines) and _indent(lines[i]) == indent:
        key, sep, rest = lines[i].strip().partition(":")
        if not sep or not key or key.startswith("- "):
            raise DecoratorError(f"expected 'name: value', found {lines[i].strip()!r}")
        value, i = _value(lines, i, indent, rest.strip())
        result[_scalar(key.strip())] = value
    if i < len(lines) and _indent(lines[i]) > indent:
        raise DecoratorError(f"unexpected indentation at {lines[i].strip()!r}")
    return result, i


def _sequence(lines: list[str], start: int, indent: int) -> tuple[list[Any], int]:
    result: list[Any] = []
    i = start
    while i < len(lines) and _indent(lines[i]) == indent and lines[i].strip().startswith("-"):
        item = lines[i].strip()[1:].strip()
        if re.match(r"^[^'\"\[{][^:]*:(\s|$)", item):
            # "- key: value" starts a mapping item; its other keys align with "key".
            inner = indent + (len(lines[i].strip()) - len(item))
            sub = [" " * inner + item, *lines[i + 1 :]]
            value, used = _mapping(sub, 0, inner)
            result.append(value)
            i += used
        else:
            value, i = _value(lines, i, indent, item)
            result.append(value)
    return result, i


def _value(lines: list[str], i: int, indent: int, rest: str) -> tuple[Any, int]:
    """The value starting with ``rest`` on line ``i``; return it and the index of the next line."""
    nxt = i + 1
    if rest in (">", "|", ">-", "|-"):
        body: list[str] = []
        while nxt < len(lines) and _indent(lines[nxt]) > indent:
            body.append(lines[nxt].strip())
            nxt += 1
        text = (" " if rest.startswith(">") else "\n").join(body)
        return (text if rest.endswith("-") else text + "\n"), nxt  # YAML keeps one final newline
    if rest:
        return _flow(rest), nxt
    if nxt < len(lines) and _indent(lines[nxt]) > indent:
        return _block(lines, nxt, _indent(lines[nxt]))
    if nxt < len(lines) and _indent(lines[nxt]) == indent and lines[nxt].strip().startswith("- "):
        return _sequence(lines, nxt, indent)
    return None, nxt


def _flow(text: str) -> Any:
    """A flow value: ``[a, b]``, ``{a: b}`` or a scalar."""
    if text.startswith("[") and text.endswith("]"):
        return [_flow(part) for part in _split_flow(text[1:-1])]
    if text.startswith("{") and text.endswith("}"):
        out: dict[str, Any] = {}
        for part in _split_flow(text[1:-1]):
            key, sep, value = part.partition(":")
            if not sep:
                raise DecoratorError(f"expected 'name: value' in {text!r}")
            out[_scalar(key.strip())] = _flow(value.strip())
        return out
    return _scalar(text)


def _split_flow(text: str) -> list[str]:
    parts, depth, quote, current = [], 0, "", []
    for ch in text:
        if quote:
            current.append(ch)
            if ch == quote:
                quote = ""
            continue
        if ch in "'\"":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(ch)
    if "".join(current).strip():
        parts.append("".join(current).strip())
    return parts


def _scalar(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1].replace("''", "'")
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    if " #" in text:
        text = text.split(" #", 1)[0].rstrip()
    return text


def query_text(text: str) -> str:
    """The query without its ``#+`` lines (the text grlc sends to the endpoint)."""
    return "\n".join(line for line in text.splitlines() if not line.startswith(DECORATOR_PREFIX))


def parse_expected(text: str) -> ExpectedAnswer | None:
    """The expected answer written after ``# expected:`` in ``text``, or None when there is none."""
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if line.strip() == EXPECTED_MARKER:
            table = []
            for row in lines[number + 1 :]:
                if not row.startswith("# |"):
                    break
                table.append(split_markdown_row(row[2:]))
            if len(table) < 2:
                raise DecoratorError("'# expected:' must be followed by a Markdown table")
            return ExpectedAnswer(columns=table[0], rows=table[2:])
    return None


def split_markdown_row(row: str) -> list[str]:
    """The cells of one Markdown table row ``| a | b |``; ``\\|`` is a literal bar."""
    row = row.strip()
    if row.startswith("|"):
        row = row[1:]
    if row.endswith("|") and not row.endswith("\\|"):
        row = row[:-1]
    cells = re.split(r"(?<!\\)\|", row)
    return [cell.strip().replace("\\|", "|") for cell in cells]
