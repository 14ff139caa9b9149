"""CSV tables (interventions, organisations, sources, concepts, claims) and their CSVW metadata.

Each table has fixed columns, ``id`` first; a column with several values joins them with ``" | "``;
rows are sorted by ``id``. The tables and ``csgkg-metadata.json`` are written from the same column
definitions, so every column is described. A column whose values are the ids of another table (or
of its own) names that table, and the metadata declares it as a CSVW foreign key; the build checks
that every such value is an id there (:func:`check_references`, the check a CSVW validator makes with the
``foreignKeys``) before writing.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from csgkg.core.files import write_atomic
from csgkg.core.namespaces import CSG, SCHEMA
from csgkg.publish.release.records import FACETS, Catalogue
from csgkg.publish.release.version import TITLE, ReleaseError, ReleaseInfo

SEPARATOR = " | "
METADATA_FILE = "csgkg-metadata.json"


@dataclass(frozen=True)
class Column:
    """One column: its name, what it holds, the property it comes from and its CSVW datatype;
    ``references`` names the table (``"sources"``) whose ``id`` column every value must be."""

    name: str
    description: str
    prop: URIRef | None = None
    multi: bool = False
    datatype: str = "string"
    keep: Callable[[object], bool] | None = None
    references: str | None = None

    @property
    def is_iri(self) -> bool:
        """True when the column holds IRIs."""
        return self.datatype == "anyURI"

    def values(self, graph: Graph, subject: URIRef) -> list[str]:
        """The values of this column for ``subject``, sorted (English literals only)."""
        if self.prop is None:
            return [str(subject)]
        found = [o for o in graph.objects(subject, self.prop) if self.keep is None or self.keep(o)]
        literals = [o for o in found if isinstance(o, Literal)]
        if literals and any(o.language for o in literals):
            found = [o for o in found if not isinstance(o, Literal) or o.language in (None, "en")]
        return sorted({str(o) for o in found})

    def split(self, cell: str) -> list[str]:
        """The values of a ``cell`` of this column, as :meth:`Table.rows` joined them."""
        if not cell:
            return []
        return cell.split(SEPARATOR) if self.multi else [cell]

    def metadata(self) -> dict:
        """The CSVW description of the column."""
        out: dict = {
            "name": self.name,
            "titles": self.name,
            "dc:description": self.description,
            "datatype": self.datatype,
        }
        if self.multi:
            out["separator"] = SEPARATOR
        if self.prop is None:
            out["required"] = True
            out["suppressOutput"] = True
            return out
        out["propertyUrl"] = str(self.prop)
        if self.is_iri:
            out["valueUrl"] = "{+" + self.name + "}"
        return out


@dataclass(frozen=True)
class Table:
    """One CSV table: its file, what a row is, the subjects it lists and its columns."""

    name: str
    title: str
    description: str
    subjects: Callable[[Graph], list[URIRef]]
    columns: tuple[Column, ...]

    @property
    def file(self) -> str:
        """The CSV file's name."""
        return f"{self.name}.csv"

    def rows(self, graph: Graph) -> list[list[str]]:
        """The table's rows, sorted by ``id``; a single-valued column with several values is an error."""
        out = []
        for subject in sorted(self.subjects(graph), key=str):
            row = []
            for column in self.columns:
                values = column.values(graph, subject)
                if len(values) > 1 and not column.multi:
                    raise ReleaseError(
                        f"{self.file}: <{subject}> has {len(values)} values for the single-valued "
                        f"column {column.name!r} ({column.prop}): keep one"
                    )
                if column.multi and any(SEPARATOR in v for v in values):
                    raise ReleaseError(
                        f"{self.file}: a value of {column.name!r} for <{subject}> contains the "
                        f"separator {SEPARATOR!r}, which would split it in two"
                    )
                row.append(SEPARATOR.join(values))
            out.append(row)
        return out

    def to_csv(self, graph: Graph, rows: list[list[str]] | None = None) -> str:
        """The table as CSV text (header first, ``\\n`` line ends); ``rows`` are
        :meth:`rows` of ``graph`` when not given."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([c.name for c in self.columns])
        writer.writerows(self.rows(graph) if rows is None else rows)
        return buffer.getvalue()

    def foreign_keys(self) -> list[dict]:
        """The CSVW foreign keys: one for each column that references a table's ``id``."""
        return [
            {
                "columnReference": c.name,
                "reference": {"resource": f"{c.references}.csv", "columnReference": "id"},
            }
            for c in self.columns
            if c.references is not None
        ]

    def metadata(self) -> dict:
        """The CSVW table description."""
        schema: dict = {
            "columns": [c.metadata() for c in self.columns],
            "primaryKey": "id",
            "aboutUrl": "{+id}",
        }
        if self.foreign_keys():
            schema["foreignKeys"] = self.foreign_keys()
        return {
            "url": self.file,
            "dc:title": self.title,
            "dc:description": self.description,
            "tableSchema": schema,
        }


