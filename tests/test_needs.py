from __future__ import annotations

import csv
import json

import jsonschema
import pytest

from flows.report import levels, texts
from flows.report.render import behovsanalys
from flows.stats import Change, poisson_rate_change

# q-values as the edition's Benjamini–Hochberg would give them: the level rule reads those, not p
UP = Change(120 / 1e5, 90 / 1e5, 0.01, "exakt Poissontest", q_value=0.01)
FLAT = Change(100 / 1e5, 95 / 1e5, 0.6, "exakt Poissontest", q_value=0.6)
DOWN = Change(80 / 1e5, 120 / 1e5, 0.001, "exakt Poissontest", q_value=0.001)
UP_BY_P_ONLY = Change(120 / 1e5, 90 / 1e5, 0.01, "exakt Poissontest", q_value=0.2)  # fails the FDR control


@pytest.mark.parametrize(
    ("change", "rate", "riket", "level"),
    [
        (UP, 120.0, 100.0, "rött"),  # significant increase and above riket
        (UP, 90.0, 100.0, "gult"),  # significant increase, below riket
        (FLAT, 130.0, 100.0, "gult"),  # no change, but at least 1,25 × riket
        (FLAT, 124.0, 100.0, "grönt"),
        (DOWN, 200.0, 100.0, "gult"),  # a decrease does not make a high level green
        (DOWN, 80.0, 100.0, "grönt"),
        (None, 80.0, 100.0, None),
    ],
)
def test_crime_level_rule(change, rate, riket, level):
    got, rule = levels.crime_level(change, rate, riket)
    assert got == level
    assert rule.startswith(level) if level else rule == levels.RULE_NO_TEST


def test_survey_level_rule():
    assert levels.survey_level(UP) == ("rött", levels.RULE_SURVEY_RED)
    assert levels.survey_level(FLAT) == ("grönt", levels.RULE_SURVEY_GREEN)
    assert levels.survey_level(None) == (None, levels.RULE_NO_TEST)


def test_levels_follow_direction_enforcement_and_the_false_discovery_rate():
    # an item where higher is better ("inte utsatt", "trygg ute"): a rise is an improvement, a fall a worsening
    assert levels.survey_level(UP, "higher_is_better") == ("grönt", levels.RULE_SURVEY_GREEN)
    assert levels.survey_level(DOWN, "higher_is_better") == ("rött", levels.RULE_SURVEY_RED)
    assert levels.survey_level(UP, "none") == (None, levels.RULE_NO_DIRECTION)
    # counts that mostly measure police effort, and indicators without a direction, get no level at all
    assert levels.crime_level(UP, 120.0, 100.0, "higher_is_worse", enforcement_driven=True) == (
        None,
        levels.RULE_ENFORCEMENT,
    )
    assert levels.crime_level(UP, 120.0, 100.0, "none") == (None, levels.RULE_NO_DIRECTION)
    # significant by its own p but not after the edition's FDR control: not a worsening
    assert levels.crime_level(UP_BY_P_ONLY, 110.0, 100.0)[0] == "grönt"
    assert levels.survey_level(UP_BY_P_ONLY) == ("grönt", levels.RULE_SURVEY_GREEN)


def test_no_enforcement_driven_indicator_has_a_level(overview):
    indicators = [*overview.totals, *(i for a in overview.areas for i in a.crime)]
    driven = {i.indicator_id for i in indicators if i.is_enforcement_driven}
    assert driven == {"ALL-04", "ORG-02", "VNR-05", "DRG-01", "DRG-02", "TRG-05"}
    assert all(
        i.level is None and i.level_rule == levels.RULE_ENFORCEMENT for i in indicators if i.is_enforcement_driven
    )


@pytest.fixture(scope="module")
def overview(bundled_overview):
    return bundled_overview


def test_three_year_comparison_uses_summed_counts_and_populations(overview):
    ind = next(i for a in overview.areas for i in a.crime if i.indicator_id == "DRG-02")
    trend = {t["year"]: t for t in ind.trend}
    expected = poisson_rate_change(
        trend[2025]["count"],
        trend[2025]["population"],
        sum(trend[y]["count"] for y in (2022, 2023, 2024)),
        sum(trend[y]["population"] for y in (2022, 2023, 2024)),
        ind.dispersion.phi,
    )
    assert ind.change_3y.p_value == expected.p_value and ind.change_3y.phi == ind.dispersion.phi > 1
    assert ind.change_3y.q_value >= ind.change_3y.p_value
    assert ind.change_3y_text.startswith(
        texts.VERDICT_SV[expected.verdict].capitalize() + " jämfört med medelvärdet 2022–2024"
    )


def test_export_validates_against_its_schema(overview, tmp_path):
    csv_path, json_path = behovsanalys.write(overview, tmp_path, "malmo")
    assert (csv_path.name, json_path.name) == ("behovsanalys_malmo_2025.csv", "behovsanalys_malmo_2025.json")
    document = json.loads(json_path.read_text(encoding="utf-8"))
    jsonschema.validate(document, json.loads(behovsanalys.SCHEMA_PATH.read_text(encoding="utf-8")))
    with open(csv_path, encoding="utf-8", newline="") as f:
        table = list(csv.DictReader(f))
    assert [r["indicator_id"] for r in table] == [r["indicator_id"] for r in document["indicators"]]
    assert all(r["level_is_proposal"] == "True" for r in table)


def test_export_rows_carry_the_report_numbers(overview, tmp_path):
    _, json_path = behovsanalys.write(overview, tmp_path, "malmo")
    rows = {r["indicator_id"]: r for r in json.loads(json_path.read_text(encoding="utf-8"))["indicators"]}
    vnr = next(i for a in overview.areas for i in a.crime if i.indicator_id == "VNR-01")
    row = rows["VNR-01"]
    assert (row["value"], row["value_status"], row["rate_per_100k"], row["population"]) == (72, "value", 19.6, 366774)
    assert row["riket_rate_per_100k"] == vnr.comparison[1]["rate"]
    assert row["rate_relative_to_riket"] == round(19.6 / vnr.comparison[1]["rate"], 4)
    assert row["peers_compared"] == ["Malmö", "Stockholm", "Göteborg"]
    assert (row["proposed_level"], row["level_rule"]) == (vnr.level, vnr.level_rule)
    survey = rows["TRG-S02"]
    assert survey["source"] == "survey" and survey["respondents"] > 0
    assert survey["interval_low"] < survey["value"] < survey["interval_high"]
    assert "Anmälda brott, inte alla begångna brott." in row["caveats"]
    support = [r for r in rows.values() if r["area_id"] == "stod-brottsutsatta"]
    assert support and all(
        any(c.startswith("Indikatorerna visar hur många som kan behöva stöd") for c in r["caveats"]) for r in support
    )
