"""Prefect at the edge: the yearly lägesbild flow runs the one recipe (flows/pipeline/recipe.py) with each
stage as a Prefect task. This package is the only one that imports Prefect; everything it runs is a plain
function that knows nothing of it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from flows import config

config.apply_prefect_defaults()  # before Prefect is imported

from prefect import flow, get_run_logger, task  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402

from flows.config import Settings  # noqa: E402
from flows.pipeline import recipe  # noqa: E402


@cache
def _task(stage: Callable):
    # A DuckDB path and a Settings object are passed, never a connection: NO_CACHE, as nothing is reused.
    return task(stage, cache_policy=NO_CACHE)


def as_task(stage: Callable, *args):
    """Run one stage of the recipe as a Prefect task (its name and docstring are the stage's)."""
    return _task(stage)(*args)


def as_tasks(stage: Callable, items: list, workers: int):
    """stage(item) for each item as a Prefect task on the flow's task runner (processes or Dask), each task
    named by its municipality; yields (item, result, error) as each ends."""
    from prefect.futures import as_completed

    named = _task(stage).with_options(task_run_name="render-{settings.municipality_code}")
    with _shared_api_url():
        futures = {named.submit(item): item for item in items}
        for future in as_completed(list(futures)):
            try:
                yield futures[future], future.result(), None
            except Exception as exc:  # noqa: BLE001 (one report's failure is reported, not raised)
                yield futures[future], None, exc


@contextmanager
def _shared_api_url():
    """Worker processes report to this flow's API, also when it is Prefect's temporary server (otherwise
    each would start a temporary server of its own); the environment is restored afterwards."""
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        url = str(client.api_url).rstrip("/")
    with config.exported("PREFECT_API_URL", url):
        yield


@flow(name="yearly-lagesbild")
def yearly_lagesbild(settings: Settings) -> Path:
    """Build the curated tables and the lägesbild reports for one municipality (or a batch) and year."""
    return recipe.Recipe(call=as_task, logger=get_run_logger(), many=as_tasks).run(settings)


def task_runner(settings: Settings):
    """The batch's task runner: processes on this machine, or Dask (a cluster at `dask_address`, else a
    local one of `workers` processes)."""
    if settings.task_runner == "dask":
        from prefect_dask import DaskTaskRunner

        if settings.dask_address:
            return DaskTaskRunner(address=settings.dask_address)
        return DaskTaskRunner(cluster_kwargs={"n_workers": settings.workers, "threads_per_worker": 1})
    from prefect.task_runners import ProcessPoolTaskRunner

    return ProcessPoolTaskRunner(max_workers=settings.workers)


class _ConsoleFilter(logging.Filter):
    """On the console: no tracebacks, no run-failure lines (the CLI prints one clear line instead)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR and record.name.startswith(("prefect.flow_runs", "prefect.task_runs")):
            return False
        if record.name == "prefect" and str(record.msg).startswith("Stopping temporary server"):
            return False
        record.exc_info, record.exc_text = None, None
        return True


def _quiet_console() -> None:
    """Set up Prefect's logging now and filter its console handler (the API still gets every record)."""
    from prefect.logging.configuration import setup_logging

    setup_logging()
    for handler in logging.getLogger().handlers:
        if type(handler).__name__ == "PrefectConsoleHandler":
            handler.addFilter(_ConsoleFilter())


def run(settings: Settings) -> Path:
    """The flow as the command line runs it: a quiet console, and no wait for the heartbeat at exit."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    _quiet_console()
    logging.getLogger("distributed").setLevel(logging.WARNING)  # a local Dask cluster's start and stop
    logging.getLogger("flows.pipeline").setLevel(logging.INFO)  # what a build or a report redoes and keeps
    # A sync flow otherwise waits about a second at exit for its heartbeat thread.
    chosen = yearly_lagesbild.with_options(task_runner=task_runner(settings)) if settings.batch else yearly_lagesbild
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        return chosen(settings)
