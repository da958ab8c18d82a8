"""The scheduled deployments: a monthly refresh and the yearly lägesbild, in Swedish time."""

from __future__ import annotations

from flows.pipeline import deploy


def test_two_deployments_with_stockholm_schedules():
    monthly, yearly = deploy.deployments("Lund")
    assert (monthly.name, yearly.name) == ("monthly-refresh-lund", "lagesbild-lund")
    assert monthly.entrypoint.endswith("flows/pipeline/deploy.py:monthly_refresh")
    assert yearly.entrypoint.endswith("flows/pipeline/deploy.py:yearly")
    crons = [(d.schedules[0].schedule.cron, d.schedules[0].schedule.timezone) for d in (monthly, yearly)]
    assert crons == [("0 5 3 * *", "Europe/Stockholm"), ("0 6 1 4 *", "Europe/Stockholm")]
    assert monthly.parameters == {"kommun": "Lund"} == yearly.parameters
    assert set(yearly._parameter_openapi_schema.model_dump()["properties"]) == {"kommun", "year", "peers", "pdf"}


def test_default_years_end_with_the_year_before():
    assert deploy._years(2025) == list(range(2015, 2026))
