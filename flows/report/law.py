"""How the lägesbild answers 4 § lag (2023:196) and BRÅ's guidance: each requirement, where the report
answers it, and whether it is there, partly there or missing (the law page)."""

from __future__ import annotations

from flows.report.context import Overview


def requirements(o: Overview) -> list[dict]:
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
        {"requirement": "Ställningstagande till behovet av åtgärder och en åtgärdsplan", "source": law,
         "where": "Förslag till läge per indikator, behovsanalysexporten, Uppföljning av åtgärdsplanen",
         "status": status(o.has_plan, True),
         "note": (f"åtgärdsplanen har {len(o.measures)} åtgärder, som följs upp i varje område" if o.has_plan
                  else "inget register över åtgärder (reports/atgardsplan); lagesbild plan skriver ett utkast")},
        {"requirement": "Koppling till åtgärder och uppföljning", "source": bra,
         "where": "Stabila indikator-id, Uppföljning av åtgärdsplanen, Vad har ändrats sedan förra lägesbilden",
         "status": status(o.has_plan, True),
         "note": "" if o.has_plan else "åtgärder saknas att följa upp"},
    ]  # fmt: skip
