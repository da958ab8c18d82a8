"""The raw folder's own records: the manifest (every file's origin, kind, licence and sha256; a file whose
hash no longer matches is refused) and the load log (every file `lagesbild ingest` or `fetch` took in).
Staging: stg_meta__source_files, stg_meta__load_log."""

from __future__ import annotations

import duckdb

from flows.landing import manifest
from flows.sources.base import Batch, Source


def load(con: duckdb.DuckDBPyConnection, batch: Batch) -> dict[str, int]:
    rows = manifest.verify(batch.raw_dir)
    rows += manifest.unrecorded(batch.raw_dir, rows)
    con.execute("drop table if exists raw.source_files")
    con.execute(f"create table raw.source_files ({', '.join(f'{c} varchar' for c in manifest.FIELDS)})")
    con.executemany(
        f"insert into raw.source_files values ({', '.join('?' for _ in manifest.FIELDS)})",
        [[r[f] for f in manifest.FIELDS] for r in rows],
    )
    con.execute("drop table if exists raw.load_log")
    con.execute(f"create table raw.load_log ({', '.join(f'{c} varchar' for c in manifest.LOG_FIELDS)})")
    if batch.log:
        con.executemany(
            f"insert into raw.load_log values ({', '.join('?' for _ in manifest.LOG_FIELDS)})",
            [[r.get(f, "") for f in manifest.LOG_FIELDS] for r in batch.log],
        )
    return {"source_files": len(rows), "load_log": len(batch.log)}


SOURCE = Source(
    inputs=lambda batch: [batch.raw_dir],
    name="meta",
    load=load,
    staging=("stg_meta__source_files", "stg_meta__load_log"),
)
