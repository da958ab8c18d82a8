"""The Prefect server a run reports to: a running local server is found and reused, a stale record is not,
PREFECT_API_URL wins, `temporary` keeps Prefect's own, and stop-server stops what a run started. A plain
HTTP server answering /api/health stands in for Prefect's (starting the real one takes 10–20 s)."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from flows.pipeline import server


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    return tmp_path


@pytest.fixture
def stand_in(home):
    (home / "www" / "api").mkdir(parents=True)
    (home / "www" / "api" / "health").write_text("true")
    port = server._free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(home / "www")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/api"
    for _ in range(100):
        if server._healthy(url):
            break
        time.sleep(0.05)
    yield process, url
    process.kill()
    process.wait()


def test_a_running_server_is_reused_and_stop_server_stops_it(home, stand_in):
    process, url = stand_in
    (home / server.STATE_FILE).write_text(json.dumps({"pid": process.pid, "url": url}))
    assert server.ensure("reuse") == url  # found, nothing started
    assert server.stop() == f"stopped the Prefect server at {url} (pid {process.pid})"
    assert process.wait(timeout=10) is not None and not (home / server.STATE_FILE).exists()
    assert server.stop() == "no local Prefect server is running"


def test_a_stale_record_is_not_reused(home, stand_in, monkeypatch):
    process, url = stand_in
    (home / server.STATE_FILE).write_text(json.dumps({"pid": process.pid, "url": "http://127.0.0.1:9/api"}))
    started = []
    monkeypatch.setattr(server, "_start", lambda h: started.append(h) or "http://127.0.0.1:1/api")
    assert server.ensure("reuse") == "http://127.0.0.1:1/api" and started == [home]


def test_the_users_server_wins_and_temporary_starts_nothing(home, monkeypatch):
    monkeypatch.setattr(server, "_start", lambda h: pytest.fail("no server may be started"))
    assert server.ensure("temporary") == ""
    monkeypatch.setenv("PREFECT_API_URL", "http://prefect.example:4200/api")
    assert server.ensure("reuse") == "http://prefect.example:4200/api"


def test_a_server_that_cannot_start_is_one_clear_error(home, monkeypatch, tmp_path):
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "prefect").write_text("#!/bin/sh\necho 'port in use' >&2\nexit 3\n")
    (fake / "prefect").chmod(0o755)
    monkeypatch.setattr(server.sys, "executable", str(fake / "python"))
    with pytest.raises(RuntimeError, match=r"the Prefect server did not start \(exit 3\): port in use"):
        server.ensure("reuse")
