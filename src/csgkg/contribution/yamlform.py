"""The YAML contribution form: a plain form for people who do not write RDF, read into RDF.

Values may be given by slug, IRI, CURIE, preferred or alternative label (case-insensitive). An
unknown value is kept (as an IRI in the expected vocabulary) so that the shapes report it, with the
nearest valid values. Every statement becomes a claim citing the item's ``source`` (default: the
first source of the form) with basis "stated", or "editorial" with a ``note``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from anyascii import anyascii
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from csgkg.contribution.claims import claim_iri
from csgkg.core.errors import InputError
from csgkg.core.namespaces import CSG, PREFIXES, SCHEMA, WD, new_graph
from csgkg.io.parse import SourceFile
from csgkg.validation.messages import nearest


@dataclass
class FormError(InputError):
    """A YAML form that is well-formed YAML but not a valid form (unknown field, wrong value kind)."""

    kind: str = "form"

KINDS = {"approach": CSG.Approach, "programme": CSG.Programme, "form": CSG.Variant}

# form field -> (property, namespace prefix of its values, several values allowed)
FACET_FIELDS: dict[str, tuple[URIRef, str, bool]] = {
    "contexts": (CSG.worksInContext, "context", True),
    "harms": (CSG.addressesHarm, "harm", True),
    "delivered_by": (CSG.deliveredBy, "role", True),
    "intended_for": (CSG.intendedFor, "audience", True),
    "evidence_status": (CSG.evidenceStatus, "evidence", False),
    "intervention_types": (CSG.interventionType, "itype", True),
    "principles": (CSG.hasPrinciple, "principle", True),
    "developed_in": (CSG.developedIn, "wd", True),
    "piloted_in": (CSG.pilotedIn, "wd", True),
    "developed_by": (CSG.developedBy, "organisation", True),
    "offered_by": (CSG.offeredBy, "organisation", True),
    "training_by": (CSG.trainingProvidedBy, "organisation", True),
    "funded_by": (CSG.fundedBy, "organisation", True),
    "cs_level": (CSG.csLevel, "cslevel", False),
    "cs_domains": (CSG.csDomain, "csdomain", True),
    "unrated_because": (CSG.unratedBecause, "unrated", True),
    "form_of": (CSG.formOf, "intervention", False),
    "example_of": (CSG.exampleOf, "intervention", False),
}
TOP_FIELDS = {"id", "kind", "name", "also_known_as", "description", "sources", "organisations", *FACET_FIELDS}
SOURCE_FIELDS = {"id", "title", "url", "citation", "publisher", "issued"}
ORGANISATION_FIELDS = {"id", "name", "url", "description", "source"}
ITEM_FIELDS = {"value", "source", "basis", "note"}
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass
class Located:
    """A YAML value with the line it starts on."""

    value: Any
    line: int


def _locate(node: yaml.Node) -> Any:
    """Turn a composed YAML node into plain Python values wrapped in Located (with 1-based lines)."""
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        return Located({str(k.value): _locate(v) for k, v in node.value}, line)
    if isinstance(node, yaml.SequenceNode):
        return Located([_locate(v) for v in node.value], line)
    value = yaml.safe_load(yaml.serialize(node)) if node.tag != "tag:yaml.org,2002:str" else node.value
    return Located(value, line)


# What an unclosed construct is, by PyYAML's context, said where it was opened.
_UNCLOSED = {
    "while parsing a flow sequence": "the list opened with '[' on this line is not closed with ']'",
    "while parsing a flow mapping": "the mapping opened with '{' on this line is not closed with '}'",
    "while scanning a quoted scalar": "the quoted text that starts on this line has no closing quote",
}
_HINTS = {
    "mapping values are not allowed here": (
        "a value that contains ': ' must be put in quotes, and a field must not be indented more than "
        "the one above it"
    ),
    "expected <block end>": "the items of one list, or the fields of one mapping, must be indented alike",
}


def _syntax_error(exc: yaml.MarkedYAMLError, path: Path) -> InputError:
    """A YAML syntax error located where the mistake is: for a list, mapping or quotation left open,
    the line that opened it (PyYAML notices it only further down), else where the parser stopped."""
    problem, opened = exc.problem_mark, exc.context_mark
    if opened and problem and opened.line < problem.line and exc.context in _UNCLOSED:
        message = f"{_UNCLOSED[exc.context]} (noticed on line {problem.line + 1}: {exc.problem})"
        line, column = opened.line + 1, opened.column + 1
        return InputError(path, f"YAML syntax error: {message}", line, column, kind="syntax")
    line, column = (problem.line + 1, problem.column + 1) if problem else (None, None)
    hints = [hint for start, hint in _HINTS.items() if (exc.problem or "").startswith(start)]
    hint = f"; {hints[0]}" if hints else ""
    return InputError(path, f"YAML syntax error: {exc.problem}{hint}", line, column, kind="syntax")


def read_yaml(text: str, path: Path) -> Located:
    """Parse the YAML form safely (no tags, no anchors or aliases) and return it with lines."""
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                line = event.start_mark.line + 1
                raise FormError(
                    path, "YAML anchors and aliases (&, *) are not accepted in the form", line, kind="refused"
                )
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, path) from None
    except yaml.YAMLError as exc:
        raise FormError(path, f"YAML error: {exc}") from None
    if node is None or not isinstance(node, yaml.MappingNode):
        raise FormError(path, "the form must be a YAML mapping of fields (id:, name:, contexts:, ...)", 1)
    try:
        return _locate(node)
    except yaml.YAMLError as exc:
        raise FormError(path, f"YAML error: {exc}") from None


def slugify(text: str) -> str:
    """A kebab-case slug: lower case, ASCII letters and digits, single hyphens. Other scripts and
    accented letters are transliterated ("Café Project" gives ``cafe-project``, "Straße" ``strasse``),
    and apostrophes dropped ("Children's Society" gives ``childrens-society``); the slug is empty only
    when ``text`` has no letter or digit at all."""
    ascii_text = re.sub(r"['’]", "", anyascii(text))
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


class Resolver:
    """Resolve a form value (slug, IRI, CURIE, label) to an IRI, using the dataset's labels."""

    def __init__(self, dataset_graph: Graph) -> None:
        self.graph = dataset_graph
        self.labels: dict[tuple[str, str], URIRef] = {}
        for prop in (SKOS.prefLabel, SKOS.altLabel, RDFS.label, DCTERMS.title):
            for subject, label in dataset_graph.subject_objects(prop):
                if isinstance(subject, URIRef):
                    for prefix, namespace in PREFIXES.items():
                        if str(subject).startswith(namespace):
                            self.labels.setdefault((prefix, str(label).lower()), subject)

    def resolve(self, prefix: str, value: str) -> URIRef:
        """The IRI for ``value`` in the namespace of ``prefix`` (a new IRI when it is unknown)."""
        text = str(value).strip()
        namespace = PREFIXES[prefix]
        if text.startswith(("http://", "https://")):
            return URIRef(text)
        if prefix == "wd":
            return WD[text.removeprefix("wd:")]
        if text.startswith(f"{prefix}:"):
            return URIRef(namespace + text.split(":", 1)[1])
        found = self.labels.get((prefix, text.lower()))
        if found is not None:
            return found
        return URIRef(namespace + slugify(text))


