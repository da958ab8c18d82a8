"""BRÅ's SOL export of anmälda brott: `Databasfil.txt` (yearly or monthly; ISO-8859-1, `;`, data rows end
with `;`) and SOL's Excel export of the same table (.xls, .xlsx). Staging: stg_bra__reported_crime."""

from __future__ import annotations

from pathlib import Path

import duckdb

from flows.sources import excel, text
from flows.sources.base import Batch, Format, IngestError, Sample, Source, sql_period

TEXT = Format("bra_sol_text", "bra", ".txt", "BRÅ SOL Databasfil (text)", "bra_sol")
XLSX = Format("bra_sol_xlsx", "bra", ".xlsx", "BRÅ SOL Excel export (xlsx)", "bra_sol")
XLS = Format("bra_sol_xls", "bra", ".xls", "BRÅ SOL Excel export (xls)", "bra_sol")

SOL_HEADER = "Region;Brott;År;Period;Antal;/100 000 inv"
SOL_NAMES = {"Region": "region", "Brott": "brott", "År": "ar", "Period": "period", "Antal": "antal"}
SOL_RATE = "per_100k"  # the last column, `/100 000 inv`
COLUMNS = [*SOL_NAMES.values(), SOL_RATE]
N_FIELDS = len(COLUMNS)

# Each line is read whole and split here, so that a short, long or cut-off line is reported with its line
# number; the fields are taken by the positions the file's header gives (bound as $pos_<column>).
READ_LINES = f"""
select {", ".join(f"fields[$pos_{c}] as {c}" for c in COLUMNS)},
    case when len(fields) <> {N_FIELDS + 1} or fields[{N_FIELDS + 1}] <> '' then len(fields) end
        as malformed_field_count
from (
    select string_split(line, ';') as fields
    from read_csv($path, delim='\\x01', header=false, skip=1, encoding=$encoding, quote='', escape='',
                  columns={{'line': 'varchar'}})
)
"""

PERIOD_SQL = """
select count(*), min(p), max(p) from (
    select case
        when trim(ar) = 'År' then regexp_extract(period, '(\\d{4})', 1)
        else regexp_extract(ar, '(\\d{4})', 1) || '-'
            || lpad(cast(list_position(
                ['Jan', 'Feb', 'Mar', 'Apr', 'Maj', 'Jun', 'Jul', 'Aug', 'Sep', 'Okt', 'Nov', 'Dec'], trim(period)
            ) as varchar), 2, '0')
    end as p
    from raw.bra_sol
)
"""


def detect(sample: Sample) -> Format | None:
    if sample.excel_kind:
        found = any(set(SOL_NAMES) <= cells for cells in sample.excel_cells)
        return {"xls": XLS, "xlsx": XLSX}[sample.excel_kind] if found else None
    return TEXT if sample.is_text and set(SOL_NAMES) <= set(sample.header) else None


def layout(path: Path, name: str) -> tuple[str, dict[str, int]]:
    """The file's encoding and the 1-based field position of each SOL column, read from its header."""
    encoding = text.sniff_encoding(path, name)
    header, first_row = text.first_lines(path, encoding, 2)
    if ";" not in header:
        found = next((d for d in (",", "\t", "|") if d in header), None)
        detail = f"it is {found!r}-separated" if found else f"found {header[:60]!r}"
        raise IngestError(f"{name}: line 1: expected a ';'-separated SOL header ({SOL_HEADER}); {detail}")
    names = [n.strip() for n in header.split(";")]
    positions = {SOL_NAMES[n]: i + 1 for i, n in enumerate(names) if n in SOL_NAMES}
    rate = [i + 1 for i, n in enumerate(names) if n.startswith("/") or n.lower().startswith("per ")]
    missing = [n for n, c in SOL_NAMES.items() if c not in positions] + ([] if rate else ["/100 000 inv"])
    extra = [n for i, n in enumerate(names) if n not in SOL_NAMES and i + 1 not in rate]
    if missing or extra:
        problems = [f"missing column(s) {', '.join(missing)}"] if missing else []
        problems += [f"unexpected column(s) {', '.join(repr(e) for e in extra)}"] if extra else []
        raise IngestError(f"{name}: line 1: {'; '.join(problems)}; a SOL Databasfil has {SOL_HEADER}")
    positions[SOL_RATE] = rate[0]
    if not first_row.strip():
        raise IngestError(f"{name}: has a header but no data rows")
    return encoding, positions


