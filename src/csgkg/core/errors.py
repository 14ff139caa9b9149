"""Errors that reach the user as one clear line, never a traceback."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class CsgkgError(Exception):
    """Base class of every error csgkg reports to the user; ``exit_code`` is what the CLI returns."""

    exit_code = 2


@dataclass
class InputError(CsgkgError):
    """An input file that cannot be read or parsed.

    The message names the file, and the line and column where the parser knows them.
    """

    file: Path | str
    message: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = str(self.file)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


class UsageError(CsgkgError):
    """A command called with arguments that cannot work (unknown name, bad parameter)."""
