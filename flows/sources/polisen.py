"""Polisen's events API answers (JSON arrays of published events) in both shapes: the municipality in
`location.name` (to 2025) or only as the last part of `name` (from 2026). A signal, not statistics.
Staging: stg_polisen__events."""

from __future__ import annotations

from pathlib import Path

import duckdb

from flows.sources import text
from flows.sources.base import Batch, Format, Sample, Source, sql_period

JSON = Format("polisen_events_json", "polisen", ".json", "Polisens händelse-API (JSON)", "polisen_events")
COLUMNS = ["id", "datetime", "name", "summary", "url", "type", "location_name", "location_gps"]

READ_EVENTS = """
select cast(id as bigint) as id, datetime, name, summary, url, type,
    location.name as location_name, location.gps as location_gps
from read_json($path, format='array', columns={'id': 'bigint', 'datetime': 'varchar', 'name': 'varchar',
    'summary': 'varchar', 'url': 'varchar', 'type': 'varchar', 'location': 'struct(name varchar, gps varchar)'})
"""


def detect(sample: Sample) -> Format | None:
    doc = sample.document if sample.is_json else None
    if isinstance(doc, list) and doc and isinstance(doc[0], dict) and {"datetime", "name"} <= doc[0].keys():
        return JSON
    return None


def read(con: duckdb.DuckDBPyConnection, base_dir: Path, files: list[Path]) -> int:
    """raw.polisen_events from the given files (none: an empty table of its shape); its row count."""
    return text.create_from_files_or_empty(con, "polisen_events", files, base_dir, READ_EVENTS, COLUMNS)


def load(con: duckdb.DuckDBPyConnection, batch: Batch) -> dict[str, int]:
    return {"polisen_events": read(con, batch.raw_dir, batch.files(JSON))}


SOURCE = Source(
    name="polisen",
    load=load,
    staging=("stg_polisen__events",),
    formats=(JSON,),
    detect=detect,
    period=sql_period("select count(*), min(left(datetime, 10)), max(left(datetime, 10)) from raw.polisen_events"),
    catalogue_kind="polisen",
    title_sv="Polisens publicerade händelser",
    how_to_get_sv=" (hämta med lagesbild fetch polisen)",
)
