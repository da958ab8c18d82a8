"""Statistics, in one place: significance level, normal quantiles, rate comparisons that allow for
overdispersion, Wilson intervals, two-proportion tests, the false discovery rate across an edition's tests,
pooling of small survey years, and funnel-plot limits (exact Poisson, or widened for overdispersion).

The SQL models take z from here as a bound parameter (`$z95`, see `SQL_PARAMS`), so that no constant is
written twice.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy import special  # scipy.stats costs about 1 s to import; its few functions used here are below

ALPHA = 0.05  # each test's own level, and the false discovery rate controlled across an edition
Z95 = 1.959963984540054  # two-sided 95 %
Z998 = 3.090232306167813  # two-sided 99,8 %
SQL_PARAMS = {"z95": Z95}  # bound in the SQL models (Wilson intervals in the survey mart)
MIN_DISPERSION_PAIRS = 3  # year-on-year changes needed to estimate a series' dispersion
WINSOR = 0.10  # z-scores are winsorised at the 10th and 90th percentile before the funnel's φ


@dataclass(frozen=True)
class Change:
    """A comparison of this period against a reference, with the test that decides its wording.

    `phi` is the dispersion the test allowed for (1: pure Poisson), `q_value` the p-value adjusted for the
    edition's other tests (Benjamini–Hochberg), `note` why there is no test where `p_value` is None.
    """

    current: float
    reference: float
    p_value: float | None
    test: str
    phi: float | None = None
    q_value: float | None = None
    note: str = ""

    @property
    def relative(self) -> float | None:
        return None if not self.reference else (self.current - self.reference) / self.reference

    def _verdict(self, p: float | None) -> str:
        if p is None or p >= ALPHA or self.current == self.reference:
            return "none"
        return "increase" if self.current > self.reference else "decrease"

    @property
    def verdict(self) -> str:
        """`increase`, `decrease` or `none` by the test's own p: only a significant change is a change."""
        return self._verdict(self.p_value)

    @property
    def fdr_verdict(self) -> str:
        """The same, by the q-value: what survives control of the false discovery rate of the edition."""
        return self._verdict(self.q_value)


@dataclass(frozen=True)
class Dispersion:
    """How much a yearly series varies beyond Poisson: φ̂ from its year-on-year changes, never below 1."""

    estimate: float
    pairs: int

    @property
    def phi(self) -> float:
        return max(1.0, self.estimate)


def dispersion(counts, exposures, valid_pairs=None) -> Dispersion | None:
    """Quasi-Poisson dispersion of a series from its consecutive pairs (None: fewer than 3 usable pairs).

    Given the pair's total n, a year's count is binomial with p = e_t / (e_{t-1} + e_t) if the rate did not
    change. Each pair gives a standardised residual z_t = (c_t − n p) / √(n p (1 − p)); without
    overdispersion and with a steady trend the z_t scatter with variance 1. φ̂ is their sample variance
    around their mean (the mean absorbs a steady trend): the Pearson χ² per degree of freedom.
    `valid_pairs` (one flag per pair t−1 → t) leaves out pairs that are not comparable (a series break).
    """
    c, e = np.asarray(counts, dtype=float), np.asarray(exposures, dtype=float)
    n, p = c[1:] + c[:-1], e[1:] / (e[1:] + e[:-1])
    usable = (n > 0) & np.isfinite(p)
    if valid_pairs is not None:
        usable &= np.asarray(valid_pairs, dtype=bool)
    if usable.sum() < MIN_DISPERSION_PAIRS:
        return None
    n, p, current = n[usable], p[usable], c[1:][usable]
    z = (current - n * p) / np.sqrt(n * p * (1 - p))
    return Dispersion(float(z.var(ddof=1)), int(usable.sum()))


def _binom_pmf(k, n: int, p: float):
    k = np.asarray(k, dtype=float)
    log = special.gammaln(n + 1) - special.gammaln(k + 1) - special.gammaln(n - k + 1)
    return np.exp(log + special.xlogy(k, p) + special.xlog1py(n - k, -p))


def _search(a, d: float, lo: int, hi: int) -> int:
    """The i in [lo, hi] with a(i) <= d < a(i + 1), for a ascending on the range (scipy's binomtest)."""
    while lo < hi:
        mid = lo + (hi - lo) // 2
        value = a(mid)
        if value < d:
            lo = mid + 1
        elif value > d:
            hi = mid - 1
        else:
            return mid
    return lo if a(lo) <= d else lo - 1


