"""The web catalogue in a real browser: Debian's chromium driven by Playwright, the site served by
http.server on 127.0.0.1. A practitioner filters by school and sexual harassment, opens an
intervention, compares two; axe-core finds no serious or critical accessibility problem.

Chromium (/usr/bin/chromium) and axe-core (tests/node_modules, from tests/package.json) are
installed by .ci/run; when either is missing these tests FAIL and say how to install it.
Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from conftest import REPO
from csgkg.core.namespaces import CSG, PREFIXES
from csgkg.core.root import DatasetRoot

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--headless",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = REPO / "test-artifacts"
INTERVENTION = PREFIXES["intervention"]

FIND = """
PREFIX csg: <https://w3id.org/csgkg/ontology/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?intervention WHERE {
  ?intervention csg:worksInContext ?context ;
    csg:addressesHarm/(skos:broader|^skos:narrower)* ?harm .
}
"""


# -- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The catalogue of the repository's dataset, built once into a temporary folder."""
    from csgkg.publish.site import build_site

    out = tmp_path_factory.mktemp("catalogue") / "site"
    build_site(DatasetRoot(REPO), out=out)
    return out


@pytest.fixture(scope="session")
def base_url(site: Path) -> Iterator[str]:
    """The site served by the standard library's http.server on 127.0.0.1, in a thread."""
    from csgkg.publish.site.serve import serve_in_thread

    server, url = serve_in_thread(site)
    yield url
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian chromium under Playwright; a missing browser fails the tests."""
    if not CHROMIUM.is_file():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium), as "
            ".ci/run does; never 'playwright install'"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright for Python is missing: pip install -e '.[test]'")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def fresh_page(browser: Any, **options: Any) -> Iterator[Any]:
    """A page in a new browser context made with ``options``, recording script errors: the test
    fails on any of them."""
    context = browser.new_context(**options)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.set_default_timeout(15_000)
    yield page
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh desktop page (1200 x 900)."""
    yield from fresh_page(browser, viewport={"width": 1200, "height": 900})


def screenshot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def matching(graph: Graph, context: str, harm: str) -> set[str]:
    """The interventions in ``context`` that address ``harm`` or a narrower harm, by rdflib."""
    rows = graph.query(
        FIND,
        initBindings={
            "context": URIRef(PREFIXES["context"] + context),
            "harm": URIRef(PREFIXES["harm"] + harm),
        },
    )
    return {str(row[0]) for row in rows}


def visible_interventions(page: Any) -> set[str]:
    return set(
        page.eval_on_selector_all(
            "#intervention-list > li:not([hidden])", "items => items.map(i => i.dataset.iri)"
        )
    )


def label(graph: Graph, iri: str) -> str:
    from csgkg.publish.release.records import label_of

    return label_of(graph, URIRef(iri))


# -- the practitioner's path -------------------------------------------------------------------


def test_home_page_filters_by_school_and_sexual_harassment(page, base_url, dataset) -> None:
    graph = dataset.graph()
    expected = matching(graph, "school", "sexual-harassment")
    assert expected, "the data should hold school-based responses to sexual harassment"
    page.goto(base_url + "index.html")
    assert page.locator("#filter-panel").is_visible()
    every = {str(s) for s in graph.subjects(None, None) if str(s).startswith(INTERVENTION)}
    assert visible_interventions(page) == every

    page.select_option("#filter-context", "school")
    page.select_option("#filter-harm", "sexual-harassment")
    assert visible_interventions(page) == expected
    assert (
        page.locator("#result-count").inner_text()
        == f"{len(expected)} interventions of {len(every)} match the filters"
    )
    assert "context=school" in page.url and "harm=sexual-harassment" in page.url
    shown = page.locator("#intervention-list > li:not([hidden]) .card-title").all_inner_texts()
    assert sorted(shown) == sorted(label(graph, i) for i in expected)
    screenshot(page, "home-filtered-school-sexual-harassment")

    page.click("#filter-clear")
    page.wait_for_function("document.querySelectorAll('#intervention-list > li[hidden]').length === 0")
    assert visible_interventions(page) == every