def _of_types(*classes: URIRef) -> Callable[[Graph], list[URIRef]]:
    def subjects(graph: Graph) -> list[URIRef]:
        return sorted(
            {s for c in classes for s in graph.subjects(RDF.type, c) if isinstance(s, URIRef)}, key=str
        )

    return subjects


def _interventions(graph: Graph) -> list[URIRef]:
    return [URIRef(i) for i in Catalogue(graph).intervention_iris]


def _intervention_kind(graph: Graph) -> Callable[[object], bool]:
    kinds = Catalogue(graph).intervention_classes - {CSG.Intervention}
    return lambda node: node in kinds


def _not(*excluded: URIRef) -> Callable[[object], bool]:
    return lambda node: node not in excluded


def _id(what: str) -> Column:
    return Column("id", f"The IRI of the {what}.", datatype="anyURI")


def _facet_columns() -> tuple[Column, ...]:
    return tuple(
        Column(
            f.column,
            f"{f.title}: IRIs of concepts in the scheme <{f.scheme}> (labels in concepts.csv).",
            f.prop,
            multi=f.multi,
            datatype="anyURI",
            references="concepts",
        )
        for f in FACETS
    )


def _link(name: str, description: str, prop: URIRef, table: str) -> Column:
    """A column of IRIs (any number) that are ids of ``table``."""
    return Column(name, description, prop, multi=True, datatype="anyURI", references=table)


