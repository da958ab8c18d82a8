"""The renderers: one module per output of an edition folder. `render_all` draws the charts once and hands
them, with the context, to each: the HTML pages, the CSV of every table they show, and the PDFs (Typst)."""

from __future__ import annotations

import json
import time
from pathlib import Path

from flows.report import charts
from flows.report.context import Overview
from flows.report.render import html, pdf, site, tables


def render_all(overview: Overview, out_dir: Path, render_pdf: bool = True, contact: str = "") -> dict[str, float]:
    """Write the edition's pages, charts, data/*.csv and PDFs into out_dir; seconds per step."""
    timings = {}
    t0 = time.perf_counter()
    svgs = charts.draw(overview)
    (out_dir / "charts").mkdir(parents=True, exist_ok=True)
    for name, svg in svgs.items():
        (out_dir / name).write_text(svg, encoding="utf-8")
    timings["charts"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    sink = tables.Collected()
    html.write_pages(overview, out_dir, svgs, sink, contact)
    timings["html"] = time.perf_counter() - t0
    if render_pdf:
        t0 = time.perf_counter()
        pdf.write_pdfs(overview, out_dir, svgs, sink)
        timings["pdf"] = time.perf_counter() - t0
    sink.write(out_dir)
    if overview.measures:
        tables.write_measures_csv(overview.measures, out_dir / "atgardsplan.csv")
        tables.write_followup_csv(overview.measures, out_dir / "uppfoljning.csv")
    facts = json.dumps(site.edition_facts(overview), ensure_ascii=False, indent=1)
    (out_dir / site.EDITION_FILE).write_text(facts + "\n", encoding="utf-8")
    return timings
