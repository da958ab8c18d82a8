"""Build report contexts from the curated marts and render them: jinja2 → HTML, jinja2 → Typst → PDF.

No SQL lives in templates: every number a reader sees comes from a context field filled here from a
mart table, and formatting happens in template filters.
"""

from __future__ import annotations

import csv
import json
import logging
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import jinja2
import pandas as pd
import typst

from flows import cells as cells_
from flows import charts, fmt, needs
from flows.analysis import Analysis
from flows.analysis import load as load_analysis
from flows.config import PROJECT_DIR, TEMPLATES_DIR, Settings
from flows.regions import slugify
from flows.stats import Change, poisson_rate_change, pool_small_years, two_proportion_change

log = logging.getLogger(__name__)

KIND_SV = {
    "real": "Verklig",
    "derived": "Härledd",
    "synthetic": "Demodata (syntetisk)",
    "unrecorded": "Ej registrerad i manifestet",
}
VERDICT_SV = {
    "increase": "säkerställd ökning",
    "decrease": "säkerställd minskning",
    "none": "ingen säkerställd förändring",
}


@dataclass
class CrimeIndicator:
    indicator_id: str
    title: str
    definition: str
    is_enforcement_driven: bool
    is_headline: bool
    year: int
    count: int | None
    rate: float | None
    population: int | None
    population_year: int | None
    is_preliminary: bool
    change: Change | None
    change_text: str
    trend: list[dict]
    comparison: list[dict]
    breaks: list[dict] = field(default_factory=list)  # series breaks in the years shown (year, description)
    change_3y: Change | None = None  # against the mean of the three years before
    change_3y_text: str = ""
    level: str | None = None  # proposed grönt/gult/rött (flows/needs.py), never a decision
    level_rule: str = ""
    chart_data: pd.DataFrame | None = field(default=None, repr=False)  # all compared regions, for the chart
    funnel_data: pd.DataFrame | None = field(default=None, repr=False)  # every municipality, the report year
    funnel_text: str = ""
    funnel_file: str = ""
    funnel_svg: str = ""
    funnel_alt: str = ""
    chart_file: str = ""
    chart_svg: str = ""
    alt_text: str = ""


@dataclass
class SurveyIndicator:
    indicator_id: str
    title: str
    definition: str
    unit: str
    rows: list[dict]
    latest: dict | None
    change: Change | None
    change_text: str
    level: str | None = None
    level_rule: str = ""
    chart_file: str = ""
    chart_svg: str = ""
    alt_text: str = ""
    by_area: list[dict] = field(default_factory=list)  # the latest year's parts of the municipality, shown
    by_area_year: int | None = None
    by_area_note: str = ""


@dataclass
class SimpleSeries:
    indicator_id: str
    title: str
    definition: str
    rows: list[dict]
    by_hour: list[dict] = field(default_factory=list)  # weekday × hour, police events only
    by_month: list[dict] = field(default_factory=list)
    first_published: object = None  # the span of the municipality's published events in the data
    last_published: object = None
    pattern_file: str = ""
    pattern_svg: str = ""
    pattern_alt: str = ""


@dataclass
class Quality:
    """What was checked, what failed and what was quarantined: the Datakvalitet appendix."""

    checks: int
    passed: int
    tables: int
    failed: list[dict]
    quarantined: list[dict]


@dataclass
class AreaReport:
    area_id: str
    number: int
    slug: str
    title: str
    coverage: str
    coverage_note: str
    municipality: str
    municipality_code: str
    year: int
    peers: list[str]
    crime: list[CrimeIndicator]
    survey: list[SurveyIndicator]
    local: list[SimpleSeries]
    events: list[SimpleSeries]
    sources: list[dict]
    has_synthetic: bool
    generated: str
    first_year: int
    quality: Quality | None = None
    kolada: list[SimpleSeries] = field(default_factory=list)  # key figures fetched from Kolada, for comparison
    analysis: Analysis | None = None
    analysis_path: str = ""  # where the analysts' text for this area and year belongs
    source_use: list[dict] = field(default_factory=list)  # each kind of source: used here or not, and why
    source_notes: list[str] = field(default_factory=list)  # källkritik: from the load log and the catalogue


@dataclass
class Overview:
    municipality: str
    municipality_code: str
    year: int
    peers: list[str]
    totals: list[CrimeIndicator]
    areas: list[AreaReport]
    sources: list[dict]
    has_synthetic: bool
    generated: str
    first_year: int
    quality: Quality | None = None
    geography: dict | None = None  # published events per district and year, suppressed: {years, rows, ...}
    since_last: object = None  # flows.editions.SinceLast: what has changed since the last edition


# ---------------------------------------------------------------- context


def _records(con: duckdb.DuckDBPyConnection, query: str, params: dict | None = None) -> list[dict]:
    frame = con.execute(query, params or {}).df()
    return [
        {k: (None if (isinstance(v, float) and pd.isna(v)) or v is pd.NA or v is pd.NaT else v) for k, v in row.items()}
        for row in frame.to_dict("records")
    ]


def latest_year(con: duckdb.DuckDBPyConnection, municipality_code: str) -> int:
    rows = con.execute(
        "select max(year) from mart_crime_indicators_by_region_year where region_code = $m and indicator_id = 'ALL-01'",
        {"m": municipality_code},
    ).fetchall()
    if not rows or rows[0][0] is None:
        raise LookupError(f"no crime figures for municipality {municipality_code} in the curated data")
    return int(rows[0][0])


