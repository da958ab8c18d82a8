"""Vad har ändrats sedan förra lägesbilden: each edition is kept and the next one compared with it."""

from __future__ import annotations

import json
import re

from flows.config import Settings, load
from flows.landing import ingest as landing
from flows.pipeline import recipe


def test_the_next_edition_names_revised_history_and_changes(small_raw_copy, tmp_path):
    def settings(year: int) -> Settings:
        return load(
            raw_dir=small_raw_copy,
            curated_dir=tmp_path / "curated",
            reports_dir=tmp_path / "reports",
            render_pdf=False,
            year=year,
        )

    first = recipe.run(settings(2024))
    text = first.read_text(encoding="utf-8")
    assert "Det finns ingen sparad tidigare lägesbild för Malmö att jämföra med" in text
    kept = json.loads((tmp_path / "curated" / "editions" / "malmo" / "2024.json").read_text(encoding="utf-8"))
    before = kept["indicators"]["ALL-01"]["counts"]["2023"]

    # BRÅ revises 2023: a newer export of the same year is taken in
    revised = tmp_path / "Databasfil_2023_revised.txt"
    revised.write_bytes(
        "Region;Brott;År;Period;Antal;/100 000 inv\n"
        f"Malmö kommun;Totalt antal brott;År;2023;{before + 250};1;\n".encode("latin-1")
    )
    landing.ingest_file(revised, small_raw_copy)
    second = recipe.run(settings(2025)).read_text(encoding="utf-8")
    section = second[second.index('id="andrat"') : second.index("<h2>Anmälda brott")]
    assert "Jämfört med lägesbilden för 2024" in section
    assert "Nya indikatorer: inga." in section and "Borttagna indikatorer: inga." in section
    rows = re.findall(
        r"<tr><td>(.*?)</td><td class=\"n\">(\d+)</td><td class=\"n\">(.*?)</td><td class=\"n\">(.*?)</td></tr>",
        section,
    )
    as_int = [(t, int(y), int(re.sub(r"\D", "", b)), int(re.sub(r"\D", "", a))) for t, y, b, a in rows]
    assert ("Totalt antal anmälda brott", 2023, before, before + 250) in as_int
    assert all(y == 2023 for _, y, _, _ in as_int)  # only what changed is listed
    assert (tmp_path / "curated" / "editions" / "malmo" / "2025.json").exists()
