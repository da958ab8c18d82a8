"""How the report reads the curated data: marts and meta tables only (never staging or intermediate
models), every value bound. `Scope` holds what every builder of one report shares."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from flows.config import Settings

# What one municipality's report reads of the published tables: these only by the rows that name it (in the
# column given), those in NOT_READ not at all, every other table whole (riket, the county and the other
# municipalities are compared with). The render key (flows/pipeline/cache.py) is made of the digests of
# exactly this, so that a changed survey file renders again only the municipalities it has rows for.
# tests/test_incremental.py builds a report from only this and checks it is the report built from all.
BY_MUNICIPALITY = {
    "mart_crime_indicators_by_district_year": "municipality_code",
    "mart_kolada_values_by_municipality_year": "municipality_code",
    "mart_local_indicators_by_year": "region_code",
    "mart_measures": "municipality_code",
    "mart_peers_by_municipality_year": "municipality_code",
    "mart_police_events_by_district_year": "region_code",
    "mart_police_events_by_type_hour": "region_code",
    "mart_police_events_by_type_month": "region_code",
    "mart_source_files_by_municipality": "municipality_code",
    "mart_survey_indicators_by_area_year": "municipality_code",
}
NOT_READ = ("mart_source_files", "meta_table_digests")  # the report's list of files is the one by municipality


def records(con: duckdb.DuckDBPyConnection, query: str, params: dict | None = None) -> list[dict]:
    """A query's rows as dicts, with SQL nulls (and pandas' NaN, NA, NaT) as None."""
    frame = con.execute(query, params or {}).df()
    return [
        {k: (None if (isinstance(v, float) and pd.isna(v)) or v is pd.NA or v is pd.NaT else v) for k, v in row.items()}
        for row in frame.to_dict("records")
    ]


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(con.execute("select count(*) from duckdb_tables() where table_name = $n", {"n": name}).fetchall()[0][0])


def latest_year(con: duckdb.DuckDBPyConnection, municipality_code: str) -> int:
    rows = con.execute(
        "select max(year) from mart_crime_indicators_by_region_year where region_code = $m and indicator_id = 'ALL-01'",
        {"m": municipality_code},
    ).fetchall()
    if not rows or rows[0][0] is None:
        raise LookupError(f"no crime figures for municipality {municipality_code} in the curated data")
    return int(rows[0][0])


def municipality_name(con: duckdb.DuckDBPyConnection, code: str) -> str:
    rows = con.execute("select region_name from mart_regions where region_code = $m", {"m": code}).fetchall()
    if not rows:
        raise LookupError(f"municipality {code} is not in the curated data")
    return rows[0][0]


def peer_codes(con: duckdb.DuckDBPyConnection, municipality_code: str, year: int, configured: tuple[str, ...]) -> list:
    """Configured peers, else the mart's (the catalogue's, else the three nearest in population)."""
    if configured:
        return list(configured)
    rows = con.execute(
        """
        select peer_code from mart_peers_by_municipality_year
        where municipality_code = $m
          and year = (select max(year) from mart_peers_by_municipality_year where municipality_code = $m and year <= $y)
        order by peer_rank
        """,
        {"m": municipality_code, "y": year},
    ).fetchall()
    return [r[0] for r in rows]


@dataclass(frozen=True)
class Scope:
    """One report: its municipality and year, the regions it compares with, and the run's settings."""

    settings: Settings
    year: int
    municipality: str
    names: dict[str, str]  # region code → name
    peers: list[str]  # peer codes
    county_codes: list[str]
    event_period: dict  # {first, last}: the span of the municipality's published police events

    @property
    def code(self) -> str:
        return self.settings.municipality_code

    @property
    def peer_names(self) -> list[str]:
        return [self.names.get(p, p) for p in self.peers]


def scope(con: duckdb.DuckDBPyConnection, settings: Settings, year: int) -> Scope:
    names = dict(con.execute("select region_code, region_name from mart_regions").fetchall())
    code = settings.municipality_code
    county = con.execute("select county_code from mart_regions where region_code = $m", {"m": code}).fetchall()
    event_period = records(
        con,
        "select min(first_published_at) as first, max(last_published_at) as last "
        "from mart_police_events_by_type_month where region_code = $m",
        {"m": code},
    )[0]
    return Scope(
        settings=settings,
        year=year,
        municipality=names[code],
        names=names,
        peers=peer_codes(con, code, year, settings.peer_codes),
        county_codes=[county[0][0]] if county and county[0][0] else [],
        event_period=event_period,
    )
