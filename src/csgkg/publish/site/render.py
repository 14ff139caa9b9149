"""Render the catalogue's pages from the Jinja2 templates shipped in this package.

Every link is relative (``../concepts/harm/bullying.html``), so the site works from any folder
or base path, including straight from the disk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from markupsafe import Markup

from csgkg.core.namespaces import VOCAB, WD
from csgkg.publish.release.description import DISTRIBUTIONS
from csgkg.publish.release.records import COUNTRY_ROLES, ORGANISATION_ROLES, RELATIONS, Ref, curie
from csgkg.publish.release.version import TITLE, ReleaseInfo
from csgkg.publish.site.links import web_link
from csgkg.publish.site.model import SiteModel, pair_file

NAVIGATION: tuple[tuple[str, str], ...] = (
    ("index.html", "Interventions"),
    ("compare.html", "Compare"),
    ("coverage.html", "Coverage"),
    ("concepts/index.html", "Concepts"),
    ("queries/index.html", "Stored queries"),
    ("data.html", "Data"),
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def first_sentence(text: str) -> str:
    """The first sentence of ``text`` (all of it when it has one sentence)."""
    return _SENTENCE.split(text.strip(), maxsplit=1)[0] if text else ""


def query_body(text: str) -> str:
    """A stored query's SPARQL without the comment lines before its first and after its last
    line of SPARQL (the run hint and the expected answer, shown elsewhere on the page)."""
    lines = text.strip().splitlines()
    code = [n for n, line in enumerate(lines) if line.strip() and not line.lstrip().startswith("#")]
    return "\n".join(lines[code[0] : code[-1] + 1]) if code else text.strip()


def intervention_path(node: Any) -> str:
    """The page of an intervention, relative to the site's root."""
    return f"interventions/{node.iri.rstrip('/').rsplit('/', 1)[-1]}.html"


def concept_path(node: Any) -> str | None:
    """The page of a concept of a csgkg vocabulary, relative to the site's root, else None."""
    iri = node.iri
    if not iri.startswith(VOCAB):
        return None
    parts = iri[len(VOCAB) :].split("/")
    return f"concepts/{parts[0]}/{parts[1]}.html" if len(parts) == 2 and parts[1] else None


@dataclass
class Page:
    """A written page: its path in the site and its title."""

    path: str
    title: str


@dataclass
class SiteWriter:
    """Renders templates into ``out`` with the context every page shares."""

    out: Path
    model: SiteModel
    info: ReleaseInfo
    pages: list[Page] = field(default_factory=list)

    def __post_init__(self) -> None:
        from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

        templates = resources.files("csgkg.publish.site") / "templates"
        self.env = Environment(
            loader=FileSystemLoader(str(templates)),
            autoescape=select_autoescape(["html"]),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.filters["first_sentence"] = first_sentence
        self.env.filters["query_body"] = query_body
        self.env.globals.update(
            TITLE=TITLE,
            NAVIGATION=NAVIGATION,
            info=self.info,
            model=self.model,
            pair_file=pair_file,
            web_link=web_link,
            curie=curie,
            relations=RELATIONS,
            organisation_roles=ORGANISATION_ROLES,
            countries=COUNTRY_ROLES,
            distributions=DISTRIBUTIONS,
        )
        self.organisation_urls = self._organisation_urls()

    def _organisation_urls(self) -> dict[str, str]:
        from rdflib import URIRef

        from csgkg.core.namespaces import SCHEMA

        urls = {}
        for org in self.model.catalogue.organisations:
            objects = self.model.graph.objects(URIRef(org.iri), SCHEMA.url)
            found = sorted(link for link in (web_link(u) for u in objects) if link is not None)
            if found:
                urls[org.iri] = found[0]
        return urls

    def write(self, path: str, content: str | bytes) -> None:
        """Write a file of the site (``path`` relative to its root)."""
        target = self.out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")

    def render(self, path: str, template: str, title: str, **context: Any) -> None:
        """Render ``template`` to ``path``; links in it are made relative to ``path``."""
        base = "../" * path.count("/")

        def url(target: str | None) -> str | None:
            return None if target is None else base + target

        def href(ref: Ref) -> str | None:
            """Where a link to ``ref`` goes: its page in the site, or the web (http or https only)
            for organisations and countries."""
            if ref.iri in self.model.by_iri:
                return url(intervention_path(ref))
            page = concept_path(ref)
            if page is not None and ref.iri in self.model.catalogue.concept_by_iri:
                return url(page)
            if ref.iri in self.organisation_urls:
                return self.organisation_urls[ref.iri]
            if ref.iri.startswith(str(WD)):
                return web_link(ref.iri)
            return None

        html = self.env.get_template(template).render(
            base=base,
            page_path=path,
            title=title,
            url=url,
            href=href,
            intervention_url=lambda node: url(intervention_path(node)),
            concept_url=lambda node: url(concept_path(node)),
            **context,
        )
        self.write(path, html)
        self.pages.append(Page(path, title))

    def asset(self, name: str) -> None:
        """Copy a static file of the package into ``assets/``."""
        data = (resources.files("csgkg.publish.site") / "static" / name).read_bytes()
        self.write(f"assets/{name}", data)


def json_script(data: Any) -> Markup:
    """``data`` as JSON safe to embed in a ``<script>`` element (see :func:`.schema_org.script_json`)."""
    from csgkg.publish.site.schema_org import script_json

    return Markup(script_json(data))
