"""Register indicators (BRÅ anmälda brott) from the crime mart, in two steps. `prepare` reads every
indicator's figures once and runs its change tests (year on year and against the three years before),
allowing for the series' own overdispersion and refusing to compare across a series break. `indicator`
then builds the context object from a prepared indicator and its tests once the edition's false discovery
rate has been applied (flows/report/build.py): the proposed level, the texts and the charts' names."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from flows import stats
from flows.report import levels, texts
from flows.report.context import CrimeIndicator
from flows.report.marts import Scope, records


@dataclass(frozen=True)
class Prepared:
    """One indicator's figures and tests, before the edition's tests are adjusted together."""

    ind: dict  # its catalogue row
    slug: str  # the page its charts are named after: its home area, or the overview
    rows: pd.DataFrame  # every compared region, the years shown
    funnel: pd.DataFrame  # every municipality with a rate, the report year
    breaks: list[dict]
    change: stats.Change | None
    change_3y: stats.Change | None
    phi: stats.Dispersion | None


def _cell(frame: pd.DataFrame, column: str, kind=float):
    return kind(frame[column].iloc[0]) if len(frame) and pd.notna(frame[column].iloc[0]) else None


def _tests(own: pd.DataFrame, year: int, break_years: set[int]):
    """The report year against the year before, and against the three years before as one exposure."""
    own = own[own.year <= year]
    counts, exposures = own.reported_count.to_numpy(float), own.population.to_numpy(float)
    years = own.year.to_numpy()
    valid = (np.diff(years) == 1) & ~np.isin(years[1:], list(break_years))  # consecutive, not across a break
    dispersion = stats.dispersion(counts, exposures, valid)
    cur, prev = own[own.year == year], own[own.year == year - 1]
    base = own[(own.year >= year - 3) & (own.year < year)]
    change = change_3y = None
    if len(cur) and pd.notna(cur.population.iloc[0]):
        count, exposure = int(cur.reported_count.iloc[0]), float(cur.population.iloc[0])
        if len(prev) and pd.notna(prev.population.iloc[0]):
            change = _test(count, exposure, prev, dispersion, year in break_years, year, 1)
        if len(base) == 3 and base.population.notna().all():
            crosses = bool({year - 2, year - 1, year} & break_years)
            change_3y = _test(count, exposure, base, dispersion, crosses, year, 3)
    return change, change_3y, dispersion


def _test(count, exposure, reference: pd.DataFrame, dispersion, crosses_break: bool, year: int, span: int):
    ref_count, ref_exposure = int(reference.reported_count.sum()), float(reference.population.sum())
    current, ref_rate = count / exposure, ref_count / ref_exposure
    if crosses_break:
        first = year - span
        return stats.untested(current, ref_rate, texts.across_break_note(first, year))
    if dispersion is None:
        return stats.untested(current, ref_rate, texts.SHORT_SERIES_NOTE)
    return stats.poisson_rate_change(count, exposure, ref_count, ref_exposure, dispersion.phi)


def prepare(con: duckdb.DuckDBPyConnection, scope: Scope) -> dict[str, Prepared]:
    """Every register indicator of the catalogue, by id, with its figures and tests."""
    catalogue = records(
        con,
        """
        select catalogue.*, coalesce(areas.slug, 'oversikt') as page_slug
        from mart_indicator_catalogue as catalogue
        left join mart_priority_areas as areas on areas.area_id = catalogue.area_id
        where catalogue.source = 'bra'
        order by catalogue.indicator_id
        """,
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
        select indicator_id, region_code, region_name, population, rate_per_100k, reported_count, is_synthetic
        from mart_crime_indicators_by_region_year
        where region_type = 'kommun' and year = $year and population is not null
        """,
        {"year": scope.year},
    ).df()
    out = {}
    for ind in catalogue:
        rows = data[data.indicator_id == ind["indicator_id"]]
        own = rows[rows.region_code == scope.code].sort_values("year")
        own_breaks = [b for b in breaks if b["indicator_id"] == ind["indicator_id"]]
        change, change_3y, phi = _tests(own, scope.year, {b["year"] for b in own_breaks})
        out[ind["indicator_id"]] = Prepared(
            ind,
            ind["page_slug"],
            rows,
            everyone[everyone.indicator_id == ind["indicator_id"]],
            own_breaks,
            change,
            change_3y,
            phi,
        )
    return out


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
                "count": _cell(r, "reported_count", int),
                "rate": _cell(r, "rate_per_100k"),
                "population": _cell(r, "population", int),
                "count_basis": r.count_basis.iloc[0] if len(r) else None,
                "bra_national_count": _cell(r, "bra_national_count", int),
                "unplaced_count": _cell(r, "unplaced_count", int),
                "is_synthetic": bool(r.is_synthetic.iloc[0]) if len(r) else False,
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
            "is_synthetic": bool(r.is_synthetic),
        }
        for r in own.itertuples()
    ]


