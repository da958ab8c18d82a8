"""The pipeline's stages as plain functions (no Prefect): testable in milliseconds, reusable anywhere.

Write-audit-publish: the new database is built in a version folder of its own under
data/curated/.versions/, validated there, and only then made current by one atomic symlink swap
(flows/pipeline/publish.py); reports are rendered the same way. A failure at any stage, or a kill, leaves
the previous curated tables and reports as they were.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from flows import db, sources, validate
from flows.config import DB_NAME, Settings
from flows.pipeline import publish
from flows.regions import slugify
from flows.report import build, marts
from flows.report.render import behovsanalys, editions, render_all

VERSIONS_DIR = ".versions"
CURRENT = "current"


def start_build(settings: Settings) -> Path:
    """A new, empty version folder beside the curated data; returns the path of its database."""
    folder = settings.curated_dir / VERSIONS_DIR / publish.new_version_id()
    folder.mkdir(parents=True)
    return folder / DB_NAME


def discard_build(db_path: Path) -> None:
    """Remove an unpublished build (after a failure); the published state is untouched."""
    version = db_path.parent
    current = version.parent.parent / CURRENT
    if current.exists() and current.resolve() == version.resolve():
        return  # already published: it is the state readers see now
    shutil.rmtree(version, ignore_errors=True)


def load_raw_files(db_path: Path, settings: Settings) -> dict[str, int]:
    """Every raw file, the reference and the catalogue into the build's `raw` schema; rows per table."""
    with db.connect(db_path) as con:
        return sources.load_all(con, settings.raw_dir, settings.catalogue_dir)


def build_layer(db_path: Path, layers: tuple[str, ...], settings: Settings) -> dict[str, int]:
    """Run the SQL models of the given layers; rows per table."""
    with db.connect(db_path) as con:
        return db.run_models(con, layers, db.model_params(settings))


def validate_layer(db_path: Path, prefix: str, settings: Settings) -> int:
    """Validate every table of a layer that has a suite; raises validate.ValidationFailed when critical."""
    with db.connect(db_path) as con:
        tables = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
        expected = validate.suites(prefix=prefix)
        missing = [s for s in expected if s not in tables]
        if missing:
            raise validate.ValidationFailed(
                [validate.CheckResult(t, "table exists", "", "critical", False, 1) for t in missing]
            )
        return len(validate.validate_tables(con, expected, engine=settings.validation_engine))


def export_marts(db_path: Path) -> list[str]:
    """Every mart as Parquet beside the database."""
    with db.connect(db_path) as con:
        tables = [
            r[0]
            for r in con.execute(
                "select table_name from duckdb_tables() where table_name like 'mart\\_%' escape '\\' order by 1"
            ).fetchall()
        ]
        db.export_parquet(con, tables, db_path.parent)
        con.execute("checkpoint")
    return tables


def publish_curated(db_path: Path, settings: Settings) -> Path:
    """Make the validated version current: one atomic symlink swap; returns the version folder."""
    version = db_path.parent
    (version / publish.COMPLETE).write_text("validated\n", encoding="utf-8")
    current = settings.curated_dir / CURRENT
    publish.swap_symlink(current, version)
    names = sorted(p.name for p in version.iterdir() if p.suffix in (".duckdb", ".parquet"))
    publish.link_files(settings.curated_dir, current, names)
    publish.prune(version.parent, "", keep={version})
    return version


def report_dir(settings: Settings, municipality_name: str, year: int) -> Path:
    return settings.reports_dir / slugify(municipality_name) / str(year)


def render_reports(settings: Settings) -> tuple[Path, dict[str, float]]:
    """Render the overview and the six area reports from the published curated database."""
    with db.connect(settings.db_path, read_only=True) as con:
        latest = marts.latest_year(con, settings.municipality_code)
        year = settings.year or latest
        if not settings.first_trend_year < year <= latest:
            raise LookupError(
                f"no crime figures for {year} in the curated data; years {settings.first_trend_year + 1}–{latest} "
                "can be reported"
            )
        overview = build.build_context(con, settings, year)
    slug = slugify(overview.municipality)
    overview = editions.with_since_last(overview, settings.curated_dir, slug)
    final = report_dir(settings, overview.municipality, year)
    final.parent.mkdir(parents=True, exist_ok=True)
    version = Path(tempfile.mkdtemp(prefix=f".{year}.{publish.new_version_id()}", dir=final.parent))
    try:
        timings = render_all(overview, version, render_pdf=settings.render_pdf)
        behovsanalys.write(overview, settings.curated_dir, slug)
        (version / publish.COMPLETE).write_text("rendered\n", encoding="utf-8")
        publish.swap_symlink(final, version)
    except BaseException:
        shutil.rmtree(version, ignore_errors=True)
        raise
    editions.save(overview, settings.curated_dir, slug)
    publish.prune(final.parent, f".{year}.", keep={version})
    return final / "index.html", timings
