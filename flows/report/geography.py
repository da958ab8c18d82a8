"""Geografi: published police events per district (rows) and year (columns) from the district mart, each
cell a number or a status symbol, small cells already suppressed in the mart."""

from __future__ import annotations

import duckdb

from flows import cells
from flows.report.marts import records


def district_table(con: duckdb.DuckDBPyConnection, municipality_code: str, year: int) -> dict | None:
    found = records(
        con,
        "select district_name, year, event_count, count_status, min_cell_count "
        "from mart_police_events_by_district_year where region_code = $m and year <= $y order by district_name, year",
        {"m": municipality_code, "y": year},
    )
    if not found:
        return None
    years = sorted({c["year"] for c in found})
    rows: dict[str, dict] = {}
    for c in found:
        rows.setdefault(c["district_name"], {})[c["year"]] = cells.display(c["event_count"], c["count_status"])
    for name in rows:  # a district without a cell for a year (no events file for it): missing, not zero
        rows[name] = {y: rows[name].get(y, cells.display(None, cells.MISSING)) for y in years}
    return {
        "years": years,
        "rows": rows,
        "min_cell_count": found[0]["min_cell_count"],
        "legend": cells.legend(found[0]["min_cell_count"]),
    }
