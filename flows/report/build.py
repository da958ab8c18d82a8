"""The report context of one municipality and year, built from the marts in one pass: the overview's totals
and geography, and per priority area its register and survey indicators, series, analysis and sources."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb

from flows import stats
from flows.config import PROJECT_DIR, Settings
from flows.regions import slugify
from flows.report import analysis, crime, followup, maps, marts, provenance, quality, series, survey, texts
from flows.report.context import AreaReport, CrimeIndicator, Overview, Quality, SurveyIndicator
from flows.report.geography import district_table
from flows.report.marts import Scope, records


def _area(con: duckdb.DuckDBPyConnection, scope: Scope, area: dict, common: dict, edition: Edition) -> AreaReport:
    slug = slugify(area["slug"])
    shown = [m for m in edition.membership if m["area_id"] == area["area_id"]]
    crime_indicators = [edition.crime[m["indicator_id"]] for m in shown if m["indicator_id"] in edition.crime]
    survey_indicators = [edition.survey[m["indicator_id"]] for m in shown if m["indicator_id"] in edition.survey]
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
        measures=[m for m in edition.measures if m.area_id == area["area_id"]],
        has_plan=bool(edition.measures),
        references={
            m["indicator_id"]: {"note": m["note_sv"] or "", "home": edition.home_titles.get(m["indicator_id"])}
            for m in shown
            if not m["is_home_area"]
        },
        source_use=provenance.source_use(con, area["area_id"], scope.municipality, used),
        source_notes=provenance.source_notes(common["sources"], crime_indicators, scope.year),
        synthetic_notes=texts.synthetic_notes(crime_indicators, survey_indicators),
        **common,
    )


@dataclass(frozen=True)
class Edition:
    """Every indicator of the edition, built once (an indicator shown in two areas is one object), with its
    tests adjusted together for the false discovery rate, and which area shows which."""

    crime: dict[str, CrimeIndicator]
    survey: dict[str, SurveyIndicator]
    membership: list[dict]  # area_id, indicator_id, is_home_area, note_sv, in the areas' display order
    home_titles: dict[str, str]  # indicator id → the title of its own area (none: an overview figure)
    measures: list = field(default_factory=list)  # the åtgärdsplan's measures, followed up


def edition(con: duckdb.DuckDBPyConnection, scope: Scope) -> Edition:
    """All the edition's tests are one family: Benjamini–Hochberg across them gives each its q-value."""
    crime_p, survey_p = crime.prepare(con, scope), survey.prepare(con, scope)
    keys = [(i, kind) for i in crime_p for kind in ("change", "change_3y")] + [(i, "survey") for i in survey_p]
    tests = [getattr(crime_p[i], kind) if kind != "survey" else survey_p[i].change for i, kind in keys]
    adjusted = dict(zip(keys, stats.with_fdr(tests), strict=True))
    membership = records(con, "select * from mart_indicators_by_area order by area_id, indicator_id")
    titles = dict(con.execute("select area_id, title_sv from mart_priority_areas").fetchall())
    built_crime = {
        i: crime.indicator(p, scope, adjusted[(i, "change")], adjusted[(i, "change_3y")]) for i, p in crime_p.items()
    }
    built_survey = {i: survey.indicator(con, p, scope, adjusted[(i, "survey")]) for i, p in survey_p.items()}
    indicator_titles = dict(con.execute("select indicator_id, title_sv from mart_indicator_catalogue").fetchall())
    return Edition(
        crime=built_crime,
        survey=built_survey,
        membership=membership,
        home_titles={m["indicator_id"]: titles[m["area_id"]] for m in membership if m["is_home_area"]},
        measures=followup.followups(con, scope, built_crime, built_survey, indicator_titles),
    )


def build_context(con: duckdb.DuckDBPyConnection, settings: Settings, year: int) -> Overview:
    """The whole context of a report; nothing is added to it afterwards."""
    scope = marts.scope(con, settings, year)
    files = records(
        con,
        "select * exclude (municipality_code) from mart_source_files_by_municipality where municipality_code = $m "
        "order by source_file",
        {"m": settings.municipality_code},
    )
    checks: Quality | None = quality.data_quality(con)
    common = {
        "municipality": scope.municipality,
        "municipality_code": settings.municipality_code,
        "year": year,
        "peers": scope.peer_names,
        "sources": files,
        "generated": date.today().isoformat(),
        "first_year": settings.first_trend_year,
        "quality": checks,
    }
    built = edition(con, scope)
    areas = [
        _area(con, scope, area, common, built)
        for area in records(con, "select * from mart_priority_areas order by area_number")
    ]
    homes = {m["indicator_id"] for m in built.membership if m["is_home_area"]}
    totals = [ind for i, ind in built.crime.items() if i not in homes]
    headline = next((i for i in totals if i.funnel_model is not None), None)
    found = [maps.county_map(con, scope, headline), maps.district_map(con, scope)]
    return Overview(
        totals=totals,
        maps=[m for m in found if m],
        measures=built.measures,
        has_plan=bool(built.measures),
        synthetic_notes=texts.synthetic_notes(list(built.crime.values()), list(built.survey.values())),
        areas=areas,
        geography=district_table(con, settings.municipality_code, year),
        **common,
    )
