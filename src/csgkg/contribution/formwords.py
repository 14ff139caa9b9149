"""Validation results about a YAML form, in the form's own words.

The shapes speak RDF (``csg:interventionType``); someone who filled in the YAML form knows the field
``intervention_types``. A result located in a form names the field, and its message uses the field's
name and the bare values the form takes.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from rdflib.namespace import DCTERMS, RDFS, SKOS

from csgkg.contribution.yamlform import FACET_FIELDS
from csgkg.core.namespaces import CSG
from csgkg.io.locate import curie
from csgkg.validation.report import ValidationResult

# property (as a CURIE) -> the form field that states it
FIELD_OF: dict[str, str] = {
    curie(RDFS.label): "name",
    curie(DCTERMS.description): "description",
    curie(SKOS.altLabel): "also_known_as",
    curie(CSG.hasSource): "sources",
    **{curie(prop): key for key, (prop, _prefix, _many) in FACET_FIELDS.items()},
}

# Messages whose advice differs in the form (the form records each claim itself).
FORM_MESSAGES: dict[str, str] = {
    "shapes:Intervention-type-recommended": (
        "The form should say what kind of activity it is: list it under intervention_types (the values "
        "are in the comment above the field)."
    ),
    "shapes:Intervention-cs-level-recommended": (
        "The form should say its Contextual Safeguarding level: set cs_level to level-1 (work with one "
        "young person and their network) or level-2 (work that changes a context)."
    ),
}

_CURIES = re.compile("|".join(re.escape(c) for c in sorted(FIELD_OF, key=len, reverse=True)) + r"\b")


def in_form_words(result: ValidationResult) -> ValidationResult:
    """``result`` as someone who filled in the form reads it: the field it is about, and a message
    that names fields rather than properties."""
    message = FORM_MESSAGES.get(result.constraint) or _CURIES.sub(
        lambda match: FIELD_OF[match.group(0)], result.message
    )
    return replace(result, message=message, field=FIELD_OF.get(result.path or ""))


def reword_form_results(results: list[ValidationResult], forms: list[Path]) -> list[ValidationResult]:
    """``results`` with those located in one of the YAML ``forms`` in the form's words."""
    in_forms = {form.resolve() for form in forms}
    return [
        in_form_words(result) if result.file and Path(result.file).resolve() in in_forms else result
        for result in results
    ]
