"""The tables of the pages' sections, built from the report context: the overview's summary and totals, the
sources, data quality, the åtgärdsplan and the law page (indicator tables: flows/report/render/datatables.py)."""

from __future__ import annotations

from flows.report.context import CrimeIndicator
from flows.report.render.datatables import RATE
from flows.report.render.tables import Column, Table
from flows.report.texts import VERDICT_SV, in_sentence


def geography(g: dict, year: int) -> Table:
    return Table(
        file="data/geografi.csv",
        caption=f"Publicerade polishändelser per stadsdel och år, {g['years'][0]}–{year}",
        columns=(Column("name", "Stadsdel", header=True), *(Column(str(y), str(y), "cell") for y in g["years"])),
        rows=[{"name": name} | {str(y): cells_[y] for y in g["years"]} for name, cells_ in g["rows"].items()],
        note=g["legend"],
    )


def totals(indicators: list[CrimeIndicator], municipality: str, year: int) -> Table:
    return Table(
        file=f"data/anmalda-brott-{year}.csv",
        caption=f"Anmälda brott i {municipality} {year}",
        columns=(
            Column("title", "Indikator", header=True),
            Column("count", "Anmälda brott", "int"),
            Column("rate", RATE, "dec1"),
            Column("population", "Folkmängd (31 dec)", "int"),
            Column("relative", f"Förändring mot {year - 1}", "spct"),
            Column("verdict", "Bedömning"),
        ),
        rows=[
            {
                "title": ind.title + (" †" if ind.is_enforcement_driven else ""),
                "count": ind.count,
                "rate": ind.rate,
                "population": ind.population,
                "relative": ind.change.relative if ind.change else None,
                "verdict": VERDICT_SV[ind.change.fdr_verdict] if ind.change else "–",
            }
            for ind in indicators
        ],
    )


def revised(rows: list[dict]) -> Table:
    return Table(
        file="data/reviderad-historik.csv",
        caption="Reviderad historik: tidigare års siffror som källan har ändrat sedan förra lägesbilden",
        columns=(
            Column("title", "Indikator", header=True),
            Column("year", "År", "year"),
            Column("before", "Förra lägesbilden", "int"),
            Column("after", "Nu", "int"),
        ),
        rows=rows,
    )


PUBLISHERS = {
    "bra": "BRÅ (Brottsförebyggande rådet)",
    "scb": "SCB (Statistiska centralbyrån)",
    "survey": "Trygghetsmätningen (Polisen och kommunen)",
    "polisen": "Polisen (polisen.se)",
    "local": "Kommunen",
    "kolada": "Kolada (RKA)",
    "reference": "Referensuppgifter",
}


def publisher(source_file: str) -> str:
    """Who published a file, as a reader names them (by the raw folder it was landed in)."""
    return PUBLISHERS.get(source_file.split("/")[0], "Övrigt")


def sources(files: list[dict]) -> Table:
    """The sources as a reader names them: who published what, and when it was taken out. Demo files say
    whose figures they stand in for; codes, boundaries and other reference files are one row."""
    data = [f for f in files if publisher(f["source_file"]) != PUBLISHERS["reference"]]
    reference = [f for f in files if f not in data]
    rows = [
        {
            "name": ("Demodata i stället för " + publisher(f["source_file"]))
            if f["is_synthetic"]
            else publisher(f["source_file"]),
            "what": f["description"],
            "extracted": f["extracted"] or "–",
            "url": f["url"] or "",
        }
        for f in data
    ]
    if reference:
        rows.append(
            {
                "name": PUBLISHERS["reference"],
                "what": "Kommun- och länskoder, BRÅ:s region-id, brottskoder, gränser för kartorna och "
                f"områdesindelningar ({len(reference)} filer; se Källfiler).",
                "extracted": "–",
                "url": "",
            }
        )
    return Table(
        file="data/kallor.csv",
        caption="Källor: vem som publicerar uppgifterna, vad de innehåller och när de togs ut",
        columns=(
            Column("name", "Källa", header=True),
            Column("what", "Innehåll"),
            Column("extracted", "Uttaget"),
            Column("url", "Webbadress", link="url"),
        ),
        rows=rows,
    )


def source_files(files: list[dict]) -> Table:
    """The technical appendix: every file, its checksum and what the load log knows of it."""
    return Table(
        file="data/kallfiler.csv",
        caption="Källfiler med kontrollsummor",
        columns=(
            Column("source_file", "Fil", header=True),
            Column("source", "Ursprung"),
            Column("extracted", "Uttaget"),
            Column("row_count", "Rader", "int"),
            Column("sha256", "SHA-256"),
            Column("licence", "Licens"),
        ),
        rows=files,
    )


