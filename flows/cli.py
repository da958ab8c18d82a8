"""The `lagesbild` command line."""

from __future__ import annotations

import csv
import logging
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from flows.config import (
    CURATED_DIR,
    DEFAULT_MUNICIPALITY,
    MIN_CELL_COUNT,
    MIN_RESPONDENTS,
    PROJECT_DIR,
    RAW_DIR,
    REPORTS_OUT_DIR,
    Settings,
)

app = typer.Typer(
    help="Build the yearly lägesbild (safety situation picture) of a Swedish municipality.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def configure_prefect() -> None:
    """Prefect settings that must be in place before `import prefect` (user settings win)."""
    os.environ.setdefault("PREFECT_HOME", str(PROJECT_DIR / ".prefect"))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    os.environ.setdefault("PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW", "ignore")


class _ConsoleFilter(logging.Filter):
    """On the console: no tracebacks, no run-failure lines (the CLI prints one clear line instead)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR and record.name.startswith(("prefect.flow_runs", "prefect.task_runs")):
            return False
        if record.name == "prefect" and str(record.msg).startswith("Stopping temporary server"):
            return False
        record.exc_info, record.exc_text = None, None
        return True


def quiet_prefect_console() -> None:
    """Set up Prefect's logging now and filter its console handler (the API still gets every record)."""
    from prefect.logging.configuration import setup_logging

    setup_logging()
    for handler in logging.getLogger().handlers:
        if type(handler).__name__ == "PrefectConsoleHandler":
            handler.addFilter(_ConsoleFilter())


@app.command()
def run(
    kommun: Annotated[
        str, typer.Option(help="Municipality name or SCB code, e.g. Malmö or 1280.")
    ] = DEFAULT_MUNICIPALITY,
    year: Annotated[int | None, typer.Option(help="Report year (default: the latest year with data).")] = None,
    peers: Annotated[
        str | None,
        typer.Option(help="Comma-separated peer municipalities (default: data/catalogue/peers.csv)."),
    ] = None,
    pdf: Annotated[bool, typer.Option(help="Also write PDF reports.")] = True,
    min_cell_count: Annotated[
        int, typer.Option(min=2, help="Sub-municipal cells with fewer cases than this are suppressed (..).")
    ] = MIN_CELL_COUNT,
    min_respondents: Annotated[
        int,
        typer.Option(min=1, help="Survey results for parts of the municipality with fewer respondents are suppressed."),
    ] = MIN_RESPONDENTS,
    raw_dir: Annotated[Path, typer.Option(help="Folder of raw files (bra/, scb/, survey/, ...).")] = RAW_DIR,
    curated_dir: Annotated[Path, typer.Option(help="Where the DuckDB file and Parquet go.")] = CURATED_DIR,
    reports_dir: Annotated[Path, typer.Option(help="Where the reports go.")] = REPORTS_OUT_DIR,
) -> None:
    """Run the yearly flow: ingest, validate, build curated tables, render HTML and PDF reports."""
    from flows import ingest, manifest, regions, validate

    try:
        settings = regions.run_settings(
            kommun,
            peers,
            raw_dir.resolve(),
            year=year,
            render_pdf=pdf,
            min_cell_count=min_cell_count,
            min_respondents=min_respondents,
            curated_dir=curated_dir.resolve(),
            reports_dir=reports_dir.resolve(),
        )
    except (regions.UnknownMunicipality, OSError) as exc:
        _fail(str(exc))
        return

    configure_prefect()
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    from flows.flow import yearly_lagesbild

    quiet_prefect_console()
    try:
        # A sync flow otherwise waits about a second at exit for its heartbeat thread.
        with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
            index = yearly_lagesbild(settings)
    except (ingest.IngestError, validate.ValidationFailed, manifest.ManifestError, LookupError, RuntimeError) as exc:
        _fail(str(exc))
    except Exception as exc:  # an unexpected failure: still one line, the details are in Prefect's run log
        if os.environ.get("LAGESBILD_DEBUG"):
            raise
        _fail(f"unexpected {type(exc).__name__}: {exc} (set LAGESBILD_DEBUG=1 for the traceback)")
    typer.echo(str(index))


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Exported files: BRÅ SOL, SCB, Kolada, Polisen, survey.")],
    year: Annotated[
        int | None, typer.Option(help="Year of a BRÅ municipality CSV (it holds none; default: from its name).")
    ] = None,
    kind: Annotated[str, typer.Option(help="Manifest kind: real, derived or synthetic.")] = "real",
    raw_dir: Annotated[Path, typer.Option(help="The raw folder to store the files in.")] = RAW_DIR,
) -> None:
    """Take exported files in: recognise each by its content, store it unchanged under data/raw/<source>/
    named by its sha256, record it in the manifest and the load log. Taking a file in twice changes nothing."""
    from flows import landing, publish
    from flows.formats import IngestError

    if kind not in ("real", "derived", "synthetic"):
        _fail(f"--kind must be real, derived or synthetic, not {kind!r}")
    raw_dir.mkdir(parents=True, exist_ok=True)
    failed = False
    for path in paths:
        try:
            typer.echo(landing.ingest_file(path, raw_dir.resolve(), year=year, kind=kind).describe())
        except (IngestError, OSError, publish.RunInProgress) as exc:
            typer.echo(f"error: {exc}", err=True)
            failed = True
    if failed:
        raise typer.Exit(1)