def binom_test_two_sided(k: int, n: int, p: float) -> float:
    """The exact two-sided binomial test's p-value: the probability of every outcome no more likely than k
    (scipy.stats.binomtest's method, with its relative tolerance 1e-7)."""
    d, rerr = float(_binom_pmf(k, n, p)), 1 + 1e-7
    if k == p * n:
        return 1.0
    if k < p * n:
        ix = _search(lambda x: -float(_binom_pmf(x, n, p)), -d * rerr, math.ceil(p * n), n)
        y = n - ix + int(d * rerr == float(_binom_pmf(ix, n, p)))
        pval = _binom_cdf(k, n, p) + _binom_sf(n - y, n, p)
    else:
        ix = _search(lambda x: float(_binom_pmf(x, n, p)), d * rerr, 0, math.floor(p * n))
        y = ix + 1
        pval = _binom_cdf(y - 1, n, p) + _binom_sf(k - 1, n, p)
    return float(min(1.0, pval))


def _binom_cdf(k: int, n: int, p: float) -> float:
    return 0.0 if k < 0 else 1.0 if k >= n else float(special.bdtr(k, n, p))


def _binom_sf(k: int, n: int, p: float) -> float:
    return 1.0 - _binom_cdf(k, n, p) if k < 0 or k >= n else float(special.bdtrc(k, n, p))


def poisson_cdf(k, lam):
    k = np.asarray(k, dtype=float)
    return np.where(k < 0, 0.0, special.pdtr(np.maximum(k, 0), lam))


def poisson_ppf(q: float, lam):
    """The smallest count r with P(X ≤ r) ≥ q (scipy.stats.poisson.ppf's method)."""
    vals = np.ceil(special.pdtrik(q, lam))
    below = np.maximum(vals - 1, 0)
    return np.where(poisson_cdf(below, lam) >= q, below, vals)


def poisson_rate_change(count: int, exposure: float, ref_count: int, ref_exposure: float, phi: float = 1.0) -> Change:
    """Comparison of two Poisson rates (counts with populations as exposure), conditional on their total.

    Given the total n, the current count is binomial with p = exposure / (exposure + ref_exposure) under
    equal rates. With φ ≤ 1 the p-value is the exact binomial test's; with φ > 1 (a quasi-Poisson series)
    the binomial variance n p (1 − p) is multiplied by φ and the test is a z test.
    """
    rate, ref_rate = count / exposure, ref_count / ref_exposure
    n = count + ref_count
    if phi <= 1:
        if n == 0:
            return Change(rate, ref_rate, None, "exakt Poissontest", 1.0)
        p = binom_test_two_sided(count, n, exposure / (exposure + ref_exposure))
        return Change(rate, ref_rate, float(p), "exakt Poissontest", 1.0)
    test = "kvasi-Poissontest"
    if n == 0:
        return Change(rate, ref_rate, None, test, phi)
    share = exposure / (exposure + ref_exposure)
    z = (count - n * share) / math.sqrt(phi * n * share * (1 - share))
    return Change(rate, ref_rate, float(2 * special.ndtr(-abs(z))), test, phi)


def untested(current: float, reference: float, note: str) -> Change:
    """A comparison that cannot be tested (a series break between the years, too short a series)."""
    return Change(current, reference, None, "ingen prövning", None, None, note)


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
    return Change(pct, ref_pct, float(2 * special.ndtr(-abs(z))), "z-test för två andelar")


def benjamini_hochberg(p_values: list[float | None]) -> list[float | None]:
    """Benjamini–Hochberg adjusted p-values (q-values) in the given order; None stays None.

    q_(i) = min over j ≥ i of p_(j) · m / j for the sorted p-values, m the number of tests with a p-value:
    calling a change significant when q < α keeps the expected share of false discoveries below α.
    """
    tested = [(p, i) for i, p in enumerate(p_values) if p is not None]
    m = len(tested)
    out: list[float | None] = [None] * len(p_values)
    running = 1.0
    for rank, (p, i) in reversed(list(enumerate(sorted(tested), start=1))):
        running = min(running, p * m / rank)
        out[i] = running
    return out


def with_fdr(changes: list[Change | None]) -> list[Change | None]:
    """The changes with their q-values across the whole list (one family: an edition's tests)."""
    q = benjamini_hochberg([c.p_value if c else None for c in changes])
    return [replace(c, q_value=qv) if c else None for c, qv in zip(changes, q, strict=True)]


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


