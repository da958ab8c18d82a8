"""Shared fixtures. Prefect's home is a fresh temporary folder, set before anything imports prefect."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

_PREFECT_HOME = tempfile.mkdtemp(prefix="lagesbild-prefect-")
os.environ["PREFECT_HOME"] = _PREFECT_HOME
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = "120"
os.environ["PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW"] = "ignore"

import duckdb  # noqa: E402
import pytest  # noqa: E402

from flows import config, db, sources  # noqa: E402
from flows.config import BUNDLED_RAW_DIR as RAW_DIR  # noqa: E402
from flows.config import CATALOGUE_DIR  # noqa: E402

TESTS_DIR = Path(__file__).parent
DATA_DIR = TESTS_DIR / "data"
MODEL_PARAMS = db.model_params(config.load())  # the values the SQL models bind, as a default run sets them


@pytest.fixture(scope="session")
def prefect_harness():
    """One Prefect test server for the whole run (it takes 10–20 s to start here)."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
            yield
    shutil.rmtree(_PREFECT_HOME, ignore_errors=True)


@pytest.fixture
def con():
    with duckdb.connect(":memory:") as connection:
        connection.execute("create schema raw")
        yield connection


@pytest.fixture(scope="session")
def bundled_db(tmp_path_factory) -> Path:
    """The bundled raw data loaded and modelled once (no Prefect): a DuckDB file for read-only tests."""
    path = tmp_path_factory.mktemp("bundled") / "lagesbild.duckdb"
    with db.connect(path) as connection:
        sources.load_all(connection, RAW_DIR, CATALOGUE_DIR, config.load().plans_dir)
        db.run_models(connection, db.LAYERS, MODEL_PARAMS)
    return path


def _writable_copy(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    for path in target.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return target


@pytest.fixture
def raw_copy(tmp_path) -> Path:
    """A writable copy of data/raw for tests that change raw files."""
    return _writable_copy(RAW_DIR, tmp_path / "raw")


SMALL_MUNICIPALITIES = ("1280", "0180", "1480", "1281")


@pytest.fixture(scope="session")
def small_raw(tmp_path_factory) -> Path:
    """data/raw with the demo files regenerated for four municipalities only: same formats, fewer rows."""
    from flows import generate

    raw = _writable_copy(RAW_DIR, tmp_path_factory.mktemp("small") / "raw")
    generate.generate_bundle(raw, generate.Spec(municipality_codes=SMALL_MUNICIPALITIES))
    return raw


@pytest.fixture
def small_raw_copy(small_raw, tmp_path) -> Path:
    return _writable_copy(small_raw, tmp_path / "raw")
