"""SCB folkmängd 31 December: PxWeb CSV exports (ISO-8859-1, title line, `"1280 Malmö"`, one column per year),
the long `Kommun,År,Befolkning` CSV, and PxWebApi v2 JSON-stat2 answers (TAB638, BE0101N1). Staging:
stg_scb__population."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from flows.sources import text
from flows.sources.base import Batch, Format, IngestError, Sample, Source

if TYPE_CHECKING:
    import pandas as pd

LONG = Format("scb_long_csv", "scb", ".csv", "SCB folkmängd (Kommun,År,Befolkning)", "scb_population_long")
PXWEB = Format("scb_pxweb_csv", "scb", ".csv", "SCB PxWeb CSV export", "scb_population_pxweb")
JSONSTAT = Format("scb_jsonstat2", "scb", ".json", "SCB PxWebApi JSON-stat2", "scb_population_jsonstat")

LONG_COLUMNS = ["Kommun", "År", "Befolkning"]
PXWEB_EMPTY = ["region", "no_year"]  # an empty PxWeb table: its year columns are unknown
# Folkmängd by age, sex and marital status: parts of a group (children 0–17, women 18+) that the staging
# and intermediate models sum only when the group is complete; a part never counts as the total.
GROUP_DIMENSIONS = {"Alder": "age", "Kon": "sex", "Civilstand": "marital_status"}
JSONSTAT_COLUMNS = [
    "region_code",
    "region_label",
    "year",
    "contents_code",
    "value",
    "status",
    *GROUP_DIMENSIONS.values(),
]
READ_PXWEB = "select * from read_csv($path, header=true, skip=2, all_varchar=true, delim=',', encoding=$encoding)"
PERIOD_SQL = {
    LONG.name: 'select count(*), min("År"), max("År") from raw.scb_population_long',
    JSONSTAT.name: "select count(*), min(year), max(year) from raw.scb_population_jsonstat",
}


def detect(sample: Sample) -> Format | None:
    if sample.is_json:
        doc = sample.document
        return JSONSTAT if isinstance(doc, dict) and jsonstat_dataset(doc) is not None else None
    if not sample.is_text or not sample.lines:
        return None
    lines = sample.lines
    if set(LONG_COLUMNS) <= set(sample.header):
        return LONG
    if lines[0].startswith('"') and '","' not in lines[0] and len(lines) > 2 and lines[2].startswith('"region"'):
        return PXWEB
    return None


def jsonstat_dataset(doc: dict) -> dict | None:
    """The JSON-stat2 dataset in a document: the document itself or a fetch envelope's `response`."""
    for candidate in (doc, doc.get("response")):
        if isinstance(candidate, dict) and candidate.get("class") == "dataset" and "dimension" in candidate:
            return candidate
    return None


def read(
    con: duckdb.DuckDBPyConnection, base_dir: Path, long: list[Path], pxweb: list[Path], jsonstat: list[Path]
) -> dict[str, int]:
    """The three population tables; a shape with no files gets an empty table."""

    def pxweb_params(path: Path) -> dict:
        return {"encoding": text.sniff_encoding(path, text.rel(path, base_dir))}

    required = [(c,) for c in LONG_COLUMNS]
    counts = {
        "scb_population_long": text.load_text_table(
            con, "scb_population_long", long, base_dir, ",", required, LONG_COLUMNS
        ),
        "scb_population_pxweb": text.create_from_files(
            con, "scb_population_pxweb", pxweb, base_dir, READ_PXWEB, pxweb_params, header_lines=lambda _: 3
        )
        if pxweb
        else text.create_empty(con, "scb_population_pxweb", PXWEB_EMPTY),
        "scb_population_jsonstat": text.create_empty(con, "scb_population_jsonstat", JSONSTAT_COLUMNS),
    }
    for path in jsonstat:
        name = text.rel(path, base_dir)
        counts["scb_population_jsonstat"] += text.append_frame(
            con, "scb_population_jsonstat", jsonstat_population(path, name), name
        )
    return counts


