"""The Swedish texts of the report: vocabularies, and the sentences built from a figure (verdicts, positions,
alt texts). Builders call these; templates get the vocabularies as globals."""

from __future__ import annotations

from flows import fmt
from flows.stats import Change

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
FUNNEL_SV = {
    "above_998": "ligger över den övre 99,8-procentsgränsen: den högre nivån mot riket är knappast slumpmässig",
    "above_95": "ligger mellan den övre 95- och 99,8-procentsgränsen: troligen högre än riket; tolka försiktigt",
    "inside": "ligger inom 95-procentsgränserna: skillnaden mot riket kan vara slumpmässig",
    "below_95": "ligger mellan den undre 95- och 99,8-procentsgränsen: troligen lägre än riket; tolka försiktigt",
    "below_998": "ligger under den undre 99,8-procentsgränsen: den lägre nivån mot riket är knappast slumpmässig",
}
WEEKDAYS_SV = ["måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"]
MONTHS_SV = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
             "november", "december"]  # fmt: skip


def change_text(change: Change | None, what: str) -> str:
    if change is None:
        return f"Jämförelse med föregående år saknas för {what}."
    verdict = VERDICT_SV[change.verdict].capitalize()
    return f"{verdict} jämfört med föregående år ({change.test}, {fmt.p_value(change.p_value)})."


def change_3y_text(change: Change | None, year: int) -> str:
    if change is None:
        return "Jämförelse med medelvärdet för de tre föregående åren saknas."
    verdict = VERDICT_SV[change.verdict].capitalize()
    return (
        f"{verdict} jämfört med medelvärdet {year - 3}–{year - 1} "
        f"({fmt.number(change.reference * 100000, 1)} per 100 000; {change.test}, {fmt.p_value(change.p_value)})."
    )


def survey_change_text(change: Change | None, rows: list[dict], unit: str) -> str:
    if change is None and len(rows) >= 2 and unit != "procent":
        return "Indexet publiceras utan spridningsmått, så förändringen mellan mätningarna kan inte prövas statistiskt."
    if change is None and len(rows) >= 2:
        return "Förändringen mot föregående mätning kan inte prövas: antal svarande saknas."
    if change is None:
        return "Endast en mätning finns."
    return (
        f"{VERDICT_SV[change.verdict].capitalize()} mellan {rows[-2]['label']} och {rows[-1]['label']} "
        f"({change.test}, {fmt.p_value(change.p_value)})."
    )


def trend_alt(title: str, trend: list[dict], municipality: str, others: list[str], change: str, breaks) -> str:
    if not trend:
        return f"Diagram saknar data för {municipality}."
    first, last = trend[0], trend[-1]
    return (
        f"Linjediagram: {title.lower()} per 100 000 invånare i {municipality} {first['year']}–{last['year']}, "
        f"jämfört med {', '.join(others)}. {municipality} {first['year']}: {fmt.number(first['rate'], 1)}, "
        f"{last['year']}: {fmt.number(last['rate'], 1)}. {change}"
        + "".join(f" Seriebrott {b['year']}: {b['description_sv']}" for b in breaks)
    )


def funnel_alt(title: str, year: int, n_municipalities: int, riket: float, position_text: str) -> str:
    return (
        f"Trattdiagram: {title.lower()} per 100 000 invånare {year} för {n_municipalities} "
        f"kommuner mot folkmängd, med rikets nivå {fmt.number(riket, 1)} och 95- och 99,8-procentsgränser. "
        f"{position_text}"
    )


def pattern_alt(title: str, municipality: str, by_hour: list[dict], by_month: list[dict]) -> str:
    busiest = max(by_hour, key=lambda r: r["events"])
    top_month = max(by_month, key=lambda r: r["events"])
    total = int(sum(r["events"] for r in by_hour))
    kinds = title.split(": ", 1)[-1]
    return (
        f"Värmekarta och stapeldiagram: {fmt.number(total)} publicerade polishändelser ({kinds}) "
        f"i {municipality} efter veckodag och timme, och efter månad. Flest: "
        f"{WEEKDAYS_SV[busiest['weekday'] - 1]}ar kl. {busiest['hour']:02d}–{(busiest['hour'] + 1) % 24:02d} "
        f"och i {MONTHS_SV[top_month['month'] - 1]}. Ett urval av händelser, inte statistik."
    )


def survey_alt(title: str, unit: str, municipality: str, rows: list[dict], change: str) -> str:
    last = rows[-1]
    interval = (
        f" (95 % konfidensintervall {fmt.number(last['ci_low'], 1)}–{fmt.number(last['ci_high'], 1)})"
        if last["ci_low"] is not None
        else ""
    )
    value = fmt.percent(last["value"]) if unit == "procent" else fmt.number(last["value"], 2)
    return (
        f"Diagram: {title.lower()} i {municipality} {rows[0]['year']}–{last['year']}. "
        f"Senaste mätningen {last['year']}: {value}{interval}. {change}"
    )
