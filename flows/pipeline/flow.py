"""Prefect at the edge: the yearly lägesbild flow runs the one recipe (flows/pipeline/recipe.py) with each
stage as a Prefect task. This package is the only one that imports Prefect; everything it runs is a plain
function that knows nothing of it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
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


@flow(name="yearly-lagesbild")
def yearly_lagesbild(settings: Settings) -> Path:
    """Build the curated tables and the lägesbild reports for one municipality and year."""
    return recipe.Recipe(call=as_task, logger=get_run_logger()).run(settings)


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
    # A sync flow otherwise waits about a second at exit for its heartbeat thread.
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        return yearly_lagesbild(settings)