def _figures(p: Prepared, scope: Scope, facts: dict) -> dict:
    """The charts an indicator gets (file names) and what they say (alt texts, the funnel position)."""
    if p.rows.empty:
        return {}
    ind, order = p.ind, [c["region"] for c in facts["comparison"]]
    shown = set(p.rows.region_code.map(scope.names))
    out = {
        "chart_file": f"charts/{p.slug}-{ind['indicator_id']}.svg",
        "alt_text": texts.trend_alt(
            ind["title_sv"],
            facts["trend"],
            scope.municipality,
            [r for r in order[1:] if r in shown],
            facts["change_text"],
            p.breaks,
        ),
    }
    rate, population = facts["rate"], facts["population"]
    if len(p.funnel) > 2 and ind["is_headline"] and rate and population:
        model = stats.funnel(p.funnel.reported_count, p.funnel.population)
        position = model.position(rate, population)
        real = int((~p.funnel.is_synthetic.astype(bool)).sum())
        funnel_text = (
            f"{scope.municipality} {texts.FUNNEL_SV[position]}. {texts.funnel_method(model)}"
            f"{texts.funnel_origin(real, len(p.funnel))}"
        )
        out |= {
            "funnel_model": model,
            "funnel_text": funnel_text,
            "funnel_file": f"charts/{p.slug}-{ind['indicator_id']}-tratt.svg",
            "funnel_alt": texts.funnel_alt(ind["title_sv"], scope.year, len(p.funnel), model.centre, funnel_text),
        }
    return out


def indicator(p: Prepared, scope: Scope, change: stats.Change | None, change_3y: stats.Change | None):
    """The context object of a prepared indicator, with its tests as adjusted for the whole edition."""
    ind, year = p.ind, scope.year
    own = p.rows[p.rows.region_code == scope.code].sort_values("year")
    cur = own[own.year == year]
    comparison = _comparison(p.rows[p.rows.year == year], scope)
    rate = _cell(cur, "rate_per_100k")
    level, level_rule = levels.crime_level(
        change_3y, rate, comparison[1]["rate"], ind["direction"], bool(ind["is_enforcement_driven"])
    )
    facts = {
        "comparison": comparison,
        "trend": _trend(own),
        "rate": rate,
        "population": _cell(cur, "population", int),
        "change_text": texts.change_text(change, texts.in_sentence(ind["title_sv"])),
    }
    synthetic_years = [t["year"] for t in facts["trend"] if t["is_synthetic"]]
    return CrimeIndicator(
        indicator_id=ind["indicator_id"],
        title=ind["title_sv"],
        definition=ind["definition_sv"],
        is_enforcement_driven=bool(ind["is_enforcement_driven"]),
        is_headline=bool(ind["is_headline"]),
        direction=ind["direction"],
        year=year,
        count=_cell(cur, "reported_count", int),
        rate=rate,
        population=facts["population"],
        population_year=_cell(cur, "population_year", int),
        denominator=_cell(cur, "denominator", str) or "total",
        wanted_denominator=ind["denominator"] or "total",
        is_preliminary=bool(cur.is_preliminary.iloc[0]) if len(cur) else False,
        change=change,
        change_text=facts["change_text"],
        change_3y=change_3y,
        change_3y_text=texts.change_3y_text(change_3y, year),
        dispersion=p.phi,
        level=level,
        level_rule=level_rule,
        trend=facts["trend"],
        comparison=comparison,
        riket_note=texts.riket_note(comparison[1]),
        synthetic_years=synthetic_years,
        synthetic_municipalities=int(p.funnel.is_synthetic.astype(bool).sum()) if len(p.funnel) else 0,
        chart_data=p.rows.assign(region_name=p.rows.region_code.map(scope.names)),
        funnel_data=p.funnel,
        breaks=p.breaks,
        **_figures(p, scope, facts),
    )
