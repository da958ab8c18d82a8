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

from flows import manifest
from flows.db import scalar

log = logging.getLogger(__name__)


class IngestError(Exception):
    """A raw file cannot be read as its source's format."""


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
    header_lines: int,
) -> int:
    """Create raw.<table> from files, matched by column name; source_row is the line number in the file.

    Each file is scanned on its own so that row_number() follows that file's line order. `select_sql` reads
    `$path`; it may be a function of the path (e.g. to set the file's encoding).
    """
    if not files:
        raise IngestError(f"no input files for raw.{table} under {base_dir}")
    sqls = [select_sql(path) if callable(select_sql) else select_sql for path in files]

    def part(i: int) -> str:
        sub = sqls[i].replace("$path", f"$path_{i}")
        return (
            f"select src.*, $rel_{i} as source_file, "
            f"cast(row_number() over () + {int(header_lines)} as integer) as source_row from ({sub}) as src"
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


def load_bra_sol(con: duckdb.DuckDBPyConnection, raw_dir: Path) -> int:
    """BRÅ SOL `Databasfil.txt` exports (yearly or monthly): ISO-8859-1, `;`, data rows end with `;`.

    Columns are found by name, so their order does not matter. Each line is read whole and split in SQL,
    so that a short, long or cut-off line is reported with its file and line number.
    """
    files = _files(raw_dir, "bra", "*.txt")
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

    rows = _create_from_files(con, "bra_sol", files, raw_dir, select_sql, header_lines=1)
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
    return rows


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
    """A plain delimited text file with a header row, every column kept as text; required columns checked."""

    def select_sql(path: Path) -> str:
        rel = _rel(path, base_dir)
        encoding = sniff_encoding(path, rel)
        _check_header(path, rel, encoding, delim, REQUIRED.get(table, []))
        return f"select * from read_csv($path, header=true, all_varchar=true, delim='{delim}', encoding='{encoding}')"

    return _create_from_files(con, table, files, base_dir, select_sql, header_lines=1)


def load_population(con: duckdb.DuckDBPyConnection, raw_dir: Path) -> dict[str, int]:
    """SCB population: the long `Kommun,År,Befolkning` CSV and PxWeb CSV exports (title line, wide years)."""
    long_files, pxweb_files = [], []
    for path in _files(raw_dir, "scb", "*.csv"):
        first = _first_line(path, sniff_encoding(path, _rel(path, raw_dir)))
        (pxweb_files if first.startswith('"') and '","' not in first else long_files).append(path)

    def pxweb_sql(path: Path) -> str:
        encoding = sniff_encoding(path, _rel(path, raw_dir))
        return f"select * from read_csv($path, header=true, skip=2, all_varchar=true, delim=',', encoding='{encoding}')"

    return {
        "scb_population_long": _load_text_table(con, "scb_population_long", long_files, raw_dir, ","),
        "scb_population_pxweb": _create_from_files(
            con, "scb_population_pxweb", pxweb_files, raw_dir, pxweb_sql, header_lines=3
        ),
    }


def load_survey(con: duckdb.DuckDBPyConnection, raw_dir: Path) -> int:
    """Trygghetsmätning result tables: `;`-separated, Swedish decimals, with or without respondent counts."""
    return _load_text_table(con, "survey_results", _files(raw_dir, "survey", "*.csv"), raw_dir, ";")


def load_police_events(con: duckdb.DuckDBPyConnection, raw_dir: Path) -> int:
    """Polisen's events API answers (JSON arrays of events)."""
    select_sql = (
        "select cast(id as bigint) as id, datetime, name, summary, url, type, "
        "location.name as location_name, location.gps as location_gps "
        "from read_json($path, format='array', columns={'id': 'bigint', 'datetime': 'varchar', "
        "'name': 'varchar', 'summary': 'varchar', 'url': 'varchar', 'type': 'varchar', "
        "'location': 'struct(name varchar, gps varchar)'})"
    )
    return _create_from_files(
        con, "polisen_events", _files(raw_dir, "polisen", "*.json"), raw_dir, select_sql, header_lines=0
    )


def load_local(con: duckdb.DuckDBPyConnection, raw_dir: Path) -> int:
    """The municipality's own yearly figures (e.g. shootings and explosions): `;`-separated, one row a year."""
    return _load_text_table(con, "local_measures", _files(raw_dir, "local", "*.csv"), raw_dir, ";")


def load_reference(con: duckdb.DuckDBPyConnection, raw_dir: Path) -> int:
    """The municipality reference, and each municipality's districts (reference/<kommun>_delomraden.csv)."""
    districts = _files(raw_dir, "reference", "*_delomraden.csv")
    if districts:
        _load_text_table(con, "districts", districts, raw_dir, ",")
    else:  # no district file: an empty table of the same shape
        con.execute(
            "create or replace table raw.districts (name varchar, stadsdel varchar, source_file varchar, "
            "source_row integer)"
        )
    return _load_text_table(con, "municipalities", [raw_dir / "reference" / "kommuner.csv"], raw_dir, ",")


def load_catalogue(con: duckdb.DuckDBPyConnection, catalogue_dir: Path) -> dict[str, int]:
    """The indicator catalogue (data/catalogue/*.csv) as raw.catalogue_<name>."""
    return {
        f"catalogue_{name}": _load_text_table(
            con, f"catalogue_{name}", [catalogue_dir / f"{name}.csv"], catalogue_dir, ","
        )
        for name in ("areas", "indicators", "indicator_components", "peers", "series_breaks")
    }


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


def load_all(con: duckdb.DuckDBPyConnection, raw_dir: Path, catalogue_dir: Path) -> dict[str, int]:
    """Load every raw source and the catalogue; return row counts per raw table."""
    con.execute("create schema if not exists raw")
    counts = {"source_files": load_manifest(con, raw_dir), "bra_sol": load_bra_sol(con, raw_dir)}
    counts |= load_population(con, raw_dir)
    counts["survey_results"] = load_survey(con, raw_dir)
    counts["polisen_events"] = load_police_events(con, raw_dir)
    counts["local_measures"] = load_local(con, raw_dir)
    counts["municipalities"] = load_reference(con, raw_dir)
    counts |= load_catalogue(con, catalogue_dir)
    return counts
