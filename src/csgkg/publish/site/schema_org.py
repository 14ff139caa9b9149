"""The schema.org description embedded in each intervention page for search engines, as JSON-LD
that is safe inside ``<script type="application/ld+json">``."""

from __future__ import annotations

import json
from typing import Any

from csgkg.core.namespaces import DATASET_IRI
from csgkg.publish.release.records import FACETS, Intervention
from csgkg.publish.release.version import TITLE, ReleaseInfo
from csgkg.publish.site.links import web_link


def script_json(data: Any) -> str:
    """``data`` as JSON that cannot end the ``<script>`` element it is embedded in: every ``</``
    is written ``<\\/`` and every ``<!--`` as ``\\u003c!--`` (both still the same JSON)."""
    text = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True)
    return text.replace("</", "<\\/").replace("<!--", "\\u003c!--")


def intervention_jsonld(intervention: Intervention, info: ReleaseInfo) -> dict[str, Any]:
    """A schema.org ``WebPage`` about the intervention, with its sources and the dataset."""
    keywords = sorted({v.label for f in FACETS for v in intervention.facets[f.key]})
    thing: dict[str, Any] = {
        "@type": "Thing",
        "@id": intervention.iri,
        "name": intervention.label,
        "description": intervention.description,
        "additionalType": intervention.kind.iri,
        "identifier": intervention.iri,
    }
    if intervention.alt_labels:
        thing["alternateName"] = intervention.alt_labels
    if keywords:
        thing["keywords"] = keywords
    citations = []
    for source in intervention.sources:
        work: dict[str, Any] = {"@type": "CreativeWork", "@id": source.iri, "name": source.title}
        if web_link(source.url):  # as on the page: http or https only
            work["url"] = source.url
        citations.append(work)
    dataset: dict[str, Any] = {"@type": "Dataset", "@id": DATASET_IRI, "name": TITLE, "version": info.version}
    page: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "WebPage",
        "name": f"{intervention.label} ({TITLE})",
        "description": intervention.description,
        "inLanguage": "en",
        "mainEntity": thing,
        "citation": citations,
        "isPartOf": dataset,
    }
    if web_link(info.license):  # a link for search engines: http or https only, as on the pages
        page["license"] = dataset["license"] = info.license
    return page
