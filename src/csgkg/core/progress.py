"""Progress bars for long work (build, validate, push, bench): shown on a terminal, silent elsewhere.

Code that does long work takes a :class:`Reporter` (or None) and asks it for one bar per phase::

    advance = reporter.task("reading files", total=len(files))
    for path in files:
        ...
        advance(1)

On a terminal the bars show the count, the rate and the time; in CI (``CI`` set), in pipes and with
``CSGKG_PROGRESS=0`` nothing is printed. Bars go to standard error, so output stays clean.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol

Advance = Callable[[int], None]


class Reporter(Protocol):
    """Something that shows progress: one bar (task) per phase of the work."""

    def task(self, description: str, total: int | None = None) -> Advance:
        """Start a bar; the returned function advances it by ``n``."""
        ...


class NullReporter:
    """Shows nothing."""

    def task(self, description: str, total: int | None = None) -> Advance:
        return _nothing


def _nothing(n: int) -> None:
    return None


def interactive() -> bool:
    """Whether to show bars: a terminal, not CI, not turned off with CSGKG_PROGRESS=0."""
    if os.environ.get("CSGKG_PROGRESS", "").strip() in ("0", "false", "no"):
        return False
    if os.environ.get("CI"):
        return False
    if os.environ.get("TERM") == "dumb":
        return False
    return sys.stderr.isatty() and sys.stdout.isatty()


class RichReporter:
    """Bars drawn by rich, with counts, rates and elapsed time."""

    def __init__(self, progress: Any) -> None:
        self.progress = progress
        self._last: Any = None

    def task(self, description: str, total: int | None = None) -> Advance:
        if self._last is not None:
            done = self.progress.tasks[self._last]
            if done.total is not None:
                self.progress.update(self._last, completed=done.total)
        task_id = self.progress.add_task(description, total=total)
        self._last = task_id

        def advance(n: int = 1) -> None:
            self.progress.advance(task_id, n)

        return advance


def _rich_progress() -> Any:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TextColumn,
        TimeElapsedColumn,
    )
    from rich.text import Text

    class RateColumn(ProgressColumn):
        """Items per second."""

        def render(self, task: Any) -> Text:
            speed = task.finished_speed or task.speed
            return Text("" if speed is None else f"{speed:,.0f}/s", style="progress.data.speed")

    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=False,
    )


@contextmanager
def reporter(force: bool | None = None) -> Iterator[Reporter]:
    """A Reporter for the length of a ``with`` block: rich bars when :func:`interactive` (or
    ``force``), else one that shows nothing."""
    show = interactive() if force is None else force
    if not show:
        yield NullReporter()
        return
    progress = _rich_progress()
    with progress:
        yield RichReporter(progress)


@contextmanager
def validation_progress() -> Iterator[Reporter]:
    """The Reporter of ``csgkg validate``."""
    with reporter() as shown:
        yield shown
