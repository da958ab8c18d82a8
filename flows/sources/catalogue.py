"""The indicator catalogue (data/catalogue/*.csv, versioned data): priority areas, indicators, their
components, the areas an indicator is also shown in, peers and the series-break register, as
raw.catalogue_<name>. Staging: stg_catalogue__*."""

from __future__ import annotations

import duckdb

from flows.sources import text
from flows.sources.base import Batch, Source

TABLES = {
    "areas": [("area_id",), ("area_number",), ("slug",), ("title_sv",), ("coverage",)],
    "indicators": [("indicator_id",), ("area_id",), ("title_sv",), ("source",), ("unit",)],
    "indicator_components": [("indicator_id",), ("component",)],
    "indicator_areas": [("indicator_id",), ("area_id",)],
    "peers": [("municipality_code",), ("peer_code",)],
    "series_breaks": [("indicator_id",), ("year",), ("description_sv",)],
}


def load(con: duckdb.DuckDBPyConnection, batch: Batch) -> dict[str, int]:
    folder = batch.catalogue_dir
    return {
        f"catalogue_{name}": text.load_text_table(
            con, f"catalogue_{name}", [folder / f"{name}.csv"], folder, ",", required
        )
        for name, required in TABLES.items()
    }


SOURCE = Source(
    inputs=lambda batch: [batch.catalogue_dir],
    name="catalogue",
    load=load,
    staging=tuple(f"stg_catalogue__{name}" for name in TABLES),
)
