"""Paths and run settings: one typed object, built in one place (`load`), and the only module that reads the
environment. Nothing depends on the working directory.

Every other module takes the values it needs from a `Settings` (or as plain arguments passed from one); none
falls back to a default of its own.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
SQL_DIR = PROJECT_DIR / "sql"
EXPECTATIONS_DIR = PROJECT_DIR / "expectations"
TEMPLATES_DIR = PROJECT_DIR / "reports" / "templates"
TEMPLATE_CACHE_DIR = PROJECT_DIR / ".cache" / "templates"  # jinja2's compiled templates, between runs
BUNDLED_RAW_DIR = PROJECT_DIR / "data" / "raw"
BUNDLED_REFERENCE_DIR = BUNDLED_RAW_DIR / "reference"
CATALOGUE_DIR = PROJECT_DIR / "data" / "catalogue"
DB_NAME = "lagesbild.duckdb"

DEFAULT_MUNICIPALITY = "Malmö"
DEFAULT_SOURCE_URLS = {
    "kolada": "https://api.kolada.se/v3",
    "scb": "https://statistikdatabasen.scb.se/api/v2",
    "polisen": "https://polisen.se/api",
}
VALIDATION_ENGINES = ("sql", "gx")
TASK_RUNNERS = ("process", "dask")
PREFECT_SERVERS = ("reuse", "temporary")

# Prefect's own settings, set before `import prefect` unless the user has set them: its temporary server
# needs more than the default 20 s to start on 2 cores, and its telemetry would try the network.
PREFECT_DEFAULTS = {
    "PREFECT_HOME": str(PROJECT_DIR / ".prefect"),
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW": "ignore",
}


@dataclass(frozen=True)
class Settings:
    """Everything one run needs. The municipality is an SCB code; names are resolved before this is built."""

    raw_dir: Path
    curated_dir: Path
    reports_dir: Path
    catalogue_dir: Path
    analysis_dir: Path
    plans_dir: Path  # the analysts' registers of measures (reports/atgardsplan/<kommun>/atgarder.csv)
    build_dir: Path  # the private builds: every layer, for checks and debugging; never published
    municipality_code: str = "1280"
    year: int | None = None  # None: the latest year with crime data for the municipality
    peer_codes: tuple[str, ...] = ()  # empty: from data/catalogue/peers.csv, else nearest in size
    first_trend_year: int = 2015
    render_pdf: bool = True
    min_cell_count: int = 5  # sub-municipal cells with 1 to min_cell_count - 1 cases are suppressed
    min_respondents: int = 100  # survey parts with fewer respondents are suppressed; a year is pooled
    validation_engine: str = "sql"
    source_urls: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_SOURCE_URLS))
    debug: bool = False
    contact: str = ""  # where readers report an accessibility problem (an address or a page), in the site
    batch: tuple[str, ...] = ()  # a batch: every municipality to report on (the data is built once for all)
    workers: int = 2  # processes rendering a batch's reports at once
    task_runner: str = "process"  # how a batch renders: process (one machine) or dask (a cluster)
    dask_address: str = ""  # a Dask scheduler (tcp://host:8786); empty: a local cluster of `workers`
    force: bool = False  # build and render again even when nothing they read has changed
    prefect_server: str = "reuse"  # reuse: start a local Prefect server once and reuse it; temporary: Prefect's own

    @property
    def municipalities(self) -> tuple[str, ...]:
        return self.batch or (self.municipality_code,)

    def for_municipality(self, code: str) -> Settings:
        """The settings of one report of a batch (its peers from the catalogue, unless this is no batch)."""
        if not self.batch:
            return self
        return replace(self, municipality_code=code, batch=(), peer_codes=())

    @property
    def db_path(self) -> Path:
        return self.curated_dir / DB_NAME

    @property
    def model_params(self) -> dict[str, int]:
        """The values the SQL models bind (`$min_cell_count`, `$min_respondents`)."""
        return {"min_cell_count": self.min_cell_count, "min_respondents": self.min_respondents}


def reference_dir(raw_dir: Path) -> Path:
    """The municipality reference (kommuner.csv, districts): the raw folder's own, else the bundled one, so
    that a new, empty data folder filled by `lagesbild ingest` works without copying reference files."""
    own = raw_dir / "reference"
    return own if (own / "kommuner.csv").exists() else BUNDLED_REFERENCE_DIR


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value) if value else default


def load(**overrides) -> Settings:
    """The run's settings: the environment's (LAGESBILD_*), then `overrides`; an override of None is ignored."""
    known = {f.name for f in fields(Settings)}
    unknown = set(overrides) - known
    if unknown:
        raise TypeError(f"unknown setting(s): {', '.join(sorted(unknown))}")
    engine = os.environ.get("LAGESBILD_VALIDATION_ENGINE", "sql")
    if engine not in VALIDATION_ENGINES:
        raise ValueError(f"LAGESBILD_VALIDATION_ENGINE must be one of {', '.join(VALIDATION_ENGINES)}, not {engine!r}")
    base = {
        "raw_dir": _env_path("LAGESBILD_RAW_DIR", BUNDLED_RAW_DIR),
        "curated_dir": _env_path("LAGESBILD_CURATED_DIR", PROJECT_DIR / "data" / "curated"),
        "reports_dir": _env_path("LAGESBILD_REPORTS_DIR", PROJECT_DIR / "reports" / "out"),
        "catalogue_dir": CATALOGUE_DIR,
        "analysis_dir": PROJECT_DIR / "reports" / "analysis",
        "plans_dir": PROJECT_DIR / "reports" / "atgardsplan",
        "validation_engine": engine,
        "source_urls": {
            source: os.environ.get(f"LAGESBILD_{source.upper()}_URL") or url
            for source, url in DEFAULT_SOURCE_URLS.items()
        },
        "debug": bool(os.environ.get("LAGESBILD_DEBUG")),
        "contact": os.environ.get("LAGESBILD_CONTACT", ""),
        "prefect_server": os.environ.get("LAGESBILD_PREFECT_SERVER", "reuse"),
    }
    merged = base | {k: v for k, v in overrides.items() if v is not None}
    if merged["prefect_server"] not in PREFECT_SERVERS:
        raise ValueError(f"LAGESBILD_PREFECT_SERVER must be reuse or temporary, not {merged['prefect_server']!r}")
    if merged.get("task_runner", "process") not in TASK_RUNNERS:
        raise ValueError(f"the task runner must be one of {', '.join(TASK_RUNNERS)}, not {merged['task_runner']!r}")
    if "build_dir" not in merged:  # beside the curated folder, not inside what is published
        env = os.environ.get("LAGESBILD_BUILD_DIR")
        merged["build_dir"] = Path(env) if env else Path(merged["curated_dir"]).parent / "build"
    return Settings(**merged)


@contextmanager
def exported(name: str, value: str):
    """`name=value` in the environment that child processes inherit, unless it is set already; restored after."""
    if os.environ.get(name):
        yield
        return
    os.environ[name] = value
    try:
        yield
    finally:
        os.environ.pop(name, None)


def child_env(**updates: str) -> dict[str, str]:
    """This process's environment with `updates`, for a child process."""
    apply_prefect_defaults()
    return dict(os.environ) | updates


def prefect_home() -> Path:
    apply_prefect_defaults()
    return Path(os.environ["PREFECT_HOME"])


def prefect_api_url() -> str:
    """The Prefect API the user has chosen (PREFECT_API_URL), if any."""
    return os.environ.get("PREFECT_API_URL", "")


def use_prefect_api(url: str) -> None:
    """Report this process's flows (and the worker processes it starts) to the API at `url`; call before
    Prefect is imported."""
    if url:
        os.environ["PREFECT_API_URL"] = url


def apply_prefect_defaults() -> None:
    """Prefect settings that must be in place before `import prefect` (a user's own settings win)."""
    for name, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(name, value)
