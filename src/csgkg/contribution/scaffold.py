"""`csgkg new intervention NAME`: a template with every field, and the allowed values as comments."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from csgkg.contribution.yamlform import slugify
from csgkg.core.errors import UsageError
from csgkg.core.namespaces import CSG, PREFIXES, SCHEMES
from csgkg.io.locate import curie
from csgkg.validation.messages import local_name

SCHEME_PREFIX = {CSG[cls]: prefix for prefix, _, cls in SCHEMES}

# (form field, Turtle property, concept class or None, required, help text)
FIELDS = (
    ("contexts", "csg:worksInContext", CSG.Context, True, "contexts it works in"),
    ("harms", "csg:addressesHarm", CSG.Harm, True, "harms it addresses"),
    ("delivered_by", "csg:deliveredBy", CSG.DeliveryRole, True, "who delivers it"),
    ("intended_for", "csg:intendedFor", CSG.Audience, True, "who it is for"),
    ("evidence_status", "csg:evidenceStatus", CSG.EvidenceStatus, True, "exactly one evidence status"),
    ("intervention_types", "csg:interventionType", CSG.InterventionType, False, "kinds of activity"),
    ("principles", "csg:hasPrinciple", CSG.Principle, False, "principles it is built on"),
    ("cs_level", "csg:csLevel", CSG.CsLevel, False, "its Contextual Safeguarding level (recommended)"),
    ("cs_domains", "csg:csDomain", CSG.CsDomain, False, "Contextual Safeguarding domains it works in"),
    ("unrated_because", "csg:unratedBecause", CSG.UnratedReason, False, "why no registry rates it"),
)


INTERVENTION_KINDS = (CSG.Intervention, CSG.Approach, CSG.Programme, CSG.Variant)


def slug_for(name: str) -> str:
    """The slug of a new entry called ``name`` (:func:`slugify`: transliterated to ASCII), or a
    UsageError when ``name`` has no letter or digit to make one of."""
    slug = slugify(name)
    if not slug:
        raise UsageError(
            f"the name {name!r} has no letter or digit to make an id of: give it a name in words"
        )
    return slug


def already_in_dataset(name: str, graph: Graph) -> list[str]:
    """What the template for a new intervention called ``name`` would repeat of the dataset ``graph``:
    one warning each for an intervention with the template's IRI, an intervention already called
    ``name`` (its label or another name, ignoring case), and a source with the template's source IRI.
    Empty when the name is new."""
    slug = slug_for(name)
    warnings = []
    node = URIRef(PREFIXES["intervention"] + slug)
    if (node, None, None) in graph:
        warnings.append(
            f"{curie(node)} already exists in the dataset: `csgkg add` would refuse the new entry; if it is "
            "another intervention, give it a name (or an id) of its own"
        )
    wanted = name.strip().casefold()
    named = sorted(
        {
            subject
            for kind in INTERVENTION_KINDS
            for subject in graph.subjects(RDF.type, kind)
            for prop in (RDFS.label, SKOS.altLabel)
            for label in graph.objects(subject, prop)
            if str(label).strip().casefold() == wanted
        }
    )
    for other in named:
        warnings.append(
            f"the name '{name}' is already used by {curie(other)}: if it is the same intervention it is "
            "already in the dataset; if not, choose a name that tells the two apart"
        )
    source = URIRef(PREFIXES["source"] + f"{slug}-source")
    if (source, None, None) in graph:
        warnings.append(
            f"{curie(source)} already exists in the dataset: cite it as it is (delete the template's "
            "description of it), or give the new source another id"
        )
    return warnings


def allowed_values(graph: Graph, cls: URIRef) -> list[tuple[str, str]]:
    """(slug, preferred label) of every concept of ``cls``, sorted by slug."""
    return sorted(
        (local_name(c), str(graph.value(c, SKOS.prefLabel) or local_name(c)))
        for c in graph.subjects(RDF.type, cls)
        if (c, URIRef("http://www.w3.org/2002/07/owl#deprecated"), None) not in graph
    )


def _wrap(values: list[tuple[str, str]], prefix: str, indent: str) -> list[str]:
    lines, line = [], indent + "#   "
    for slug, _ in values:
        item = f"{prefix}{slug}, "
        if len(line) + len(item) > 100:
            lines.append(line.rstrip(", "))
            line = indent + "#   "
        line += item
    lines.append(line.rstrip(", "))
    return lines


def turtle_template(name: str, graph: Graph) -> str:
    """A Turtle file for a new intervention called ``name``: valid syntax, TODOs to replace."""
    slug = slug_for(name)
    # Every prefix a line of the template uses, the optional (commented) lines' too.
    prefixes = sorted(
        {"csg", "dcterms", "intervention", "organisation", "rdfs", "schema", "skos", "source", "wd"}
        | {SCHEME_PREFIX[cls] for _, _, cls, _, _ in FIELDS if cls is not None}
    )
    out = [
        f"# A new intervention for csgkg: {name}",
        "# Replace every TODO, delete the optional lines you do not need, then run:",
        f"#   csgkg validate --claims-from-source {slug}.ttl   (checks it against the dataset)",
        f"#   csgkg add --claims-from-source {slug}.ttl        (adds it to data/ when it is valid)",
        "# Every statement needs a csg:Claim saying which source supports it (ontology/README.md).",
        "# --claims-from-source records them for you when the intervention has one source",
        "# (csg:hasSource) that says every statement; with several sources, write the claims.",
        "",
        *[f"@prefix {p}: <{PREFIXES[p]}> ." for p in prefixes],
        "",
        f"intervention:{slug}",
        "    # REQUIRED: csg:Approach (a general approach), csg:Programme (a named programme) or",
        "    # csg:Variant (a form of an approach; then add csg:formOf intervention:the-approach)",
        "    a csg:Programme ;",
        f"    rdfs:label {Literal(name, lang='en').n3()} ;",
        '    # skos:altLabel "another name people use"@en ;',
        '    dcterms:description "TODO: in your own words, what it is, who takes part, how it works."@en ;',
    ]
    for _, prop, cls, required, help_text in FIELDS:
        values = allowed_values(graph, cls)
        prefix = SCHEME_PREFIX[cls]
        out.append(f"    # {'REQUIRED' if required else 'optional'}: {help_text}. Allowed values:")
        out.extend(_wrap(values, f"{prefix}:", "    "))
        out.append(f"    {prop} {prefix}:TODO ;" if required else f"    # {prop} {prefix}:... ;")
    out += [
        "    # optional: countries as Wikidata IRIs (wd:Q30 United States, wd:Q21 England, wd:Q22 Scotland)",
        "    # csg:developedIn wd:Q21 ;",
        "    # csg:pilotedIn wd:Q22 ;",
        "    # optional: organisations (existing ones in data/organisations/, or describe a new one below)",
        "    # csg:developedBy organisation:... ;  csg:offeredBy ... ;  csg:trainingProvidedBy ... ;",
        "    # REQUIRED: the source(s) of what you say",
        f"    csg:hasSource source:{slug}-source .",
        "",
        f"source:{slug}-source",
        "    a csg:Source ;",
        '    dcterms:title "TODO: the title of the page or publication"@en ;',
        "    schema:url <https://example.org/TODO> .",
        "",
    ]
    return "\n".join(out)


def yaml_template(name: str, graph: Graph) -> str:
    """The YAML form for a new intervention called ``name``, with allowed values as comments."""
    slug = slug_for(name)
    out = [
        f"# A new intervention for csgkg: {name}",
        "# Fill in the fields, then run:",
        f"#   csgkg validate {slug}.yaml   and then   csgkg add {slug}.yaml",
        '# Values may be written as the slug (school) or a label ("peer-on-peer abuse").',
        "# Each statement cites the first source below; to cite another, or to mark your own judgement,",
        '# write the value as:  - {value: school, source: my-source, basis: editorial, note: "why"}',
        "",
        f"id: {slug}            # the last part of its IRI: lower-case words joined by hyphens",
        "kind: programme        # approach | programme | form",
        f"name: {name}",
        "also_known_as: []",
        "description: >-",
        "  TODO: in your own words, what it is, who takes part and how it works.",
        "# form_of: restorative-justice      # for kind: form, the approach it is a form of",
        "# example_of: bystander-interventions   # for a programme, the approach it puts into practice",
    ]
    for field, _, cls, required, help_text in FIELDS:
        values = allowed_values(graph, cls)
        out.append(f"# {'REQUIRED' if required else 'optional'}: {help_text}. Allowed values:")
        out.extend(_wrap(values, "", ""))
        if field == "evidence_status":
            out.append(f"{field}: TODO")
        elif field == "cs_level":
            out.append(f"# {field}: level-1")
        else:
            out.append(f"{field}: [TODO]" if required else f"{field}: []")
    out += [
        "# optional: countries as Wikidata ids (Q30 United States, Q21 England, Q22 Scotland)",
        "developed_in: []",
        "piloted_in: []",
        "# optional: organisations by id (see data/organisations/) or described under organisations:",
        "developed_by: []",
        "offered_by: []",
        "training_by: []",
        "funded_by: []",
        "# REQUIRED: where the facts come from (a new source, or the id of one in data/sources/)",
        "sources:",
        f"  - id: {slug}-source",
        "    title: TODO the title of the page or publication",
        "    url: https://example.org/TODO",
        "organisations: []",
        "",
    ]
    return "\n".join(out)
