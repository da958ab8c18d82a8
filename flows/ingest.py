"""Load raw files, unchanged, into the `raw` schema of a DuckDB database.

Every raw table keeps `source_file` and `source_row` (the line number in the file) so that a failed check
can name the file and row. Values stay text here; the staging models in sql/staging cast them.
"""

from __future__ import annotations

import codecs
import logging
import re
from collections.abc import Callable
from pathlib import Path

import duckdb

from flows import formats, manifest
from flows.config import reference_dir
from flows.db import scalar
from flows.formats import IngestError

log = logging.getLogger(__name__)


SOL_HEADER = "Region;Brott;År;Period;Antal;/100 000 inv"
SOL_NAMES = {"Region": "region", "Brott": "brott", "År": "ar", "Period": "period", "Antal": "antal"}
SOL_RATE = "per_100k"  # the last column, `/100 000 inv`
BOM_UTF8 = b"\xef\xbb\xbf"
_C1 = re.compile(rb"[\x80-\x9f]")
_C1_BYTES = bytes(range(0x80, 0xA0))
_CHUNK = 1 << 22


def _files(raw_dir: Path, folder: str, pattern: str) -> list[Path]:
    return sorted((raw_dir / folder).glob(pattern))


def _rel(path: Path, raw_dir: Path) -> str:
    return path.relative_to(raw_dir).as_posix()


def sniff_encoding(path: Path, rel: str, full: bool = False) -> str:
    """The encoding DuckDB should read a text file with: `utf-8`, `utf-16` or `latin-1`.

    A UTF-8 or UTF-16 byte-order mark decides; otherwise text that is valid UTF-8 with non-ASCII bytes is
    UTF-8 and the rest ISO-8859-1. The quick look reads the first and last 4 MB; DuckDB itself refuses a
    "latin-1" file holding bytes 0x80–0x9F, and then `full=True` scans the whole file (in chunks, memory
    bounded) to name the line of the first such byte: only Windows-1252 uses them for text (€, „, –), and
    DuckDB cannot read that encoding.
    """
    size = path.stat().st_size
    if size == 0:
        raise IngestError(f"{rel}: the file is empty")
    with open(path, "rb") as f:
        head = f.read(_CHUNK)
        if head.startswith(BOM_UTF8):
            return "utf-8"
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            return "utf-16"
        if not full:
            chunks = [head]
            if size > _CHUNK:
                f.seek(max(_CHUNK, size - _CHUNK))
                tail = f.read()
                chunks.append(tail.lstrip(bytes(range(0x80, 0xC0))))  # start at a character boundary
            return "utf-8" if _is_utf8_text(chunks) else "latin-1"
        f.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        is_utf8, has_high, line, first_c1 = True, False, 1, None
        for chunk in iter(lambda: f.read(_CHUNK), b""):
            has_high = has_high or not chunk.isascii()
            if is_utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    is_utf8 = False
            if first_c1 is None and len(chunk.translate(None, _C1_BYTES)) != len(chunk):
                match = _C1.search(chunk)
                first_c1 = (line + chunk.count(b"\n", 0, match.start()), match.group()[0])
            line += chunk.count(b"\n")
    if is_utf8 and has_high:
        return "utf-8"
    if first_c1 and not is_utf8:
        raise IngestError(
            f"{rel}: line {first_c1[0]}: byte 0x{first_c1[1]:02X} is not ISO-8859-1 text; the file looks like "
            "Windows-1252 (e.g. €), which cannot be read: save it as UTF-8 or ISO-8859-1 and add it again"
        )
    return "latin-1"


def _is_utf8_text(chunks: list[bytes]) -> bool:
    if all(c.isascii() for c in chunks):
        return False
    for chunk in chunks:
        try:
            codecs.getincrementaldecoder("utf-8")().decode(chunk, final=False)
        except UnicodeDecodeError:
            return False
    return True


def _first_lines(path: Path, encoding: str, n: int = 1) -> list[str]:
    """The first n lines of a text file, decoded as DuckDB will read it (a byte-order mark removed)."""
    python_encoding = {"utf-16": "utf-16", "utf-8": "utf-8-sig"}.get(encoding, "latin-1")
    with open(path, encoding=python_encoding, errors="replace", newline="") as f:
        return [f.readline().rstrip("\r\n").lstrip("\ufeff") for _ in range(n)]