def _years(text: str) -> list[int]:
    """`2015-2025` or `2023,2024`."""
    try:
        if "-" in text:
            first, last = (int(p) for p in text.split("-", 1))
            return list(range(first, last + 1))
        return [int(p) for p in text.split(",")]
    except ValueError:
        _fail(f"--years must be like 2015-2025 or 2023,2024, not {text!r}")
        raise


@app.command()
def fetch(
    source: Annotated[str, typer.Argument(help="kolada, scb or polisen.")],
    kommun: Annotated[
        list[str] | None,
        typer.Option(help="Municipality name or SCB code; repeat for several (kolada; default: Malmö and peers)."),
    ] = None,
    years: Annotated[str, typer.Option(help="Years, e.g. 2015-2025 or 2023,2024 (kolada, scb).")] = "2015-2025",
    kpi: Annotated[list[str] | None, typer.Option(help="Kolada KPI id; repeat for several.")] = None,
    raw_dir: Annotated[Path, typer.Option(help="The raw folder to store the answers in.")] = RAW_DIR,
) -> None:
    """Fetch an open API (Kolada key figures, SCB folkmängd, Polisen's events) into the raw folder; each answer
    is stored and logged like an ingested file. BRÅ has no API: export from SOL and use `lagesbild ingest`."""
    from flows import fetch as fetching
    from flows import regions
    from flows.formats import IngestError

    raw_dir.mkdir(parents=True, exist_ok=True)
    raw_dir = raw_dir.resolve()
    try:
        wanted = _years(years)
        if source == "kolada":
            names = kommun or [DEFAULT_MUNICIPALITY, "Stockholm", "Göteborg"]
            codes = [regions.resolve(k, raw_dir)[0] for k in names]
            landed = fetching.kolada(codes, wanted, raw_dir, tuple(kpi) if kpi else fetching.KOLADA_KPIS)
        elif source == "scb":
            codes = sorted(regions.municipalities(raw_dir)) + ["00"]
            landed = fetching.scb_population(codes, wanted, raw_dir)
        elif source == "polisen":
            landed = fetching.polisen(raw_dir)
        else:
            _fail(f"unknown source {source!r}: choose kolada, scb or polisen (BRÅ: export from SOL, then ingest)")
            return
    except (fetching.FetchError, IngestError, regions.UnknownMunicipality) as exc:
        _fail(str(exc))
        return
    for item in landed:
        typer.echo(item.describe())


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="SQL to run on the curated DuckDB database (read-only).")],
    db: Annotated[Path | None, typer.Option(help="Database file (default: data/curated/lagesbild.duckdb).")] = None,
) -> None:
    """Print a query's result on the curated tables as CSV."""
    import duckdb

    db_path = db or Settings().db_path
    if not db_path.exists():
        _fail(f"{db_path} does not exist yet: run `lagesbild run` first")
    try:
        with duckdb.connect(str(db_path), read_only=True) as con:
            cursor = con.execute(query)
            header = [d[0] for d in cursor.description or []]
            rows = cursor.fetchall()
    except duckdb.Error as exc:
        _fail(str(exc).strip().splitlines()[0])
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)


@app.command()
def generate() -> None:
    """Rewrite the synthetic demo files in data/raw/ (deterministic) and their manifest entries."""
    from flows.generate import generate_bundle

    for path, rows in generate_bundle(RAW_DIR).items():
        typer.echo(f"{RAW_DIR / path}: {rows} rows")


def main() -> None:  # pragma: no cover
    logging.basicConfig(level=logging.INFO)
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
