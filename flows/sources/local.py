"""The municipality's own yearly figures (e.g. shootings and explosions): `;`-separated, one row a year,
one column per measure. Staging: stg_local__measures."""

from __future__ import annotations

from pathlib import Path

import duckdb

from flows.sources import text
from flows.sources.base import Batch, Format, Sample, Source, sql_period

CSV = Format("local_csv", "local", ".csv", "Kommunens egna uppgifter (CSV)", "local_measures")
REQUIRED = [("kommun",), ("ar",)]
COLUMNS = ["kommun", "ar", "kalla_url", "no_measure"]  # an empty table still needs a column to unpivot


def detect(sample: Sample) -> Format | None:
    names = {c.lower() for c in sample.header} if sample.is_text else set()
    return CSV if "kommun" in names and "ar" in names else None


def read(con: duckdb.DuckDBPyConnection, base_dir: Path, files: list[Path]) -> int:
    """raw.local_measures from the given files (none: an empty table of its shape); its row count."""
    return text.load_text_table(con, "local_measures", files, base_dir, ";", REQUIRED, COLUMNS)


def load(con: duckdb.DuckDBPyConnection, batch: Batch) -> dict[str, int]:
    return {"local_measures": read(con, batch.raw_dir, batch.files(CSV))}


SOURCE = Source(
    name="local",
    load=load,
    staging=("stg_local__measures",),
    formats=(CSV,),
    detect=detect,
    period=sql_period("select count(*), min(ar), max(ar) from raw.local_measures"),
    catalogue_kind="local",
    title_sv="Kommunens egna uppgifter",
)
