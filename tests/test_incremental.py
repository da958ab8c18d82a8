"""A changed file redoes only what depends on it: a report is rendered again only when what it reads of the
curated data (its digests in meta_table_digests) has changed."""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Iterator
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from flows import db
from flows.config import load
from flows.landing import ingest as landing
from flows.pipeline import recipe
from flows.report import build, marts


def differences(a: object, b: object, path: str = "context") -> Iterator[str]:
    """Where two report contexts differ (dataclasses, dicts, lists, frames and arrays compared by value)."""
    if dataclasses.is_dataclass(a) and type(a) is type(b):
        for f in dataclasses.fields(a):
            yield from differences(getattr(a, f.name), getattr(b, f.name), f"{path}.{f.name}")
    elif isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            yield f"{path}: keys {sorted(map(str, a.keys() ^ b.keys()))}"
        for k in a.keys() & b.keys():
            yield from differences(a[k], b[k], f"{path}[{k!r}]")
    elif isinstance(a, list | tuple) and isinstance(b, list | tuple):
        if len(a) != len(b):
            yield f"{path}: {len(a)} items against {len(b)}"
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            yield from differences(x, y, f"{path}[{i}]")
    elif isinstance(a, pd.DataFrame) or isinstance(b, pd.DataFrame):
        if not (isinstance(a, pd.DataFrame) and isinstance(b, pd.DataFrame) and a.equals(b)):
            yield path
    elif isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        if not np.array_equal(a, b, equal_nan=True):
            yield path
    elif isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return
    elif a != b:
        yield path


def _only_what_is_read(source: Path, code: str) -> duckdb.DuckDBPyConnection:
    """A database holding only what the render key says a report of `code` reads (flows/report/marts.py)."""
    con = duckdb.connect(":memory:")
    con.execute("attach $p as src (read_only)", {"p": str(source)})
    tables = con.execute(
        "select table_name from duckdb_tables() where database_name = 'src' and schema_name = 'main' "
        "and (starts_with(table_name, 'mart_') or starts_with(table_name, 'meta_'))"
    ).fetchall()
    for (table,) in tables:
        if table in marts.NOT_READ:
            continue
        column = marts.BY_MUNICIPALITY.get(table)
        where = f" where {column} = $m" if column else ""
        con.execute(
            f"create table main.{table} as select * from src.main.{table}{where}", {"m": code} if column else {}
        )
    con.execute("detach src")
    return con


def test_a_report_reads_only_what_its_render_key_is_made_of(bundled_db):
    full = {}
    for code in ("1280", "1281"):  # Malmö has a survey, local figures and measures; Lund has none of them
        settings = load(municipality_code=code)
        with db.connect(bundled_db, read_only=True) as con:
            full[code] = build.build_context(con, settings, 2025)
        with _only_what_is_read(bundled_db, code) as con:
            only = build.build_context(con, settings, 2025)
        assert list(differences(full[code], only)) == [], code
    # the comparison does see a difference: Malmö's report from Lund's rows has no survey and no measures
    with _only_what_is_read(bundled_db, "1281") as con:
        wrong = build.build_context(con, load(), 2025)
    found = list(differences(full["1280"], wrong))
    assert any(".survey" in d for d in found) and any(".measures" in d for d in found)


LUND_SURVEY = (
    "kommun;ar;indikator;enhet;varde;antal_svarande\n"
    "Lund;2024;otrygg ute sent på kvällen;procent;24,6;1210\n"
    "Lund;2025;otrygg ute sent på kvällen;procent;21,9;1187\n"
)


def test_a_changed_survey_file_renders_again_only_the_municipality_it_covers(small_raw_copy, tmp_path, caplog):
    settings = load(
        raw_dir=small_raw_copy,
        curated_dir=tmp_path / "curated",
        reports_dir=tmp_path / "reports",
        render_pdf=False,
        year=2025,
        batch=("1280", "1281"),
        workers=1,
    )
    recipe.run(settings)
    crime = (tmp_path / "curated" / "mart_crime_indicators_by_region_year.parquet").stat().st_ino
    editions = {slug: (tmp_path / "reports" / slug / "2025").resolve() for slug in ("malmo", "lund")}
    build_before = (tmp_path / "curated" / "current").resolve()

    survey = tmp_path / "trygghetsmatning_lund_2025.csv"
    survey.write_text(LUND_SURVEY, encoding="utf-8")
    landing.ingest_file(survey, small_raw_copy)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="flows.pipeline"):
        recipe.run(settings)

    assert (tmp_path / "curated" / "current").resolve() != build_before  # the data was built again
    # only what reads the survey and the manifest: the crime figures are neither loaded, run nor written again
    assert "sources: 2 of 12 run again (meta, survey), 10 unchanged" in caplog.text
    marts_line = next(line for line in caplog.text.splitlines() if "models intermediate+marts:" in line)
    assert "mart_survey_indicators_by_area_year" in marts_line and "mart_source_files_by_municipality" in marts_line
    assert "mart_crime_indicators_by_region_year" not in marts_line and "unchanged" in marts_line
    assert (tmp_path / "curated" / "mart_crime_indicators_by_region_year.parquet").stat().st_ino == crime
    now = {slug: (tmp_path / "reports" / slug / "2025").resolve() for slug in editions}
    assert now["malmo"] == editions["malmo"]  # Malmö's own survey files are unchanged
    assert now["lund"] != editions["lund"]
    assert "Malmö 2025: nothing the edition is made from has changed; it is kept" in caplog.text
    assert "Lund 2025: nothing" not in caplog.text
    lund = (now["lund"] / "trygghet-offentlig-miljo-och-trafik.html").read_text(encoding="utf-8")
    assert "Senaste mätningen 2025: 21,9" in lund and "konfidensintervall 19,6–24,3" in lund
    assert "trygghetsmatning_lund_2025.csv (2 rader, 2024–2025)" in lund
    with duckdb.connect(str(tmp_path / "curated" / "lagesbild.duckdb"), read_only=True) as con:
        behind = con.execute(
            "select municipality_code, count(*) from mart_source_files_by_municipality "
            "where original_name = 'trygghetsmatning_lund_2025.csv' group by all"
        ).fetchall()
    assert behind == [("1281", 1)]  # the file is behind Lund's report only
