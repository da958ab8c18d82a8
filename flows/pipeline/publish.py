"""Atomic publication.

Every published state lives in a version folder of its own; a symlink names the current one and is
replaced with one rename(2), which is atomic. A process killed at any moment therefore leaves either the
previous state or the new one, never a mix:

    data/curated/current           -> .versions/20261125T001500-4242
    data/curated/lagesbild.duckdb  -> current/lagesbild.duckdb      (links that never change)
    data/curated/mart_*.parquet    -> current/mart_*.parquet
    reports/out/malmo/2025         -> .2025.20261125T001500-4242

The version before the current one is kept, so that a reader who resolved the old link a moment ago can
still read it; older versions are removed.
"""

from __future__ import annotations

import os
import shutil
from datetime import datetime
from pathlib import Path

COMPLETE = "COMPLETE"
KEEP_VERSIONS = 2


def new_version_id() -> str:
    return f"{datetime.now():%Y%m%dT%H%M%S%f}-{os.getpid()}"


def swap_symlink(link: Path, target: Path) -> None:
    """Point `link` at `target` (relative to the link's folder) in one atomic rename."""
    relative = os.path.relpath(target, link.parent)
    tmp = link.with_name(f".{link.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    os.symlink(relative, tmp)
    if link.is_dir() and not link.is_symlink():  # a real folder from before versioning: move it aside
        link.rename(link.with_name(f".{link.name}.legacy-{new_version_id()}"))
    os.replace(tmp, link)


def prune(folder: Path, prefix: str, keep: set[Path]) -> None:
    """Remove version folders named prefix* in `folder`, except `keep` and the newest others up to KEEP_VERSIONS."""
    versions = sorted((p for p in folder.glob(f"{prefix}*") if p.is_dir() and not p.is_symlink()), reverse=True)
    kept = {p.resolve() for p in keep}
    for path in versions:
        if path.resolve() in kept:
            continue
        if len(kept) < KEEP_VERSIONS and (path / COMPLETE).exists():
            kept.add(path.resolve())
            continue
        shutil.rmtree(path, ignore_errors=True)


def link_files(folder: Path, current: Path, names: list[str]) -> None:
    """Stable links `folder/name -> current/name`; links to files the current version lacks are removed."""
    for name in names:
        link = folder / name
        if not (link.is_symlink() and os.readlink(link) == os.path.relpath(current / name, folder)):
            swap_symlink(link, current / name)
    for link in folder.iterdir():
        if link.is_symlink() and link.name not in names and link != current and not link.exists():
            link.unlink()
