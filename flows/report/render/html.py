"""HTML: the overview (index.html), the law page (lag.html) and one page per priority area."""

from __future__ import annotations

from pathlib import Path

from flows.report import law
from flows.report.context import Overview
from flows.report.render.templates import render


def render_html(template: str, svgs: dict[str, str] | None = None, **context) -> str:
    return render(template, True, svgs, **context)


def write_pages(overview: Overview, out_dir: Path, svgs: dict[str, str]) -> None:
    (out_dir / "index.html").write_text(render_html("overview.html.j2", svgs, o=overview), encoding="utf-8")
    (out_dir / "lag.html").write_text(
        render_html("law.html.j2", svgs, o=overview, requirements=law.requirements(overview)), encoding="utf-8"
    )
    for area in overview.areas:
        (out_dir / f"{area.slug}.html").write_text(render_html("area.html.j2", svgs, a=area), encoding="utf-8")
