from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace

import pytest

from flows import db, regions, stats
from flows.config import load
from flows.report import build, law, marts, survey, texts
from flows.report.render.html import render_html
from flows.report.render.pdf import compile_pdf, render_typst
from flows.report.render.templates import typst_string

NBSP = "\u00a0"


@pytest.fixture(scope="module")
def overview(bundled_db, bundled_overview):
    with db.connect(bundled_db, read_only=True) as con:
        assert marts.latest_year(con, "1280") == bundled_overview.year == 2025
    return bundled_overview


@pytest.fixture(scope="module")
def rendered(bundled_rendered):
    return bundled_rendered


def _area(overview, area_id):
    return next(a for a in overview.areas if a.area_id == area_id)


def test_overview_headline_numbers(overview):
    assert (overview.municipality, overview.year, overview.peers) == (
        "Malmö",
        2025,
        ["Stockholm", "Göteborg"],
    )
    total = next(i for i in overview.totals if i.indicator_id == "ALL-01")
    assert (total.count, total.rate, total.population, total.population_year) == (
        59355,
        16183.0,
        366774,
        2025,
    )
    assert [c["region"] for c in total.comparison] == ["Malmö", "Riket", "Skåne län", "Stockholm", "Göteborg"]
    assert [c["kind"] for c in total.comparison] == ["kommun", "riket", "lan", "peer", "peer"]
    gbg = total.comparison[4]
    assert (gbg["count"], gbg["rate"]) == (84816, 13878.0)
    assert [t["year"] for t in total.trend] == list(range(2015, 2026))
    assert overview.has_synthetic


def test_areas_follow_the_catalogue(overview):
    assert [a.number for a in overview.areas] == [1, 2, 3, 4, 5, 6]
    vnr = _area(overview, "vald-nara-relationer")
    assert [i.indicator_id for i in vnr.crime] == ["VNR-01", "VNR-02", "VNR-03", "VNR-04", "VNR-05"]
    assert vnr.crime[0].title == "Anmäld grov kvinnofridskränkning"
    support = _area(overview, "stod-brottsutsatta")
    assert support.crime and support.coverage == "svag"  # it has indicators, of the need for support only
    assert all(a.coverage != "saknas" for a in overview.areas if a.crime or a.survey or a.local)
    org = _area(overview, "organiserad")
    assert [s.indicator_id for s in org.local] == ["ORG-04", "ORG-05"]
    assert org.local[0].rows[-1] == {"year": 2022, "value": 29}


def test_change_wording_follows_the_test(overview):
    for area in overview.areas:
        for ind in area.crime:
            if ind.change is None:
                continue
            verdict = texts.VERDICT_SV[ind.change.verdict]
            assert ind.change_text.lower().startswith(verdict)
            if ind.change.p_value >= 0.05:
                assert "ingen säkerställd förändring" in ind.change_text.lower()


def test_survey_intervals_where_n_exists(overview):
    unsafe = next(s for s in _area(overview, "trygghet").survey if s.indicator_id == "TRG-S02")
    by_year = {r["year"]: r for r in unsafe.rows}
    assert by_year[2021]["respondents"] is None and by_year[2021]["ci_low"] is None
    assert by_year[2021]["value"] == 17.2  # the real transcribed figure
    assert (
        by_year[2025]["respondents"] > 0 and by_year[2025]["ci_low"] < by_year[2025]["value"] < by_year[2025]["ci_high"]
    )


def test_survey_by_district_with_intervals(bundled_db):
    with db.connect(bundled_db, read_only=True) as con:
        expected = con.execute(
            "select area_name, value, respondents, ci_low, ci_high from mart_survey_indicators_by_area_year "
            "where indicator_id = 'TRG-S02' and area_type = 'stadsdel' and year = 2025 order by area_name"
        ).fetchall()
        shown, year = survey.survey_by_area(con, "TRG-S02", "procent", "1280", 2025)
    assert year == 2025 and len(shown) == len(expected) == 10
    first = expected[0]
    assert shown[0] == {
        "area": first[0],
        "value": first[1],
        "value_status": "value",
        "respondents": first[2],
        "ci_low": first[3],
        "ci_high": first[4],
    }


def test_area_html_shows_what_a_reader_needs(rendered):
    html = (rendered / "vald-i-nara-relationer.html").read_text(encoding="utf-8")
    assert "<h1>Våld i nära relationer</h1>" in html
    assert "Demodata." in html
    assert "<strong>72</strong> anmälda brott, <strong>19,6</strong> per 100&nbsp;000 invånare" in html
    assert f"folkmängd 366{NBSP}774 den 31 december 2025" in html
    assert "Anmälda brott är brott som anmälts" in html
    assert 'href="vald-i-nara-relationer.pdf"' in html


def test_overview_links_all_areas_and_pdfs(rendered, overview):
    html = (rendered / "index.html").read_text(encoding="utf-8")
    for area in overview.areas:
        assert f'href="{area.slug}.html"' in html and f'href="{area.slug}.pdf"' in html
    assert f"59{NBSP}355" in html and f"16{NBSP}183,0" in html