def _first_line(path: Path, encoding: str) -> str:
    return _first_lines(path, encoding)[0]


def _create_from_files(
    con: duckdb.DuckDBPyConnection,
    table: str,
    files: list[Path],
    base_dir: Path,
    select_sql: str | Callable[[Path], str],
    header_lines: int | Callable[[Path], int],
) -> int:
    """Create raw.<table> from files, matched by column name; source_row is the line number in the file.

    Each file is scanned on its own so that row_number() follows that file's line order. `select_sql` reads
    `$path`; it may be a function of the path (e.g. to set the file's encoding).
    """
    if not files:
        raise IngestError(f"no input files for raw.{table} under {base_dir}")
    sqls = [select_sql(path) if callable(select_sql) else select_sql for path in files]
    skips = [header_lines(path) if callable(header_lines) else header_lines for path in files]

    def part(i: int) -> str:
        sub = sqls[i].replace("$path", f"$path_{i}")
        return (
            f"select src.*, $rel_{i} as source_file, "
            f"cast(row_number() over () + {int(skips[i])} as integer) as source_row from ({sub}) as src"
        )

    params = {}
    for i, path in enumerate(files):
        params[f"path_{i}"], params[f"rel_{i}"] = str(path), _rel(path, base_dir)
    union = " union all by name ".join(part(i) for i in range(len(files)))
    try:
        con.execute(f"create or replace table raw.{table} as {union}", params)
    except duckdb.Error as exc:
        for i, path in enumerate(files):  # name the file that fails, and why if it is the encoding
            if "encoded" in str(exc):
                sniff_encoding(path, _rel(path, base_dir), full=True)
            try:
                con.execute(f"select count(*) from ({part(i)})", {f"path_{i}": str(path), f"rel_{i}": ""})
            except duckdb.Error as file_exc:
                raise IngestError(f"{_rel(path, base_dir)}: cannot be read: {_first(file_exc)}") from file_exc
        raise IngestError(f"raw.{table}: {_first(exc)}") from exc
    return scalar(con, f"select count(*) from raw.{table}")


def _first(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0]


def _sol_layout(path: Path, rel: str) -> tuple[str, dict[str, int]]:
    """The file's encoding and the 1-based field position of each SOL column, read from its header."""
    encoding = sniff_encoding(path, rel)
    header, first_row = _first_lines(path, encoding, 2)
    if ";" not in header:
        found = next((d for d in (",", "\t", "|") if d in header), None)
        detail = f"it is {found!r}-separated" if found else f"found {header[:60]!r}"
        raise IngestError(f"{rel}: line 1: expected a ';'-separated SOL header ({SOL_HEADER}); {detail}")
    names = [n.strip() for n in header.split(";")]
    positions = {SOL_NAMES[n]: i + 1 for i, n in enumerate(names) if n in SOL_NAMES}
    rate = [i + 1 for i, n in enumerate(names) if n.startswith("/") or n.lower().startswith("per ")]
    missing = [n for n, c in SOL_NAMES.items() if c not in positions] + ([] if rate else ["/100 000 inv"])
    extra = [n for i, n in enumerate(names) if n not in SOL_NAMES and i + 1 not in rate]
    if missing or extra:
        problems = [f"missing column(s) {', '.join(missing)}"] if missing else []
        problems += [f"unexpected column(s) {', '.join(repr(e) for e in extra)}"] if extra else []
        raise IngestError(f"{rel}: line 1: {'; '.join(problems)}; a SOL Databasfil has {SOL_HEADER}")
    positions[SOL_RATE] = rate[0]
    if not first_row.strip():
        raise IngestError(f"{rel}: has a header but no data rows")
    return encoding, positions


