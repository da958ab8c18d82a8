"""Series shown as they are, without tests: the municipality's own figures, published police events (with
when they happened: weekday, hour and month) and Kolada key figures."""

from __future__ import annotations

import duckdb

from flows.report import texts
from flows.report.context import SimpleSeries
from flows.report.marts import Scope, records

# The event types an indicator counts: its catalogue components.
IN_TYPES = (
    "list_contains((select string_split(components, ' + ') from mart_indicator_catalogue "
    "where indicator_id = $id), event_type)"
)
EVENTS_BY_YEAR = f"""
select year, sum(event_count) as events from mart_police_events_by_type_month
where region_code = $m and year <= $y and {IN_TYPES}
group by year order by year
"""
EVENTS_BY_HOUR = f"""
select weekday, hour, sum(event_count) as events from mart_police_events_by_type_hour
where region_code = $m and year <= $y and {IN_TYPES}
group by weekday, hour order by weekday, hour
"""
EVENTS_BY_MONTH = f"""
select month, sum(event_count) as events from mart_police_events_by_type_month
where region_code = $m and year <= $y and {IN_TYPES}
group by month order by month
"""


def _catalogue(con: duckdb.DuckDBPyConnection, area_id: str, kinds: list[str]) -> list[dict]:
    return records(
        con,
        "select * from mart_indicator_catalogue where list_contains($kinds, source) and area_id = $a "
        "order by indicator_id",
        {"kinds": kinds, "a": area_id},
    )


LOCAL_BY_YEAR = """
select year, value from mart_local_indicators_by_year
where indicator_id = $id and region_code = $m and year <= $y
order by year
"""
KOLADA_BY_YEAR = """
select year, value, status from mart_kolada_values_by_municipality_year
where list_contains(string_split($components, ' + '), kpi) and municipality_code = $m and gender = 'T' and year <= $y
order by year
"""


def _plain(con: duckdb.DuckDBPyConnection, scope: Scope, area_id: str, kind: str, query: str) -> list[SimpleSeries]:
    """The area's indicators of one kind as yearly series, where the municipality has any rows."""
    out = []
    for ind in _catalogue(con, area_id, [kind]):
        params = {"id": ind["indicator_id"], "components": ind["components"], "m": scope.code, "y": scope.year}
        rows = records(con, query, {k: v for k, v in params.items() if f"${k}" in query})
        if rows:
            out.append(SimpleSeries(ind["indicator_id"], ind["title_sv"], ind["definition_sv"], rows))
    return out


def local_series(con: duckdb.DuckDBPyConnection, scope: Scope, area_id: str) -> list[SimpleSeries]:
    """The municipality's own figures (e.g. shootings and explosions)."""
    return _plain(con, scope, area_id, "local", LOCAL_BY_YEAR)


def event_series(con: duckdb.DuckDBPyConnection, scope: Scope, area_id: str, slug: str) -> list[SimpleSeries]:
    out = []
    for ind in _catalogue(con, area_id, ["polisen"]):
        params = {"id": ind["indicator_id"], "m": scope.code, "y": scope.year}
        rows = records(con, EVENTS_BY_YEAR, params)
        if not rows:
            continue
        by_hour, by_month = records(con, EVENTS_BY_HOUR, params), records(con, EVENTS_BY_MONTH, params)
        pattern = (
            {
                "pattern_file": f"charts/{slug}-{ind['indicator_id']}-tid.svg",
                "pattern_alt": texts.pattern_alt(ind["title_sv"], scope.municipality, by_hour, by_month),
            }
            if by_hour
            else {}
        )
        out.append(
            SimpleSeries(
                ind["indicator_id"],
                ind["title_sv"],
                ind["definition_sv"],
                rows,
                by_hour,
                by_month,
                first_published=scope.event_period["first"],
                last_published=scope.event_period["last"],
                **pattern,
            )
        )
    return out


def kolada_series(con: duckdb.DuckDBPyConnection, scope: Scope, area_id: str) -> list[SimpleSeries]:
    """The area's Kolada key figures for the municipality (both sexes), as far as they have been fetched."""
    return _plain(con, scope, area_id, "kolada", KOLADA_BY_YEAR)
