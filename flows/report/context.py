"""The typed report context: what templates read, built once from the marts (flows/report/build.py) and never
changed afterwards. Every number a reader sees is a field here; formatting happens in template filters.

Charts are named here (their file and alt text are facts of the report); the SVG itself is drawn by the
renderers from the data in the same fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from flows.stats import Change, Dispersion, Funnel

if TYPE_CHECKING:
    import pandas as pd

    from flows.report.analysis import Analysis
    from flows.report.render.editions import SinceLast


@dataclass(frozen=True)
class CrimeIndicator:
    indicator_id: str
    title: str
    definition: str
    is_enforcement_driven: bool
    is_headline: bool
    year: int
    count: int | None
    rate: float | None
    population: int | None
    population_year: int | None
    is_preliminary: bool
    change: Change | None
    change_text: str
    trend: list[dict]
    comparison: list[dict]  # the municipality, riket, the county, the peers: {region, kind, count, rate, population}
    direction: str = "higher_is_worse"  # higher_is_worse, higher_is_better or none (no level)
    denominator: str = "total"  # the population the rate is per 100 000 of
    wanted_denominator: str = "total"  # the one the catalogue asks for (a subgroup, where SCB publishes it)
    breaks: list[dict] = field(default_factory=list)  # series breaks in the years shown (year, description)
    change_3y: Change | None = None  # against the mean of the three years before
    change_3y_text: str = ""
    dispersion: Dispersion | None = None  # the series' own overdispersion, which the tests allow for
    riket_note: str = ""  # what riket's figure is (the municipalities' sum) and what it leaves out
    synthetic_years: list[int] = field(default_factory=list)  # years of the municipality's own series from demo data
    synthetic_municipalities: int = 0  # municipalities whose figure for the year is demo data (comparisons, funnel)
    level: str | None = None  # proposed grönt/gult/rött (flows/report/levels.py), never a decision
    level_rule: str = ""
    chart_data: pd.DataFrame | None = field(default=None, repr=False)  # all compared regions, for the chart
    funnel_data: pd.DataFrame | None = field(default=None, repr=False)  # every municipality, the report year
    funnel_model: Funnel | None = None  # centre and limits (exact Poisson, or widened for overdispersion)
    funnel_text: str = ""
    funnel_file: str = ""  # empty: no funnel plot
    funnel_alt: str = ""
    chart_file: str = ""  # empty: no chart
    alt_text: str = ""

    @property
    def is_synthetic(self) -> bool:
        """Whether the municipality's own figures use demo data (then, and only then, the indicator is marked)."""
        return bool(self.synthetic_years)

    @property
    def rate_group(self) -> str:
        """Whom the rate is per 100 000 of, in Swedish (flows/report/texts.py)."""
        from flows.report.texts import rate_group

        return rate_group(self.denominator, self.wanted_denominator)

    @property
    def riket_rate(self) -> float | None:
        return next((c["rate"] for c in self.comparison if c["kind"] == "riket"), None)

    @property
    def highlighted(self) -> list[str]:
        """The regions marked in the funnel plot: the municipality and its peers."""
        return [c["region"] for c in self.comparison if c["kind"] in ("kommun", "peer")]


@dataclass(frozen=True)
class MapFigure:
    """A map: its file, what it says (title, alt text) and the rows it draws, which are also its table."""

    file: str
    title: str
    alt: str
    value_label: str
    rows: list[dict] = field(repr=False)  # region, rate, population, position, side, geometry, lon, lat


@dataclass(frozen=True)
class SurveyIndicator:
    indicator_id: str
    title: str
    definition: str
    unit: str
    rows: list[dict]
    latest: dict | None
    change: Change | None
    change_text: str
    direction: str = "higher_is_worse"  # how a change is judged: higher_is_worse, higher_is_better or none
    level: str | None = None
    level_rule: str = ""
    chart_file: str = ""
    alt_text: str = ""
    by_area: list[dict] = field(default_factory=list)  # the latest year's parts of the municipality, shown
    by_area_year: int | None = None
    by_area_note: str = ""