def load_bra_sol(
    con: duckdb.DuckDBPyConnection, raw_dir: Path, files: list[Path] | None = None, excel: list[Path] = ()
) -> int:
    """BRÅ SOL `Databasfil.txt` exports (yearly or monthly): ISO-8859-1, `;`, data rows end with `;`; and
    SOL's Excel export of the same table (.xls, .xlsx), appended with the same columns.

    Columns are found by name, so their order does not matter. Each text line is read whole and split in SQL,
    so that a short, long or cut-off line is reported with its file and line number.
    """
    files = _files(raw_dir, "bra", "*.txt") if files is None else files
    layouts = {path: _sol_layout(path, _rel(path, raw_dir)) for path in files}
    n_fields = len(SOL_NAMES) + 1

    def select_sql(path: Path) -> str:
        encoding, pos = layouts[path]
        fields = ", ".join(f"fields[{pos[c]}] as {c}" for c in [*SOL_NAMES.values(), SOL_RATE])
        malformed = f"len(fields) <> {n_fields + 1} or fields[{n_fields + 1}] <> ''"
        return (
            f"select {fields}, case when {malformed} then len(fields) end as malformed_field_count "
            "from (select string_split(line, ';') as fields from read_csv($path, delim='\\x01', header=false, "
            f"skip=1, encoding='{encoding}', quote='', escape='', columns={{'line': 'varchar'}}))"
        )

    # Each file is appended in one ordered scan, so a row's position in the table is its line in the file:
    # raw.bra_sol is a view that turns the row id into source_row (no window over millions of rows).
    _drop_relation(con, "raw.bra_sol")
    columns = ", ".join(f"{c} varchar" for c in [*SOL_NAMES.values(), SOL_RATE])
    con.execute(
        f"create or replace table raw.bra_sol_lines ({columns}, malformed_field_count bigint, source_file varchar, "
        "source_row integer)"
    )
    rows, starts = 0, []
    for path in files:
        rel = _rel(path, raw_dir)
        starts.append((rel, rows))
        rows += _insert_file(con, "bra_sol_lines", path, rel, select_sql(path))
    first_row = " ".join(f"when {_literal(rel)} then {start - 2}" for rel, start in starts)
    line = f"cast(rowid - case source_file {first_row} end as integer)" if starts else "null"
    con.execute(
        "create view raw.bra_sol as select * exclude (source_row), "
        f"coalesce(source_row, {line}) as source_row from raw.bra_sol_lines"
    )
    bad = con.execute(
        """
        select source_file, source_row, malformed_field_count from raw.bra_sol
        where malformed_field_count is not null
        order by source_file, source_row
        limit 3
        """
    ).fetchall()
    if bad:
        where = "; ".join(f"line {r[1]} has {r[2] - 1 if r[2] > n_fields else r[2]} field(s)" for r in bad)
        raise IngestError(
            f"{bad[0][0]}: {where}; a SOL row has {n_fields} fields ({SOL_HEADER}) and ends with ';' "
            "(a cut-off or re-saved file?)"
        )
    rate_names = {"/100 000 inv": SOL_RATE, "per 100 000 inv": SOL_RATE}
    for path in excel:
        frame = formats.excel_table(path, _rel(path, raw_dir), {n.lower() for n in SOL_NAMES}, SOL_NAMES | rate_names)
        rows += _append_frame(con, "bra_sol_lines", frame, _rel(path, raw_dir))
    return rows


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


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


def _insert_file(con: duckdb.DuckDBPyConnection, table: str, path: Path, rel: str, select_sql: str) -> int:
    """Append one file's rows (select_sql reads `$path`) to raw.<table> with its source_file; the row count."""
    try:
        return con.execute(
            f"insert into raw.{table} by name select src.*, $rel as source_file from ({select_sql}) as src",
            {"path": str(path), "rel": rel},
        ).fetchone()[0]
    except duckdb.Error as exc:
        if "encoded" in str(exc):
            sniff_encoding(path, rel, full=True)
        raise IngestError(f"{rel}: cannot be read: {_first(exc)}") from exc


