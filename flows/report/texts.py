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
    "above_998": "ligger över den övre 99,8-procentsgränsen: den högre nivån är knappast slumpmässig",
    "above_95": "ligger mellan den övre 95- och 99,8-procentsgränsen: troligen högre än kommunerna sammantaget; "
    "tolka försiktigt",
    "inside": "ligger inom 95-procentsgränserna: skillnaden mot kommunerna sammantaget kan vara slumpmässig",
    "below_95": "ligger mellan den undre 95- och 99,8-procentsgränsen: troligen lägre än kommunerna sammantaget; "
    "tolka försiktigt",
    "below_998": "ligger under den undre 99,8-procentsgränsen: den lägre nivån är knappast slumpmässig",
}
POSITION_SV = {  # a municipality against the funnel's limits, in a table cell
    "above_998": "över 99,8-procentsgränsen",
    "above_95": "över 95-procentsgränsen",
    "inside": "inom gränserna",
    "below_95": "under 95-procentsgränsen",
    "below_998": "under 99,8-procentsgränsen",
}
WEEKDAYS_SV = ["måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"]
MONTHS_SV = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
             "november", "december"]  # fmt: skip


SHORT_SERIES_NOTE = (
    "serien är för kort för att skatta hur mycket antalet brukar variera mellan åren (minst fyra år i följd behövs)"
)
DENOMINATOR_SV = {
    "total": "invånare",
    "children_0_17": "barn 0–17 år",
    "women_18_plus": "kvinnor 18 år och äldre",
}


def in_sentence(title: str) -> str:
    """A title inside a sentence: the first letter lower-cased, acronyms and abbreviations (BrB, BRÅ) kept."""
    first = title.split(" ", 1)[0]
    if len(first) > 1 and any(c.isupper() for c in first[1:]):
        return title
    return title[:1].lower() + title[1:]


def sv_list(items) -> str:
    """`A, B och C`: a Swedish enumeration."""
    items = [str(i) for i in items]
    return " och ".join([", ".join(items[:-1]), items[-1]]) if len(items) > 1 else "".join(items)


def comparison_text(peers) -> str:
    if not peers:
        return "Jämförelse med riket och länet."
    return f"Jämförelse med riket, länet och jämförbara kommuner: {sv_list(peers)}."


def across_break_note(first: int, last: int) -> str:
    return f"jämförelsen {first}–{last} går över ett seriebrott, så ingen förändring kallas säkerställd"


def test_description(change: Change) -> str:
    """The test as the verdict names it: `kvasi-Poissontest med överspridning φ = 64,5, p = 0,42`."""
    if change.phi is not None and change.phi > 1:
        return f"{change.test} med överspridning φ = {fmt.number(change.phi, 1)}, {fmt.p_value(change.p_value)}"
    return f"{change.test}, {fmt.p_value(change.p_value)}"


def fdr_clause(change: Change) -> str:
    """Whether a change significant by its own test survives the edition's control of false discoveries."""
    if change.verdict == "none" or change.q_value is None:
        return ""
    if change.fdr_verdict == change.verdict:
        return f"; håller även vid kontroll för lägesbildens alla jämförelser, q = {fmt.number(change.q_value, 3)}"
    return f"; håller inte vid kontroll för lägesbildens alla jämförelser, q = {fmt.number(change.q_value, 3)}"


def change_text(change: Change | None, what: str) -> str:
    if change is None:
        return f"Jämförelse med föregående år saknas för {what}."
    verdict = VERDICT_SV[change.verdict].capitalize()
    if change.p_value is None:
        return f"{verdict} jämfört med föregående år: {change.note or 'förändringen kan inte prövas'}."
    return f"{verdict} jämfört med föregående år ({test_description(change)}{fdr_clause(change)})."


def change_3y_text(change: Change | None, year: int) -> str:
    if change is None:
        return "Jämförelse med medelvärdet för de tre föregående åren saknas."
    verdict = VERDICT_SV[change.verdict].capitalize()
    mean = f"{fmt.number(change.reference * 100000, 1)} per 100 000"
    if change.p_value is None:
        return f"{verdict} jämfört med medelvärdet {year - 3}–{year - 1} ({mean}): {change.note}."
    return (
        f"{verdict} jämfört med medelvärdet {year - 3}–{year - 1} "
        f"({mean}; {test_description(change)}{fdr_clause(change)})."
    )


def rate_group(denominator: str, wanted: str) -> str:
    """Whom a rate per 100 000 is of: `invånare`, a subgroup where the rate is per that subgroup, or a plain
    warning where the catalogue asks for a subgroup the data lack: `invånare (hela befolkningen)`."""
    if denominator != "total":
        return DENOMINATOR_SV[denominator]
    return "invånare (hela befolkningen)" if wanted != "total" else "invånare"


