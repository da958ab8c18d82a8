from __future__ import annotations

import shutil

import pytest

from flows import sources
from flows.config import CATALOGUE_DIR
from flows.landing import manifest
from flows.sources import IngestError, bra_sol
from tests.conftest import DATA_DIR


def test_reads_a_real_yearly_sol_export(con, tmp_path):
    (tmp_path / "bra").mkdir()
    shutil.copy(DATA_DIR / "sol_dbfil_ar.txt", tmp_path / "bra" / "Databasfil.txt")
    assert bra_sol.read(con, tmp_path, sorted((tmp_path / "bra").glob("*.txt"))) == 19
    rows = con.execute(
        "select region, brott, ar, period, antal, per_100k, source_row from raw.bra_sol where source_row in (2, 11)"
    ).fetchall()
    assert rows == [
        ("Hela landet", "8-12 kap. Brott mot förmögenhet", "År", "2024", "..", "..", 2),
        ("Hela landet", "Befogenhetsbedrägeri", "År", "2025", "14278", "135", 11),
    ]


def test_reads_a_real_monthly_sol_export(con, tmp_path):
    (tmp_path / "bra").mkdir()
    shutil.copy(DATA_DIR / "sol_dbfil_manad.txt", tmp_path / "bra" / "Databasfil.txt")
    assert bra_sol.read(con, tmp_path, sorted((tmp_path / "bra").glob("*.txt"))) == 3
    rows = con.execute("select region, ar, period, antal from raw.bra_sol order by source_row").fetchall()
    assert rows[1] == ("Hela landet", "2026 prel.", "Aug", "498")
    assert rows[2] == ("Region Stockholm", "2026 prel.", "Aug", "20")


def test_a_file_without_the_sol_header_is_refused_with_its_name(con, tmp_path):
    (tmp_path / "bra").mkdir()
    (tmp_path / "bra" / "export.txt").write_text("Region,Brott,År\nMalmö,Rån,2025\n", encoding="latin-1")
    with pytest.raises(
        IngestError,
        match=r"^bra/export.txt: line 1: expected a ';'-separated SOL header .*; it is ','-separated$",
    ):
        bra_sol.read(con, tmp_path, sorted((tmp_path / "bra").glob("*.txt")))


def test_a_row_with_too_many_fields_names_the_file(con, tmp_path):
    (tmp_path / "bra").mkdir()
    text = (
        "Region;Brott;År;Period;Antal;/100 000 inv\nMalmö kommun;Rån;År;2025;1;2;\nMalmö kommun;Rån;År;2024;1;2;3;4;\n"
    )
    (tmp_path / "bra" / "bad.txt").write_text(text, encoding="latin-1")
    with pytest.raises(IngestError, match=r"^bra/bad.txt: line 3 has 8 field\(s\); a SOL row has 6 fields"):
        bra_sol.read(con, tmp_path, sorted((tmp_path / "bra").glob("*.txt")))


def test_load_all_counts_the_bundled_sources(con):
    from flows.config import BUNDLED_RAW_DIR as RAW_DIR

    counts = sources.load_all(con, RAW_DIR, CATALOGUE_DIR)
    assert counts["polisen_events"] == 84530  # the national archive
    assert counts["municipalities"] == 290
    assert counts["scb_population_long"] == 20590
    assert counts["local_measures"] == 7
    assert counts["catalogue_areas"] == 6


def test_an_edited_raw_file_is_refused(raw_copy, con):
    path = raw_copy / "local" / "skjutningar_sprangningar_malmo.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(";61;", ";62;"), encoding="utf-8")
    with pytest.raises(manifest.ManifestError, match=r"skjutningar_sprangningar_malmo.csv: sha256 .* differs"):
        sources.load_all(con, raw_copy, CATALOGUE_DIR)


def test_a_new_export_not_in_the_manifest_is_loaded_and_listed(raw_copy, con):
    shutil.copy(DATA_DIR / "sol_dbfil_ar.txt", raw_copy / "bra" / "Databasfil_2025.txt")
    counts = sources.load_all(con, raw_copy, CATALOGUE_DIR)
    assert counts["source_files"] == 17
    listed = con.execute(
        "select kind, description from raw.source_files where path = 'bra/Databasfil_2025.txt'"
    ).fetchall()
    assert listed == [("unrecorded", "Ej registrerad i manifestet")]
    rows = con.execute("select count(*) from raw.bra_sol where source_file = 'bra/Databasfil_2025.txt'").fetchall()
    assert rows == [(19,)]
