"""Scheduled runs: a monthly refresh of the fetchable sources and the yearly lägesbild, as Prefect
deployments served by this process (`make serve`), times in Europe/Stockholm.

The yearly run waits for BRÅ's final statistics for the year before (published in late March): analysts
export them from SOL and take them in with `lagesbild ingest` before the first of April.
"""

from __future__ import annotations

import datetime as dt

from flows import config

config.apply_prefect_defaults()  # before Prefect is imported

from prefect import flow, get_run_logger, serve, task  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402
from prefect.schedules import Cron  # noqa: E402

from flows import regions  # noqa: E402
from flows.config import DEFAULT_MUNICIPALITY  # noqa: E402
from flows.landing import fetch  # noqa: E402
from flows.pipeline.flow import yearly_lagesbild  # noqa: E402

TIMEZONE = "Europe/Stockholm"
MONTHLY_CRON = "0 5 3 * *"  # 05:00 on the 3rd of every month
YEARLY_CRON = "0 6 1 4 *"  # 06:00 on 1 April


def _years(last: int | None, span: int = 11) -> list[int]:
    last = last or dt.date.today().year - 1
    return list(range(last - span + 1, last + 1))


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=300)
def fetch_source(source: str, municipality_codes: list[str], years: list[int], settings: config.Settings) -> list[str]:
    """One source's answers into the raw folder; what was stored (or already there) is logged."""
    logger = get_run_logger()
    raw_dir, client = settings.raw_dir, fetch.client_for(source, settings)
    if source == "scb":
        landed = fetch.scb_population(sorted(regions.municipalities(raw_dir)) + ["00"], years, raw_dir, client)
    elif source == "kolada":
        landed = fetch.kolada(municipality_codes, years, raw_dir, fetch.KOLADA_KPIS, client)
    else:
        landed = fetch.polisen(raw_dir, client)
    for item in landed:
        logger.info(item.describe())
    return [item.path for item in landed if item.new]


@flow(name="monthly-refresh")
def monthly_refresh(
    kommun: str = DEFAULT_MUNICIPALITY, peers: str = "Stockholm,Göteborg", last_year: int | None = None
):
    """Fetch SCB folkmängd, Kolada key figures and Polisen's latest events; rebuild if anything is new."""
    settings = config.load()
    codes = [regions.resolve(name, settings.raw_dir)[0] for name in [kommun, *filter(None, peers.split(","))]]
    years = _years(last_year)
    new = []
    for source in ("scb", "kolada", "polisen"):
        new += fetch_source(source, codes, years, settings)
    if new:
        yearly(kommun=kommun, peers=peers)
    return new


@flow(name="lagesbild")
def yearly(kommun: str = DEFAULT_MUNICIPALITY, year: int | None = None, peers: str = "", pdf: bool = True) -> str:
    """The yearly lägesbild with plain parameters (as set in the Prefect UI)."""
    settings = regions.run_settings(kommun, peers, year=year, render_pdf=pdf)
    return str(yearly_lagesbild(settings))


def deployments(kommun: str = DEFAULT_MUNICIPALITY) -> list:
    """The two scheduled deployments for one municipality."""
    return [
        monthly_refresh.to_deployment(
            name=f"monthly-refresh-{regions.slugify(kommun)}",
            schedules=[Cron(MONTHLY_CRON, timezone=TIMEZONE)],
            parameters={"kommun": kommun},
            description="Hämtar SCB, Kolada och Polisen varje månad och bygger om lägesbilden om något är nytt.",
            tags=["lagesbild", "fetch"],
        ),
        yearly.to_deployment(
            name=f"lagesbild-{regions.slugify(kommun)}",
            schedules=[Cron(YEARLY_CRON, timezone=TIMEZONE)],
            parameters={"kommun": kommun},
            description="Den årliga lägesbilden, efter BRÅ:s slutliga statistik för året innan.",
            tags=["lagesbild", "report"],
        ),
    ]


def main() -> None:  # pragma: no cover - serves until stopped
    import sys

    serve(*deployments(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_MUNICIPALITY))


if __name__ == "__main__":  # pragma: no cover
    main()