def tables(graph: Graph) -> tuple[Table, ...]:
    """The release's tables for ``graph``."""
    iri = "anyURI"
    interventions = Table(
        "interventions",
        "Interventions",
        "One row per intervention (approach, programme or form of an approach).",
        _interventions,
        (
            _id("intervention"),
            Column(
                "type",
                "The kind of intervention: the IRI of csg:Approach, csg:Programme or csg:Variant.",
                RDF.type,
                datatype=iri,
                keep=_intervention_kind(graph),
            ),
            Column("label", "The intervention's name (English).", RDFS.label),
            Column("alt_labels", "Other names and abbreviations (English).", SKOS.altLabel, multi=True),
            Column(
                "description",
                "What the intervention is and does, in plain words (English).",
                DCTERMS.description,
            ),
            *_facet_columns(),
            _link(
                "form_of", "The approach this is a form of (interventions.csv).", CSG.formOf, "interventions"
            ),
            _link("forms", "Forms of this approach (interventions.csv).", CSG.hasForm, "interventions"),
            _link(
                "example_of", "The approach this programme is an example of.", CSG.exampleOf, "interventions"
            ),
            _link(
                "examples", "Programmes that are examples of this approach.", CSG.hasExample, "interventions"
            ),
            _link(
                "developed_by",
                "Organisations that developed it (organisations.csv).",
                CSG.developedBy,
                "organisations",
            ),
            _link(
                "offered_by",
                "Organisations that offer it or give information about it.",
                CSG.offeredBy,
                "organisations",
            ),
            _link(
                "training_provided_by",
                "Organisations that train people to deliver it.",
                CSG.trainingProvidedBy,
                "organisations",
            ),
            _link("funded_by", "Organisations that fund it.", CSG.fundedBy, "organisations"),
            Column(
                "developed_in", "Countries it was developed in (Wikidata IRIs).", CSG.developedIn, True, iri
            ),
            Column("piloted_in", "Countries it was piloted in (Wikidata IRIs).", CSG.pilotedIn, True, iri),
            _link("sources", "Sources of the statements about it (sources.csv).", CSG.hasSource, "sources"),
        ),
    )
    organisations = Table(
        "organisations",
        "Organisations",
        "One row per organisation that develops, offers, trains for or funds an intervention.",
        _of_types(CSG.Organisation),
        (
            _id("organisation"),
            Column("label", "The organisation's name.", RDFS.label),
            Column("description", "What the organisation is (English).", DCTERMS.description, multi=True),
            Column("url", "The organisation's website.", SCHEMA.url, True, iri),
            Column(
                "founding_date",
                "The year the organisation was founded.",
                SCHEMA.foundingDate,
                datatype="gYear",
            ),
            Column("address", "Where the organisation is based, in words.", SCHEMA.address, multi=True),
            _link("sources", "Sources of what is said about it (sources.csv).", CSG.hasSource, "sources"),
        ),
    )
    sources = Table(
        "sources",
        "Sources",
        "One row per source (web page, report or article) that statements come from.",
        _of_types(CSG.Source),
        (
            _id("source"),
            Column("title", "The source's title.", DCTERMS.title),
            Column("url", "Where to read it (a DOI as an IRI for an article).", SCHEMA.url, True, iri),
            Column("citation", "A bibliographic citation.", DCTERMS.bibliographicCitation, multi=True),
            _link(
                "publisher",
                "The organisation that published it (organisations.csv).",
                DCTERMS.publisher,
                "organisations",
            ),
            Column("issued", "When it was published (a year or a date).", DCTERMS.issued, multi=True),
        ),
    )
    concepts = Table(
        "concepts",
        "Concepts",
        "One row per SKOS concept of the seven facet vocabularies (contexts, harms, delivery roles, "
        "audiences, evidence statuses, intervention types, principles).",
        _of_types(SKOS.Concept),
        (
            _id("concept"),
            Column("scheme", "The concept scheme (vocabulary) it belongs to.", SKOS.inScheme, True, iri),
            Column(
                "type",
                "The csgkg class of the concept, e.g. csg:Harm.",
                RDF.type,
                True,
                iri,
                _not(SKOS.Concept),
            ),
            Column("pref_label", "The preferred name (English).", SKOS.prefLabel),
            Column("alt_labels", "Other names people search with (English).", SKOS.altLabel, multi=True),
            Column("definition", "What the concept means (English).", SKOS.definition),
            Column("scope_notes", "When to use it (English).", SKOS.scopeNote, multi=True),
            Column("notations", "Codes for the concept.", SKOS.notation, multi=True),
            _link("broader", "Broader concepts (skos:broader).", SKOS.broader, "concepts"),
            _link("narrower", "Narrower concepts (skos:narrower).", SKOS.narrower, "concepts"),
            Column("top_concept_of", "The schemes it is a top concept of.", SKOS.topConceptOf, True, iri),
            Column("close_matches", "Close matches in other vocabularies.", SKOS.closeMatch, True, iri),
            Column("exact_matches", "Exact matches in other vocabularies.", SKOS.exactMatch, True, iri),
            _link(
                "sources",
                "Where the concept comes from (dcterms:source; sources.csv).",
                DCTERMS.source,
                "sources",
            ),
            Column(
                "deprecated",
                "true when the concept is retired (owl:deprecated).",
                OWL.deprecated,
                datatype="boolean",
            ),
        ),
    )
    claims = Table(
        "claims",
        "Claims",
        "One row per claim: the source of one statement about an intervention, and whether the "
        "source states it or the editors judged it.",
        _of_types(CSG.Claim),
        (
            _id("claim"),
            Column(
                "subject",
                "The intervention the statement is about (interventions.csv).",
                RDF.subject,
                datatype=iri,
                references="interventions",
            ),
            Column(
                "predicate",
                "The property of the statement, e.g. csg:worksInContext.",
                RDF.predicate,
                datatype=iri,
            ),
            Column("object", "The value of the statement.", RDF.object, datatype=iri),
            _link("sources", "The sources of the statement (sources.csv).", CSG.hasSource, "sources"),
            Column("basis", "csg:StatedBySource or csg:EditorialJudgement.", CSG.claimBasis, datatype=iri),
            Column(
                "editorial_notes",
                "The editors' reasoning, for an editorial judgement.",
                SKOS.editorialNote,
                multi=True,
            ),
        ),
    )
    return (interventions, organisations, sources, concepts, claims)