def read(con: duckdb.DuckDBPyConnection, base_dir: Path, files: list[Path], excel_files: list[Path] = ()) -> int:
    """raw.bra_sol from SOL text exports and Excel exports (appended with the same columns); its row count.

    Each text file is appended in one ordered scan, so that a row's position in the table is its line in the
    file: raw.bra_sol is a view that turns the row id into source_row (no window over millions of rows).
    """
    layouts = {path: layout(path, text.rel(path, base_dir)) for path in files}
    _drop_relation(con, "raw.bra_sol")
    columns = ", ".join(f"{c} varchar" for c in COLUMNS)
    con.execute(
        f"create or replace table raw.bra_sol_lines ({columns}, malformed_field_count bigint, source_file varchar, "
        "source_row integer)"
    )
    con.execute("create or replace table raw.bra_sol_files (source_file varchar, first_rowid bigint)")
    rows = 0
    for path in files:
        name = text.rel(path, base_dir)
        con.execute("insert into raw.bra_sol_files values ($name, $first)", {"name": name, "first": rows})
        encoding, positions = layouts[path]
        params = {"encoding": encoding} | {f"pos_{c}": p for c, p in positions.items()}
        rows += _insert_file(con, path, name, params)
    # Line 1 is the header: the first data row (its first row id) is line 2.
    con.execute(
        """
        create view raw.bra_sol as
        select lines.* exclude (source_row),
            coalesce(lines.source_row, cast(lines.rowid - files.first_rowid + 2 as integer)) as source_row
        from raw.bra_sol_lines as lines
        left join raw.bra_sol_files as files on files.source_file = lines.source_file
        """
    )
    _refuse_malformed(con)
    rate_names = {"/100 000 inv": SOL_RATE, "per 100 000 inv": SOL_RATE}
    for path in excel_files:
        name = text.rel(path, base_dir)
        frame = excel.excel_table(path, name, {n.lower() for n in SOL_NAMES}, SOL_NAMES | rate_names)
        rows += text.append_frame(con, "bra_sol_lines", frame, name)
    return rows


def _refuse_malformed(con: duckdb.DuckDBPyConnection) -> None:
    bad = con.execute(
        """
        select source_file, source_row, malformed_field_count from raw.bra_sol
        where malformed_field_count is not null
        order by source_file, source_row
        limit 3
        """
    ).fetchall()
    if bad:
        where = "; ".join(f"line {r[1]} has {r[2] - 1 if r[2] > N_FIELDS else r[2]} field(s)" for r in bad)
        raise IngestError(
            f"{bad[0][0]}: {where}; a SOL row has {N_FIELDS} fields ({SOL_HEADER}) and ends with ';' "
            "(a cut-off or re-saved file?)"
        )


def _drop_relation(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Drop a table or view of that name, whichever it is."""
    schema, table = name.split(".")
    kinds = con.execute(
        "select 'table' from duckdb_tables() where schema_name = $s and table_name = $t "
        "union all select 'view' from duckdb_views() where schema_name = $s and view_name = $t",
        {"s": schema, "t": table},
    ).fetchall()
    for (kind,) in kinds:
        con.execute(f"drop {kind} {name}")


def _insert_file(con: duckdb.DuckDBPyConnection, path: Path, name: str, params: dict) -> int:
    """Append one file's lines to raw.bra_sol_lines with its source_file; the row count."""
    try:
        return con.execute(
            f"insert into raw.bra_sol_lines by name select src.*, $rel as source_file from ({READ_LINES}) as src",
            {"path": str(path), "rel": name} | params,
        ).fetchone()[0]
    except duckdb.Error as exc:
        if "encoded" in str(exc):
            text.sniff_encoding(path, name, full=True)
        raise IngestError(f"{name}: cannot be read: {text.first_error_line(exc)}") from exc


def load(con: duckdb.DuckDBPyConnection, batch: Batch) -> dict[str, int]:
    return {"bra_sol": read(con, batch.raw_dir, batch.files(TEXT), batch.files(XLSX, XLS))}


SOURCE = Source(
    name="bra_sol",
    load=load,
    staging=("stg_bra__reported_crime",),
    formats=(TEXT, XLSX, XLS),
    detect=detect,
    period=sql_period(PERIOD_SQL),
    required="no BRÅ SOL exports under {folder}: the lägesbild needs anmälda brott per kategori",
    catalogue_kind="bra",
    title_sv="BRÅ, anmälda brott",
    how_to_get_sv=" (exportera från BRÅ:s SOL och läs in med lagesbild ingest)",
)
