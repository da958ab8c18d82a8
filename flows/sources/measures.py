"""The åtgärdsplan's register of measures, kept by the analysts as versioned data:
reports/atgardsplan/<kommun>/atgarder.csv (`;`, UTF-8): atgard_id, titel, ansvarig, omrade, indikatorer,
start, slut, forvantad_riktning, beskrivning. The folder names the municipality. Staging:
stg_measures__register."""

from __future__ import annotations

import duckdb

from flows.sources import text
from flows.sources.base import Batch, Source

COLUMNS = [
    "atgard_id",
    "titel",
    "ansvarig",
    "omrade",
    "indikatorer",
    "start",
    "slut",
    "forvantad_riktning",
    "beskrivning",
]
REQUIRED = [(c,) for c in COLUMNS]
REGISTER = "atgarder.csv"


def load(con: duckdb.DuckDBPyConnection, batch: Batch) -> dict[str, int]:
    folder = batch.plans_dir
    files = sorted(folder.glob(f"*/{REGISTER}")) if folder and folder.is_dir() else []
    base = folder.parent if folder else batch.raw_dir
    return {"measures": text.load_text_table(con, "measures", files, base, ";", REQUIRED, COLUMNS)}


SOURCE = Source(
    inputs=lambda batch: [batch.plans_dir] if batch.plans_dir else [],
    name="measures",
    load=load,
    staging=("stg_measures__register",),
)