def test_every_chart_is_one_named_image_with_its_data_as_a_table(rendered):
    charts = 0
    for page in rendered.glob("*.html"):
        html = page.read_text(encoding="utf-8")
        for label_id, rest in re.findall(r'<svg role="img" aria-labelledby="([^"]+)"(.*?)</svg>', html, re.S):
            charts += 1
            assert " role=" not in rest and "aria-" not in rest, (page.name, label_id)  # its marks are hidden
            caption = re.search(rf'<figcaption id="{label_id}">([^<]*)', html).group(1)
            assert len(caption) > 40, (page.name, label_id)
            after = html[html.index(f'<figcaption id="{label_id}">') :]
            assert after.index("<table>") < after.index("</section>"), (page.name, label_id)
    assert charts >= 50


def test_labels_from_data_cannot_inject_html(overview):
    area = replace(_area(overview, "drog"), title="<script>alert(1)</script>")
    html = render_html("area.html.j2", a=area)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_typst_strings_escape_markup():
    assert typst_string('a "b" \\ #c') == '"a \\"b\\" \\\\ #c"'


def test_labels_from_data_cannot_inject_typst(overview, rendered, tmp_path):
    shutil.copytree(rendered / "charts", tmp_path / "charts")
    area = replace(_area(overview, "drog"), title='"] #panic("injected") [')
    compile_pdf(render_typst("area.typ.j2", a=area), tmp_path / "x.pdf", tmp_path)
    text = subprocess.run(["pdftotext", str(tmp_path / "x.pdf"), "-"], capture_output=True, text=True).stdout
    assert '#panic("injected")' in text


@pytest.mark.parametrize(
    ("text", "slug"),
    [("Malmö", "malmo"), ("../../etc", "etc"), ("Upplands Väsby", "upplands-vasby"), ("..", "kommun")],
)
def test_slugify_keeps_paths_inside(text, slug):
    assert regions.slugify(text) == slug


@pytest.mark.parametrize(
    ("rate", "population", "position"),
    [(100.0, 100_000, "inside"), (118.0, 100_000, "inside"), (125.0, 100_000, "above_95"),
     (135.0, 100_000, "above_998"), (80.0, 100_000, "below_95"), (65.0, 100_000, "below_998")],
)  # fmt: skip
def test_funnel_position_against_riket(rate, population, position):
    # Riket 100 per 100 000 expects 100 crimes in 100 000 people: one standard error is 10 per 100 000,
    # so the 95 % limits are 100 ± 19,6 and the 99,8 % limits 100 ± 30,9.
    assert stats.funnel_position(rate, population, 100.0) == position


def test_headline_indicators_get_a_funnel_plot(rendered, overview):
    vnr = _area(overview, "vald-nara-relationer").crime[0]
    assert vnr.funnel_file == "charts/vald-i-nara-relationer-VNR-01-tratt.svg"
    assert (rendered / vnr.funnel_file).exists()
    assert vnr.funnel_alt.startswith(
        "Trattdiagram: anmäld grov kvinnofridskränkning per 100 000 invånare 2025 för 290 "
    )
    assert vnr.funnel_text.startswith("Malmö ligger ")


def test_police_event_patterns_by_weekday_hour_and_month(rendered, overview):
    events = _area(overview, "trygghet").events[0]
    assert events.indicator_id == "TRG-P01"
    # up to the report year only, and the same events as the yearly table (188 + 290 + 360)
    assert sum(r["events"] for r in events.by_hour) == sum(r["events"] for r in events.by_month) == 838
    assert sum(r["events"] for r in events.rows) == 838
    busiest = max(events.by_hour, key=lambda r: r["events"])
    assert events.pattern_alt.startswith("Värmekarta och stapeldiagram: 838 publicerade polishändelser")
    assert f"kl. {busiest['hour']:02d}–" in events.pattern_alt
    assert events.pattern_alt.endswith("Ett urval av händelser, inte statistik.")
    assert (rendered / events.pattern_file).exists()


def test_series_breaks_annotate_chart_table_and_alt_text(rendered, overview):
    ind = next(i for i in _area(overview, "vald-nara-relationer").crime if i.indicator_id == "VNR-04")
    assert [b["year"] for b in ind.breaks] == [2019]
    assert "Seriebrott 2019: Brottskoderna för olaga förföljelse ändrades 2019" in ind.alt_text
    assert "Seriebrott 2019" in (rendered / ind.chart_file).read_text(encoding="utf-8")
    html = (rendered / "vald-i-nara-relationer.html").read_text(encoding="utf-8")
    trend = html[html.index('<caption id="t-VNR-04-utveckling">') :]
    assert re.search(r'<tr><th scope="row">2019</th>(<td class="n">[^<]*</td>){3}<td>seriebrott</td>', trend)
    assert '<p class="note">Seriebrott 2019: Brottskoderna' in trend
    # a break before the years shown (VNR-02, 2009) is not drawn
    assert next(i for i in _area(overview, "vald-nara-relationer").crime if i.indicator_id == "VNR-02").breaks == []


