"""Follow-up of the åtgärdsplan: each measure of the register, each indicator it is meant to move, the value
in the measure's start year and in the report year, the change tested as the lägesbild's other changes are
(overdispersion allowed for, never across a series break; the follow-up's tests adjusted together for the
false discovery rate) and whether it points the way the analysts expected. The wording never says that a
measure caused a change."""

from __future__ import annotations

import duckdb

from flows import fmt, stats
from flows.report.context import CrimeIndicator, FollowupRow, MeasureFollowup, SurveyIndicator
from flows.report.marts import Scope, records
from flows.report.texts import VERDICT_SV, test_description

EXPECTED = {"minska": "decrease", "oka": "increase", "oforandrad": "none"}
EXPECTED_SV = {"minska": "minska", "oka": "öka", "oforandrad": "vara oförändrad"}
NOT_MEASURABLE = "publicerade polishändelser och kommunens egna serier prövas inte statistiskt"
CAUSATION_NOTE = (
    "Uppföljningen visar hur indikatorerna har utvecklats under åtgärdens tid, inte vad åtgärden har åstadkommit: "
    "anmälda brott och enkätsvar påverkas av mycket annat, och en förändring i förväntad riktning visar inte att "
    "åtgärden orsakat den."
)


def _crime_row(ind: CrimeIndicator, start: int, year: int) -> tuple[dict, stats.Change | None, list[str]]:
    by_year = {t["year"]: t for t in ind.trend}
    first, last = by_year.get(start), by_year.get(year)
    flags = []
    if last is None:
        flags.append(f"uppgift saknas för {year}: serien har upphört eller inte kommit")
    if first is None:
        flags.append(f"uppgift saknas för startåret {start}")
    breaks = [b for b in ind.breaks if start < b["year"] <= year]
    flags += [f"seriebrott {b['year']}: {b['description_sv']}" for b in breaks]
    values = {
        "start_value": first["rate"] if first else None,
        "end_value": last["rate"] if last else None,
        "unit": f"per 100 000 {ind.rate_group}",
    }
    if first is None or last is None or first["population"] is None or last["population"] is None:
        return values, None, flags
    rate, ref = last["count"] / last["population"], first["count"] / first["population"]
    if breaks:
        return values, stats.untested(rate, ref, f"jämförelsen går över ett seriebrott ({breaks[0]['year']})"), flags
    if ind.dispersion is None:
        return values, stats.untested(rate, ref, "serien är för kort för att skatta hur mycket den varierar"), flags
    change = stats.poisson_rate_change(
        last["count"], last["population"], first["count"], first["population"], ind.dispersion.phi
    )
    return values, change, flags


def _survey_row(ind: SurveyIndicator, start: int, year: int) -> tuple[dict, stats.Change | None, list[str]]:
    by_year = {r["year"]: r for r in ind.rows}
    first = by_year.get(start)
    last = ind.rows[-1] if ind.rows and ind.rows[-1]["year"] <= year else None
    flags = [] if first else [f"ingen mätning för startåret {start}"]
    if last is None or last["year"] < year:
        flags.append(f"ingen mätning för {year}" + (f" (senast {last['year']})" if last else ""))
    values = {
        "start_value": first["value"] if first else None,
        "end_value": last["value"] if last else None,
        "unit": "procent" if ind.unit == "procent" else "index 0–6",
    }
    if not first or not last or first is last:
        return values, None, flags
    if ind.unit != "procent" or not first["respondents"] or not last["respondents"]:
        return values, stats.untested(last["value"], first["value"], "antal svarande saknas"), flags
    change = stats.two_proportion_change(last["value"], last["respondents"], first["value"], first["respondents"])
    return values, change, flags


def _direction_text(change: stats.Change | None, expected: str) -> str:
    if change is None or change.p_value is None:
        return "kan inte bedömas"
    verdict = change.fdr_verdict
    if verdict == EXPECTED[expected]:
        return "i förväntad riktning" if verdict != "none" else "oförändrad, som förväntat"
    if verdict == "none":
        return "ingen säkerställd förändring"
    return "mot förväntad riktning"


def _change_text(change: stats.Change | None) -> str:
    if change is None:
        return "–"
    if change.p_value is None:
        return f"{VERDICT_SV['none'].capitalize()}: {change.note}"
    verdict = VERDICT_SV[change.fdr_verdict].capitalize()
    return f"{verdict} ({fmt.signed_percent(change.relative)}; {test_description(change)})"


def followups(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    crime: dict[str, CrimeIndicator],
    survey: dict[str, SurveyIndicator],
    titles: dict[str, str],
) -> list[MeasureFollowup]:
    """Every measure of the municipality's register, followed up to the report year."""
    measures = records(
        con,
        "select * from mart_measures where municipality_code = $m order by area_id, atgard_id",
        {"m": scope.code},
    )
    pending = []  # (measure, indicator id, values, change, flags)
    for m in measures:
        for indicator_id in [i for i in m["indicator_ids"].split(",") if i]:
            start = m["start_year"]
            if start >= scope.year:
                pending.append((m, indicator_id, {}, None, [f"åtgärden startar {start}: inget att följa upp än"]))
            elif indicator_id in crime:
                pending.append((m, indicator_id, *_crime_row(crime[indicator_id], start, scope.year)))
            elif indicator_id in survey:
                pending.append((m, indicator_id, *_survey_row(survey[indicator_id], start, scope.year)))
            else:
                pending.append((m, indicator_id, {}, None, [NOT_MEASURABLE]))
    adjusted = stats.with_fdr([p[3] for p in pending])
    rows: dict[str, list[FollowupRow]] = {}
    for (m, indicator_id, values, _, flags), change in zip(pending, adjusted, strict=True):
        rows.setdefault(m["atgard_id"], []).append(
            FollowupRow(
                indicator_id=indicator_id,
                title=titles.get(indicator_id, indicator_id),
                start_year=m["start_year"],
                end_year=scope.year,
                start_value=values.get("start_value"),
                end_value=values.get("end_value"),
                unit=values.get("unit", ""),
                change=change,
                change_text=_change_text(change),
                direction_text=_direction_text(change, m["expected_direction"]),
                flags=flags,
            )
        )
    return [
        MeasureFollowup(
            atgard_id=m["atgard_id"],
            title=m["titel"],
            responsible=m["ansvarig"],
            area_id=m["area_id"],
            area_title=m["area_title_sv"],
            start_year=m["start_year"],
            end_year=m["end_year"],
            expected=EXPECTED_SV[m["expected_direction"]],
            description=m["beskrivning"],
            rows=rows.get(m["atgard_id"], []),
            flags=[] if m["n_measurable"] else ["ingen av åtgärdens indikatorer kan följas upp statistiskt"],
        )
        for m in measures
    ]
