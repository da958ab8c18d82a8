"""The registry of sources: one module each, listed here once. Everything else is derived from this list:
the formats `lagesbild ingest` recognises (in the order given, by content, never by name), the folders of
data/raw/, the loaders a build runs and the staging models each source feeds.

Adding a source means adding its module here, its staging model in sql/staging/ and its suite in
expectations/ (tests/test_conventions.py checks all three).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from flows import config
from flows.landing import manifest
from flows.sources import (
    bra_categories,
    bra_kommun,
    bra_sol,
    catalogue,
    kolada,
    local,
    measures,
    meta,
    polisen,
    reference,
    scb,
    survey,
)
from flows.sources.base import Batch, Format, IngestError, Sample, Source

__all__ = ["Batch", "Format", "IngestError", "SOURCES", "FORMATS", "detect", "classify", "load_all"]

# Detection tries the sources in this order; loading runs them in this order (the manifest first, so that a
# raw file that differs from its recorded hash stops the build before anything is read).
MODULES = (
    meta, bra_sol, bra_kommun, bra_categories, scb, kolada, polisen, survey, local, reference, catalogue, measures,
)  # fmt: skip
SOURCES: tuple[Source, ...] = tuple(m.SOURCE for m in MODULES)
FORMATS: dict[str, Format] = {f.name: f for s in SOURCES for f in s.formats}
_OWNER = {f.name: s for s in SOURCES for f in s.formats}
SOURCE_FOLDERS = tuple(dict.fromkeys(f.source for f in FORMATS.values()))
# When the content matches no format, a file in a source folder is read as the first format of that folder
# with its suffix, so that the reader can say precisely what is wrong (e.g. a comma-separated SOL file).
FOLDER_DEFAULTS: dict[tuple[str, str], str] = {}
for _f in FORMATS.values():
    FOLDER_DEFAULTS.setdefault((_f.source, _f.suffix), _f.name)


def source_of(fmt: Format) -> Source:
    return _OWNER[fmt.name]


def titles_sv() -> dict[str, str]:
    """The Swedish name of each kind of source the catalogue refers to (its `source` column)."""
    return {s.catalogue_kind: s.title_sv for s in SOURCES if s.catalogue_kind}


def how_to_get_sv() -> dict[str, str]:
    return {s.catalogue_kind: s.how_to_get_sv for s in SOURCES if s.how_to_get_sv}


def detect(path: Path) -> Format | None:
    """The format of a file from its content; None if no source recognises it."""
    sample = Sample.read(path)
    for source in SOURCES:
        if source.detect and (found := source.detect(sample)):
            return found
    return None


def classify(raw_dir: Path) -> dict[str, list[Path]]:
    """Every file in the source folders (bra/, scb/, kolada/, polisen/, survey/, local/) by its format, as
    read from its content. A file matching no format is taken as its folder's usual format when it has
    that format's suffix, so that its reader names the defect; otherwise it is refused."""
    by_format: dict[str, list[Path]] = {}
    for folder in SOURCE_FOLDERS:
        for path in sorted((raw_dir / folder).glob("*")):
            if not path.is_file() or path.name.startswith(".") or path.name in manifest.DOCUMENTATION:
                continue
            found = detect(path) if path.stat().st_size else None
            name = found.name if found else FOLDER_DEFAULTS.get((folder, path.suffix.lower()))
            if name is None:
                raise IngestError(
                    f"{path.relative_to(raw_dir).as_posix()}: not a format lagesbild reads ({', '.join(FORMATS)}); "
                    "move it out of data/raw or add it with `lagesbild ingest` to see why"
                )
            by_format.setdefault(name, []).append(path)
    return by_format


def load(con: duckdb.DuckDBPyConnection, batch: Batch, sources: tuple[Source, ...] = SOURCES) -> dict[str, int]:
    """Run the given sources' loaders on a batch of files; row counts per raw table."""
    con.execute("create schema if not exists raw")
    counts: dict[str, int] = {}
    for source in sources:
        counts |= source.load(con, batch)
    return counts


def batch_of(raw_dir: Path, catalogue_dir: Path, plans_dir: Path | None = None) -> Batch:
    """Every raw file by format, the reference, the catalogue and the registers of measures, as loaders read
    them. A source that is required (BRÅ's SOL exports, SCB's population) stops the build when none of its
    files is there."""
    by_format = classify(raw_dir)
    for source in SOURCES:
        if source.required and not any(by_format.get(f.name) for f in source.formats):
            raise IngestError(source.required.format(folder=raw_dir / source.formats[0].source))
    log = manifest.read_log(raw_dir)
    years = {r["path"]: int(r["period_from"][:4]) for r in log if r["format"] == bra_kommun.CSV.name}
    return Batch(raw_dir, by_format, config.reference_dir(raw_dir), catalogue_dir, plans_dir, years, log)


def load_all(
    con: duckdb.DuckDBPyConnection, raw_dir: Path, catalogue_dir: Path, plans_dir: Path | None = None
) -> dict[str, int]:
    """Every raw file, the reference, the catalogue and the registers of measures (none: an empty register)
    into `raw.*`; row counts per raw table (a build loads only what changed: flows/pipeline/increments.py)."""
    return load(con, batch_of(raw_dir, catalogue_dir, plans_dir))