def peer_codes(
    con: duckdb.DuckDBPyConnection, municipality_code: str, year: int, configured: tuple[str, ...]
) -> list[str]:
    """Configured peers, else the catalogue's, else the three municipalities nearest in population."""
    if configured:
        return list(configured)
    listed = con.execute(
        "select peer_code from stg_catalogue__peers where municipality_code = $m order by source_row",
        {"m": municipality_code},
    ).fetchall()
    if listed:
        return [r[0] for r in listed]
    nearest = con.execute(
        """
        with pop as (
            select region_code, population from int_population_by_region_year
            where year = (select max(year) from int_population_by_region_year where year <= $y)
              and region_code <> '00'
        )
        select pop.region_code from pop, (select population from pop where region_code = $m) as own
        where pop.region_code <> $m
        order by abs(pop.population - own.population), pop.region_code
        limit 3
        """,
        {"m": municipality_code, "y": year},
    ).fetchall()
    return [r[0] for r in nearest]


def _change_text(change: Change | None, what: str) -> str:
    if change is None:
        return f"Jämförelse med föregående år saknas för {what}."
    verdict = VERDICT_SV[change.verdict].capitalize()
    return f"{verdict} jämfört med föregående år ({change.test}, {fmt.p_value(change.p_value)})."


def funnel_position(rate: float, population: float, riket_rate: float) -> str:
    """Where a municipality lies against riket's funnel limits: `above_998`, `above_95`, `inside`, ..."""
    se = (riket_rate / 100000 / population) ** 0.5 * 100000
    z = (rate - riket_rate) / se
    if abs(z) > charts.Z998:
        return "above_998" if z > 0 else "below_998"
    if abs(z) > charts.Z95:
        return "above_95" if z > 0 else "below_95"
    return "inside"


WEEKDAYS_SV = ["måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"]
MONTHS_SV = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
             "november", "december"]  # fmt: skip

FUNNEL_SV = {
    "above_998": "ligger över den övre 99,8-procentsgränsen: den högre nivån mot riket är knappast slumpmässig",
    "above_95": "ligger mellan den övre 95- och 99,8-procentsgränsen: troligen högre än riket; tolka försiktigt",
    "inside": "ligger inom 95-procentsgränserna: skillnaden mot riket kan vara slumpmässig",
    "below_95": "ligger mellan den undre 95- och 99,8-procentsgränsen: troligen lägre än riket; tolka försiktigt",
    "below_998": "ligger under den undre 99,8-procentsgränsen: den lägre nivån mot riket är knappast slumpmässig",
}


def _change_3y_text(change: Change | None, year: int) -> str:
    if change is None:
        return "Jämförelse med medelvärdet för de tre föregående åren saknas."
    verdict = VERDICT_SV[change.verdict].capitalize()
    return (
        f"{verdict} jämfört med medelvärdet {year - 3}–{year - 1} "
        f"({fmt.number(change.reference * 100000, 1)} per 100 000; {change.test}, {fmt.p_value(change.p_value)})."
    )


