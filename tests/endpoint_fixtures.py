"""Helpers for the endpoint tests: a real Oxigraph server, and local fault servers.

Every server listens on 127.0.0.1 only, every wait is bounded, and every helper that starts
something is a context manager that stops it.
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from csgkg.publish.serve import find_oxigraph, stop_server, wait_until_ready

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    """A TCP port free on the loopback interface right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def oxigraph_server(location: Path, union_default_graph: bool = False) -> Iterator[str]:
    """A real, writable ``oxigraph serve`` on a free loopback port; yields its base URL.
    ``union_default_graph`` makes its default graph the union of its named graphs (as Virtuoso's)."""
    port = free_port()
    log = (location.parent / "oxigraph.log").open("wb")
    command = [find_oxigraph(), "serve", "--location", str(location), "--bind", f"{LOOPBACK}:{port}"]
    if union_default_graph:
        command.append("--union-default-graph")
    process = subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True
    )
    base = f"http://{LOOPBACK}:{port}"
    try:
        wait_until_ready(process, base + "/query", location.parent / "oxigraph.log")
        yield base
    finally:
        stop_server(process, grace=10.0)
        log.close()


def read_line(process: subprocess.Popen, timeout: float) -> str:
    """The next line of ``process``'s stdout (a pipe), waiting at most ``timeout`` seconds."""
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    try:
        if not selector.select(timeout):
            raise TimeoutError(f"no output within {timeout} s")
        return process.stdout.readline().decode("utf-8").rstrip("\n")
    finally:
        selector.close()


def children_of(pid: int) -> list[int]:
    """The process ids whose parent is ``pid`` (Linux /proc)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


def command_line(pid: int) -> list[str]:
    """The command line of process ``pid`` (Linux /proc)."""
    raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    return [part.decode() for part in raw.split(b"\0") if part]


def is_running(pid: int) -> bool:
    """True when process ``pid`` exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


# -- fault servers --------------------------------------------------------------------------------


# -- a loopback server that shows everything it was sent ------------------------------------------


@dataclass
class Seen:
    """One request as the server saw it; ``body`` is None when the server did not read it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None = None


@dataclass
class Server:
    """A loopback http.server whose handler is ``respond``; ``seen`` lists the requests."""

    url: str
    seen: list[Seen] = field(default_factory=list)
    sent: list[int] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)


Respond = Callable[[BaseHTTPRequestHandler, Seen, Server], None]


@contextlib.contextmanager
def server(respond: Respond, path: str = "/sparql") -> Iterator[Server]:
    """Serve ``respond`` on a free loopback port (every method, the body left unread); stop after."""
    lock = threading.Lock()
    state = Server("")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _handle(self) -> None:
            seen = Seen(self.command, self.path, dict(self.headers.items()))
            with lock:
                state.seen.append(seen)
            try:
                respond(self, seen, state)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

        do_GET = do_HEAD = do_POST = do_PUT = _handle

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer((LOOPBACK, 0), Handler)
    httpd.daemon_threads = True
    state.url = f"http://{LOOPBACK}:{httpd.server_address[1]}{path}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield state
    finally:
        state.stop.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(10)


def read_body(handler: BaseHTTPRequestHandler, seen: Seen) -> bytes:
    """Read the request body (Content-Length) and keep it in ``seen``."""
    length = int(handler.headers.get("Content-Length") or 0)
    seen.body = handler.rfile.read(length) if length else b""
    return seen.body


@dataclass
class Recorded:
    """One request a RecordingServer received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class RecordingServer:
    """A loopback server that reads and records each request, then answers with ``respond``."""

    respond: Callable[[BaseHTTPRequestHandler, Recorded], None]
    requests: list[Recorded] = field(default_factory=list)
    url: str = ""


@contextlib.contextmanager
def recording_server(
    respond: Callable[[BaseHTTPRequestHandler, Recorded], None],
) -> Iterator[RecordingServer]:
    """A :func:`server` that reads every request body first and keeps the requests in order."""
    state = RecordingServer(respond)

    def handle(handler: BaseHTTPRequestHandler, seen: Seen, _: Server) -> None:
        request = Recorded(seen.method, seen.path, seen.headers, read_body(handler, seen))
        state.requests.append(request)
        respond(handler, request)

    with server(handle) as running:
        state.url = running.url
        yield state


def answer(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    content_type: str,
    length: int | None = None,
) -> None:
    """Send one response; ``length`` larger than the body announces more than is sent."""
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body) if length is None else length))
    if length is not None:
        handler.send_header("Connection", "close")
        handler.close_connection = True
    handler.end_headers()
    handler.wfile.write(body)
    handler.wfile.flush()


@contextlib.contextmanager
def hanging_server() -> Iterator[tuple[str, list[socket.socket]]]:
    """A loopback socket that accepts connections and never answers; yields (URL, accepted)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind((LOOPBACK, 0))
    listener.listen(16)
    listener.settimeout(0.05)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept_forever() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            accepted.append(connection)

    thread = threading.Thread(target=accept_forever)
    thread.start()
    try:
        yield f"http://{LOOPBACK}:{listener.getsockname()[1]}/sparql", accepted
    finally:
        stop.set()
        thread.join(10)
        for connection in accepted:
            connection.close()
        listener.close()
