from __future__ import annotations

import subprocess

import pytest

from flows import db
from flows.config import load
from flows.report import analysis, build
from flows.report.render.html import render_html
from flows.report.render.pdf import compile_pdf, render_typst

TEXT = """---
author: Trygghetsanalytiker
written: 2026-03-15
cites:
  VNR-01: 19.6
  VNR-02: 15.0
---
## Utveckling

Anmälda grova kvinnofridskränkningar ligger **kvar** på samma nivå. <script>alert(1)</script>

Mörkertalet är stort.
"""


@pytest.fixture(scope="module")
def area(bundled_db, tmp_path_factory):
    folder = tmp_path_factory.mktemp("analysis")
    path = folder / "malmo" / "2025" / "vald-i-nara-relationer.md"
    path.parent.mkdir(parents=True)
    path.write_text(TEXT, encoding="utf-8")
    with db.connect(bundled_db, read_only=True) as con:
        overview = build.build_context(con, load(analysis_dir=folder), 2025)
    return next(a for a in overview.areas if a.area_id == "vald-nara-relationer"), overview


def test_cited_figures_that_changed_are_flagged(area):
    vnr, _ = area
    text = vnr.analysis
    assert (text.author, text.written) == ("Trygghetsanalytiker", "2026-03-15")
    assert text.cites == {"VNR-01": 19.6, "VNR-02": 15.0}
    assert text.stale == [{"indicator_id": "VNR-02", "cited": 15.0, "current": 13.4}]


def test_analysis_is_shown_as_text_in_html_and_pdf(area, tmp_path):
    vnr, overview = area
    html = render_html("area.html.j2", a=vnr)
    assert "<h2>Utveckling</h2>" in html and "<strong>kvar</strong>" in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "Texten kan vara inaktuell." in html and "VNR-02 15,0 (nu 13,4)" in html
    compile_pdf(render_typst("area.typ.j2", a=vnr), tmp_path / "a.pdf", tmp_path)  # no charts drawn: none shown
    text = subprocess.run(["pdftotext", str(tmp_path / "a.pdf"), "-"], capture_output=True, text=True).stdout
    assert "Mörkertalet är stort." in text and "Texten kan vara inaktuell." in text


def test_areas_without_a_text_say_where_it_belongs(area):
    _, overview = area
    drog = next(a for a in overview.areas if a.area_id == "drog")
    assert drog.analysis is None
    assert drog.analysis_path.endswith("malmo/2025/drogforebyggande-insatser.md")


def test_front_matter_must_be_yaml(tmp_path):
    path = tmp_path / "x.md"
    path.write_text("---\ncites: [unclosed\n---\ntext\n", encoding="utf-8")
    with pytest.raises(analysis.AnalysisError, match="front matter .* is not valid YAML"):
        analysis.load(path, {})
