"""Static SVG charts (Altair + vl-convert): no network, Swedish number format. `draw` draws every chart a
report context names, from the data in the same context."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import vl_convert as vlc

from flows import stats
from flows.report.context import Overview

WIDTH, HEIGHT = 460, 190
PALETTE = ["#1f4e79", "#9c9c9c", "#7030a0", "#c55a11", "#548235", "#bf9000", "#2e75b6"]


def _svg(chart: alt.Chart) -> str:
    # Altair's schema validation of every spec costs more than drawing it; the specs are built here, fixed.
    return vlc.vegalite_to_svg(chart.to_json(validate=False), allowed_base_urls=[], format_locale="sv-SE")


def rate_trend(frame: pd.DataFrame, title_y: str, region_order: list[str], breaks: list[int] | None = None) -> str:
    """Lines of rate per 100 000 by year, one per region; series breaks as dashed vertical rules."""
    data = frame[["year", "region_name", "rate_per_100k"]].dropna()
    chart = (
        alt.Chart(data)
        .mark_line(point=True, strokeWidth=2)
        .encode(
            x=alt.X("year:O", title="År", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("rate_per_100k:Q", title=title_y, scale=alt.Scale(zero=True)),
            color=alt.Color(
                "region_name:N",
                title=None,
                sort=region_order,
                scale=alt.Scale(domain=region_order, range=PALETTE[: len(region_order)]),
                legend=alt.Legend(orient="bottom"),
            ),
        )
        .properties(width=WIDTH, height=HEIGHT)
    )
    if breaks:
        marks = pd.DataFrame({"year": breaks, "label": [f"Seriebrott {y}" for y in breaks]})
        rule = alt.Chart(marks).mark_rule(color="#c00000", strokeDash=[4, 3]).encode(x="year:O")
        text = alt.Chart(marks).mark_text(align="left", dx=3, dy=-HEIGHT / 2 + 8, color="#c00000", fontSize=10)
        chart = chart + rule + text.encode(x="year:O", text="label:N")
    return _svg(chart)


def survey_trend(frame: pd.DataFrame, title_y: str) -> str:
    """Survey values by year with 95 % intervals where they exist."""
    data = frame[["year", "value", "ci_low", "ci_high"]]
    base = alt.Chart(data).encode(x=alt.X("year:O", title="År", axis=alt.Axis(labelAngle=0)))
    points = base.mark_line(point=True, color=PALETTE[0]).encode(
        y=alt.Y("value:Q", title=title_y, scale=alt.Scale(zero=True))
    )
    bars = base.mark_errorbar(color=PALETTE[0], ticks=True).encode(y=alt.Y("ci_low:Q", title=title_y), y2="ci_high:Q")
    return _svg((bars + points).properties(width=WIDTH, height=HEIGHT))


def funnel(points: pd.DataFrame, model: stats.Funnel, highlight: list[str]) -> str:
    """Funnel plot: every municipality's rate against its population, with the model's 95 % and 99,8 %
    limits (exact Poisson, or widened for overdispersion) around the municipalities' pooled rate."""
    data = points[["region_name", "population", "rate_per_100k"]].dropna()
    low, high = max(1000, data.population.min() * 0.8), data.population.max() * 1.2
    grid = np.geomspace(low, high, 40)
    limits = model.limits(grid).melt("population", var_name="limit", value_name="rate")
    x = alt.X(
        "population:Q",
        title="Folkmängd (logaritmisk skala)",
        scale=alt.Scale(type="log", domain=[low, high], nice=False),
    )
    y = alt.Y("rate:Q", title="Per 100 000 invånare")
    dash = alt.condition(alt.datum.limit == "centre", alt.value([1, 0]), alt.value([4, 3]))
    lines = (
        alt.Chart(limits).mark_line(color="#7f7f7f", strokeWidth=1).encode(x=x, y=y, detail="limit:N", strokeDash=dash)
    )
    base = alt.Chart(data.rename(columns={"rate_per_100k": "rate"})).encode(x=x, y=y)
    dots = base.mark_circle(size=14, color="#bdbdbd", opacity=0.8)
    marked = data[data.region_name.isin(highlight)].rename(columns={"rate_per_100k": "rate"})
    accent = alt.Chart(marked).encode(x=x, y=y)
    chart = (
        lines
        + dots
        + accent.mark_circle(size=60, color=PALETTE[0])
        + accent.mark_text(align="left", dx=6, dy=-6, fontSize=11).encode(text="region_name:N")
    )
    return _svg(chart.properties(width=WIDTH, height=HEIGHT))


WEEKDAYS = ["mån", "tis", "ons", "tor", "fre", "lör", "sön"]
MONTHS = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]


def event_patterns(by_hour: pd.DataFrame, by_month: pd.DataFrame) -> str:
    """When published events happened: weekday × hour as a heat map, and month of year as bars."""
    hours = by_hour.assign(day=by_hour.weekday.map(lambda d: WEEKDAYS[d - 1]))
    heat = (
        alt.Chart(hours)
        .mark_rect()
        .encode(
            x=alt.X("hour:O", title="Timme", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("day:O", title=None, sort=WEEKDAYS),
            color=alt.Color("events:Q", title="Händelser", scale=alt.Scale(scheme="blues")),
        )
        .properties(width=WIDTH, height=120)
    )
    months = by_month.assign(name=by_month.month.map(lambda m: MONTHS[m - 1]))
    bars = (
        alt.Chart(months)
        .mark_bar(color=PALETTE[0])
        .encode(
            x=alt.X("name:O", title="Månad", sort=MONTHS, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("events:Q", title="Händelser"),
        )
        .properties(width=WIDTH, height=100)
    )
    return _svg(alt.vconcat(heat, bars))


def draw(overview: Overview) -> dict[str, str]:
    """Every chart the context names, as SVG text by its file name (charts/<area>-<indicator>.svg)."""
    svgs: dict[str, str] = {}
    for ind in [*overview.totals, *(i for a in overview.areas for i in a.crime)]:
        if ind.chart_file:
            order = [c["region"] for c in ind.comparison]
            frame = ind.chart_data
            svgs[ind.chart_file] = rate_trend(
                frame,
                "Per 100 000 invånare",
                [r for r in order if r in set(frame.region_name)],
                [b["year"] for b in ind.breaks],
            )
        if ind.funnel_file:
            svgs[ind.funnel_file] = funnel(ind.funnel_data, ind.funnel_model, ind.highlighted)
    for area in overview.areas:
        for events in area.events:
            if events.pattern_file:
                svgs[events.pattern_file] = event_patterns(pd.DataFrame(events.by_hour), pd.DataFrame(events.by_month))
        for s in area.survey:
            if s.chart_file:
                svgs[s.chart_file] = survey_trend(
                    pd.DataFrame(s.rows), "Procent" if s.unit == "procent" else "Index 0–6"
                )
    return svgs