def crime_indicators(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    area_id: str | None,
    year: int,
    peers: list[str],
    names: dict,
    county_codes: list[str],
) -> list[CrimeIndicator]:
    area_filter = "area_id is null" if area_id is None else "area_id = $area"
    catalogue = _records(
        con,
        f"select * from mart_indicator_catalogue where source = 'bra' and {area_filter} order by indicator_id",
        {"area": area_id} if area_id else None,
    )
    regions = [settings.municipality_code, "00", *county_codes, *peers]
    kinds = {settings.municipality_code: "kommun", "00": "riket"} | dict.fromkeys(county_codes, "lan")
    data = con.execute(
        """
        select * from mart_crime_indicators_by_region_year
        where list_contains($regions, region_code) and year between $first and $year
        """,
        {"regions": regions, "first": settings.first_trend_year, "year": year},
    ).df()
    breaks = _records(
        con,
        "select indicator_id, year, description_sv from stg_catalogue__series_breaks "
        "where year between $first and $year order by year",
        {"first": settings.first_trend_year, "year": year},
    )
    everyone = con.execute(
        """
        select indicator_id, region_code, region_name, population, rate_per_100k, reported_count
        from mart_crime_indicators_by_region_year
        where region_type = 'kommun' and year = $year and population is not null
        """,
        {"year": year},
    ).df()
    out = []
    for ind in catalogue:
        rows = data[data.indicator_id == ind["indicator_id"]]
        own = rows[rows.region_code == settings.municipality_code].sort_values("year")
        cur = own[own.year == year]
        prev = own[own.year == year - 1]
        change = None
        if len(cur) and len(prev) and pd.notna(cur.population.iloc[0]) and pd.notna(prev.population.iloc[0]):
            change = poisson_rate_change(
                int(cur.reported_count.iloc[0]),
                float(cur.population.iloc[0]),
                int(prev.reported_count.iloc[0]),
                float(prev.population.iloc[0]),
            )
        base = own[(own.year >= year - 3) & (own.year < year)]
        change_3y = None
        if len(cur) and len(base) == 3 and pd.notna(cur.population.iloc[0]) and base.population.notna().all():
            # The three years before as one exposure: their counts and populations summed.
            change_3y = poisson_rate_change(
                int(cur.reported_count.iloc[0]),
                float(cur.population.iloc[0]),
                int(base.reported_count.sum()),
                float(base.population.sum()),
            )
        latest = rows[rows.year == year]
        comparison = []
        for code in regions:
            r = latest[latest.region_code == code]
            comparison.append(
                {
                    "region": names.get(code, code),
                    "kind": kinds.get(code, "peer"),
                    "count": int(r.reported_count.iloc[0]) if len(r) else None,
                    "rate": float(r.rate_per_100k.iloc[0]) if len(r) and pd.notna(r.rate_per_100k.iloc[0]) else None,
                    "population": int(r.population.iloc[0]) if len(r) and pd.notna(r.population.iloc[0]) else None,
                }
            )
        trend = [
            {
                "year": int(r.year),
                "count": int(r.reported_count),
                "rate": None if pd.isna(r.rate_per_100k) else float(r.rate_per_100k),
                "population": None if pd.isna(r.population) else int(r.population),
                "is_preliminary": bool(r.is_preliminary),
            }
            for r in own.itertuples()
        ]
        out.append(
            CrimeIndicator(
                indicator_id=ind["indicator_id"],
                title=ind["title_sv"],
                definition=ind["definition_sv"],
                is_enforcement_driven=bool(ind["is_enforcement_driven"]),
                is_headline=bool(ind["is_headline"]),
                year=year,
                count=int(cur.reported_count.iloc[0]) if len(cur) else None,
                rate=float(cur.rate_per_100k.iloc[0]) if len(cur) and pd.notna(cur.rate_per_100k.iloc[0]) else None,
                population=int(cur.population.iloc[0]) if len(cur) and pd.notna(cur.population.iloc[0]) else None,
                population_year=int(cur.population_year.iloc[0])
                if len(cur) and pd.notna(cur.population_year.iloc[0])
                else None,
                is_preliminary=bool(cur.is_preliminary.iloc[0]) if len(cur) else False,
                change=change,
                change_text=_change_text(change, ind["title_sv"].lower()),
                change_3y=change_3y,
                change_3y_text=_change_3y_text(change_3y, year),
                **dict(
                    zip(
                        ("level", "level_rule"),
                        needs.crime_level(
                            change_3y,
                            float(cur.rate_per_100k.iloc[0])
                            if len(cur) and pd.notna(cur.rate_per_100k.iloc[0])
                            else None,
                            comparison[1]["rate"],
                        ),
                        strict=True,
                    )
                ),
                trend=trend,
                comparison=comparison,
                chart_data=rows.assign(region_name=rows.region_code.map(names)),
                funnel_data=everyone[everyone.indicator_id == ind["indicator_id"]],
                breaks=[b for b in breaks if b["indicator_id"] == ind["indicator_id"]],
            )
        )
    return out


def survey_indicators(con: duckdb.DuckDBPyConnection, settings: Settings, area_id: str, year: int):
    catalogue = _records(
        con,
        "select * from mart_indicator_catalogue where source = 'survey' and area_id = $area order by indicator_id",
        {"area": area_id},
    )
    out = []
    for ind in catalogue:
        rows = _records(
            con,
            """
            select year, value, respondents, ci_low, ci_high, unit, is_synthetic, note
            from mart_survey_indicators_by_area_year
            where indicator_id = $id and region_code = $m and year <= $year
            order by year
            """,
            {"id": ind["indicator_id"], "m": settings.municipality_code, "year": year},
        )
        rows = pool_small_years(rows, settings.min_respondents)
        latest = rows[-1] if rows else None
        change = None
        if len(rows) >= 2 and ind["unit"] == "procent" and rows[-1]["respondents"] and rows[-2]["respondents"]:
            change = two_proportion_change(
                rows[-1]["value"], rows[-1]["respondents"], rows[-2]["value"], rows[-2]["respondents"]
            )
        if change is None and len(rows) >= 2 and ind["unit"] != "procent":
            text = (
                "Indexet publiceras utan spridningsmått, så förändringen mellan mätningarna "
                "kan inte prövas statistiskt."
            )
        elif change is None and len(rows) >= 2:
            text = "Förändringen mot föregående mätning kan inte prövas: antal svarande saknas."
        elif change is None:
            text = "Endast en mätning finns."
        else:
            text = (
                f"{VERDICT_SV[change.verdict].capitalize()} mellan {rows[-2]['label']} och {rows[-1]['label']} "
                f"({change.test}, {fmt.p_value(change.p_value)})."
            )
        by_area, by_area_year = survey_by_area(con, ind["indicator_id"], ind["unit"], settings, year)
        out.append(
            SurveyIndicator(
                by_area=by_area,
                by_area_year=by_area_year,
                by_area_note=cells_.survey_legend(settings.min_respondents),
                indicator_id=ind["indicator_id"],
                title=ind["title_sv"],
                definition=ind["definition_sv"],
                unit=ind["unit"],
                rows=rows,
                latest=latest,
                change=change,
                change_text=text,
                level=needs.survey_level(change)[0] if latest else None,
                level_rule=needs.survey_level(change)[1] if latest else "",
            )
        )
    return out


