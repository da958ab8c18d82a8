"""`lagesbild ingest`: files (and `lagesbild fetch`'s answers) land in the raw folder here.

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

from flows import sources
from flows.landing import lock, manifest
from flows.sources import Format, IngestError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Landed:
    path: str  # relative to the raw folder
    format: Format
    rows: int
    period_from: str | None
    period_to: str | None
    original_name: str
    new: bool

    def describe(self) -> str:
        period = self.period_from if self.period_from == self.period_to else f"{self.period_from}–{self.period_to}"
        state = "stored" if self.new else "already ingested, nothing changed"
        return f"{self.path}: {self.format.label}, {self.rows} rows, {period} (from {self.original_name}; {state})"


def trial_load(fmt: Format, path: Path, year: int | None) -> tuple[int, str | None, str | None]:
    """Read one file on its own into an in-memory database with its source's loader; its rows and the
    period it covers. Errors name the file by its own name."""
    source = sources.source_of(fmt)
    batch = sources.Batch(
        raw_dir=path.parent,
        by_format={fmt.name: [path]},
        years={path.name: year} if year else {},
    )
    with duckdb.connect() as con:
        sources.load(con, batch, (source,))
        return source.period(con, fmt)


def ingest_file(path: Path, raw_dir: Path, year: int | None = None, kind: str = "real", url: str = "") -> Landed:
    """Take one file in (see the module docstring); raise IngestError naming the file if it cannot be read."""
    if not path.is_file():
        raise IngestError(f"{path}: no such file")
    sha = manifest.sha256_of(path)
    for row in manifest.read_log(raw_dir):
        if row["sha256"] == sha and (raw_dir / row["path"]).exists():
            fmt = sources.FORMATS[row["format"]]
            return Landed(row["path"], fmt, int(row["rows"]), row["period_from"], row["period_to"], path.name, False)
    if path.stat().st_size == 0:
        raise IngestError(f"{path.name}: the file is empty")
    fmt = sources.detect(path)
    if fmt is None:
        raise IngestError(
            f"{path.name}: cannot tell from its content which source it is; lagesbild reads "
            + ", ".join(f.label for f in sources.FORMATS.values())
        )
    rows, low, high = trial_load(fmt, path, year)  # errors name the file by its own name
    raw_dir.mkdir(parents=True, exist_ok=True)
    with lock.run_lock(raw_dir):  # one writer of the raw folder, its manifest and its load log at a time
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
