"""BRÅ's SOL counts for a municipality's headline categories in a derived layout (one row per municipality,
year and category key): `kommun;period;key;count;per100k;preliminary`, the SCB code in `kommun`, BRÅ's rate
in `per100k`. The keys are BRÅ categories (`total` 5036, `person` 11086, `theft` 11095, `burglary` 11462,
`vandalism` 11099) and `drugs_weapons`, a sum of narkotikastrafflagen (11650) and vapenlagen (11708) made
by the table's publisher, not by BRÅ. Staging: stg_bra__municipality_categories."""

from __future__ import annotations

from pathlib import Path

import duckdb

from flows.sources import text
from flows.sources.base import Batch, Format, Sample, Source, sql_period

CSV = Format(
    "bra_kommun_categories_csv",
    "bra",
    ".csv",
    "BRÅ anmälda brott per kommun och huvudkategori (härledd tabell)",
    "bra_kommun_categories",
)
COLUMNS = ["kommun", "period", "key", "count", "per100k", "preliminary"]
REQUIRED = [(c,) for c in COLUMNS[:5]]


def detect(sample: Sample) -> Format | None:
    return CSV if sample.is_text and set(COLUMNS[:5]) <= set(sample.header) and ";" in sample.lines[0] else None


def read(con: duckdb.DuckDBPyConnection, base_dir: Path, files: list[Path]) -> int:
    """raw.bra_kommun_categories from the given files (none: an empty table of its shape); its row count."""
    return text.load_text_table(con, "bra_kommun_categories", files, base_dir, ";", REQUIRED, COLUMNS)


def load(con: duckdb.DuckDBPyConnection, batch: Batch) -> dict[str, int]:
    return {"bra_kommun_categories": read(con, batch.raw_dir, batch.files(CSV))}


SOURCE = Source(
    name="bra_categories",
    load=load,
    staging=("stg_bra__municipality_categories",),
    formats=(CSV,),
    detect=detect,
    period=sql_period("select count(*), min(period), max(period) from raw.bra_kommun_categories"),
    catalogue_kind="bra",
    title_sv="BRÅ, anmälda brott",
    how_to_get_sv=" (exportera från BRÅ:s SOL och läs in med lagesbild ingest)",
)
