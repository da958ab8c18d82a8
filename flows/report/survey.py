"""Survey indicators (trygghetsmätningen) of one area, from the survey mart: the municipality's series with
Wilson intervals (small years pooled), the change test, the proposed level, and the parts of the
municipality (stadsdel, delområde) in the latest year, small parts suppressed."""

from __future__ import annotations

import duckdb

from flows import cells, fmt, stats
from flows.report import levels, texts
from flows.report.context import SurveyIndicator
from flows.report.marts import Scope, records


def survey_by_area(
    con: duckdb.DuckDBPyConnection, indicator_id: str, unit: str, municipality_code: str, year: int
) -> tuple[list[dict], int | None]:
    """The indicator per stadsdel or delområde in the latest year up to the report year, each cell shown
    through the cell vocabulary (fewer than min_respondents respondents: suppressed)."""
    rows = records(
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
        {"id": indicator_id, "m": municipality_code, "year": year},
    )
    decimals = 1 if unit == "procent" else 2
    shown = [
        {
            "area": r["area_name"],
            "value": cells.display(r["value"], r["value_status"], decimals),
            "interval": f"{fmt.number(r['ci_low'], 1)}–{fmt.number(r['ci_high'], 1)}"
            if r["ci_low"] is not None
            else "–",
            "respondents": fmt.number(r["respondents"]) if r["respondents"] is not None else "–",
        }
        for r in rows
    ]
    return shown, (rows[0]["year"] if rows else None)


def _indicator(con: duckdb.DuckDBPyConnection, ind: dict, scope: Scope, slug: str) -> SurveyIndicator:
    rows = records(
        con,
        """
        select year, value, respondents, ci_low, ci_high, unit, is_synthetic, note
        from mart_survey_indicators_by_area_year
        where indicator_id = $id and region_code = $m and year <= $year
        order by year
        """,
        {"id": ind["indicator_id"], "m": scope.code, "year": scope.year},
    )
    rows = stats.pool_small_years(rows, scope.settings.min_respondents)
    latest = rows[-1] if rows else None
    change = None
    if len(rows) >= 2 and ind["unit"] == "procent" and rows[-1]["respondents"] and rows[-2]["respondents"]:
        change = stats.two_proportion_change(
            rows[-1]["value"], rows[-1]["respondents"], rows[-2]["value"], rows[-2]["respondents"]
        )
    change_text = texts.survey_change_text(change, rows, ind["unit"])
    by_area, by_area_year = survey_by_area(con, ind["indicator_id"], ind["unit"], scope.code, scope.year)
    level, level_rule = levels.survey_level(change) if latest else (None, "")
    chart = (
        {
            "chart_file": f"charts/{slug}-{ind['indicator_id']}.svg",
            "alt_text": texts.survey_alt(ind["title_sv"], ind["unit"], scope.municipality, rows, change_text),
        }
        if rows
        else {}
    )
    return SurveyIndicator(
        indicator_id=ind["indicator_id"],
        title=ind["title_sv"],
        definition=ind["definition_sv"],
        unit=ind["unit"],
        rows=rows,
        latest=latest,
        change=change,
        change_text=change_text,
        level=level,
        level_rule=level_rule,
        by_area=by_area,
        by_area_year=by_area_year,
        by_area_note=cells.survey_legend(scope.settings.min_respondents),
        **chart,
    )


def survey_indicators(con: duckdb.DuckDBPyConnection, scope: Scope, area_id: str, slug: str) -> list:
    catalogue = records(
        con,
        "select * from mart_indicator_catalogue where source = 'survey' and area_id = $area order by indicator_id",
        {"area": area_id},
    )
    return [_indicator(con, ind, scope, slug) for ind in catalogue]
