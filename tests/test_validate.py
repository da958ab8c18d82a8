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
    assert all(r.success for r in results)
    stored = bundled.execute("select count(*), count(*) filter (where success) from meta_validation_results").fetchall()
    assert stored == [(len(results), len(results))]


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
    assert failed[0].examples == ("polisen/events_malmo_2023_2026.json line 1 value None",)


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
