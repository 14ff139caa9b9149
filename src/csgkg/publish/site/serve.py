"""Preview the catalogue on this machine only: the standard library's http.server on 127.0.0.1.

It serves the folder that holds the site (``dist/``), so that the site's links to the release files
(``../csgkg.ttl``) work as they will when ``dist/`` is published. Not a production server.
"""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

HOST = "127.0.0.1"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files without logging every request to stderr."""

    def log_message(self, format: str, *args: object) -> None:
        return


def make_server(folder: Path, port: int = 0, quiet: bool = True) -> http.server.ThreadingHTTPServer:
    """An HTTP server for ``folder`` bound to 127.0.0.1 (``port`` 0: any free port)."""
    handler = _QuietHandler if quiet else http.server.SimpleHTTPRequestHandler
    return http.server.ThreadingHTTPServer((HOST, port), functools.partial(handler, directory=str(folder)))


def serve_in_thread(folder: Path, port: int = 0) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Start serving ``folder`` in a daemon thread; return the server and its base URL.
    Call ``server.shutdown()`` to stop it."""
    server = make_server(folder, port)
    thread = threading.Thread(target=server.serve_forever, daemon=True, name="csgkg-site-preview")
    thread.start()
    return server, f"http://{HOST}:{server.server_address[1]}/"


def serve_forever(site: Path, port: int = 8000) -> None:
    """Serve ``site``'s parent folder until interrupted, printing the site's address."""
    server = make_server(site.parent, port, quiet=False)
    url = f"http://{HOST}:{server.server_address[1]}/{site.name}/"
    print(f"previewing {site} at {url} (local only; press Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
