"""Survey indicators (trygghetsmätningen) from the survey mart, in two steps like the register indicators:
`prepare` reads the municipality's series with Wilson intervals (small years pooled) and tests its last
change; `indicator` adds, once the edition's tests are adjusted together, the proposed level by the item's
direction, the texts, and the parts of the municipality (stadsdel, delområde) in the latest year."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from flows import cells, stats
from flows.report import levels, texts
from flows.report.context import SurveyIndicator
from flows.report.marts import Scope, records


def survey_by_area(
    con: duckdb.DuckDBPyConnection, indicator_id: str, unit: str, municipality_code: str, year: int
) -> tuple[list[dict], int | None]:
    """The indicator per stadsdel or delområde in the latest year up to the report year, each value with its
    cell status (fewer than min_respondents respondents: suppressed), shown through the cell vocabulary."""
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
    shown = [
        {
            "area": r["area_name"],
            "value": r["value"],
            "value_status": r["value_status"],
            "ci_low": r["ci_low"],
            "ci_high": r["ci_high"],
            "respondents": r["respondents"],
        }
        for r in rows
    ]
    return shown, (rows[0]["year"] if rows else None)


@dataclass(frozen=True)
class Prepared:
    """One survey indicator's series and test, before the edition's tests are adjusted together."""

    ind: dict
    slug: str
    rows: list[dict]
    change: stats.Change | None


def prepare(con: duckdb.DuckDBPyConnection, scope: Scope) -> dict[str, Prepared]:
    """Every survey indicator of the catalogue, by id: the municipality's series (small years pooled) and
    the two-proportion test of its last two measurements where both have respondent counts."""
    catalogue = records(
        con,
        """
        select catalogue.*, areas.slug as page_slug
        from mart_indicator_catalogue as catalogue
        left join mart_priority_areas as areas on areas.area_id = catalogue.area_id
        where catalogue.source = 'survey'
        order by catalogue.indicator_id
        """,
    )
    out = {}
    for ind in catalogue:
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
        change = None
        if len(rows) >= 2 and ind["unit"] == "procent" and rows[-1]["respondents"] and rows[-2]["respondents"]:
            change = stats.two_proportion_change(
                rows[-1]["value"], rows[-1]["respondents"], rows[-2]["value"], rows[-2]["respondents"]
            )
        out[ind["indicator_id"]] = Prepared(ind, ind["page_slug"], rows, change)
    return out


def indicator(con: duckdb.DuckDBPyConnection, p: Prepared, scope: Scope, change: stats.Change | None):
    """The context object of a prepared indicator, with its test as adjusted for the whole edition."""
    ind, rows = p.ind, p.rows
    latest = rows[-1] if rows else None
    change_text = texts.survey_change_text(change, rows, ind["unit"])
    by_area, by_area_year = survey_by_area(con, ind["indicator_id"], ind["unit"], scope.code, scope.year)
    level, level_rule = levels.survey_level(change, ind["direction"]) if latest else (None, "")
    chart = (
        {
            "chart_file": f"charts/{p.slug}-{ind['indicator_id']}.svg",
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
        direction=ind["direction"],
        level=level,
        level_rule=level_rule,
        by_area=by_area,
        by_area_year=by_area_year,
        by_area_note=cells.survey_legend(scope.settings.min_respondents),
        **chart,
    )
