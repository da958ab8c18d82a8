"""Vad har ändrats sedan förra lägesbilden: each edition is kept and the next one compared with it."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import replace
from pathlib import Path

from flows.config import Settings, load
from flows.landing import ingest as landing
from flows.pipeline import recipe


def test_the_next_edition_names_revised_history_and_changes(small_raw_copy, tmp_path, caplog):
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
    kept_files = _hashes(first.parent)
    assert "Det finns ingen tidigare lägesbild för Malmö att jämföra med" in text
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
    section = second[second.index('id="andrat"') : second.index('<h2 id="anmalda-brott">')]
    assert 'Jämfört med <a href="../2024/index.html">lägesbilden för 2024</a>' in section
    assert "Nya indikatorer: inga." in section and "Borttagna indikatorer: inga." in section
    rows = re.findall(
        r"<tr><th scope=\"row\">(.*?)</th><td class=\"n\">(\d+)</td><td class=\"n\">(.*?)</td><td class=\"n\">(.*?)</td></tr>",
        section,
    )
    as_int = [(t, int(y), int(re.sub(r"\D", "", b)), int(re.sub(r"\D", "", a))) for t, y, b, a in rows]
    assert ("Totalt antal anmälda brott", 2023, before, before + 250) in as_int
    assert all(y == 2023 for _, y, _, _ in as_int)  # only what changed is listed
    assert (tmp_path / "curated" / "editions" / "malmo" / "2025.json").exists()
    assert 'href="../2024/index.html"' in section  # the edition before, kept beside this one

    # the 2024 edition is untouched, and the start page and Malmö's page list both
    assert _hashes(first.parent) == kept_files and len(kept_files) > 100
    start = (tmp_path / "reports" / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'href="malmo/(\d{4})/index.html"', start) == ["2025", "2024"]
    listing = (tmp_path / "reports" / "malmo" / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'<a href="(\d{4})/index.html">Lägesbild Malmö \1</a>', listing) == ["2025", "2024"]

    # an unchanged re-run keeps the published build and the edition; a report option renders again, no build
    current = (tmp_path / "curated" / "current").resolve()
    edition = (tmp_path / "reports" / "malmo" / "2025").resolve()
    with caplog.at_level(logging.INFO, logger="flows.pipeline.recipe"):
        recipe.run(settings(2025))
    assert "the published build is kept" in caplog.text
    assert (tmp_path / "curated" / "current").resolve() == current
    assert (tmp_path / "reports" / "malmo" / "2025").resolve() == edition
    again = recipe.run(replace(settings(2025), contact="trygghet@example.se"))
    assert (tmp_path / "curated" / "current").resolve() == current
    assert (tmp_path / "reports" / "malmo" / "2025").resolve() != edition
    assert "trygghet@example.se" in (again.parent / "tillganglighet.html").read_text(encoding="utf-8")


def _hashes(folder: Path) -> dict[str, str]:
    real = folder.resolve()  # the edition's name is a link to the folder it was written in
    return {
        str(p.relative_to(real)): hashlib.sha256(p.read_bytes()).hexdigest() for p in real.rglob("*") if p.is_file()
    }