@dataclass(frozen=True)
class SimpleSeries:
    indicator_id: str
    title: str
    definition: str
    rows: list[dict]
    by_hour: list[dict] = field(default_factory=list)  # weekday × hour, police events only
    by_month: list[dict] = field(default_factory=list)
    first_published: object = None  # the span of the municipality's published events in the data
    last_published: object = None
    pattern_file: str = ""
    pattern_alt: str = ""


@dataclass(frozen=True)
class FollowupRow:
    """One indicator of a measure: its value in the measure's start year and in the report year, the change."""

    indicator_id: str
    title: str
    start_year: int
    end_year: int
    start_value: float | None
    end_value: float | None
    unit: str
    change: Change | None
    change_text: str
    direction_text: str  # i förväntad riktning, mot förväntad riktning, ingen säkerställd förändring, ...
    flags: list[str] = field(default_factory=list)  # data ended, a series break, not measurable, ...


@dataclass(frozen=True)
class MeasureFollowup:
    """A measure of the åtgärdsplan (reports/atgardsplan/<kommun>/atgarder.csv) followed up."""

    atgard_id: str
    title: str
    responsible: str
    area_id: str
    area_title: str
    start_year: int
    end_year: int | None
    expected: str  # minska, öka, vara oförändrad
    description: str
    rows: list[FollowupRow]
    flags: list[str] = field(default_factory=list)  # e.g. no indicator that can be followed up


@dataclass(frozen=True)
class Quality:
    """What was checked, what failed and what was quarantined: the Datakvalitet appendix."""

    checks: int
    passed: int
    tables: int
    failed: list[dict]
    quarantined: list[dict]


class _Demo:
    @property
    def has_synthetic(self) -> bool:
        """Whether any figure the report shows is demo data (synthetic_notes says which)."""
        return bool(self.synthetic_notes)


@dataclass(frozen=True)
class AreaReport(_Demo):
    area_id: str
    number: int
    slug: str
    title: str
    coverage: str
    coverage_note: str
    municipality: str
    municipality_code: str
    year: int
    peers: list[str]
    crime: list[CrimeIndicator]
    survey: list[SurveyIndicator]
    local: list[SimpleSeries]
    events: list[SimpleSeries]
    sources: list[dict]
    generated: str
    first_year: int
    quality: Quality | None = None
    synthetic_notes: list[str] = field(default_factory=list)  # exactly what of the report is demo data
    kolada: list[SimpleSeries] = field(default_factory=list)  # key figures fetched from Kolada, for comparison
    analysis: Analysis | None = None
    analysis_path: str = ""  # where the analysts' text for this area and year belongs
    measures: list[MeasureFollowup] = field(default_factory=list)  # the åtgärdsplan's measures of this area
    has_plan: bool = False  # whether the municipality has a register of measures at all
    references: dict[str, dict] = field(default_factory=dict)  # indicators of other areas shown here: {note, home}
    source_use: list[dict] = field(default_factory=list)  # each kind of source: used here or not, and why
    source_notes: list[str] = field(default_factory=list)  # källkritik: from the load log and the catalogue


@dataclass(frozen=True)
class Overview(_Demo):
    municipality: str
    municipality_code: str
    year: int
    peers: list[str]
    totals: list[CrimeIndicator]
    areas: list[AreaReport]
    sources: list[dict]
    generated: str
    first_year: int
    quality: Quality | None = None
    synthetic_notes: list[str] = field(default_factory=list)  # exactly what of the report is demo data
    maps: list[MapFigure] = field(default_factory=list)  # the county's municipalities, the city's districts
    measures: list[MeasureFollowup] = field(default_factory=list)  # every measure of the åtgärdsplan
    has_plan: bool = False
    geography: dict | None = None  # published events per district and year, suppressed: {years, rows, ...}
    since_last: SinceLast | None = None  # what has changed since the last edition