def metadata(graph: Graph, info: ReleaseInfo) -> dict:
    """The CSVW metadata document (a table group) describing every table and column."""
    return {
        "@context": ["http://www.w3.org/ns/csvw", {"@language": "en"}],
        "@id": info.file_iri(METADATA_FILE),
        "dc:title": f"{TITLE}: CSV tables, release {info.version}",
        "dc:description": (
            "The main classes of the graph as CSV tables with fixed columns, id first. A column "
            f"with several values joins them with '{SEPARATOR}'. IRIs link the tables: an "
            "intervention's harms are ids in concepts.csv, its sources ids in sources.csv."
        ),
        "dc:license": {"@id": info.license},
        "dc:issued": {"@value": info.issued, "@type": "xsd:date"},
        "dc:source": {"@id": info.dataset_iri},
        "dialect": {"header": True, "encoding": "utf-8", "delimiter": ",", "doubleQuote": True},
        "tables": [t.metadata() for t in tables(graph)],
    }


def write_tables(graph: Graph, info: ReleaseInfo, dist: Path) -> list[Path]:
    """Write every CSV table and ``csgkg-metadata.json`` into ``dist``; return their paths.

    Raises :class:`ReleaseError`, before writing anything, when a foreign key does not resolve.
    """
    all_tables = tables(graph)
    rows = {table.name: table.rows(graph) for table in all_tables}
    check_references(all_tables, rows)
    written = []
    for table in all_tables:
        write_atomic(dist / table.file, table.to_csv(graph, rows[table.name]))
        written.append(dist / table.file)
    text = json.dumps(metadata(graph, info), indent=2, ensure_ascii=False) + "\n"
    write_atomic(dist / METADATA_FILE, text)
    written.append(dist / METADATA_FILE)
    return written


# -- foreign keys: a referencing value must be an id of the table it names ---------------------------

MAX_SHOWN = 10


def unresolved_references(tables: Sequence[Table], rows: Mapping[str, list[list[str]]]) -> list[str]:
    """One message for each value of a referencing column (:meth:`Column.split`) that
    is not an ``id`` of the table it references, in table, row and column order.

    ``rows`` maps each table's name to its rows (as :meth:`Table.rows` gives them, ``id`` first).
    A reference to a table not in ``tables`` is reported too.
    """
    ids = {table.name: {row[0] for row in rows[table.name]} for table in tables}
    problems = []
    for table in tables:
        for position, column in enumerate(table.columns):
            if column.references is None:
                continue
            if column.references not in ids:
                problems.append(
                    f"{table.file}: column {column.name!r} references {column.references}.csv, "
                    "which the release does not have"
                )
                continue
            keys = ids[column.references]
            for row in rows[table.name]:
                problems.extend(
                    f"{table.file}: row <{row[0]}>, column {column.name!r}: <{value}> is not an id in "
                    f"{column.references}.csv"
                    for value in column.split(row[position])
                    if value not in keys
                )
    return problems


def check_references(tables: Sequence[Table], rows: Mapping[str, list[list[str]]]) -> None:
    """Raise :class:`ReleaseError` listing the unresolved references (the first ten), if any."""
    problems = unresolved_references(tables, rows)
    if not problems:
        return
    shown = "\n  ".join(problems[:MAX_SHOWN])
    more = f"\n  ... and {len(problems) - MAX_SHOWN} more" if len(problems) > MAX_SHOWN else ""
    raise ReleaseError(
        f"{len(problems)} reference(s) in the CSV tables do not resolve: each must be the id of a row "
        f"of the table its column names in csgkg-metadata.json (foreignKeys). Add the missing "
        f"resources to the data, or correct the IRIs:\n  {shown}{more}"
    )
