"""`lagesbild fetch` against recorded answers served from 127.0.0.1: paging, retries, rate limits, storage."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import duckdb
import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.landing import fetch, manifest
from flows.sources import kolada
from tests.conftest import DATA_DIR


class Replay:
    """A local HTTP server answering each path from a queue of recorded (status, headers, body) answers;
    the last answer of a queue repeats. Every request is kept in `seen`."""

    def __init__(self) -> None:
        self.routes: dict[str, list[tuple[int, dict, bytes]]] = {}
        self.seen: list[tuple[str, str, bytes, float]] = []
        replay = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                replay.seen.append((self.command, self.path, body, time.monotonic()))
                queue = replay.routes.get(self.path) or replay.routes.get(self.path.split("?")[0]) or []
                status, headers, payload = (queue.pop(0) if len(queue) > 1 else queue[0]) if queue else (404, {}, b"")
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _answer

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def add(self, path: str, *answers: tuple[int, dict, bytes]) -> None:
        self.routes[path] = list(answers)


def ok(name: str) -> tuple[int, dict, bytes]:
    return 200, {"Content-Type": "application/json"}, (DATA_DIR / name).read_bytes()


@pytest.fixture
def server():
    replay = Replay()
    yield replay
    replay.server.shutdown()


def client(server: Replay, source: str, prefix: str = "", **kwargs) -> fetch.Client:
    return fetch.Client(source, base_url=server.url + prefix, backoff=0.01, min_interval=0, **kwargs)


def test_kolada_follows_paging_and_stores_each_page(server, tmp_path):
    page = "/v2/data/kpi/N07403/municipality/1280,1281/year/2024"
    server.add(page, ok("kolada_v2_page1.json"))
    server.add(f"{page}?page=2&per_page=2", ok("kolada_v2_page2.json"))
    raw = tmp_path / "raw"
    landed = fetch.kolada(["1280", "1281"], [2024], raw, ("N07403",), client(server, "kolada", "/v2"))
    assert [r.rows for r in landed] == [4, 1]
    assert [s[1] for s in server.seen] == [page, f"{page}?page=2&per_page=2"]  # the next_page link, on our host
    for item, name in zip(landed, ("kolada_v2_page1.json", "kolada_v2_page2.json"), strict=True):
        assert (raw / item.path).read_bytes() == (DATA_DIR / name).read_bytes()  # stored unchanged
    log = manifest.read_log(raw)
    assert [(r["source"], r["format"], r["original_name"]) for r in log] == [
        ("kolada", "kolada_json", "kolada_N07403_2024-2024_p1.json"),
        ("kolada", "kolada_json", "kolada_N07403_2024-2024_p2.json"),
    ]
    assert manifest.read(raw)[0]["url"].startswith(server.url + "/v2/data/kpi/N07403/")
    con = duckdb.connect()
    con.execute("create schema raw")
    kolada.read(con, raw, sorted((raw / "kolada").glob("*.json")))
    assert con.execute(
        "select municipality, value from raw.kolada_values where gender = 'T' order by 1"
    ).fetchall() == [
        ("1280", "1403.2"),
        ("1281", "842.5"),
        ("1480", "1120.7"),
    ]


def test_fetching_the_same_answer_again_changes_nothing(server, tmp_path):
    server.add("/events", ok("polisen_events_2026_county_shape.json"))
    raw = tmp_path / "raw"
    first = fetch.polisen(raw, client(server, "polisen"))
    state = {p: p.read_bytes() for p in raw.rglob("*") if p.is_file()}
    second = fetch.polisen(raw, client(server, "polisen"))
    assert first[0].new and not second[0].new
    assert first[0].rows == 12 and first[0].period_from == "2026-08-22"
    assert {p: p.read_bytes() for p in raw.rglob("*") if p.is_file()} == state


def test_scb_population_posts_a_selection_and_lands_json_stat2(server, tmp_path):
    server.add("/api/v2/tables/TAB638/data", ok("scb_tab638_small.json"))
    raw = tmp_path / "raw"
    landed = fetch.scb_population(["0180", "1480"], [2023, 2024], raw, client(server, "scb", "/api/v2"))
    method, path, body, _ = server.seen[0]
    assert (method, path) == ("POST", "/api/v2/tables/TAB638/data?lang=sv&outputFormat=json-stat2")
    assert json.loads(body)["selection"] == [
        {"variableCode": "Region", "valueCodes": ["0180", "1480"]},
        {"variableCode": "ContentsCode", "valueCodes": ["BE0101N1"]},
        {"variableCode": "Tid", "valueCodes": ["2023", "2024"]},
    ]
    assert (landed[0].format.name, landed[0].rows, landed[0].period_from, landed[0].period_to) == (
        "scb_jsonstat2",
        4,
        "2023",
        "2024",
    )


def test_scb_population_by_group_asks_for_each_subgroup_in_single_years_of_age(server, tmp_path):
    server.add("/api/v2/tables/TAB638/data", ok("scb_tab638_small.json"), ok("scb_tab638_age_sex_sample.json"))
    raw = tmp_path / "raw"
    landed = fetch.scb_population(["1280", "1281"], [2024], raw, client(server, "scb", "/api/v2"), groups=True)
    selections = [json.loads(body)["selection"] for _, _, body, _ in server.seen]
    assert len(selections) == 3
    assert selections[1][1] == {"variableCode": "Alder", "valueCodes": [str(a) for a in range(18)]}  # both sexes
    assert selections[2][1:3] == [
        {"variableCode": "Alder", "valueCodes": [str(a) for a in range(18, 100)] + ["100+"]},
        {"variableCode": "Kon", "valueCodes": ["2"]},
    ]
    assert [item.path for item in landed][1] == landed[2].path  # the same answer twice is stored once
    assert landed[1].rows == 2 * 101 * 2 and (landed[1].period_from, landed[1].period_to) == ("2024", "2024")


def test_429_and_5xx_are_retried_with_backoff_and_retry_after(server, tmp_path):
    server.add(
        "/events",
        (429, {"Retry-After": "0"}, b"slow down"),
        (503, {}, b"busy"),
        (502, {}, b"bad gateway"),
        ok("polisen_events_2026_county_shape.json"),
    )
    landed = fetch.polisen(tmp_path / "raw", client(server, "polisen"))
    assert landed[0].rows == 12
    times = [s[3] for s in server.seen]
    assert len(times) == 4
    assert times[3] - times[2] >= 0.04 - 0.005  # third retry waited backoff × 4 (0,01 s doubled twice)


def test_a_source_that_keeps_failing_gives_up_with_a_clear_message(server, tmp_path):
    server.add("/events", (500, {}, b"error"))
    with pytest.raises(fetch.FetchError) as failed:
        fetch.polisen(tmp_path / "raw", client(server, "polisen", attempts=3))
    assert str(failed.value) == f"polisen: GET {server.url}/events: HTTP 500, gave up after 3 attempts"
    assert len(server.seen) == 3
    assert not (tmp_path / "raw").exists()  # nothing stored


def test_client_errors_are_not_retried(server, tmp_path):
    server.add("/events", (404, {}, b"no such page"))
    with pytest.raises(fetch.FetchError, match=r"HTTP 404: no such page"):
        fetch.polisen(tmp_path / "raw", client(server, "polisen"))
    assert len(server.seen) == 1


def test_rate_limit_spaces_requests(server, tmp_path):
    page = "/v2/data/kpi/N07403/municipality/1280,1281/year/2024"
    server.add(page, ok("kolada_v2_page1.json"))
    server.add(f"{page}?page=2&per_page=2", ok("kolada_v2_page2.json"))
    slow = fetch.Client("kolada", base_url=server.url + "/v2", min_interval=0.2)
    fetch.kolada(["1280", "1281"], [2024], tmp_path / "raw", ("N07403",), slow)
    assert server.seen[1][3] - server.seen[0][3] >= 0.19


def test_timeouts_are_reported(tmp_path):
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts the connection, never answers
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    silent = fetch.Client("polisen", base_url=url, timeout=0.2, attempts=2, backoff=0.01, min_interval=0)
    with pytest.raises(fetch.FetchError, match=r"ReadTimeout.*gave up after 2 attempts"):
        fetch.polisen(tmp_path / "raw", silent)
    listener.close()


def test_cli_fetch_kolada_uses_the_configured_url(server, tmp_path, monkeypatch):
    page = "/v3/data/kpi/N07540/municipality/1280/year/2025"
    server.add(page, ok("kolada_v3.json"))
    monkeypatch.setenv("LAGESBILD_KOLADA_URL", server.url + "/v3")
    raw = tmp_path / "raw"
    result = CliRunner().invoke(
        app, ["fetch", "kolada", "--kommun", "Malmö", "--years", "2025", "--kpi", "N07540", "--raw-dir", str(raw)]
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith("kolada/")
    assert "Kolada API JSON, 1 rows, 2025 (from kolada_N07540_2025-2025_p1.json; stored)" in result.output
    bad = CliRunner().invoke(app, ["fetch", "bra", "--raw-dir", str(raw)])
    assert bad.exit_code == 1
    assert "unknown source 'bra': choose kolada, scb or polisen (BRÅ: export from SOL, then ingest)" in bad.output


def test_a_fetched_answer_has_an_extraction_date_an_ingested_file_does_not(server, tmp_path):
    import datetime as dt

    from flows.landing import ingest as landing

    server.add("/events", ok("polisen_events_2026_county_shape.json"))
    raw = tmp_path / "raw"
    fetch.polisen(raw, client(server, "polisen"))
    landing.ingest_file(DATA_DIR / "sol_dbfil_ar.txt", raw)
    extracted = {r["source"]: r["extracted"] for r in manifest.read(raw)}
    assert extracted == {
        "Polisens händelse-API (JSON)": dt.datetime.now(dt.UTC).date().isoformat(),
        "BRÅ SOL Databasfil (text)": "",
    }