def test_a_filtered_address_can_be_shared(page, base_url, dataset) -> None:
    expected = matching(dataset.graph(), "school", "sexual-harassment")
    page.goto(base_url + "index.html?context=school&harm=sexual-harassment")
    assert page.locator("#filter-context").input_value() == "school"
    assert visible_interventions(page) == expected


def test_without_javascript_the_same_answer_is_a_link_away(browser, base_url, dataset) -> None:
    expected = matching(dataset.graph(), "school", "sexual-harassment")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(base_url + "index.html")
        assert not page.locator("#filter-panel").is_visible()
        every = {str(s) for s in dataset.graph().subjects() if str(s).startswith(INTERVENTION)}
        assert page.locator("#intervention-list > li").count() == len(every)
        page.goto(base_url + "coverage.html")
        page.get_by_role("link", name=re.compile(r"for sexual harassment in school$")).click()
        links = page.locator("main .card-title a").evaluate_all("links => links.map(a => a.href)")
        slugs = {re.sub(r"^.*/interventions/(.*)\.html$", r"\1", href) for href in links}
        assert {INTERVENTION + s for s in slugs} == expected
        screenshot(page, "no-javascript-school-sexual-harassment")
    finally:
        context.close()


def test_intervention_page(page, base_url, dataset) -> None:
    graph = dataset.graph()
    page.goto(base_url + "index.html?context=school&harm=sexual-harassment")
    page.get_by_role("link", name="Shifting Boundaries", exact=True).click()
    page.wait_for_url("**/interventions/shifting-boundaries.html")
    assert page.locator("h1").inner_text() == "Shifting Boundaries"
    node = URIRef(INTERVENTION + "shifting-boundaries")
    glance = page.locator("section[aria-labelledby=at-a-glance]").inner_text()
    for harm in graph.objects(node, CSG.addressesHarm):
        assert label(graph, str(harm)) in glance
    sources = page.locator("section[aria-labelledby=sources] article.source")
    assert sources.count() == len(set(graph.objects(node, CSG.hasSource)))
    assert page.locator(".claims li").count() >= len(
        set(graph.subjects(URIRef(str(PREFIXES["rdf"]) + "subject"), node))
    )
    assert page.locator("ol.similar li").count() > 0

    structured = json.loads(page.locator("script[type='application/ld+json']").inner_text())
    assert structured["mainEntity"]["@id"] == str(node)
    assert structured["mainEntity"]["name"] == "Shifting Boundaries"

    turtle = page.request.get(base_url + "interventions/shifting-boundaries.ttl")
    assert turtle.ok
    own = Graph().parse(data=turtle.text(), format="turtle")
    assert set(graph.triples((node, None, None))) <= set(own)
    jsonld = page.request.get(base_url + "interventions/shifting-boundaries.jsonld")
    assert isomorphic(Graph().parse(data=jsonld.text(), format="json-ld"), own)
    screenshot(page, "intervention-shifting-boundaries")


def test_compare_two_interventions(page, base_url, dataset) -> None:
    graph = dataset.graph()
    a, b = INTERVENTION + "restorative-justice", INTERVENTION + "shifting-boundaries"
    page.goto(base_url + "compare.html")
    page.select_option("#compare-a", "restorative-justice")
    page.select_option("#compare-b", "shifting-boundaries")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url("**/compare/restorative-justice--shifting-boundaries.html")
    assert page.locator("h1").inner_text() == "restorative justice and Shifting Boundaries compared"
    headers = page.locator("table.comparison thead th").all_inner_texts()
    assert headers == ["Facet", "restorative justice", "Shifting Boundaries"]
    for prop, key in ((CSG.worksInContext, "csg:worksInContext"), (CSG.intendedFor, "csg:intendedFor")):
        shared = set(graph.objects(URIRef(a), prop)) & set(graph.objects(URIRef(b), prop))
        row = page.locator(f"tr[data-facet='{key}']")
        cells = row.locator("td")
        for column in (0, 1):
            names = cells.nth(column).locator("li.shared a").all_inner_texts()
            assert sorted(names) == sorted(label(graph, str(v)) for v in shared), key
    screenshot(page, "compare-restorative-justice-shifting-boundaries")