def load(con: duckdb.DuckDBPyConnection, batch: Batch) -> dict[str, int]:
    return read(con, batch.raw_dir, batch.files(LONG), batch.files(PXWEB), batch.files(JSONSTAT))


def period(con: duckdb.DuckDBPyConnection, fmt: Format) -> tuple[int, str | None, str | None]:
    if fmt == PXWEB:  # one column per year
        years = sorted(c for c in con.table("raw.scb_population_pxweb").columns if c[:4].isdigit())
        rows = con.execute("select count(*) from raw.scb_population_pxweb").fetchone()[0]
        return rows, years[0] if years else None, years[-1] if years else None
    rows, first, last = con.execute(PERIOD_SQL[fmt.name]).fetchone()
    return rows, first, last


def jsonstat_population(path: Path, rel: str) -> pd.DataFrame:
    """A JSON-stat2 dataset (SCB PxWebApi v2, e.g. TAB638) as rows: region code and label, year, value, and
    age, sex and marital status where the answer is split by them (otherwise null: the total).

    The flat `value` array is in row-major order of `id`; each cell's index is unravelled into its category
    positions at once (no loop over cells). `source_row` is the cell's position in `value`, 1-based.
    """
    import numpy as np
    import pandas as pd

    doc = json.loads(path.read_bytes())
    data = jsonstat_dataset(doc)
    if data is None:
        raise IngestError(f"{rel}: not a JSON-stat2 dataset (no class 'dataset' with dimensions)")
    ids, sizes = data["id"], data["size"]
    missing = [d for d in ("Region", "Tid") if d not in ids]
    if missing:
        raise IngestError(f"{rel}: JSON-stat2 dataset lacks dimension(s) {', '.join(missing)} (has {', '.join(ids)})")
    split = [
        f"{d} ({n})"
        for d, n in zip(ids, sizes, strict=True)
        if d not in ("Region", "Tid", "ContentsCode", *GROUP_DIMENSIONS) and n > 1
    ]
    if split:
        raise IngestError(
            f"{rel}: the answer is split by {', '.join(split)}: lagesbild reads folkmängd in total or by "
            f"{', '.join(GROUP_DIMENSIONS)} only; fetch the table with those variables eliminated"
        )
    values = data["value"]
    if isinstance(values, dict):  # the sparse form: {"index": value}
        dense = [None] * int(np.prod(sizes))
        for key, v in values.items():
            dense[int(key)] = v
        values = dense
    total = int(np.prod(sizes))
    if len(values) != total:
        raise IngestError(f"{rel}: JSON-stat2 has {len(values)} values for dimension sizes {sizes} ({total} cells)")
    positions = np.unravel_index(np.arange(total), sizes)
    columns = {}
    for dim, pos in zip(ids, positions, strict=True):
        category = data["dimension"][dim]["category"]
        index = category.get("index")
        codes = sorted(index, key=index.get) if isinstance(index, dict) else list(index or category["label"])
        labels = category.get("label", {})
        columns[dim] = np.asarray(codes, dtype=object)[pos]
        columns[f"{dim}_label"] = np.asarray([labels.get(c, c) for c in codes], dtype=object)[pos]
    status = data.get("status") or {}
    frame = pd.DataFrame(
        {
            "region_code": columns["Region"],
            "region_label": columns["Region_label"],
            "year": columns["Tid"],
            "contents_code": columns.get("ContentsCode", np.full(total, None, dtype=object)),
            "value": pd.Series(values, dtype="Float64").astype("string").str.removesuffix(".0"),
            "status": pd.Series(range(total)).astype("string").map(status if isinstance(status, dict) else {}),
        }
        | {column: columns.get(dim, np.full(total, None, dtype=object)) for dim, column in GROUP_DIMENSIONS.items()},
        dtype="string",
    )
    frame["source_row"] = np.arange(1, total + 1, dtype="int32")
    return frame


SOURCE = Source(
    name="scb",
    load=load,
    staging=("stg_scb__population", "stg_scb__population_groups"),
    formats=(LONG, PXWEB, JSONSTAT),
    detect=detect,
    period=period,
    required="no population files under {folder}: rates per 100 000 need SCB folkmängd",
)
