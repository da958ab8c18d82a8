"""The one recipe of a yearly lägesbild: ingest → staging → validate → intermediate and marts → validate →
publish → report. The in-process path (`run`) and the Prefect flow (flows/pipeline/flow.py) both follow it;
they differ only in how a stage is called (`call`): directly here, as a Prefect task there.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flows import regions
from flows.config import Settings
from flows.landing import lock
from flows.pipeline import batch, cache, stages

log = logging.getLogger(__name__)

Call = Callable[..., Any]  # call(stage, *args) runs one stage and returns its result


def direct(stage: Callable, *args):
    return stage(*args)


def ingest_raw_files(settings: Settings) -> Path:
    """Load every raw file and the catalogue into a new database in a new version folder."""
    db_path = stages.start_build(settings)
    try:
        stages.load_raw_files(db_path, settings)
    except BaseException:
        stages.discard_build(db_path, settings)
        raise
    return db_path


def build_staging(db_path: Path, settings: Settings) -> dict[str, int]:
    """Run the staging models (rename, cast, normalise)."""
    return stages.build_layer(db_path, ("staging",), settings)


def validate_staging(db_path: Path, settings: Settings) -> int:
    """Validate the staging tables with their Great Expectations suites."""
    return stages.validate_layer(db_path, "stg_", settings)


def build_marts(db_path: Path, settings: Settings) -> dict[str, int]:
    """Run the intermediate and mart models."""
    return stages.build_layer(db_path, ("intermediate", "marts"), settings)


def validate_marts(db_path: Path, settings: Settings) -> int:
    """Validate the mart tables with their Great Expectations suites."""
    return stages.validate_layer(db_path, "mart_", settings)


def export_marts(db_path: Path, settings: Settings) -> list[str]:
    """Write the database to publish (marts and meta tables only) and every mart as Parquet."""
    return stages.export_marts(db_path, settings)


def publish_curated(db_path: Path, settings: Settings, build_key: str = "") -> Path:
    """Make the validated version current (one atomic swap), with the content hash it was built from."""
    return stages.publish_curated(db_path, settings, build_key)


def fingerprint(settings: Settings) -> str:
    """The content hash of everything a build reads (flows/pipeline/cache.py)."""
    return cache.build_key(settings)


def render_reports(settings: Settings) -> tuple[Path, dict[str, float]]:
    """Render the overview and one HTML and PDF report per priority area; the index and seconds per step."""
    return stages.render_reports(settings)


class Recipe:
    """Runs the stages in order through `call`, timing and logging each."""

    def __init__(
        self,
        call: Call = direct,
        logger: logging.Logger | logging.LoggerAdapter = log,
        many: batch.Many = batch.in_processes,
    ):
        self.call, self.log, self.many, self.timings = call, logger, many, {}

    def stage(self, name: str, fn: Callable, *args):
        t0 = time.perf_counter()
        result = self.call(fn, *args)
        self.timings[name] = time.perf_counter() - t0
        self.log.info("stage %-18s %6.2f s", name, self.timings[name])
        return result

    def build(self, settings: Settings) -> Path:
        """Ingest, model and validate into a new, unpublished version; the private build database's path."""
        db_path = self.stage("ingest", ingest_raw_files, settings)
        try:
            self.stage("staging", build_staging, db_path, settings)
            self.stage("validate staging", validate_staging, db_path, settings)
            self.stage("marts", build_marts, db_path, settings)
            self.stage("validate marts", validate_marts, db_path, settings)
            self.stage("export", export_marts, db_path, settings)
        except BaseException:
            stages.discard_build(db_path, settings)
            raise
        return db_path

    def run(self, settings: Settings) -> Path:
        """The whole recipe under the run lock; the path of the overview."""
        with lock.run_lock(settings.curated_dir):
            key = self.stage("fingerprint", fingerprint, settings)
            if not settings.force and key == cache.published_build_key(settings):
                self.log.info("raw files, catalogue, code and options unchanged: the published build is kept")
                stages.tidy(settings)
            else:
                db_path = self.build(settings)
                try:
                    self.stage("publish", publish_curated, db_path, settings, key)
                except BaseException:
                    stages.discard_build(db_path, settings)
                    raise
            if settings.batch:
                return self.render_batch(settings)
            index, render_timings = self.stage("reports", render_reports, settings)
        for step, seconds in render_timings.items():
            self.log.info("  render %-11s %6.2f s", step, seconds)
        self.log.info("stage %-18s %6.2f s", "total", sum(self.timings.values()))
        return index

    def render_batch(self, settings: Settings) -> Path:
        """Every municipality of the batch from the one published database, `settings.workers` at a time;
        the site's start page, or BatchFailed naming those that failed once the others are published."""
        names = regions.municipalities(settings.raw_dir)
        self.log.info("rendering %d municipalities, %d at a time", len(settings.batch), settings.workers)
        t0 = time.perf_counter()
        outcome = batch.render(settings, stages.render_one, self.many, self.log, names)
        self.timings["reports"] = time.perf_counter() - t0
        self.log.info("stage %-18s %6.2f s", "reports", self.timings["reports"])
        self.log.info("stage %-18s %6.2f s", "total", sum(self.timings.values()))
        return batch.check(outcome, names)


def run(settings: Settings) -> Path:
    """The recipe in this process, without Prefect."""
    return Recipe().run(settings)


def build(settings: Settings) -> Path:
    """A validated, unpublished build in this process (for inspection and tests)."""
    return Recipe().build(settings)