def test_compare_refuses_the_same_intervention_twice(page, base_url) -> None:
    page.goto(base_url + "compare.html")
    page.select_option("#compare-a", "restorative-justice")
    page.select_option("#compare-b", "restorative-justice")
    page.get_by_role("button", name="Compare").click()
    assert page.locator("#compare-error").inner_text() == "Choose two different interventions."
    assert page.url.endswith("/compare.html")


def test_keyboard_reaches_the_skip_link_and_the_filters(page, base_url) -> None:
    page.goto(base_url + "index.html")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")  # the fold of the filter panel, open on a wide screen
    assert page.evaluate("document.activeElement.textContent") == "Filter the interventions"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "filter-context"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused control must show a visible focus outline"


# -- on a phone ---------------------------------------------------------------------------------


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """A fresh page the size of a phone held upright (390 x 844 CSS pixels)."""
    yield from fresh_page(browser, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)


def fits_the_screen(page: Any) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_on_a_phone_the_home_page_shows_an_intervention_without_scrolling(phone, base_url) -> None:
    phone.goto(base_url + "index.html")
    assert fits_the_screen(phone)
    assert phone.evaluate("document.getElementById('filter-details').open") is False
    first = phone.locator("#intervention-list > li .card-title").first.bounding_box()
    assert first is not None and first["y"] + first["height"] <= 844, first
    phone.get_by_text("Filter the interventions").click()
    phone.select_option("#filter-context", "school")
    assert "school" in phone.url
    screenshot(phone, "phone-home")


def test_on_a_phone_a_filtered_address_opens_with_the_filters_shown(phone, base_url) -> None:
    phone.goto(base_url + "index.html?context=school")
    assert phone.evaluate("document.getElementById('filter-details').open") is True
    assert phone.locator("#filter-context").input_value() == "school"


def test_on_a_phone_compare_shows_both_choices_whole(phone, base_url) -> None:
    phone.goto(base_url + "compare.html")
    assert fits_the_screen(phone)
    boxes = [phone.locator(f"#compare-{side}").bounding_box() for side in ("a", "b")]
    for box in boxes:
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    assert boxes[0]["width"] == boxes[1]["width"] > 300  # each select takes the whole line
    screenshot(phone, "phone-compare")


def test_on_a_phone_the_coverage_is_a_list_per_context(phone, base_url, site) -> None:
    phone.goto(base_url + "coverage.html")
    assert fits_the_screen(phone)
    assert not phone.locator("table.heatmap").is_visible()
    lists = phone.locator(".per-context section")
    contexts = phone.locator("table.heatmap thead th a").all_inner_texts()
    assert lists.locator("h2").all_inner_texts() == contexts
    # The lists link to the same cells as the table, with the same counts.
    pairs = "links => links.map(a => [a.getAttribute('href'), a.textContent])"
    cells = phone.eval_on_selector_all("table.heatmap td a", pairs)
    listed = phone.eval_on_selector_all(".per-context a[href^='coverage/']", pairs)
    assert sorted(listed) == sorted(cells) and cells
    screenshot(phone, "phone-coverage")


# -- accessibility -----------------------------------------------------------------------------

