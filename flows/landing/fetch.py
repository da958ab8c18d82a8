"""`lagesbild fetch`: the open APIs of Kolada, SCB and Polisen, each answer stored and logged like an
ingested file (flows/landing/ingest.py). BRÅ has no API: its SOL exports are taken in with `lagesbild ingest`.

Every request has a timeout; 429 and 5xx answers and broken connections are retried with exponential
backoff (a `Retry-After` header is obeyed); each source's rate limit is kept by a minimum interval between
requests. Base URLs come from the settings (LAGESBILD_<SOURCE>_URL points a source elsewhere), which is how
the tests replay recorded answers from 127.0.0.1.
"""

from __future__ import annotations

import logging
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from flows.config import Settings
from flows.landing import ingest

log = logging.getLogger(__name__)

# Seconds between two requests to a source: SCB allows 30 requests per 10 s; Kolada and Polisen publish no
# figure, so they are asked politely.
MIN_INTERVAL = {"kolada": 0.25, "scb": 0.35, "polisen": 5.0}
RETRY_STATUS = {429, 500, 502, 503, 504}
USER_AGENT = "lagesbild (yearly municipal safety situation report; python-httpx)"
KOLADA_KPIS = ("N07403",)  # Anmälda våldsbrott, antal/100 000 inv (checked against Kolada's metadata)
SCB_POPULATION_TABLE = "TAB638"


class FetchError(Exception):
    """An API could not be read."""


@dataclass
class Client:
    """An httpx client with timeouts, retries with backoff, and a per-source minimum interval."""

    source: str
    base_url: str
    attempts: int = 5
    backoff: float = 1.0  # seconds before the first retry; doubled each time
    min_interval: float | None = None
    timeout: float = 30.0
    _last: float = field(default=0.0, init=False)

    def __post_init__(self) -> None:
        self.base_url = self.base_url.rstrip("/")
        if self.min_interval is None:
            self.min_interval = MIN_INTERVAL[self.source]
        self._http = httpx.Client(timeout=httpx.Timeout(self.timeout, connect=10.0), headers={"User-Agent": USER_AGENT})

    def close(self) -> None:
        self._http.close()

    def url(self, path_or_url: str) -> str:
        """A path under the base URL; a full URL (a `next_page` link) keeps its path and query only, so that
        paging never leaves the configured host."""
        if "://" in path_or_url:
            parts = urlsplit(path_or_url)
            base_path = urlsplit(self.base_url).path
            path = parts.path[len(base_path) :] if parts.path.startswith(base_path) else parts.path
            return f"{self.base_url}{path}" + (f"?{parts.query}" if parts.query else "")
        return f"{self.base_url}/{path_or_url.lstrip('/')}"

    def request(self, method: str, path_or_url: str, **kwargs) -> httpx.Response:
        url = self.url(path_or_url)
        for attempt in range(1, self.attempts + 1):
            wait = self.min_interval - (time.monotonic() - self._last)
            if wait > 0:
                time.sleep(wait)
            self._last = time.monotonic()
            try:
                response = self._http.request(method, url, **kwargs)
            except httpx.TransportError as exc:
                problem, retry_after = f"{type(exc).__name__}: {exc}", None
            else:
                if response.status_code < 400:
                    return response
                problem = f"HTTP {response.status_code}"
                if response.status_code not in RETRY_STATUS:
                    raise FetchError(f"{self.source}: {method} {url}: {problem}: {response.text[:200]}")
                retry_after = response.headers.get("Retry-After")
            if attempt == self.attempts:
                raise FetchError(f"{self.source}: {method} {url}: {problem}, gave up after {attempt} attempts")
            delay = float(retry_after) if retry_after and retry_after.isdigit() else self.backoff * 2 ** (attempt - 1)
            log.warning(
                "%s: %s, retrying in %.1f s (attempt %d of %d)", self.source, problem, delay, attempt, self.attempts
            )
            time.sleep(delay)
        raise AssertionError("unreachable")


def _land(response: httpx.Response, name: str, raw_dir: Path) -> ingest.Landed:
    """Store an answer's body unchanged, as `lagesbild ingest` stores a file."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(response.content)
        return ingest.ingest_file(path, raw_dir, url=str(response.url))


def kolada(
    municipality_codes: list[str], years: list[int], raw_dir: Path, kpis: tuple[str, ...], client: Client
) -> list[ingest.Landed]:
    """Kolada key figures for municipalities and years, following `next_page` (v2) or `next_url` (v3)."""
    path = f"data/kpi/{','.join(kpis)}/municipality/{','.join(municipality_codes)}/year/{','.join(map(str, years))}"
    landed, page = [], 1
    next_link: str | None = path
    while next_link:
        response = client.request("GET", next_link)
        try:
            body = response.json()
        except ValueError as exc:
            raise FetchError(f"kolada: {response.url}: the answer is not JSON: {response.text[:120]!r}") from exc
        landed.append(_land(response, f"kolada_{'_'.join(kpis)}_{years[0]}-{years[-1]}_p{page}.json", raw_dir))
        next_link = body.get("next_page") or body.get("next_url")
        page += 1
    return landed


AGES = [str(a) for a in range(100)] + ["100+"]
# Folkmängd by subgroup, for indicators whose victims are a subgroup: children 0–17 (both sexes: Kon is
# eliminated) and women 18 and older (Kon 2). Age is asked for in single years, which the build sums only
# when every year of the group is there.
SCB_GROUPS = {
    "children_0_17": [{"variableCode": "Alder", "valueCodes": AGES[:18]}],
    "women_18_plus": [{"variableCode": "Alder", "valueCodes": AGES[18:]}, {"variableCode": "Kon", "valueCodes": ["2"]}],
}


def scb_population(
    region_codes: list[str], years: list[int], raw_dir: Path, client: Client, groups: bool = False
) -> list[ingest.Landed]:
    """Folkmängd 31 December (TAB638, BE0101N1) as JSON-stat2; age, sex and marital status eliminated. With
    `groups`, also one answer per subgroup (children 0–17, women 18+) split by single years of age."""
    selections = {"": []} | (SCB_GROUPS if groups else {})
    landed = []
    for group, extra in selections.items():
        selection = {
            "selection": [
                {"variableCode": "Region", "valueCodes": region_codes},
                *extra,
                {"variableCode": "ContentsCode", "valueCodes": ["BE0101N1"]},
                {"variableCode": "Tid", "valueCodes": [str(y) for y in years]},
            ]
        }
        response = client.request(
            "POST",
            f"tables/{SCB_POPULATION_TABLE}/data",
            params={"lang": "sv", "outputFormat": "json-stat2"},
            json=selection,
        )
        name = f"scb_{SCB_POPULATION_TABLE}_{years[0]}-{years[-1]}{'_' + group if group else ''}.json"
        landed.append(_land(response, name, raw_dir))
    return landed


def polisen(raw_dir: Path, client: Client) -> list[ingest.Landed]:
    """Polisen's latest published events (about 500, all of Sweden); the build keeps the municipality's."""
    response = client.request("GET", "events")
    stamp = time.strftime("%Y-%m-%dT%H%M%S")
    return [_land(response, f"polisen_events_{stamp}.json", raw_dir)]


def client_for(source: str, settings: Settings) -> Client:
    """A client for one source at the URL the settings give it."""
    return Client(source, base_url=settings.source_urls[source])