def simple_series(
    con: duckdb.DuckDBPyConnection, settings: Settings, area_id: str, year: int, event_period: dict
) -> tuple[list, list]:
    local, events = [], []
    for ind in _records(
        con,
        "select * from mart_indicator_catalogue where source in ('local', 'polisen') and area_id = $a "
        "order by indicator_id",
        {"a": area_id},
    ):
        if ind["source"] == "local":
            rows = _records(
                con,
                "select year, value from mart_local_indicators_by_year where indicator_id = $id and region_code = $m "
                "and year <= $y order by year",
                {"id": ind["indicator_id"], "m": settings.municipality_code, "y": year},
            )
            if rows:
                local.append(SimpleSeries(ind["indicator_id"], ind["title_sv"], ind["definition_sv"], rows))
        else:
            rows = _records(
                con,
                """
                select events.year, sum(events.event_count) as events
                from mart_police_events_by_type_month as events
                where events.region_code = $m and events.year <= $y and list_contains(
                    (select string_split(components, ' + ') from mart_indicator_catalogue where indicator_id = $id),
                    events.event_type)
                group by events.year order by events.year
                """,
                {"id": ind["indicator_id"], "m": settings.municipality_code, "y": year},
            )
            if rows:
                types = {"id": ind["indicator_id"], "m": settings.municipality_code}
                in_types = (
                    "list_contains((select string_split(components, ' + ') from mart_indicator_catalogue "
                    "where indicator_id = $id), event_type)"
                )
                by_hour = _records(
                    con,
                    f"select weekday, hour, sum(event_count) as events from mart_police_events_by_type_hour "
                    f"where region_code = $m and year <= $y and {in_types} "
                    "group by weekday, hour order by weekday, hour",
                    types | {"y": year},
                )
                by_month = _records(
                    con,
                    f"select month, sum(event_count) as events from mart_police_events_by_type_month "
                    f"where region_code = $m and year <= $y and {in_types} group by month order by month",
                    types | {"y": year},
                )
                events.append(
                    SimpleSeries(
                        ind["indicator_id"],
                        ind["title_sv"],
                        ind["definition_sv"],
                        rows,
                        by_hour,
                        by_month,
                        first_published=event_period["first"],
                        last_published=event_period["last"],
                    )
                )
    return local, events


def _alt_text(ind: CrimeIndicator, municipality: str, others: list[str]) -> str:
    trend = ind.trend
    if not trend:
        return f"Diagram saknar data för {municipality}."
    first, last = trend[0], trend[-1]
    return (
        f"Linjediagram: {ind.title.lower()} per 100 000 invånare i {municipality} {first['year']}–{last['year']}, "
        f"jämfört med {', '.join(others)}. {municipality} {first['year']}: {fmt.number(first['rate'], 1)}, "
        f"{last['year']}: {fmt.number(last['rate'], 1)}. {ind.change_text}"
        + "".join(f" Seriebrott {b['year']}: {b['description_sv']}" for b in ind.breaks)
    )


def build_context(con: duckdb.DuckDBPyConnection, settings: Settings, year: int) -> Overview:
    names = dict(con.execute("select region_code, region_name from mart_regions").fetchall())
    municipality = names[settings.municipality_code]
    peers = peer_codes(con, settings.municipality_code, year, settings.peer_codes)
    county = con.execute(
        "select county_code from mart_regions where region_code = $m", {"m": settings.municipality_code}
    ).fetchall()
    county_codes = [county[0][0]] if county and county[0][0] else []
    event_period = _records(
        con,
        "select min(first_published_at) as first, max(last_published_at) as last "
        "from mart_police_events_by_type_month where region_code = $m",
        {"m": settings.municipality_code},
    )[0]
    sources = _records(con, "select * from mart_source_files order by source_file")
    generated = date.today().isoformat()
    areas = []
    for area in _records(con, "select * from stg_catalogue__areas order by area_number"):
        crime = crime_indicators(con, settings, area["area_id"], year, peers, names, county_codes)
        survey = survey_indicators(con, settings, area["area_id"], year)
        local, events = simple_series(con, settings, area["area_id"], year, event_period)
        areas.append(
            AreaReport(
                area_id=area["area_id"],
                number=int(area["area_number"]),
                slug=slugify(area["slug"]),
                title=area["title_sv"],
                coverage=area["coverage"],
                coverage_note=area["coverage_note_sv"],
                municipality=municipality,
                municipality_code=settings.municipality_code,
                year=year,
                peers=[names.get(p, p) for p in peers],
                crime=crime,
                survey=survey,
                local=local,
                events=events,
                sources=sources,
                has_synthetic=any(s["is_synthetic"] for s in sources),
                generated=generated,
                first_year=settings.first_trend_year,
            )
        )
    totals = crime_indicators(con, settings, None, year, peers, names, county_codes)
    quality = data_quality(con)
    geography = district_table(con, settings.municipality_code, year)
    for area in areas:
        area.quality = quality
        attach_analysis(area, settings)
        area.kolada = kolada_series(con, settings, area.area_id, year)
        area.source_use = source_use(area, con)
        area.source_notes = source_notes(area)
    return Overview(
        municipality=municipality,
        municipality_code=settings.municipality_code,
        year=year,
        peers=[names.get(p, p) for p in peers],
        totals=totals,
        areas=areas,
        sources=sources,
        has_synthetic=any(s["is_synthetic"] for s in sources),
        generated=generated,
        first_year=settings.first_trend_year,
        quality=quality,
        geography=geography,
    )


