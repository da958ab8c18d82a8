from __future__ import annotations

import math

import numpy as np
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


def test_a_series_with_poisson_scatter_keeps_the_exact_test():
    # Equal exposures: p = 1/2 and z_t = (c_t − c_{t−1}) / √(c_t + c_{t−1}): 0, +0,99508, −0,99508, +0,99508,
    # −0,99508 (45/√2 045). Mean 0, variance 4 · 0,99019 / 4 = 0,99022 < 1: φ = 1, the exact test.
    d = stats.dispersion([1000, 1000, 1045, 1000, 1045, 1000], [1] * 6)
    assert (d.pairs, d.estimate, d.phi) == (5, pytest.approx(0.990220, abs=1e-6), 1.0)
    change = stats.poisson_rate_change(1100, 1, 1000, 1, d.phi)
    exact = stats.poisson_rate_change(1100, 1, 1000, 1)
    assert (change.test, change.p_value, change.verdict) == ("exakt Poissontest", exact.p_value, "increase")
    # 1 100 against 1 000: X ~ Bin(2 100, 1/2), two-sided p = 2 · P(X ≥ 1 100)
    assert change.p_value == pytest.approx(2 * sum(math.comb(2100, k) for k in range(1100, 2101)) / 2**2100)


def test_a_series_with_phi_20_does_not_call_a_ten_percent_change_significant():
    # z = (1 100 − 1 050) / √(20 · 2 100 · 1/4) = 50 / √10 500 = 0,48795; p = erfc(0,48795 / √2) = 0,62559
    change = stats.poisson_rate_change(1100, 1, 1000, 1, 20.0)
    assert (change.test, change.phi, change.verdict) == ("kvasi-Poissontest", 20.0, "none")
    assert change.p_value == pytest.approx(math.erfc(50 / math.sqrt(10500) / math.sqrt(2)), rel=1e-9)
    assert change.p_value == pytest.approx(0.62559, abs=1e-5)


def test_dispersion_needs_three_pairs_and_skips_empty_ones():
    assert stats.dispersion([5, 0, 0, 7], [1, 1, 1, 1]) is None  # the 0 → 0 pair tells nothing
    big = stats.dispersion([1000, 1300, 1000, 1300, 1000], [1] * 5)
    # z_t = ±300/√2 300 = ±6,2554, alternating over four pairs: mean 0, variance 4 · 39,130 / 3 = 52,174
    assert big.estimate == pytest.approx(4 * (300 / math.sqrt(2300)) ** 2 / 3, rel=1e-9)


def test_benjamini_hochberg_by_hand():
    # sorted p: 0,005 0,01 0,03 0,04 (m = 4) → p·m/rank 0,02 0,02 0,04 0,04, monotone from the top
    assert stats.benjamini_hochberg([0.01, 0.04, None, 0.03, 0.005]) == pytest.approx([0.02, 0.04, None, 0.04, 0.02])
    changes = stats.with_fdr([stats.Change(2, 1, 0.01, "t"), None, stats.Change(2, 1, 0.04, "t")])
    assert [c.q_value if c else None for c in changes] == [0.02, None, 0.04]
    assert (changes[0].verdict, changes[0].fdr_verdict, changes[2].fdr_verdict) == ("increase", "increase", "increase")
    assert stats.with_fdr([stats.Change(2, 1, 0.03, "t"), stats.Change(2, 1, 0.9, "t")])[0].fdr_verdict == "none"


def test_exact_poisson_limit_at_a_population_of_2400():
    # Centre 11 per 100 000 at n = 2 400: λ = 0,264. P(X ≤ 2) = 0,997481 < 0,999 ≤ P(X ≤ 3) = 0,999836, so
    # r = 3 and α = (0,999836 − 0,999) / (0,999836 − 0,997481) = 0,35510: the upper 99,8 % limit is
    # (3 − 0,35510) / 2 400 · 100 000 = 110,20, where the normal approximation gives 77,2.
    lam = 0.264
    cdf = [sum(math.exp(-lam) * lam**i / math.factorial(i) for i in range(k + 1)) for k in range(5)]
    alpha = (cdf[3] - 0.999) / (cdf[3] - cdf[2])
    limits = stats.exact_poisson_limits(11.0, [2400]).iloc[0]
    assert limits.high_998 == pytest.approx((3 - alpha) / 2400 * 100000, rel=1e-9)
    assert limits.high_998 == pytest.approx(110.21, abs=0.01)
    assert 11 + stats.Z998 * math.sqrt(11e-5 / 2400) * 1e5 == pytest.approx(77.15, abs=0.01)
    assert limits.low_998 == limits.low_95 == 0.0


def test_an_overdispersed_funnel_gets_random_effects_limits():
    # Four municipalities, rates 0,001 0,003 0,001 0,003 around the pooled θ = 350 / 150 000 = 0,0023333:
    # z = −2,7603, 1,9518, −5,5205, 3,9036; winsorised at the 10th/90th percentiles (−4,6925, 3,3181):
    # φ = (7,6193 + 3,8095 + 22,019 + 11,010) / 4 = 11,114 and N·φ = 44,457 > χ²₃(0,95) = 7,815.
    # w = n/θ: Σw = 6,4286e7, Σw²/Σw = 2,4286e7, so τ² = (44,457 − 3) / 4,0e7 = 1,0364e−6.
    f = stats.funnel([10, 60, 40, 240], [10000, 20000, 40000, 80000])
    assert (f.method, f.centre) == ("random_effects", pytest.approx(233.3333, abs=1e-4))
    assert (f.phi, f.tau2) == (pytest.approx(11.1143, abs=1e-4), pytest.approx(1.03643e-6, rel=1e-4))
    # at n = 100 000: 233,33 + 1,95996 · √(0,0023333/100 000 + 1,0364e−6) · 100 000 = 435,10
    assert f.limits([100000]).iloc[0].high_95 == pytest.approx(435.10, abs=0.01)
    assert f.position(300.0, 100000) == "inside"  # outside the Poisson limits (263,7), inside the widened ones
    assert stats.funnel([100, 200, 400], [100000, 200000, 400000]).method == "exact_poisson"


def test_the_distributions_written_on_scipy_special_match_scipy_stats():
    import random

    from scipy import stats as reference

    rng = random.Random(1)
    for _ in range(2000):
        n = rng.choice([1, 2, 5, 10, 50, 200, 1000, 5000, 60000, 120000])
        k, p = rng.randint(0, n), rng.random()
        expected = reference.binomtest(k, n, p).pvalue
        assert stats.binom_test_two_sided(k, n, p) == pytest.approx(expected, rel=1e-8, abs=1e-300), (k, n, p)
    lam = np.geomspace(0.01, 5e4, 400)
    for q in (0.001, 0.025, 0.975, 0.999):
        r = reference.poisson.ppf(q, lam)
        assert (stats.poisson_ppf(q, lam) == r).all()
        assert stats.poisson_cdf(r - 1, lam) == pytest.approx(reference.poisson.cdf(r - 1, lam), rel=1e-12)
    assert stats.poisson_cdf(-1, 3.0) == 0.0
