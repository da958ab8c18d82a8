"""Prefect at the edge: the yearly lägesbild flow wraps the plain steps in flows/steps.py as tasks.

The recipe: ingest → staging → validate → intermediate and marts → validate → publish → report.
"""

from __future__ import annotations

import time
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows import publish, steps
from flows.config import Settings


def _timed(logger, stage: str, timings: dict[str, float], fn, *args):
    t0 = time.perf_counter()
    result = fn(*args)
    timings[stage] = time.perf_counter() - t0
    logger.info("stage %-18s %6.2f s", stage, timings[stage])
    return result


@task(cache_policy=NO_CACHE)
def ingest_raw_files(settings: Settings) -> Path:
    """Load every raw file and the catalogue into a new database in a new version folder."""
    db_path = steps.start_build(settings)
    try:
        counts = steps.load_raw_files(db_path, settings)
    except BaseException:
        steps.discard_build(db_path)
        raise
    get_run_logger().info("loaded %s raw rows from %s tables", f"{sum(counts.values()):,}", len(counts))
    return db_path


@task(cache_policy=NO_CACHE)
def build_staging(db_path: Path) -> dict[str, int]:
    """Run the staging models (rename, cast, normalise)."""
    return steps.build_layer(db_path, ("staging",))


@task(cache_policy=NO_CACHE)
def validate_staging(db_path: Path) -> int:
    """Validate staging tables with their Great Expectations suites."""
    return steps.validate_layer(db_path, "stg_")


@task(cache_policy=NO_CACHE)
def build_marts(db_path: Path, settings: Settings) -> dict[str, int]:
    """Run the intermediate and mart models."""
    return steps.build_layer(db_path, ("intermediate", "marts"), settings)


@task(cache_policy=NO_CACHE)
def validate_marts(db_path: Path) -> int:
    """Validate mart tables with their Great Expectations suites."""
    return steps.validate_layer(db_path, "mart_")


@task(cache_policy=NO_CACHE)
def publish_curated(db_path: Path, settings: Settings) -> list[str]:
    """Export marts to Parquet and make the validated version current (atomic)."""
    marts = steps.export_marts(db_path)
    steps.publish_curated(db_path, settings)
    return marts


@task(cache_policy=NO_CACHE)
def render_reports(settings: Settings) -> Path:
    """Render the overview and one HTML and PDF report per priority area."""
    index, timings = steps.render_reports(settings)
    logger = get_run_logger()
    for step, seconds in timings.items():
        logger.info("  render %-11s %6.2f s", step, seconds)
    return index


@flow(name="yearly-lagesbild")
def yearly_lagesbild(settings: Settings) -> Path:
    """Build the curated tables and the lägesbild reports for one municipality and year."""
    logger = get_run_logger()
    timings: dict[str, float] = {}
    with publish.run_lock(settings.curated_dir):
        db_path = _timed(logger, "ingest", timings, ingest_raw_files, settings)
        try:
            _timed(logger, "staging", timings, build_staging, db_path)
            _timed(logger, "validate staging", timings, validate_staging, db_path)
            _timed(logger, "marts", timings, build_marts, db_path, settings)
            _timed(logger, "validate marts", timings, validate_marts, db_path)
            _timed(logger, "publish", timings, publish_curated, db_path, settings)
        except BaseException:
            steps.discard_build(db_path)
            raise
        index = _timed(logger, "reports", timings, render_reports, settings)
    logger.info("stage %-18s %6.2f s", "total", sum(timings.values()))
    return index
