"""Register indicators (BRÅ anmälda brott) of one area or of the overview, from the crime mart: the
municipality's figure, its trend, the comparison with riket, the county and the peers, the change tests,
the proposed level, and the names and alt texts of its charts."""

from __future__ import annotations

import duckdb
import pandas as pd

from flows import stats
from flows.report import levels, texts
from flows.report.context import CrimeIndicator
from flows.report.marts import Scope, records


def _own_change(own: pd.DataFrame, year: int) -> tuple[stats.Change | None, stats.Change | None]:
    """The report year against the year before, and against the three years before as one exposure."""
    cur, prev = own[own.year == year], own[own.year == year - 1]
    change = change_3y = None
    if len(cur) and len(prev) and pd.notna(cur.population.iloc[0]) and pd.notna(prev.population.iloc[0]):
        change = stats.poisson_rate_change(
            int(cur.reported_count.iloc[0]),
            float(cur.population.iloc[0]),
            int(prev.reported_count.iloc[0]),
            float(prev.population.iloc[0]),
        )
    base = own[(own.year >= year - 3) & (own.year < year)]
    if len(cur) and len(base) == 3 and pd.notna(cur.population.iloc[0]) and base.population.notna().all():
        change_3y = stats.poisson_rate_change(
            int(cur.reported_count.iloc[0]),
            float(cur.population.iloc[0]),
            int(base.reported_count.sum()),
            float(base.population.sum()),
        )
    return change, change_3y


def _comparison(latest: pd.DataFrame, scope: Scope) -> list[dict]:
    regions = [scope.code, "00", *scope.county_codes, *scope.peers]
    kinds = {scope.code: "kommun", "00": "riket"} | dict.fromkeys(scope.county_codes, "lan")
    out = []
    for code in regions:
        r = latest[latest.region_code == code]
        out.append(
            {
                "region": scope.names.get(code, code),
                "kind": kinds.get(code, "peer"),
                "count": int(r.reported_count.iloc[0]) if len(r) else None,
                "rate": float(r.rate_per_100k.iloc[0]) if len(r) and pd.notna(r.rate_per_100k.iloc[0]) else None,
                "population": int(r.population.iloc[0]) if len(r) and pd.notna(r.population.iloc[0]) else None,
            }
        )
    return out


def _trend(own: pd.DataFrame) -> list[dict]:
    return [
        {
            "year": int(r.year),
            "count": int(r.reported_count),
            "rate": None if pd.isna(r.rate_per_100k) else float(r.rate_per_100k),
            "population": None if pd.isna(r.population) else int(r.population),
            "is_preliminary": bool(r.is_preliminary),
        }
        for r in own.itertuples()
    ]


def _value(frame: pd.DataFrame, column: str, kind=float):
    return kind(frame[column].iloc[0]) if len(frame) and pd.notna(frame[column].iloc[0]) else None


def _figures(ind: dict, slug: str, scope: Scope, rows: pd.DataFrame, funnel: pd.DataFrame, facts: dict) -> dict:
    """The charts an indicator gets (file names) and what they say (alt texts, the funnel position)."""
    if rows.empty:
        return {}
    order = [c["region"] for c in facts["comparison"]]
    shown = set(rows.region_code.map(scope.names))
    out = {
        "chart_file": f"charts/{slug}-{ind['indicator_id']}.svg",
        "alt_text": texts.trend_alt(
            ind["title_sv"],
            facts["trend"],
            scope.municipality,
            [r for r in order[1:] if r in shown],
            facts["change_text"],
            facts["breaks"],
        ),
    }
    riket, rate, population = facts["comparison"][1]["rate"], facts["rate"], facts["population"]
    if len(funnel) > 2 and ind["is_headline"] and riket and rate and population:
        position = stats.funnel_position(rate, population, riket)
        funnel_text = f"{scope.municipality} {texts.FUNNEL_SV[position]}."
        out |= {
            "funnel_text": funnel_text,
            "funnel_file": f"charts/{slug}-{ind['indicator_id']}-tratt.svg",
            "funnel_alt": texts.funnel_alt(ind["title_sv"], scope.year, len(funnel), riket, funnel_text),
        }
    return out


def _indicator(ind: dict, slug: str, scope: Scope, rows: pd.DataFrame, funnel: pd.DataFrame, breaks) -> CrimeIndicator:
    year = scope.year
    own = rows[rows.region_code == scope.code].sort_values("year")
    cur = own[own.year == year]
    change, change_3y = _own_change(own, year)
    comparison = _comparison(rows[rows.year == year], scope)
    rate = _value(cur, "rate_per_100k")
    level, level_rule = levels.crime_level(change_3y, rate, comparison[1]["rate"])
    facts = {
        "comparison": comparison,
        "trend": _trend(own),
        "rate": rate,
        "population": _value(cur, "population", int),
        "change_text": texts.change_text(change, ind["title_sv"].lower()),
        "breaks": breaks,
    }
    return CrimeIndicator(
        indicator_id=ind["indicator_id"],
        title=ind["title_sv"],
        definition=ind["definition_sv"],
        is_enforcement_driven=bool(ind["is_enforcement_driven"]),
        is_headline=bool(ind["is_headline"]),
        year=year,
        count=_value(cur, "reported_count", int),
        rate=rate,
        population=facts["population"],
        population_year=_value(cur, "population_year", int),
        is_preliminary=bool(cur.is_preliminary.iloc[0]) if len(cur) else False,
        change=change,
        change_text=facts["change_text"],
        change_3y=change_3y,
        change_3y_text=texts.change_3y_text(change_3y, year),
        level=level,
        level_rule=level_rule,
        trend=facts["trend"],
        comparison=comparison,
        chart_data=rows.assign(region_name=rows.region_code.map(scope.names)),
        funnel_data=funnel,
        breaks=breaks,
        **_figures(ind, slug, scope, rows, funnel, facts),
    )


def crime_indicators(con: duckdb.DuckDBPyConnection, scope: Scope, area_id: str | None, slug: str) -> list:
    """The register indicators of an area (None: the overview's totals), in catalogue order."""
    catalogue = records(
        con,
        "select * from mart_indicator_catalogue where source = 'bra' and area_id is not distinct from $area "
        "order by indicator_id",
        {"area": area_id},
    )
    settings = scope.settings
    span = {"first": settings.first_trend_year, "year": scope.year}
    data = con.execute(
        """
        select * from mart_crime_indicators_by_region_year
        where list_contains($regions, region_code) and year between $first and $year
        """,
        {"regions": [scope.code, "00", *scope.county_codes, *scope.peers]} | span,
    ).df()
    breaks = records(
        con,
        "select indicator_id, year, description_sv from mart_series_breaks "
        "where year between $first and $year order by year",
        span,
    )
    everyone = con.execute(
        """
        select indicator_id, region_code, region_name, population, rate_per_100k, reported_count
        from mart_crime_indicators_by_region_year
        where region_type = 'kommun' and year = $year and population is not null
        """,
        {"year": scope.year},
    ).df()
    return [
        _indicator(
            ind,
            slug,
            scope,
            data[data.indicator_id == ind["indicator_id"]],
            everyone[everyone.indicator_id == ind["indicator_id"]],
            [b for b in breaks if b["indicator_id"] == ind["indicator_id"]],
        )
        for ind in catalogue
    ]