def riket_note(riket: dict) -> str:
    """What riket's figure is: the municipalities' sum (with what BRÅ's own total holds beside it)."""
    if riket.get("count_basis") == "bra_national_total":
        return (
            "Riket är här BRÅ:s totalsiffra, som också omfattar brott som inte kunnat knytas till någon kommun: "
            "underlaget har inte alla kommuners siffror."
        )
    unplaced, total = riket.get("unplaced_count"), riket.get("bra_national_count")
    if riket.get("count_basis") != "municipal_sum" or not total or unplaced is None:
        return ""
    return (
        f"Riket är summan av alla kommuner. BRÅ:s totalsiffra för riket är {fmt.number(total)} anmälda brott; "
        f"{fmt.number(unplaced)} av dem ({fmt.number(100 * unplaced / total, 1)} %) har inte kunnat knytas "
        "till någon kommun och ingår inte i jämförelsen."
    )


def funnel_origin(real: int, total: int) -> str:
    if real == total:
        return f" Alla {fmt.number(total)} kommuner har verkliga siffror."
    return (
        f" {fmt.number(real)} av {fmt.number(total)} kommuner har verkliga siffror; övriga "
        f"{fmt.number(total - real)} är demodata och ritas som ofyllda ringar."
    )


def funnel_method(model) -> str:
    """Which limits the funnel plot draws, and why."""
    centre = fmt.number(model.centre, 1)
    if model.method == "random_effects":
        return (
            f"Kommunernas nivåer varierar mycket mer än slumpen förklarar (överspridning φ = "
            f"{fmt.number(model.phi, 1)}): gränserna är därför vidgade med en additiv slumpeffekt (τ = "
            f"{fmt.number(model.tau2**0.5 * 100000, 1)} per 100 000) kring kommunernas sammanlagda nivå "
            f"{centre}, och läget bedöms mot de vidgade gränserna."
        )
    return f"Gränserna är exakta Poissongränser kring kommunernas sammanlagda nivå {centre} per 100 000."


def survey_change_text(change: Change | None, rows: list[dict], unit: str) -> str:
    if change is None and len(rows) >= 2 and unit != "procent":
        return "Indexet publiceras utan spridningsmått, så förändringen mellan mätningarna kan inte prövas statistiskt."
    if change is None and len(rows) >= 2:
        return "Förändringen mot föregående mätning kan inte prövas: antal svarande saknas."
    if change is None:
        return "Endast en mätning finns."
    return (
        f"{VERDICT_SV[change.verdict].capitalize()} mellan {rows[-2]['label']} och {rows[-1]['label']} "
        f"({test_description(change)}{fdr_clause(change)})."
    )


def trend_alt(title: str, trend: list[dict], municipality: str, others: list[str], change: str, breaks) -> str:
    if not trend:
        return f"Diagram saknar data för {municipality}."
    first, last = trend[0], trend[-1]
    return (
        f"Linjediagram: {in_sentence(title)} per 100 000 invånare i {municipality} {first['year']}–{last['year']}, "
        f"jämfört med {sv_list('riket' if o == 'Riket' else o for o in others)}. "
        f"{municipality} {first['year']}: {fmt.number(first['rate'], 1)}, "
        f"{last['year']}: {fmt.number(last['rate'], 1)}. {change}"
        + "".join(f" Seriebrott {b['year']}: {b['description_sv']}" for b in breaks)
    )


def funnel_alt(title: str, year: int, n_municipalities: int, centre: float, position_text: str) -> str:
    return (
        f"Trattdiagram: {in_sentence(title)} per 100 000 invånare {year} för {n_municipalities} "
        f"kommuner mot folkmängd, med kommunernas sammanlagda nivå {fmt.number(centre, 1)} och 95- och "
        f"99,8-procentsgränser. {position_text}"
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
        f"Diagram: {in_sentence(title)} i {municipality} {rows[0]['year']}–{last['year']}. "
        f"Senaste mätningen {last['year']}: {value}{interval}. {change}"
    )


def _years(years: list[int]) -> str:
    years = sorted(set(years))
    if not years:
        return ""
    return str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"


def _grouped(items: list[tuple[str, list[int]]]) -> str:
    """`DRG-01, ORG-01 (2015–2025); TRG-S01 (2019–2025)`: ids grouped by the years that are demo data."""
    spans: dict[str, list[str]] = {}
    for indicator_id, years in items:
        spans.setdefault(_years(years), []).append(indicator_id)
    return "; ".join(f"{', '.join(ids)} ({span})" for span, ids in spans.items())


def synthetic_notes(crime: list, survey: list) -> list[str]:
    """Exactly what of a report is demo data: the indicators whose own figures are, the municipalities with
    demo figures in the comparisons and funnel plots of the others, and survey years."""
    notes = []
    own = [(i.indicator_id, i.synthetic_years) for i in crime if i.synthetic_years]
    if own:
        notes.append(f"anmälda brott för {_grouped(own)}")
    others = max((i.synthetic_municipalities for i in crime if not i.synthetic_years), default=0)
    if others:
        notes.append(
            f"i jämförelserna och trattdiagrammen för de övriga indikatorerna siffrorna för {fmt.number(others)} "
            "kommuner (ofyllda ringar i trattdiagrammen, märkta demo i tabellerna)"
        )
    answers = [(s.indicator_id, [r["year"] for r in s.rows if r.get("is_synthetic")]) for s in survey]
    answers = [(i, years) for i, years in answers if years]
    if answers:
        notes.append(f"trygghetsmätningens resultat för {_grouped(answers)}")
    return notes