def test_law_page_shows_what_is_missing(rendered, overview):
    rows = {r["requirement"]: r for r in law.requirements(overview)}
    assert rows["Analys"]["status"] == "saknas" and rows["Analys"]["note"] == "skriven för 0 av 6 områden"
    assert rows["Geografi (stadsområden, delområden)"]["status"] == "delvis"
    assert rows["Geografi (stadsområden, delområden)"]["where"] == (
        "Översiktens Geografi; Trygghet och utsatthet per stadsdel"
    )
    assert rows["Geografi (stadsområden, delområden)"]["note"].endswith(
        "; anmälda brott finns inte under kommunnivå i underlaget"
    )
    assert rows["Självrapporterad utsatthet och trygghet med osäkerhet"]["status"] == "finns"
    html = (rendered / "lag.html").read_text(encoding="utf-8")
    assert "4 § lag (2023:196)" in html
    assert "<td>delvis</td><td>publicerade polishändelser per stadsdel, små tal dolda" in html
    assert 'href="lag.html"' in (rendered / "index.html").read_text(encoding="utf-8")


def test_geography_never_shows_a_small_number(rendered, overview):
    geo = overview.geography
    assert geo["years"] == [2023, 2024, 2025] and len(geo["rows"]) == 10
    shown = [v for cells in geo["rows"].values() for v in cells.values()]
    assert all(v in ("0", "..", "–") or int(v.replace("\u00a0", "")) >= geo["min_cell_count"] for v in shown)
    html = (rendered / "index.html").read_text(encoding="utf-8")
    assert "Geografi: publicerade polishändelser per stadsdel" in html and '<th scope="row">Centrum</th>' in html


def test_sources_used_and_not_used_per_area(bundled_db):
    with db.connect(bundled_db, read_only=True) as con:
        lund = build.build_context(con, load(municipality_code="1281"), 2025)
    drog = next(a for a in lund.areas if a.area_id == "drog")
    assert drog.source_use == [
        {"source": "BRÅ, anmälda brott", "used": True, "note": ""},
        {"source": "Polisens publicerade händelser", "used": True, "note": ""},  # the national archive has Lund
        {
            "source": "Trygghetsmätningen",
            "used": False,
            "note": "inga uppgifter för Lund i underlaget (läs in trygghetsmätningens resultattabell med lagesbild ingest)",
        },
    ]
    safety = next(a for a in lund.areas if a.area_id == "trygghet")
    kolada = next(u for u in safety.source_use if u["source"] == "Kolada (RKA), nyckeltal")
    assert kolada == {
        "source": "Kolada (RKA), nyckeltal",
        "used": False,
        "note": "inga uppgifter för Lund i underlaget (hämta med lagesbild fetch kolada)",
    }


def test_kallkritik_names_demo_files_and_enforcement_driven_indicators(overview):
    drog = _area(overview, "drog")
    assert (
        "Demodata, inte uppgifter om verkligheten: anmälda brott per kategori, kommun och år 2015–2025 i BRÅ "
        "SOL-format, kalibrerat mot publicerade kontrollvärden." in drog.source_notes
    )
    assert not any(".txt" in n or ".csv" in n for n in drog.source_notes if n.startswith("Demodata"))
    enforcement = [i.title for i in drog.crime if i.is_enforcement_driven]
    assert enforcement
    assert (
        f"Speglar främst polisens och andra myndigheters egna insatser: {'; '.join(enforcement)}. Fler anmälda "
        "brott kan där betyda fler kontroller snarare än mer brottslighet."
    ) in drog.source_notes


def test_survey_parts_threshold_is_set_at_build(tmp_path):
    from flows import sources
    from flows.config import BUNDLED_RAW_DIR as RAW_DIR
    from flows.config import CATALOGUE_DIR
    from tests.conftest import MODEL_PARAMS

    with db.connect(tmp_path / "strict.duckdb") as con:
        sources.load_all(con, RAW_DIR, CATALOGUE_DIR)
        db.run_models(con, db.LAYERS, MODEL_PARAMS | {"min_respondents": 300})
        rows = con.execute(
            "select parts.respondents, mart.respondents, mart.value, mart.value_status, mart.ci_low "
            "from mart_survey_indicators_by_area_year as mart "
            "inner join int_survey_results_suppressed as parts using (indicator_id, area_name, year) "
            "where indicator_id = 'TRG-S02' and mart.area_type = 'stadsdel' and year = 2025"
        ).fetchall()
    small = [r for r in rows if r[0] < 300]  # the respondent count as given, which the mart then hides
    assert small and all(r[1:] == (None, None, "suppressed", None) for r in small)
    assert all(r[3] == "value" and r[2] is not None and r[1] == r[0] for r in rows if r[3] != "suppressed")
