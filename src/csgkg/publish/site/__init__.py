"""The static web catalogue in ``dist/site/``: interventions with filters, one page per
intervention (with its Turtle and JSON-LD), comparisons, the context x harm coverage matrix, a page
per concept and the stored queries. Built from Jinja2 templates; works without JavaScript, and
filters instantly with it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from csgkg.core.root import DatasetRoot

__all__ = ["SiteResult", "build_site"]

ASSETS = ("site.css", "catalogue.js")


@dataclass
class SiteResult:
    """What a site build wrote: the folder and the pages (paths relative to it)."""

    folder: Path
    pages: list[str] = field(default_factory=list)
    files: int = 0


def require_writable_site(root: DatasetRoot, out: Path | None = None) -> None:
    """Refuse (:class:`csgkg.core.root.PackagedRootError`) a site that would be written into the
    package's own copy of the dataset: ``out`` not given (``dist/site/``), or inside that copy."""
    if out is None or Path(out).resolve().is_relative_to(root.path):
        root.require_writable("csgkg site", "dist/site")


def build_site(root: DatasetRoot, graph: Graph | None = None, out: Path | None = None) -> SiteResult:
    """Write the catalogue of ``root``'s dataset (``graph``: its union graph, loaded when not given)
    into ``out`` (default ``dist/site/``), replacing what was there; return what was written.

    The site is written into a temporary folder first and then moved into place, so a failed
    build leaves the previous site as it was. Writing into the package's own copy of the dataset (no
    ``out``, or an ``out`` inside it) is refused (:meth:`DatasetRoot.require_writable`).
    """
    require_writable_site(root, out)
    from csgkg.io.serialise import load_context, to_jsonld, to_turtle
    from csgkg.publish.release.version import release_info
    from csgkg.publish.site.model import FILTER_FACETS, SiteModel
    from csgkg.publish.site.render import SiteWriter, concept_path, intervention_path, json_script
    from csgkg.publish.site.schema_org import intervention_jsonld

    if graph is None:
        from csgkg.io.parse import load_dataset

        graph = load_dataset(root).graph()
    out = Path(out) if out is not None else root.dist_dir / "site"
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        model = SiteModel(root, graph)
        info = release_info(graph)
        site = SiteWriter(staging, model, info)
        context = load_context(root.context_file)
        for name in ASSETS:
            site.asset(name)

        site.render("index.html", "index.html", "Interventions", filter_keys=FILTER_FACETS)
        for intervention in model.interventions:
            path = intervention_path(intervention)
            subgraph = model.subgraph(intervention)
            site.write(path.removesuffix(".html") + ".ttl", to_turtle(subgraph))
            site.write(path.removesuffix(".html") + ".jsonld", to_jsonld(subgraph, context))
            site.render(
                path,
                "intervention.html",
                intervention.label,
                intervention=intervention,
                similar=model.similar[intervention.iri],
                structured_data=json_script(intervention_jsonld(intervention, info)),
            )
        site.render("compare.html", "compare_index.html", "Compare two interventions")
        for comparison in model.comparisons:
            site.render(
                f"compare/{comparison.file}",
                "compare_pair.html",
                f"{comparison.a.label} and {comparison.b.label} compared",
                comparison=comparison,
            )
        contexts = model.catalogue.scheme_concepts(model.facet("context"))
        harms = model.catalogue.scheme_concepts(model.facet("harm"))
        site.render(
            "coverage.html", "coverage.html", "Coverage: contexts and harms", contexts=contexts, harms=harms
        )
        for context_concept in contexts:
            for harm in harms:
                matched = model.cell_interventions(context_concept, harm)
                if matched:
                    site.render(
                        f"coverage/{context_concept.slug}--{harm.slug}.html",
                        "coverage_cell.html",
                        f"{context_concept.label} and {harm.label}",
                        context_concept=context_concept,
                        harm=harm,
                        interventions=matched,
                    )
        site.render("concepts/index.html", "concepts_index.html", "Concepts")
        for concept in model.catalogue.concepts:
            page = concept_path(concept)
            if page is not None:
                direct, through = model.concept_interventions(concept)
                site.render(
                    page, "concept.html", concept.label, concept=concept, direct=direct, through=through
                )
        site.render("queries/index.html", "queries_index.html", "Stored queries")
        for example in model.examples:
            site.render(f"queries/{example.name}.html", "query.html", example.name, example=example)
        site.render("data.html", "data.html", "Download the data")

        result = SiteResult(out, [p.path for p in site.pages])
        result.files = sum(1 for p in staging.rglob("*") if p.is_file())
        os.chmod(staging, 0o755)
        _replace(out, staging)
        return result
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _replace(target: Path, staging: Path) -> None:
    """Move ``staging`` to ``target``, removing the old ``target``."""
    if target.exists():
        old = target.with_name(f".{target.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        target.rename(old)
        staging.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        staging.rename(target)
