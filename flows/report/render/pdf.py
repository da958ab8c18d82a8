"""PDF: the overview (oversikt.pdf), the two-page summary for a nämnd (sammanfattning.pdf) and one report per
priority area, written as Typst markup from the same context and tables as the HTML and compiled by Typst
(tagged PDF, bookmarks from the headings, fonts embedded, no network)."""

from __future__ import annotations

from pathlib import Path

import typst

from flows.report.context import Overview
from flows.report.render.tables import Collected
from flows.report.render.templates import render

SUMMARY_PDF = "sammanfattning.pdf"


def render_typst(template: str, svgs: dict[str, str] | None = None, sink: Collected | None = None, **context) -> str:
    return render(template, False, svgs, sink, **context)


def compile_pdf(source: str, out_path: Path, root: Path) -> None:
    typ_path = out_path.with_suffix(".typ")
    typ_path.write_text(source, encoding="utf-8")
    try:
        typst.compile(
            str(typ_path), output=str(out_path), root=str(root), ignore_system_fonts=True, pdf_standards=["ua-1"]
        )
    finally:
        typ_path.unlink(missing_ok=True)


def write_pdfs(overview: Overview, out_dir: Path, svgs: dict[str, str], sink: Collected | None = None) -> None:
    """The charts are read from out_dir/charts, where they were written before."""
    sink = Collected() if sink is None else sink
    compile_pdf(render_typst("overview.typ.j2", svgs, sink, o=overview), out_dir / "oversikt.pdf", out_dir)
    compile_pdf(render_typst("summary.typ.j2", svgs, sink, o=overview), out_dir / SUMMARY_PDF, out_dir)
    for area in overview.areas:
        compile_pdf(render_typst("area.typ.j2", svgs, sink, a=area), out_dir / f"{area.slug}.pdf", out_dir)
