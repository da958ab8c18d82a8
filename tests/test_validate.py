from __future__ import annotations

import json
import shutil

import pytest

from flows import db, validate
from flows.config import EXPECTATIONS_DIR


@pytest.fixture
def bundled(bundled_db, tmp_path):
    path = tmp_path / "copy.duckdb"
    shutil.copy(bundled_db, path)
    with db.connect(path) as con:
        yield con


def test_every_suite_passes_on_the_bundled_data(bundled):
    results = validate.validate_tables(bundled, validate.suites())
    assert len(results) == sum(
        len(json.loads(p.read_text(encoding="utf-8"))["expectations"]) for p in EXPECTATIONS_DIR.glob("*.json")
    )
    assert all(r.success for r in results if r.severity == "critical")
    # real figures trip two warnings, as they should: bostadsinbrott exists for the 167 municipalities of the
    # real table only, and a few real series jump (Sigtuna's narcotics and weapons offences 2024, for one)
    warned = {(r.table, r.column) for r in results if not r.success}
    assert warned == {
        ("mart_crime_indicators_by_region_year", "is_complete_year"),
        ("mart_crime_indicators_by_region_year", "year_on_year_ratio"),
    }
    stored = bundled.execute(
        "select count(*), count(*) filter (where not success) from meta_validation_results"
    ).fetchall()
    assert stored == [(len(results), 2)]


def test_a_critical_failure_names_file_line_and_value(bundled):
    bundled.execute(
        "update stg_bra__reported_crime set reported_count = -5 "
        "where source_file = 'bra/Databasfil_anmalda_brott_ar_demo.txt' and source_row = 10"
    )
    with pytest.raises(validate.ValidationFailed) as failed:
        validate.validate_tables(bundled, ["stg_bra__reported_crime"])
    message = str(failed.value)
    assert message.startswith("validation failed: stg_bra__reported_crime column reported_count:")
    assert "expect_column_values_to_be_between failed for 1 row(s)" in message
    assert "bra/Databasfil_anmalda_brott_ar_demo.txt line 10 value -5" in message


def test_conflicting_duplicates_fail_the_key_check(bundled):
    bundled.execute(
        "insert into stg_bra__reported_crime select * replace (reported_count + 1 as reported_count, "
        "source_row + 100000 as source_row) from stg_bra__reported_crime "
        "where region_label = 'Malmö kommun' and crime_label = 'Rån inkl. grovt' and year = 2025"
    )
    with pytest.raises(validate.ValidationFailed, match="expect_compound_columns_to_be_unique failed for 2 row"):
        validate.validate_tables(bundled, ["stg_bra__reported_crime"])


def test_a_warning_is_recorded_but_does_not_stop(bundled):
    bundled.execute("update stg_polisen__events set municipality_name = null where event_id = 410910")
    results = validate.validate_tables(bundled, ["stg_polisen__events"])
    failed = [r for r in results if not r.success]
    assert [(r.severity, r.column, r.unexpected_count) for r in failed] == [("warning", "municipality_name", 1)]
    assert failed[0].examples == ("polisen/polisen_events_sweden_2023-03_2026-08.jsonl.gz line 220 value None",)


def test_every_staging_and_mart_table_has_a_suite():
    models = {m.name for m in db.models() if m.layer in ("staging", "marts")}
    assert models == set(validate.suites())


def test_every_expectation_states_its_severity():
    for path in EXPECTATIONS_DIR.glob("*.json"):
        for expectation in json.loads(path.read_text(encoding="utf-8"))["expectations"]:
            assert expectation["meta"]["severity"] in ("critical", "warning"), path.name
            assert not expectation["meta"].get("quarantine") or expectation["meta"]["severity"] == "warning"


def test_quarantine_moves_rows_with_their_reason(bundled):
    bundled.execute("update stg_bra__reported_crime set region_label = 'Atlantis kommun' where source_row in (5, 6)")
    results = validate.validate_tables(bundled, ["stg_bra__reported_crime"])
    failed = [r for r in results if not r.success]
    assert [(r.severity, r.column, r.quarantined) for r in failed] == [("warning", "is_known_region", 2)]
    moved = bundled.execute(
        "select table_name, source_file, source_row, rule from meta_quarantine order by source_row"
    ).fetchall()
    assert moved == [
        ("stg_bra__reported_crime", "bra/Databasfil_anmalda_brott_ar_demo.txt", 5, "expect_column_values_to_be_in_set"),
        ("stg_bra__reported_crime", "bra/Databasfil_anmalda_brott_ar_demo.txt", 6, "expect_column_values_to_be_in_set"),
    ]
    left = bundled.execute("select count(*) from stg_bra__reported_crime where region_label = 'Atlantis kommun'")
    assert left.fetchall() == [(0,)]


def test_every_suite_is_a_valid_gx_suite():
    import great_expectations as gx

    for path in EXPECTATIONS_DIR.glob("*.json"):
        spec = json.loads(path.read_text(encoding="utf-8"))
        suite = gx.ExpectationSuite(name=spec["name"], expectations=spec["expectations"])
        assert len(suite.expectations) == len(spec["expectations"]), path.name


DEFECTS = {
    "stg_bra__reported_crime": [
        "update stg_bra__reported_crime set reported_count = -5, count_text = '-5' where source_row = 10",
        "update stg_bra__reported_crime set region_label = 'Atlantis kommun' where source_row in (20, 21)",
        "update stg_bra__reported_crime set year = 2099 where source_row = 30",
        "update stg_bra__reported_crime set month = 13 where source_row = 40",
        "insert into stg_bra__reported_crime select * replace (source_row + 500000 as source_row, "
        "reported_count + 1 as reported_count) from stg_bra__reported_crime where source_row = 50",
    ],
    "stg_survey__results": [
        "update stg_survey__results set value = 104.5 where source_row = 2 and source_file like '%demo%'",
        "update stg_survey__results set respondents = 0 where source_row = 3 and source_file like '%demo%'",
        "update stg_survey__results set value_text = '12 x' where source_row = 4 and source_file like '%demo%'",
    ],
    "mart_crime_indicators_by_region_year": [
        "update mart_crime_indicators_by_region_year set rate_per_100k = rate_per_100k + 1 "
        "where indicator_id = 'ALL-01' and region_code = '1280' and year = 2020",
        "delete from mart_crime_indicators_by_region_year where indicator_id = 'ALL-02' and region_code = '0114' "
        "and year = 2019",
        "update mart_crime_indicators_by_region_year set reported_count = reported_count * 5 "
        "where indicator_id = 'ALL-03' and region_code = '1280' and year = 2021",
    ],
    "mart_survey_indicators_by_area_year": [
        "update mart_survey_indicators_by_area_year set ci_low = ci_high + 1 where year = 2023",
    ],
}


@pytest.mark.parametrize("table", sorted(DEFECTS))
def test_sql_engine_agrees_with_gx(bundled, table):
    for statement in DEFECTS[table]:
        bundled.execute(statement)
    spec = json.loads(validate.suite_path(table).read_text(encoding="utf-8"))
    keys = [False] * len(spec["expectations"])
    ours = validate.sql.run(bundled, table, spec, keys)
    theirs = validate.gx.run(bundled, table, spec, keys)
    assert [(o.success, o.unexpected_count) for o in ours] == [(t.success, t.unexpected_count) for t in theirs]
    assert [o.examples for o in ours] == [t.examples for t in theirs]
    assert sum(not o.success for o in ours) >= len(DEFECTS[table]) - 1
