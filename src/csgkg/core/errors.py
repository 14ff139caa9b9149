"""Errors that reach the user as one clear line, never a traceback."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class CsgkgError(Exception):
    """Base class of every error csgkg reports to the user; ``exit_code`` is what the CLI returns and
    ``kind`` a one-word name of what went wrong for machine-readable output (``--format json``)."""

    exit_code = 2
    kind = "error"

    def as_json(self) -> dict:
        """``{"kind", "message", "file", "line", "column"}``: the error as ``--format json`` reports it
        (``file``, ``line`` and ``column`` are None where the error has no place in a file)."""
        return {
            "kind": self.kind,
            "message": str(self),
            "file": None,
            "line": None,
            "column": None,
        }


@dataclass
class InputError(CsgkgError):
    """An input file that cannot be read or parsed.

    The message names the file, and the line and column where the parser knows them. ``kind`` says
    what went wrong: "syntax" (the parser failed), "missing" (no such file), "refused" (a file or
    construct csgkg does not accept, or a limit it went over), "form" (the YAML form is wrong), or
    "input" (any other unreadable input).
    """

    file: Path | str
    message: str
    line: int | None = None
    column: int | None = None
    kind: str = "input"

    def as_json(self) -> dict:
        """As :meth:`CsgkgError.as_json`; ``message`` is the message alone, without the place."""
        return {
            "kind": self.kind,
            "message": self.message,
            "file": str(self.file),
            "line": self.line,
            "column": self.column,
        }

    def __str__(self) -> str:
        where = str(self.file)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


class UsageError(CsgkgError):
    """A command called with arguments that cannot work (unknown name, bad parameter)."""

    kind = "usage"
