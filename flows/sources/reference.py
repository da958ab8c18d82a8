"""Reference data: the municipality reference (reference/kommuner.csv: SCB code, name, county, BRÅ's region
id and label), each municipality's districts (reference/<kommun>_delomraden.csv), the districts BRÅ's SOL
reports (reference/bra_districts.csv: SOL region id and label, municipality, district), and boundaries for
maps (reference/*.geojson: municipalities with their SCB code, districts with their SOL region id). Read
from the raw folder's own reference/, else the bundled one. Staging: stg_ref__municipalities,
stg_ref__districts, stg_ref__bra_districts, stg_ref__boundaries."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from flows.sources import text
from flows.sources.base import Batch, IngestError, Source

MUNICIPALITIES = [("municipality_code",), ("municipality_name",), ("bra_region_label",)]
DISTRICTS = [("name",), ("stadsdel",)]
BRA_DISTRICTS = [("bra_region_id",), ("bra_region_label",), ("municipality_code",), ("district_name",)]
BRA_DISTRICT_COLUMNS = ["bra_region_id", "bra_region_label", "municipality_code", "district_name", "first_year"]
# A boundary's own code: the SCB code of a municipality, or BRÅ's SOL region id of a district.
BOUNDARY_KEYS = {"kommun": "id", "lan": "l_id", "district": "bra_region_id"}


def boundary_rows(path: Path, name: str) -> list[tuple]:
    """The features of a GeoJSON file as rows: kind, code, name, county, geometry (GeoJSON text)."""
    try:
        features = json.loads(path.read_text(encoding="utf-8"))["features"]
    except (ValueError, KeyError) as exc:
        raise IngestError(f"{name}: not a GeoJSON FeatureCollection: {exc}") from exc
    rows = []
    for i, feature in enumerate(features, start=1):
        props = feature.get("properties") or {}
        kind = next((k for k, key in BOUNDARY_KEYS.items() if key in props), None)
        if kind is None:
            raise IngestError(f"{name}: feature {i} has none of {', '.join(BOUNDARY_KEYS.values())}")
        label = props.get("kom_namn") or props.get("name") or ""
        code = str(props[BOUNDARY_KEYS[kind]])
        rows.append((kind, code, label, props.get("lan_code"), json.dumps(feature["geometry"]), name, i))
    return rows


def _load_boundaries(con: duckdb.DuckDBPyConnection, folder: Path, base: Path) -> int:
    con.execute(
        "create or replace table raw.boundaries (kind varchar, code varchar, name varchar, county_code varchar, "
        "geometry varchar, source_file varchar, source_row integer)"
    )
    rows = [row for path in sorted(folder.glob("*.geojson")) for row in boundary_rows(path, text.rel(path, base))]
    if rows:
        con.executemany("insert into raw.boundaries values (?, ?, ?, ?, ?, ?, ?)", rows)
    return len(rows)


def load(con: duckdb.DuckDBPyConnection, batch: Batch) -> dict[str, int]:
    base = batch.reference_dir.parent
    districts = sorted(batch.reference_dir.glob("*_delomraden.csv"))
    bra_districts = [p for p in [batch.reference_dir / "bra_districts.csv"] if p.exists()]
    return {
        "districts": text.load_text_table(con, "districts", districts, base, ",", DISTRICTS, ["name", "stadsdel"]),
        "bra_districts": text.load_text_table(
            con, "bra_districts", bra_districts, base, ",", BRA_DISTRICTS, BRA_DISTRICT_COLUMNS
        ),
        "boundaries": _load_boundaries(con, batch.reference_dir, base),
        "municipalities": text.load_text_table(
            con, "municipalities", [batch.reference_dir / "kommuner.csv"], base, ",", MUNICIPALITIES
        ),
    }


SOURCE = Source(
    inputs=lambda batch: [batch.reference_dir],
    name="reference",
    load=load,
    staging=("stg_ref__municipalities", "stg_ref__districts", "stg_ref__bra_districts", "stg_ref__boundaries"),
)
