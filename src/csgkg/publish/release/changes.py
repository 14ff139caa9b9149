"""``CHANGES.md``: the interventions added, removed and changed since the previous release.

An intervention has changed when any statement about it, or any of its claims (source, basis,
editorial note), differs. Each change is listed in words, with the property's label.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from csgkg.core.files import write_atomic
from csgkg.core.namespaces import CSG
from csgkg.publish.release.previous import PreviousRelease
from csgkg.publish.release.records import Catalogue, curie, label_of
from csgkg.publish.release.version import ReleaseError, ReleaseInfo, release_info

OUTPUT_FILE = "CHANGES.md"


@dataclass
class InterventionChange:
    """What changed about one intervention: statements added and removed, claims changed."""

    iri: str
    label: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    claims: list[str] = field(default_factory=list)


@dataclass
class Changes:
    """The differences between two releases, by intervention."""

    added: list[tuple[str, str]] = field(default_factory=list)
    removed: list[tuple[str, str]] = field(default_factory=list)
    changed: list[InterventionChange] = field(default_factory=list)


def _statements(graph: Graph, node: URIRef) -> set[tuple[URIRef, object]]:
    return {(p, o) for p, o in graph.predicate_objects(node)}


def _claims(graph: Graph, node: URIRef) -> dict[URIRef, set[tuple[URIRef, object]]]:
    return {
        c: _statements(graph, c)
        for c in graph.subjects(RDF.subject, node)
        if isinstance(c, URIRef) and (c, RDF.type, CSG.Claim) in graph
    }


def _value(graph: Graph, other: Graph, value: object) -> str:
    if isinstance(value, Literal):
        text = str(value)
        return f'"{text if len(text) <= 80 else text[:77] + "..."}"'
    label = label_of(graph, value) if (value, None, None) in graph else label_of(other, value)
    return f"{label} (`{curie(str(value))}`)"


def _property(graph: Graph, other: Graph, prop: URIRef) -> str:
    """The property's label in the ontology, else its CURIE (``skos:altLabel``)."""
    for source in (graph, other):
        if (prop, RDFS.label, None) in source:
            return label_of(source, prop)
    return curie(str(prop))


def _statement(graph: Graph, other: Graph, prop: URIRef, value: object) -> str:
    return f"{_property(graph, other, prop)}: {_value(graph, other, value)}"


def compare(current: Graph, previous: Graph) -> Changes:
    """The interventions added, removed and changed between ``previous`` and ``current``."""
    now, before = Catalogue(current), Catalogue(previous)
    now_iris, before_iris = set(now.intervention_iris), set(before.intervention_iris)
    changes = Changes(
        added=sorted((now.label(i), i) for i in now_iris - before_iris),
        removed=sorted((before.label(i), i) for i in before_iris - now_iris),
    )
    for iri in sorted(now_iris & before_iris, key=lambda i: (now.label(i).casefold(), i)):
        node = URIRef(iri)
        mine, theirs = _statements(current, node), _statements(previous, node)
        change = InterventionChange(iri, now.label(iri))
        change.added = sorted(_statement(current, previous, p, o) for p, o in mine - theirs)
        change.removed = sorted(_statement(previous, current, p, o) for p, o in theirs - mine)
        my_claims, their_claims = _claims(current, node), _claims(previous, node)
        for claim in sorted(set(my_claims) | set(their_claims), key=str):
            if my_claims.get(claim) != their_claims.get(claim):
                what = (
                    "added"
                    if claim not in their_claims
                    else ("removed" if claim not in my_claims else "changed (source, basis or note)")
                )
                change.claims.append(f"claim `{curie(str(claim))}` {what}")
        if change.added or change.removed or change.claims:
            changes.changed.append(change)
    return changes


def _link(label: str, iri: str) -> str:
    return f"[{label}]({iri}) (`{curie(iri)}`)"


def render(current: Graph, info: ReleaseInfo, previous: PreviousRelease | None) -> str:
    """The text of ``CHANGES.md``."""
    lines = [f"# Changes in release {info.version}", ""]
    if previous is None:
        catalogue = Catalogue(current)
        lines += [
            "First release: there is no earlier release to compare with.",
            "",
            f"## Interventions in this release ({len(catalogue.intervention_iris)})",
            "",
        ]
        # Sorted as Catalogue.interventions sorts the records, without making them.
        labels = {iri: catalogue.label(iri) for iri in catalogue.intervention_iris}
        listed = sorted(labels, key=lambda iri: (labels[iri].casefold(), iri))
        lines += [f"- {_link(labels[iri], iri)}" for iri in listed]
        return "\n".join(lines) + "\n"
    try:
        before = release_info(previous.graph).version
        version = f", version {before}"
    except ReleaseError:
        version = ""
    changes = compare(current, previous.graph)
    lines += [f"Compared with {previous.described_as}{version}.", ""]
    if not (changes.added or changes.removed or changes.changed):
        lines += ["No intervention was added, removed or changed.", ""]
    lines += [f"## Added ({len(changes.added)})", ""]
    lines += [f"- {_link(label, iri)}" for label, iri in changes.added] or ["None."]
    lines += ["", f"## Removed ({len(changes.removed)})", ""]
    lines += [f"- {_link(label, iri)}" for label, iri in changes.removed] or ["None."]
    lines += ["", f"## Changed ({len(changes.changed)})", ""]
    if not changes.changed:
        lines.append("None.")
    for change in changes.changed:
        lines += [f"### {change.label} (`{curie(change.iri)}`)", ""]
        lines += [f"- added: {s}" for s in change.added]
        lines += [f"- removed: {s}" for s in change.removed]
        lines += [f"- {s}" for s in change.claims]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def write_changes(graph: Graph, info: ReleaseInfo, previous: PreviousRelease | None, dist: Path) -> Path:
    """Write ``CHANGES.md`` into ``dist`` and return its path."""
    path = dist / OUTPUT_FILE
    write_atomic(path, render(graph, info, previous))
    return path