CHECK_SV = {
    "expect_table_row_count_to_be_between": "tabellen har rader",
    "expect_column_values_to_not_be_null": "{column} har ett värde",
    "expect_column_values_to_be_between": "{column} ligger inom {range}",
    "expect_column_values_to_be_in_set": "{column} har ett tillåtet värde",
    "expect_column_values_to_match_regex": "{column} har rätt format",
    "expect_column_values_to_be_unique": "{column} är unik",
    "expect_compound_columns_to_be_unique": "nyckeln ({column}) är unik",
    "expect_column_pair_values_a_to_be_greater_than_b": "intervallets övre gräns är minst den undre",
    "table exists": "tabellen finns",
}
SEVERITY_SV = {"critical": "kritisk", "warning": "varning"}


def describe_check_sv(expectation: str, column: str, kwargs_json: str) -> str:
    """A check as a reader should see it: `year ligger inom 1975–2100`."""
    kwargs = json.loads(kwargs_json or "{}")
    low, high = kwargs.get("min_value"), kwargs.get("max_value")
    bounds = "–".join(
        fmt.number(v, 2 if isinstance(v, float) and v != int(v) else 0) for v in (low, high) if v is not None
    )
    bound_range = (
        bounds if low is not None and high is not None else (f"≥ {bounds}" if low is not None else f"≤ {bounds}")
    )
    template = CHECK_SV.get(expectation, expectation)
    return template.format(column=column.replace(",", ", "), range=bound_range)


def data_quality(con: duckdb.DuckDBPyConnection) -> Quality | None:
    if not _has_table(con, "meta_validation_results"):
        return None
    checks = _records(con, "select * from meta_validation_results order by table_name")
    failed = [
        c
        | {
            "description": describe_check_sv(c["expectation"], c["column_name"], c["kwargs"]),
            "severity_sv": SEVERITY_SV.get(c["severity"], c["severity"]),
        }
        for c in checks
        if not c["success"]
    ]
    quarantined = []
    if _has_table(con, "meta_quarantine"):
        quarantined = _records(
            con,
            """
            select table_name, rule, column_name, count(*) as row_count,
                   string_agg(source_file || ' rad ' || source_row, '; ' order by source_file, source_row)
                       filter (where source_row is not null) as rows
            from meta_quarantine group by table_name, rule, column_name order by table_name, rule
            """,
        )
        for q in quarantined:
            q["description"] = describe_check_sv(q["rule"], q["column_name"], "{}")
            parts = (q["rows"] or "").split("; ")
            q["rows"] = "; ".join(parts[:5]) + (f" och {len(parts) - 5} till" if len(parts) > 5 else "")
    return Quality(
        checks=len(checks),
        passed=sum(1 for c in checks if c["success"]),
        tables=len({c["table_name"] for c in checks}),
        failed=failed,
        quarantined=quarantined,
    )


def survey_by_area(
    con: duckdb.DuckDBPyConnection, indicator_id: str, unit: str, settings: Settings, year: int
) -> tuple[list[dict], int | None]:
    """The indicator per stadsdel or delområde in the latest year up to the report year, each cell shown
    through the cell vocabulary (fewer than min_respondents respondents: suppressed)."""
    rows = _records(
        con,
        """
        select area_name, year, value, value_status, respondents, ci_low, ci_high
        from mart_survey_indicators_by_area_year
        where indicator_id = $id and municipality_code = $m and area_type <> 'kommun' and year = (
            select max(year) from mart_survey_indicators_by_area_year
            where indicator_id = $id and municipality_code = $m and area_type <> 'kommun' and year <= $year
        )
        order by area_name
        """,
        {"id": indicator_id, "m": settings.municipality_code, "year": year},
    )
    decimals = 1 if unit == "procent" else 2
    shown = [
        {
            "area": r["area_name"],
            "value": cells_.display(r["value"], r["value_status"], decimals),
            "interval": f"{fmt.number(r['ci_low'], 1)}–{fmt.number(r['ci_high'], 1)}"
            if r["ci_low"] is not None
            else "–",
            "respondents": fmt.number(r["respondents"]) if r["respondents"] is not None else "–",
        }
        for r in rows
    ]
    return shown, (rows[0]["year"] if rows else None)


def district_table(con: duckdb.DuckDBPyConnection, municipality_code: str, year: int) -> dict | None:
    """Published events per district (rows) and year (columns), each cell a number or a status symbol."""
    cells = _records(
        con,
        "select district_name, year, event_count, count_status, min_cell_count "
        "from mart_police_events_by_district_year where region_code = $m and year <= $y order by district_name, year",
        {"m": municipality_code, "y": year},
    )
    if not cells:
        return None
    years = sorted({c["year"] for c in cells})
    rows: dict[str, dict] = {}
    for c in cells:
        rows.setdefault(c["district_name"], {})[c["year"]] = cells_.display(c["event_count"], c["count_status"])
    for name in rows:  # a district without a cell for a year (no events file for it): missing, not zero
        rows[name] = {y: rows[name].get(y, cells_.display(None, cells_.MISSING)) for y in years}
    return {
        "years": years,
        "rows": rows,
        "min_cell_count": cells[0]["min_cell_count"],
        "legend": cells_.legend(cells[0]["min_cell_count"]),
    }


