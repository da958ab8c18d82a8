"""The static site under reports/out/: a start page listing every municipality and year built, a page per
municipality listing its editions, and per edition its pages (overview, six areas, the law page, the source
files, the accessibility statement). Every link is relative, so the site works from file:// and from any
static host.

    reports/out/index.html                 start page (rewritten after every edition)
    reports/out/malmo/index.html           Malmö's editions (rewritten after every edition)
    reports/out/malmo/2025/                one edition, published whole (flows/pipeline/publish.py)
    reports/out/malmo/2025/utgava.json     what the start pages say about it

An edition is never touched by another: a new year adds a folder beside the others, and only the two
listing pages are rewritten (each atomically).
"""

from __future__ import annotations

import functools
import json
import os
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from flows.regions import slugify
from flows.report.render.templates import render

EDITION_FILE = "utgava.json"
LAW_PAGE, SOURCES_PAGE, ACCESSIBILITY_PAGE = "lag.html", "kallor.html", "tillganglighet.html"


@dataclass(frozen=True)
class Site:
    """Where a page sits: the way back to the start page, the breadcrumb, the edition's pages and footer."""

    root: str  # the relative path to reports/out/
    crumbs: list[tuple[str, str]]  # (label, href); no href: the current page
    pages: list[tuple[str, str]] = field(default_factory=list)  # the edition's pages: (file, label)
    current: str = ""
    footer: list[tuple[str, str]] = field(default_factory=list)
    needs: str = ""  # the behovsanalys files' stem, in the edition folder
    contact: str = ""  # where to report an accessibility problem


def edition_pages(overview) -> list[tuple[str, str]]:
    return [
        ("index.html", "Översikt"),
        *((f"{a.slug}.html", f"{a.number}. {a.title}") for a in overview.areas),
        (LAW_PAGE, "Lagens krav"),
        (SOURCES_PAGE, "Källfiler"),
        (ACCESSIBILITY_PAGE, "Om tillgänglighet"),
    ]


def for_page(overview, current: str, contact: str = "") -> Site:
    """The site around one page of an edition (`current`: its file name)."""
    pages = edition_pages(overview)
    label = dict(pages)[current]
    crumbs = [("Lägesbilder", "../../index.html"), (overview.municipality, "../index.html")]
    crumbs += [(str(overview.year), "" if current == "index.html" else "index.html")]
    if current != "index.html":
        crumbs.append((label, ""))
    footer = [
        ("Om tillgänglighet", ACCESSIBILITY_PAGE),
        (f"Alla lägesbilder för {overview.municipality}", "../index.html"),
    ]
    return Site(
        root="../../",
        crumbs=crumbs,
        pages=pages,
        current=current,
        footer=footer,
        needs=needs_stem(overview),
        contact=contact,
    )


def needs_stem(overview) -> str:
    return f"behovsanalys_{slugify(overview.municipality)}_{overview.year}"


def edition_facts(overview) -> dict:
    """What the listing pages say about an edition (utgava.json)."""
    levels = [i.level for a in overview.areas for i in [*a.crime, *a.survey] if i.level]
    return {
        "municipality": overview.municipality,
        "municipality_code": overview.municipality_code,
        "year": overview.year,
        "generated": overview.generated,
        "levels": {name: levels.count(name) for name in ("rött", "gult", "grönt")},
        "has_synthetic": overview.has_synthetic,
    }


def editions(reports_dir: Path) -> dict[str, list[dict]]:
    """Every published edition by municipality folder, newest year first (folders without utgava.json are
    editions from before the site and are listed by their year alone)."""
    found: dict[str, list[dict]] = {}
    if not reports_dir.is_dir():
        return found
    for folder in sorted(p for p in reports_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for edition in folder.iterdir():
            if not (edition.name.isdigit() and (edition / "index.html").exists()):
                continue
            facts_file = edition / EDITION_FILE
            facts = json.loads(facts_file.read_text(encoding="utf-8")) if facts_file.exists() else {}
            facts.setdefault("municipality", folder.name.capitalize())
            found.setdefault(folder.name, []).append(facts | {"year": int(edition.name)})
        if folder.name in found:
            found[folder.name].sort(key=lambda e: -e["year"])
    return found


def _replace(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_listings(reports_dir: Path) -> Path:
    """Rewrite the start page and each municipality's page of editions from what is published."""
    found = editions(reports_dir)
    reports_dir.mkdir(parents=True, exist_ok=True)
    start = Site(root="", crumbs=[("Lägesbilder", "")])
    _replace(reports_dir / "index.html", render("site.html.j2", True, None, site=start, found=found))
    for slug, listed in found.items():
        name = listed[0]["municipality"]
        here = Site(root="../", crumbs=[("Lägesbilder", "../index.html"), (name, "")])
        page = render("municipality.html.j2", True, None, site=here, municipality=name, listed=listed)
        _replace(reports_dir / slug / "index.html", page)
    return reports_dir / "index.html"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format, *args) -> None:  # noqa: A002 (the standard library's name)
        pass


def server(reports_dir: Path, port: int = 8000) -> ThreadingHTTPServer:
    """An HTTP server for the site on 127.0.0.1 only (port 0: any free port); call serve_forever()."""
    handler = functools.partial(_Quiet, directory=str(reports_dir))
    return ThreadingHTTPServer(("127.0.0.1", port), handler)
