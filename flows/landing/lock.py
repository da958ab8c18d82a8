"""One writer at a time: an exclusive lock on a folder (the raw folder while a file is taken in, the curated
folder for a whole run), refused at once when another process holds it."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path


class RunInProgress(RuntimeError):
    """Another run holds the lock."""


@contextmanager
def run_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on `folder` for one run; refuse at once if another run holds it."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / ".lock"
    with open(path, "a+") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.seek(0)
            holder = f.read().strip() or "another process"
            raise RunInProgress(
                f"another lagesbild run is using {folder} ({holder}); wait for it to finish and try again"
            ) from None
        f.seek(0)
        f.truncate()
        f.write(f"pid {os.getpid()} since {datetime.now():%Y-%m-%d %H:%M:%S}")
        f.flush()
        try:
            yield
        finally:
            f.seek(0)
            f.truncate()
            fcntl.flock(f, fcntl.LOCK_UN)
