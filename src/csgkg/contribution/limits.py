"""Run untrusted work (parsing and validating a contribution) in a worker process with limits.

The worker is forked, so it shares the already-loaded dataset; it gets an address-space limit, a
wall-clock timeout, and an audit hook that refuses every network connection.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from csgkg.core.errors import CsgkgError, InputError

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_TERMS = 200_000
DEFAULT_MAX_TRIPLES = 2_000
DEFAULT_MAX_DEPTH = 32
DEFAULT_TIMEOUT = 30.0
DEFAULT_MEMORY = 1024 * 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Bounds for one contribution check: file size, number of terms, statements per file (as the
    pre-scan counts them), nesting depth, wall-clock seconds and extra memory in bytes."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_terms: int = DEFAULT_MAX_TERMS
    max_triples: int = DEFAULT_MAX_TRIPLES
    max_depth: int = DEFAULT_MAX_DEPTH
    timeout: float = DEFAULT_TIMEOUT
    memory: int = DEFAULT_MEMORY

    @classmethod
    def from_env(cls, **overrides: Any) -> Limits:
        """Limits from CSGKG_MAX_BYTES, CSGKG_MAX_TRIPLES, CSGKG_MAX_DEPTH, CSGKG_TIMEOUT and
        CSGKG_MEMORY, then ``overrides`` (those that are not None)."""
        values = {
            "max_bytes": int(os.environ.get("CSGKG_MAX_BYTES", DEFAULT_MAX_BYTES)),
            "max_triples": int(os.environ.get("CSGKG_MAX_TRIPLES", DEFAULT_MAX_TRIPLES)),
            "max_depth": int(os.environ.get("CSGKG_MAX_DEPTH", DEFAULT_MAX_DEPTH)),
            "timeout": float(os.environ.get("CSGKG_TIMEOUT", DEFAULT_TIMEOUT)),
            "memory": int(os.environ.get("CSGKG_MEMORY", DEFAULT_MEMORY)),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


class NetworkRefused(CsgkgError):
    """A contribution tried to reach the network."""


_NETWORK_EVENTS = ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "urllib.Request")


def _refuse_network(event: str, args: tuple) -> None:
    if event in _NETWORK_EVENTS:
        raise NetworkRefused(f"a network access was attempted ({event}) and refused")


def _virtual_memory() -> int:
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


_MEMORY = 0  # the memory a check may use beyond what the dataset takes (set in the worker)


def rebase_memory_limit() -> None:
    """In a worker: allow the check ``memory`` bytes beyond what the process holds now. A check calls
    it again once it has opened the dataset, so that the limit bounds the contribution's own work,
    not the store's (only the soft limit is set, so it can be set again)."""
    if _MEMORY:
        limit = _virtual_memory() + _MEMORY
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _child(conn: Any, func: Callable[..., Any], args: tuple, memory: int, deferred: bool = False) -> None:
    sys.addaudithook(_refuse_network)
    global _MEMORY
    _MEMORY = memory
    if not deferred:
        rebase_memory_limit()
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 3000))
    try:
        conn.send(("ok", func(*args)))
    except MemoryError:
        conn.send(("memory", None))  # the parent words it, with the caller's hint
    except RecursionError:
        conn.send(("error", "the input nests too deeply to be read"))
    except CsgkgError as exc:
        conn.send(("csgkg", exc))
    except BaseException as exc:  # anything else is reported, never a traceback
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def _memory_allowed(memory: int) -> str:
    """The memory a check may use, as the messages name it."""
    return (
        f"the memory allowed for a check ({memory / 1024**2:,.0f} MB beyond what the dataset already "
        "takes; CSGKG_MEMORY sets the limit in bytes, 0 for none)"
    )


def _ended_without_answer(exitcode: int | None, limits: Limits) -> str:
    """What to say when the worker ended without sending an answer (``exitcode`` as multiprocessing
    gives it: negative for a signal)."""
    if exitcode is not None and exitcode < 0:
        try:
            how = f"was ended by signal {signal.Signals(-exitcode).name}"
        except ValueError:
            how = f"was ended by signal {-exitcode}"
    else:
        how = f"ended with exit status {exitcode}"
    message = f"the check stopped unexpectedly: its worker {how} without an answer. "
    if limits.memory:
        return message + (
            f"This usually means it ran out of {_memory_allowed(limits.memory)}: the contribution may be "
            "too large or too complex to read, or the dataset too large to check this way"
        )
    return message + "It had no memory limit; the system may have stopped it for using too much memory"


def _single_threaded() -> bool:
    """True when this process runs one thread (Linux lists them in ``/proc/self/task``), which
    counts the threads a native library such as a store has started, not only Python's."""
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False  # not Linux: assume threads


def _worker_context() -> Any:
    """Fork the worker from this process when it has no other thread (nothing can be inherited
    half-way, and the worker starts with everything imported), else from a clean server process."""
    if _single_threaded():
        return multiprocessing.get_context("fork")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["csgkg.contribution.check"])  # each worker starts with it imported
    return context


def run_limited(
    func: Callable[..., Any], args: tuple, limits: Limits, what: str, hint: str = "", deferred: bool = False
) -> Any:
    """Run ``func(*args)`` in a worker process within ``limits``; return its result or raise a CsgkgError.

    The worker is forked from the caller only while the caller runs a single thread; otherwise from
    a clean server process (multiprocessing's "forkserver"): a caller that has a store open holds
    threads and locks that a forked copy would inherit half-way, and the worker could then wait for
    ever.

    ``what`` names the input in error messages (usually the file); ``hint`` (what else the user can
    try) is added to the message when the check runs out of time or memory, or its worker dies.
    With ``deferred``, ``func`` sets the memory limit itself (:func:`rebase_memory_limit`) once it has
    opened the dataset, which the limit is not meant to bound.
    """
    suffix = f"; {hint}" if hint else ""
    context = _worker_context()
    for stream in (sys.stdout, sys.stderr):  # a forked worker must not write the caller's buffer again
        stream.flush()
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(child, func, args, limits.memory, deferred), daemon=True)
    process.start()
    child.close()
    try:
        if not parent.poll(limits.timeout):
            raise InputError(what, f"checking took longer than {limits.timeout:g} s and was stopped{suffix}")
        try:
            status, payload = parent.recv()
        except (EOFError, OSError):
            process.join(5)
            raise InputError(what, _ended_without_answer(process.exitcode, limits) + suffix) from None
    finally:
        if process.is_alive():
            process.kill()
        process.join(5)
        parent.close()
    if status == "ok":
        return payload
    if status == "memory":
        raise InputError(what, f"ran out of {_memory_allowed(limits.memory)}{suffix}")
    if status == "csgkg":
        raise payload
    raise InputError(what, payload)
