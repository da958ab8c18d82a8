"""BRÅ's yearly municipality CSV from bra.se (totals only): UTF-8 with BOM, CRLF, `Kommun;Antal;Per 100 000
inv.` (the 2021 file has no header and names like `Ale kommun`), a space possibly as thousands separator.
Staging: stg_bra__municipality_totals."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from flows.sources import text
from flows.sources.base import Batch, Format, IngestError, Sample, Source, sql_period

CSV = Format("bra_kommun_csv", "bra", ".csv", "BRÅ anmälda brott per kommun (årlig CSV)", "bra_kommun_totals")
COLUMNS = ["kommun", "antal", "per_100k", "year"]
_ROW = re.compile(r"^[^;0-9][^;]*;\s*-?[\d  ]+\s*;\s*[\d  .,]*\s*;?$")

READ_ROWS = """
select trim(f[1]) as kommun, trim(f[2]) as antal, trim(f[3]) as per_100k, $year as year,
    case when len(f) not in (3, 4) or (len(f) = 4 and f[4] <> '') then len(f) end as malformed_field_count
from (
    select string_split(line, ';') as f
    from read_csv($path, delim='\\x01', header=false, skip=$skip, encoding=$encoding, quote='', escape='',
                  columns={'line': 'varchar'})
)
"""


def detect(sample: Sample) -> Format | None:
    lines = sample.lines
    if not sample.is_text or not lines:
        return None
    if lines[0].startswith("Kommun;Antal") or (len(lines) > 1 and all(_ROW.match(line) for line in lines[:-1] if line)):
        return CSV
    return None


def year_in_name(name: str) -> int | None:
    """A plausible statistics year in a file name (`anmalda-brott-kommuner-2024.csv` → 2024), if exactly one."""
    found = {int(y) for y in re.findall(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)", name)}
    return found.pop() if len(found) == 1 else None


def read(con: duckdb.DuckDBPyConnection, base_dir: Path, files: list[Path], years: dict[str, int] | None = None) -> int:
    """raw.bra_kommun_totals; its row count. The file itself holds no year: it comes from the load log
    (`lagesbild ingest --year`, or the year in the original file name), else from a year in the stored name."""
    if not files:
        return text.create_empty(con, "bra_kommun_totals", COLUMNS)
    years = years or {}
    layouts = {}  # path: (year, encoding, whether line 1 is a header)
    for path in files:
        name = text.rel(path, base_dir)
        year = years.get(name) or year_in_name(path.name)
        if year is None:
            raise IngestError(
                f"{name}: BRÅ's municipality CSV holds no year and its name has none; "
                "add it with `lagesbild ingest --year YYYY`"
            )
        encoding = text.sniff_encoding(path, name)
        has_header = text.first_lines(path, encoding)[0].lower().startswith("kommun;")
        layouts[path] = (int(year), encoding, has_header)

    def params(path: Path) -> dict:
        year, encoding, has_header = layouts[path]
        return {"year": str(year), "encoding": encoding, "skip": int(has_header)}

    rows = text.create_from_files(
        con, "bra_kommun_totals", files, base_dir, READ_ROWS, params, header_lines=lambda p: int(layouts[p][2])
    )
    bad = con.execute(
        "select source_file, source_row, malformed_field_count from raw.bra_kommun_totals "
        "where malformed_field_count is not null order by source_file, source_row limit 1"
    ).fetchone()
    if bad:
        raise IngestError(
            f"{bad[0]}: line {bad[1]} has {bad[2]} field(s); "
            "a row of BRÅ's municipality CSV is Kommun;Antal;Per 100 000 inv."
        )
    con.execute("alter table raw.bra_kommun_totals drop column malformed_field_count")
    return rows


def load(con: duckdb.DuckDBPyConnection, batch: Batch) -> dict[str, int]:
    return {"bra_kommun_totals": read(con, batch.raw_dir, batch.files(CSV), batch.years)}


SOURCE = Source(
    name="bra_kommun",
    load=load,
    staging=("stg_bra__municipality_totals",),
    formats=(CSV,),
    detect=detect,
    period=sql_period("select count(*), min(year), max(year) from raw.bra_kommun_totals"),
    catalogue_kind="bra",
    title_sv="BRÅ, anmälda brott",
    how_to_get_sv=" (exportera från BRÅ:s SOL och läs in med lagesbild ingest)",
)
