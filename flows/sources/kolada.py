"""Kolada (RKA) key figures: API answers, v2 (`next_page`) and v3 (`next_url`), with gender split and status.
Staging: stg_kolada__values."""

from __future__ import annotations

from pathlib import Path

import duckdb

from flows.sources import text
from flows.sources.base import Batch, Format, Sample, Source, sql_period

JSON = Format("kolada_json", "kolada", ".json", "Kolada API JSON", "kolada_values")
COLUMNS = ["kpi", "municipality", "period", "gender", "value", "status", "count"]

# The nested `values[].values[]` flattened to one row per KPI, municipality, year and gender; `value` null
# where Kolada publishes none, `status` and `count` as given.
READ_VALUES = """
select kpi, municipality, cast(period as varchar) as period, v.gender, cast(v.value as varchar) as value,
    v.status, cast(v.count as varchar) as count
from (
    select unnest("values", recursive := false) as r
    from read_json($path, format='auto', columns={'values': 'struct(kpi varchar, municipality varchar,
        period integer, "values" struct(gender varchar, value double, status varchar, count bigint)[])[]'})
) as o,
lateral (
    select o.r.kpi as kpi, o.r.municipality as municipality, o.r.period as period, unnest(o.r."values") as v
)
"""


def detect(sample: Sample) -> Format | None:
    doc = sample.document if sample.is_json else None
    values = doc.get("values") if isinstance(doc, dict) else None
    if isinstance(values, list) and (not values or (isinstance(values[0], dict) and "kpi" in values[0])):
        return JSON
    return None


def read(con: duckdb.DuckDBPyConnection, base_dir: Path, files: list[Path]) -> int:
    """raw.kolada_values from the given files (none: an empty table of its shape); its row count."""
    return text.create_from_files_or_empty(con, "kolada_values", files, base_dir, READ_VALUES, COLUMNS)


def load(con: duckdb.DuckDBPyConnection, batch: Batch) -> dict[str, int]:
    return {"kolada_values": read(con, batch.raw_dir, batch.files(JSON))}


SOURCE = Source(
    name="kolada",
    load=load,
    staging=("stg_kolada__values",),
    formats=(JSON,),
    detect=detect,
    period=sql_period("select count(*), min(period), max(period) from raw.kolada_values"),
    catalogue_kind="kolada",
    title_sv="Kolada (RKA), nyckeltal",
    how_to_get_sv=" (hämta med lagesbild fetch kolada)",
)
