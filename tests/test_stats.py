from __future__ import annotations

import math

import pytest

from flows import fmt, stats


def test_wilson_interval_for_123_of_456():
    # By hand: p = 0.269737, z²/n = 0.0084243, centre = 0.271659, half-width = 0.040611.
    low, high = stats.wilson_interval(123, 456)
    assert low == pytest.approx(0.231048, abs=1e-5)
    assert high == pytest.approx(0.312270, abs=1e-5)


def test_wilson_interval_needs_respondents():
    with pytest.raises(ValueError, match="n must be positive"):
        stats.wilson_interval(0, 0)


def test_exact_poisson_comparison_of_120_against_90_at_equal_population():
    change = stats.poisson_rate_change(120, 100_000, 90, 100_000)
    # Conditional on 210 events, X ~ Bin(210, 1/2); two-sided p = 2 · P(X ≥ 120).
    expected = 2 * sum(math.comb(210, k) for k in range(120, 211)) / 2**210
    assert change.p_value == pytest.approx(expected, rel=1e-9)
    assert change.p_value == pytest.approx(0.04511, abs=1e-5)
    assert change.verdict == "increase"
    assert change.relative == pytest.approx(1 / 3)


def test_non_significant_change_is_never_an_increase():
    change = stats.poisson_rate_change(100, 100_000, 90, 100_000)
    assert change.p_value > 0.05
    assert change.verdict == "none"


def test_rate_comparison_uses_population_as_exposure():
    # Same count, population grew by half: the rate fell by a third, and that is significant.
    change = stats.poisson_rate_change(300, 150_000, 300, 100_000)
    assert change.verdict == "decrease"


def test_two_proportion_change():
    change = stats.two_proportion_change(20.0, 1000, 25.0, 1000)
    # z = −0,05 / sqrt(0,225 · 0,775 · 2/1000) = −2,6774; p = erfc(2,6774 / √2)
    assert change.p_value == pytest.approx(0.0074196, abs=1e-6)
    assert change.verdict == "decrease"
    assert stats.two_proportion_change(20.0, 100, 22.0, 100).verdict == "none"


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (1234.5, 1, "1\u00a0234,5"),
        (1234567, 0, "1\u00a0234\u00a0567"),
        (-3.25, 1, "\u22123,2"),
        (0, 0, "0"),
        (None, 0, "–"),
    ],
)
def test_swedish_number_format(value, decimals, text):
    assert fmt.number(value, decimals) == text


def test_percent_and_p_value_format():
    assert fmt.percent(16.83) == "16,8\u00a0%"
    assert fmt.signed_percent(0.0512) == "+5,1\u00a0%"
    assert fmt.p_value(0.0004) == "p < 0,001"
    assert fmt.p_value(0.0454) == "p = 0,045"


def test_a_survey_year_with_too_few_respondents_is_pooled_with_the_year_before():
    rows = [
        {"year": 2023, "value": 20.0, "respondents": 400, "unit": "procent"},
        {"year": 2024, "value": 30.0, "respondents": 50, "unit": "procent"},
        {"year": 2025, "value": 25.0, "respondents": 300, "unit": "procent"},
    ]
    pooled = stats.pool_small_years(rows, 100)
    assert [(r["label"], r["respondents"], r["pooled"]) for r in pooled] == [
        ("2023–2024", 450, True),
        ("2025", 300, False),
    ]
    # (20 · 400 + 30 · 50) / 450 = 21,11 %; its Wilson interval from 95 of 450
    low, high = stats.wilson_interval(0.211111 * 450, 450)
    assert pooled[0]["value"] == 21.1
    assert (pooled[0]["ci_low"], pooled[0]["ci_high"]) == (round(100 * low, 2), round(100 * high, 2))


def test_rows_without_respondents_are_never_pooled():
    rows = [{"year": 2020, "value": 19.0, "respondents": None, "unit": "procent"},
            {"year": 2021, "value": 17.2, "respondents": None, "unit": "procent"}]  # fmt: skip
    assert [r["label"] for r in stats.pool_small_years(rows, 100)] == ["2020", "2021"]
