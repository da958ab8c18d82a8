"""A batch: one built and validated database, then many municipalities' reports rendered at once. How the
reports are spread (`Many`) is the caller's: processes here, a Prefect task runner in the flow. Each report
is published on its own (an atomic swap of its edition); one that fails is reported and stops no other.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flows.config import Settings
from flows.pipeline import stages

# many(stage, items, workers) runs stage(item) for each item and yields (item, result, error) as each ends
Many = Callable[[Callable, list, int], Iterator[tuple[Any, Any, BaseException | None]]]


class BatchFailed(RuntimeError):
    """Some municipalities' reports failed; the others are published."""


def in_processes(stage: Callable, items: list, workers: int) -> Iterator[tuple[Any, Any, BaseException | None]]:
    """stage(item) in `workers` fresh processes (spawned: nothing of this process's state is shared)."""
    if workers <= 1 or len(items) <= 1:
        for item in items:
            try:
                yield item, stage(item), None
            except Exception as exc:  # noqa: BLE001 (one report's failure is reported, not raised)
                yield item, None, exc
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(workers, len(items)), mp_context=context) as pool:
        futures = {pool.submit(stage, item): item for item in items}
        for future in as_completed(futures):
            error = future.exception()
            yield futures[future], None if error else future.result(), error


@dataclass
class Progress:
    """Municipalities done out of all, as a bar with the time left, one log line per report."""

    total: int
    started: float = field(default_factory=time.perf_counter)
    done: int = 0
    failed: int = 0

    def step(self, name: str, error: BaseException | None) -> str:
        self.done += 1
        self.failed += error is not None
        elapsed = time.perf_counter() - self.started
        left = elapsed / self.done * (self.total - self.done)
        filled = round(20 * self.done / self.total)
        bar = "█" * filled + "░" * (20 - filled)
        outcome = f"FAILED: {error}" if error else "done"
        failed = f", {self.failed} failed" if self.failed else ""
        return f"▕{bar}▏ {self.done}/{self.total}{failed}, ETA {_duration(left)}: {name} {outcome}"


def _duration(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


@dataclass(frozen=True)
class Outcome:
    published: dict[str, Path]  # municipality code → its overview
    failed: dict[str, str]  # municipality code → the error
    start_page: Path


def render(settings: Settings, stage: Callable, many: Many, log, names: dict[str, str]) -> Outcome:
    """Render every municipality of the batch through `many`, log progress, then write the start page once."""
    items = [settings.for_municipality(code) for code in settings.municipalities]
    progress = Progress(len(items))
    published, failed = {}, {}
    for item, index, error in many(stage, items, settings.workers):
        code = item.municipality_code
        if error is None:
            published[code] = index
        else:
            failed[code] = f"{type(error).__name__}: {error}"
        (log.warning if error else log.info)(progress.step(names.get(code, code), error))
    return Outcome(published, failed, start_page=stages.write_listings(settings))


def check(outcome: Outcome, names: dict[str, str]) -> Path:
    """The start page, or BatchFailed naming each municipality that failed and why."""
    if outcome.failed:
        listed = "; ".join(f"{names.get(c, c)}: {e}" for c, e in sorted(outcome.failed.items()))
        raise BatchFailed(
            f"{len(outcome.failed)} of {len(outcome.failed) + len(outcome.published)} municipalities failed to "
            f"render (the others are published): {listed}"
        )
    return outcome.start_page
