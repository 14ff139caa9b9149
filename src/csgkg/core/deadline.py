"""Run a piece of work in a forked child process that is stopped when its time is up.

A SPARQL engine written in Rust (pyoxigraph) checks no Python signal while it evaluates, so a
runaway query cannot be interrupted from inside the process that runs it. :func:`run_with_deadline`
forks: the child does the work on the state it shares with the parent (an open store, parsed
graphs) and sends the pickled result back through a pipe; the parent reads it while the clock runs
and, when the deadline passes, kills the child, reaps it and raises :class:`DeadlineExceeded`.
Nothing the child does can outlive the call, and the parent's own state is never touched.

Where ``os.fork`` does not exist (Windows), the work runs in the calling process without a limit.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import selectors
import signal
import time
from collections.abc import Callable
from typing import TypeVar

from csgkg.core.errors import CsgkgError

T = TypeVar("T")

_CHUNK = 1 << 16

DEFAULT_QUERY_TIMEOUT = 30.0
"""Seconds a query may run, on the dataset or at an endpoint, unless the caller says otherwise."""


class DeadlineExceeded(CsgkgError):
    """The work did not finish in time and was stopped."""


class _Failed(CsgkgError):
    """The child raised something that could not be sent back as itself."""


def run_with_deadline(work: Callable[[], T], seconds: float | None, message: str) -> T:
    """``work()``, run in a forked child and stopped after ``seconds`` (None or 0: no limit).

    Returns what ``work`` returns (it must pickle); an exception ``work`` raises is raised here.
    When time is up, the child is killed and :class:`DeadlineExceeded` is raised with ``message``.
    """
    if not seconds or not hasattr(os, "fork"):
        return work()
    deadline = time.monotonic() + seconds
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child; coverage does not follow forks
        os.close(read_end)
        _child(work, write_end)
    os.close(write_end)
    try:
        data = _read_until(read_end, deadline)
    except BaseException as exc:  # time is up, or Ctrl-C: the child must not outlive the call
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        if isinstance(exc, TimeoutError):
            raise DeadlineExceeded(message) from None
        raise
    finally:
        os.close(read_end)
        _reap(pid)
    try:
        status, payload = pickle.loads(data)
    except Exception:
        raise CsgkgError(
            "the worker process ended without a whole answer (it may have run out of memory)"
        ) from None
    if status == "ok":
        return payload
    raise payload


def _child(work: Callable[[], object], write_end: int) -> None:  # pragma: no cover - runs in the child
    """Do ``work`` and write ``("ok", result)`` or ``("error", exception)``; never return."""
    code = 0
    try:
        try:
            answer = pickle.dumps(("ok", work()), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException as exc:  # everything is reported to the parent, never a traceback
            answer = _pickled_error(exc)
        view = memoryview(answer)
        while view:
            view = view[os.write(write_end, view) :]
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _pickled_error(exc: BaseException) -> bytes:  # pragma: no cover - runs in the child
    try:
        answer = pickle.dumps(("error", exc), protocol=pickle.HIGHEST_PROTOCOL)
        pickle.loads(answer)  # some exceptions pickle but cannot be rebuilt
        return answer
    except Exception:
        return pickle.dumps(("error", _Failed(f"{type(exc).__name__}: {exc}")))


def _read_until(fd: int, deadline: float) -> bytes:
    """Everything written to ``fd`` until it closes; TimeoutError at ``deadline``."""
    chunks: list[bytes] = []
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not selector.select(left):
                raise TimeoutError
            chunk = os.read(fd, _CHUNK)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)


def _reap(pid: int) -> None:
    """Wait for the child (killed or finished) so that no zombie is left."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)
