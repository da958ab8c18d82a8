"""A batch: the municipalities named as people name them, the data built once, the reports rendered in
worker processes through the Prefect flow, and one municipality's failure reported without stopping the
others or leaving anything half-written."""

from __future__ import annotations

import logging
import re

import pytest

from flows import regions
from flows.config import BUNDLED_RAW_DIR, load
from flows.pipeline import batch, stages

SMALL = ("1280", "0180", "1480", "1281")  # the small raw fixture's municipalities


def test_a_batch_is_named_as_people_name_it():
    assert len(regions.resolve_many("all", None, BUNDLED_RAW_DIR)) == 290
    skane = regions.resolve_many("Malmö", "Skåne län", BUNDLED_RAW_DIR)
    assert len(skane) == 33 and skane[0] == "1214" and "1280" in skane
    assert regions.resolve_many("x", "12", BUNDLED_RAW_DIR) == regions.resolve_many("x", "skane", BUNDLED_RAW_DIR)
    assert regions.resolve_many("Malmö, lund,1280,0180", None, BUNDLED_RAW_DIR) == ("1280", "1281", "0180")
    with pytest.raises(regions.UnknownMunicipality, match=r"unknown county 'Skone'.*did you mean Skåne län\?"):
        regions.resolve_many("x", "Skone", BUNDLED_RAW_DIR)


def test_batch_settings_take_each_municipalitys_peers_from_the_catalogue():
    one = regions.run_settings("Malmö", "Lund")
    assert one.batch == () and one.peer_codes == ("1281",)
    many = regions.run_settings("Malmö,Lund", None, workers=3)
    assert many.batch == ("1280", "1281") and many.municipalities == ("1280", "1281") and many.workers == 3
    assert many.for_municipality("1281").municipality_code == "1281" and many.for_municipality("1281").batch == ()
    with pytest.raises(ValueError, match="a batch takes each one's from the catalogue"):
        regions.run_settings("all", "Lund")


@pytest.fixture(scope="module")
def batched(prefect_harness, small_raw, tmp_path_factory):
    from flows.pipeline.flow import task_runner, yearly_lagesbild

    base = tmp_path_factory.mktemp("batch")
    settings = load(
        raw_dir=small_raw,
        curated_dir=base / "curated",
        reports_dir=base / "reports",
        render_pdf=False,
        batch=("1280", "1281", "1480"),
        workers=2,
    )
    start = yearly_lagesbild.with_options(task_runner=task_runner(settings))(settings)
    return settings, start


def test_the_flow_renders_every_municipality_of_the_batch_in_worker_processes(batched):
    settings, start = batched
    assert start == settings.reports_dir / "index.html"
    page = start.read_text(encoding="utf-8")
    assert re.findall(r'<li><a href="([a-z]+)/index.html">', page) == ["goteborg", "lund", "malmo"]
    for slug, name in (("malmo", "Malmö"), ("lund", "Lund"), ("goteborg", "Göteborg")):
        html = (settings.reports_dir / slug / "2025" / "index.html").read_text(encoding="utf-8")
        assert f"<h1>Lägesbild {name} 2025</h1>" in html
        assert not (settings.reports_dir / slug / "2025" / "sammanfattning.pdf").exists()  # render_pdf=False
    assert not (settings.reports_dir / "stockholm").exists()  # in the data, not in the batch


def render_or_fail(settings):
    """Lund's report fails; the others render (a module-level function, so that worker processes find it)."""
    if settings.municipality_code == "1281":
        raise LookupError("no crime figures for 2025 in the curated data")
    return stages.render_one(settings)


def test_one_failing_municipality_stops_no_other_and_leaves_nothing_half_written(batched, tmp_path, caplog):
    from dataclasses import replace

    settings = replace(batched[0], reports_dir=tmp_path / "reports", batch=SMALL)
    names = regions.municipalities(settings.raw_dir)
    with caplog.at_level(logging.INFO):
        outcome = batch.render(settings, render_or_fail, batch.in_processes, logging.getLogger("batch"), names)
    assert set(outcome.published) == {"1280", "0180", "1480"}
    assert outcome.failed == {"1281": "LookupError: no crime figures for 2025 in the curated data"}
    assert not (settings.reports_dir / "lund").exists()  # nothing of Lund, not even a hidden folder
    start = outcome.start_page.read_text(encoding="utf-8")
    assert "lund/" not in start and 'href="stockholm/2025/index.html"' in start
    lines = [r.getMessage() for r in caplog.records if "▕" in r.getMessage()]
    assert len(lines) == 4 and lines[-1].startswith("▕████████████████████▏ 4/4, 1 failed, ETA 0 s:")
    assert any("Lund FAILED: no crime figures" in line for line in lines)
    with pytest.raises(
        batch.BatchFailed,
        match=r"^1 of 4 municipalities failed to render \(the others are published\): Lund: LookupError",
    ):
        batch.check(outcome, names)


def test_the_batch_renders_on_a_local_two_worker_dask_cluster(prefect_harness, batched, tmp_path, monkeypatch):
    from dataclasses import replace

    from prefect.client.orchestration import get_client

    from flows.pipeline.flow import task_runner, yearly_lagesbild

    with get_client(sync_client=True) as client:  # the workers report to the test server
        monkeypatch.setenv("PREFECT_API_URL", str(client.api_url).rstrip("/"))
    settings = replace(batched[0], reports_dir=tmp_path / "reports", batch=("1281", "0180"), task_runner="dask")
    runner = task_runner(settings)
    assert type(runner).__name__ == "DaskTaskRunner" and runner.cluster_kwargs["n_workers"] == 2
    start = yearly_lagesbild.with_options(task_runner=runner)(settings)
    assert re.findall(r'<li><a href="([a-z]+)/index.html">', start.read_text(encoding="utf-8")) == ["lund", "stockholm"]
    lund = (tmp_path / "reports" / "lund" / "2025" / "index.html").read_text(encoding="utf-8")
    assert "<h1>Lägesbild Lund 2025</h1>" in lund
