"""The ``csgkg site`` command: build the static catalogue and, with ``--serve``, preview it on
127.0.0.1. A thin layer over :func:`csgkg.publish.site.build_site`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from csgkg.core.words import plural


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``site`` to the ``csgkg`` command line."""
    p = sub.add_parser(
        "site",
        help="build the web catalogue into dist/site/ (--serve: preview it on this machine)",
        description=(
            "Validate the dataset and build the static web catalogue into dist/site/: the "
            "interventions with filters, a page per intervention and per concept, comparisons, "
            "the coverage matrix and the stored queries. --serve previews it on 127.0.0.1 only."
        ),
    )
    p.add_argument("--out", metavar="DIR", help="write the site here instead of dist/site/")
    p.add_argument("--serve", action="store_true", help="after building, serve it on http://127.0.0.1:PORT/")
    p.add_argument(
        "--port", type=int, default=8000, metavar="N", help="port for --serve (default 8000; 0: any)"
    )
    p.set_defaults(handler=cmd_site)


def cmd_site(args: argparse.Namespace) -> int:
    """Validate the dataset, build the site and, with --serve, preview it."""
    from csgkg.core.root import find_root
    from csgkg.io.parse import load_dataset
    from csgkg.publish.site import build_site, require_writable_site
    from csgkg.validation.run import validate
    from csgkg.validation.text import display_path, format_text

    root = find_root(args.root)
    out = Path(args.out).resolve() if args.out else None
    require_writable_site(root, out)  # before the validation, which takes a while
    dataset = load_dataset(root)
    report = validate(dataset)
    if not report.conforms:
        print(format_text(report), file=sys.stderr)
        print("site not built: fix the violations above", file=sys.stderr)
        return 1
    result = build_site(root, dataset.graph(), out)
    counts = f"{plural(len(result.pages), 'page')} ({plural(result.files, 'file')})"
    print(f"wrote {counts} to {display_path(str(result.folder))}/")
    if result.folder.parent == root.dist_dir and not (root.dist_dir / "csgkg.ttl").is_file():
        print("note: run 'csgkg build' too, so that the site's download links find the release files")
    if args.serve:
        from csgkg.publish.site.serve import serve_forever

        try:
            serve_forever(result.folder, args.port)
        except OSError as exc:
            print(f"error: cannot serve on 127.0.0.1:{args.port}: {exc.strerror or exc}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            print("stopped")
    return 0
