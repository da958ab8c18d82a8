"""Maps for the overview: the county's municipalities coloured by a headline rate, each marked with where it
lies against the funnel plot's limits (a shape and a word, never colour alone); and the city's districts
(stadsområden) where BRÅ's district figures exist. Each map comes with the table of what it shows."""

from __future__ import annotations

import json

import duckdb

from flows import fmt
from flows.report import texts
from flows.report.context import CrimeIndicator, MapFigure
from flows.report.marts import Scope, records

SHAPE = {"above": "triangle-up", "inside": "circle", "below": "triangle-down"}


def _centre(geometry: dict) -> tuple[float, float]:
    """The middle of a feature's bounding box (its largest polygon's): where its marker goes."""
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    ring = max((p[0] for p in polygons), key=len)
    lons, lats = [c[0] for c in ring], [c[1] for c in ring]
    return (min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2


def county_map(con: duckdb.DuckDBPyConnection, scope: Scope, headline: CrimeIndicator | None) -> MapFigure | None:
    """The municipalities of the report's county, coloured by the headline indicator's rate."""
    if not scope.county_codes or headline is None or headline.funnel_model is None:
        return None
    rows = records(
        con,
        """
        select boundaries.code, boundaries.name, boundaries.geometry, crime.rate_per_100k, crime.population,
               crime.is_synthetic
        from mart_boundaries as boundaries
        inner join mart_crime_indicators_by_region_year as crime
            on crime.region_code = boundaries.code and crime.indicator_id = $indicator and crime.year = $year
        where boundaries.kind = 'kommun' and boundaries.county_code = $county and crime.rate_per_100k is not null
        order by boundaries.name
        """,
        {"indicator": headline.indicator_id, "year": scope.year, "county": scope.county_codes[0]},
    )
    if not rows:
        return None
    model, county = headline.funnel_model, scope.names.get(scope.county_codes[0], scope.county_codes[0])
    table = []
    positions = model.positions([r["rate_per_100k"] for r in rows], [r["population"] for r in rows])
    for r, position in zip(rows, positions, strict=True):
        lon, lat = _centre(json.loads(r["geometry"]))
        table.append(
            {
                "region": r["name"],
                "rate": r["rate_per_100k"],
                "population": r["population"],
                "position": texts.POSITION_SV[position],
                "side": position.split("_")[0],
                "is_synthetic": bool(r["is_synthetic"]),
                "geometry": r["geometry"],
                "lon": lon,
                "lat": lat,
            }
        )
    top, low = max(table, key=lambda t: t["rate"]), min(table, key=lambda t: t["rate"])
    counts = {side: sum(t["side"] == side for t in table) for side in SHAPE}
    alt = (
        f"Karta: {county}s {len(table)} kommuner färgade efter {texts.in_sentence(headline.title)} "
        "per 100 000 invånare "
        f"{scope.year}, mörkare är högre. Högst {top['region']} ({fmt.number(top['rate'], 1)}), lägst "
        f"{low['region']} ({fmt.number(low['rate'], 1)}). Mot trattdiagrammets gränser: {counts['above']} över "
        f"(triangel uppåt), {counts['inside']} inom (ring) och {counts['below']} under (triangel nedåt)."
    )
    return MapFigure(
        file=f"charts/karta-{scope.county_codes[0]}-{headline.indicator_id}.svg",
        title=f"{headline.title} per 100 000 invånare {scope.year}, {county}",
        alt=alt,
        value_label="Per 100 000 invånare",
        rows=table,
    )


def district_map(con: duckdb.DuckDBPyConnection, scope: Scope, indicator_id: str = "ALL-01") -> MapFigure | None:
    """The city's districts coloured by anmälda brott (counts: no district population is bundled)."""
    rows = records(
        con,
        """
        select boundaries.name, boundaries.geometry, crime.reported_count, crime.count_status
        from mart_boundaries as boundaries
        inner join mart_crime_indicators_by_district_year as crime
            on crime.district_name = boundaries.name and crime.municipality_code = boundaries.municipality_code
        where boundaries.kind = 'district' and boundaries.municipality_code = $m and crime.indicator_id = $i
          and crime.year = $y
        order by boundaries.name
        """,
        {"m": scope.code, "i": indicator_id, "y": scope.year},
    )
    if not rows:
        return None
    table = [
        {
            "region": r["name"],
            "rate": r["reported_count"],
            "status": r["count_status"],
            "geometry": r["geometry"],
            "side": "inside",
            "position": "",
            "is_synthetic": False,
            "population": None,
            **dict(zip(("lon", "lat"), _centre(json.loads(r["geometry"])), strict=True)),
        }
        for r in rows
    ]
    shown = [t for t in table if t["rate"] is not None]
    top = max(shown, key=lambda t: t["rate"]) if shown else None
    alt = (
        f"Karta: {scope.municipality}s {len(table)} stadsområden färgade efter antal anmälda brott {scope.year}"
        + (f"; flest i {top['region']} ({fmt.number(top['rate'])})" if top else "")
        + ". Stadsområdena summerar inte till hela stadens antal (omkring 90–98 %)."
    )
    return MapFigure(
        file=f"charts/karta-{scope.code}-stadsomraden.svg",
        title=f"Anmälda brott per stadsområde {scope.year}, {scope.municipality}",
        alt=alt,
        value_label="Anmälda brott",
        rows=table,
    )
