"""Builds from ingested files alone: another municipality with no code change, and a round trip of the
bundled data through `lagesbild ingest` into an empty data folder."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest

from flows import db, generate, sources
from flows.config import BUNDLED_RAW_DIR as RAW_DIR
from flows.config import CATALOGUE_DIR, Settings, load
from flows.landing import ingest as landing
from flows.landing import manifest
from flows.pipeline import recipe, stages
from tests.conftest import DATA_DIR, MODEL_PARAMS

LUND_AND_PEERS = ("1281", "1280", "1480", "0180")


@pytest.fixture(scope="module")
def lund(tmp_path_factory) -> tuple[Settings, Path]:
    """An analyst's exports for Lund (a monthly SOL export, SCB population, Polisen events), taken in with
    `lagesbild ingest` into an empty data folder, then the yearly build."""
    base = tmp_path_factory.mktemp("lund")
    exports = base / "exports"
    exports.mkdir()
    spec = generate.Spec(municipality_codes=LUND_AND_PEERS, period="month", first_year=2016, last_year=2025)
    generate.generate_sol_export(exports / "Databasfil.txt", spec, RAW_DIR)
    generate.write_pxweb_population(
        generate.population_series(RAW_DIR, spec), RAW_DIR, exports / "BE0101N1_20260301.csv"
    )
    shutil.copy(RAW_DIR / "scb" / "folkmangd_kommun_1950_2020.csv", exports / "folkmangd.csv")
    shutil.copy(DATA_DIR / "polisen_events_2025_municipality_shape.json", exports / "events.json")
    shutil.copy(DATA_DIR / "kolada_v2_page1.json", exports / "kolada.json")
    raw = base / "raw"
    for path in sorted(exports.iterdir()):
        landing.ingest_file(path, raw)
    settings = load(
        municipality_code="1281",
        raw_dir=raw,
        curated_dir=base / "curated",
        reports_dir=base / "reports",
        render_pdf=False,
    )
    recipe.run(settings)
    return settings, exports


def test_lund_is_built_from_ingested_files_alone(lund):
    settings, exports = lund
    index = settings.reports_dir / "lund" / "2025" / "index.html"
    html = index.read_text(encoding="utf-8")
    assert "Lund" in re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)
    areas = sorted(p.name for p in index.parent.glob("*.html"))
    assert len(areas) == 10  # the overview, six areas, the law page, the source files, accessibility

    # the yearly total is the sum of the monthly export's twelve months for Lund
    sol = (
        duckdb.connect()
        .execute(
            f"select sum(cast(column4 as bigint)) from read_csv('{exports / 'Databasfil.txt'}', delim=';', skip=1, "
            "header=false, encoding='latin-1', columns={'column0': 'varchar', 'column1': 'varchar', "
            "'column2': 'varchar', 'column3': 'varchar', 'column4': 'varchar', 'column5': 'varchar', 'column6': 'varchar'}) "
            "where column0 = 'Lund kommun' and column1 = 'Totalt antal brott' and column2 = '2025'"
        )
        .fetchone()[0]
    )
    with duckdb.connect(str(stages.current_build(settings)), read_only=True) as con:
        count, basis = con.execute(
            "select c.reported_count, c.basis from int_crime_counts_by_region_year c "
            "where region_code = '1281' and crime_label = 'Totalt antal brott' and year = 2025"
        ).fetchone()
        sources = con.execute("select count(*), count(original_name) from mart_source_files").fetchone()
    assert (count, basis) == (sol, "months")
    assert f"{sol:,}".replace(",", "\u00a0") in html or f"{sol:,}".replace(",", " ") in html
    assert sources == (5, 5)  # every file came through the load log

    # a fetched Kolada key figure is shown beside the lägesbild's own figures, and counted as a source used
    safety = (index.parent / "trygghet-offentlig-miljo-och-trafik.html").read_text(encoding="utf-8")
    kolada = safety[safety.index('<h2 id="kolada">Nyckeltal från Kolada</h2>') :]
    assert '<tr><th scope="row">2024</th><td class="n">842,5</td><td></td></tr>' in kolada
    assert '<tr><th scope="row">Kolada (RKA), nyckeltal</th><td>ja</td>' in safety

    # källkritik from the load log: what each file was, its rows and period, when it was taken in
    area = next(
        p
        for p in index.parent.glob("*.html")
        if p.name not in ("index.html", "lag.html", "kallor.html", "tillganglighet.html")
    )
    text = area.read_text(encoding="utf-8")
    assert re.search(
        r"BRÅ SOL Databasfil \(text\): Databasfil.txt \([\d\u00a0 ]+ rader, 2016-01–2025-12\), inläst \d{4}-\d{2}-\d{2}\.",
        text,
    )


def test_round_trip_ingesting_the_bundled_files_gives_the_same_curated_tables(bundled_db, tmp_path):
    raw = tmp_path / "raw"
    listed = {r["path"]: r["kind"] for r in manifest.read(RAW_DIR)}
    for folder in ("bra", "scb", "survey", "polisen", "local"):
        for path in sorted((RAW_DIR / folder).iterdir()):
            landing.ingest_file(path, raw, kind=listed[f"{folder}/{path.name}"])
    assert not (raw / "reference").exists()  # the bundled reference is used
    rebuilt = tmp_path / "rebuilt.duckdb"
    with db.connect(rebuilt) as con:
        sources.load_all(con, raw, CATALOGUE_DIR, load().plans_dir)
        db.run_models(con, db.LAYERS, MODEL_PARAMS)
    marts = [
        m.name
        for m in db.models()
        if m.layer == "marts" and m.name not in ("mart_source_files", "mart_source_files_by_municipality")
    ]
    with duckdb.connect(str(bundled_db), read_only=True) as bundled, duckdb.connect(str(rebuilt)) as again:
        for mart in marts:
            columns = [c for c in bundled.table(mart).columns if "source_file" not in c]
            query = f"select {', '.join(columns)} from {mart} order by all"
            assert bundled.execute(query).fetchall() == again.execute(query).fetchall(), mart
        assert again.execute("select count(*) from mart_source_files where loaded_at is not null").fetchone() == (8,)
