"""Small statistical helpers: exact rate comparison, Wilson intervals, two-proportion tests."""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats

ALPHA = 0.05
Z95 = 1.959963984540054


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
