"""The yearly flow end to end on the bundled data, under one Prefect test server."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from pathlib import Path

import duckdb
import pytest

from flows import validate
from flows.config import load
from flows.landing import manifest
from flows.pipeline import stages

SOL = "bra/Databasfil_anmalda_brott_ar_demo.txt"


def _state(*dirs: Path) -> dict[str, str]:
    """Hash of every file below the given folders: curated tables and reports."""
    return {
        str(p): hashlib.sha256(p.read_bytes()).hexdigest() for d in dirs for p in sorted(d.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="module")
def published(prefect_harness, tmp_path_factory):
    from flows.pipeline.flow import yearly_lagesbild

    base = tmp_path_factory.mktemp("flow")
    settings = load(curated_dir=base / "curated", reports_dir=base / "reports")
    index = yearly_lagesbild(settings)
    return settings, index


def test_flow_writes_overview_six_areas_and_pdfs(published):
    settings, index = published
    assert index == settings.reports_dir / "malmo" / "2025" / "index.html"
    out = index.parent
    # overview, six areas, the law page, the source files, the accessibility statement
    assert len(list(out.glob("*.html"))) == 10
    pdfs = sorted(p.name for p in out.glob("*.pdf"))
    assert pdfs == [
        "drogforebyggande-insatser.pdf",
        "organiserad-brottslighet.pdf",
        "oversikt.pdf",
        "sammanfattning.pdf",
        "stod-till-brottsutsatta.pdf",
        "trygghet-offentlig-miljo-och-trafik.pdf",
        "unga-i-riskzon.pdf",
        "vald-i-nara-relationer.pdf",
    ]
    html = index.read_text(encoding="utf-8")
    assert "<h1>Lägesbild Malmö 2025</h1>" in html
    assert "59\u00a0355" in html  # BRÅ's real figure for Malmö 2025


def test_pdf_text_keeps_swedish_letters(published):
    settings, index = published
    pdf = index.parent / "trygghet-offentlig-miljo-och-trafik.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Trygghetsskapande åtgärder i offentlig miljö och trafiken" in text
    assert "Sida 1 av" in text
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in info


def _pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_the_summary_for_the_namnd_is_two_pages_naming_every_areas_levels(published, bundled_overview):
    from flows.report.render import sectiontables

    settings, index = published
    pdf = index.parent / "sammanfattning.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert re.search(r"^Pages:\s+([12])$", info, re.M) and "Tagged:          yes" in info
    text = _pdf_text(pdf)
    titles = [f"{a.number}. {a.title}: indikatorerna 2025" for a in bundled_overview.areas]
    starts = [text.index(t) for t in titles]
    assert starts == sorted(starts)
    ends = [*starts[1:], text.index("Säkerställda förändringar")]
    for area, start, end in zip(bundled_overview.areas, starts, ends, strict=True):
        rows = sectiontables.summary(area).rows
        shown = re.findall(r"\b(grönt|gult|rött)\s*$", text[start:end], re.M)
        assert sorted(shown) == sorted(r["level"] for r in rows if r["level"]) and rows, area.slug
    assert "Att tänka på" in text and "inte alla begångna brott" in text
    assert "Källor" in text and "BRÅ (Brottsförebyggande rådet)" in text


def test_every_pdf_shows_its_title_keeps_bookmarks_and_links_its_sources(published):
    settings, index = published
    for pdf in sorted(index.parent.glob("*.pdf")):
        raw = pdf.read_bytes()
        assert b"/DisplayDocTitle true" in raw and b"/Outlines" in raw and b"/Lang(sv-SE)" in raw, pdf.name
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        assert re.search(r"^Title:\s+Lägesbild Malmö 2025", info, re.M) or "Malmö 2025" in info, pdf.name
    area = (index.parent / "trygghet-offentlig-miljo-och-trafik.pdf").read_bytes()
    assert b"/URI(https://statistik.bra.se/" in area and b"/URI(https://polisen.se/api/events)" in area


def test_an_area_pdf_holds_what_its_page_holds(published):
    settings, index = published
    text = _pdf_text(index.parent / "trygghet-offentlig-miljo-och-trafik.pdf")
    html = (index.parent / "trygghet-offentlig-miljo-och-trafik.html").read_text(encoding="utf-8")
    for fact in ("Förslag till läge:", "Tid: veckodag, timme och månad", "95 % konfidensintervall", "svarande"):
        assert fact in text and fact.replace(" % ", "\u00a0% ") in html.replace("&nbsp;", "\u00a0"), fact
    assert re.search(r"januari\s+\d+", text)  # months by name in the Tid table


def test_every_mart_has_a_parquet_file_and_numbers_are_right(published):
    settings, _ = published
    with duckdb.connect(str(settings.db_path), read_only=True) as con:
        marts = {
            r[0]
            for r in con.execute("select table_name from duckdb_tables() where table_name like 'mart_%'").fetchall()
        }
        row = con.execute(
            "select reported_count, population, rate_per_100k from mart_crime_indicators_by_region_year "
            "where indicator_id = 'ALL-01' and region_code = '1280' and year = 2025"
        ).fetchall()
        parquet = con.execute(
            "select count(*) from read_parquet($p)",
            {"p": str(settings.curated_dir / "mart_crime_indicators_by_region_year.parquet")},
        ).fetchall()
        rows = con.execute("select count(*) from mart_crime_indicators_by_region_year").fetchall()
    assert {p.stem for p in settings.curated_dir.glob("*.parquet")} == marts
    assert row == [(59355, 366774, 16183.0)]  # real: the count and BRÅ's rate per 100 000
    assert parquet == rows
    export = json.loads((settings.curated_dir / "behovsanalys_malmo_2025.json").read_text(encoding="utf-8"))
    assert {r["indicator_id"] for r in export["indicators"]} >= {"VNR-01", "TRG-S02", "DRG-01"}
    versions = list((settings.curated_dir / ".versions").iterdir())
    assert [v for v in versions if not (v / "COMPLETE").exists()] == []
    assert (settings.curated_dir / "current").resolve() in {v.resolve() for v in versions}


def test_a_failing_expectation_stops_publication(published, raw_copy):
    from flows.pipeline.flow import yearly_lagesbild

    settings, _ = published
    before = _state(settings.curated_dir, settings.reports_dir)
    sol = raw_copy / SOL
    lines = sol.read_text(encoding="latin-1").count("\n")
    with open(sol, "a", encoding="latin-1", newline="\n") as f:
        f.write("Malmö kommun;Testbrott;År;2025;-3;..;\n")
    manifest.record_synthetic(raw_copy, [SOL])

    bad = load(raw_dir=raw_copy, curated_dir=settings.curated_dir, reports_dir=settings.reports_dir)
    with pytest.raises(validate.ValidationFailed) as failed:
        yearly_lagesbild(bad)
    assert f"{SOL} line {lines + 1} value '-3'" in str(failed.value)
    assert _state(settings.curated_dir, settings.reports_dir) == before


def test_the_command_line_reports_a_failure_in_one_line(published, raw_copy):
    from typer.testing import CliRunner

    from flows.cli import app

    settings, _ = published
    before = _state(settings.curated_dir, settings.reports_dir)
    lines = (raw_copy / SOL).read_text(encoding="latin-1").count("\n")
    with open(raw_copy / SOL, "a", encoding="latin-1", newline="\n") as f:
        f.write("Malmö kommun;Testbrott;År;2025;12 3x;..;\n")
    manifest.record_synthetic(raw_copy, [SOL])
    args = ["run", "--no-pdf", "--raw-dir", str(raw_copy), "--curated-dir", str(settings.curated_dir)]
    result = CliRunner().invoke(app, [*args, "--reports-dir", str(settings.reports_dir)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("error: validation failed: stg_bra__reported_crime column count_text:")
    assert last.endswith(f"{SOL} line {lines + 1} value '12 3x'")
    assert _state(settings.curated_dir, settings.reports_dir) == before


def test_a_suppressed_cell_reads_the_same_in_html_pdf_csv_and_parquet(published):
    import csv
    import re

    import duckdb

    settings, index = published
    parquet = settings.curated_dir / "mart_police_events_by_district_year.parquet"
    cells = (
        duckdb.connect()
        .execute(
            f"select district_name, year, event_count, count_status from '{parquet}' where region_code = '1280' "
            "and year <= 2025 order by district_name, year"  # the report shows the years up to its own
        )
        .fetchall()
    )
    years = sorted({c[1] for c in cells})
    hidden = [c for c in cells if c[3] == "suppressed"]
    assert hidden and all(c[2] is None for c in hidden)  # Parquet: no number, the status says why
    district = hidden[0][0]
    expected = [
        ".." if c[3] == "suppressed" else "0" if c[3] == "zero" else str(c[2]) for c in cells if c[0] == district
    ]

    with open(index.parent / "data" / "geografi.csv", encoding="utf-8-sig", newline="") as f:
        rows = {r[0]: r[1:] for r in csv.reader(f, delimiter=";")}
    assert rows["Stadsdel"] == [str(y) for y in years]
    assert rows[district] == expected

    html = index.read_text(encoding="utf-8")
    row = re.search(rf'<tr><th scope="row">{re.escape(district)}</th>(.*?)</tr>', html).group(1)
    assert re.findall(r'<td class="n">(.*?)</td>', row) == expected

    pdf = subprocess.run(
        ["pdftotext", "-layout", str(index.parent / "oversikt.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    line = next(ln for ln in pdf.splitlines() if ln.strip().startswith(district + " "))
    assert line.split()[-len(years) :] == expected
    assert "Teckenförklaring: 0 = noll (inga fall), .. = dolt" in " ".join(pdf.split())


def _published_tables(settings) -> dict[str, list[str]]:
    with duckdb.connect(str(settings.db_path), read_only=True) as con:
        rows = con.execute(
            "select table_schema || '.' || table_name, column_name from information_schema.columns "
            "order by table_schema, table_name, ordinal_position"
        ).fetchall()
    tables: dict[str, list[str]] = {}
    for table, column in rows:
        tables.setdefault(table, []).append(column)
    return tables


def test_the_published_database_holds_marts_and_meta_tables_only(published):
    settings, _ = published
    tables = _published_tables(settings)
    names = {t.split(".", 1)[1] for t in tables}
    assert {t.split(".", 1)[0] for t in tables} == {"main"}  # no raw schema
    assert all(n.startswith(("mart_", "meta_")) for n in names) and "meta_validation_results" in names
    assert not [n for n in names if n.startswith(("stg_", "int_"))]
    assert {p.stem for p in settings.curated_dir.glob("*.parquet")} == {n for n in names if n.startswith("mart_")}
    private = stages.current_build(settings)  # the layers behind it stay in the private build
    with duckdb.connect(str(private), read_only=True) as con:
        assert con.execute(
            "select count(*) from duckdb_tables() where table_name like 'int\\_%' escape '\\'"
        ).fetchone()[0]
    assert not private.is_relative_to(settings.curated_dir)


def test_no_published_table_gives_a_suppressed_cell_away(published):
    settings, _ = published
    tables = _published_tables(settings)
    # no column tells which rule hid a cell (primary or secondary), nor the respondents of a hidden part
    flags = [(t, c) for t, cols in tables.items() for c in cols if "suppression" in c or c.startswith("is_primary")]
    assert flags == []
    with duckdb.connect(str(settings.db_path), read_only=True) as con:
        hidden = con.execute(
            "select region_code, district_name, year from mart_police_events_by_district_year "
            "where count_status = 'suppressed'"
        ).fetchall()
        assert hidden
        # 1. directly: no published table holds a count for a hidden district cell
        for table, columns in tables.items():
            if {"district_name", "year"} <= set(columns) and "police_events" not in table:
                with_count = con.execute(  # another table of districts: none of its rows names a hidden cell
                    f"select count(*) from {table} as t inner join mart_police_events_by_district_year as h "
                    "on h.district_name = t.district_name and h.year = t.year and h.count_status = 'suppressed'"
                ).fetchone()[0]
                assert with_count == 0, f"{table} has figures for a hidden district cell"
        # 2. by differencing a total: every year with a hidden cell has at least two, so a municipality's
        #    total minus the shown cells gives only a sum of hidden cells, never one of them
        per_year = con.execute(
            "select region_code, year, count(*) from mart_police_events_by_district_year "
            "where count_status = 'suppressed' group by all"
        ).fetchall()
        assert all(n >= 2 for _, _, n in per_year)
        # 3. the same for survey parts: hidden with their respondent count, never alone in their whole
        parts = con.execute(
            "select respondents, value, ci_low from mart_survey_indicators_by_area_year "
            "where value_status = 'suppressed'"
        ).fetchall()
        assert all(p == (None, None, None) for p in parts)
        lonely = con.execute(
            """
            select indicator_id, year, area_type, municipality_code, count(*) filter (where value_status = 'suppressed')
            from mart_survey_indicators_by_area_year where area_type = 'stadsdel'
            group by all having count(*) filter (where value_status = 'suppressed') = 1
            """
        ).fetchall()
        assert lonely == []
