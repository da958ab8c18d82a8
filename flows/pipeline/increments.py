"""A build redoes only what depends on what changed. A new build starts as a copy of the published build's
private database (every layer) and keeps, in raw.build_keys, a key per step:

- a source's key is a hash of the files it reads and of the loaders' code; an unchanged source is not read
  again and its raw tables are kept;
- a model's key is a hash of its SQL, its suite, the values it binds, the code that runs models and what it
  reads: the keys of raw tables and the content digests of other models. An unchanged model is not run
  again; a model run again whose rows come out the same leaves the models that read it alone (the
  manifest gains a row for a new survey file, but the crime counts that read it come out the same);
- a table's check key is its model's key and its suite: an unchanged table is not validated again (its
  results stay in meta_validation_results, its quarantined rows in meta_quarantine);
- an unchanged mart's Parquet file is linked from the published version instead of written again.

A changed survey file thus reloads the survey and the manifest, runs the survey's staging, intermediate
and mart models and the source list, and checks and exports those; the crime, population and Polisen
models are kept. `--force` (or no published build) builds everything from scratch.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
from functools import cache
from pathlib import Path

import duckdb

from flows import sources
from flows.config import PROJECT_DIR

log = logging.getLogger(__name__)

KEYS = "raw.build_keys"
ROWS_DIGEST = "count(*) || '-' || coalesce(sum(hash(t)), 0)"  # the rows of `t`, in any order
LOADER_CODE = (PROJECT_DIR / "flows" / "sources", PROJECT_DIR / "flows" / "landing")
MODEL_CODE = (PROJECT_DIR / "flows" / "db.py", PROJECT_DIR / "flows" / "cells.py")


def hash_of(*parts: object) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(repr(part).encode() + b"\0")
    return h.hexdigest()


def paths_digest(paths: list[Path]) -> str:
    """sha256 of files and folders (names and bytes; lock files and bytecode left out), in the order given."""
    h = hashlib.sha256()
    for path in paths:
        found = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in found:
            if file.name.startswith(".") or "__pycache__" in file.parts or not file.exists():
                continue
            h.update(str(file).encode() + b"\0")
            with open(file, "rb") as f:
                h.update(hashlib.file_digest(f, "sha256").digest())
        h.update(b"\1")
    return h.hexdigest()


@cache
def code_digest(paths: tuple[Path, ...]) -> str:
    return paths_digest(list(paths))


def reuse_previous(previous: Path, target: Path) -> None:
    """Start the build at `target` as a copy of the previous private build, if there is one."""
    if previous.is_file():
        shutil.copyfile(previous, target)


def _ensure(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists raw")
    con.execute(
        f"create table if not exists {KEYS} (kind varchar, name varchar, key varchar, tables varchar[], "
        "content varchar, primary key (kind, name))"
    )


def stored(con: duckdb.DuckDBPyConnection, kind: str) -> dict[str, tuple[str, list[str], str]]:
    """name → (key, tables, content) of one kind of step, as the build was copied with or has written since."""
    _ensure(con)
    rows = con.execute(f"select name, key, tables, content from {KEYS} where kind = $k", {"k": kind}).fetchall()
    return {name: (key, list(tables or []), content or "") for name, key, tables, content in rows}


def store(
    con: duckdb.DuckDBPyConnection, kind: str, name: str, key: str, tables: list[str] = (), content: str = ""
) -> None:
    _ensure(con)
    con.execute(
        f"insert or replace into {KEYS} values ($kind, $name, $key, $tables, $content)",
        {"kind": kind, "name": name, "key": key, "tables": list(tables), "content": content},
    )


def content_digest(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """A digest of a table's rows, in any order: their number and the sum of their 64-bit hashes."""
    return con.execute(f"select {ROWS_DIGEST} from {table} as t").fetchone()[0]


def raw_table_keys(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """raw table → the key of the source that loaded it."""
    return {table: key for key, tables, _ in stored(con, "source").values() for table in tables}


def raw_objects(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The raw schema's tables and views: name → table or view."""
    rows = con.execute(
        "select table_name, 'table' from duckdb_tables() where schema_name = 'raw' "
        "union all select view_name, 'view' from duckdb_views() where schema_name = 'raw'"
    ).fetchall()
    return dict(rows)


def link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def summary(step: str, done: list[str], total: int) -> None:
    kept = total - len(done)
    names = f" ({', '.join(done)})" if kept and done else ""
    log.info("%s: %d of %d run again%s%s", step, len(done), total, names, f", {kept} unchanged" if kept else "")


def load_changed(con: duckdb.DuckDBPyConnection, batch: sources.Batch) -> dict[str, int]:
    """Run the loaders whose files or code changed since the build the database was copied from (all of
    them in a new database), in order: the manifest's check of every file's hash comes first. Each loaded
    source's key and raw tables are recorded in raw.build_keys; row counts per table loaded."""
    con.execute("create schema if not exists raw")
    kept, loaders = stored(con, "source"), code_digest(LOADER_CODE)
    existing = raw_objects(con)
    counts: dict[str, int] = {}
    done = []
    for source in sources.SOURCES:
        key = hash_of(loaders, paths_digest(source.reads(batch)), sorted(batch.years.items()))
        previous, tables, _ = kept.get(source.name, ("", [], ""))
        if key == previous and set(tables) <= existing.keys():
            continue
        for table in (t for t in tables if t in existing):
            con.execute(f"drop {existing[table]} raw.{table}")
        loaded = source.load(con, batch)
        store(con, "source", source.name, key, list(loaded))
        counts |= loaded
        done.append(source.name)
    summary("sources", done, len(sources.SOURCES))
    return counts
