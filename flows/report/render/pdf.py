"""PDF: the overview (oversikt.pdf) and one report per priority area, written as Typst markup from the same
context as the HTML and compiled by Typst (tagged PDF, fonts embedded, no network)."""

from __future__ import annotations

from pathlib import Path

import typst

from flows.report.context import Overview
from flows.report.render.templates import render


def render_typst(template: str, svgs: dict[str, str] | None = None, **context) -> str:
    return render(template, False, svgs, **context)


def compile_pdf(source: str, out_path: Path, root: Path) -> None:
    typ_path = out_path.with_suffix(".typ")
    typ_path.write_text(source, encoding="utf-8")
    try:
        typst.compile(str(typ_path), output=str(out_path), root=str(root), ignore_system_fonts=True)
    finally:
        typ_path.unlink(missing_ok=True)


def write_pdfs(overview: Overview, out_dir: Path, svgs: dict[str, str]) -> None:
    """The charts are read from out_dir/charts, where they were written before."""
    compile_pdf(render_typst("overview.typ.j2", svgs, o=overview), out_dir / "oversikt.pdf", out_dir)
    for area in overview.areas:
        compile_pdf(render_typst("area.typ.j2", svgs, a=area), out_dir / f"{area.slug}.pdf", out_dir)
