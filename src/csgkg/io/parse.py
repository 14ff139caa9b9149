"""Parse RDF files into graphs, with errors that name the file, line and column."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef

from csgkg.core.errors import InputError
from csgkg.core.namespaces import bind_prefixes, new_graph
from csgkg.core.root import DatasetRoot

FORMATS: dict[str, str] = {
    ".ttl": "turtle",
    ".nt": "nt",
    ".jsonld": "json-ld",
    ".json": "json-ld",
}

_SAFE_ID = re.compile(r"^[^\s<>\"{}|\\^`\x00-\x1f\x7f]*$")
CONTEXT_IRIS = ("https://w3id.org/csgkg/context.jsonld", "https://w3id.org/csgkg/context")


@dataclass
class SourceFile:
    """One parsed file: its path, what part of the dataset it is, its text and its triples."""

    path: Path
    kind: str
    text: str
    graph: Graph
    # Known lines of nodes and statements, for formats where text search cannot find them (YAML):
    # keys are a node, or a (node, property) pair.
    index: dict = field(default_factory=dict)

    @property
    def subjects(self) -> set:
        """The nodes this file describes (subjects of its triples)."""
        return set(self.graph.subjects())


def guess_format(path: Path, also: dict[str, str] | None = None) -> str:
    """The rdflib parser name for ``path``'s extension, or an InputError; ``also`` names further file
    types the caller reads itself (suffix → what it is), listed in the message as accepted."""
    fmt = FORMATS.get(path.suffix.lower())
    if path.suffix.lower() in (".rdf", ".owl", ".xml"):
        raise InputError(
            path,
            "RDF/XML is not accepted (it can carry DOCTYPE and ENTITY declarations that read other files "
            "or the network); convert it to Turtle or JSON-LD",
            kind="refused",
        )
    if fmt is None:
        kinds = {".ttl": "Turtle", ".nt": "N-Triples", ".jsonld": "JSON-LD", ".json": "JSON-LD"}
        kinds.update(also or {})
        known = ", ".join(f"{suffix} ({kinds.get(suffix, 'RDF')})" for suffix in sorted({*FORMATS, *kinds}))
        what = f"unknown file type {path.suffix!r}" if path.suffix else "the file name has no extension"
        raise InputError(path, f"{what}; use one of {known}", kind="refused")
    return fmt


def read_text(path: Path) -> str:
    """Read a file as UTF-8 (a byte-order mark is tolerated), naming the byte of any bad encoding."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        missing = isinstance(exc, FileNotFoundError)
        raise InputError(
            path, f"cannot read the file: {exc.strerror or exc}", kind="missing" if missing else "input"
        ) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise InputError(
            path,
            f"the file is not valid UTF-8: byte {exc.start} (0x{raw[exc.start]:02x}) cannot be decoded",
            line,
            kind="syntax",
        ) from None


def _line_column(text: str, offset: int) -> tuple[int, int]:
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def _local_context(root: DatasetRoot | None) -> dict | None:
    if root is None or not root.context_file.is_file():
        return None
    return json.loads(root.context_file.read_text(encoding="utf-8"))["@context"]