def _require(form: dict, key: str, path: Path, line: int) -> Located:
    if key not in form or form[key].value in (None, ""):
        raise FormError(path, f"the form needs '{key}:'", line)
    return form[key]


def _check_fields(mapping: dict, allowed: set[str], path: Path, where: str) -> None:
    for key, item in mapping.items():
        if key not in allowed:
            guess = nearest(key, sorted(allowed), 1)
            hint = (
                f"; did you mean '{guess[0]}'?" if guess else f"; known fields: {', '.join(sorted(allowed))}"
            )
            raise FormError(path, f"unknown field '{key}' in {where}{hint}", item.line)


def _items(located: Located | None) -> list[Located]:
    if located is None or located.value is None:
        return []
    if isinstance(located.value, list):
        return located.value
    return [located]


def form_to_graph(form: Located, path: Path, dataset_graph: Graph) -> tuple[Graph, dict]:
    """Translate the YAML form into RDF; return the graph and an index of lines for messages."""
    fields = form.value
    _check_fields(fields, TOP_FIELDS, path, "the form")
    resolver = Resolver(dataset_graph)
    graph, index = new_graph(), {}
    slug = str(_require(fields, "id", path, form.line).value)
    if not SLUG.match(slug):
        raise FormError(
            path,
            f"id '{slug}' must be lower-case words joined by hyphens, e.g. '{slugify(slug)}'",
            fields["id"].line,
        )
    node = URIRef(PREFIXES["intervention"] + slug)
    index[node] = fields["id"].line
    kind = str(_require(fields, "kind", path, form.line).value).lower()
    if kind not in KINDS:
        raise FormError(path, f"kind '{kind}' must be one of: {', '.join(KINDS)}", fields["kind"].line)
    graph.add((node, RDF.type, KINDS[kind]))
    for key, prop in (("name", RDFS.label), ("description", DCTERMS.description)):
        if key in fields and fields[key].value not in (None, ""):
            graph.add((node, prop, Literal(str(fields[key].value).strip(), lang="en")))
            index[(node, prop)] = fields[key].line
    for alt in _items(fields.get("also_known_as")):
        graph.add((node, SKOS.altLabel, Literal(str(alt.value), lang="en")))
        index[(node, SKOS.altLabel)] = alt.line

    sources = _read_sources(fields, path, graph, index, resolver)
    default_source = sources[0] if sources else None
    for source in sources:
        graph.add((node, CSG.hasSource, source))
    _read_organisations(fields, path, graph, index, resolver, default_source)

    for key, (prop, prefix, many) in FACET_FIELDS.items():
        items = _items(fields.get(key))
        if not many and len(items) > 1:
            raise FormError(path, f"'{key}' takes one value, not a list", fields[key].line)
        for item in items:
            _add_statement(graph, index, node, prop, prefix, item, path, resolver, default_source)
        if key in fields:  # a field left empty: a result about it points at the field
            index.setdefault((node, prop), fields[key].line)
    return graph, index


