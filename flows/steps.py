"""The yearly pipeline's steps as plain functions (no Prefect): testable in milliseconds, reusable anywhere.

Write-audit-publish: the new database is built in data/curated/.build/, validated there, and only then
moved into place; reports are rendered into a hidden folder and swapped in whole. A failure at any step
leaves the previous curated tables and reports as they were.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from flows import db, ingest, report, validate
from flows.config import DB_NAME, Settings

BUILD_DIR_NAME = ".build"


def build_dir(settings: Settings) -> Path:
    return settings.curated_dir / BUILD_DIR_NAME


def start_build(settings: Settings) -> Path:
    """An empty build folder beside the curated data; returns the path of the new database."""
    path = build_dir(settings)
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path / DB_NAME


def discard_build(settings: Settings) -> None:
    """Remove an unpublished build (after a failure); the published state is untouched."""
    shutil.rmtree(build_dir(settings), ignore_errors=True)


def load_raw_files(db_path: Path, settings: Settings) -> dict[str, int]:
    with db.connect(db_path) as con:
        return ingest.load_all(con, settings.raw_dir, settings.catalogue_dir)


def build_layer(db_path: Path, layers: tuple[str, ...]) -> dict[str, int]:
    with db.connect(db_path) as con:
        return db.run_models(con, layers)


def validate_layer(db_path: Path, prefix: str) -> int:
    """Validate every table of a layer that has a suite; raises validate.ValidationFailed when critical."""
    with db.connect(db_path) as con:
        tables = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
        suites = [s for s in validate.suites(prefix=prefix) if s in tables]
        missing = [s for s in validate.suites(prefix=prefix) if s not in tables]
        if missing:
            raise validate.ValidationFailed(
                [validate.CheckResult(t, "table exists", "", "critical", False, 1) for t in missing]
            )
        return len(validate.validate_tables(con, suites))


def export_marts(db_path: Path) -> list[str]:
    with db.connect(db_path) as con:
        marts = [
            r[0]
            for r in con.execute(
                "select table_name from duckdb_tables() where table_name like 'mart\\_%' escape '\\' order by 1"
            ).fetchall()
        ]
        db.export_parquet(con, marts, db_path.parent)
        con.execute("checkpoint")
    return marts


def publish_curated(db_path: Path, settings: Settings) -> list[Path]:
    """Move the validated database and Parquet files into data/curated/ (each move is atomic)."""
    settings.curated_dir.mkdir(parents=True, exist_ok=True)
    moved = []
    new_parquet = {p.name for p in db_path.parent.glob("*.parquet")}
    for path in sorted(db_path.parent.glob("*.parquet")) + [db_path]:
        target = settings.curated_dir / path.name
        os.replace(path, target)
        moved.append(target)
    for stale in settings.curated_dir.glob("mart_*.parquet"):
        if stale.name not in new_parquet:
            stale.unlink()
    shutil.rmtree(db_path.parent, ignore_errors=True)
    return moved


def report_dir(settings: Settings, municipality_name: str, year: int) -> Path:
    return settings.reports_dir / report.slugify(municipality_name) / str(year)


def render_reports(settings: Settings) -> tuple[Path, dict[str, float]]:
    """Render the overview and the six area reports from the published curated database."""
    with db.connect(settings.db_path, read_only=True) as con:
        latest = report.latest_year(con, settings.municipality_code)
        year = settings.year or latest
        if not settings.first_trend_year < year <= latest:
            raise LookupError(
                f"no crime figures for {year} in the curated data; years {settings.first_trend_year + 1}–{latest} "
                "can be reported"
            )
        overview = report.build_context(con, settings, year)
    final = report_dir(settings, overview.municipality, year)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{year}.", dir=final.parent))
    try:
        timings = report.render_all(overview, tmp, render_pdf=settings.render_pdf)
        report.publish_dir(tmp, final)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    return final / "index.html", timings
