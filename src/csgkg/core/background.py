"""Run one function in a second process beside the caller's own work, and collect what it returns.

The build uses it for the one release file whose writing is pure Python work over the whole
graph (``interventions.json``), so that both cores work on the release at once. Where the
operating system can fork, the second process is a fork: it shares the caller's memory (nothing is
copied or pickled on the way in) and sends back only the return value, or the exception it raised,
which :meth:`Background.result` raises again in the caller. Where it cannot, the function runs in
the caller when it is started. The result is the same either way.
"""

from __future__ import annotations

import multiprocessing
import pickle
from collections.abc import Callable
from multiprocessing.connection import Connection
from types import TracebackType
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class BackgroundError(RuntimeError):
    """The second process ended without sending a result back (killed, or out of memory)."""


def _run(function: Callable[..., Any], args: tuple[Any, ...], conn: Connection) -> None:
    """The second process: call ``function`` and send ``("ok", value)`` or ``("error", exception)``."""
    try:
        message: tuple[str, Any] = ("ok", function(*args))
    except BaseException as exc:
        message = ("error", _portable(exc))
    try:
        conn.send(message)
    except Exception as exc:  # the value cannot be pickled
        conn.send(("error", BackgroundError(f"{type(exc).__name__}: {exc} (from {message[1]!r})")))
    finally:
        conn.close()


def _portable(exc: BaseException) -> BaseException:
    """``exc`` if it comes back whole through pickle, else a :class:`BackgroundError` with its text
    (an exception whose constructor needs more than its message cannot be rebuilt)."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return BackgroundError(f"{type(exc).__name__}: {exc}")
    return exc


class Background(Generic[T]):
    """``function(*args)`` running in a second process; :meth:`result` waits for it.

    Use it as a context manager: leaving the block before :meth:`result` was called (because the
    caller's own work failed) stops the second process, so it never writes after the caller gave up.
    """

    def __init__(self, function: Callable[..., T], *args: Any) -> None:
        self._process: Any = None
        self._reader: Connection | None = None
        self._outcome: tuple[str, Any] | None = None
        if "fork" not in multiprocessing.get_all_start_methods():
            try:
                self._outcome = ("ok", function(*args))
            except Exception as exc:
                self._outcome = ("error", exc)
            return
        context = multiprocessing.get_context("fork")
        self._reader, writer = context.Pipe(duplex=False)
        self._process = context.Process(target=_run, args=(function, args, writer), daemon=True)
        self._process.start()
        writer.close()  # the child holds the only writing end: its exit ends the pipe

    @property
    def forked(self) -> bool:
        """Whether the function runs in a second process (else it ran in the caller)."""
        return self._process is not None

    def result(self) -> T:
        """Wait for the function and return its value, or raise the exception it raised."""
        if self._outcome is None:
            assert self._reader is not None and self._process is not None
            try:
                self._outcome = self._reader.recv()
            except EOFError:
                self._process.join()
                self._outcome = (
                    "error",
                    BackgroundError(
                        f"the second process ended with exit code {self._process.exitcode} before it "
                        "finished (killed, or out of memory?)"
                    ),
                )
            finally:
                self._reader.close()
            self._process.join()
        status, value = self._outcome
        if status == "error":
            raise value
        return value

    def stop(self) -> None:
        """Stop the second process if it is still running (its result is then never read)."""
        if self._process is not None and self._process.is_alive():
            self._process.terminate()
            self._process.join()

    def __enter__(self) -> Background[T]:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()
