"""``csgkg serve``: a read-only SPARQL 1.1 endpoint over the built release, run by Oxigraph.

The real ``oxigraph`` server (the ``oxigraph`` package on PyPI) runs the queries; csgkg prepares
and supervises it, and puts a front before it (:mod:`.front`):

1. ``oxigraph load`` loads ``dist/csgkg.nt`` into a new store in a temporary folder, in the named
   graph ``https://w3id.org/csgkg/dataset`` (the dataset IRI, as ``csgkg push`` does);
2. ``oxigraph serve-read-only --union-default-graph`` serves it on a free port of 127.0.0.1 only, so
   queries without ``GRAPH``/``FROM`` see the whole release; the server runs in its own process
   group, with a timeout a few seconds longer than the front's as a backstop;
3. the front listens on ``--host``/``--port``: it refuses federated queries (``SERVICE``), updates
   and anything that is not a query before the server sees it, and bounds each query's time, its
   answer's size and how many run at once;
4. once both answer, the front's endpoint URL is printed as the first line of stdout;
5. Ctrl-C (SIGINT) or SIGTERM stops the front and the server's whole process group and removes the
   temporary store. On Linux the server also gets SIGTERM if csgkg itself dies.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from csgkg.core.errors import CsgkgError, UsageError
from csgkg.core.namespaces import DATASET_IRI
from csgkg.core.root import DatasetRoot
from csgkg.core.words import plural
from csgkg.publish.front import DEFAULT_MAX_ANSWER_MB, DEFAULT_MAX_RUNNING, Front, FrontLimits, serving
from csgkg.publish.released import built_ntriples, count_ntriples, stale_warning

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
DEFAULT_QUERY_TIMEOUT = 30
BACKSTOP = 5  # the server's own timeout is this many seconds longer than the front's
PRIVATE_HOST = "127.0.0.1"
STARTUP_TIMEOUT = 60.0
LOAD_TIMEOUT = 600.0
STOP_GRACE = 5.0


class ServeError(CsgkgError):
    """The server could not be found, loaded or started, or stopped by itself."""


class _Stop(BaseException):
    """Raised in the main thread by the SIGTERM handler."""


def find_oxigraph() -> str:
    """The ``oxigraph`` executable: next to the running Python first, else on PATH."""
    name = "oxigraph.exe" if os.name == "nt" else "oxigraph"
    beside = Path(sys.executable).parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("oxigraph")
    if found:
        return found
    raise ServeError(
        "the `oxigraph` server was not found next to Python or on PATH: install it with "
        "`python3 -m pip install oxigraph`"
    )


def url_host(host: str) -> str:
    """``host`` as written in a URL or a ``--bind`` value (IPv6 addresses in brackets)."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def client_host(host: str) -> str:
    """The address a local client uses to reach a server bound to ``host``."""
    return {"0.0.0.0": "127.0.0.1", "::": "::1", "[::]": "::1", "": "127.0.0.1"}.get(host, host)


def free_port(host: str = DEFAULT_HOST) -> int:
    """A TCP port that is free on ``host`` right now."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.bind((host.strip("[]"), 0))
        return int(probe.getsockname()[1])


def check_port_free(host: str, port: int) -> None:
    """A ServeError when another program already listens on ``host:port``."""
    bind_host = host.strip("[]") or "0.0.0.0"
    family = socket.AF_INET6 if ":" in bind_host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        if os.name == "posix":  # as the server does: a port left in TIME_WAIT is free
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((bind_host, port))
        except OSError as exc:
            raise ServeError(
                f"cannot listen on {url_host(bind_host)}:{port}: {exc.strerror}; choose another "
                "--port (0 picks a free one) or --host"
            ) from None


def server_message(log: Path) -> str:
    """The server's error message from its log: the ``Error:`` line, else the first line."""
    try:
        lines = [ln.strip() for ln in log.read_text("utf-8", "replace").splitlines() if ln.strip()]
    except OSError:
        return ""
    errors = [ln for ln in lines if ln.lower().startswith("error")]
    return (errors or lines or [""])[0]


def load_store(oxigraph: str, source: Path, location: Path) -> None:
    """Load the N-Triples file ``source`` into a new Oxigraph store at ``location``."""
    command = [oxigraph, "load", "--location", str(location), "--file", str(source)]
    command += ["--format", "application/n-triples", "--graph", DATASET_IRI]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=LOAD_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise ServeError(f"`oxigraph load` did not finish within {LOAD_TIMEOUT:g} s") from None
    except OSError as exc:
        raise ServeError(f"`{oxigraph}` could not be run: {exc.strerror}") from None
    if done.returncode != 0:
        lines = [ln for ln in (done.stderr or done.stdout).splitlines() if ln.strip()]
        raise ServeError(f"`oxigraph load` failed on {source}: {lines[-1] if lines else 'no message'}")


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Ask Linux to send SIGTERM to the server when csgkg dies (PR_SET_PDEATHSIG)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


def start_server(
    oxigraph: str, location: Path, host: str, port: int, timeout: int, log: IO[bytes]
) -> subprocess.Popen[bytes]:
    """Start ``oxigraph serve-read-only`` on ``location`` in its own process group."""
    command = [
        oxigraph,
        "serve-read-only",
        "--location",
        str(location),
        "--bind",
        f"{url_host(host)}:{port}",
        "--timeout-s",
        str(timeout),
        "--union-default-graph",
    ]
    options: dict[str, Any] = {}
    if os.name == "posix":
        options["start_new_session"] = True
        if sys.platform.startswith("linux"):
            options["preexec_fn"] = _die_with_parent
    else:  # pragma: no cover - Windows
        options["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP  # type: ignore[attr-defined]
    try:
        return subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log, **options)
    except OSError as exc:
        raise ServeError(f"`{oxigraph}` could not be started: {exc.strerror}") from None


