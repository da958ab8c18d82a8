"""Trygghetsmätning result tables: `;`-separated CSV with Swedish decimals, or Excel (title rows above the
header allowed): `omrade;omradestyp;ar;indikator;enhet;varde;antal_svarande` (`kommun` instead of `omrade`
also works), with or without respondent counts. Staging: stg_survey__results."""

from __future__ import annotations

from pathlib import Path

import duckdb

from flows.sources import excel, text
from flows.sources.base import Batch, Format, Sample, Source, sql_period

CSV = Format("survey_csv", "survey", ".csv", "Trygghetsmätning, resultattabell (CSV)", "survey_results")
XLSX = Format("survey_xlsx", "survey", ".xlsx", "Trygghetsmätning, resultattabell (xlsx)", "survey_results")
XLS = Format("survey_xls", "survey", ".xls", "Trygghetsmätning, resultattabell (xls)", "survey_results")

KEY_COLUMNS = {"ar", "indikator", "enhet", "varde"}
REQUIRED = [("ar",), ("indikator",), ("enhet",), ("varde",), ("omrade", "kommun")]
COLUMNS = [
    "omrade", "omradestyp", "kommun", "ar", "indikator", "enhet", "varde", "antal_svarande", "kalla_url", "anmarkning",
]  # fmt: skip


def detect(sample: Sample) -> Format | None:
    if sample.excel_kind:
        found = any(KEY_COLUMNS <= {c.lower() for c in cells} for cells in sample.excel_cells)
        return {"xls": XLS, "xlsx": XLSX}[sample.excel_kind] if found else None
    if sample.is_text and KEY_COLUMNS <= {c.lower() for c in sample.header}:
        return CSV
    return None


def read(con: duckdb.DuckDBPyConnection, base_dir: Path, files: list[Path], excel_files: list[Path] = ()) -> int:
    """raw.survey_results from CSV files and Excel workbooks (appended with the same columns); its rows."""
    rows = text.load_text_table(con, "survey_results", files, base_dir, ";", REQUIRED, COLUMNS)
    for path in excel_files:
        name = text.rel(path, base_dir)
        rows += text.append_frame(con, "survey_results", excel.excel_table(path, name, KEY_COLUMNS, {}), name)
    return rows


def load(con: duckdb.DuckDBPyConnection, batch: Batch) -> dict[str, int]:
    return {"survey_results": read(con, batch.raw_dir, batch.files(CSV), batch.files(XLSX, XLS))}


SOURCE = Source(
    name="survey",
    load=load,
    staging=("stg_survey__results",),
    formats=(CSV, XLSX, XLS),
    detect=detect,
    period=sql_period("select count(*), min(ar), max(ar) from raw.survey_results"),
    catalogue_kind="survey",
    title_sv="Trygghetsmätningen",
    how_to_get_sv=" (läs in trygghetsmätningens resultattabell med lagesbild ingest)",
)
