"""The renderers: one module per output of a report folder. `render_all` draws the charts once and hands
them, with the context, to each: HTML pages, the district table as CSV, and the PDFs (Typst)."""

from __future__ import annotations

import time
from pathlib import Path

from flows.report import charts
from flows.report.context import Overview
from flows.report.render import html, pdf, tables


def render_all(overview: Overview, out_dir: Path, render_pdf: bool = True) -> dict[str, float]:
    """Write index.html, lag.html, <area>.html, the charts, geografi.csv and the PDFs into out_dir; seconds per step."""
    timings = {}
    t0 = time.perf_counter()
    svgs = charts.draw(overview)
    (out_dir / "charts").mkdir(parents=True, exist_ok=True)
    for name, svg in svgs.items():
        (out_dir / name).write_text(svg, encoding="utf-8")
    timings["charts"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    html.write_pages(overview, out_dir, svgs)
    timings["html"] = time.perf_counter() - t0
    if overview.geography:
        tables.write_geography_csv(overview.geography, out_dir / "geografi.csv")
    if overview.measures:
        tables.write_measures_csv(overview.measures, out_dir / "atgardsplan.csv")
        tables.write_followup_csv(overview.measures, out_dir / "uppfoljning.csv")
    if render_pdf:
        t0 = time.perf_counter()
        pdf.write_pdfs(overview, out_dir, svgs)
        timings["pdf"] = time.perf_counter() - t0
    return timings
