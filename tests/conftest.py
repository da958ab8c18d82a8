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
os.environ["LAGESBILD_PREFECT_SERVER"] = "temporary"  # no test leaves a Prefect server behind

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


def _keep_only(raw: Path, codes: tuple[str, ...]) -> None:
    """The real national files cut to the given municipalities (the manifest records the new hashes)."""
    import gzip
    import json

    from flows.landing import manifest

    names = {r["municipality_code"]: r["municipality_name"] for r in _reference_rows()}
    wanted = {names[c].lower() for c in codes}
    categories = raw / "bra" / "bra_kommun_6_categories_2015_2025_PARTIAL_167_kommuner.csv"
    lines = categories.read_text(encoding="utf-8").splitlines()
    categories.write_text("\n".join([lines[0], *(x for x in lines[1:] if x[:4] in codes)]) + "\n", encoding="utf-8")
    archive = raw / "polisen" / "polisen_events_sweden_2023-03_2026-08.jsonl.gz"
    with gzip.open(archive, "rt", encoding="utf-8") as f:
        parsed = [(line, json.loads(line)) for line in f]
    events = [
        line
        for line, e in parsed
        if (e["location"]["name"] or "").lower() in wanted or e["name"].rsplit(", ", 1)[-1].lower() in wanted
    ]
    with gzip.open(archive, "wt", encoding="utf-8") as f:
        f.writelines(events)
    rows = {r["path"]: r for r in manifest.read(raw)}
    for path in (categories, archive):
        rel = path.relative_to(raw).as_posix()
        rows[rel] = rows[rel] | {"sha256": manifest.sha256_of(path)}
    manifest.write(raw, list(rows.values()))


def _reference_rows() -> list[dict]:
    import csv

    with open(RAW_DIR / "reference" / "kommuner.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="session")
def small_raw(tmp_path_factory) -> Path:
    """data/raw for four municipalities only: the demo files regenerated for them and the real national files
    cut to them; same formats, fewer rows."""
    from flows import generate

    raw = _writable_copy(RAW_DIR, tmp_path_factory.mktemp("small") / "raw")
    generate.generate_bundle(raw, generate.Spec(municipality_codes=SMALL_MUNICIPALITIES))
    _keep_only(raw, SMALL_MUNICIPALITIES)
    return raw


@pytest.fixture(scope="session")
def bundled_overview(bundled_db):
    """The report context of Malmö 2025 on the bundled build, built once for the tests that only read it."""
    from flows.config import load
    from flows.report import build

    with db.connect(bundled_db, read_only=True) as connection:
        return build.build_context(connection, load(), 2025)


@pytest.fixture(scope="session")
def bundled_rendered(bundled_overview, tmp_path_factory) -> Path:
    """That context rendered once (HTML, charts and CSV; no PDF) as the edition folder of a site
    (<site>/malmo/2025/, with the start page and the municipality's page written)."""
    from flows.report.render import render_all, site

    root = tmp_path_factory.mktemp("site")
    out = root / "malmo" / "2025"
    out.mkdir(parents=True)
    render_all(bundled_overview, out, render_pdf=False)
    site.write_listings(root)
    return out


@pytest.fixture
def small_raw_copy(small_raw, tmp_path) -> Path:
    return _writable_copy(small_raw, tmp_path / "raw")


def pytest_collection_modifyitems(session, config, items):
    """The browser tests run last: their audit runs in the background meanwhile (tests/browser_audit.py)."""
    items.sort(key=lambda item: item.path.name == "test_browser.py")


@pytest.fixture(scope="session")
def site_audit(bundled_rendered):
    """The browser audit of the bundled site, running in its own thread from the moment it is asked for."""
    from tests import browser_audit

    return browser_audit.start(bundled_rendered.parent.parent)


@pytest.fixture(scope="session", autouse=True)
def _start_the_browser_audit_early(request):
    """Ask for the audit at the first test when the browser tests are in this run, so it overlaps the rest."""
    if any(item.path.name == "test_browser.py" for item in request.session.items):
        request.getfixturevalue("site_audit")