PAGES = (
    "index.html",
    "index.html?context=school&harm=sexual-harassment",
    "interventions/shifting-boundaries.html",
    "compare.html",
    "compare/restorative-justice--shifting-boundaries.html",
    "coverage.html",
    "coverage/school--sexual-harassment.html",
    "concepts/index.html",
    "concepts/harm/sexual-harassment.html",
    "queries/index.html",
    "queries/find-interventions.html",
    "data.html",
)


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.is_file():
        pytest.fail(
            f"axe-core is missing ({AXE}): install it with 'npm ci --prefix tests' "
            "(tests/package.json), as .ci/run does"
        )
    return AXE.read_text(encoding="utf-8")


def serious_problems(page: Any, axe_source: str) -> list[str]:
    """The serious and critical WCAG 2.1 AA and best-practice violations axe-core finds on ``page``."""
    page.add_script_tag(content=axe_source)
    results = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations'],"
        " runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
    )
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    return problems


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_accessibility_violations(page, base_url, axe_source, path) -> None:
    page.goto(base_url + path)
    problems = serious_problems(page, axe_source)
    name = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-")
    screenshot(page, f"axe-{name}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", ("index.html", "compare.html", "coverage.html"))
def test_no_serious_accessibility_violations_on_a_phone(phone, base_url, axe_source, path) -> None:
    phone.goto(base_url + path)
    problems = serious_problems(phone, axe_source)
    assert not problems, "\n".join(problems)


# -- the built files, without a browser ----------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        for name in ("href", "src"):
            value = values.get(name)
            if value and not re.match(r"^(https?:|data:|mailto:|#)", value):
                self.links.append(value)


def test_every_link_inside_the_site_resolves(site) -> None:
    broken = []
    for html in site.rglob("*.html"):
        parser = _Links()
        parser.feed(html.read_text(encoding="utf-8"))
        for link in parser.links:
            target = (html.parent / link.split("#")[0].split("?")[0]).resolve()
            if site.resolve() in target.parents and not target.exists():
                broken.append(f"{html.relative_to(site)} -> {link}")
    assert not broken, broken[:10]


def test_each_intervention_has_its_turtle_and_jsonld(site, dataset) -> None:
    graph = dataset.graph()
    interventions = {s for s in graph.subjects(None, None) if str(s).startswith(INTERVENTION)}
    for node in interventions:
        slug = str(node)[len(INTERVENTION) :]
        turtle = Graph().parse(site / "interventions" / f"{slug}.ttl", format="turtle")
        expected = Graph()
        for triple in graph.triples((node, None, None)):
            expected.add(triple)
        for claim in graph.subjects(URIRef(PREFIXES["rdf"] + "subject"), node):
            for triple in graph.triples((claim, None, None)):
                expected.add(triple)
        assert isomorphic(turtle, expected), slug
        jsonld = Graph().parse(site / "interventions" / f"{slug}.jsonld", format="json-ld")
        assert isomorphic(jsonld, expected), slug


def test_structured_data_cannot_close_its_script_element() -> None:
    from csgkg.publish.site.schema_org import script_json

    data = {"description": "a </script><script>alert(1)</script> and <!-- a comment"}
    text = script_json(data)
    assert "</" not in text and "<!--" not in text
    assert json.loads(text) == data


def test_embedded_structured_data_is_escaped(site) -> None:
    pattern = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
    for html in (site / "interventions").glob("*.html"):
        blocks = pattern.findall(html.read_text(encoding="utf-8"))
        assert len(blocks) == 1, html.name
        assert "</" not in blocks[0]
        assert json.loads(blocks[0])["@context"] == "https://schema.org"


def test_coverage_cells_agree_with_the_stored_query(site) -> None:
    import csgkg

    rows = csgkg.query("context-harm-matrix", root=DatasetRoot(REPO))
    for row in rows:
        context = str(row["context"]).rsplit("/", 1)[-1]
        harm = str(row["harm"]).rsplit("/", 1)[-1]
        page = site / "coverage" / f"{context}--{harm}.html"
        assert page.exists() == (row["interventions"] > 0), page.name
        if row["interventions"]:
            cards = page.read_text(encoding="utf-8").count('class="card-title"')
            assert cards == row["interventions"], page.name
