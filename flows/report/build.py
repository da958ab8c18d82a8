"""The report context of one municipality and year, built from the marts in one pass: the overview's totals
and geography, and per priority area its register and survey indicators, series, analysis and sources."""

from __future__ import annotations

from datetime import date

import duckdb

from flows.config import PROJECT_DIR, Settings
from flows.regions import slugify
from flows.report import analysis, crime, marts, provenance, quality, series, survey
from flows.report.context import AreaReport, Overview, Quality
from flows.report.geography import district_table
from flows.report.marts import Scope, records


def _area(con: duckdb.DuckDBPyConnection, scope: Scope, area: dict, common: dict) -> AreaReport:
    slug = slugify(area["slug"])
    crime_indicators = crime.crime_indicators(con, scope, area["area_id"], slug)
    survey_indicators = survey.survey_indicators(con, scope, area["area_id"], slug)
    local = series.local_series(con, scope, area["area_id"])
    events = series.event_series(con, scope, area["area_id"], slug)
    kolada = series.kolada_series(con, scope, area["area_id"])
    current: dict[str, float | None] = {i.indicator_id: i.rate for i in crime_indicators}
    current |= {s.indicator_id: (s.latest or {}).get("value") for s in survey_indicators}
    settings = scope.settings
    text, text_path = analysis.for_area(
        settings.analysis_dir, PROJECT_DIR, slugify(scope.municipality), scope.year, slug, current
    )
    used = {
        "bra": any(i.count is not None for i in crime_indicators),
        "survey": any(s.rows for s in survey_indicators),
        "local": bool(local),
        "polisen": bool(events),
        "kolada": bool(kolada),
    }
    return AreaReport(
        area_id=area["area_id"],
        number=int(area["area_number"]),
        slug=slug,
        title=area["title_sv"],
        coverage=area["coverage"],
        coverage_note=area["coverage_note_sv"],
        crime=crime_indicators,
        survey=survey_indicators,
        local=local,
        events=events,
        kolada=kolada,
        analysis=text,
        analysis_path=text_path,
        source_use=provenance.source_use(con, area["area_id"], scope.municipality, used),
        source_notes=provenance.source_notes(common["sources"], crime_indicators, scope.year),
        **common,
    )


def build_context(con: duckdb.DuckDBPyConnection, settings: Settings, year: int) -> Overview:
    """The whole context of a report; nothing is added to it afterwards."""
    scope = marts.scope(con, settings, year)
    files = records(con, "select * from mart_source_files order by source_file")
    checks: Quality | None = quality.data_quality(con)
    common = {
        "municipality": scope.municipality,
        "municipality_code": settings.municipality_code,
        "year": year,
        "peers": scope.peer_names,
        "sources": files,
        "has_synthetic": any(s["is_synthetic"] for s in files),
        "generated": date.today().isoformat(),
        "first_year": settings.first_trend_year,
        "quality": checks,
    }
    areas = [
        _area(con, scope, area, common)
        for area in records(con, "select * from mart_priority_areas order by area_number")
    ]
    return Overview(
        totals=crime.crime_indicators(con, scope, None, "oversikt"),
        areas=areas,
        geography=district_table(con, settings.municipality_code, year),
        **common,
    )
