"""HTML: the pages of an edition (overview, one page per priority area, the law page, the source files and the
accessibility statement), each placed in the site (flows/report/render/site.py)."""

from __future__ import annotations

from pathlib import Path

from flows.report import law
from flows.report.context import Overview
from flows.report.render import site
from flows.report.render.tables import Collected
from flows.report.render.templates import render


def render_html(template: str, svgs: dict[str, str] | None = None, sink: Collected | None = None, **context) -> str:
    """A page; without a `site`, one that stands alone (no breadcrumb or page list)."""
    context.setdefault("site", site.Site(root="", crumbs=[]))
    return render(template, True, svgs, sink, **context)


def write_pages(
    overview: Overview, out_dir: Path, svgs: dict[str, str], sink: Collected, contact: str = ""
) -> list[Path]:
    """Every page of the edition; the tables they show are collected in `sink`."""

    def page(name: str, template: str, **context) -> Path:
        placed = site.for_page(overview, name, contact)
        path = out_dir / name
        path.write_text(render_html(template, svgs, sink, site=placed, **context), encoding="utf-8")
        return path

    written = [page("index.html", "overview.html.j2", o=overview)]
    written += [page(f"{a.slug}.html", "area.html.j2", a=a) for a in overview.areas]
    written.append(page(site.LAW_PAGE, "law.html.j2", o=overview, requirements=law.requirements(overview)))
    written.append(page(site.SOURCES_PAGE, "sources.html.j2", o=overview))
    written.append(page(site.ACCESSIBILITY_PAGE, "accessibility.html.j2", o=overview))
    return written
