"""The catalogue links only to http and https addresses, even for a graph that was never validated."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from markupsafe import escape
from rdflib import URIRef
from rdflib.namespace import DCTERMS

from csgkg.core.namespaces import ONTOLOGY_IRI, SCHEMA
from csgkg.publish.site.links import web_link

HOSTILE = ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,<b>x</b>", "file:///etc/passwd"]


@pytest.mark.parametrize(
    ("address", "linked"),
    [
        ("https://example.org/page?q=1#top", True),
        ("HTTP://example.org", True),
        *((a, False) for a in HOSTILE),
        (" https://example.org", False),  # a browser strips the space; the data should not have it
        ("https://", False),
        ("https://exa\tmple.org", False),
        ("ftp://example.org/file", False),
        (None, False),
    ],
)
def test_only_http_and_https_addresses_are_links(address: str | None, linked: bool) -> None:
    assert web_link(address) == (address if linked else None)


def test_an_intervention_page_never_links_to_a_javascript_address(dataset, tmp_path: Path) -> None:
    """Every source and organisation of an intervention gets a ``javascript:`` address (a graph no
    validation saw): the page shows their names as plain text, and its structured data leaves the
    address out."""
    from csgkg.publish.release.version import release_info
    from csgkg.publish.site.model import SiteModel
    from csgkg.publish.site.render import SiteWriter, intervention_path, json_script
    from csgkg.publish.site.schema_org import intervention_jsonld

    graph = dataset.graph()
    model = SiteModel(dataset.root, graph)
    intervention = next(i for i in model.interventions if any(i.organisations.values()) and i.sources)
    organisations = {r.iri for refs in intervention.organisations.values() for r in refs}
    for node in {s.iri for s in intervention.sources} | organisations:
        graph.set((URIRef(node), SCHEMA.url, URIRef("javascript:alert(1)")))
    graph.set((URIRef(ONTOLOGY_IRI), DCTERMS.license, URIRef("javascript:alert(2)")))
    model = SiteModel(dataset.root, graph)
    intervention = model.by_iri[intervention.iri]
    info = release_info(graph)
    writer = SiteWriter(tmp_path, model, info)
    page = intervention_path(intervention)
    writer.render(
        page,
        "intervention.html",
        intervention.label,
        intervention=intervention,
        similar=[],
        structured_data=json_script(intervention_jsonld(intervention, info)),
    )
    writer.render("data.html", "data.html", "Download the data")
    for name in (page, "data.html"):
        html = (tmp_path / name).read_text(encoding="utf-8")
        hrefs = re.findall(r'<a href="([^"]*)"', html)
        assert hrefs and not [h for h in hrefs if ":" in h.split("/")[0] and not h.startswith("http")]
        assert "javascript:" not in html.split('<script type="application/ld+json">')[0]
    html = (tmp_path / page).read_text(encoding="utf-8")
    assert "javascript:" not in html  # not in the structured data either
    for source in intervention.sources:
        assert f">{escape(source.title)}</h3>" in html
    assert "Creative Commons Attribution 4.0</a>" not in (tmp_path / "data.html").read_text(encoding="utf-8")