def _resolve_contexts(node: object, path: Path, context: dict | None) -> object:
    """Replace the project's own context IRI by its local copy; refuse every other remote context."""
    if isinstance(node, list):
        return [_resolve_contexts(item, path, context) for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "@context":
            out[key] = _check_context(value, path, context)
        elif key in ("@id", "id") and isinstance(value, str) and not _SAFE_ID.match(value):
            raise InputError(
                path,
                f"the IRI {value!r} contains spaces, angle brackets or other characters "
                "an IRI may not hold; write it without them",
                kind="refused",
            )
        elif key == "@import":
            raise InputError(
                path, "JSON-LD @import is not accepted: put the terms in the document", kind="refused"
            )
        else:
            out[key] = _resolve_contexts(value, path, context)
    return out


def _check_context(value: object, path: Path, context: dict | None) -> object:
    if isinstance(value, list):
        return [_check_context(item, path, context) for item in value]
    if isinstance(value, str):
        if value in CONTEXT_IRIS and context is not None:
            return context
        raise InputError(
            path,
            f"JSON-LD context {value!r} is a reference to another file or URL, which csgkg never fetches; "
            f"use {CONTEXT_IRIS[0]!r} or put the context inline",
            kind="refused",
        )
    if isinstance(value, dict):
        if "@import" in value:
            raise InputError(
                path, "JSON-LD @import is not accepted: put the terms in the context itself", kind="refused"
            )
        return {k: _resolve_contexts(v, path, context) for k, v in value.items()}
    return value


def parse_text(text: str, path: Path, fmt: str, root: DatasetRoot | None = None) -> Graph:
    """Parse ``text`` (read from ``path``) in rdflib format ``fmt``; syntax errors become InputError."""
    graph = new_graph()
    base = path.resolve().as_uri()
    try:
        if fmt == "json-ld":
            try:
                document = json.loads(text)
            except json.JSONDecodeError as exc:
                raise InputError(
                    path, f"JSON syntax error: {exc.msg}", exc.lineno, exc.colno, kind="syntax"
                ) from None
            document = _resolve_contexts(document, path, _local_context(root))
            graph.parse(data=json.dumps(document), format="json-ld", publicID=base)
        else:
            graph.parse(data=text, format=fmt, publicID=base)
    except InputError:
        raise
    except RecursionError:
        raise InputError(
            path, "the file nests too deeply to be read; flatten the nested [ ] blocks", kind="refused"
        ) from None
    except Exception as exc:
        raise _syntax_error(exc, text, path) from None
    return bind_prefixes(graph)


def _syntax_error(exc: Exception, text: str, path: Path) -> InputError:
    offset = getattr(exc, "_i", None)
    why = getattr(exc, "_why", None)
    if offset is not None:
        line, column = _line_column(text, offset)
        return InputError(path, f"Turtle syntax error: {why or exc}", line, column, kind="syntax")
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    line = None
    if "Invalid line" in message or "line" in message.lower():
        bad = message.split(":", 1)[-1].strip()
        for number, content in enumerate(text.splitlines(), 1):
            if bad and bad in content:
                line = number
                break
    return InputError(path, f"syntax error: {message}", line, kind="syntax")


def parse_file(path: Path, kind: str = "contribution", root: DatasetRoot | None = None) -> SourceFile:
    """Read and parse one RDF file; ``kind`` says what part of the dataset it is."""
    path = Path(path)
    fmt = guess_format(path)
    text = read_text(path)
    return SourceFile(path=path, kind=kind, text=text, graph=parse_text(text, path, fmt, root))


@dataclass
class Dataset:
    """The dataset of one root, file by file: ontology, vocabularies and data."""

    root: DatasetRoot
    files: list[SourceFile] = field(default_factory=list)

    def graph(self, *kinds: str) -> Graph:
        """The union of the files of the given kinds (all files when none are given)."""
        union = new_graph()
        for source in self.files:
            if not kinds or source.kind in kinds:
                for triple in source.graph:
                    union.add(triple)
        return union

    @property
    def ontology(self) -> Graph:
        """The ontology graph alone."""
        return self.graph("ontology")

    def file_of(self, node: URIRef) -> SourceFile | None:
        """The file that describes ``node``, preferring contributions and data to vocabularies."""
        order = {"contribution": 0, "data": 1, "vocab": 2, "ontology": 3}
        for source in sorted(self.files, key=lambda s: order.get(s.kind, 9)):
            if (node, None, None) in source.graph:
                return source
        return None


def load_dataset(root: DatasetRoot) -> Dataset:
    """Parse the ontology, every vocabulary and every data file of ``root``."""
    if not root.ontology_file.is_file():
        raise InputError(root.ontology_file, "the ontology file is missing", kind="missing")
    dataset = Dataset(root)
    dataset.files.append(parse_file(root.ontology_file, "ontology", root))
    dataset.files.extend(parse_file(path, "vocab", root) for path in root.vocab_files())
    dataset.files.extend(parse_file(path, "data", root) for path in root.data_files())
    return dataset


def load_shapes(root: DatasetRoot) -> Graph:
    """The union of every shapes file of ``root``.

    Oxigraph's Turtle parser reads the files (faster than rdflib's, which matters when
    checking one contribution); a file it cannot read is parsed again by rdflib, for the message.
    """
    import pyoxigraph as ox

    from csgkg.fastshacl.terms import to_triple

    shapes = new_graph()
    for path in root.shape_files():
        try:
            base = path.resolve().as_uri()
            quads = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=base))
        except (SyntaxError, ValueError, OSError):
            shapes += parse_file(path, "shapes", root).graph
            continue
        for quad in quads:
            shapes.add(to_triple(quad))
    return shapes
