"""Paths and run configuration: one typed object, nothing depends on the working directory."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
SQL_DIR = PROJECT_DIR / "sql"
EXPECTATIONS_DIR = PROJECT_DIR / "expectations"
TEMPLATES_DIR = PROJECT_DIR / "reports" / "templates"
ANALYSIS_DIR = PROJECT_DIR / "reports" / "analysis"
CATALOGUE_DIR = PROJECT_DIR / "data" / "catalogue"
RAW_DIR = Path(os.environ.get("LAGESBILD_RAW_DIR", PROJECT_DIR / "data" / "raw"))
CURATED_DIR = Path(os.environ.get("LAGESBILD_CURATED_DIR", PROJECT_DIR / "data" / "curated"))
REPORTS_OUT_DIR = Path(os.environ.get("LAGESBILD_REPORTS_DIR", PROJECT_DIR / "reports" / "out"))
DB_NAME = "lagesbild.duckdb"
BUNDLED_REFERENCE_DIR = PROJECT_DIR / "data" / "raw" / "reference"

DEFAULT_MUNICIPALITY = "Malmö"
FIRST_TREND_YEAR = 2015
MIN_CELL_COUNT = 5  # sub-municipal cells with 1 to MIN_CELL_COUNT - 1 are suppressed
MIN_RESPONDENTS = 100  # a survey year with fewer respondents is pooled with the year before


@dataclass(frozen=True)
class Settings:
    """Everything one run needs. Municipality is an SCB code; names are resolved before this is built."""

    municipality_code: str = "1280"
    year: int | None = None  # None: the latest year with crime data for the municipality
    peer_codes: tuple[str, ...] = ()  # empty: from data/catalogue/peers.csv, else nearest in size
    raw_dir: Path = RAW_DIR
    curated_dir: Path = CURATED_DIR
    reports_dir: Path = REPORTS_OUT_DIR
    catalogue_dir: Path = CATALOGUE_DIR
    analysis_dir: Path = ANALYSIS_DIR
    first_trend_year: int = FIRST_TREND_YEAR
    render_pdf: bool = True
    min_cell_count: int = MIN_CELL_COUNT
    min_respondents: int = MIN_RESPONDENTS

    @property
    def db_path(self) -> Path:
        return self.curated_dir / DB_NAME


def reference_dir(raw_dir: Path) -> Path:
    """The municipality reference (kommuner.csv, districts): the raw folder's own, else the bundled one, so
    that a new, empty data folder filled by `lagesbild ingest` works without copying reference files."""
    own = raw_dir / "reference"
    return own if (own / "kommuner.csv").exists() else BUNDLED_REFERENCE_DIR