# ---------------------------------------------------------------- funnel plots (Spiegelhalter 2005)

LIMITS = {"low_998": 0.001, "low_95": 0.025, "high_95": 0.975, "high_998": 0.999}


def exact_poisson_limits(centre_per_100k: float, populations) -> pd.DataFrame:
    """Exact Poisson control limits of a rate per 100 000 against population (Spiegelhalter 2005, app. A).

    For the expected count λ = θ·n and probability p: r is the smallest count with P(X ≤ r) ≥ p, and the
    limit (r − α)/n interpolates between counts, α = (P(X ≤ r) − p) / (P(X ≤ r) − P(X ≤ r − 1)).
    """
    n = np.asarray(populations, dtype=float)
    lam = centre_per_100k / 100000 * n
    out = {"population": n}
    for name, p in LIMITS.items():
        r = poisson_ppf(p, lam)
        upper, lower = poisson_cdf(r, lam), poisson_cdf(r - 1, lam)
        alpha = np.where(upper > lower, (upper - p) / np.where(upper > lower, upper - lower, 1), 0)
        out[name] = np.maximum(0.0, (r - alpha) / n * 100000)
    out["centre"] = np.full_like(n, centre_per_100k)
    return pd.DataFrame(out)[["population", "low_998", "low_95", "centre", "high_95", "high_998"]]


@dataclass(frozen=True)
class Funnel:
    """A funnel plot's model: the pooled rate of the municipalities plotted and, where their rates vary more
    than Poisson allows, an additive random-effects variance τ² that widens the limits (Spiegelhalter 2005,
    §3.2). `phi` is the winsorised dispersion of the z-scores; `method` says which limits are drawn."""

    centre: float  # per 100 000
    phi: float
    tau2: float  # per person, squared
    n_points: int
    method: str  # "exact_poisson" or "random_effects"

    def limits(self, populations) -> pd.DataFrame:
        if self.method == "exact_poisson":
            return exact_poisson_limits(self.centre, populations)
        n = np.asarray(populations, dtype=float)
        theta = self.centre / 100000
        se = np.sqrt(theta / n + self.tau2) * 100000
        out = {"population": n, "centre": np.full_like(n, self.centre)}
        for name, p in LIMITS.items():
            out[name] = np.maximum(0.0, self.centre + special.ndtri(p) * se)
        return pd.DataFrame(out)[["population", "low_998", "low_95", "centre", "high_95", "high_998"]]

    def positions(self, rates, populations) -> np.ndarray:
        """Where each rate lies: `above_998`, `above_95`, `inside`, `below_95` or `below_998`."""
        lim = self.limits(np.asarray(populations, dtype=float))
        rate = np.asarray(rates, dtype=float)
        return np.select(
            [rate > lim.high_998, rate > lim.high_95, rate < lim.low_998, rate < lim.low_95],
            ["above_998", "above_95", "below_998", "below_95"],
            "inside",
        )

    def position(self, rate: float, population: float) -> str:
        return str(self.positions([rate], [population])[0])


def funnel(counts, populations) -> Funnel:
    """The funnel model of the municipalities plotted: pooled centre, winsorised φ, and random effects when
    N·φ̂ exceeds the 95th percentile of χ² with N − 1 degrees of freedom."""
    c, n = np.asarray(counts, dtype=float), np.asarray(populations, dtype=float)
    theta = c.sum() / n.sum()
    s2 = theta / n
    z = (c / n - theta) / np.sqrt(s2)
    low, high = np.quantile(z, [WINSOR, 1 - WINSOR])
    phi = float(np.mean(np.clip(z, low, high) ** 2))
    big_n = len(c)
    if big_n < 3 or big_n * phi <= special.chdtri(big_n - 1, 0.05):
        return Funnel(float(theta * 100000), phi, 0.0, big_n, "exact_poisson")
    w = 1 / s2
    tau2 = max(0.0, (big_n * phi - (big_n - 1)) / (w.sum() - (w**2).sum() / w.sum()))
    return Funnel(float(theta * 100000), phi, float(tau2), big_n, "random_effects")


def funnel_position(rate: float, population: float, centre_rate: float) -> str:
    """Where a rate lies against exact Poisson limits around a centre (no overdispersion)."""
    return Funnel(centre_rate, 1.0, 0.0, 0, "exact_poisson").position(rate, population)
