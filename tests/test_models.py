"""One unit test per SQL model: a few hand-written input rows, the exact expected output rows."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest

from flows import db, stats
from tests.conftest import MODEL_PARAMS

MODELS = {m.name: m for m in db.models()}


def given(con, table: str, columns: str, rows: list[tuple]) -> None:
    """A table with the given columns and rows; columns a row leaves out take their default (or null)."""
    con.execute(f"create table {table} ({columns})")
    names = [c.strip().split()[0] for c in columns.split(",")]
    if rows:
        width = len(rows[0])
        con.executemany(f"insert into {table} ({', '.join(names[:width])}) values ({', '.join('?' * width)})", rows)


def run(con, model: str, select: str, order: str) -> list[tuple]:
    db.run_model(con, MODELS[model], MODEL_PARAMS)
    return con.execute(f"select {select} from {model} order by {order}").fetchall()


RAW_MUNICIPALITIES = "municipality_code varchar, municipality_name varchar, county_code varchar, county_name varchar, bra_region_id varchar, bra_region_label varchar, source_file varchar, source_row integer"
STG_MUNICIPALITIES = "municipality_code varchar, municipality_name varchar, county_code varchar, county_name varchar, bra_region_id integer, bra_region_label varchar"
STG_SOURCES = "source_file varchar, kind varchar, is_synthetic boolean"
STG_INDICATORS = "indicator_id varchar, catalogue_version integer, area_id varchar, title_sv varchar, source varchar, unit varchar, is_enforcement_driven boolean, is_headline boolean, definition_sv varchar, source_row integer"
STG_COMPONENTS = "indicator_id varchar, component varchar, source_row integer, variant integer default 1"


def test_every_model_has_a_unit_test():
    text = Path(__file__).read_text(encoding="utf-8")
    tested = set(re.findall(r'run\(\s*con,\s*"([a-z0-9_]+)"', text))
    assert set(MODELS) - tested == set()


# ---------------------------------------------------------------- staging


def test_stg_bra__reported_crime(con):
    given(
        con,
        "raw.bra_sol",
        "region varchar, brott varchar, ar varchar, period varchar, antal varchar, per_100k varchar, trailing_field varchar, source_file varchar, source_row integer",
        [
            ("Malmö kommun", "Rån inkl. grovt", "År", "2025", "1 234", "340", None, "a.txt", 2),
            ("Malmö kommun", "Rån inkl. grovt", "År", "2025", "1 234", "340", None, "a.txt", 3),
            ("Hela landet", "8-12 kap. Brott mot förmögenhet", "År", "2025", "..", "..", None, "a.txt", 4),
            ("Lund kommun", "Rån inkl. grovt", "År", "2024", "12 3x", "1", None, "a.txt", 5),
            ("Hela landet", "0950 - Befogenhetsbedrägeri", "2026 prel.", "Aug", "498", "5", None, "m.txt", 2),
            ("Hela landet", "Olaga diskriminering (t.o.m. 2022)", "År", "2022", "75", "1", None, "a.txt", 6),
        ],
    )
    rows = run(
        con,
        "stg_bra__reported_crime",
        "region_label, crime_label, period_type, year, month, is_preliminary, reported_count, count_status, "
        "bra_rate_per_100k, source_row, echo_count",
        "source_file, source_row",
    )
    assert rows == [
        ("Malmö kommun", "Rån inkl. grovt", "year", 2025, None, False, 1234, "value", 340, 2, 2),
        (
            "Hela landet",
            "8-12 kap. Brott mot förmögenhet",
            "year",
            2025,
            None,
            False,
            None,
            "not_applicable",
            None,
            4,
            1,
        ),
        ("Lund kommun", "Rån inkl. grovt", "year", 2024, None, False, None, "invalid", 1, 5, 1),
        ("Hela landet", "Olaga diskriminering (t.o.m. 2022)", "year", 2022, None, False, 75, "value", 1, 6, 1),
        ("Hela landet", "Befogenhetsbedrägeri", "month", 2026, 8, True, 498, "value", 5, 2, 1),
    ]
    assert con.execute("select crime_code from stg_bra__reported_crime where period_type = 'month'").fetchall() == [
        ("0950",)
    ]
    ended = "select category_end_year from stg_bra__reported_crime where crime_label like 'Olaga%'"
    assert con.execute(ended).fetchall() == [(2022,)]


def test_stg_scb__population(con):
    given(
        con,
        "raw.municipalities",
        RAW_MUNICIPALITIES,
        [("1280", "Malmö", "12", "Skåne län", "8461", "Malmö kommun", "k.csv", 2)],
    )
    given(
        con,
        "raw.scb_population_long",
        '"Kommun" varchar, "År" varchar, "Befolkning" varchar, source_file varchar, source_row integer',
        [("Malmö", "2020", "347949", "a.csv", 2), ("Bara", "1975", "5000", "a.csv", 3)],
    )
    given(
        con,
        "raw.scb_population_pxweb",
        'region varchar, "2021" varchar, "2022" varchar, source_file varchar, source_row integer',
        [("1280 Malmö", "350594", "..", "p.csv", 4), ("00 Riket", "10434247", "10489604", "p.csv", 5)],
    )
    given(
        con,
        "raw.scb_population_jsonstat",
        "region_code varchar, region_label varchar, year varchar, contents_code varchar, value varchar, "
        "status varchar, age varchar, sex varchar, marital_status varchar, source_file varchar, source_row integer",
        [
            ("1480", "Göteborg", "2024", "BE0101N1", "604616", None, None, None, None, "q.json", 4),
            ("1480", "Göteborg", "2025", "BE0101N1", None, "..", None, None, None, "q.json", 5),
            ("1480", "Göteborg", "2024", "BE0101N2", "7", None, None, None, None, "q.json", 6),
            ("1480", "Göteborg", "2024", "BE0101N1", "3000", None, "17", "2", None, "a.json", 7),  # a part only
        ],
    )
    rows = run(
        con,
        "stg_scb__population",
        "region_code, region_name, year, population, source_row",
        "source_file, source_row, year",
    )
    assert rows == [
        ("1280", "Malmö", 2020, 347949, 2),
        (None, "Bara", 1975, 5000, 3),
        ("1280", "Malmö", 2021, 350594, 4),
        ("1280", "Malmö", 2022, None, 4),
        ("00", "Riket", 2021, 10434247, 5),
        ("00", "Riket", 2022, 10489604, 5),
        ("1480", "Göteborg", 2024, 604616, 4),
        ("1480", "Göteborg", 2025, None, 5),
    ]


def test_stg_scb__population_groups(con):
    given(
        con,
        "raw.scb_population_jsonstat",
        "region_code varchar, region_label varchar, year varchar, contents_code varchar, value varchar, "
        "status varchar, age varchar, sex varchar, marital_status varchar, source_file varchar, source_row integer",
        [
            ("1280", "Malmö", "2024", "BE0101N1", "361000", None, None, None, None, "t.json", 2),  # a total: not here
            ("1280", "Malmö", "2024", "BE0101N1", "3000", None, "17", "2", None, "a.json", 3),
            ("1280", "Malmö", "2024", "BE0101N1", "40", None, "100+", None, "ÄNKL", "a.json", 4),
            ("1280", "Malmö", "2024", "BE0101N1", None, "..", "5", "1", None, "a.json", 5),
        ],
    )
    rows = run(
        con,
        "stg_scb__population_groups",
        "region_code, year, age, age_code, sex, marital_status, population, population_text",
        "source_row",
    )
    assert rows == [
        ("1280", 2024, 17, "17", "2", None, 3000, "3000"),
        ("1280", 2024, 100, "100+", None, "ÄNKL", 40, "40"),
        ("1280", 2024, 5, "5", "1", None, None, ".."),
    ]


def test_int_population_groups_by_region_year(con):
    given(con, "stg_ref__municipalities", STG_MUNICIPALITIES,
          [("1280", "Malmö", "12", "S", 1, "M"), ("1281", "Lund", "12", "S", 2, "L")])  # fmt: skip
    given(con, "stg_meta__load_log", "source_file varchar, loaded_at timestamptz",
          [("old.json", "2026-01-01 00:00:00+00"), ("new.json", "2026-02-01 00:00:00+00")])  # fmt: skip
    parts = [("1280", 2024, a, s, None, 100, "old.json") for a in range(0, 101) for s in ("1", "2")]
    parts += [("1281", 2024, a, s, None, 50, "old.json") for a in range(0, 101) for s in ("1", "2")]
    parts += [("1280", 2024, a, None, None, 300, "new.json") for a in range(0, 18)]  # a newer answer, both sexes
    parts += [("1281", 2025, a, "2", None, 9, "new.json") for a in range(18, 100)]  # 100+ is missing: incomplete
    given(
        con,
        "stg_scb__population_groups",
        "region_code varchar, year integer, age integer, sex varchar, marital_status varchar, population bigint, source_file varchar",
        parts,
    )
    rows = run(con, "int_population_groups_by_region_year", "region_code, year, population_group, population, source_file",
               "region_code, year, population_group")  # fmt: skip
    assert rows == [
        ("00", 2024, "children_0_17", 18 * 300 + 18 * 100, "new.json, old.json"),  # riket: all (two) municipalities
        ("00", 2024, "women_18_plus", 83 * 100 + 83 * 50, "old.json"),
        ("12", 2024, "children_0_17", 18 * 300 + 18 * 100, "new.json, old.json"),  # Skåne: every municipality has it
        ("12", 2024, "women_18_plus", 83 * 100 + 83 * 50, "old.json"),
        ("1280", 2024, "children_0_17", 18 * 300, "new.json"),  # the answer loaded last wins
        ("1280", 2024, "women_18_plus", 83 * 100, "old.json"),  # 18–100+: 83 ages
        ("1281", 2024, "children_0_17", 18 * 100, "old.json"),  # both sexes summed
        ("1281", 2024, "women_18_plus", 83 * 50, "old.json"),
    ]  # 1281 2025 lacks 100+, so it has no women_18_plus


def test_stg_survey__results(con):
    given(
        con,
        "raw.survey_results",
        "omrade varchar, omradestyp varchar, ar varchar, indikator varchar, enhet varchar, varde varchar, antal_svarande varchar, source_file varchar, source_row integer, kommun varchar, kalla_url varchar, anmarkning varchar",
        [
            (
                "Malmö",
                "kommun",
                "2023",
                "otrygg ute sent på kvällen",
                "procent",
                "16,8",
                "3 624",
                "d.csv",
                2,
                None,
                None,
                None,
            ),
            (
                None,
                None,
                "2021",
                "anmälningsgrad",
                "procent",
                "35,9",
                None,
                "t.csv",
                3,
                "Polisregion Syd",
                "https://polisen.se",
                "x",
            ),
            (
                None,
                None,
                "2022",
                "problemindex (0-6)",
                "index",
                "2,41",
                None,
                "t.csv",
                4,
                "Malmö",
                None,
                None,
            ),
        ],
    )
    rows = run(
        con,
        "stg_survey__results",
        "area_name, area_type, year, item, unit, value, respondents, source_url",
        "source_file, source_row",
    )
    assert rows == [
        ("Malmö", "kommun", 2023, "otrygg ute sent på kvällen", "procent", 16.8, 3624, None),
        (
            "Polisregion Syd",
            "polisregion",
            2021,
            "anmälningsgrad",
            "procent",
            35.9,
            None,
            "https://polisen.se",
        ),
        ("Malmö", "kommun", 2022, "problemindex (0-6)", "index", 2.41, None, None),
    ]


def test_stg_polisen__events(con):
    given(
        con,
        "raw.polisen_events",
        "id bigint, datetime varchar, name varchar, summary varchar, url varchar, type varchar, location_name varchar, location_gps varchar, source_file varchar, source_row integer",
        [
            (
                1,
                "2023-03-22 16:34:17 +01:00",
                "22 mars 16:31, Trafikolycka, Malmö",
                "Hyllie.",
                "/a",
                "Trafikolycka",
                "Malmö",
                "55.6,13.0",
                "e.json",
                1,
            ),
            (
                2,
                "2026-08-22 6:50:44 +02:00",
                "22 augusti 00.30, Brand, Malmö",
                "Oxie.",
                "/b",
                "Brand",
                "Skåne län",
                "55.9,13.5",
                "e.json",
                2,
            ),
            (
                1,
                "2023-03-22 16:34:17 +01:00",
                "22 mars 16:31, Trafikolycka, Malmö",
                "Hyllie, två bilar.",
                "/a",
                "Trafikolycka",
                "Malmö",
                "55.6,13.0",
                "e.json",
                5,
            ),
        ],
    )
    rows = run(
        con,
        "stg_polisen__events",
        "event_id, published_at, event_at, event_type, municipality_name, summary, source_row",
        "event_id",
    )
    assert rows == [
        (
            1,
            datetime(2023, 3, 22, 16, 34, 17),
            datetime(2023, 3, 22, 16, 31),
            "Trafikolycka",
            "Malmö",
            "Hyllie, två bilar.",
            5,
        ),
        (2, datetime(2026, 8, 22, 6, 50, 44), datetime(2026, 8, 22, 0, 30), "Brand", "Malmö", "Oxie.", 2),
    ]
    # An event on 31 December published on 1 January belongs to the year before.
    con.execute(
        "insert into raw.polisen_events values (3, '2025-01-01 0:20:00 +01:00', '31 december 23.50, Brand, Malmö', "
        "'', '', 'Brand', 'Malmö', '', 'e.json', 6)"
    )
    assert run(con, "stg_polisen__events", "event_at", "event_id")[-1] == (datetime(2024, 12, 31, 23, 50),)


def test_stg_local__measures(con):
    given(
        con,
        "raw.local_measures",
        "kommun varchar, ar varchar, skjutningar_totalt varchar, sprangningar varchar, kalla_url varchar, source_file varchar, source_row integer",
        [
            ("Malmö", "2021", "21", "", "https://malmo.se", "l.csv", 2),
            ("Malmö", "2020", "20", "17", "https://malmo.se", "l.csv", 3),
        ],
    )
    rows = run(con, "stg_local__measures", "municipality_name, year, measure, value", "year, measure")
    assert rows == [
        ("Malmö", 2020, "skjutningar_totalt", 20),
        ("Malmö", 2020, "sprangningar", 17),
        ("Malmö", 2021, "skjutningar_totalt", 21),
        ("Malmö", 2021, "sprangningar", None),
    ]


def test_stg_ref__municipalities(con):
    given(
        con,
        "raw.municipalities",
        RAW_MUNICIPALITIES,
        [("1280", "Malmö", "12", "Skåne län", "8461", "Malmö kommun", "k.csv", 2)],
    )
    rows = run(
        con,
        "stg_ref__municipalities",
        "municipality_code, municipality_name, county_code, bra_region_id, bra_region_label",
        "1",
    )
    assert rows == [("1280", "Malmö", "12", 8461, "Malmö kommun")]


def test_stg_catalogue__areas(con):
    given(
        con,
        "raw.catalogue_areas",
        "area_id varchar, area_number varchar, slug varchar, title_sv varchar, coverage varchar, coverage_note_sv varchar, source_file varchar, source_row integer",
        [
            (
                "drog",
                "5",
                "drogforebyggande-insatser",
                "Drogförebyggande insatser",
                "delvis",
                "Not.",
                "areas.csv",
                2,
            )
        ],
    )
    rows = run(con, "stg_catalogue__areas", "area_id, area_number, slug, coverage", "area_number")
    assert rows == [("drog", 5, "drogforebyggande-insatser", "delvis")]


def test_stg_catalogue__indicators(con):
    given(
        con,
        "raw.catalogue_indicators",
        "indicator_id varchar, catalogue_version varchar, area_id varchar, title_sv varchar, source varchar, unit varchar, enforcement_driven varchar, direction varchar, denominator varchar, is_headline varchar, definition_sv varchar, source_file varchar, source_row integer",
        [
            (
                "ALL-01",
                "1",
                "",
                "Totalt",
                "bra",
                "antal",
                "false",
                "higher_is_worse",
                "total",
                "true",
                "Alla.",
                "i.csv",
                2,
            ),
            ("DRG-01", "2", "drog", "Narkotika", "bra", "antal", "TRUE", "none", "total", "false", "N.", "i.csv", 3),
            (
                "STD-S03",
                "2",
                "stod",
                "Ej utsatt",
                "survey",
                "procent",
                "false",
                "higher_is_better",
                "",
                "false",
                "E.",
                "i.csv",
                4,
            ),
            ("X-01", "2", "stod", "Utan riktning", "survey", "procent", "false", "", "", "false", "E.", "i.csv", 5),
        ],
    )
    rows = run(
        con,
        "stg_catalogue__indicators",
        "indicator_id, catalogue_version, area_id, is_enforcement_driven, direction, denominator, is_headline",
        "indicator_id",
    )
    assert rows == [
        ("ALL-01", 1, None, False, "higher_is_worse", "total", True),
        ("DRG-01", 2, "drog", True, "none", "total", False),
        ("STD-S03", 2, "stod", False, "higher_is_better", None, False),
        ("X-01", 2, "stod", False, "none", None, False),  # no direction given: none, so no level
    ]


def test_stg_catalogue__indicator_areas(con):
    given(
        con,
        "raw.catalogue_indicator_areas",
        "indicator_id varchar, area_id varchar, note_sv varchar, source_file varchar, source_row integer",
        [(" ALL-02", "stod-brottsutsatta ", "Som sammanhang.", "a.csv", 2), ("TRG-03", "unga", "", "a.csv", 3)],
    )
    rows = run(con, "stg_catalogue__indicator_areas", "indicator_id, area_id, note_sv", "indicator_id")
    assert rows == [("ALL-02", "stod-brottsutsatta", "Som sammanhang."), ("TRG-03", "unga", None)]


def test_mart_indicators_by_area(con):
    given(con, "stg_catalogue__indicators", "indicator_id varchar, area_id varchar",
          [("ALL-02", None), ("TRG-03", "trygghet"), ("UNG-01", "unga")])  # fmt: skip
    given(con, "stg_catalogue__indicator_areas", "indicator_id varchar, area_id varchar, note_sv varchar",
          [("ALL-02", "stod", "Sammanhang."), ("TRG-03", "unga", None), ("GONE-1", "unga", None)])  # fmt: skip
    rows = run(con, "mart_indicators_by_area", "*", "area_id, indicator_id")
    assert rows == [
        ("stod", "ALL-02", False, "Sammanhang."),
        ("trygghet", "TRG-03", True, None),
        ("unga", "TRG-03", False, None),
        ("unga", "UNG-01", True, None),
    ]


def test_stg_catalogue__indicator_components(con):
    given(
        con,
        "raw.catalogue_indicator_components",
        "indicator_id varchar, component varchar, variant varchar, source_file varchar, source_row integer",
        [
            ("ALL-04", " Vapenlagen ", "", "c.csv", 3),
            ("ALL-04", "Narkotikastrafflagen och vapenlagen (summa)", "2", "c.csv", 4),
        ],
    )
    assert run(
        con, "stg_catalogue__indicator_components", "indicator_id, component, variant, source_row", "source_row"
    ) == [
        ("ALL-04", "Vapenlagen", 1, 3),
        ("ALL-04", "Narkotikastrafflagen och vapenlagen (summa)", 2, 4),
    ]


def test_stg_catalogue__peers(con):
    given(
        con,
        "raw.catalogue_peers",
        "municipality_code varchar, peer_code varchar, source_file varchar, source_row integer",
        [("1280", "0180", "p.csv", 2), ("1280", "1480", "p.csv", 3)],
    )
    assert run(con, "stg_catalogue__peers", "municipality_code, peer_code", "source_row") == [
        ("1280", "0180"),
        ("1280", "1480"),
    ]


def test_stg_catalogue__series_breaks(con):
    given(
        con,
        "raw.catalogue_series_breaks",
        "indicator_id varchar, year varchar, description_sv varchar, source_file varchar, source_row integer",
        [(" VNR-04", "2019", "Ändrade koder.", "b.csv", 2)],
    )
    assert run(con, "stg_catalogue__series_breaks", "indicator_id, year, description_sv", "1") == [
        ("VNR-04", 2019, "Ändrade koder.")
    ]


def test_stg_meta__source_files(con):
    given(
        con,
        "raw.source_files",
        "path varchar, kind varchar, source varchar, url varchar, licence varchar, extracted varchar, sha256 varchar, description varchar",
        [
            ("bra/a.txt", "synthetic", "gen", "", "CC0-1.0", "", "ab", "Demo"),
            ("scb/b.csv", "real", "SCB", "https://scb.se", "CC0", "2021", "cd", "Pop"),
        ],
    )
    rows = run(con, "stg_meta__source_files", "source_file, is_synthetic, extracted", "source_file")
    assert rows == [("bra/a.txt", True, None), ("scb/b.csv", False, "2021")]


# ---------------------------------------------------------------- intermediate


def test_stg_meta__load_log(con):
    given(
        con,
        "raw.load_log",
        "loaded_at varchar, sha256 varchar, source varchar, format varchar, original_name varchar, path varchar, "
        "rows varchar, period_from varchar, period_to varchar",
        [
            (
                "2026-11-25T03:00:00+00:00",
                "ab" * 32,
                "bra",
                "bra_kommun_csv",
                "kommuner-2024.csv",
                "bra/x.csv",
                "290",
                "2024",
                "2024",
            )
        ],
    )
    rows = run(
        con, "stg_meta__load_log", "source_file, loaded_at, original_name, row_count, period_from", "source_file"
    )
    assert rows[0][0] == "bra/x.csv"
    assert rows[0][1].isoformat().startswith("2026-11-25T0")  # shown in the session's time zone
    assert rows[0][2:] == ("kommuner-2024.csv", 290, "2024")


def test_stg_bra__municipality_totals(con):
    given(
        con,
        "raw.municipalities",
        RAW_MUNICIPALITIES,
        [
            ("1280", "Malmö", "12", "Skåne län", "8461", "Malmö kommun", "k.csv", 2),
            ("2080", "Falun", "20", "Dalarnas län", "8300", "Falu kommun", "k.csv", 3),
        ],
    )
    given(
        con,
        "raw.bra_kommun_totals",
        "kommun varchar, antal varchar, per_100k varchar, year varchar, source_file varchar, source_row integer",
        [
            ("Malmö", "57 123", "15 950", "2024", "a.csv", 2),
            ("Falu kommun", "4\u00a0010", "6 709", "2021", "b.csv", 1),
            ("Ale", "-", "0", "2024", "a.csv", 3),
            ("Malmö", "..", "..", "2023", "c.csv", 2),
            ("Malmö", "12x", "1", "2022", "d.csv", 2),
        ],
    )
    rows = run(
        con,
        "stg_bra__municipality_totals",
        "municipality_label, region_code, year, reported_count, count_status, bra_rate_per_100k, source_row",
        "source_file, source_row",
    )
    assert rows == [
        ("Malmö", "1280", 2024, 57123, "value", 15950, 2),
        ("Ale", None, 2024, 0, "zero", 0, 3),
        ("Falu kommun", "2080", 2021, 4010, "value", 6709, 1),
        ("Malmö", "1280", 2023, None, "missing", None, 2),
        ("Malmö", "1280", 2022, None, "invalid", 1, 2),
    ]


def test_stg_kolada__values(con):
    given(
        con,
        "raw.kolada_values",
        "kpi varchar, municipality varchar, period varchar, gender varchar, value varchar, status varchar, "
        "count varchar, source_file varchar, source_row integer",
        [
            ("N07403", "1280", "2024", "T", "1234.5", "", "1", "k.json", 1),
            ("N07403", "1280", "2024", "k", None, "Missing", "0", "k.json", 2),
        ],
    )
    rows = run(
        con, "stg_kolada__values", "kpi, municipality_code, year, gender, value, status, value_count", "source_row"
    )
    assert rows == [("N07403", "1280", 2024, "T", 1234.5, None, 1), ("N07403", "1280", 2024, "K", None, "Missing", 0)]


def test_mart_kolada_values_by_municipality_year(con):
    given(
        con,
        "stg_kolada__values",
        "kpi varchar, municipality_code varchar, year integer, gender varchar, value double, status varchar, "
        "value_count bigint, source_file varchar, source_row integer",
        [
            ("N07403", "1280", 2024, "T", 1200.0, None, 1, "old.json", 1),
            ("N07403", "1280", 2024, "T", 1234.5, None, 1, "new.json", 1),
            ("N07403", "9999", 2024, "T", 1.0, None, 1, "new.json", 2),
        ],
    )
    given(
        con,
        "stg_meta__load_log",
        "source_file varchar, loaded_at timestamptz",
        [("old.json", "2026-01-01 00:00:00+00"), ("new.json", "2026-02-01 00:00:00+00")],
    )
    given(con, "int_regions", "region_code varchar, region_name varchar", [("1280", "Malmö")])
    rows = run(
        con,
        "mart_kolada_values_by_municipality_year",
        "kpi, municipality_code, municipality_name, year, value, source_file",
        "municipality_code",
    )
    assert rows == [
        ("N07403", "1280", "Malmö", 2024, 1234.5, "new.json"),
        ("N07403", "9999", None, 2024, 1.0, "new.json"),
    ]


def test_int_regions(con):
    given(
        con,
        "stg_ref__municipalities",
        STG_MUNICIPALITIES,
        [("1280", "Malmö", "12", "Skåne län", 8461, "Malmö kommun")],
    )
    rows = run(con, "int_regions", "region_code, region_name, region_type, bra_region_label", "region_code")
    assert rows == [
        ("00", "Riket", "riket", "Hela landet"),
        ("12", "Skåne län", "lan", None),
        ("1280", "Malmö", "kommun", "Malmö kommun"),
    ]


def test_int_population_by_region_year(con):
    given(con, "stg_meta__load_log", "source_file varchar, loaded_at timestamptz", [])
    given(
        con,
        "stg_ref__municipalities",
        STG_MUNICIPALITIES,
        [("1280", "Malmö", "12", "S", 1, "M"), ("1281", "Lund", "12", "S", 2, "L")],
    )
    given(con, "stg_meta__source_files", STG_SOURCES, [("a.csv", "real", False), ("b.csv", "synthetic", True)])
    given(
        con,
        "stg_scb__population",
        "region_code varchar, year integer, population bigint, source_file varchar",
        [
            ("1280", 2020, 347949, "a.csv"),
            ("1281", 2020, 125941, "a.csv"),
            ("1280", 2020, 348000, "b.csv"),  # a synthetic figure never beats a real one
            ("1280", 2021, 350594, "b.csv"),
            ("00", 2021, 10434247, "b.csv"),  # SCB's riket beats a sum
            (None, 2020, 5, "a.csv"),
        ],
    )
    given(
        con,
        "stg_bra__municipality_categories",
        "region_code varchar, category_key varchar, year integer, reported_count bigint, bra_rate_per_100k double, source_file varchar",
        [
            ("1280", "total", 2021, 54566, 15390.0, "cat.csv"),  # 54 566 · 100 000 / 15 390 = 354 555,0
            ("1281", "total", 2021, 9000, 7000.0, "cat.csv"),  # 128 571,4
            ("1281", "total", 2020, 9000, 7000.0, "cat.csv"),  # SCB's 2020 figure comes first
            ("1281", "theft", 2021, 900, 100.0, "cat.csv"),  # only the total is used
        ],
    )
    rows = run(
        con,
        "int_population_by_region_year",
        "region_code, year, population, source_file, is_synthetic, basis",
        "region_code, year",
    )
    assert rows == [
        ("00", 2020, 473890, "a.csv", False, "municipal_sum"),
        ("00", 2021, 10434247, "b.csv", True, "scb"),
        ("12", 2020, 473890, "a.csv", False, "municipal_sum"),  # Skåne: both its municipalities are present
        ("12", 2021, 483126, "cat.csv", False, "municipal_sum"),
        ("1280", 2020, 347949, "a.csv", False, "scb"),
        ("1280", 2021, 354555, "cat.csv", False, "derived_from_bra_rate"),  # BRÅ's before the demo figure
        ("1281", 2020, 125941, "a.csv", False, "scb"),
        ("1281", 2021, 128571, "cat.csv", False, "derived_from_bra_rate"),
    ]


def test_int_crime_counts_by_region_year(con):
    given(
        con,
        "int_regions",
        "region_code varchar, region_name varchar, region_type varchar, county_code varchar, county_name varchar, bra_region_label varchar",
        [
            ("1280", "Malmö", "kommun", "12", "S", "Malmö kommun"),
            ("1281", "Lund", "kommun", "12", "S", "Lund kommun"),
            ("00", "Riket", "riket", None, None, "Hela landet"),
        ],
    )
    months = [("Lund kommun", "Rån", "month", 2024, m, False, 2, "value", "m.txt") for m in range(1, 13)]
    months += [("Lund kommun", "Rån", "month", 2025, m, True, 3, "value", "m.txt") for m in range(1, 9)]
    months += [("Lund kommun", "Rån", "month", 2024, 1, True, 50, "value", "m0.txt")]  # prel. January: final wins
    given(
        con,
        "stg_bra__reported_crime",
        "region_label varchar, crime_label varchar, period_type varchar, year integer, month integer, is_preliminary boolean, reported_count bigint, count_status varchar, source_file varchar",
        [
            ("Malmö kommun", "Rån", "year", 2025, None, True, 100, "value", "a.txt"),
            ("Malmö kommun", "Rån", "year", 2025, None, False, 101, "value", "b.txt"),
            ("Malmö kommun", "Rån", "year", 2024, None, False, 90, "value", "z_old.txt"),
            ("Malmö kommun", "Rån", "year", 2024, None, False, 91, "value", "new.txt"),
            ("Hela landet", "Rån", "year", 2025, None, False, 0, "zero", "b.txt"),
            ("Hela landet", "8-12 kap.", "year", 2025, None, False, None, "not_applicable", "b.txt"),
            ("Okänd kommun", "Rån", "year", 2025, None, False, 7, "value", "b.txt"),
            ("Malmö kommun", "Rån", "month", 2025, 1, False, 9, "value", "m.txt"),
            *months,
        ],
    )
    given(
        con,
        "stg_bra__municipality_totals",
        "region_code varchar, year integer, reported_count bigint, count_status varchar, source_file varchar",
        [
            ("1281", 2024, 9000, "value", "k.csv"),
            ("1280", 2025, 55000, "value", "k.csv"),
            ("1280", 2025, None, "missing", "k2.csv"),
        ],
    )
    given(
        con,
        "stg_meta__load_log",
        "source_file varchar, loaded_at timestamptz",
        [("z_old.txt", "2025-03-01 10:00:00+01"), ("new.txt", "2026-03-01 10:00:00+01")],
    )
    given(
        con,
        "stg_bra__municipality_categories",
        "region_code varchar, crime_label varchar, year integer, reported_count bigint, count_status varchar, is_preliminary boolean, source_file varchar",
        [
            ("1281", "Rån", 2024, 30, "value", False, "cat.csv"),  # real, but SOL's own months come first
            ("1281", "Bostadsinbrott", 2024, 400, "value", False, "cat.csv"),
            ("1280", "Rån", 2023, 80, "value", False, "cat.csv"),  # real beats the demo file's 2023
        ],
    )
    con.execute(
        "insert into stg_bra__reported_crime values ('Malmö kommun', 'Rån', 'year', 2023, null, false, 77, 'value', 'demo.txt')"
    )
    given(con, "stg_meta__source_files", STG_SOURCES, [("demo.txt", "synthetic", True), ("cat.csv", "real", False)])
    rows = run(
        con,
        "int_crime_counts_by_region_year",
        "region_code, crime_label, year, reported_count, is_preliminary, basis, origin, source_file",
        "region_code, crime_label, year",
    )
    assert rows == [
        ("00", "Rån", 2025, 0, False, "year", "real", "b.txt"),
        ("1280", "Rån", 2023, 80, False, "municipality_categories", "real", "cat.csv"),
        ("1280", "Rån", 2024, 91, False, "year", "real", "new.txt"),  # the newer export of the same year wins
        ("1280", "Rån", 2025, 101, False, "year", "real", "b.txt"),
        ("1280", "Totalt antal brott", 2025, 55000, False, "municipality_csv", "real", "k.csv"),
        ("1281", "Bostadsinbrott", 2024, 400, False, "municipality_categories", "real", "cat.csv"),
        ("1281", "Rån", 2024, 24, False, "months", "real", "m.txt"),  # 12 months summed; 2025 has only 8
        ("1281", "Totalt antal brott", 2024, 9000, False, "municipality_csv", "real", "k.csv"),
    ]


def test_int_indicator_counts_by_region_year(con):
    given(
        con,
        "stg_ref__municipalities",
        STG_MUNICIPALITIES,
        [
            ("1280", "Malmö", "12", "S", 1, "M"),
            ("1281", "Lund", "12", "S", 2, "L"),
            ("0180", "Stockholm", "01", "St", 3, "St"),
        ],
    )
    given(
        con,
        "stg_catalogue__indicators",
        STG_INDICATORS,
        [
            ("ALL-04", 1, None, "N+V", "bra", "antal", True, True, "", 5),
            ("TRG-S01", 1, "trygghet", "Otrygg", "survey", "procent", False, True, "", 6),
        ],
    )
    given(
        con,
        "stg_catalogue__indicator_components",
        STG_COMPONENTS,
        [
            ("ALL-04", "Narkotikastrafflagen", 2),
            ("ALL-04", "Vapenlagen", 3),
            ("TRG-S01", "otrygg ute sent på kvällen", 4),
        ],
    )
    given(
        con,
        "int_crime_counts_by_region_year",
        "region_code varchar, crime_label varchar, year integer, reported_count bigint, is_preliminary boolean, source_file varchar, origin varchar default 'real'",
        [
            ("1280", "Narkotikastrafflagen", 2025, 4806, False, "b.txt"),
            ("1280", "Vapenlagen", 2025, 297, True, "a.txt"),
            ("1280", "Narkotikastrafflagen", 2024, 4541, False, "b.txt"),  # Vapenlagen missing: no value
            ("1281", "Narkotikastrafflagen", 2025, 100, False, "b.txt"),
            ("1281", "Vapenlagen", 2025, 10, False, "b.txt"),
            ("0180", "Narkotikastrafflagen", 2025, 7, False, "b.txt"),  # no Vapenlagen: no Stockholms län either
            ("00", "Narkotikastrafflagen", 2025, 9000, False, "b.txt"),  # BRÅ's Hela landet
            ("00", "Vapenlagen", 2025, 400, False, "b.txt"),
            ("1280", "Vapenlagen", 2023, 1, False, "c.txt"),  # 2023: every municipality has both components
            ("1280", "Narkotikastrafflagen", 2023, 10, False, "c.txt"),
            ("1281", "Vapenlagen", 2023, 2, False, "c.txt"),
            ("1281", "Narkotikastrafflagen", 2023, 20, False, "c.txt"),
            ("0180", "Vapenlagen", 2023, 3, False, "c.txt"),
            ("0180", "Narkotikastrafflagen", 2023, 30, False, "c.txt"),
            ("00", "Vapenlagen", 2023, 7, False, "c.txt"),
            ("00", "Narkotikastrafflagen", 2023, 70, False, "c.txt"),  # 77 in all: 11 placed in no municipality
        ],
    )
    rows = run(
        con,
        "int_indicator_counts_by_region_year",
        "indicator_id, region_code, year, reported_count, is_preliminary, source_files, count_basis, bra_national_count",
        "year, region_code",
    )
    assert rows == [
        ("ALL-04", "00", 2023, 66, False, "c.txt", "municipal_sum", 77),  # riket: the sum of all municipalities
        ("ALL-04", "01", 2023, 33, False, "c.txt", "municipal_sum", None),
        ("ALL-04", "0180", 2023, 33, False, "c.txt", "reported", None),
        ("ALL-04", "12", 2023, 33, False, "c.txt", "municipal_sum", None),
        ("ALL-04", "1280", 2023, 11, False, "c.txt", "reported", None),
        ("ALL-04", "1281", 2023, 22, False, "c.txt", "reported", None),
        ("ALL-04", "00", 2025, 9400, False, "b.txt", "bra_national_total", 9400),  # Stockholm incomplete
        ("ALL-04", "12", 2025, 5213, True, "a.txt, b.txt", "municipal_sum", None),  # Skåne län: Malmö + Lund
        ("ALL-04", "1280", 2025, 5103, True, "a.txt, b.txt", "reported", None),
        ("ALL-04", "1281", 2025, 110, False, "b.txt", "reported", None),
    ]


# ---------------------------------------------------------------- marts


def test_mart_crime_indicators_by_region_year(con):
    given(
        con,
        "int_indicator_counts_by_region_year",
        "indicator_id varchar, region_code varchar, year integer, reported_count bigint, is_preliminary boolean, source_files varchar, count_basis varchar, bra_national_count bigint, origin varchar default 'real', bra_national_origin varchar default 'real'",
        [
            ("ALL-01", "1280", 2025, 58481, False, "bra.txt", "reported", None),
            ("ALL-01", "1280", 2026, 10, True, "bra.txt", "reported", None),
            ("ALL-01", "00", 2025, 1_400_000, False, "bra.txt", "municipal_sum", 1_430_000),
        ],
    )
    given(
        con,
        "int_population_by_region_year",
        "region_code varchar, year integer, population bigint, source_file varchar, is_synthetic boolean",
        [("1280", 2025, 361376, "pop.csv", True), ("00", 2025, 10_600_000, "pop.csv", True)],
    )
    given(
        con,
        "int_population_groups_by_region_year",
        "region_code varchar, year integer, population_group varchar, population bigint, source_file varchar",
        [("1280", 2025, "children_0_17", 70000, "groups.json")],
    )
    given(
        con,
        "int_regions",
        "region_code varchar, region_name varchar, region_type varchar",
        [("1280", "Malmö", "kommun"), ("00", "Riket", "riket")],
    )
    given(
        con,
        "stg_catalogue__indicators",
        STG_INDICATORS + ", denominator varchar",
        [
            ("ALL-01", 1, None, "Totalt", "bra", "antal", False, True, "", 2, "total"),
            ("UNG-01", 1, "unga", "Rån mot unga", "bra", "antal", False, True, "", 3, "children_0_17"),
        ],
    )
    given(
        con,
        "stg_meta__source_files",
        STG_SOURCES,
        [("bra.txt", "real", False), ("pop.csv", "synthetic", True)],
    )
    con.execute(
        "insert into int_indicator_counts_by_region_year (indicator_id, region_code, year, reported_count, "
        "is_preliminary, source_files, count_basis, bra_national_count) values "
        "('UNG-01', '1280', 2025, 140, false, 'bra.txt', 'reported', null), "
        "('UNG-01', '00', 2025, 2120, false, 'bra.txt', 'municipal_sum', 2200)"
    )
    rows = run(
        con,
        "mart_crime_indicators_by_region_year",
        "indicator_id, region_name, year, reported_count, count_status, population, population_year, rate_per_100k, is_preliminary, is_synthetic, count_basis, bra_national_count, unplaced_count",
        "year, region_name",
    )
    assert [r for r in rows if r[0] == "ALL-01"] == [
        ("ALL-01", "Malmö", 2025, 58481, "value", 361376, 2025, 16182.9, False, True, "reported", None, None),
        (
            "ALL-01",
            "Riket",
            2025,
            1_400_000,
            "value",
            10_600_000,
            2025,
            13207.5,
            False,
            True,
            "municipal_sum",
            1_430_000,
            30_000,
        ),
        ("ALL-01", "Malmö", 2026, 10, "value", None, None, None, True, False, "reported", None, None),
    ]
    # robbery of children: per 100 000 children where SCB's split is there (Malmö), else the whole population
    by_region = {
        r[0]: r[1:]
        for r in con.execute(
            "select region_code, population, rate_per_100k, denominator from mart_crime_indicators_by_region_year "
            "where indicator_id = 'UNG-01'"
        ).fetchall()
    }
    assert by_region == {"1280": (70000, 200.0, "children_0_17"), "00": (10_600_000, 20.0, "total")}


def test_mart_survey_indicators_by_area_year(con):
    given(
        con,
        "stg_survey__results",
        "area_name varchar, area_type varchar, year integer, item varchar, unit varchar, value double, respondents integer, note varchar, source_url varchar, source_file varchar, source_row integer",
        [
            (
                "Malmö",
                "kommun",
                2025,
                "otrygg ute sent på kvällen",
                "procent",
                123 / 456 * 100,
                456,
                None,
                None,
                "d.csv",
                2,
            ),
            (
                "Malmö",
                "kommun",
                2021,
                "otrygg ute sent på kvällen",
                "procent",
                26.8,
                None,
                None,
                None,
                "t.csv",
                3,
            ),
            ("Malmö", "kommun", 2022, "problemindex (0-6)", "index", 2.41, 3700, None, None, "t.csv", 4),
            ("Malmö", "kommun", 2022, "okänd fråga", "procent", 5.0, 100, None, None, "t.csv", 5),
            ("Oxie", "stadsdel", 2025, "otrygg ute sent på kvällen", "procent", 30.0, 99, None, None, "d.csv", 6),
            ("Husie", "stadsdel", 2025, "otrygg ute sent på kvällen", "procent", 20.0, 400, None, None, "d.csv", 7),
            ("Fosie", "stadsdel", 2025, "otrygg ute sent på kvällen", "procent", 25.0, 150, None, None, "d.csv", 9),
            ("Sibbarp", "delomrade", 2025, "otrygg ute sent på kvällen", "procent", 10.0, None, None, None, "d.csv", 8),
        ],
    )
    given(
        con,
        "stg_ref__districts",
        "municipality_code varchar, area_name varchar, district_name varchar",
        [("1280", "Sibbarp", "Limhamn-Bunkeflo"), ("1280", "Lindängen", "Oxie"), ("1280", "Kvarnby", "Husie"),
         ("1280", "Kastanjegården", "Fosie")],
    )  # fmt: skip
    given(
        con,
        "stg_catalogue__indicators",
        STG_INDICATORS,
        [
            ("TRG-S01", 1, "trygghet", "Otrygg", "survey", "procent", False, True, "", 2),
            ("TRG-S06", 1, "trygghet", "Index", "survey", "index", False, True, "", 3),
        ],
    )
    given(
        con,
        "stg_catalogue__indicator_components",
        STG_COMPONENTS,
        [("TRG-S01", "otrygg ute sent på kvällen", 2), ("TRG-S06", "problemindex (0-6)", 3)],
    )
    given(con, "stg_ref__municipalities", STG_MUNICIPALITIES, [("1280", "Malmö", "12", "S", 1, "M")])
    given(con, "stg_meta__source_files", STG_SOURCES, [("d.csv", "synthetic", True)])
    decided = run(
        con,
        "int_survey_results_suppressed",
        "area_name, parent, is_primary, is_secondary",
        "area_name",
    )
    assert [d for d in decided if d[1] is not None] == [
        ("Fosie", "1280", False, True),  # the one hidden stadsdel (Oxie) would follow from Malmö's figure
        ("Husie", "1280", False, False),
        ("Oxie", "1280", True, False),  # fewer than 100 respondents
        ("Sibbarp", "Limhamn-Bunkeflo", True, False),  # no respondent count: hidden, as its n is unknown
    ]
    rows = run(
        con,
        "mart_survey_indicators_by_area_year",
        "indicator_id, region_code, year, respondents, ci_low, ci_high, is_synthetic",
        "indicator_id, year",
    )
    rows = [r for r in rows if r[1] is not None]  # the municipality's own rows
    low, high = stats.wilson_interval(123, 456)
    assert rows == [
        ("TRG-S01", "1280", 2021, None, None, None, False),
        ("TRG-S01", "1280", 2025, 456, round(100 * low, 2), round(100 * high, 2), True),
        ("TRG-S06", "1280", 2022, 3700, None, None, False),
    ]
    assert (rows[1][4], rows[1][5]) == (23.1, 31.23)  # hand-computed Wilson 95 % for 123 of 456
    parts = con.execute(
        "select area_name, municipality_code, value, value_status, respondents, ci_low is not null "
        "from mart_survey_indicators_by_area_year where area_type <> 'kommun' order by area_name"
    ).fetchall()
    assert parts == [
        ("Fosie", "1280", None, "suppressed", None, False),  # hidden with its respondent count
        ("Husie", "1280", 20.0, "value", 400, True),
        ("Oxie", "1280", None, "suppressed", None, False),  # fewer than 100 respondents: no figure, no n
        ("Sibbarp", "1280", None, "suppressed", None, False),  # no n: it cannot be shown as safe
    ]
    columns = [r[0] for r in con.execute("describe mart_survey_indicators_by_area_year").fetchall()]
    assert not {"is_primary", "is_secondary", "parent"} & set(columns)  # which rule hid a part is not published


def test_mart_police_events_by_type_month(con):
    given(
        con,
        "stg_polisen__events",
        "event_id bigint, published_at timestamp, event_at timestamp, event_type varchar, municipality_name varchar",
        [
            (1, datetime(2025, 1, 3, 22, 0), datetime(2025, 1, 3, 21, 40), "Rån", "Malmö"),
            (2, datetime(2025, 2, 1, 0, 20), datetime(2025, 1, 31, 23, 50), "Rån", "Malmö"),
            (3, datetime(2025, 2, 1, 12, 0), None, "Rån", "Malmö"),
            (4, datetime(2025, 2, 1, 12, 0), None, "Rån", "Skåne län"),
        ],
    )
    given(con, "stg_ref__municipalities", STG_MUNICIPALITIES, [("1280", "Malmö", "12", "S", 1, "M")])
    rows = run(con, "mart_police_events_by_type_month", "region_code, event_type, year, month, event_count", "month")
    assert rows == [("1280", "Rån", 2025, 1, 2), ("1280", "Rån", 2025, 2, 1)]


def test_mart_police_events_by_type_hour(con):
    given(con, "stg_polisen__events", "event_id bigint, event_at timestamp, event_type varchar, municipality_name varchar", [
        (1, datetime(2025, 1, 3, 22, 10), "Rån", "Malmö"),  # a Friday
        (2, datetime(2025, 1, 10, 22, 50), "Rån", "Malmö"),  # the Friday after, same hour
        (3, datetime(2025, 1, 5, 3, 0), "Rån", "Malmö"),  # a Sunday
        (4, None, "Rån", "Malmö"),
    ])  # fmt: skip
    given(con, "stg_ref__municipalities", STG_MUNICIPALITIES, [("1280", "Malmö", "12", "S", 1, "M")])
    rows = run(
        con, "mart_police_events_by_type_hour", "region_code, event_type, year, weekday, hour, event_count", "weekday"
    )
    assert rows == [("1280", "Rån", 2025, 5, 22, 2), ("1280", "Rån", 2025, 7, 3, 1)]


def test_stg_ref__districts(con):
    given(
        con,
        "raw.municipalities",
        RAW_MUNICIPALITIES,
        [
            ("1280", "Malmö", "12", "Skåne län", "8461", "Malmö kommun", "k.csv", 2),
            ("0180", "Stockholm", "01", "S", "8510", "Stockholm kommun", "k.csv", 3),
        ],
    )
    given(
        con,
        "raw.districts",
        "name varchar, stadsdel varchar, source_file varchar, source_row integer",
        [
            ("Sibbarp ", "Limhamn-Bunkeflo", "reference/malmo_delomraden.csv", 2),
            ("Okänt", "X", "reference/atlantis_delomraden.csv", 2),
        ],
    )
    rows = run(con, "stg_ref__districts", "municipality_code, area_name, district_name", "source_file")
    assert rows == [(None, "Okänt", "X"), ("1280", "Sibbarp", "Limhamn-Bunkeflo")]


def test_int_police_events_located(con):
    given(con, "stg_polisen__events", "event_id bigint, event_at timestamp, event_type varchar, municipality_name varchar, summary varchar", [
        (1, datetime(2025, 1, 3, 22, 0), "Rån", "Malmö", "Personbil i olycka, Hyllie."),
        (2, datetime(2025, 1, 4, 22, 0), "Rån", "Malmö", "Bråk vid Västra Hamnen, nära hamnen."),
        (3, datetime(2025, 1, 5, 22, 0), "Rån", "Malmö", "Hylliebadet stängt."),  # not the word Hyllie
        (4, datetime(2025, 1, 6, 22, 0), "Rån", "Malmö", "Inget område nämns."),
    ])  # fmt: skip
    given(con, "stg_ref__municipalities", STG_MUNICIPALITIES, [("1280", "Malmö", "12", "S", 1, "M")])
    given(con, "stg_ref__districts", "municipality_code varchar, area_name varchar, district_name varchar", [
        ("1280", "Hyllie", "Hyllie"), ("1280", "Hamnen", "Centrum"), ("1280", "Västra Hamnen", "Västra innerstaden"),
    ])  # fmt: skip
    rows = run(con, "int_police_events_located", "event_id, region_code, district_name", "event_id")
    assert rows == [(1, "1280", "Hyllie"), (2, "1280", "Västra innerstaden")]


def test_mart_police_events_by_district_year(con):
    given(con, "stg_ref__districts", "municipality_code varchar, area_name varchar, district_name varchar",
          [("1280", "a", "A"), ("1280", "b", "B"), ("1280", "c", "C"), ("1280", "d", "D")])  # fmt: skip
    events = [(i, "1280", datetime(2025, 1, 1), "A") for i in range(7)]  # A: 7 events, shown
    events += [(10 + i, "1280", datetime(2025, 1, 1), "B") for i in range(2)]  # B: 2, suppressed
    events += [(20 + i, "1280", datetime(2025, 1, 1), "C") for i in range(6)]  # C: 6, hidden a second time
    # D: 0 events, a true zero: it cannot hide B, because the total minus A and D would give B + C only
    given(
        con,
        "int_police_events_located",
        "event_id bigint, region_code varchar, event_at timestamp, district_name varchar",
        events,
    )
    decided = run(
        con, "int_police_events_counted_by_district", "district_name, events, is_primary, is_secondary", "district_name"
    )
    assert decided == [("A", 7, False, False), ("B", 2, True, False), ("C", 6, False, True), ("D", 0, False, False)]
    rows = run(con, "mart_police_events_by_district_year", "district_name, event_count, count_status", "district_name")
    assert rows == [("A", 7, "value"), ("B", None, "suppressed"), ("C", None, "suppressed"), ("D", 0, "zero")]
    columns = [r[0] for r in con.execute("describe mart_police_events_by_district_year").fetchall()]
    assert columns == ["region_code", "district_name", "year", "event_count", "count_status", "min_cell_count"]
    # Differencing: the year's total (15) minus every shown cell leaves 8 for B and C together, not B alone.
    shown = sum(r[1] for r in rows if r[1] is not None)
    hidden = [r for r in rows if r[2] == "suppressed"]
    assert 15 - shown == 8 and len(hidden) == 2


def test_mart_local_indicators_by_year(con):
    given(
        con,
        "stg_local__measures",
        "municipality_name varchar, year integer, measure varchar, value bigint, source_url varchar, source_file varchar",
        [
            ("Malmö", 2022, "skjutningar_totalt", 29, "u", "l.csv"),
            ("Malmö", 2021, "skjutningar_totalt", None, "u", "l.csv"),
            ("Malmö", 2020, "skjutningar_totalt", 0, "u", "l.csv"),
            ("Malmö", 2022, "doda_i_skjutningar", None, "u", "l.csv"),
        ],
    )
    given(
        con,
        "stg_catalogue__indicators",
        STG_INDICATORS,
        [("ORG-04", 1, "organiserad", "Skjutningar", "local", "antal", False, False, "", 2)],
    )
    given(con, "stg_catalogue__indicator_components", STG_COMPONENTS, [("ORG-04", "skjutningar_totalt", 2)])
    given(con, "stg_ref__municipalities", STG_MUNICIPALITIES, [("1280", "Malmö", "12", "S", 1, "M")])
    given(con, "stg_meta__source_files", STG_SOURCES, [("l.csv", "real", False)])
    rows = run(
        con,
        "mart_local_indicators_by_year",
        "indicator_id, area_id, region_code, year, value, value_status, is_synthetic",
        "year",
    )
    assert rows == [
        ("ORG-04", "organiserad", "1280", 2020, 0, "zero", False),  # a true zero
        ("ORG-04", "organiserad", "1280", 2021, None, "missing", False),  # an empty cell: not zero
        ("ORG-04", "organiserad", "1280", 2022, 29, "value", False),
    ]


def test_mart_indicator_catalogue(con):
    given(
        con,
        "stg_catalogue__indicators",
        STG_INDICATORS + ", direction varchar, denominator varchar",
        [
            ("ALL-04", 1, None, "N+V", "bra", "antal", True, True, "Summan.", 2, "none", "total"),
            ("DRG-01", 1, "drog", "Narkotika", "bra", "antal", True, True, "N.", 3, "none", "total"),
        ],
    )
    given(
        con,
        "stg_catalogue__areas",
        "area_id varchar, area_number integer, title_sv varchar",
        [("drog", 5, "Drogförebyggande insatser")],
    )
    given(
        con,
        "stg_catalogue__indicator_components",
        STG_COMPONENTS,
        [
            ("ALL-04", "Vapenlagen", 3),
            ("ALL-04", "Narkotikastrafflagen", 2),
            ("DRG-01", "Narkotikastrafflagen", 4),
        ],
    )
    rows = run(
        con,
        "mart_indicator_catalogue",
        "indicator_id, area_number, area_title_sv, components, direction, denominator",
        "indicator_id",
    )
    assert rows == [
        ("ALL-04", None, None, "Narkotikastrafflagen + Vapenlagen", "none", "total"),
        ("DRG-01", 5, "Drogförebyggande insatser", "Narkotikastrafflagen", "none", "total"),
    ]


def test_mart_source_files(con):
    given(
        con,
        "stg_meta__source_files",
        "source_file varchar, kind varchar, is_synthetic boolean, source varchar, url varchar, licence varchar, extracted varchar, sha256 varchar, description varchar",
        [
            ("bra/a.txt", "synthetic", True, "gen", "", "CC0-1.0", None, "ab", "Demo"),
            ("bra/ff.txt", "real", False, "BRÅ", "", "", "2026-11-25", "ff", "export.txt"),
        ],
    )
    given(
        con,
        "stg_meta__load_log",
        "source_file varchar, format varchar, original_name varchar, row_count bigint, period_from varchar, period_to varchar, loaded_at timestamptz",
        [("bra/ff.txt", "bra_sol_text", "Databasfil.txt", 19, "2024", "2025", "2026-11-25 03:00:00+00")],
    )
    rows = run(con, "mart_source_files", "source_file, is_synthetic, licence, original_name, period_to", "1")
    assert rows == [("bra/a.txt", True, "CC0-1.0", None, None), ("bra/ff.txt", False, "", "Databasfil.txt", "2025")]


def test_mart_source_files_by_municipality(con):
    """National files are behind every municipality's report; a survey, local or Kolada file only behind the
    municipalities it has rows for (a file with none of them is behind no report)."""
    given(
        con,
        "mart_source_files",
        "source_file varchar, kind varchar, sha256 varchar",
        [("bra/sol.txt", "real", "aa"), ("survey/malmo.csv", "real", "bb"), ("local/lund.csv", "real", "cc"),
         ("survey/orphan.csv", "real", "dd")],
    )  # fmt: skip
    given(
        con,
        "mart_regions",
        "region_code varchar, region_type varchar",
        [("1280", "kommun"), ("1281", "kommun"), ("12", "lan"), ("00", "riket")],
    )
    given(
        con,
        "mart_survey_indicators_by_area_year",
        "municipality_code varchar, source_file varchar",
        [("1280", "survey/malmo.csv"), ("1280", "survey/malmo.csv"), (None, "survey/orphan.csv")],
    )
    given(
        con, "mart_local_indicators_by_year", "region_code varchar, source_file varchar", [("1281", "local/lund.csv")]
    )
    given(con, "mart_kolada_values_by_municipality_year", "municipality_code varchar, source_file varchar", [])
    rows = run(con, "mart_source_files_by_municipality", "municipality_code, source_file, sha256", "1, 2")
    assert rows == [
        ("1280", "bra/sol.txt", "aa"),
        ("1280", "survey/malmo.csv", "bb"),
        ("1281", "bra/sol.txt", "aa"),
        ("1281", "local/lund.csv", "cc"),
    ]


def test_mart_regions(con):
    given(
        con,
        "int_regions",
        "region_code varchar, region_name varchar, region_type varchar, county_code varchar, county_name varchar, bra_region_label varchar",
        [("00", "Riket", "riket", None, None, "Hela landet")],
    )
    assert run(con, "mart_regions", "region_code, region_name, region_type", "1") == [("00", "Riket", "riket")]


def test_mart_priority_areas(con):
    given(
        con,
        "stg_catalogue__areas",
        "area_id varchar, area_number integer, slug varchar, title_sv varchar, coverage varchar, coverage_note_sv varchar, source_file varchar, source_row integer",
        [
            ("trygghet", 6, "trygghet-offentlig-miljo-och-trafik", "Trygghet", "god", "Flera.", "areas.csv", 7),
            ("unga", 1, "unga-i-riskzon", "Unga i riskzon", "svag", "Ålder saknas.", "areas.csv", 2),
        ],
    )
    rows = run(con, "mart_priority_areas", "*", "area_number")
    assert rows == [
        ("unga", 1, "unga-i-riskzon", "Unga i riskzon", "svag", "Ålder saknas."),
        ("trygghet", 6, "trygghet-offentlig-miljo-och-trafik", "Trygghet", "god", "Flera."),
    ]


def test_mart_series_breaks(con):
    given(
        con,
        "stg_catalogue__series_breaks",
        "indicator_id varchar, year integer, description_sv varchar, source_file varchar, source_row integer",
        [("VNR-04", 2019, "Koderna ändrades.", "series_breaks.csv", 2)],
    )
    assert run(con, "mart_series_breaks", "*", "year") == [("VNR-04", 2019, "Koderna ändrades.")]


def test_mart_peers_by_municipality_year(con):
    # 1280 has catalogue peers; 1281 and 1282 do not: theirs are the nearest in population (of the latest
    # population year up to each year), ties broken by code; counties never count as peers.
    given(con, "stg_catalogue__peers", "municipality_code varchar, peer_code varchar, source_row integer",
          [("1280", "1480", 3), ("1280", "0180", 2)])  # fmt: skip
    given(
        con,
        "stg_ref__municipalities",
        STG_MUNICIPALITIES,
        [(c, n, "12", "Skåne län", None, None) for c, n in
         [("1280", "Malmö"), ("1281", "Lund"), ("1282", "Landskrona"), ("1283", "Helsingborg"), ("1284", "Höganäs"),
          ("1480", "Göteborg"), ("0180", "Stockholm")]],
    )  # fmt: skip
    sizes = {"1280": 360, "1281": 130, "1282": 46, "1283": 150, "1284": 28, "1480": 600, "0180": 1000}
    given(
        con,
        "int_population_by_region_year",
        "region_code varchar, year integer, population bigint",
        [(c, 2024, n * 1000) for c, n in sizes.items()] + [("12", 2024, 1_400_000), ("1282", 2025, 150_000)],
    )
    given(con, "int_indicator_counts_by_region_year", "indicator_id varchar, region_code varchar, year integer",
          [("ALL-01", "1280", 2024), ("ALL-01", "1280", 2025)])  # fmt: skip
    rows = run(
        con,
        "mart_peers_by_municipality_year",
        "municipality_code, year, peer_code, peer_rank, basis",
        "municipality_code, year, peer_rank",
    )
    by = {(m, y): [(p, r, b) for mm, yy, p, r, b in rows if (mm, yy) == (m, y)] for m, y, *_ in rows}
    assert by[("1280", 2025)] == [("0180", 1, "catalogue"), ("1480", 2, "catalogue")]
    assert by[("1281", 2024)] == [("1283", 1, "nearest_population"), ("1282", 2, "nearest_population"),
                                  ("1284", 3, "nearest_population")]  # fmt: skip
    # 2025 has a population figure for Landskrona only: every municipality is sized by 2024, except that
    # Landskrona's 2025 figure is then its own year and no other municipality shares it.
    assert by[("1281", 2025)] == [("1283", 1, "nearest_population"), ("1284", 2, "nearest_population"),
                                  ("1280", 3, "nearest_population")]  # fmt: skip
    assert ("1282", 2025) not in by


def test_stg_bra__municipality_categories(con):
    given(
        con,
        "raw.bra_kommun_categories",
        "kommun varchar, period varchar, key varchar, count varchar, per100k varchar, preliminary varchar, source_file varchar, source_row integer",
        [
            ("1280", "2025", "total", "59355", "16183.0", "", "c.csv", 2),
            ("1280", "2025", "drugs_weapons", "5178", "1412.0", "", "c.csv", 3),
            ("0114", "2015", "burglary", "0", "0.0", "", "c.csv", 4),
            ("0114", "2026", "theft", "12", "30.0", "preliminary", "c.csv", 5),
            ("0114", "2015", "vandalism", "1x", "5.0", "", "c.csv", 6),
        ],
    )
    rows = run(
        con,
        "stg_bra__municipality_categories",
        "region_code, crime_label, bra_category_id, year, reported_count, count_status, bra_rate_per_100k, is_preliminary",
        "source_row",
    )
    assert rows == [
        ("1280", "Totalt antal brott", 5036, 2025, 59355, "value", 16183.0, False),
        ("1280", "Narkotikastrafflagen och vapenlagen (summa)", None, 2025, 5178, "value", 1412.0, False),
        ("0114", "Bostadsinbrott", 11462, 2015, 0, "zero", 0.0, False),
        ("0114", "8 kap. Stöld, rån m.m.", 11095, 2026, 12, "value", 30.0, True),
        ("0114", "12 kap. Skadegörelsebrott", 11099, 2015, None, "invalid", 5.0, False),  # the suite stops this
    ]


def test_stg_ref__bra_districts(con):
    given(
        con,
        "raw.bra_districts",
        "bra_region_id varchar, bra_region_label varchar, municipality_code varchar, district_name varchar, first_year varchar, source_file varchar, source_row integer",
        [("8733", " Stadsområde Centrum (Gbg)", "1480", "Centrum", "2021", "d.csv", 2)],
    )
    rows = run(
        con,
        "stg_ref__bra_districts",
        "bra_region_id, bra_region_label, municipality_code, district_name, first_year",
        "1",
    )
    assert rows == [(8733, "Stadsområde Centrum (Gbg)", "1480", "Centrum", 2021)]


def test_stg_ref__boundaries_and_mart_boundaries(con):
    given(
        con,
        "raw.boundaries",
        "kind varchar, code varchar, name varchar, county_code varchar, geometry varchar, source_file varchar, source_row integer",
        [
            ("kommun", "1280", "Malmö", "12", '{"type":"Polygon"}', "k.geojson", 1),
            ("lan", "1", "Stockholm", None, '{"type":"Polygon"}', "l.geojson", 1),
            ("district", "8733", "Stadsområde Centrum (Gbg)", None, '{"type":"Polygon"}', "g.geojson", 1),
        ],
    )
    assert run(con, "stg_ref__boundaries", "kind, code, name", "kind") == [
        ("district", "8733", "Stadsområde Centrum (Gbg)"),
        ("kommun", "1280", "Malmö"),
        ("lan", "01", "Stockholm"),  # county codes have two digits
    ]
    given(
        con,
        "stg_ref__bra_districts",
        "bra_region_id integer, bra_region_label varchar, municipality_code varchar, district_name varchar",
        [(8733, "Stadsområde Centrum (Gbg)", "1480", "Centrum")],
    )
    assert run(con, "mart_boundaries", "kind, code, name, municipality_code, county_code", "kind") == [
        ("district", "8733", "Centrum", "1480", None),  # named as the district tables name it
        ("kommun", "1280", "Malmö", None, "12"),
        ("lan", "01", "Stockholm", None, None),
    ]


def test_district_models_place_suppress_and_publish_sol_district_rows(con):
    given(
        con,
        "stg_bra__reported_crime",
        "region_label varchar, crime_label varchar, period_type varchar, year integer, month integer, is_preliminary boolean, reported_count bigint, count_status varchar, source_file varchar, source_row integer",
        [
            ("Stadsområde Centrum (Gbg)", "Totalt antal brott", "year", 2025, None, False, 30000, "value", "s.txt", 2),
            ("Stadsområde Hisingen (Gbg)", "Totalt antal brott", "year", 2025, None, False, 20000, "value", "s.txt", 3),
            ("Stadsområde Nordost (Gbg)", "Totalt antal brott", "year", 2025, None, False, 3, "value", "s.txt", 4),
            ("Stadsområde Sydväst (Gbg)", "Totalt antal brott", "year", 2025, None, False, 15000, "value", "s.txt", 5),
            ("Stadsområde Centrum (Gbg)", "Totalt antal brott", "year", 2019, None, False, 0, "zero", "s.txt", 6),
            ("Göteborg kommun", "Totalt antal brott", "year", 2025, None, False, 84816, "value", "s.txt", 7),
        ],
    )
    given(
        con,
        "stg_ref__bra_districts",
        "bra_region_id integer, bra_region_label varchar, municipality_code varchar, district_name varchar, first_year integer",
        [
            (8733 + i, f"Stadsområde {n} (Gbg)", "1480", n, 2021)
            for i, n in enumerate(["Centrum", "Hisingen", "Nordost", "Sydväst"])
        ],
    )
    given(con, "stg_meta__load_log", "source_file varchar, loaded_at timestamptz", [])
    placed = run(
        con,
        "int_district_crime_counts_by_year",
        "municipality_code, district_name, year, reported_count, source_row",
        "source_row",
    )
    assert placed == [  # the city's own row is not a district; 2019 is before the 2021 boundaries
        ("1480", "Centrum", 2025, 30000, 2),
        ("1480", "Hisingen", 2025, 20000, 3),
        ("1480", "Nordost", 2025, 3, 4),
        ("1480", "Sydväst", 2025, 15000, 5),
    ]
    given(con, "stg_catalogue__indicators", "indicator_id varchar, source varchar", [("ALL-01", "bra")])
    given(con, "stg_catalogue__indicator_components", STG_COMPONENTS, [("ALL-01", "Totalt antal brott", 2)])
    decided = run(
        con,
        "int_district_indicators_suppressed",
        "district_name, reported_count, is_primary, is_secondary",
        "district_name",
    )
    assert decided == [
        ("Centrum", 30000, False, False),
        ("Hisingen", 20000, False, False),
        ("Nordost", 3, True, False),
        ("Sydväst", 15000, False, True),  # the smallest other district hides with it
    ]
    rows = run(
        con, "mart_crime_indicators_by_district_year", "district_name, reported_count, count_status", "district_name"
    )
    assert rows == [
        ("Centrum", 30000, "value"),
        ("Hisingen", 20000, "value"),
        ("Nordost", None, "suppressed"),
        ("Sydväst", None, "suppressed"),
    ]


def test_stg_measures__register_int_measure_indicators_and_mart_measures(con):
    given(
        con,
        "raw.measures",
        "atgard_id varchar, titel varchar, ansvarig varchar, omrade varchar, indikatorer varchar, start varchar, slut varchar, forvantad_riktning varchar, beskrivning varchar, source_file varchar, source_row integer",
        [
            (
                "M-1",
                "Stråk",
                "Polisen",
                "6",
                "TRG-01, TRG-S01,",
                "2023",
                "",
                "Minska",
                "B",
                "atgardsplan/malmo/atgarder.csv",
                2,
            ),
            (
                "M-2",
                "Unga",
                "Polisen",
                "Unga i riskzon och unga kriminella",
                "UNG-P01",
                "2024",
                "2027",
                "oka",
                "",
                "atgardsplan/malmo/atgarder.csv",
                3,
            ),
        ],
    )
    given(con, "raw.municipalities", "municipality_code varchar, municipality_name varchar", [("1280", "Malmö")])
    given(
        con,
        "raw.catalogue_areas",
        "area_id varchar, area_number varchar, slug varchar, title_sv varchar",
        [
            ("trygghet", "6", "trygghet-offentlig", "Trygghet"),
            ("unga", "1", "unga-i-riskzon", "Unga i riskzon och unga kriminella"),
        ],
    )
    register = run(
        con,
        "stg_measures__register",
        "municipality_code, atgard_id, area_id, indicator_ids, start_year, end_text, end_year, expected_direction",
        "atgard_id",
    )
    assert register == [
        (
            "1280",
            "M-1",
            "trygghet",
            ["TRG-01", "TRG-S01"],
            2023,
            None,
            None,
            "minska",
        ),  # by number; the id list trimmed
        ("1280", "M-2", "unga", ["UNG-P01"], 2024, "2027", 2027, "oka"),  # by title
    ]
    given(con, "stg_catalogue__indicators", "indicator_id varchar, source varchar",
          [("TRG-01", "bra"), ("TRG-S01", "survey"), ("UNG-P01", "polisen")])  # fmt: skip
    links = run(
        con, "int_measure_indicators", "atgard_id, indicator_id, position, is_measurable", "atgard_id, position"
    )
    assert links == [("M-1", "TRG-01", 1, True), ("M-1", "TRG-S01", 2, True), ("M-2", "UNG-P01", 1, False)]
    given(
        con, "stg_catalogue__areas", "area_id varchar, title_sv varchar", [("trygghet", "Trygghet"), ("unga", "Unga")]
    )
    rows = run(
        con, "mart_measures", "atgard_id, area_title_sv, indicator_ids, n_measurable, start_year, end_year", "atgard_id"
    )
    assert rows == [("M-1", "Trygghet", "TRG-01,TRG-S01", 2, 2023, None), ("M-2", "Unga", "UNG-P01", 0, 2024, 2027)]


def test_models_reference_only_earlier_layers():
    order = {name: i for i, name in enumerate(MODELS)}
    for model in MODELS.values():
        for ref in model.refs:
            assert ref in MODELS, f"{model.path.name} references unknown model {ref}"
            assert order[ref] < order[model.name], f"{model.path.name} runs before {ref}"


@pytest.mark.parametrize("name", sorted(MODELS))
def test_model_states_its_grain(name):
    assert MODELS[name].sql.startswith("-- grain: one row per ")