HOW_TO_GET = {  # where the report names a missing source, how an analyst gets it
    "bra": " (exportera från BRÅ:s SOL och läs in med lagesbild ingest)",
    "survey": " (läs in trygghetsmätningens resultattabell med lagesbild ingest)",
    "polisen": " (hämta med lagesbild fetch polisen)",
    "kolada": " (hämta med lagesbild fetch kolada)",
}

SOURCE_SV = {
    "bra": "BRÅ, anmälda brott",
    "survey": "Trygghetsmätningen",
    "local": "Kommunens egna uppgifter",
    "polisen": "Polisens publicerade händelser",
    "kolada": "Kolada (RKA), nyckeltal",
}


def source_use(area: AreaReport, con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Which kinds of source the catalogue names for the area, and whether the report could use them."""
    kinds = [r[0] for r in con.execute(
        "select distinct source from mart_indicator_catalogue where area_id = $a order by source", {"a": area.area_id}
    ).fetchall()]  # fmt: skip
    used = {
        "bra": any(i.count is not None for i in area.crime),
        "survey": any(s.rows for s in area.survey),
        "local": bool(area.local),
        "polisen": bool(area.events),
        "kolada": bool(area.kolada),
    }
    return [
        {
            "source": SOURCE_SV.get(kind, kind),
            "used": used.get(kind, False),
            "note": ""
            if used.get(kind)
            else f"inga uppgifter för {area.municipality} i underlaget" + HOW_TO_GET.get(kind, ""),
        }
        for kind in kinds
    ]


def kolada_series(con: duckdb.DuckDBPyConnection, settings: Settings, area_id: str, year: int) -> list[SimpleSeries]:
    """The area's Kolada key figures for the municipality (both sexes), as far as they have been fetched."""
    out = []
    for ind in _records(
        con,
        "select * from mart_indicator_catalogue where source = 'kolada' and area_id = $a order by indicator_id",
        {"a": area_id},
    ):
        rows = _records(
            con,
            "select year, value, status from mart_kolada_values_by_municipality_year "
            "where list_contains(string_split($components, ' + '), kpi) and municipality_code = $m "
            "and gender = 'T' and year <= $y order by year",
            {"components": ind["components"], "m": settings.municipality_code, "y": year},
        )
        if rows:
            out.append(SimpleSeries(ind["indicator_id"], ind["title_sv"], ind["definition_sv"], rows))
    return out


def source_notes(area: AreaReport) -> list[str]:
    """Källkritik in sentences: what each ingested file is (load log), preliminary figures, categories that
    mostly mirror enforcement, and series breaks."""
    notes = []
    for src in area.sources:
        if src.get("loaded_at") is not None:
            period = (
                src["period_from"]
                if src["period_from"] == src["period_to"]
                else f"{src['period_from']}–{src['period_to']}"
            )
            notes.append(
                f"{src['source']}: {src['original_name']} ({fmt.number(src['row_count'])} rader, {period}), "
                f"inläst {src['loaded_at']:%Y-%m-%d}."
            )
        elif src["kind"] == "synthetic":
            notes.append(f"{src['source_file']} är demodata, inte uppgifter om verkligheten.")
    preliminary = [i.title for i in area.crime if i.count is not None and i.is_preliminary]
    if preliminary:
        notes.append(
            f"Siffrorna för {area.year} är preliminära för {', '.join(preliminary)}: BRÅ:s slutliga statistik "
            "skiljer sig i regel mindre än 0,5 % i totalen."
        )
    enforcement = [i.title for i in area.crime if i.is_enforcement_driven]
    if enforcement:
        notes.append(
            f"Speglar främst polisens och andra myndigheters egna insatser: {'; '.join(enforcement)}. Fler anmälda "
            "brott kan där betyda fler kontroller snarare än mer brottslighet."
        )
    notes += [f"Seriebrott {b['year']} ({i.title}): {b['description_sv']}" for i in area.crime for b in i.breaks]
    return notes


def attach_analysis(area: AreaReport, settings: Settings) -> None:
    """The analysts' text for the area and year, flagged where a figure it cites has changed."""
    path = settings.analysis_dir / slugify(area.municipality) / str(area.year) / f"{area.slug}.md"
    area.analysis_path = path.relative_to(PROJECT_DIR).as_posix() if path.is_relative_to(PROJECT_DIR) else str(path)
    current: dict[str, float | None] = {i.indicator_id: i.rate for i in area.crime}
    current |= {s.indicator_id: (s.latest or {}).get("value") for s in area.survey}
    area.analysis = load_analysis(path, current)


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(con.execute("select count(*) from duckdb_tables() where table_name = $n", {"n": name}).fetchall()[0][0])


# ---------------------------------------------------------------- charts


def attach_charts(overview: Overview, chart_dir: Path) -> int:
    """Draw every chart once as an SVG file and attach it (and its alt text) to its indicator."""
    chart_dir.mkdir(parents=True, exist_ok=True)
    n = 0
    for area_slug, indicators in [("oversikt", overview.totals)] + [(a.slug, a.crime) for a in overview.areas]:
        for ind in indicators:
            frame = ind.chart_data
            if frame is None or frame.empty:
                continue
            order = [c["region"] for c in ind.comparison]
            ind.chart_svg = charts.rate_trend(
                frame,
                "Per 100 000 invånare",
                [r for r in order if r in set(frame.region_name)],
                breaks=[b["year"] for b in ind.breaks],
            )
            ind.chart_file = f"charts/{area_slug}-{ind.indicator_id}.svg"
            (chart_dir.parent / ind.chart_file).write_text(ind.chart_svg, encoding="utf-8")
            ind.alt_text = _alt_text(ind, overview.municipality, [r for r in order[1:] if r in set(frame.region_name)])
            n += 1
            riket = ind.comparison[1]["rate"]
            has_funnel = ind.funnel_data is not None and len(ind.funnel_data) > 2 and ind.is_headline
            if has_funnel and riket and ind.rate and ind.population:
                position = funnel_position(ind.rate, ind.population, riket)
                ind.funnel_text = f"{overview.municipality} {FUNNEL_SV[position]}."
                highlight = [c["region"] for c in ind.comparison if c["kind"] in ("kommun", "peer")]
                ind.funnel_svg = charts.funnel(ind.funnel_data, riket, highlight)
                ind.funnel_file = f"charts/{area_slug}-{ind.indicator_id}-tratt.svg"
                (chart_dir.parent / ind.funnel_file).write_text(ind.funnel_svg, encoding="utf-8")
                ind.funnel_alt = (
                    f"Trattdiagram: {ind.title.lower()} per 100 000 invånare {ind.year} för {len(ind.funnel_data)} "
                    f"kommuner mot folkmängd, med rikets nivå {fmt.number(riket, 1)} och 95- och 99,8-procentsgränser. "
                    f"{ind.funnel_text}"
                )
                n += 1
    for area in overview.areas:
        for series in area.events:
            if not series.by_hour:
                continue
            series.pattern_svg = charts.event_patterns(pd.DataFrame(series.by_hour), pd.DataFrame(series.by_month))
            series.pattern_file = f"charts/{area.slug}-{series.indicator_id}-tid.svg"
            (chart_dir.parent / series.pattern_file).write_text(series.pattern_svg, encoding="utf-8")
            busiest = max(series.by_hour, key=lambda r: r["events"])
            top_month = max(series.by_month, key=lambda r: r["events"])
            total = int(sum(r["events"] for r in series.by_hour))
            kinds = series.title.split(": ", 1)[-1]
            series.pattern_alt = (
                f"Värmekarta och stapeldiagram: {fmt.number(total)} publicerade polishändelser ({kinds}) "
                f"i {area.municipality} efter veckodag och timme, och efter månad. Flest: "
                f"{WEEKDAYS_SV[busiest['weekday'] - 1]}ar kl. {busiest['hour']:02d}–{(busiest['hour'] + 1) % 24:02d} "
                f"och i {MONTHS_SV[top_month['month'] - 1]}. Ett urval av händelser, inte statistik."
            )
            n += 1
        for s in area.survey:
            if not s.rows:
                continue
            frame = pd.DataFrame(s.rows)
            title = "Procent" if s.unit == "procent" else "Index 0–6"
            s.chart_svg = charts.survey_trend(frame, title)
            s.chart_file = f"charts/{area.slug}-{s.indicator_id}.svg"
            (chart_dir.parent / s.chart_file).write_text(s.chart_svg, encoding="utf-8")
            last = s.rows[-1]
            interval = (
                f" (95 % konfidensintervall {fmt.number(last['ci_low'], 1)}–{fmt.number(last['ci_high'], 1)})"
                if last["ci_low"] is not None
                else ""
            )
            value = fmt.percent(last["value"]) if s.unit == "procent" else fmt.number(last["value"], 2)
            s.alt_text = (
                f"Diagram: {s.title.lower()} i {area.municipality} {s.rows[0]['year']}–{last['year']}. "
                f"Senaste mätningen {last['year']}: {value}{interval}. {s.change_text}"
            )
            n += 1
    return n


# ---------------------------------------------------------------- rendering


def typst_string(value: object) -> str:
    """A Typst string literal: data never becomes markup."""
    text = "" if value is None else str(value)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _environment(autoescape: bool) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = fmt.number
    env.filters["pct"] = fmt.percent
    env.filters["spct"] = fmt.signed_percent
    env.filters["pval"] = fmt.p_value
    env.filters["ts"] = typst_string
    env.globals["verdict_sv"] = VERDICT_SV
    env.globals["kind_sv"] = KIND_SV
    return env


def render_html(template: str, **context) -> str:
    return _environment(autoescape=True).get_template(template).render(**context)


def render_typst(template: str, **context) -> str:
    return _environment(autoescape=False).get_template(template).render(**context)


def compile_pdf(source: str, out_path: Path, root: Path) -> None:
    typ_path = out_path.with_suffix(".typ")
    typ_path.write_text(source, encoding="utf-8")
    try:
        typst.compile(str(typ_path), output=str(out_path), root=str(root), ignore_system_fonts=True)
    finally:
        typ_path.unlink(missing_ok=True)


def law_requirements(o: Overview) -> list[dict]:
    """Each requirement of 4 § lag (2023:196) and BRÅ's guidance, where the lägesbild answers it, and its status."""
    areas = o.areas
    has_survey = any(s.rows for a in areas for s in a.survey)
    has_events = any(a.events for a in areas)
    has_analysis = [a for a in areas if a.analysis]
    survey_parts = any(s.by_area for a in areas for s in a.survey)
    law, bra = "4 § lag (2023:196)", "BRÅ:s vägledning"

    def status(done: bool, partly: bool = False) -> str:
        return "finns" if done else ("delvis" if partly else "saknas")

    return [
        {"requirement": "Kartläggning av brottsligheten i kommunens geografiska område", "source": law,
         "where": "Anmälda brott i varje område och i översikten", "status": "finns", "note": ""},
        {"requirement": "Brottslighetens omfattning", "source": f"{law}; {bra}",
         "where": "Omfattning: antal och antal per 100 000 invånare med folkmängd", "status": "finns", "note": ""},
        {"requirement": "Brottslighetens konsekvenser", "source": law,
         "where": "Trygghet och utsatthet (oro, otrygghet, avstådda aktiviteter)", "status": status(False, has_survey),
         "note": "enkätmått för upplevda konsekvenser; kostnader och skador saknas i underlaget"},
        {"requirement": "Annan relevant information", "source": law,
         "where": "Kommunens egna uppgifter, publicerade polishändelser",
         "status": status(has_events, True), "note": ""},
        {"requirement": "Analys", "source": f"{law}; {bra}", "where": "Analys i varje område",
         "status": status(len(has_analysis) == len(areas), bool(has_analysis)),
         "note": f"skriven för {len(has_analysis)} av {len(areas)} områden"},
        {"requirement": "Utveckling över tid", "source": bra,
         "where": f"Utveckling {o.first_year}–{o.year}, förändring mot föregående år och treårsmedel",
         "status": "finns", "note": ""},
        {"requirement": "Jämförelse med riket, länet och liknande kommuner", "source": bra,
         "where": "Jämförelsetabeller, trattdiagram", "status": "finns", "note": ""},
        {"requirement": "Geografi (stadsområden, delområden)", "source": bra,
         "where": "; ".join(w for w, has in [("Översiktens Geografi", o.geography),
                                               ("Trygghet och utsatthet per stadsdel", survey_parts)] if has) or "–",
         "status": status(False, bool(o.geography) or survey_parts),
         "note": ", ".join(n for n, has in [("publicerade polishändelser per stadsdel, små tal dolda", o.geography),
                                            ("trygghetsmätningen per stadsdel, områden med för få svarande dolda",
                                             survey_parts)] if has)
         + "; anmälda brott finns inte under kommunnivå i underlaget"},
        {"requirement": "Tid och plats (årshjul)", "source": bra, "where": "Tid: veckodag, timme och månad",
         "status": status(False, has_events), "note": "bygger på ett urval publicerade polishändelser"},
        {"requirement": "Självrapporterad utsatthet och trygghet med osäkerhet", "source": bra,
         "where": "Trygghet och utsatthet, med 95 % konfidensintervall", "status": status(has_survey), "note": ""},
        {"requirement": "Källor och källkritik", "source": bra, "where": "Källor och definitioner, Datakvalitet",
         "status": "finns", "note": ""},
        {"requirement": "Koppling till åtgärder och uppföljning", "source": bra,
         "where": "Stabila indikator-id, behovsanalysexporten, Vad har ändrats sedan förra lägesbilden",
         "status": "delvis",
         "note": "åtgärdsplanen själv ingår inte"},
    ]  # fmt: skip


def render_all(overview: Overview, out_dir: Path, render_pdf: bool = True) -> dict[str, float]:
    """Write index.html, <area>.html and <area>.pdf into out_dir; return seconds per step."""
    timings = {}
    t0 = time.perf_counter()
    attach_charts(overview, out_dir / "charts")
    timings["charts"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    (out_dir / "index.html").write_text(render_html("overview.html.j2", o=overview), encoding="utf-8")
    (out_dir / "lag.html").write_text(
        render_html("law.html.j2", o=overview, requirements=law_requirements(overview)), encoding="utf-8"
    )
    for area in overview.areas:
        (out_dir / f"{area.slug}.html").write_text(render_html("area.html.j2", a=area), encoding="utf-8")
    timings["html"] = time.perf_counter() - t0
    if overview.geography:
        write_geography_csv(overview.geography, out_dir / "geografi.csv")
    if render_pdf:
        t0 = time.perf_counter()
        compile_pdf(render_typst("overview.typ.j2", o=overview), out_dir / "oversikt.pdf", out_dir)
        for area in overview.areas:
            compile_pdf(render_typst("area.typ.j2", a=area), out_dir / f"{area.slug}.pdf", out_dir)
        timings["pdf"] = time.perf_counter() - t0
    return timings


def write_geography_csv(geography: dict, path: Path) -> None:
    """The district table as CSV (`;`, UTF-8 with BOM for Excel), cells shown exactly as in HTML and PDF."""
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, delimiter=";", lineterminator="\r\n")
        writer.writerow(["stadsdel", *geography["years"]])
        writer.writerows([name, *(cells[y] for y in geography["years"])] for name, cells in geography["rows"].items())
        writer.writerow([geography["legend"]])
