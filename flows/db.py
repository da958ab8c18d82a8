"""The one DuckDB helper: connections, scalar queries, running the SQL models, exporting Parquet."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from flows import stats
from flows.cells import CELL_STATUS_MACRO
from flows.config import SQL_DIR, Settings

log = logging.getLogger(__name__)

LAYERS = ("staging", "intermediate", "marts")
_REF = re.compile(r"\b(?:from|join)\s+((?:stg|int|mart)_[a-z0-9_]+)", re.IGNORECASE)
_RAW_REF = re.compile(r"\braw\.([a-z0-9_]+)", re.IGNORECASE)
_GRAIN = re.compile(r"^-- grain: one row per ([^(\n]+)")


def connect(path: Path | str = ":memory:", read_only: bool = False) -> duckdb.DuckDBPyConnection:
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(path), read_only=read_only)


def scalar(con: duckdb.DuckDBPyConnection, query: str, params: dict | list | None = None) -> Any:
    """The first value of a query's first row (the result is drained, so the connection stays usable)."""
    rows = con.execute(query, params).fetchall() if params else con.execute(query).fetchall()
    return rows[0][0] if rows else None


@dataclass(frozen=True)
class Model:
    name: str
    layer: str
    path: Path
    sql: str

    @property
    def refs(self) -> set[str]:
        return {m.lower() for m in _REF.findall(self.sql)} - {self.name}

    @property
    def raw_refs(self) -> set[str]:
        return {m.lower() for m in _RAW_REF.findall(self.sql)}

    @property
    def grain(self) -> list[str]:
        """The columns of the model's first line (`-- grain: one row per a, b`): its key and its row order."""
        found = _GRAIN.match(self.sql)
        if not found:
            raise RuntimeError(f"sql/{self.layer}/{self.path.name}: the first line must be `-- grain: one row per …`")
        return [c.strip() for c in found.group(1).split(",")]


def models(sql_dir: Path = SQL_DIR, layers: tuple[str, ...] = LAYERS) -> list[Model]:
    """All models of the given layers in run order: layer by layer, and within a layer by dependency."""
    out: list[Model] = []
    for layer in layers:
        found = {
            p.stem: Model(p.stem, layer, p, p.read_text(encoding="utf-8"))
            for p in sorted((sql_dir / layer).glob("*.sql"))
        }
        done: set[str] = set()
        while len(done) < len(found):
            ready = [m for n, m in found.items() if n not in done and not (m.refs & set(found)) - done]
            if not ready:
                raise RuntimeError(f"sql/{layer}: circular references among {sorted(set(found) - done)}")
            for m in ready:
                out.append(m)
                done.add(m.name)
    return out


def model_params(settings: Settings) -> dict[str, float | int]:
    """Every value the SQL models bind: the run's thresholds and the statistical constants."""
    return settings.model_params | stats.SQL_PARAMS


def run_model(con: duckdb.DuckDBPyConnection, model: Model, params: dict) -> int:
    """Materialise one model as a table of the same name, binding the `$name` values it uses; its row count.
    The rows are stored in the order of the model's grain, so that the same data gives the same table (and
    the same Parquet bytes, digests and row numbers in validation examples) whatever the threads did."""
    body = model.sql.strip().rstrip(";")
    used = {k: v for k, v in params.items() if f"${k}" in body}
    missing = sorted(set(re.findall(r"\$([a-z_0-9]+)", body)) - set(used))
    if missing:
        raise RuntimeError(f"sql/{model.layer}/{model.path.name}: no value given for ${', $'.join(missing)}")
    try:
        if "cell_status(" in body:
            con.execute(CELL_STATUS_MACRO)
        order = ", ".join([*(f"{c} nulls first" for c in model.grain), "columns(*)"])  # ties: by every column
        con.execute(
            f"create or replace table {model.name} as\nselect * from (\n{body}\n) as model order by {order}",
            used or None,
        )
    except duckdb.Error as exc:
        raise RuntimeError(f"sql/{model.layer}/{model.path.name}: {str(exc).strip().splitlines()[0]}") from exc
    return scalar(con, f"select count(*) from {model.name}")


def run_models(
    con: duckdb.DuckDBPyConnection, layers: tuple[str, ...], params: dict, sql_dir: Path = SQL_DIR
) -> dict[str, int]:
    return {m.name: run_model(con, m, params) for m in models(sql_dir, layers)}


def copy_tables(con: duckdb.DuckDBPyConnection, tables: list[str], target: Path) -> None:
    """Copy tables into a new database file (what is published, without the layers behind it)."""
    con.execute("attach $path as published", {"path": str(target)})
    try:
        for table in tables:
            con.execute(f"create table published.{table} as select * from main.{table}")
    finally:
        con.execute("detach published")


def export_parquet(con: duckdb.DuckDBPyConnection, tables: list[str], out_dir: Path) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {}
    for table in tables:
        path = out_dir / f"{table}.parquet"
        con.execute(f"copy {table} to $path (format parquet, compression zstd)", {"path": path.as_posix()})
        written[table] = path
    return written
