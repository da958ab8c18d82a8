"""Write-audit-publish: a run killed at any moment, or refused by the lock, leaves the last state whole."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from flows.config import PROJECT_DIR, Settings, load
from flows.landing import lock
from flows.pipeline import publish, recipe, stages

RUN = "from flows.config import load; from flows.pipeline import recipe; recipe.run(load(render_pdf=False, force=True))"


def _consistent(settings: Settings) -> str:
    """Check that the published state is whole; return the current version's name."""
    current = (settings.curated_dir / "current").resolve()
    assert (current / publish.COMPLETE).exists()
    with duckdb.connect(str(settings.db_path), read_only=True) as con:
        marts = {
            r[0]
            for r in con.execute("select table_name from duckdb_tables() where table_name like 'mart_%'").fetchall()
        }
    parquet = {p.stem for p in settings.curated_dir.glob("mart_*.parquet")}
    assert parquet == marts and all(p.resolve().parent == current for p in settings.curated_dir.glob("*.parquet"))
    reports = (settings.reports_dir / "malmo" / "2025").resolve()
    assert (reports / publish.COMPLETE).exists() and len(list(reports.glob("*.html"))) == 10
    return current.name


@pytest.fixture(scope="module")
def published(tmp_path_factory, small_raw):
    base = tmp_path_factory.mktemp("publish")
    settings = load(raw_dir=small_raw, curated_dir=base / "curated", reports_dir=base / "reports", render_pdf=False)
    recipe.run(settings)
    return settings


def _kill_when(settings: Settings, ready) -> int:
    env = os.environ | {
        "LAGESBILD_RAW_DIR": str(settings.raw_dir),
        "LAGESBILD_CURATED_DIR": str(settings.curated_dir),
        "LAGESBILD_REPORTS_DIR": str(settings.reports_dir),
    }
    proc = subprocess.Popen([sys.executable, "-c", RUN], cwd=PROJECT_DIR, env=env)
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline and not ready():
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    return proc.wait()


def _versions(settings: Settings) -> set[str]:
    return {p.name for p in (settings.curated_dir / ".versions").iterdir()}


@pytest.mark.parametrize("moment", ["building", "validated", "rendering"])
def test_a_run_killed_at_any_moment_leaves_the_previous_state_whole(published, moment):
    settings = published
    before = _consistent(settings)
    known = _versions(settings)
    report_parent = settings.reports_dir / "malmo"
    known_reports = {p.name for p in report_parent.iterdir()}

    def ready() -> bool:
        new = _versions(settings) - known
        if moment == "building":
            return any((settings.build_dir / v / "build.duckdb").exists() for v in new)
        if moment == "validated":
            return any((settings.curated_dir / ".versions" / v / publish.COMPLETE).exists() for v in new)
        return bool({p.name for p in report_parent.iterdir()} - known_reports)

    assert _kill_when(settings, ready) == -signal.SIGKILL
    after = _consistent(settings)
    if moment == "building":
        assert after == before
    else:  # the curated state may already be the new one; either way it is whole
        assert after in _versions(settings)


def test_the_next_run_cleans_up_after_a_killed_one(published):
    settings = published
    recipe.run(settings)
    _consistent(settings)
    versions = [settings.curated_dir / ".versions" / v for v in _versions(settings)]
    assert len(versions) <= publish.KEEP_VERSIONS and all((v / publish.COMPLETE).exists() for v in versions)
    hidden = [p for p in (settings.reports_dir / "malmo").iterdir() if p.name.startswith(".2025.")]
    assert len(hidden) <= publish.KEEP_VERSIONS
    builds = {p.name for p in settings.build_dir.iterdir()}  # the private builds of the kept versions only
    assert builds <= {v.name for v in versions} and builds


def test_a_second_concurrent_run_is_refused(published):
    with lock.run_lock(published.curated_dir):
        with pytest.raises(lock.RunInProgress, match=rf"another lagesbild run is using .* \(pid {os.getpid()} since "):
            recipe.run(published)


def test_swap_replaces_a_folder_from_before_versioning(tmp_path):
    old = tmp_path / "2025"
    old.mkdir()
    (old / "index.html").write_text("old", encoding="utf-8")
    new = tmp_path / ".2025.x"
    new.mkdir()
    (new / "index.html").write_text("new", encoding="utf-8")
    publish.swap_symlink(old, new)
    assert old.is_symlink() and (old / "index.html").read_text(encoding="utf-8") == "new"
    assert [p.name for p in tmp_path.glob(".2025.legacy-*")] != []


def test_path_names_stay_inside_the_output_folder(tmp_path):
    settings = load(reports_dir=tmp_path)
    folder = stages.report_dir(settings, "../../etc", 2025)
    assert folder == tmp_path / "etc" / "2025"
    assert Path(os.path.commonpath([folder.resolve(), tmp_path.resolve()])) == tmp_path.resolve()
