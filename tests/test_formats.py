"""Every source format read exactly as published (real files or faithful samples in tests/data), recognised
by content, and taken in by `lagesbild ingest` once: stored by sha256, logged, never twice."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import duckdb
import pytest

from flows import db, sources
from flows.landing import ingest as landing
from flows.landing import manifest
from flows.sources import IngestError, bra_kommun, bra_sol, kolada, local, polisen, scb, survey
from flows.sources.base import Batch
from tests.conftest import DATA_DIR, MODEL_PARAMS

BAD = DATA_DIR / "bad"
MODELS = {m.name: m for m in db.models()}


@pytest.fixture
def raw_con():
    con = duckdb.connect()
    con.execute("create schema raw")
    yield con
    con.close()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("sol_dbfil_ar.txt", "bra_sol_text"),
        ("sol_dbfil_manad.txt", "bra_sol_text"),
        ("sol_dbfil_ar.xlsx", "bra_sol_xlsx"),
        ("sol_dbfil_ar.xls", "bra_sol_xls"),
        ("bra_kommuner_2025.csv", "bra_kommun_csv"),
        ("bra_kommuner_2021_no_header.csv", "bra_kommun_csv"),
        ("scb_tab638_small.json", "scb_jsonstat2"),
        ("scb_tab638_split_truncated.json", "scb_jsonstat2"),
        ("kolada_v2_page1.json", "kolada_json"),
        ("kolada_v3.json", "kolada_json"),
        ("polisen_events_2026_county_shape.json", "polisen_events_json"),
        ("polisen_events_2025_municipality_shape.json", "polisen_events_json"),
        ("survey_malmo.xlsx", "survey_xlsx"),
    ],
)
def test_format_is_read_from_content_not_name(tmp_path, name, expected):
    renamed = tmp_path / "export.dat"  # no telling suffix
    shutil.copy(DATA_DIR / name, renamed)
    assert sources.detect(renamed).name == expected


def test_bundled_files_are_recognised():
    found = {
        p.relative_to(p.parents[1]).as_posix(): fmts
        for fmts, ps in sources.classify(DATA_DIR.parents[1] / "data" / "raw").items()
        for p in ps
    }
    assert found == {
        "bra/Databasfil_anmalda_brott_ar_demo.txt": "bra_sol_text",
        "scb/folkmangd_kommun_1950_2020.csv": "scb_long_csv",
        "scb/folkmangd_kommun_2021_2025_demo.csv": "scb_pxweb_csv",
        "survey/trygghetsmatning_demo.csv": "survey_csv",
        "survey/trygghetsmatning_malmo_transcribed.csv": "survey_csv",
        "polisen/polisen_events_sweden_2023-03_2026-08.jsonl.gz": "polisen_events_jsonl",
        "bra/bra_kommun_6_categories_2015_2025_PARTIAL_167_kommuner.csv": "bra_kommun_categories_csv",
        "local/skjutningar_sprangningar_malmo.csv": "local_csv",
    }


SOL_COLUMNS = "region, brott, ar, period, antal, per_100k"


def test_sol_excel_exports_give_the_rows_of_the_text_export(raw_con):
    bra_sol.read(raw_con, DATA_DIR, [DATA_DIR / "sol_dbfil_ar.txt"])
    text = raw_con.execute(f"select {SOL_COLUMNS} from raw.bra_sol order by source_row").fetchall()
    for name in ("sol_dbfil_ar.xlsx", "sol_dbfil_ar.xls"):
        bra_sol.read(raw_con, DATA_DIR, [], [DATA_DIR / name])
        rows = raw_con.execute(f"select {SOL_COLUMNS}, source_row from raw.bra_sol order by source_row").fetchall()
        assert [r[:-1] for r in rows] == text
        assert len(rows) == 19
        assert rows[0] == ("Hela landet", "8-12 kap. Brott mot förmögenhet", "År", "2024", "..", "..", 4)  # sheet row 4
    assert ("Hela landet", "Befogenhetsbedrägeri", "År", "2025", "14278", "135") in text


def test_sol_monthly_export_labels_share_the_yearly_key(raw_con):
    bra_sol.read(raw_con, DATA_DIR, [DATA_DIR / "sol_dbfil_manad.txt"])
    db.run_model(raw_con, MODELS["stg_bra__reported_crime"], MODEL_PARAMS)
    rows = raw_con.execute(
        "select region_label, crime_code, left(crime_label, 40), year, month, is_preliminary, reported_count "
        "from stg_bra__reported_crime order by source_row"
    ).fetchall()
    assert rows == [
        ("Hela landet", "0950", "Befogenhetsbedrägeri, bedrägeri genom so", 2025, 1, False, 133),
        ("Hela landet", "0950", "Befogenhetsbedrägeri, bedrägeri genom so", 2026, 8, True, 498),
        ("Region Stockholm", "0950", "Befogenhetsbedrägeri, bedrägeri genom so", 2026, 8, True, 20),
    ]


def test_bra_municipality_csv_with_and_without_header(raw_con):
    files = [DATA_DIR / "bra_kommuner_2025.csv", DATA_DIR / "bra_kommuner_2021_no_header.csv"]
    assert bra_kommun.read(raw_con, DATA_DIR, files) == 9
    rows = raw_con.execute("select * from raw.bra_kommun_totals order by source_file, source_row").fetchall()
    assert rows[0] == ("Ale kommun", "2 412", "7 511", "2021", "bra_kommuner_2021_no_header.csv", 1)
    assert rows[4:6] == [
        ("Ale", "2537", "7810", "2025", "bra_kommuner_2025.csv", 2),  # BOM gone, CRLF gone
        ("Göteborg", "84 816", "13 878", "2025", "bra_kommuner_2025.csv", 3),
    ]
    raw_con.execute(
        "create table raw.municipalities as select * from read_csv('data/raw/reference/kommuner.csv', all_varchar=true)"
    )
    db.run_model(raw_con, MODELS["stg_bra__municipality_totals"], MODEL_PARAMS)
    parsed = raw_con.execute(
        "select region_code, year, reported_count, bra_rate_per_100k from stg_bra__municipality_totals "
        "where municipality_label in ('Göteborg', 'Göteborg kommun') order by year"
    ).fetchall()
    assert parsed == [("1480", 2021, 90102, 15580), ("1480", 2025, 84816, 13878)]


def test_bra_municipality_csv_needs_a_year(raw_con, tmp_path):
    nameless = tmp_path / "kommuner.csv"
    shutil.copy(DATA_DIR / "bra_kommuner_2025.csv", nameless)
    with pytest.raises(IngestError, match="kommuner.csv: BRÅ's municipality CSV holds no year and its name has none"):
        bra_kommun.read(raw_con, tmp_path, [nameless])


def test_jsonstat2_population():
    frame = scb.jsonstat_population(DATA_DIR / "scb_tab638_small.json", "scb_tab638_small.json")
    rows = frame[["region_code", "region_label", "year", "contents_code", "value", "source_row"]].values.tolist()
    assert rows == [
        ["0180", "Stockholm", "2023", "BE0101N1", "984748", 1],
        ["0180", "Stockholm", "2024", "BE0101N1", "988943", 2],
        ["1480", "Göteborg", "2023", "BE0101N1", "600151", 3],
        ["1480", "Göteborg", "2024", "BE0101N1", "604616", 4],
    ]


def test_jsonstat2_split_by_age_and_sex_gives_parts_never_a_total(raw_con):
    # Ages 0–100+ by sex: the cells are parts, read with their age and sex, and none is taken as a
    # municipality's folkmängd; the subgroups are summed only when complete (test_models).
    sample = DATA_DIR / "scb_tab638_age_sex_sample.json"
    frame = scb.jsonstat_population(sample, "s.json")
    assert len(frame) == 2 * 101 * 2
    assert list(frame.iloc[0][["region_code", "age", "sex", "year", "value"]]) == ["1280", "0", "1", "2024", "1000"]
    assert list(frame.iloc[201][["region_code", "age", "sex", "value"]]) == ["1280", "100+", "2", "1001"]
    raw_con.execute(
        "create table raw.municipalities as select * from read_csv('data/raw/reference/kommuner.csv', all_varchar=true)"
    )
    scb.load(raw_con, Batch(DATA_DIR, {"scb_jsonstat2": [sample]}))
    for name in ("stg_scb__population", "stg_scb__population_groups"):
        db.run_model(raw_con, MODELS[name], MODEL_PARAMS)
    assert raw_con.execute("select count(*) from stg_scb__population").fetchone() == (0,)
    parts = raw_con.execute(
        "select region_code, year, age, age_code, sex, population, source_row from stg_scb__population_groups "
        "where source_row in (1, 202) order by source_row"
    ).fetchall()
    assert parts == [("1280", 2024, 0, "0", "1", 1000, 1), ("1280", 2024, 100, "100+", "2", 1001, 202)]


def test_a_truncated_jsonstat2_answer_is_refused():
    with pytest.raises(IngestError) as refused:
        scb.jsonstat_population(DATA_DIR / "scb_tab638_split_truncated.json", "t.json")
    assert (
        str(refused.value) == "t.json: JSON-stat2 has 20 values for dimension sizes [19, 4, 18, 2, 1, 29] (79344 cells)"
    )


def test_jsonstat2_split_by_another_variable_is_refused(tmp_path):
    doc = json.loads((DATA_DIR / "scb_tab638_small.json").read_text(encoding="utf-8"))
    doc["id"] = [*doc["id"], "Utbildning"]
    doc["size"] = [*doc["size"], 2]
    doc["dimension"]["Utbildning"] = {"category": {"index": {"a": 0, "b": 1}, "label": {"a": "A", "b": "B"}}}
    doc["value"] = [v for v in doc["value"] for _ in range(2)]
    path = tmp_path / "split.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(IngestError) as refused:
        scb.jsonstat_population(path, "t.json")
    assert str(refused.value) == (
        "t.json: the answer is split by Utbildning (2): lagesbild reads folkmängd in total or by Alder, Kon, "
        "Civilstand only; fetch the table with those variables eliminated"
    )


def test_kolada_v2_and_v3_answers(raw_con):
    files = [DATA_DIR / "kolada_v2_page1.json", DATA_DIR / "kolada_v3.json"]
    assert kolada.read(raw_con, DATA_DIR, files) == 5
    rows = raw_con.execute(
        "select * exclude (source_file) from raw.kolada_values order by source_file, source_row"
    ).fetchall()
    assert rows == [
        ("N07403", "1280", "2024", "T", "1403.2", "", "1", 1),
        ("N07403", "1280", "2024", "K", None, "Missing", "0", 2),
        ("N07403", "1280", "2024", "M", None, "Missing", "0", 3),
        ("N07403", "1281", "2024", "T", "842.5", "", "1", 4),
        ("N07540", "1280", "2025", "T", "16183.0", None, "1", 1),
    ]


def test_polisen_events_in_both_shapes_name_the_municipality(raw_con):
    files = [
        DATA_DIR / "polisen_events_2026_county_shape.json",
        DATA_DIR / "polisen_events_2025_municipality_shape.json",
    ]
    assert polisen.read(raw_con, DATA_DIR, files) == 24
    db.run_model(raw_con, MODELS["stg_polisen__events"], MODEL_PARAMS)
    rows = raw_con.execute(
        "select event_id, municipality_name, location_name from stg_polisen__events where event_id in (650297, 587596, 587593) order by event_id"
    ).fetchall()
    assert rows == [
        (587593, "Kristianstad", "Kristianstad"),  # 2025: location.name is the municipality
        (587596, "Stockholm", "Stockholm"),
        (650297, "Kävlinge", "Skåne län"),  # 2026: only the county; the municipality ends the name
    ]


def test_survey_excel_with_title_rows(raw_con):
    assert survey.read(raw_con, DATA_DIR, [], [DATA_DIR / "survey_malmo.xlsx"]) == 8
    db.run_model(raw_con, MODELS["stg_survey__results"], MODEL_PARAMS)
    rows = raw_con.execute(
        "select area_name, year, item, unit, value, source_row from stg_survey__results order by source_row limit 2"
    ).fetchall()
    assert rows == [
        ("Malmö", 2019, "ej utsatt för brott senaste 12 mån", "procent", 71.8, 4),
        ("Malmö", 2020, "ej utsatt för brott senaste 12 mån", "procent", 70.2, 5),
    ]


# ---------------------------------------------------------------- lagesbild ingest


def _log(raw: Path) -> list[dict[str, str]]:
    return manifest.read_log(raw)


def test_ingest_stores_by_hash_logs_and_is_a_no_op_the_second_time(tmp_path):
    raw = tmp_path / "raw"
    source = DATA_DIR / "sol_dbfil_ar.txt"
    first = landing.ingest_file(source, raw)
    sha = manifest.sha256_of(source)
    assert first.path == f"bra/{sha}.txt"
    assert (raw / first.path).read_bytes() == source.read_bytes()
    assert (first.rows, first.period_from, first.period_to, first.new) == (19, "2024", "2025", True)
    entry = _log(raw)[0]
    assert {k: entry[k] for k in ("sha256", "source", "format", "original_name", "rows")} == {
        "sha256": sha,
        "source": "bra",
        "format": "bra_sol_text",
        "original_name": "sol_dbfil_ar.txt",
        "rows": "19",
    }
    state = {p: p.read_bytes() for p in raw.rglob("*") if p.is_file()}
    again = landing.ingest_file(source, raw)
    assert again.new is False and again.path == first.path
    assert {p: p.read_bytes() for p in raw.rglob("*") if p.is_file()} == state  # nothing changed
    assert [r["path"] for r in manifest.read(raw)] == [first.path]


def test_ingest_refuses_unknown_and_broken_files_and_stores_nothing(tmp_path):
    raw = tmp_path / "raw"
    with pytest.raises(IngestError, match=r"^PROVENANCE.md: cannot tell from its content which source it is"):
        landing.ingest_file(DATA_DIR / "PROVENANCE.md", raw)
    with pytest.raises(IngestError, match=r"^truncated.txt: line 4 has 2 field\(s\)"):
        landing.ingest_file(BAD / "truncated.txt", raw)
    with pytest.raises(IngestError, match=r"^cp1252_euro.txt: line 2: byte 0x80 is not ISO-8859-1 text"):
        landing.ingest_file(BAD / "cp1252_euro.txt", raw)
    assert not raw.exists() or [p for p in raw.rglob("*") if p.is_file()] == []


def test_ingest_gives_the_municipality_csv_its_year(tmp_path):
    raw = tmp_path / "raw"
    landed = landing.ingest_file(DATA_DIR / "bra_kommuner_2025.csv", raw)
    assert (landed.rows, landed.period_from) == (5, "2025")
    nameless = tmp_path / "kommuner.csv"
    shutil.copy(DATA_DIR / "bra_kommuner_2021_no_header.csv", nameless)
    with pytest.raises(IngestError, match="holds no year"):
        landing.ingest_file(nameless, raw)
    assert landing.ingest_file(nameless, raw, year=2021).period_from == "2021"
    con = duckdb.connect()
    bra_kommun.read(
        con.execute("create schema raw") or con,
        raw,
        sorted((raw / "bra").glob("*.csv")),
        {r["path"]: int(r["period_from"]) for r in _log(raw)},
    )
    assert con.execute("select year, count(*) from raw.bra_kommun_totals group by year order by year").fetchall() == [
        ("2021", 4),
        ("2025", 5),
    ]


def test_final_export_replaces_preliminary_and_the_log_keeps_both(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(DATA_DIR.parents[1] / "data" / "raw" / "reference", raw / "reference")
    for name in ("prel_2025.txt", "final_2025.txt"):
        landing.ingest_file(BAD / name, raw)
    landing.ingest_file(DATA_DIR / "scb_tab638_small.json", raw)
    revised = tmp_path / "final_2025_revised.txt"
    revised.write_bytes((BAD / "final_2025.txt").read_bytes().replace(b";130;36;", b";131;36;"))
    con = duckdb.connect()
    sources.load_all(con, raw, DATA_DIR.parents[1] / "data" / "catalogue")
    db.run_models(con, ("staging", "intermediate"), MODEL_PARAMS)

    def current() -> list[tuple]:
        return con.execute(
            "select region_code, crime_label, year, reported_count, is_preliminary from int_crime_counts_by_region_year"
        ).fetchall()

    assert current() == [("1280", "Testbrott", 2025, 130, False)]
    landing.ingest_file(revised, raw)  # a later final export of the same year: its figure wins
    con = duckdb.connect()
    sources.load_all(con, raw, DATA_DIR.parents[1] / "data" / "catalogue")
    db.run_models(con, ("staging", "intermediate"), MODEL_PARAMS)
    assert current() == [("1280", "Testbrott", 2025, 131, False)]
    with open(raw / manifest.LOADLOG_NAME, encoding="utf-8") as f:
        logged = [(r["original_name"], r["period_from"]) for r in csv.DictReader(f)]
    assert logged == [
        ("prel_2025.txt", "2025"),
        ("final_2025.txt", "2025"),
        ("scb_tab638_small.json", "2023"),
        ("final_2025_revised.txt", "2025"),
    ]


def test_scb_pxweb_csv_export(raw_con):
    path = DATA_DIR / "scb_pxweb_folkmangd_sample.csv"
    assert sources.detect(path).name == "scb_pxweb_csv"
    counts = scb.load(raw_con, Batch(DATA_DIR, {"scb_pxweb_csv": [path]}))
    assert counts["scb_population_pxweb"] == 3
    rows = raw_con.execute('select region, "2023", "2024", source_row from raw.scb_population_pxweb').fetchall()
    assert rows == [
        ("00 Riket", "10551707", "10587710", 4),
        ("1280 Malmö", "362133", "..", 5),  # ISO-8859-1 read as such
        ("2583 Haparanda", "9450", "9369", 6),
    ]


def test_real_survey_and_local_csv(raw_con):
    raw = DATA_DIR.parents[1] / "data" / "raw"
    survey_file = raw / "survey" / "trygghetsmatning_malmo_transcribed.csv"
    local_file = raw / "local" / "skjutningar_sprangningar_malmo.csv"
    assert survey.read(raw_con, raw, [survey_file]) == 49
    first = raw_con.execute(
        "select kommun, ar, indikator, enhet, varde, source_row from raw.survey_results order by source_row limit 1"
    ).fetchone()
    assert first == ("Malmö", "2019", "ej utsatt för brott senaste 12 mån", "procent", "71,8", 2)
    assert local.read(raw_con, raw, [local_file]) == 7
    row = raw_con.execute(
        "select kommun, ar, skjutningar_totalt, skjutningar_dodlig_utgang, sprangningar from raw.local_measures "
        "where ar = '2016'"
    ).fetchone()
    assert row == ("Malmö", "2016", "61", None, "43")  # an empty cell stays empty, not zero


def test_one_writer_at_a_time(tmp_path):
    from flows.landing import lock

    raw = tmp_path / "raw"
    with lock.run_lock(raw), pytest.raises(lock.RunInProgress, match="another lagesbild run is using"):
        landing.ingest_file(DATA_DIR / "sol_dbfil_ar.txt", raw)
    assert manifest.read_log(raw) == [] and not (raw / "bra").exists()


def test_detection_survives_a_character_cut_at_the_end_of_the_sample(tmp_path):
    path = tmp_path / "export.txt"
    header = "Region;Brott;År;Period;Antal;/100 000 inv\n".encode()
    filler = b"x" * ((1 << 16) - len(header) - 1)
    path.write_bytes(header + filler + "ö".encode())  # the sample ends in the middle of `ö`
    assert sources.detect(path).name == "bra_sol_text"
