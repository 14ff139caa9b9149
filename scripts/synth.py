"""Write a synthetic csgkg registry: the real ontology, vocabularies, shapes and queries, and N made-up
interventions, with a known share of injected violations.

Usage::

    python scripts/synth.py --interventions 100000 --seed 1 --out /tmp/registry [--violations 0.01]

The output is a complete dataset root, so every ``csgkg`` command works in it unchanged
(``csgkg --root /tmp/registry build``). It holds:

- ``ontology/``, ``shapes/``, ``queries/``, ``data/``: copies of the real ones (the real interventions
  stay, so the stored queries' examples work), plus one synthetic source for every ten interventions
  (``data/sources/synthetic-catalogue-NNNNNN.ttl``);
- ``data/interventions/``: N synthetic interventions in the style of the real files, each with a
  ``csg:Claim`` for every statement that needs one, using the real concepts (deprecated ones excepted):
  one or two contexts and harms, one delivery role, audience, evidence status, intervention type and
  Contextual Safeguarding level, sometimes a principle, a country or an organisation;
- ``violations.json``: every injected violation, its kind, file, node and the rules it must trigger.

The same ``--interventions``, ``--seed`` and ``--violations`` give the same bytes. The text is written
directly (no RDF library), so 100,000 files take seconds.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CSG = "https://w3id.org/csgkg/ontology/"
ID = "https://w3id.org/csgkg/id/"
VOCAB = "https://w3id.org/csgkg/vocab/"

# Facet property -> (prefix of its concepts, concept class local name).
FACETS = {
    "worksInContext": ("context", "Context"),
    "addressesHarm": ("harm", "Harm"),
    "deliveredBy": ("role", "DeliveryRole"),
    "intendedFor": ("audience", "Audience"),
    "evidenceStatus": ("evidence", "EvidenceStatus"),
    "interventionType": ("itype", "InterventionType"),
    "hasPrinciple": ("principle", "Principle"),
    "csLevel": ("cslevel", "CsLevel"),
    "csDomain": ("csdomain", "CsDomain"),
}
SCHEME_PREFIXES = {
    "context": "context",
    "harm": "harm",
    "role": "delivery-role",
    "audience": "audience",
    "evidence": "evidence-status",
    "itype": "intervention-type",
    "principle": "principle",
    "cslevel": "cs-level",
    "csdomain": "cs-domain",
}
PREFIXES = {
    "audience": f"{VOCAB}audience/",
    "claim": f"{ID}claim/",
    "context": f"{VOCAB}context/",
    "csdomain": f"{VOCAB}cs-domain/",
    "csg": CSG,
    "cslevel": f"{VOCAB}cs-level/",
    "dcterms": "http://purl.org/dc/terms/",
    "evidence": f"{VOCAB}evidence-status/",
    "harm": f"{VOCAB}harm/",
    "intervention": f"{ID}intervention/",
    "itype": f"{VOCAB}intervention-type/",
    "organisation": f"{ID}organisation/",
    "principle": f"{VOCAB}principle/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "role": f"{VOCAB}delivery-role/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "source": f"{ID}source/",
    "wd": "http://www.wikidata.org/entity/",
}
PREFIX_BLOCK = "".join(f"@prefix {p}: <{iri}> .\n" for p, iri in PREFIXES.items())
SOURCE_PREFIXES = (
    "@prefix csg: <https://w3id.org/csgkg/ontology/> .\n"
    "@prefix dcterms: <http://purl.org/dc/terms/> .\n"
    "@prefix schema: <https://schema.org/> .\n"
    "@prefix source: <https://w3id.org/csgkg/id/source/> .\n"
)
INTERVENTIONS_PER_SOURCE = 10

PLACES = (
    "Northfield",
    "Riverside",
    "Harbour",
    "Eastgate",
    "Millbrook",
    "Southwark",
    "Kingsmead",
    "Ashford",
    "Brookside",
    "Westcliff",
    "Oakwood",
    "Fairhaven",
    "Highbury",
    "Lowther",
    "Greenway",
    "Stonebridge",
)
FOCI = (
    "Peer Mentoring",
    "Safer Streets",
    "Youth Outreach",
    "Family Support",
    "Healthy Relationships",
    "Online Safety",
    "Detached Youth Work",
    "Bystander",
    "Restorative",
    "Community Guardians",
    "School Safety",
    "Transport Hub Safety",
    "Sport for Change",
    "Trusted Adults",
    "Night-time Economy",
)
FORMATS = ("Programme", "Project", "Scheme", "Initiative", "Partnership", "Service", "Approach", "Network")
VERBS = (
    "brings together",
    "trains",
    "supports",
    "works alongside",
    "builds the confidence of",
    "connects",
    "mentors",
    "equips",
)
AIMS = (
    "to make the places young people spend time in safer",
    "to change the peer norms that allow harm to go unchallenged",
    "to help young people recognise and respond to exploitation",
    "to reduce violence in and around schools",
    "to strengthen the relationships between young people and trusted adults",
    "to disrupt the spaces where young people are groomed or exploited",
)
NOTES = (
    "The source describes the work in this setting without naming it in these words.",
    "The source lists this among the outcomes the work measures, so the editors take it as addressed.",
    "The source describes sessions delivered in this way, which the editors read as this facet.",
)
COUNTRIES = ("Q145", "Q21", "Q22", "Q25", "Q26", "Q30", "Q16", "Q27")

# The kinds of violation injected, each with the rules it triggers (path None: the node itself).
VIOLATION_KINDS = (
    "missing-label",
    "two-evidence-statuses",
    "context-outside-scheme",
    "misspelt-property",
    "statement-without-claim",
    "claim-not-stated",
    "unknown-source",
    "duplicate-label",
    "claim-without-basis",
    "country-not-wikidata",
    "label-not-english",
    "editorial-without-note",
    "two-kinds",
)


@dataclass
class Vocabulary:
    """The real concepts of each facet (by prefix, as local names), and the real organisations."""

    concepts: dict[str, list[str]]
    organisations: list[str]


@dataclass
class Statement:
    """One facet statement of an intervention, and how its claim is made."""

    prop: str
    value: str  # a CURIE
    source: str  # a CURIE
    editorial: bool = False
    note: str = ""


@dataclass
class Intervention:
    """One synthetic intervention, before it is written."""

    index: int
    slug: str
    name: str
    kind: str
    description: str
    source: str
    statements: list[Statement] = field(default_factory=list)
    extra_lines: list[str] = field(default_factory=list)  # injected property lines
    extra_claims: list[str] = field(default_factory=list)  # injected claim blocks
    drop_claim: int | None = None  # index of a statement whose claim is left out
    drop_label: bool = False
    label_lang: str = "en"
    extra_kind: str | None = None
    sources: list[str] = field(default_factory=list)


def read_vocabulary(root: Path) -> Vocabulary:
    """The non-deprecated concepts of each real scheme and the real organisations of ``root``
    (a scheme whose file is missing has no concepts, and its facet is left out)."""
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import OWL, RDF

    concepts: dict[str, list[str]] = {}
    for prefix, scheme in SCHEME_PREFIXES.items():
        graph = Graph()
        path = root / "ontology" / "vocab" / f"{scheme}.ttl"
        if path.is_file():
            graph.parse(path, format="turtle")
        cls = URIRef(CSG + dict(FACETS.values())[prefix])
        namespace = f"{VOCAB}{scheme}/"
        found = [
            str(c)[len(namespace) :]
            for c in graph.subjects(RDF.type, cls)
            if str(c).startswith(namespace) and (c, OWL.deprecated, Literal(True)) not in graph
        ]
        concepts[prefix] = sorted(found)
    organisations = sorted(p.stem for p in (root / "data" / "organisations").glob("*.ttl"))
    return Vocabulary(concepts, organisations)


def copy_sources(out: Path) -> None:
    """Copy the real ontology, shapes, queries and data into ``out``.

    The real interventions (and what refers to them: ratings, evaluations) are kept, so that the
    stored queries' examples, which name real interventions, work in the synthetic root too.
    """
    for folder in ("ontology", "shapes", "queries", "data"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, out / folder, dirs_exist_ok=True)
    (out / "data" / "interventions").mkdir(parents=True, exist_ok=True)
    (out / "data" / "sources").mkdir(parents=True, exist_ok=True)


def make_intervention(index: int, rng: random.Random, vocab: Vocabulary) -> Intervention:
    """A valid synthetic intervention: one to two contexts and harms, one role, audience, evidence
    status and intervention type, sometimes a principle, a country or an organisation."""
    place, focus, form = rng.choice(PLACES), rng.choice(FOCI), rng.choice(FORMATS)
    name = f"{place} {focus} {form} {index:06d}"
    slug = name.lower().replace(" ", "-")
    kind = "Approach" if form == "Approach" else "Programme"
    source = f"source:synthetic-catalogue-{index // INTERVENTIONS_PER_SOURCE:06d}"
    description = (
        f"A {kind.lower()} in {place} that {rng.choice(VERBS)} young people and the adults around them "
        f"{rng.choice(AIMS)}. It is a made-up entry of a synthetic registry, written to measure csgkg "
        "at scale."
    )
    item = Intervention(index, slug, name, kind, description, source, sources=[source])
    c = vocab.concepts

    def pick(prop: str, prefix: str, count: int) -> None:
        for value in rng.sample(c[prefix], min(count, len(c[prefix]))):
            editorial = rng.random() < 0.15
            note = rng.choice(NOTES) if editorial else ""
            item.statements.append(Statement(prop, f"{prefix}:{value}", source, editorial, note))

    pick("worksInContext", "context", 1 + (rng.random() < 0.3))
    pick("addressesHarm", "harm", 1 + (rng.random() < 0.4))
    pick("deliveredBy", "role", 1)
    pick("intendedFor", "audience", 1)
    pick("evidenceStatus", "evidence", 1)
    pick("interventionType", "itype", 1)
    if rng.random() < 0.25:
        pick("hasPrinciple", "principle", 1)
    if c.get("cslevel"):
        pick("csLevel", "cslevel", 1)
    if rng.random() < 0.1:
        item.statements.append(Statement("developedIn", f"wd:{rng.choice(COUNTRIES)}", source))
    if rng.random() < 0.1 and vocab.organisations:
        item.statements.append(
            Statement("offeredBy", f"organisation:{rng.choice(vocab.organisations)}", source)
        )
    return item


def inject(
    item: Intervention, kind: str, names: list[tuple[str, str]], rng: random.Random, vocab: Vocabulary
) -> list[list]:
    """Change ``item`` to carry one violation of ``kind``; return the [rule, focus, path] it triggers."""
    focus = f"intervention:{item.slug}"
    if kind == "missing-label":
        item.drop_label = True
        return [["shapes:Intervention-label-required", focus, "rdfs:label"]]
    if kind == "two-evidence-statuses":
        current = next(s.value for s in item.statements if s.prop == "evidenceStatus")
        other = next(f"evidence:{c}" for c in vocab.concepts["evidence"] if f"evidence:{c}" != current)
        item.statements.append(Statement("evidenceStatus", other, item.source))
        return [["shapes:Intervention-evidence-status-single", focus, "csg:evidenceStatus"]]
    if kind == "context-outside-scheme":
        item.statements.append(Statement("worksInContext", "context:scool", item.source))
        return [["shapes:Intervention-context-in-scheme", focus, "csg:worksInContext"]]
    if kind == "misspelt-property":
        item.extra_lines.append("    csg:deliverdBy role:youth-worker ;")
        return [["shapes:Intervention-known-properties", focus, "csg:deliverdBy"]]
    if kind == "statement-without-claim":
        item.drop_claim = rng.randrange(len(item.statements))
        prop = item.statements[item.drop_claim].prop
        return [["shapes:Intervention-statement-has-claim", focus, f"csg:{prop}"]]
    if kind == "claim-not-stated":
        stated = {s.value for s in item.statements}
        harm = next(f"harm:{c}" for c in vocab.concepts["harm"] if f"harm:{c}" not in stated)
        claim = f"claim:{item.slug}.addressesHarm.{harm.split(':', 1)[1]}"
        item.extra_claims.append(
            f"{claim}\n    a csg:Claim ;\n    rdf:subject {focus} ;\n    rdf:predicate csg:addressesHarm ;\n"
            f"    rdf:object {harm} ;\n    csg:hasSource {item.source} ;\n"
            "    csg:claimBasis csg:StatedBySource .\n"
        )
        return [["shapes:Intervention-claim-stated", focus, "csg:addressesHarm"]]
    if kind == "unknown-source":
        missing = f"source:undescribed-{item.slug}"
        item.sources.append(missing)
        return [["shapes:Intervention-source-known", focus, "csg:hasSource"]]
    if kind == "duplicate-label":
        other, other_slug = names[rng.randrange(len(names))]
        item.name = other.upper() if rng.random() < 0.5 else other
        return [
            ["shapes:Intervention-label-unique", focus, "rdfs:label"],
            ["shapes:Intervention-label-unique", f"intervention:{other_slug}", "rdfs:label"],
        ]
    if kind == "claim-without-basis":
        return [
            ["shapes:Claim-basis", f"claim:{item.slug}.{_claim_suffix(item.statements[0])}", "csg:claimBasis"]
        ]
    if kind == "country-not-wikidata":
        item.statements.append(Statement("developedIn", "<https://example.org/country/england>", item.source))
        return [["shapes:Intervention-country-wikidata", focus, "csg:developedIn"]]
    if kind == "label-not-english":
        item.label_lang = "fr"
        return [["shapes:Intervention-label-english", focus, "rdfs:label"]]
    if kind == "editorial-without-note":
        item.statements[0].editorial = True
        item.statements[0].note = ""
        return [
            ["shapes:Claim-editorial-note", f"claim:{item.slug}.{_claim_suffix(item.statements[0])}", None]
        ]
    if kind == "two-kinds":
        item.extra_kind = "Approach" if item.kind == "Programme" else "Programme"
        return [["shapes:Intervention-kind", focus, None]]
    raise ValueError(f"unknown violation kind {kind!r}")


def _claim_suffix(statement: Statement) -> str:
    value = statement.value.strip("<>").rsplit("/", 1)[-1].rsplit(":", 1)[-1]
    return f"{statement.prop}.{value}"


def _grouped(statements: list[Statement]) -> Iterator[tuple[str, list[str]]]:
    order: dict[str, list[str]] = {}
    for s in statements:
        order.setdefault(s.prop, []).append(s.value)
    yield from order.items()


def _values(values: list[str]) -> str:
    if len(values) == 1:
        return f" {values[0]}"
    return "\n" + " ,\n".join(f"        {v}" for v in values)


def _text(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')


def render_intervention(item: Intervention, no_basis: bool = False) -> str:
    """The Turtle text of ``item``, in the layout of the real files."""
    focus = f"intervention:{item.slug}"
    kinds = f"csg:{item.kind}" + (f" , csg:{item.extra_kind}" if item.extra_kind else "")
    lines = [
        f"# The intervention '{item.name}' (synthetic) and a claim for each statement about it,",
        "# giving its source and whether the source states it or the editors judged it.",
        "",
        PREFIX_BLOCK,
        focus,
        f"    a {kinds} ;",
    ]
    if not item.drop_label:
        lines.append(f'    rdfs:label "{_text(item.name)}"@{item.label_lang} ;')
    lines.append(f'    dcterms:description "{_text(item.description)}"@en ;')
    for prop, values in _grouped(item.statements):
        lines.append(f"    csg:{prop}{_values(values)} ;")
    lines.extend(item.extra_lines)
    lines.append(f"    csg:hasSource{_values(item.sources)} .")
    lines.append("")
    for number, s in enumerate(item.statements):
        if number == item.drop_claim:
            continue
        claim = f"claim:{item.slug}.{_claim_suffix(s)}"
        block = [
            claim,
            "    a csg:Claim ;",
            f"    rdf:subject {focus} ;",
            f"    rdf:predicate csg:{s.prop} ;",
            f"    rdf:object {s.value} ;",
        ]
        if no_basis and number == 0:
            block.append(f"    csg:hasSource {s.source} .")
        elif s.editorial:
            block.append(f"    csg:hasSource {s.source} ;")
            block.append("    csg:claimBasis csg:EditorialJudgement" + (" ;" if s.note else " ."))
            if s.note:
                block.append(f'    skos:editorialNote "{_text(s.note)}"@en .')
        else:
            block.append(f"    csg:hasSource {s.source} ;")
            block.append("    csg:claimBasis csg:StatedBySource .")
        lines.extend(block)
        lines.append("")
    for extra in item.extra_claims:
        lines.append(extra)
    return "\n".join(lines).rstrip("\n") + "\n"


def render_source(number: int) -> str:
    """The Turtle text of synthetic source ``number``: a page of a made-up catalogue."""
    return (
        "# One source cited by the dataset (synthetic).\n\n"
        f"{SOURCE_PREFIXES}\n"
        f"source:synthetic-catalogue-{number:06d}\n"
        "    a csg:Source ;\n"
        f'    dcterms:title "Synthetic intervention catalogue, page {number}"@en ;\n'
        f"    schema:url <https://example.org/synthetic-catalogue/{number:06d}> .\n"
    )


def synthesise(count: int, seed: int, out: Path, share: float = 0.01) -> dict:
    """Write the registry into ``out`` and return the violations record (also written to
    ``out/violations.json``)."""
    out.mkdir(parents=True, exist_ok=True)
    copy_sources(out)
    vocab = read_vocabulary(REPO)
    rng = random.Random(seed)
    chosen = set(rng.sample(range(count), round(count * share))) if count and share > 0 else set()
    names: list[tuple[str, str]] = []
    injected: list[dict] = []
    folder = out / "data" / "interventions"
    for index in range(count):
        item = make_intervention(index, rng, vocab)
        no_basis = False
        if index in chosen and names:
            kind = VIOLATION_KINDS[len(injected) % len(VIOLATION_KINDS)]
            expect = inject(item, kind, names, rng, vocab)
            no_basis = kind == "claim-without-basis"
            injected.append(
                {
                    "kind": kind,
                    "file": f"data/interventions/{item.slug}.ttl",
                    "focus": f"intervention:{item.slug}",
                    "expect": expect,
                }
            )
        if not item.drop_label and item.label_lang == "en":
            names.append((item.name, item.slug))
        (folder / f"{item.slug}.ttl").write_text(render_intervention(item, no_basis), encoding="utf-8")
    sources = out / "data" / "sources"
    for number in range((count + INTERVENTIONS_PER_SOURCE - 1) // INTERVENTIONS_PER_SOURCE):
        (sources / f"synthetic-catalogue-{number:06d}.ttl").write_text(
            render_source(number), encoding="utf-8"
        )
    record = {"interventions": count, "seed": seed, "share": share, "violations": injected}
    (out / "violations.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return record


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and write the registry."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--interventions", type=int, required=True, metavar="N", help="how many interventions"
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="the dataset root to write")
    parser.add_argument(
        "--violations",
        type=float,
        default=0.01,
        metavar="SHARE",
        help="share of interventions given one injected violation (default 0.01)",
    )
    args = parser.parse_args(argv)
    if args.out.exists() and any((args.out / "data").glob("*")):
        print(f"{args.out}/data already exists: choose an empty folder", file=sys.stderr)
        return 2
    start = time.perf_counter()
    record = synthesise(args.interventions, args.seed, args.out, args.violations)
    took = time.perf_counter() - start
    print(
        f"wrote {args.interventions} interventions with {len(record['violations'])} injected violations "
        f"to {args.out} in {took:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
