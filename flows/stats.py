"""Statistics, in one place: significance level, normal quantiles, exact rate comparison, Wilson intervals,
two-proportion tests, pooling of small survey years and funnel-plot limits.

The SQL models take z from here as a bound parameter (`$z95`, see `SQL_PARAMS`), so that no constant is
written twice.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

ALPHA = 0.05
Z95 = 1.959963984540054  # two-sided 95 %
Z998 = 3.090232306167813  # two-sided 99,8 %
SQL_PARAMS = {"z95": Z95}  # bound in the SQL models (Wilson intervals in the survey mart)


@dataclass(frozen=True)
class Change:
    """A comparison of this period against a reference, with the test that decides its wording."""

    current: float
    reference: float
    p_value: float | None
    test: str

    @property
    def relative(self) -> float | None:
        return None if not self.reference else (self.current - self.reference) / self.reference

    @property
    def verdict(self) -> str:
        """`increase`, `decrease` or `none`: only a significant change is called a change."""
        if self.p_value is None or self.p_value >= ALPHA or self.current == self.reference:
            return "none"
        return "increase" if self.current > self.reference else "decrease"


def poisson_rate_change(count: int, exposure: float, ref_count: int, ref_exposure: float) -> Change:
    """Exact conditional test of two Poisson rates (counts with populations as exposure).

    Given the total, the current count is binomial with p = exposure / (exposure + ref_exposure) under
    equal rates; the two-sided p-value is the binomial test's.
    """
    rate = count / exposure
    ref_rate = ref_count / ref_exposure
    n = count + ref_count
    if n == 0:
        return Change(rate, ref_rate, None, "exakt Poissontest")
    p = stats.binomtest(count, n, exposure / (exposure + ref_exposure)).pvalue
    return Change(rate, ref_rate, float(p), "exakt Poissontest")


def wilson_interval(successes: float, n: int, z: float = Z95) -> tuple[float, float]:
    """95 % Wilson score interval for a proportion, as fractions."""
    if n <= 0:
        raise ValueError("n must be positive")
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def two_proportion_change(pct: float, n: int, ref_pct: float, ref_n: int) -> Change:
    """Two-sided z test for the difference of two independent proportions given in percent."""
    p1, p0 = pct / 100, ref_pct / 100
    pooled = (p1 * n + p0 * ref_n) / (n + ref_n)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n + 1 / ref_n))
    if se == 0:
        return Change(pct, ref_pct, None, "z-test för två andelar")
    z = (p1 - p0) / se
    return Change(pct, ref_pct, float(2 * stats.norm.sf(abs(z))), "z-test för två andelar")


def pool_small_years(rows: list[dict], min_n: int) -> list[dict]:
    """Merge a survey year with too few respondents into the year before (percentages only).

    Rows are {year, value, respondents, ...} in year order. A pooled row gets the respondents summed, the
    respondent-weighted percentage, a fresh Wilson interval and `label` "2024–2025". Rows without n stay.
    """
    out: list[dict] = []
    for row in rows:
        row = dict(row, label=str(row["year"]), pooled=False)
        n = row.get("respondents")
        prev = out[-1] if out else None
        if n is not None and n < min_n and prev and prev.get("respondents") and row.get("unit") == "procent":
            total = prev["respondents"] + n
            value = (prev["value"] * prev["respondents"] + row["value"] * n) / total
            low, high = wilson_interval(value / 100 * total, total)
            first = prev["label"].split("–")[0]
            out[-1] = dict(
                row,
                value=round(value, 1),
                respondents=total,
                ci_low=round(100 * low, 2),
                ci_high=round(100 * high, 2),
                label=f"{first}–{row['year']}",
                pooled=True,
            )
        else:
            out.append(row)
    return out


def funnel_limits(centre_per_100k: float, populations: np.ndarray) -> pd.DataFrame:
    """Control limits of a rate per 100 000 against population (normal approximation to Poisson)."""
    p = centre_per_100k / 100000
    se = np.sqrt(p / populations) * 100000
    return pd.DataFrame(
        {
            "population": populations,
            "low_998": np.maximum(0, centre_per_100k - Z998 * se),
            "low_95": np.maximum(0, centre_per_100k - Z95 * se),
            "centre": centre_per_100k,
            "high_95": centre_per_100k + Z95 * se,
            "high_998": centre_per_100k + Z998 * se,
        }
    )


def funnel_position(rate: float, population: float, centre_rate: float) -> str:
    """Where a rate lies against the funnel limits: `above_998`, `above_95`, `inside`, `below_95`, `below_998`."""
    se = (centre_rate / 100000 / population) ** 0.5 * 100000
    z = (rate - centre_rate) / se
    if abs(z) > Z998:
        return "above_998" if z > 0 else "below_998"
    if abs(z) > Z95:
        return "above_95" if z > 0 else "below_95"
    return "inside"
