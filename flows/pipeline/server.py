"""The Prefect server that `lagesbild run` reports to. Prefect's temporary server costs 12–20 s to start on
every run; instead the first run starts a local `prefect server start` (127.0.0.1, a free port, data in
PREFECT_HOME) in its own session and later runs reuse it, until `lagesbild stop-server` (`make stop`).
A server given by PREFECT_API_URL is used as it is, and LAGESBILD_PREFECT_SERVER=temporary keeps
Prefect's temporary server (the tests do). Nothing here imports Prefect: the URL must be known before.
"""

from __future__ import annotations

import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

from flows import config

STATE_FILE = "lagesbild-server.json"
LOG_FILE = "lagesbild-server.log"
START_TIMEOUT = 120.0


def ensure(mode: str, home: Path | None = None) -> str:
    """The API URL this run reports to: the user's, the running local server's, or a new one's (its data in
    `home`, by default PREFECT_HOME); empty for Prefect's temporary server (mode `temporary`)."""
    given = config.prefect_api_url() if home is None else ""
    if given or mode == "temporary":
        return given
    home = home or config.prefect_home()
    home.mkdir(parents=True, exist_ok=True)
    with _locked(home):
        running = _running(home)
        return running or _start(home)


def stop(home: Path | None = None) -> str:
    """Stop the local server a run started; what was done, in one line."""
    home = home or config.prefect_home()
    state = _state(home)
    if not state:
        return "no local Prefect server is running"
    try:
        os.killpg(state["pid"], signal.SIGTERM)
        for _ in range(100):
            if not _alive(state["pid"]):
                break
            time.sleep(0.1)
        else:
            os.killpg(state["pid"], signal.SIGKILL)
    except ProcessLookupError:
        pass
    (home / STATE_FILE).unlink(missing_ok=True)
    return f"stopped the Prefect server at {state['url']} (pid {state['pid']})"


def _state(home: Path) -> dict | None:
    try:
        return json.loads((home / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health", timeout=2.0).status_code == 200
    except httpx.HTTPError:
        return False


def _running(home: Path) -> str:
    state = _state(home)
    if state and _alive(state["pid"]) and _healthy(state["url"]):
        return state["url"]
    return ""


def _alive(pid: int) -> bool:
    """Running, not ended (an ended child not yet waited for is a zombie: not alive)."""
    try:
        os.kill(pid, 0)
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (ProcessLookupError, FileNotFoundError):
        return False
    except OSError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(home: Path) -> str:
    port = _free_port()
    url = f"http://127.0.0.1:{port}/api"
    prefect = Path(sys.executable).with_name("prefect")
    with open(home / LOG_FILE, "ab") as log:
        process = subprocess.Popen(
            [str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=config.child_env(PREFECT_HOME=str(home)),
            start_new_session=True,  # not stopped with the run's terminal; `lagesbild stop-server` stops it
        )
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = (home / LOG_FILE).read_text(encoding="utf-8", errors="replace").splitlines()[-5:]
            raise RuntimeError(f"the Prefect server did not start (exit {process.returncode}): {' | '.join(tail)}")
        if _healthy(url):
            (home / STATE_FILE).write_text(json.dumps({"pid": process.pid, "url": url}), encoding="utf-8")
            return url
        time.sleep(0.25)
    os.killpg(process.pid, signal.SIGKILL)
    raise RuntimeError(f"the Prefect server did not answer at {url} within {START_TIMEOUT:.0f} s")


@contextmanager
def _locked(home: Path):
    """One run at a time decides whether to start the server."""
    with open(home / "lagesbild-server.lock", "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)