def source_use(rows: list[dict], area_title: str, slug: str) -> Table:
    return Table(
        file=f"data/{slug}-kallor.csv",
        caption=f"Källor för {in_sentence(area_title)}: använda och inte använda",
        columns=(Column("source", "Källa", header=True), Column("used_sv", "Använd"), Column("note", "Kommentar")),
        rows=[r | {"used_sv": "ja" if r["used"] else "nej"} for r in rows],
    )


def quality_failed(failed: list[dict]) -> Table:
    return Table(
        file="data/kontroller.csv",
        caption="Kontroller som inte godkändes",
        columns=(
            Column("table_name", "Tabell", header=True),
            Column("description", "Kontroll"),
            Column("severity_sv", "Nivå"),
            Column("unexpected_count", "Rader", "int"),
            Column("examples", "Exempel"),
        ),
        rows=failed,
    )


def quarantined(rows: list[dict]) -> Table:
    return Table(
        file="data/karantan.csv",
        caption="Rader i karantän (används inte)",
        columns=(
            Column("table_name", "Tabell", header=True),
            Column("description", "Regel"),
            Column("row_count", "Rader", "int"),
            Column("rows", "Var"),
        ),
        rows=rows,
    )


def requirements(rows: list[dict]) -> Table:
    return Table(
        file="data/lagens-krav.csv",
        caption="Lagens krav och BRÅ:s vägledning: var lägesbilden svarar och vad som saknas",
        columns=(
            Column("requirement", "Krav", header=True),
            Column("source", "Källa"),
            Column("where", "Var i lägesbilden"),
            Column("status", "Status"),
            Column("note", "Kommentar"),
        ),
        rows=rows,
    )


LEVEL = Column("level", "Förslag till läge", "level")


def _summary_row(ind, kind: str) -> dict:
    change = ind.change
    verdict = VERDICT_SV[change.fdr_verdict] if change and change.p_value is not None else "inte prövad"
    if kind == "crime":
        value, unit = ind.rate, "anmälda brott per 100 000 " + ind.rate_group
    else:
        latest = ind.latest or {}
        value, unit = latest.get("value"), "procent" if ind.unit == "procent" else "index 0–6"
        unit += f" ({latest.get('label')}, trygghetsmätningen)"
    return {
        "title": ind.title,
        "indicator_id": ind.indicator_id,
        "value": value,
        "unit": unit,
        "verdict": verdict,
        "level": ind.level or "",
    }


def summary(area) -> Table:
    """An area in one table: each of its indicators with its latest value, tested change and proposed level."""
    rows = [_summary_row(i, "crime") for i in area.crime if i.count is not None]
    rows += [_summary_row(s, "survey") for s in area.survey if s.latest]
    return Table(
        file=f"data/sammanfattning-{area.slug}.csv",
        caption=f"{area.number}. {area.title}: indikatorerna {area.year}",
        columns=(
            Column("title", "Indikator", header=True),
            Column("value", "Värde", "dec1"),
            Column("unit", "Enhet"),
            Column("verdict", "Förändring mot föregående mätning"),
            LEVEL,
        ),
        rows=rows,
    )


def measures(measures: list, areas: list, year: int) -> Table:
    slugs = {a.area_id: a.slug for a in areas}
    return Table(
        file=f"data/atgarder-{year}.csv",
        caption=f"Åtgärdsplanens åtgärder och deras indikatorer, {year}",
        columns=(
            Column("title", "Åtgärd", header=True, link="href"),
            Column("atgard_id", "Id"),
            Column("start_year", "Från", "year"),
            Column("area_title", "Område"),
            Column("indicator", "Indikator"),
            Column("change_text", "Förändring sedan start"),
            Column("direction_text", "Mot förväntan"),
        ),
        rows=[
            {
                "title": m.title,
                "atgard_id": m.atgard_id,
                "start_year": m.start_year,
                "area_title": m.area_title,
                "href": f"{slugs[m.area_id]}.html#{m.atgard_id}",
                "indicator": f"{r.title} ({r.indicator_id})",
                "change_text": r.change_text,
                "direction_text": r.direction_text,
            }
            for m in measures
            for r in m.rows
        ],
    )


def followup(m, year: int) -> Table:
    return Table(
        file=f"data/uppfoljning-{m.atgard_id}.csv",
        caption=f"Uppföljning {m.start_year}–{year}: {m.title}",
        columns=(
            Column("indicator", "Indikator", header=True),
            Column("start_value", str(m.start_year), "dec1"),
            Column("end_value", str(year), "dec1"),
            Column("change_text", "Förändring"),
            Column("direction_text", "Mot förväntan"),
        ),
        rows=[
            {
                "indicator": f"{r.title} ({r.indicator_id}{', ' + r.unit if r.unit else ''})",
                "start_value": r.start_value,
                "end_value": r.end_value,
                "change_text": " ".join([r.change_text, *(f.capitalize() + "." for f in r.flags)]),
                "direction_text": r.direction_text,
            }
            for r in m.rows
        ],
    )