def _add_statement(
    graph: Graph,
    index: dict,
    node: URIRef,
    prop: URIRef,
    prefix: str,
    item: Located,
    path: Path,
    resolver: Resolver,
    default_source: URIRef | None,
) -> None:
    details: dict[str, Located] = {}
    if isinstance(item.value, dict):
        details = item.value
        _check_fields(details, ITEM_FIELDS, path, "a value")
        value_text = _require(details, "value", path, item.line).value
    else:
        value_text = item.value
    value = resolver.resolve(prefix, str(value_text))
    graph.add((node, prop, value))
    index.setdefault((node, prop), item.line)
    source = (
        resolver.resolve("source", str(details["source"].value)) if "source" in details else default_source
    )
    if source is None:
        raise FormError(
            path, "give at least one source under 'sources:' so each statement can cite it", item.line
        )
    claim = claim_iri(node, prop, value)
    graph.add((claim, RDF.type, CSG.Claim))
    graph.add((claim, RDF.subject, node))
    graph.add((claim, RDF.predicate, prop))
    graph.add((claim, RDF.object, value))
    graph.add((claim, CSG.hasSource, source))
    basis = str(details["basis"].value).lower() if "basis" in details else "stated"
    if basis not in ("stated", "editorial"):
        raise FormError(path, f"basis '{basis}' must be 'stated' or 'editorial'", details["basis"].line)
    graph.add((claim, CSG.claimBasis, CSG.StatedBySource if basis == "stated" else CSG.EditorialJudgement))
    if "note" in details:
        graph.add((claim, SKOS.editorialNote, Literal(str(details["note"].value), lang="en")))
    index[claim] = item.line


def _read_sources(fields: dict, path: Path, graph: Graph, index: dict, resolver: Resolver) -> list[URIRef]:
    found = []
    for item in _items(fields.get("sources")):
        if not isinstance(item.value, dict):  # a reference to a source already in the dataset
            found.append(resolver.resolve("source", str(item.value)))
            continue
        spec = item.value
        _check_fields(spec, SOURCE_FIELDS, path, "a source")
        sid = str(_require(spec, "id", path, item.line).value)
        node = URIRef(PREFIXES["source"] + slugify(sid))
        index[node] = item.line
        graph.add((node, RDF.type, CSG.Source))
        if "title" in spec:
            graph.add((node, DCTERMS.title, Literal(str(spec["title"].value), lang="en")))
            index[(node, DCTERMS.title)] = spec["title"].line
        if "url" in spec:
            graph.add((node, SCHEMA.url, URIRef(str(spec["url"].value).strip())))
            index[(node, SCHEMA.url)] = spec["url"].line
        if "citation" in spec:
            graph.add((node, DCTERMS.bibliographicCitation, Literal(str(spec["citation"].value), lang="en")))
        if "publisher" in spec:
            graph.add(
                (node, DCTERMS.publisher, resolver.resolve("organisation", str(spec["publisher"].value)))
            )
        if "issued" in spec:
            graph.add((node, DCTERMS.issued, Literal(str(spec["issued"].value))))
        found.append(node)
    return found


def _read_organisations(
    fields: dict, path: Path, graph: Graph, index: dict, resolver: Resolver, default_source: URIRef | None
) -> None:
    for item in _items(fields.get("organisations")):
        if not isinstance(item.value, dict):
            raise FormError(path, "each organisation needs id: and name:", item.line)
        spec = item.value
        _check_fields(spec, ORGANISATION_FIELDS, path, "an organisation")
        node = URIRef(PREFIXES["organisation"] + slugify(str(_require(spec, "id", path, item.line).value)))
        index[node] = item.line
        graph.add((node, RDF.type, CSG.Organisation))
        if "name" in spec:
            graph.add((node, RDFS.label, Literal(str(spec["name"].value), lang="en")))
        if "url" in spec:
            graph.add((node, SCHEMA.url, URIRef(str(spec["url"].value).strip())))
        if "description" in spec:
            graph.add((node, DCTERMS.description, Literal(str(spec["description"].value), lang="en")))
        source = resolver.resolve("source", str(spec["source"].value)) if "source" in spec else default_source
        if source is not None:
            graph.add((node, CSG.hasSource, source))


def parse_yaml_form(text: str, path: Path, dataset_graph: Graph) -> SourceFile:
    """Read a YAML form into a SourceFile whose graph is the RDF the form describes."""
    graph, index = form_to_graph(read_yaml(text, path), path, dataset_graph)
    return SourceFile(path=path, kind="contribution", text=text, graph=graph, index=index)