RAW_COLUMNS = {
    "bra_sol": [*SOL_NAMES.values(), SOL_RATE],
    "bra_kommun_totals": ["kommun", "antal", "per_100k", "year"],
    "scb_population_long": ["Kommun", "År", "Befolkning"],
    "scb_population_pxweb": ["region", "no_year"],  # an empty PxWeb table: its year columns are unknown
    "scb_population_jsonstat": ["region_code", "region_label", "year", "contents_code", "value", "status"],
    "kolada_values": ["kpi", "municipality", "period", "gender", "value", "status", "count"],
    "survey_results": [
        "omrade",
        "omradestyp",
        "kommun",
        "ar",
        "indikator",
        "enhet",
        "varde",
        "antal_svarande",
        "kalla_url",
        "anmarkning",
    ],
    "polisen_events": ["id", "datetime", "name", "summary", "url", "type", "location_name", "location_gps"],
    "local_measures": ["kommun", "ar", "kalla_url", "no_measure"],  # unpivot needs a measure column
}


def _create_empty(con: duckdb.DuckDBPyConnection, table: str) -> int:
    """raw.<table> with no rows, in the shape its staging model reads (a source with no files yet)."""
    columns = ", ".join(f'"{c}" varchar' for c in RAW_COLUMNS[table])
    extra = ", malformed_field_count bigint" if table == "bra_sol" else ""
    con.execute(f"create or replace table raw.{table} ({columns}{extra}, source_file varchar, source_row integer)")
    return 0


def _append_frame(con: duckdb.DuckDBPyConnection, table: str, frame, rel: str) -> int:
    """Append rows read by Python (Excel, JSON-stat2) to raw.<table>, matched by column name."""
    frame = frame.assign(source_file=rel)
    unknown = set(frame.columns) - set(con.table(f"raw.{table}").columns)
    if unknown:
        raise IngestError(f"{rel}: unexpected column(s) {', '.join(sorted(map(repr, unknown)))}")
    con.register("_frame", frame)
    try:
        con.execute(f"insert into raw.{table} by name select * from _frame")
    finally:
        con.unregister("_frame")
    return len(frame)


REQUIRED = {
    "survey_results": [("ar",), ("indikator",), ("enhet",), ("varde",), ("omrade", "kommun")],
    "local_measures": [("kommun",), ("ar",)],
    "scb_population_long": [("Kommun",), ("År",), ("Befolkning",)],
    "municipalities": [("municipality_code",), ("municipality_name",), ("bra_region_label",)],
    "districts": [("name",), ("stadsdel",)],
    "catalogue_areas": [("area_id",), ("area_number",), ("slug",), ("title_sv",), ("coverage",)],
    "catalogue_indicators": [("indicator_id",), ("area_id",), ("title_sv",), ("source",), ("unit",)],
    "catalogue_indicator_components": [("indicator_id",), ("component",)],
    "catalogue_peers": [("municipality_code",), ("peer_code",)],
    "catalogue_series_breaks": [("indicator_id",), ("year",), ("description_sv",)],
}


def _check_header(path: Path, rel: str, encoding: str, delim: str, required: list[tuple[str, ...]]) -> None:
    header = _first_line(path, encoding)
    if delim not in header and len(required) > 1:
        found = next((d for d in (";", ",", "\t") if d != delim and d in header), None)
        detail = f"; it is {found!r}-separated" if found else ""
        raise IngestError(f"{rel}: line 1: expected a {delim!r}-separated header{detail}")
    names = {n.strip().strip('"') for n in header.split(delim)}
    missing = [" or ".join(options) for options in required if not names & set(options)]
    if missing:
        raise IngestError(f"{rel}: line 1: missing column(s) {', '.join(missing)}")


def _load_text_table(con: duckdb.DuckDBPyConnection, table: str, files: list[Path], base_dir: Path, delim: str) -> int:
    """A plain delimited text file with a header row, every column kept as text; required columns checked.
    No files: an empty table of the source's shape, if the source is optional (listed in RAW_COLUMNS)."""
    if not files and table in RAW_COLUMNS:
        return _create_empty(con, table)

    def select_sql(path: Path) -> str:
        rel = _rel(path, base_dir)
        encoding = sniff_encoding(path, rel)
        _check_header(path, rel, encoding, delim, REQUIRED.get(table, []))
        return f"select * from read_csv($path, header=true, all_varchar=true, delim='{delim}', encoding='{encoding}')"

    return _create_from_files(con, table, files, base_dir, select_sql, header_lines=1)


