"""Load raw files, unchanged, into the `raw` schema of a DuckDB database.

Every raw table keeps `source_file` and `source_row` (the line number in the file) so that a failed check
can name the file and row. Values stay text here; the staging models in sql/staging cast them.
"""

from __future__ import annotations

import logging
from pathlib import Path

import duckdb

from flows import manifest
from flows.db import scalar

log = logging.getLogger(__name__)


class IngestError(Exception):
    """A raw file cannot be read as its source's format."""


SOL_COLUMNS = {
    "region": "varchar",
    "brott": "varchar",
    "ar": "varchar",
    "period": "varchar",
    "antal": "varchar",
    "per_100k": "varchar",
    "trailing_field": "varchar",
}
SOL_HEADER = "Region;Brott;År;Period;Antal;/100 000 inv"


def _files(raw_dir: Path, folder: str, pattern: str) -> list[Path]:
    return sorted((raw_dir / folder).glob(pattern))


def _rel(path: Path, raw_dir: Path) -> str:
    return path.relative_to(raw_dir).as_posix()


def _first_line(path: Path, encoding: str) -> str:
    with open(path, encoding=encoding, errors="replace") as f:
        return f.readline().rstrip("\r\n").lstrip("\ufeff")


def _create_from_files(
    con: duckdb.DuckDBPyConnection,
    table: str,
    files: list[Path],
    base_dir: Path,
    select_sql: str,
    header_lines: int,
) -> int:
    """Create raw.<table> from files, matched by column name; source_row is the line number in the file.

    Each file is scanned on its own so that row_number() follows that file's line order.
    """
    if not files:
        raise IngestError(f"no input files for raw.{table} under {base_dir}")

    def part(i: int) -> str:
        sub = select_sql.replace("$path", f"$path_{i}")
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
        for i, path in enumerate(files):  # name the file that fails
            try:
                con.execute(f"select count(*) from ({part(i)})", {f"path_{i}": str(path), f"rel_{i}": ""})
            except duckdb.Error as file_exc:
                raise IngestError(f"{_rel(path, base_dir)}: cannot be read: {_first(file_exc)}") from file_exc
        raise IngestError(f"raw.{table}: {_first(exc)}") from exc
    return scalar(con, f"select count(*) from raw.{table}")


def _first(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0]


def load_bra_sol(con: duckdb.DuckDBPyConnection, raw_dir: Path) -> int:
    """BRÅ SOL `Databasfil.txt` exports (yearly or monthly): ISO-8859-1, `;`, data rows end with `;`."""
    files = _files(raw_dir, "bra", "*.txt")
    for path in files:
        header = _first_line(path, "latin-1")
        if header != SOL_HEADER:
            raise IngestError(
                f"{_rel(path, raw_dir)}: line 1: expected the SOL header {SOL_HEADER!r}, found {header!r}"
            )
    select_sql = (
        "select * from read_csv($path, delim=';', header=false, skip=1, encoding='latin-1', quote='', "
        f"escape='', columns={SOL_COLUMNS!r}, strict_mode=true)"
    )
    return _create_from_files(con, "bra_sol", files, raw_dir, select_sql, header_lines=1)


def _load_text_table(con: duckdb.DuckDBPyConnection, table: str, files: list[Path], base_dir: Path, delim: str) -> int:
    """A plain delimited text file with a header row, every column kept as text."""
    select_sql = f"select * from read_csv($path, header=true, all_varchar=true, delim='{delim}')"
    return _create_from_files(con, table, files, base_dir, select_sql, header_lines=1)


def load_population(con: duckdb.DuckDBPyConnection, raw_dir: Path) -> dict[str, int]:
    """SCB population: the long `Kommun,År,Befolkning` CSV and PxWeb CSV exports (title line, wide years)."""
    long_files, pxweb_files = [], []
    for path in _files(raw_dir, "scb", "*.csv"):
        first = _first_line(path, "latin-1")
        (pxweb_files if first.startswith('"') and '","' not in first else long_files).append(path)
    pxweb_sql = "select * from read_csv($path, header=true, skip=2, all_varchar=true, delim=',', encoding='latin-1')"
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
    return _load_text_table(con, "municipalities", [raw_dir / "reference" / "kommuner.csv"], raw_dir, ",")


def load_catalogue(con: duckdb.DuckDBPyConnection, catalogue_dir: Path) -> dict[str, int]:
    """The indicator catalogue (data/catalogue/*.csv) as raw.catalogue_<name>."""
    return {
        f"catalogue_{name}": _load_text_table(
            con, f"catalogue_{name}", [catalogue_dir / f"{name}.csv"], catalogue_dir, ","
        )
        for name in ("areas", "indicators", "indicator_components", "peers")
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
