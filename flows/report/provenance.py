"""Where a report's figures come from: the source files (manifest and load log), which kinds of source an
area could and could not use, and källkritik in sentences."""

from __future__ import annotations

import duckdb

from flows import fmt, sources
from flows.report.context import CrimeIndicator


def source_use(con: duckdb.DuckDBPyConnection, area_id: str, municipality: str, used: dict[str, bool]) -> list[dict]:
    """Which kinds of source the catalogue names for the area, and whether the report could use them."""
    kinds = [r[0] for r in con.execute(
        "select distinct source from mart_indicator_catalogue where area_id = $a order by source", {"a": area_id}
    ).fetchall()]  # fmt: skip
    titles, how_to_get = sources.titles_sv(), sources.how_to_get_sv()
    return [
        {
            "source": titles.get(kind, kind),
            "used": used.get(kind, False),
            "note": ""
            if used.get(kind)
            else f"inga uppgifter för {municipality} i underlaget" + how_to_get.get(kind, ""),
        }
        for kind in kinds
    ]


def source_notes(files: list[dict], crime: list[CrimeIndicator], year: int) -> list[str]:
    """Källkritik in sentences: what each ingested file is (load log), preliminary figures, categories that
    mostly mirror enforcement, and series breaks."""
    notes = []
    for src in files:
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
            what = (src["description"] or "").removeprefix("Demodata: ")
            notes.append(f"Demodata, inte uppgifter om verkligheten: {what}.")
    preliminary = [i.title for i in crime if i.count is not None and i.is_preliminary]
    if preliminary:
        notes.append(
            f"Siffrorna för {year} är preliminära för {', '.join(preliminary)}: BRÅ:s slutliga statistik "
            "skiljer sig i regel mindre än 0,5 % i totalen."
        )
    enforcement = [i.title for i in crime if i.is_enforcement_driven]
    if enforcement:
        notes.append(
            f"Speglar främst polisens och andra myndigheters egna insatser: {'; '.join(enforcement)}. Fler anmälda "
            "brott kan där betyda fler kontroller snarare än mer brottslighet."
        )
    notes += [f"Seriebrott {b['year']} ({i.title}): {b['description_sv']}" for i in crime for b in i.breaks]
    return notes
