"""Argument types for numeric options: a clear argparse error for a value that is not a number, or
not in range, naming the unit the option takes."""

from __future__ import annotations

import argparse
from collections.abc import Callable


def above_zero(unit: str, short: str | None = None) -> Callable[[str], float]:
    """A type for a number of ``unit`` (plural, e.g. "seconds"; ``short`` in the range message, e.g.
    "MB") greater than 0."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number of {unit}: {text!r}") from None
        if not value > 0:
            raise argparse.ArgumentTypeError(f"must be more than 0 {short or unit}, not {text}")
        return value

    return parse


def at_least_one(unit: str, one: str) -> Callable[[str], int]:
    """A type for a whole number of ``unit`` (plural) of at least 1 (``one``, e.g. "1 second")."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"not a whole number{' of ' + unit if unit else ''}: {text!r}"
            ) from None
        if value < 1:
            raise argparse.ArgumentTypeError(f"must be at least {one}, not {text}")
        return value

    return parse


seconds = above_zero("seconds")
megabytes = above_zero("megabytes", "MB")
whole_seconds = at_least_one("seconds", "1 second")
whole_number = at_least_one("", "1")
