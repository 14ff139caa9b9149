"""The ``csgkg serve`` and ``csgkg push`` commands: a thin layer over :mod:`.serve` and :mod:`.push`."""

from __future__ import annotations

import argparse
import sys

from csgkg.cli import values
from csgkg.core.namespaces import DATASET_IRI


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"a port is between 0 and 65535, not {text}")
    return value


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``serve`` and ``push`` to the ``csgkg`` command line."""
    from csgkg.io.remote import DEFAULT_MAX_ANSWER_MB as DEFAULT_REMOTE_ANSWER_MB
    from csgkg.io.remote import DEFAULT_TIMEOUT as DEFAULT_PUSH_TIMEOUT
    from csgkg.publish.front import DEFAULT_MAX_ANSWER_MB, DEFAULT_MAX_RUNNING
    from csgkg.publish.serve import DEFAULT_HOST, DEFAULT_PORT, DEFAULT_QUERY_TIMEOUT

    p = sub.add_parser(
        "serve",
        help="serve the built dataset as a read-only SPARQL 1.1 endpoint (Oxigraph)",
        description=(
            "Serve dist/csgkg.nt read-only with the Oxigraph server until Ctrl-C. The first line "
            "printed is the query endpoint URL. Federated queries (SERVICE), FROM, updates and "
            "Graph Store requests are refused before the server sees them. Run `csgkg build` first."
        ),
    )
    p.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"address to listen on (default {DEFAULT_HOST}: this machine only; 0.0.0.0 for all)",
    )
    p.add_argument(
        "--port",
        type=_port,
        default=DEFAULT_PORT,
        help=f"TCP port (default {DEFAULT_PORT}; 0 picks a free one)",
    )
    p.add_argument(
        "--timeout",
        type=values.whole_seconds,
        default=DEFAULT_QUERY_TIMEOUT,
        metavar="S",
        help=f"stop a query after S seconds, with HTTP 503 (default {DEFAULT_QUERY_TIMEOUT})",
    )
    p.add_argument(
        "--max-answer-mb",
        type=values.megabytes,
        default=DEFAULT_MAX_ANSWER_MB,
        metavar="MB",
        help="stop a query whose answer grows past MB megabytes, with HTTP 500 "
        f"(default {DEFAULT_MAX_ANSWER_MB})",
    )
    p.add_argument(
        "--max-running",
        type=values.whole_number,
        default=DEFAULT_MAX_RUNNING,
        metavar="N",
        help="run at most N queries at once; others wait their turn within their own time "
        f"(default {DEFAULT_MAX_RUNNING})",
    )
    p.set_defaults(handler=cmd_serve)

    p = sub.add_parser(
        "push",
        help="load the built dataset into a triplestore (SPARQL 1.1 Graph Store Protocol)",
        description=(
            "Replace a graph of a triplestore with dist/csgkg.nt in one HTTP PUT, then check the "
            "triple count with a SPARQL query. Credentials come from CSGKG_USER and "
            "CSGKG_PASSWORD, or CSGKG_TOKEN (a bearer token), or ~/.netrc; never from the "
            "command line."
        ),
    )
    p.add_argument(
        "--store",
        required=True,
        metavar="URL",
        help="the Graph Store endpoint, e.g. http://localhost:7878/store (Oxigraph), "
        "http://localhost:3030/csgkg/data (Fuseki)",
    )
    target = p.add_mutually_exclusive_group()
    target.add_argument(
        "--graph",
        default=DATASET_IRI,
        metavar="IRI",
        help=f"the named graph to replace (default {DATASET_IRI})",
    )
    target.add_argument(
        "--default-graph",
        action="store_true",
        help="replace the store's default graph instead of a named graph",
    )
    p.add_argument(
        "--endpoint",
        metavar="URL",
        help="the SPARQL query endpoint for the count (default: derived from --store, e.g. "
        ".../store -> .../query for Oxigraph)",
    )
    p.add_argument(
        "--timeout",
        type=values.seconds,
        default=DEFAULT_PUSH_TIMEOUT,
        metavar="S",
        help="stop after S seconds: the whole push, upload, retries and count included, however "
        f"slowly the store answers (default {DEFAULT_PUSH_TIMEOUT:g})",
    )
    p.add_argument(
        "--max-answer-mb",
        type=values.megabytes,
        default=DEFAULT_REMOTE_ANSWER_MB,
        metavar="N",
        help="stop reading an answer of the store larger than N megabytes (1 MB = 1,000,000 bytes) "
        f"(default {DEFAULT_REMOTE_ANSWER_MB:g})",
    )
    p.set_defaults(handler=cmd_push)


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the built dataset until interrupted."""
    from csgkg.core.root import find_root
    from csgkg.publish.serve import serve

    return serve(
        find_root(args.root),
        host=args.host,
        port=args.port,
        timeout=args.timeout,
        max_answer_mb=args.max_answer_mb,
        max_running=args.max_running,
    )


def cmd_push(args: argparse.Namespace) -> int:
    """Push the built dataset to a Graph Store endpoint and check the count."""
    from csgkg.core.root import find_root
    from csgkg.publish.push import push
    from csgkg.publish.released import built_ntriples, stale_warning

    root = find_root(args.root)
    source = built_ntriples(root)
    warning = stale_warning(root, source)
    if warning:
        print(warning, file=sys.stderr)
    from csgkg.core.progress import reporter

    with reporter() as shown:
        report = push(
            source,
            args.store,
            graph=None if args.default_graph else args.graph,
            endpoint=args.endpoint,
            timeout=args.timeout,
            max_answer_mb=args.max_answer_mb,
            reporter=shown,
        )
    print("\n".join(report.lines()), flush=True)
    if not report.ok:
        print(f"error: {report.mismatch()}", file=sys.stderr)
        return 1
    return 0
