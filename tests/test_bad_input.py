"""The bad-input corpus (tests/data/bad/): each defect gives one clear message naming file, line and value,
and changes nothing that was published; the inputs that must work, work."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from flows import db, validate
from flows.config import CATALOGUE_DIR, Settings, load
from flows.pipeline import recipe, stages
from flows.report import build
from flows.report import quality as report_quality
from flows.report.render.html import render_html
from flows.sources import IngestError
from tests.conftest import DATA_DIR

BAD = DATA_DIR / "bad"


def _state(*dirs: Path) -> dict[str, str]:
    return {
        str(p): hashlib.sha256(p.read_bytes()).hexdigest()
        for d in dirs
        for p in sorted(d.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


@pytest.fixture(scope="module")
def published(tmp_path_factory, small_raw) -> Settings:
    base = tmp_path_factory.mktemp("bad-input")
    settings = load(raw_dir=small_raw, curated_dir=base / "curated", reports_dir=base / "reports", render_pdf=False)
    recipe.run(settings)
    return settings


def _with(raw: Path, *names: str, folder: str = "bra") -> None:
    for name in names:
        shutil.copy(BAD / name, raw / folder / name)


def _fails(published: Settings, raw: Path, error: type[Exception]) -> str:
    before = _state(published.curated_dir, published.reports_dir)
    raw_before = _state(raw)
    bad = load(raw_dir=raw, curated_dir=published.curated_dir, reports_dir=published.reports_dir, render_pdf=False)
    with pytest.raises(error) as failed:
        recipe.run(bad)
    assert _state(published.curated_dir, published.reports_dir) == before
    assert _state(raw) == raw_before  # raw files are never modified
    return str(failed.value)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "cp1252_euro.txt",
            "bra/cp1252_euro.txt: line 2: byte 0x80 is not ISO-8859-1 text; the file looks like Windows-1252 (e.g. €)",
        ),
        ("comma_delimited.txt", "bra/comma_delimited.txt: line 1: expected a ';'-separated SOL header"),
        ("truncated.txt", "bra/truncated.txt: line 4 has 2 field(s); a SOL row has 6 fields"),
        ("empty.txt", "bra/empty.txt: the file is empty"),
        ("header_only.txt", "bra/header_only.txt: has a header but no data rows"),
        ("missing_column.txt", "bra/missing_column.txt: line 1: missing column(s) Period; a SOL Databasfil has"),
        ("extra_column.txt", "bra/extra_column.txt: line 1: unexpected column(s) 'Kön'; a SOL Databasfil has"),
    ],
)
def test_unreadable_files_are_refused(published, small_raw_copy, name, message):
    _with(small_raw_copy, name)
    assert message in _fails(published, small_raw_copy, IngestError)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "negative_count.txt",
            "column count_text: expect_column_values_to_match_regex failed for 1 row(s): "
            "bra/negative_count.txt line 2 value '-3'",
        ),
        ("non_numeric_count.txt", "bra/non_numeric_count.txt line 2 value '12 3x'"),
        ("decimal_comma_count.txt", "bra/decimal_comma_count.txt line 2 value '12,5'"),
        (
            "conflicting_duplicates.txt",
            "expect_compound_columns_to_be_unique failed for 2 row(s): "
            "bra/conflicting_duplicates.txt line 2 key (region_label='Malmö kommun', crime_label='Testbrott', "
            "period_type='year', year=2024, is_preliminary=False)",
        ),
        (
            "year_out_of_range.txt",
            "column is_year_not_future: expect_column_values_to_be_in_set failed for 1 row(s): "
            "bra/year_out_of_range.txt line 2 value False",
        ),
    ],
)
def test_bad_values_stop_publication(published, small_raw_copy, name, message):
    _with(small_raw_copy, name)
    assert message in _fails(published, small_raw_copy, validate.ValidationFailed)


def test_a_survey_file_without_values_is_refused(published, small_raw_copy):
    _with(small_raw_copy, "survey_missing_column.csv", folder="survey")
    message = _fails(published, small_raw_copy, IngestError)
    assert message == "survey/survey_missing_column.csv: line 1: missing column(s) varde"


def test_survey_percentage_over_100_stops_publication(published, small_raw_copy):
    _with(small_raw_copy, "survey_percent_over_100.csv", folder="survey")
    message = _fails(published, small_raw_copy, validate.ValidationFailed)
    assert "stg_survey__results column value: expect_column_values_to_be_between failed for 1 row(s): " in message
    assert "survey/survey_percent_over_100.csv line 2 value 104.5" in message


def _built(raw: Path, tmp_path: Path, catalogue: Path = CATALOGUE_DIR, marts: bool = True):
    """Build and validate a new version without publishing it; only staging (+ intermediate) unless marts."""
    settings = load(raw_dir=raw, curated_dir=tmp_path / "curated", catalogue_dir=catalogue, render_pdf=False)
    if marts:
        return db.connect(recipe.build(settings), read_only=True)
    db_path = stages.start_build(settings)
    stages.load_raw_files(db_path, settings)
    stages.build_layer(db_path, ("staging",), settings)
    stages.validate_layer(db_path, "stg_", settings)
    stages.build_layer(db_path, ("intermediate",), settings)
    return db.connect(db_path, read_only=True)


def _testbrott(con) -> list[tuple]:
    return con.execute(
        "select region_code, year, reported_count, is_preliminary from int_crime_counts_by_region_year "
        "where crime_label = 'Testbrott' order by year"
    ).fetchall()


@pytest.mark.parametrize(
    "name", ["utf16.txt", "bom_utf8.txt", "utf8_no_bom.txt", "reordered_columns.txt", "exact_duplicates.txt"]
)
def test_other_encodings_orders_and_exact_duplicates_work(small_raw_copy, tmp_path, name):
    _with(small_raw_copy, name)
    with _built(small_raw_copy, tmp_path, marts=False) as con:
        rows = _testbrott(con)
    expected = [("1280", 2025, 130, False)]
    if name != "reordered_columns.txt":
        expected.insert(0, ("1280", 2024, 120, False))
    assert rows == expected


def test_final_figures_replace_preliminary_ones(small_raw_copy, tmp_path):
    _with(small_raw_copy, "prel_2025.txt")
    with _built(small_raw_copy, tmp_path, marts=False) as con:
        assert _testbrott(con) == [("1280", 2025, 128, True)]
    _with(small_raw_copy, "final_2025.txt")
    with _built(small_raw_copy, tmp_path / "again", marts=False) as con:
        assert _testbrott(con) == [("1280", 2025, 130, False)]


def test_unknown_municipality_is_quarantined(small_raw_copy, tmp_path):
    _with(small_raw_copy, "unknown_municipality.txt")
    with _built(small_raw_copy, tmp_path, marts=False) as con:
        assert _testbrott(con) == [("1280", 2025, 130, False)]
        quarantined = con.execute("select table_name, source_file, source_row, rule from meta_quarantine").fetchall()
        quality = report_quality.data_quality(con)
    assert quarantined == [
        ("stg_bra__reported_crime", "bra/unknown_municipality.txt", 2, "expect_column_values_to_be_in_set")
    ]
    assert quality.quarantined[0]["rows"] == "bra/unknown_municipality.txt rad 2"
    assert [(c["table_name"], c["severity_sv"]) for c in quality.failed] == [("stg_bra__reported_crime", "varning")]


def test_survey_row_with_no_respondents_is_quarantined(small_raw_copy, tmp_path):
    _with(small_raw_copy, "survey_n_zero.csv", folder="survey")
    with _built(small_raw_copy, tmp_path) as con:
        used = con.execute(
            "select count(*) from mart_survey_indicators_by_area_year where indicator_id = 'TRG-S01' and year = 2018"
        ).fetchall()
        quarantined = con.execute("select source_file, source_row, column_name from meta_quarantine").fetchall()
    assert used == [(0,)]
    assert quarantined == [("survey/survey_n_zero.csv", 2, "respondents")]


def test_script_in_a_label_is_shown_as_text(small_raw_copy, tmp_path):
    catalogue = tmp_path / "catalogue"
    shutil.copytree(CATALOGUE_DIR, catalogue)
    path = catalogue / "indicators.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("Anmälda brott mot narkotikastrafflagen,", "<script>alert(1)</script>,"), encoding="utf-8"
    )
    with _built(small_raw_copy, tmp_path, catalogue) as con:
        overview = build.build_context(con, load(catalogue_dir=catalogue), 2025)
    area = next(a for a in overview.areas if a.area_id == "drog")
    html = render_html("area.html.j2", a=area)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html


def test_a_path_in_a_municipality_name_is_refused():
    from typer.testing import CliRunner

    from flows.cli import app

    result = CliRunner().invoke(app, ["run", "--kommun", "../../etc"])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: unknown municipality '../../etc'")
