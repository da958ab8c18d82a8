"""The data behind every chart and table of the bundled edition: each table has a caption, scoped headers
and a CSV beside it with the same columns; each chart is followed by its data table; the CSVs are in the
format Swedish spreadsheets open (BOM, `;`, CRLF, decimal comma) and their numbers are the marts'."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import duckdb
import pytest

MALMO = "1280"
YEAR = 2025
CSV_LINK = re.compile(r'<p class="data-link"><a href="(data/[^"]+\.csv)">Tabellen som CSV')


def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f, delimiter=";"))


def number(text: str) -> float | None:
    return float(text.replace(",", ".")) if text else None


@pytest.fixture(scope="module")
def pages(bundled_rendered) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(bundled_rendered.glob("*.html"))}


@pytest.fixture(scope="module")
def mart(bundled_db):
    with duckdb.connect(str(bundled_db), read_only=True) as con:
        yield con


def test_every_table_has_a_caption_scoped_headers_and_its_csv(pages, bundled_rendered):
    tables = 0
    for name, html in pages.items():
        for table, after in re.findall(r"(<table>.*?</table>)(.*?)(?=<table>|\Z)", html, re.S):
            tables += 1
            assert re.match(r"<table>\s*<caption id=\"t-[^\"]+\">[^<]{5,}", table), (name, table[:200])
            assert "<th>" not in table and "<th " not in table.replace("<th scope=", ""), (name, table[:200])
            link = CSV_LINK.search(after)
            assert link, (name, table[:200])
            labels = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', table)
            rows = read_csv(bundled_rendered / link.group(1))
            header = list(rows[0]) if rows else None
            body_rows = len(re.findall(r"<tr>", table)) - 1
            same = header is None or [h.removesuffix(" (%)") for h in header] == [
                v.removesuffix(" (%)") for v in labels
            ]
            assert same and len(rows) == body_rows, (name, link.group(1), header, labels)
    assert tables > 150


def test_every_chart_is_followed_by_its_data_table(pages, bundled_rendered):
    charts = 0
    for name, html in pages.items():
        for after in re.split(r'<figure class="chart">', html)[1:]:
            charts += 1
            follows = after.split("</figure>", 1)[1].split('<figure class="chart">', 1)[0]
            link = CSV_LINK.search(follows)
            assert link and (bundled_rendered / link.group(1)).is_file(), (name, after[:120])
    assert charts >= 50


def test_csv_files_are_what_a_swedish_spreadsheet_opens(bundled_rendered):
    raw = (bundled_rendered / "data" / "ALL-01-utveckling.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    lines = raw.decode("utf-8-sig").split("\r\n")
    assert lines[0] == "År;Anmälda brott;Per 100 000 invånare;Folkmängd;Anmärkning;Uppgift"
    assert "2025;59355;16183,0;366774;;verklig" in lines  # BRÅ's count, Malmö's population, no separators


CRIME = """
select reported_count, rate_per_100k, population from mart_crime_indicators_by_region_year
where indicator_id = ? and region_name = ? and year = ?
"""


def test_every_trend_chart_csv_is_the_mart(bundled_rendered, mart):
    files = [p for p in (bundled_rendered / "data").glob("*.csv") if re.fullmatch(r"[a-z-]+-[A-Z]{3}-0\d", p.stem)]
    assert len(files) >= 20
    for path in files:
        indicator = path.stem[-6:]
        rows = read_csv(path)
        regions = {r["Område"] for r in rows}
        assert "Malmö" in regions and len(regions) >= 3, path.name
        for r in rows:
            count, rate, population = mart.execute(CRIME, [indicator, r["Område"], int(r["År"])]).fetchone()
            assert number(r["Anmälda brott"]) == count, (path.name, r)
            assert number(r["Folkmängd"]) == population, (path.name, r)
            assert r["Per 100 000 invånare"] == ("" if rate is None else f"{rate:.1f}".replace(".", ",")), (
                path.name,
                r,
            )
        years = mart.execute(
            "select list(year order by year) from mart_crime_indicators_by_region_year "
            "where indicator_id = ? and region_code = ? and year <= ?",
            [indicator, MALMO, YEAR],
        ).fetchone()[0]
        assert [int(r["År"]) for r in rows if r["Område"] == "Malmö"] == years, path.name


def test_every_funnel_csv_holds_the_municipalities_of_the_mart(bundled_rendered, mart):
    files = sorted((bundled_rendered / "data").glob("*-tratt.csv"))
    assert len(files) >= 10
    for path in files:
        indicator = path.stem[-12:-6]
        expected = {
            name: (count, f"{rate:.1f}".replace(".", ","), "demodata" if synthetic else "verklig")
            for name, count, rate, synthetic in mart.execute(
                "select region_name, reported_count, rate_per_100k, is_synthetic from mart_crime_indicators_by_region_year "
                "where indicator_id = ? and region_type = 'kommun' and year = ? and rate_per_100k is not null",
                [indicator, YEAR],
            ).fetchall()
        }
        rows = read_csv(path)
        got = {r["Kommun"]: (int(r["Anmälda brott"]), r["Per 100 000 invånare"], r["Uppgift"]) for r in rows}
        assert got == expected, path.name
        for r in rows:  # the municipality lies where its limits say
            rate, low, high = (number(r[k]) for k in ("Per 100 000 invånare", "Undre 95 %-gräns", "Övre 95 %-gräns"))
            assert low < high
            assert (
                (r["Läge"] == "inom gränserna") == (low <= rate <= high)
                or abs(rate - low) < 0.1
                or abs(rate - high) < 0.1
            )


def test_every_survey_chart_csv_is_the_mart(bundled_rendered, mart):
    files = [p for p in (bundled_rendered / "data").glob("*.csv") if re.fullmatch(r"[a-z-]+-[A-Z]{3}-S0\d", p.stem)]
    assert len(files) >= 8
    for path in files:
        for r in read_csv(path):
            if r["Anmärkning"]:  # pooled years are the mart's parts put together, not one of its rows
                continue
            value, low, high, respondents = mart.execute(
                "select value, ci_low, ci_high, respondents from mart_survey_indicators_by_area_year "
                "where indicator_id = ? and region_code = ? and area_type = 'kommun' and year = ?",
                [path.stem[-7:], MALMO, int(r["År"])],
            ).fetchone()
            decimals = 1 if "Andel (%)" in r else 2
            shown = r.get("Andel (%)", r.get("Index 0–6"))
            assert shown == f"{value:.{decimals}f}".replace(".", ","), (path.name, r)
            assert number(r["Intervall, nedre"]) == (None if low is None else round(low, 1)), (path.name, r)
            assert number(r["Intervall, övre"]) == (None if high is None else round(high, 1)), (path.name, r)
            assert number(r["Svarande"]) == respondents, (path.name, r)


EVENT_TYPES = "list_contains((select string_split(components, ' + ') from mart_indicator_catalogue where indicator_id = $id), event_type)"


def test_the_time_tables_are_the_events_mart(bundled_rendered, mart):
    for path in sorted((bundled_rendered / "data").glob("*-manad.csv")):
        indicator = path.stem[:7]
        by_month = dict(
            mart.execute(
                f"select month, sum(event_count) from mart_police_events_by_type_month "
                f"where region_code = $m and year <= $y and {EVENT_TYPES} group by month",
                {"m": MALMO, "y": YEAR, "id": indicator},
            ).fetchall()
        )
        months = [int(r["Händelser"]) for r in read_csv(path)]
        assert months == [by_month.get(m, 0) for m in range(1, 13)] and sum(months) > 0, path.name

        cells = {
            (d, h): n
            for d, h, n in mart.execute(
                f"select weekday, hour, sum(event_count) from mart_police_events_by_type_hour "
                f"where region_code = $m and year <= $y and {EVENT_TYPES} group by weekday, hour",
                {"m": MALMO, "y": YEAR, "id": indicator},
            ).fetchall()
        }
        grid = read_csv(path.with_name(f"{indicator}-veckodag-timme.csv"))
        assert [r["Veckodag"] for r in grid][:2] == ["måndag", "tisdag"] and len(grid) == 7
        got = {(d + 1, h): int(r[f"{h:02d}"]) for d, r in enumerate(grid) for h in range(24)}
        assert got == {k: cells.get(k, 0) for k in got}, path.name


def test_the_county_map_csv_is_the_mart(bundled_rendered, mart):
    rows = read_csv(bundled_rendered / "data" / "karta-12-ALL-01.csv")
    expected = {
        name: (f"{rate:.1f}".replace(".", ","), population)
        for name, rate, population in mart.execute(
            "select region_name, rate_per_100k, population from mart_crime_indicators_by_region_year c "
            "join mart_regions r using (region_code, region_name) "
            "where indicator_id = 'ALL-01' and r.region_type = 'kommun' and r.county_code = '12' and year = ?",
            [YEAR],
        ).fetchall()
    }
    assert len(expected) == 33
    assert {r["Område"]: (r["Per 100 000 invånare"], int(r["Folkmängd"])) for r in rows} == expected
    funnel = {r["Kommun"]: r["Läge"] for r in read_csv(bundled_rendered / "data" / "oversikt-ALL-01-tratt.csv")}
    assert {r["Område"]: r["Mot trattdiagrammets gränser"] for r in rows} == {
        r["Område"]: funnel[r["Område"]] for r in rows
    }
    assert {r["Mot trattdiagrammets gränser"] for r in rows} >= {"inom gränserna", "under 95-procentsgränsen"}


def test_serve_reports_serves_the_site_on_the_loopback_address(bundled_rendered):
    import threading
    import urllib.request

    from flows.report.render import site

    httpd = site.server(bundled_rendered.parent.parent, port=0)
    host, port = httpd.server_address[:2]
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        assert host == "127.0.0.1"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/index.html", timeout=10) as r:
            start = r.read().decode("utf-8")
        assert 'href="malmo/2025/index.html"' in start
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/malmo/2025/data/ALL-01-utveckling.csv", timeout=10) as r:
            assert r.read().startswith(b"\xef\xbb\xbf\xc3\x85r;")
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_every_page_links_to_the_accessibility_statement_which_says_how_to_report_a_problem(pages):
    statement = pages["tillganglighet.html"]
    assert "<h1>Tillgänglighetsredogörelse</h1>" in statement
    assert '<h2 id="rapportera">Rapportera brister</h2>' in statement and "digg.se" in statement
    for name, html in pages.items():
        assert 'href="tillganglighet.html"' in html, name
        assert 'aria-label="Du är här"' in html and "<footer" in html and "<header" in html, name
