"""Ontology documentation: ``docs/ontology/index.html``, generated from the ontology by pyLODE.

pyLODE's OntPub profile works offline when given a graph: its background ontologies ship with the
package. Importing pyLODE configures the root logger (``logging.basicConfig(level=DEBUG)``); that
is undone here so that ``csgkg build`` prints no pyLODE debug lines.
"""

from __future__ import annotations

import logging
from pathlib import Path

from rdflib import Graph

from csgkg.core.errors import CsgkgError
from csgkg.core.files import write_atomic
from csgkg.core.root import DatasetRoot

OUTPUT_FILE = Path("docs") / "ontology" / "index.html"


def _import_ontpub() -> type:
    root_logger = logging.getLogger()
    handlers, level = list(root_logger.handlers), root_logger.level
    try:
        from pylode import OntPub
    except Exception as exc:  # a broken pyLODE release fails at import time
        raise CsgkgError(
            f"pyLODE cannot be imported ({type(exc).__name__}: {exc}); "
            "install a working version: pip install 'pylode>=3.3.4,<3.4'"
        ) from None
    finally:
        for handler in list(root_logger.handlers):
            if handler not in handlers:
                root_logger.removeHandler(handler)
        root_logger.setLevel(level)
    return OntPub


def ontology_html(ontology: Graph) -> str:
    """The pyLODE (OntPub) HTML documentation of ``ontology``; ``ontology`` is left unchanged."""
    ontpub = _import_ontpub()
    copy = Graph()
    for triple in ontology:
        copy.add(triple)
    # Keep pyLODE's informational log lines (background ontologies loaded...) out of the output.
    previous = logging.root.manager.disable
    logging.disable(logging.INFO)
    try:
        html = ontpub(copy, sort_subjects=True).make_html()
    finally:
        logging.disable(previous)
    return html if html.endswith("\n") else html + "\n"


def write_ontology_docs(root: DatasetRoot, dist: Path) -> Path:
    """Write the ontology's HTML documentation to ``dist/docs/ontology/index.html``."""
    ontology = Graph().parse(root.ontology_file, format="turtle")
    path = dist / OUTPUT_FILE
    write_atomic(path, ontology_html(ontology))
    return path
