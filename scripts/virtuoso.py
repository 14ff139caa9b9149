"""Install, start and stop a throwaway Virtuoso 7 for testing the stored queries against it.

    python3 scripts/virtuoso.py install    # apt-get install virtuoso-opensource if virtuoso-t is missing
    python3 scripts/virtuoso.py serve      # a throwaway Virtuoso on loopback until Ctrl-C; prints its URLs

``serve`` (the function) starts ``virtuoso-t`` with a fresh database in a temporary folder, on free
loopback ports, sets the dba password, creates a user with the SPARQL_UPDATE role (which Virtuoso's
authenticated Graph Store endpoint, /sparql-graph-crud-auth, needs), and yields the URLs. On leaving, it
stops the server and deletes the folder. Nothing outside the folder is written.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from csgkg.publish.serve import stop_server, wait_until_ready

LOOPBACK = "127.0.0.1"
PACKAGE = "virtuoso-opensource"
DBA_PASSWORD = "dba-csgkg-test"
USER = "csgkg"
PASSWORD = "csgkg-test-password"
STARTUP_SECONDS = 120.0


@dataclass(frozen=True)
class Virtuoso:
    """A running throwaway Virtuoso: where it answers and who may write to it."""

    base: str  # http://127.0.0.1:PORT
    isql_port: int
    folder: Path
    user: str = USER
    password: str = PASSWORD
    dba_password: str = DBA_PASSWORD

    @property
    def sparql(self) -> str:
        """The query endpoint; its default graph is every graph in the store."""
        return f"{self.base}/sparql"

    @property
    def graph_store(self) -> str:
        """The Graph Store endpoint that takes HTTP Digest credentials."""
        return f"{self.base}/sparql-graph-crud-auth"

    def isql(self, *statements: str, timeout: float = 120.0) -> str:
        """Run SQL statements as dba through isql; return its output, raise on any error."""
        script = "".join(s.rstrip().rstrip(";") + ";\n" for s in statements)
        done = subprocess.run(
            [isql_command(), f"{LOOPBACK}:{self.isql_port}", "dba", self.dba_password],
            input=script,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        output = done.stdout + done.stderr
        if done.returncode != 0 or "*** Error" in output:
            raise RuntimeError(f"isql failed: {output.strip()}")
        return output


def isql_command() -> str:
    """Debian's isql for Virtuoso is isql-vt (plain isql is unixODBC's)."""
    for name in ("isql-vt", "isql-v"):
        found = shutil.which(name)
        if found:
            return found
    raise FileNotFoundError("isql-vt not found; run: python3 scripts/virtuoso.py install")


def install() -> None:
    """Install Debian's Virtuoso package when ``virtuoso-t`` is not on the PATH."""
    if shutil.which("virtuoso-t"):
        return
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", PACKAGE], check=True, env=env)
    if not shutil.which("virtuoso-t"):
        raise SystemExit(f"{PACKAGE} is installed but virtuoso-t is not on the PATH")


def free_port() -> int:
    """A TCP port free on the loopback interface right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


def write_config(folder: Path, isql_port: int, http_port: int) -> Path:
    """A minimal virtuoso.ini that keeps every file in ``folder`` and listens on loopback only."""
    vsp = Path("/var/lib/virtuoso-opensource-7/vsp")
    config = folder / "virtuoso.ini"
    config.write_text(
        f"""[Database]
DatabaseFile       = {folder}/virtuoso.db
ErrorLogFile       = {folder}/virtuoso.log
LockFile           = {folder}/virtuoso.lck
TransactionFile    = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {folder}/virtuoso-temp.db
TransactionFile    = {folder}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort           = {LOOPBACK}:{isql_port}
DisableUnixSocket    = 1
MaxClientConnections = 10
CheckpointInterval   = 0
CaseMode             = 2
DirsAllowed          = ., {folder}
NumberOfBuffers      = 20000
MaxDirtyBuffers      = 15000
ThreadsPerQuery      = 2
MaxQueryMem          = 500M

[HTTPServer]
ServerPort           = {LOOPBACK}:{http_port}
ServerRoot           = {vsp if vsp.is_dir() else folder}
MaxClientConnections = 10
ServerThreads        = 10
Charset              = UTF-8
EnabledDavVSP        = 0

[SPARQL]
ResultSetMaxRows           = 10000
MaxQueryCostEstimationTime = 400
MaxQueryExecutionTime      = 120
""",
        encoding="utf-8",
    )
    return config


@contextlib.contextmanager
def serve(parent: Path | None = None, timeout: float = STARTUP_SECONDS) -> Iterator[Virtuoso]:
    """A throwaway Virtuoso on free loopback ports, with a user who may write through the Graph Store."""
    binary = shutil.which("virtuoso-t")
    if binary is None:
        raise FileNotFoundError("virtuoso-t not found; run: python3 scripts/virtuoso.py install")
    folder = Path(tempfile.mkdtemp(prefix="csgkg-virtuoso-", dir=parent))
    isql_port, http_port = free_port(), free_port()
    config = write_config(folder, isql_port, http_port)
    with (folder / "stdout.log").open("wb") as output:
        process = subprocess.Popen(
            [binary, "+foreground", "+configfile", str(config)],
            cwd=folder,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=output,
            start_new_session=True,
        )
    server = Virtuoso(f"http://{LOOPBACK}:{http_port}", isql_port, folder)
    try:
        wait_until_ready(process, server.sparql, folder / "virtuoso.log", "virtuoso-t", timeout)
        # A fresh database's dba password is "dba": change it first, then work as dba.
        Virtuoso(server.base, isql_port, folder, dba_password="dba").isql(
            f"USER_SET_PASSWORD('dba', '{server.dba_password}')"
        )
        server.isql(
            f"DB.DBA.USER_CREATE('{server.user}', '{server.password}')",
            f'GRANT SPARQL_UPDATE TO "{server.user}"',
        )
        yield server
    finally:
        stop_server(process, grace=30.0)  # Virtuoso writes a checkpoint on the way out
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("install", help="apt-get install virtuoso-opensource if virtuoso-t is missing")
    commands.add_parser("serve", help="run a throwaway Virtuoso until Ctrl-C")
    args = parser.parse_args(argv)
    if args.command == "install":
        install()
        print(f"virtuoso-t: {shutil.which('virtuoso-t')}")
        return 0
    with serve() as server:
        print(f"query endpoint: {server.sparql}")
        print(
            f"graph store:    {server.graph_store} (Digest, user {server.user}, password {server.password})"
        )
        print(f"isql:           isql-vt {LOOPBACK}:{server.isql_port} dba {server.dba_password}")
        print("Ctrl-C stops it and deletes its database.", flush=True)
        signal.signal(signal.SIGTERM, signal.default_int_handler)
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(3600)
    return 0


if __name__ == "__main__":
    sys.exit(main())
