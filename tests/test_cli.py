from __future__ import annotations

import pytest
from typer.testing import CliRunner

from flows import regions
from flows.cli import app
from flows.config import BUNDLED_RAW_DIR as RAW_DIR

runner = CliRunner()


def test_every_command_has_help():
    for command in ([], ["run"], ["sql"], ["generate"], ["ingest"], ["fetch"]):
        result = runner.invoke(app, [*command, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output


def test_unknown_municipality_is_one_clear_line():
    result = runner.invoke(app, ["run", "--kommun", "Malmoe"])
    assert result.exit_code == 1
    assert (
        result.stderr
        == "error: unknown municipality 'Malmoe' (give a name or a 4-digit SCB code); did you mean Malmö, Malå?\n"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Malmö", ("1280", "Malmö")),
        ("malmo", ("1280", "Malmö")),
        ("1480", ("1480", "Göteborg")),
        ("Lund kommun", ("1281", "Lund")),
    ],
)
def test_municipality_by_name_or_code(text, expected):
    assert regions.resolve(text, RAW_DIR) == expected


def test_sql_prints_csv(bundled_db):
    result = runner.invoke(
        app,
        [
            "sql",
            "select region_code, region_name from mart_regions where region_code in ('00', '1280') order by 1",
            "--db",
            str(bundled_db),
        ],
    )
    assert result.exit_code == 0
    assert result.stdout == "region_code,region_name\n00,Riket\n1280,Malmö\n"


def test_sql_error_is_one_line(bundled_db):
    result = runner.invoke(app, ["sql", "select * from no_such_table", "--db", str(bundled_db)])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: Catalog Error: Table with name no_such_table does not exist")
    assert result.stderr.count("\n") == 1


def test_sql_before_any_run(tmp_path):
    result = runner.invoke(app, ["sql", "select 1", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1
    assert "does not exist yet: run `lagesbild run` first" in result.stderr


def test_ingest_stores_what_it_can_and_names_what_it_cannot(tmp_path):
    from tests.conftest import DATA_DIR

    raw = tmp_path / "raw"
    good, bad = DATA_DIR / "sol_dbfil_manad.txt", DATA_DIR / "bad" / "truncated.txt"
    result = runner.invoke(app, ["ingest", str(good), str(bad), "--raw-dir", str(raw)])
    assert result.exit_code == 1
    assert result.stdout.startswith("bra/") and "BRÅ SOL Databasfil (text), 3 rows, 2025-01–2026-08" in result.stdout
    assert result.stderr.startswith("error: truncated.txt: line 4 has 2 field(s)")
    again = runner.invoke(app, ["ingest", str(good), "--raw-dir", str(raw)])
    assert again.exit_code == 0 and "already ingested, nothing changed" in again.stdout
    assert len(list((raw / "bra").iterdir())) == 1