def stop_server(process: subprocess.Popen[bytes], grace: float = STOP_GRACE) -> None:
    """Stop the server's whole process group (it was started in a new session): SIGTERM, then
    SIGKILL after ``grace`` seconds."""
    if process.poll() is not None:
        return
    if os.name == "posix":
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    else:  # pragma: no cover - Windows
        process.terminate()
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        if os.name == "posix":
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        else:  # pragma: no cover - Windows
            process.kill()
        process.wait()


def wait_until_ready(
    process: subprocess.Popen[bytes],
    query_url: str,
    log: Path,
    name: str = "the oxigraph server",
    timeout: float = STARTUP_TIMEOUT,
) -> None:
    """Return once the SPARQL server ``name`` answers ``ASK {}`` at ``query_url``; a ServeError
    (with the end of its ``log``) if it exits or does not answer within ``timeout`` seconds."""
    probe = query_url + "?query=ASK%7B%7D"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            reason = server_message(log) or f"exit status {process.returncode}"
            raise ServeError(f"{name} stopped at start-up: {reason}")
        try:
            with urllib.request.urlopen(probe, timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    raise ServeError(f"{name} did not answer within {timeout:g} s")


@contextlib.contextmanager
def _signals_stop() -> Iterator[None]:
    """Turn SIGTERM into :class:`_Stop` (SIGINT already raises KeyboardInterrupt)."""

    def handler(signum: int, frame: Any) -> None:
        raise _Stop

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def _signals_ignored() -> Iterator[None]:
    """Ignore SIGINT and SIGTERM while cleaning up, so that cleanup always completes."""
    previous = {s: signal.signal(s, signal.SIG_IGN) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def serve(
    root: DatasetRoot,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    timeout: int = DEFAULT_QUERY_TIMEOUT,
    out: IO[str] | None = None,
    err: IO[str] | None = None,
    max_answer_mb: float = DEFAULT_MAX_ANSWER_MB,
    max_running: int = DEFAULT_MAX_RUNNING,
) -> int:
    """Serve ``dist/csgkg.nt`` of ``root`` read-only until SIGINT or SIGTERM; return 0.

    Prints the query endpoint URL as the first line of ``out`` (default stdout) once the server
    answers, and notes to ``err`` (default stderr). Each query may run ``timeout`` seconds and
    answer ``max_answer_mb`` megabytes; ``max_running`` run at once (see :mod:`.front`). Raises
    ServeError when the release is missing, ``oxigraph`` is not installed, or the server cannot
    start or stops by itself.
    """
    out = out or sys.stdout
    err = err or sys.stderr
    if timeout < 1:
        raise UsageError(f"--timeout must be a whole number of seconds, at least 1, not {timeout}")
    if not max_answer_mb > 0:
        raise UsageError(f"--max-answer-mb must be more than 0, not {max_answer_mb:g}")
    if max_running < 1:
        raise UsageError(f"--max-running must be at least 1, not {max_running}")
    limits = FrontLimits(float(timeout), int(max_answer_mb * 1_000_000), max_running)
    source = built_ntriples(root)
    warning = stale_warning(root, source)
    if warning:
        print(warning, file=err)
    oxigraph = find_oxigraph()
    if port == 0:
        port = free_port(client_host(host))
    check_port_free(host, port)
    query_url = f"http://{url_host(client_host(host))}:{port}/query"
    workdir = Path(tempfile.mkdtemp(prefix="csgkg-serve-"))
    process: subprocess.Popen[bytes] | None = None
    try:
        with _signals_stop():
            store = workdir / "store"
            load_store(oxigraph, source, store)
            log_path = workdir / "oxigraph.log"
            private_port = free_port(PRIVATE_HOST)
            with log_path.open("wb") as log:
                process = start_server(oxigraph, store, PRIVATE_HOST, private_port, timeout + BACKSTOP, log)
            wait_until_ready(process, f"http://{PRIVATE_HOST}:{private_port}/query", log_path)
            try:
                front = Front((host.strip("[]") or "0.0.0.0", port), (PRIVATE_HOST, private_port), limits)
            except OSError as exc:
                raise ServeError(f"cannot listen on {url_host(host)}:{port}: {exc.strerror}") from None
            with serving(front):
                print(query_url, file=out, flush=True)
                where = "" if client_host(host) == host else f" (listening on {host})"
                print(
                    f"serving {plural(count_ntriples(source), 'triple')} of {source} read-only with Oxigraph"
                    f"{where}; SERVICE and updates are refused; a query may run {timeout} s and "
                    f"answer {max_answer_mb:g} MB, {max_running} at once; Ctrl-C stops the server",
                    file=err,
                    flush=True,
                )
                process.wait()
            reason = server_message(log_path) or f"exit status {process.returncode}"
            raise ServeError(f"the oxigraph server stopped: {reason}")
    except (KeyboardInterrupt, _Stop):
        print("stopping the server", file=err, flush=True)
        return 0
    finally:
        with _signals_ignored():
            if process is not None:
                stop_server(process)
            shutil.rmtree(workdir, ignore_errors=True)