def load_population(con: duckdb.DuckDBPyConnection, raw_dir: Path, by_format: dict[str, list[Path]]) -> dict[str, int]:
    """SCB population: the long `Kommun,År,Befolkning` CSV, PxWeb CSV exports (title line, wide years) and
    PxWebApi JSON-stat2 answers."""
    long_files, pxweb_files = by_format.get("scb_long_csv", []), by_format.get("scb_pxweb_csv", [])
    jsonstat_files = by_format.get("scb_jsonstat2", [])

    def pxweb_sql(path: Path) -> str:
        encoding = sniff_encoding(path, _rel(path, raw_dir))
        return f"select * from read_csv($path, header=true, skip=2, all_varchar=true, delim=',', encoding='{encoding}')"

    counts = {
        "scb_population_long": _load_text_table(con, "scb_population_long", long_files, raw_dir, ","),
        "scb_population_pxweb": _create_from_files(
            con, "scb_population_pxweb", pxweb_files, raw_dir, pxweb_sql, header_lines=3
        )
        if pxweb_files
        else _create_empty(con, "scb_population_pxweb"),
    }
    counts["scb_population_jsonstat"] = _create_empty(con, "scb_population_jsonstat")
    for path in jsonstat_files:
        frame = formats.jsonstat_population(path, _rel(path, raw_dir))
        counts["scb_population_jsonstat"] += _append_frame(con, "scb_population_jsonstat", frame, _rel(path, raw_dir))
    return counts


def load_bra_totals(
    con: duckdb.DuckDBPyConnection, raw_dir: Path, files: list[Path], years: dict[str, int] | None = None
) -> int:
    """BRÅ's yearly municipality CSV (totals only): UTF-8 with BOM, CRLF, `Kommun;Antal;Per 100 000 inv.`
    (the 2021 file has no header and names like `Ale kommun`), a space possibly as thousands separator.

    The file itself holds no year: it comes from the load log (`lagesbild ingest --year`, or the year in the
    original file name), else from a year in the stored file's name.
    """
    if not files:
        return _create_empty(con, "bra_kommun_totals")
    years = years or {}
    layouts = {}  # path: (year, encoding, whether line 1 is a header)
    for path in files:
        rel = _rel(path, raw_dir)
        year = years.get(rel) or year_in_name(path.name)
        if year is None:
            raise IngestError(
                f"{rel}: BRÅ's municipality CSV holds no year and its name has none; "
                "add it with `lagesbild ingest --year YYYY`"
            )
        encoding = sniff_encoding(path, rel)
        layouts[path] = (int(year), encoding, _first_line(path, encoding).lower().startswith("kommun;"))

    def select_sql(path: Path) -> str:
        year, encoding, has_header = layouts[path]
        return (
            f"select trim(f[1]) as kommun, trim(f[2]) as antal, trim(f[3]) as per_100k, '{year}' as year, "
            "case when len(f) not in (3, 4) or (len(f) = 4 and f[4] <> '') then len(f) end as malformed_field_count "
            "from (select string_split(line, ';') as f from read_csv($path, delim='\\x01', header=false, "
            f"skip={int(has_header)}, encoding='{encoding}', quote='', escape='', columns={{'line': 'varchar'}}))"
        )

    def header_lines(path: Path) -> int:
        return int(layouts[path][2])

    rows = _create_from_files(con, "bra_kommun_totals", files, raw_dir, select_sql, header_lines=header_lines)
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


