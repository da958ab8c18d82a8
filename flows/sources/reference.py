"""Reference data: the municipality reference (reference/kommuner.csv: SCB code, name, county, BRÅ's region
id and label) and each municipality's districts (reference/<kommun>_delomraden.csv). Read from the raw
folder's own reference/, else the bundled one. Staging: stg_ref__municipalities, stg_ref__districts."""

from __future__ import annotations

import duckdb

from flows.sources import text
from flows.sources.base import Batch, Source

MUNICIPALITIES = [("municipality_code",), ("municipality_name",), ("bra_region_label",)]
DISTRICTS = [("name",), ("stadsdel",)]


def load(con: duckdb.DuckDBPyConnection, batch: Batch) -> dict[str, int]:
    base = batch.reference_dir.parent
    districts = sorted(batch.reference_dir.glob("*_delomraden.csv"))
    return {
        "districts": text.load_text_table(con, "districts", districts, base, ",", DISTRICTS, ["name", "stadsdel"]),
        "municipalities": text.load_text_table(
            con, "municipalities", [batch.reference_dir / "kommuner.csv"], base, ",", MUNICIPALITIES
        ),
    }


SOURCE = Source(name="reference", load=load, staging=("stg_ref__municipalities", "stg_ref__districts"))
