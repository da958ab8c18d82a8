"""Polisen's events API answers (JSON arrays of published events) in both shapes: the municipality in
`location.name` (to 2025) or only as the last part of `name` (from 2026). A signal, not statistics.
Staging: stg_polisen__events."""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import duckdb

from flows.sources import text
from flows.sources.base import Batch, Format, IngestError, Sample, Source, sql_period

JSON = Format("polisen_events_json", "polisen", ".json", "Polisens händelse-API (JSON)", "polisen_events")
JSONL = Format(
    "polisen_events_jsonl",
    "polisen",
    ".jsonl.gz",
    "Polisens publicerade händelser, arkiv (JSON per rad, gzip)",
    "polisen_events",
)
COLUMNS = ["id", "datetime", "name", "summary", "url", "type", "location_name", "location_gps"]

READ_EVENTS = """
select cast(id as bigint) as id, datetime, name, summary, url, type,
    location.name as location_name, location.gps as location_gps
from read_json($path, format='array', columns={'id': 'bigint', 'datetime': 'varchar', 'name': 'varchar',
    'summary': 'varchar', 'url': 'varchar', 'type': 'varchar', 'location': 'struct(name varchar, gps varchar)'})
"""


READ_ARCHIVE = READ_EVENTS.replace("format='array'", "format='newline_delimited', compression='gzip'")
_EVENT_KEYS = {"datetime", "name"}


def _first_archived_event(head: bytes) -> dict | None:
    """The first line of a gzip-compressed archive of events, if it is one event object."""
    try:
        text = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 1 << 16).decode("utf-8", "replace")
        first = json.loads(text.split("\n", 1)[0])
    except (zlib.error, ValueError):
        return None
    return first if isinstance(first, dict) else None


def detect(sample: Sample) -> Format | None:
    if sample.head.startswith(b"\x1f\x8b"):
        first = _first_archived_event(sample.head)
        return JSONL if first and _EVENT_KEYS <= first.keys() else None
    doc = sample.document if sample.is_json else None
    if isinstance(doc, list) and doc and isinstance(doc[0], dict) and _EVENT_KEYS <= doc[0].keys():
        return JSON
    return None


def read(con: duckdb.DuckDBPyConnection, base_dir: Path, files: list[Path], archives: list[Path] = ()) -> int:
    """raw.polisen_events from API answers (JSON arrays) and archives (one event a line, gzip); its rows.
    An event in several files is one event (staging keeps its latest version)."""
    rows = text.create_from_files_or_empty(con, "polisen_events", files, base_dir, READ_EVENTS, COLUMNS)
    for path in archives:
        name = text.rel(path, base_dir)
        try:
            rows += con.execute(
                f"insert into raw.polisen_events by name select src.*, $rel as source_file, "
                f"cast(row_number() over () as integer) as source_row from ({READ_ARCHIVE}) as src",
                {"path": str(path), "rel": name},
            ).fetchone()[0]
        except duckdb.Error as exc:
            raise IngestError(f"{name}: cannot be read: {text.first_error_line(exc)}") from exc
    return rows


def load(con: duckdb.DuckDBPyConnection, batch: Batch) -> dict[str, int]:
    return {"polisen_events": read(con, batch.raw_dir, batch.files(JSON), batch.files(JSONL))}


SOURCE = Source(
    name="polisen",
    load=load,
    staging=("stg_polisen__events",),
    formats=(JSON, JSONL),
    detect=detect,
    period=sql_period("select count(*), min(left(datetime, 10)), max(left(datetime, 10)) from raw.polisen_events"),
    catalogue_kind="polisen",
    title_sv="Polisens publicerade händelser",
    how_to_get_sv=" (hämta med lagesbild fetch polisen)",
)