def year_in_name(name: str) -> int | None:
    """A plausible statistics year in a file name (`anmalda-brott-kommuner-2024.csv` → 2024), if exactly one."""
    found = {int(y) for y in re.findall(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)", name)}
    return found.pop() if len(found) == 1 else None


def load_kolada(con: duckdb.DuckDBPyConnection, raw_dir: Path, files: list[Path]) -> int:
    """Kolada data answers: the nested `values[].values[]` flattened to one row per KPI, municipality,
    year and gender; `value` null where Kolada publishes none, `status` and `count` as given."""
    if not files:
        return _create_empty(con, "kolada_values")
    select_sql = (
        "select kpi, municipality, cast(period as varchar) as period, v.gender, cast(v.value as varchar) as value, "
        "v.status, cast(v.count as varchar) as count "
        "from (select unnest(\"values\", recursive := false) as r from read_json($path, format='auto', "
        "columns={'values': 'struct(kpi varchar, municipality varchar, period integer, "
        '"values" struct(gender varchar, value double, status varchar, count bigint)[])[]\'})) as o, '
        "lateral (select o.r.kpi as kpi, o.r.municipality as municipality, o.r.period as period, "
        'unnest(o.r."values") as v)'
    )
    return _create_from_files(con, "kolada_values", files, raw_dir, select_sql, header_lines=0)


def load_survey(con: duckdb.DuckDBPyConnection, raw_dir: Path, files: list[Path], excel: list[Path] = ()) -> int:
    """Trygghetsmätning result tables: `;`-separated, Swedish decimals, with or without respondent counts;
    the same table as an Excel workbook (title rows above the header allowed)."""
    rows = _load_text_table(con, "survey_results", files, raw_dir, ";")
    for path in excel:
        frame = formats.excel_table(path, _rel(path, raw_dir), {"ar", "indikator", "enhet", "varde"}, {})
        rows += _append_frame(con, "survey_results", frame, _rel(path, raw_dir))
    return rows


def load_police_events(con: duckdb.DuckDBPyConnection, raw_dir: Path, files: list[Path]) -> int:
    """Polisen's events API answers (JSON arrays of events)."""
    if not files:
        return _create_empty(con, "polisen_events")
    select_sql = (
        "select cast(id as bigint) as id, datetime, name, summary, url, type, "
        "location.name as location_name, location.gps as location_gps "
        "from read_json($path, format='array', columns={'id': 'bigint', 'datetime': 'varchar', "
        "'name': 'varchar', 'summary': 'varchar', 'url': 'varchar', 'type': 'varchar', "
        "'location': 'struct(name varchar, gps varchar)'})"
    )
    return _create_from_files(con, "polisen_events", files, raw_dir, select_sql, header_lines=0)


def load_local(con: duckdb.DuckDBPyConnection, raw_dir: Path, files: list[Path]) -> int:
    """The municipality's own yearly figures (e.g. shootings and explosions): `;`-separated, one row a year."""
    return _load_text_table(con, "local_measures", files, raw_dir, ";")


def classify(raw_dir: Path) -> dict[str, list[Path]]:
    """Every file in the source folders (bra/, scb/, kolada/, polisen/, survey/, local/) by its format, as
    read from its content. A file matching no format is taken as its folder's usual format when it has
    that format's suffix, so that its reader names the defect; otherwise it is refused."""
    by_format: dict[str, list[Path]] = {}
    for folder in formats.SOURCE_FOLDERS:
        for path in _files(raw_dir, folder, "*"):
            if not path.is_file() or path.name.startswith(".") or path.name in manifest.DOCUMENTATION:
                continue
            found = formats.detect(path) if path.stat().st_size else None
            name = found.name if found else formats.FOLDER_DEFAULTS.get((folder, path.suffix.lower()))
            if name is None:
                raise IngestError(
                    f"{_rel(path, raw_dir)}: not a format lagesbild reads ({', '.join(formats.FORMATS)}); "
                    "move it out of data/raw or add it with `lagesbild ingest` to see why"
                )
            by_format.setdefault(name, []).append(path)
    return by_format


def load_reference(con: duckdb.DuckDBPyConnection, raw_dir: Path) -> int:
    """The municipality reference, and each municipality's districts (reference/<kommun>_delomraden.csv)."""
    base = reference_dir(raw_dir).parent
    districts = _files(base, "reference", "*_delomraden.csv")
    if districts:
        _load_text_table(con, "districts", districts, base, ",")
    else:  # no district file: an empty table of the same shape
        con.execute(
            "create or replace table raw.districts (name varchar, stadsdel varchar, source_file varchar, "
            "source_row integer)"
        )
    return _load_text_table(con, "municipalities", [base / "reference" / "kommuner.csv"], base, ",")


def load_catalogue(con: duckdb.DuckDBPyConnection, catalogue_dir: Path) -> dict[str, int]:
    """The indicator catalogue (data/catalogue/*.csv) as raw.catalogue_<name>."""
    return {
        f"catalogue_{name}": _load_text_table(
            con, f"catalogue_{name}", [catalogue_dir / f"{name}.csv"], catalogue_dir, ","
        )
        for name in ("areas", "indicators", "indicator_components", "peers", "series_breaks")
    }


def load_load_log(con: duckdb.DuckDBPyConnection, log: list[dict[str, str]]) -> int:
    """The load log (data/raw/LOADLOG.csv): every file `lagesbild ingest` or `fetch` took in, kept forever."""
    con.execute("drop table if exists raw.load_log")
    con.execute(f"create table raw.load_log ({', '.join(f'{c} varchar' for c in manifest.LOG_FIELDS)})")
    if log:
        con.executemany(
            f"insert into raw.load_log values ({', '.join('?' for _ in manifest.LOG_FIELDS)})",
            [[r.get(f, "") for f in manifest.LOG_FIELDS] for r in log],
        )
    return len(log)


def load_manifest(con: duckdb.DuckDBPyConnection, raw_dir: Path) -> int:
    rows = manifest.verify(raw_dir)
    rows += manifest.unrecorded(raw_dir, rows)
    con.execute("drop table if exists raw.source_files")
    con.execute(
        "create table raw.source_files (path varchar, kind varchar, source varchar, url varchar, "
        "licence varchar, extracted varchar, sha256 varchar, description varchar)"
    )
    con.executemany(
        "insert into raw.source_files values (?, ?, ?, ?, ?, ?, ?, ?)",
        [[r[f] for f in manifest.FIELDS] for r in rows],
    )
    return len(rows)


def load_sources(
    con: duckdb.DuckDBPyConnection,
    raw_dir: Path,
    by_format: dict[str, list[Path]],
    years: dict[str, int] | None = None,
) -> dict[str, int]:
    """Every source table from files grouped by format (`classify`); a source with no files gets an empty
    table of its shape. Row counts per raw table."""

    def files(*names: str) -> list[Path]:
        return [path for name in names for path in by_format.get(name, [])]

    counts = {
        "bra_sol": load_bra_sol(con, raw_dir, files("bra_sol_text"), files("bra_sol_xlsx", "bra_sol_xls")),
        "bra_kommun_totals": load_bra_totals(con, raw_dir, files("bra_kommun_csv"), years),
    }
    counts |= load_population(con, raw_dir, by_format)
    counts["kolada_values"] = load_kolada(con, raw_dir, files("kolada_json"))
    counts["survey_results"] = load_survey(con, raw_dir, files("survey_csv"), files("survey_xlsx", "survey_xls"))
    counts["polisen_events"] = load_police_events(con, raw_dir, files("polisen_events_json"))
    counts["local_measures"] = load_local(con, raw_dir, files("local_csv"))
    return counts


def load_all(con: duckdb.DuckDBPyConnection, raw_dir: Path, catalogue_dir: Path) -> dict[str, int]:
    """Load every raw source, the reference and the catalogue; return row counts per raw table. BRÅ's SOL
    exports and SCB's population are required: without them there is no lägesbild."""
    con.execute("create schema if not exists raw")
    by_format = classify(raw_dir)
    if not any(by_format.get(f) for f in ("bra_sol_text", "bra_sol_xlsx", "bra_sol_xls")):
        raise IngestError(f"no BRÅ SOL exports under {raw_dir / 'bra'}: the lägesbild needs anmälda brott per kategori")
    if not any(by_format.get(f) for f in ("scb_long_csv", "scb_pxweb_csv", "scb_jsonstat2")):
        raise IngestError(f"no population files under {raw_dir / 'scb'}: rates per 100 000 need SCB folkmängd")
    log = manifest.read_log(raw_dir)
    years = {r["path"]: int(r["period_from"][:4]) for r in log if r["format"] == "bra_kommun_csv"}
    counts = {"source_files": load_manifest(con, raw_dir), "load_log": load_load_log(con, log)}
    counts |= load_sources(con, raw_dir, by_format, years)
    counts["municipalities"] = load_reference(con, raw_dir)
    counts |= load_catalogue(con, catalogue_dir)
    return counts
