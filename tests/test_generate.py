from __future__ import annotations

import shutil

import pytest

from flows import generate
from flows.config import BUNDLED_RAW_DIR as RAW_DIR
from flows.landing import manifest


@pytest.fixture
def raw_base(tmp_path):
    """The real inputs the generator reads, without any generated file."""
    for rel in (
        "reference/kommuner.csv",
        "scb/folkmangd_kommun_1950_2020.csv",
        "survey/trygghetsmatning_malmo_transcribed.csv",
    ):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(RAW_DIR / rel, tmp_path / rel)
    return tmp_path


def test_bundle_is_reproducible_byte_for_byte(raw_base):
    generate.generate_bundle(raw_base)
    for rel in manifest.SYNTHETIC_DESCRIPTIONS:
        assert (raw_base / rel).read_bytes() == (RAW_DIR / rel).read_bytes(), rel
    rows = {r["path"]: r for r in manifest.read(raw_base)}
    assert rows["bra/Databasfil_anmalda_brott_ar_demo.txt"]["kind"] == "synthetic"
    assert rows["bra/Databasfil_anmalda_brott_ar_demo.txt"]["sha256"] == manifest.sha256_of(
        RAW_DIR / "bra/Databasfil_anmalda_brott_ar_demo.txt"
    )


def test_sol_file_is_in_the_real_format(raw_base):
    path = raw_base / "sol.txt"
    generate.generate_sol_export(path, generate.Spec(municipality_codes=("1280",), first_year=2024), raw_base)
    raw = path.read_bytes()
    text = raw.decode("latin-1")
    lines = text.split("\n")
    assert lines[0] == "Region;Brott;År;Period;Antal;/100 000 inv"
    assert "Malmö kommun;Totalt antal brott;År;2025;58481;16183;" in lines
    assert "Hela landet;8-12 kap. Brott mot förmögenhet;År;2025;..;..;" in lines
    assert all(line.endswith(";") for line in lines[1:] if line)
    assert "ö".encode("latin-1") in raw and "ö".encode() not in raw


def test_monthly_export_sums_to_the_yearly_counts(raw_base):
    spec = generate.Spec(municipality_codes=("1281",), first_year=2025, period="month", preliminary_years=(2025,))
    path = raw_base / "month.txt"
    generate.generate_sol_export(path, spec, raw_base)
    lines = path.read_text(encoding="latin-1").splitlines()[1:]
    lund_total = [line.split(";") for line in lines if line.startswith("Lund kommun;Totalt antal brott;")]
    assert [f[3] for f in lund_total] == generate.MONTHS
    assert {f[2] for f in lund_total} == {"2025 prel."}
    yearly = generate.crime_counts(raw_base, spec)
    expected = int(yearly[(yearly.label == "Totalt antal brott")]["count"].iloc[0])
    assert sum(int(f[4]) for f in lund_total) == expected


def test_size_is_a_parameter(raw_base):
    small = generate.crime_counts(raw_base, generate.Spec(municipality_codes=("1280", "1281"), first_year=2020))
    assert len(small) == 2 * len(generate.CATEGORIES) * 6


def test_check_values_hold_in_the_bundle():
    frame = generate.crime_counts(RAW_DIR, generate.Spec())
    pop = generate.population_series(RAW_DIR, generate.Spec())
    malmo_pop = int(pop[(pop.municipality_code == "1280") & (pop.year == 2025)].population.iloc[0])
    got = frame[(frame.municipality_code == "1280") & (frame.year == 2025)].set_index("label")["count"]
    assert round(got["Totalt antal brott"] / malmo_pop * 1000, 2) == 161.83
    assert round(got["3-7 kap. Brott mot person"] / malmo_pop * 1000, 2) == 36.05
    assert round(got["8 kap. Stöld, rån m.m."] / malmo_pop * 1000, 2) == 48.01
    assert round(got["12 kap. Skadegörelsebrott"] / malmo_pop * 1000, 2) == 10.77
    assert round((got["Narkotikastrafflagen"] + got["Vapenlagen"]) / malmo_pop * 1000, 2) == 14.12
    gbg = frame[(frame.municipality_code == "1480") & (frame.label == "Totalt antal brott")].set_index("year")["count"]
    assert (gbg[2023], gbg[2024], gbg[2025]) == (90659, 88766, 84816)
