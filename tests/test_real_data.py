"""Real figures by default: Brå's headline categories win over demo counts, each cell says what it is,
Polisen's national archive gives every municipality its Tid, and the county map is drawn with its table."""

from __future__ import annotations

import csv
from html import escape

import duckdb
import pytest

from flows import db
from flows.config import BUNDLED_RAW_DIR, load
from flows.landing import manifest
from flows.report import build
from flows.report.render import render_all
from flows.sources import bra_sol, reference
from flows.sources.base import Batch
from tests.conftest import DATA_DIR, MODEL_PARAMS

REAL = BUNDLED_RAW_DIR / "bra" / "bra_kommun_6_categories_2015_2025_PARTIAL_167_kommuner.csv"


@pytest.fixture(scope="module")
def con(bundled_db):
    with db.connect(bundled_db, read_only=True) as connection:
        yield connection


def _real(kommun: str, key: str) -> dict[int, int]:
    with open(REAL, encoding="utf-8") as f:
        return {int(r["period"]): int(r["count"]) for r in csv.DictReader(f, delimiter=";")
                if r["kommun"] == kommun and r["key"] == key}  # fmt: skip


def test_malmos_total_is_the_real_file_and_carries_no_demo_mark(con, bundled_overview, bundled_rendered):
    mart = dict(
        con.execute(
            "select year, reported_count from mart_crime_indicators_by_region_year "
            "where indicator_id = 'ALL-01' and region_code = '1280' and year between 2015 and 2025"
        ).fetchall()
    )
    assert mart == _real("1280", "total") and len(mart) == 11
    origins = con.execute(
        "select distinct count_origin, population_origin, is_synthetic from mart_crime_indicators_by_region_year "
        "where indicator_id in ('ALL-01', 'ALL-02', 'ALL-03', 'ALL-04', 'TRG-02', 'TRG-06') and region_code = '1280'"
    ).fetchall()
    assert origins == [("real", "real", False)]
    overview = bundled_overview
    total = next(i for i in overview.totals if i.indicator_id == "ALL-01")
    assert (total.is_synthetic, total.count, total.rate) == (False, 59355, 16183.0)  # BRÅ: 16 183 per 100 000
    html = (bundled_rendered / "index.html").read_text(encoding="utf-8")
    heading = html[html.index('<section class="indicator" id="ALL-01">') :].split("</h3>", 1)[0]
    assert "demodata" not in heading
    drugs = next(i for i in overview.totals if i.indicator_id == "ALL-04")
    assert drugs.count == _real("1280", "drugs_weapons")[2025]  # the published sum, as it is
    assert "Där siffran kommer ur den härledda tabellen" in drugs.definition
    assert "anmälda brott för DRG-01" in overview.synthetic_notes[0] and "ALL-01" not in overview.synthetic_notes[0]


def test_a_municipality_outside_the_real_file_is_demo_data_and_says_so(con):
    row = con.execute(
        "select count_origin, is_synthetic from mart_crime_indicators_by_region_year "
        "where indicator_id = 'ALL-01' and region_code = '2480' and year = 2025"  # Umeå: code after 1482
    ).fetchone()
    assert row == ("synthetic", True)
    overview = build.build_context(con, load(municipality_code="2480"), 2025)
    assert next(i for i in overview.totals if i.indicator_id == "ALL-01").is_synthetic


@pytest.mark.parametrize(("code", "name"), [("1281", "Lund"), ("1480", "Göteborg")])
def test_lund_and_goteborg_get_tid_from_real_events(con, tmp_path, code, name):
    overview = build.build_context(con, load(municipality_code=code), 2025)
    events = next(a for a in overview.areas if a.area_id == "trygghet").events[0]
    assert events.pattern_file and sum(r["events"] for r in events.by_hour) > 50
    assert events.pattern_alt.startswith("Värmekarta och stapeldiagram:") and f"i {name} efter veckodag" in (
        events.pattern_alt
    )
    render_all(overview, tmp_path, render_pdf=False)
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert '<h2 id="tid">Tid: när publicerade polishändelser inträffar</h2>' in html
    assert "räknas därför aldrig om till tal per invånare" in html


def test_the_skane_map_is_drawn_with_its_table(bundled_overview, bundled_rendered):
    overview, tmp_path = bundled_overview, bundled_rendered
    county = overview.maps[0]
    assert county.title == "Totalt antal anmälda brott per 100 000 invånare 2025, Skåne län"
    assert len(county.rows) == 33 and {r["side"] for r in county.rows} <= {"above", "inside", "below"}
    malmo = next(r for r in county.rows if r["region"] == "Malmö")
    total = next(i for i in overview.totals if i.indicator_id == "ALL-01")
    assert malmo["rate"] == total.rate
    svg = (tmp_path / county.file).read_text(encoding="utf-8")
    assert svg.startswith("<svg") and svg.count("<path") > 33
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert f'<figcaption id="c-karta-1">{escape(county.alt)}' in html and 'aria-labelledby="c-karta-1"' in html
    assert ">Totalt antal anmälda brott per 100 000 invånare 2025, Skåne län: värde per område</caption>" in html
    assert "Mot trattdiagrammets gränser" in html


def test_a_sol_export_with_stadsomraden_places_them_in_their_city():
    con = duckdb.connect()
    con.execute("create schema raw")
    bra_sol.read(con, DATA_DIR, [DATA_DIR / "sol_dbfil_ar_stadsomraden.txt"])
    reference.load(con, Batch(DATA_DIR, {}, reference_dir=BUNDLED_RAW_DIR / "reference"))
    con.execute(f"create table raw.load_log ({', '.join(f'{c} varchar' for c in manifest.LOG_FIELDS)})")
    models = {m.name: m for m in db.models()}
    for name in ("stg_bra__reported_crime", "stg_ref__bra_districts", "stg_meta__load_log"):
        db.run_model(con, models[name], MODEL_PARAMS)
    db.run_model(con, models["int_district_crime_counts_by_year"], MODEL_PARAMS)
    rows = con.execute(
        "select municipality_code, district_name, bra_region_id, crime_label, year, reported_count, source_file, "
        "source_row from int_district_crime_counts_by_year order by source_row"
    ).fetchall()
    assert rows == [
        ("1480", "Centrum", 8733, "Totalt antal brott", 2025, 31012, "sol_dbfil_ar_stadsomraden.txt", 3),
        ("1480", "Hisingen", 8734, "Totalt antal brott", 2025, 18655, "sol_dbfil_ar_stadsomraden.txt", 4),
        ("1480", "Nordost", 8735, "Totalt antal brott", 2025, 14720, "sol_dbfil_ar_stadsomraden.txt", 5),
        ("1480", "Sydväst", 8736, "Totalt antal brott", 2025, 12931, "sol_dbfil_ar_stadsomraden.txt", 6),
    ]  # the city's own row is no district, and 2020 precedes the 2021 districts
    assert sum(r[5] for r in rows) < 84816  # districts do not sum to the city total
