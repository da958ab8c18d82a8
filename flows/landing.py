"""Taking files in: `lagesbild ingest` and `lagesbild fetch` land raw files here.

A file is recognised by its content, read once on its own (so a broken file is refused before anything is
stored), stored unchanged under data/raw/<source>/ named by its sha256, and recorded in the manifest and
the load log. Taking in a file already there changes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from flows import formats, ingest, manifest, publish
from flows.formats import IngestError

log = logging.getLogger(__name__)

_MONTHS = "['Jan','Feb','Mar','Apr','Maj','Jun','Jul','Aug','Sep','Okt','Nov','Dec']"
PERIOD_SQL = {
    "bra_sol": f"""
        select min(p), max(p), count(*) from (
            select case
                when trim(ar) = 'År' then regexp_extract(period, '(\\d{{4}})', 1)
                else regexp_extract(ar, '(\\d{{4}})', 1) || '-'
                    || lpad(cast(list_position({_MONTHS}, trim(period)) as varchar), 2, '0')
            end as p
            from raw.bra_sol
        )""",
    "bra_kommun_totals": "select min(year), max(year), count(*) from raw.bra_kommun_totals",
    "scb_population_long": 'select min("År"), max("År"), count(*) from raw.scb_population_long',
    "scb_population_jsonstat": "select min(year), max(year), count(*) from raw.scb_population_jsonstat",
    "kolada_values": "select min(period), max(period), count(*) from raw.kolada_values",
    "survey_results": "select min(ar), max(ar), count(*) from raw.survey_results",
    "polisen_events": "select min(left(datetime, 10)), max(left(datetime, 10)), count(*) from raw.polisen_events",
    "local_measures": "select min(ar), max(ar), count(*) from raw.local_measures",
}


@dataclass(frozen=True)
class Landed:
    path: str  # relative to the raw folder
    format: formats.Format
    rows: int
    period_from: str | None
    period_to: str | None
    original_name: str
    new: bool

    def describe(self) -> str:
        period = self.period_from if self.period_from == self.period_to else f"{self.period_from}–{self.period_to}"
        state = "stored" if self.new else "already ingested, nothing changed"
        return f"{self.path}: {self.format.label}, {self.rows} rows, {period} (from {self.original_name}; {state})"


def trial_load(fmt: formats.Format, path: Path, year: int | None) -> tuple[int, str | None, str | None]:
    """Read one file on its own into an in-memory database; its rows and the period it covers."""
    con = duckdb.connect()
    con.execute("create schema raw")
    ingest.load_sources(con, path.parent, {fmt.name: [path]}, {path.name: year} if year else None)
    table = fmt.table
    if table == "scb_population_pxweb":  # one column per year
        years = sorted(c for c in con.table("raw.scb_population_pxweb").columns if c[:4].isdigit())
        rows = con.execute("select count(*) from raw.scb_population_pxweb").fetchone()[0]
        return rows, years[0] if years else None, years[-1] if years else None
    low, high, rows = con.execute(PERIOD_SQL[table]).fetchone()
    return rows, low, high


def ingest_file(path: Path, raw_dir: Path, year: int | None = None, kind: str = "real", url: str = "") -> Landed:
    """Take one file in (see the module docstring); raise IngestError naming the file if it cannot be read."""
    if not path.is_file():
        raise IngestError(f"{path}: no such file")
    sha = manifest.sha256_of(path)
    for row in manifest.read_log(raw_dir):
        if row["sha256"] == sha and (raw_dir / row["path"]).exists():
            fmt = formats.FORMATS[row["format"]]
            return Landed(row["path"], fmt, int(row["rows"]), row["period_from"], row["period_to"], path.name, False)
    if path.stat().st_size == 0:
        raise IngestError(f"{path.name}: the file is empty")
    fmt = formats.detect(path)
    if fmt is None:
        raise IngestError(
            f"{path.name}: cannot tell from its content which source it is; lagesbild reads "
            + ", ".join(f.label for f in formats.FORMATS.values())
        )
    rows, low, high = trial_load(fmt, path, year)  # errors name the file by its own name
    raw_dir.mkdir(parents=True, exist_ok=True)
    with publish.run_lock(raw_dir):  # one writer of the raw folder, its manifest and its load log at a time
        rel = f"{fmt.source}/{sha}{fmt.suffix}"
        dest = raw_dir / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        part = dest.with_name(f".{dest.name}.part")
        shutil.copyfile(path, part)
        os.replace(part, dest)
        now = dt.datetime.now(dt.UTC)  # microseconds: files taken in by one command keep their order
        rows_by_path = {r["path"]: r for r in manifest.read(raw_dir)}
        rows_by_path[rel] = {
            "path": rel,
            "kind": kind,
            "source": fmt.label,
            "url": url,
            "licence": "",
            "extracted": now.date().isoformat() if url else "",  # known for a fetch; an export's date is not
            "sha256": sha,
            "description": f"Inläst med lagesbild ingest från {path.name}",
        }
        manifest.write(raw_dir, list(rows_by_path.values()))
        manifest.append_log(
            raw_dir,
            {
                "loaded_at": now.isoformat(),
                "sha256": sha,
                "source": fmt.source,
                "format": fmt.name,
                "original_name": path.name,
                "path": rel,
                "rows": str(rows),
                "period_from": low or "",
                "period_to": high or "",
            },
        )
    log.info("ingested %s as %s (%s, %d rows)", path.name, rel, fmt.label, rows)
    return Landed(rel, fmt, rows, low, high, path.name, True)
