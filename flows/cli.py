"""The `lagesbild` command line."""

from __future__ import annotations

import csv
import logging
import sys
from pathlib import Path
from typing import Annotated

import typer

from flows import config
from flows.config import DEFAULT_MUNICIPALITY

DEFAULTS = config.Settings.__dataclass_fields__  # the settings' defaults, shown in --help

app = typer.Typer(
    help="Build the yearly lägesbild (safety situation picture) of a Swedish municipality.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


KOMMUN_HELP = "Municipality name or SCB code (Malmö, 1280); several separated by commas, or all, for a batch."
LAN_HELP = "A batch of every municipality in a county: its name or code (Skåne län, 12)."


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def _resolved(path: Path | None) -> Path | None:
    return path.resolve() if path else None


@app.command()
def run(
    kommun: Annotated[str, typer.Option(help=KOMMUN_HELP)] = DEFAULT_MUNICIPALITY,
    lan: Annotated[str | None, typer.Option(help=LAN_HELP)] = None,
    workers: Annotated[int, typer.Option(min=1, help="Reports of a batch rendered at once (processes).")] = DEFAULTS[
        "workers"
    ].default,
    task_runner: Annotated[
        str, typer.Option(help="How a batch renders: process (this machine) or dask (a Dask cluster).")
    ] = DEFAULTS["task_runner"].default,
    dask_address: Annotated[
        str | None, typer.Option(help="The Dask scheduler for --task-runner dask (tcp://host:8786; none: a local one).")
    ] = None,
    year: Annotated[int | None, typer.Option(help="Report year (default: the latest year with data).")] = None,
    peers: Annotated[
        str | None,
        typer.Option(help="Comma-separated peer municipalities (default: data/catalogue/peers.csv)."),
    ] = None,
    pdf: Annotated[bool, typer.Option(help="Also write PDF reports.")] = True,
    force: Annotated[bool, typer.Option(help="Build and render again even when nothing has changed.")] = False,
    min_cell_count: Annotated[
        int, typer.Option(min=2, help="Sub-municipal cells with fewer cases than this are suppressed (..).")
    ] = DEFAULTS["min_cell_count"].default,
    min_respondents: Annotated[
        int,
        typer.Option(min=1, help="Survey results for parts of the municipality with fewer respondents are suppressed."),
    ] = DEFAULTS["min_respondents"].default,
    raw_dir: Annotated[
        Path | None, typer.Option(help="Folder of raw files (bra/, scb/, survey/, ...; default: data/raw).")
    ] = None,
    curated_dir: Annotated[
        Path | None, typer.Option(help="Where the DuckDB file and Parquet go (default: data/curated).")
    ] = None,
    reports_dir: Annotated[Path | None, typer.Option(help="Where the reports go (default: reports/out).")] = None,
    build_dir: Annotated[
        Path | None, typer.Option(help="Where the private builds go (default: beside the curated folder, build/).")
    ] = None,
) -> None:
    """Run the yearly flow: ingest, validate, build curated tables, render HTML and PDF reports."""
    from flows import regions, validate
    from flows.landing import manifest
    from flows.sources import IngestError

    try:
        settings = regions.run_settings(
            kommun,
            peers,
            lan=lan,
            workers=workers,
            task_runner=task_runner,
            dask_address=dask_address,
            raw_dir=_resolved(raw_dir),
            year=year,
            render_pdf=pdf,
            force=force,
            min_cell_count=min_cell_count,
            min_respondents=min_respondents,
            curated_dir=_resolved(curated_dir),
            reports_dir=_resolved(reports_dir),
            build_dir=_resolved(build_dir),
        )
    except (regions.UnknownMunicipality, OSError, ValueError) as exc:
        _fail(str(exc))
    _report_to_a_prefect_server(settings)
    from flows.pipeline import flow

    try:
        index = flow.run(settings)
    except (IngestError, validate.ValidationFailed, manifest.ManifestError, LookupError, RuntimeError) as exc:
        _fail(str(exc))  # BatchFailed is a RuntimeError: the municipalities that failed, the others published
    except Exception as exc:  # an unexpected failure: still one line, the details are in Prefect's run log
        if settings.debug:
            raise
        _fail(f"unexpected {type(exc).__name__}: {exc} (set LAGESBILD_DEBUG=1 for the traceback)")
    typer.echo(str(index))


def _report_to_a_prefect_server(settings) -> None:
    """The run's Prefect API: PREFECT_API_URL, else a local server started once and reused (pipeline/server.py)."""
    from flows.pipeline import server

    try:
        url = server.ensure(settings.prefect_server)
    except RuntimeError as exc:
        _fail(f"{exc} (LAGESBILD_PREFECT_SERVER=temporary uses Prefect's temporary server instead)")
    if settings.batch and settings.task_runner == "dask" and not url:
        _fail("--task-runner dask needs a Prefect server its workers can reach: set PREFECT_API_URL, or unset "
              "LAGESBILD_PREFECT_SERVER=temporary")  # fmt: skip
    config.use_prefect_api(url)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Exported files: BRÅ SOL, SCB, Kolada, Polisen, survey.")],
    year: Annotated[
        int | None, typer.Option(help="Year of a BRÅ municipality CSV (it holds none; default: from its name).")
    ] = None,
    kind: Annotated[str, typer.Option(help="Manifest kind: real, derived or synthetic.")] = "real",
    raw_dir: Annotated[Path | None, typer.Option(help="The raw folder to store the files in.")] = None,
) -> None:
    """Take exported files in: recognise each by its content, store it unchanged under data/raw/<source>/
    named by its sha256, record it in the manifest and the load log. Taking a file in twice changes nothing."""
    from flows.landing import ingest as landing
    from flows.landing import lock
    from flows.sources import IngestError

    if kind not in ("real", "derived", "synthetic"):
        _fail(f"--kind must be real, derived or synthetic, not {kind!r}")
    folder = config.load(raw_dir=_resolved(raw_dir)).raw_dir
    folder.mkdir(parents=True, exist_ok=True)
    failed = False
    for path in paths:
        try:
            typer.echo(landing.ingest_file(path, folder, year=year, kind=kind).describe())
        except (IngestError, OSError, lock.RunInProgress) as exc:
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
    groups: Annotated[
        bool, typer.Option(help="scb: also folkmängd of children 0–17 and women 18+ (subgroup denominators).")
    ] = False,
    raw_dir: Annotated[Path | None, typer.Option(help="The raw folder to store the answers in.")] = None,
) -> None:
    """Fetch an open API (Kolada key figures, SCB folkmängd, Polisen's events) into the raw folder; each answer
    is stored and logged like an ingested file. BRÅ has no API: export from SOL and use `lagesbild ingest`."""
    from flows import regions
    from flows.landing import fetch as fetching
    from flows.sources import IngestError

    settings = config.load(raw_dir=_resolved(raw_dir))
    raw_dir = settings.raw_dir
    raw_dir.mkdir(parents=True, exist_ok=True)
    if source not in settings.source_urls:
        _fail(f"unknown source {source!r}: choose kolada, scb or polisen (BRÅ: export from SOL, then ingest)")
    client = fetching.client_for(source, settings)
    try:
        wanted = _years(years)
        if source == "kolada":
            names = kommun or [DEFAULT_MUNICIPALITY, "Stockholm", "Göteborg"]
            codes = [regions.resolve(k, raw_dir)[0] for k in names]
            landed = fetching.kolada(codes, wanted, raw_dir, tuple(kpi) if kpi else fetching.KOLADA_KPIS, client)
        elif source == "scb":
            codes = sorted(regions.municipalities(raw_dir)) + ["00"]
            landed = fetching.scb_population(codes, wanted, raw_dir, client, groups)
        else:
            landed = fetching.polisen(raw_dir, client)
    except (fetching.FetchError, IngestError, regions.UnknownMunicipality) as exc:
        _fail(str(exc))
        return
    for item in landed:
        typer.echo(item.describe())


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="SQL to run on the curated DuckDB database (read-only).")],
    db: Annotated[Path | None, typer.Option(help="Database file (default: data/curated/lagesbild.duckdb).")] = None,
    build: Annotated[
        bool, typer.Option("--build", help="Query the private build behind it (raw, staging, intermediate).")
    ] = False,
) -> None:
    """Print a query's result on the curated tables (marts and meta tables) as CSV."""
    import duckdb

    settings = config.load()
    if build:
        from flows.pipeline import stages

        db_path = stages.current_build(settings)
    else:
        db_path = db or settings.db_path
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
def plan(
    kommun: Annotated[str, typer.Option(help="Municipality name or SCB code.")] = DEFAULT_MUNICIPALITY,
    year: Annotated[int | None, typer.Option(help="The edition's year (default: the latest published).")] = None,
    force: Annotated[bool, typer.Option(help="Replace a draft that is there already.")] = False,
) -> None:
    """Write a draft åtgärdsplan (reports/atgardsplan/<kommun>/utkast_<year>.csv): one row per indicator the
    published edition proposes gult or rött that no current measure covers. The register is never touched."""
    from flows import regions
    from flows.report import plan as planning

    settings = config.load()
    try:
        code, name = regions.resolve(kommun, settings.raw_dir)
    except regions.UnknownMunicipality as exc:
        _fail(str(exc))
        return
    slug = regions.slugify(name)
    found = sorted(settings.curated_dir.glob(f"behovsanalys_{slug}_*.json"))
    wanted = settings.curated_dir / f"behovsanalys_{slug}_{year}.json" if year else (found[-1] if found else None)
    if wanted is None or not wanted.exists() or not settings.db_path.exists():
        _fail(f"no published lägesbild for {name}{' ' + str(year) if year else ''}: run `lagesbild run` first")
        return
    try:
        path, rows = planning.plan(settings.db_path, wanted, settings.plans_dir, slug, code, force)
    except planning.DraftExists as exc:
        _fail(str(exc))
        return
    typer.echo(f"{path}: {len(rows)} indicator(s) proposed gult or rött without a current measure")


@app.command("stop-server")
def stop_server() -> None:
    """Stop the local Prefect server that `lagesbild run` started and reuses."""
    from flows.pipeline import server

    typer.echo(server.stop())


@app.command("serve-reports")
def serve_reports(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1 (0: any free port).")] = 8000,
) -> None:
    """Serve the report site (reports/out/) on 127.0.0.1 for a quick look, until stopped with Ctrl-C."""
    from flows.report.render import site

    reports_dir = config.load().reports_dir
    if not (reports_dir / "index.html").exists():
        _fail(f"{reports_dir / 'index.html'} does not exist yet: run `lagesbild run` first")
    server = site.server(reports_dir, port)
    typer.echo(f"serving {reports_dir} at http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@app.command()
def generate() -> None:
    """Rewrite the synthetic demo files in data/raw/ (deterministic) and their manifest entries."""
    from flows.generate import generate_bundle

    raw_dir = config.load().raw_dir
    for path, rows in generate_bundle(raw_dir).items():
        typer.echo(f"{raw_dir / path}: {rows} rows")


def main() -> None:  # pragma: no cover
    logging.basicConfig(level=logging.INFO)
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
