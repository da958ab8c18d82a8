"""Static SVG charts (Altair + vl-convert): no network, Swedish number format. `draw` draws every chart a
report context names, from the data in the same context.

A chart is one image to assistive technology: the SVG carries no roles or ARIA of its own (the page names
it, and its data is a table beside it). Text is drawn large enough to stay legible when a phone scales the
chart to its width; colours reach 3:1 against white, and the municipality's line is also wider and marked
with squares, so that it is found without colour.
"""

from __future__ import annotations

import json
import re

import altair as alt
import numpy as np
import pandas as pd
import vl_convert as vlc

from flows import stats
from flows.report.context import Overview

WIDTH, HEIGHT = 380, 190
FONT_SIZE = 13
# Municipality, riket, county, peers: each at least 3:1 against white (WCAG 1.4.11).
PALETTE = ["#1f4e79", "#6b6b6b", "#7030a0", "#b4500e", "#3f6e26", "#8a6a00", "#2364a0"]
SHAPES = ["square", "circle", "diamond", "triangle-up", "triangle-down", "cross", "triangle-right"]
GREY = "#6b6b6b"
_ARIA = re.compile(r'\s(?:role|aria-[a-z]+)="[^"]*"')


def _svg(chart: alt.Chart) -> str:
    # Altair's schema validation of every spec costs more than drawing it; the specs are built here, fixed.
    return _draw_spec(_configured(chart))


def rate_trend(frame: pd.DataFrame, title_y: str, region_order: list[str], breaks: list[int] | None = None) -> str:
    """Lines of rate per 100 000 by year, one per region; series breaks as dashed vertical rules."""
    data = frame[["year", "region_name", "rate_per_100k"]].dropna()
    n = len(region_order)
    legend = alt.Legend(orient="bottom", columns=2, symbolStrokeWidth=2)
    chart = (
        alt.Chart(data)
        .mark_line(point=alt.OverlayMarkDef(filled=True, size=45))
        .encode(
            x=alt.X("year:O", title="År", axis=alt.Axis(labelAngle=-45 if len(set(data.year)) > 8 else 0)),
            y=alt.Y("rate_per_100k:Q", title=title_y, scale=alt.Scale(zero=True)),
            color=alt.Color(
                "region_name:N", title=None, sort=region_order,
                scale=alt.Scale(domain=region_order, range=PALETTE[:n]), legend=legend,
            ),
            shape=alt.Shape(
                "region_name:N", title=None, sort=region_order,
                scale=alt.Scale(domain=region_order, range=SHAPES[:n]), legend=legend,
            ),
            strokeWidth=alt.StrokeWidth(
                "region_name:N", title=None, sort=region_order,
                scale=alt.Scale(domain=region_order, range=[4] + [1.5] * (n - 1)), legend=None,
            ),
        )
        .properties(width=WIDTH, height=HEIGHT)
    )  # fmt: skip
    if breaks:
        marks = pd.DataFrame({"year": breaks, "label": [f"Seriebrott {y}" for y in breaks]})
        rule = alt.Chart(marks).mark_rule(color="#c00000", strokeDash=[4, 3]).encode(x="year:O")
        text = alt.Chart(marks).mark_text(align="left", dx=3, dy=-HEIGHT / 2 + 8, color="#c00000", fontSize=12)
        chart = chart + rule + text.encode(x="year:O", text="label:N")
    return _svg(chart)


def survey_trend(frame: pd.DataFrame, title_y: str) -> str:
    """Survey values by year with 95 % intervals where they exist."""
    data = frame[["year", "value", "ci_low", "ci_high"]]
    base = alt.Chart(data).encode(x=alt.X("year:O", title="År", axis=alt.Axis(labelAngle=0)))
    points = base.mark_line(point=alt.OverlayMarkDef(filled=True, size=45), color=PALETTE[0], strokeWidth=3).encode(
        y=alt.Y("value:Q", title=title_y, scale=alt.Scale(zero=True))
    )
    bars = base.mark_errorbar(color=PALETTE[0], ticks=True).encode(y=alt.Y("ci_low:Q", title=title_y), y2="ci_high:Q")
    return _svg((bars + points).properties(width=WIDTH, height=HEIGHT))


CONFIG = {
    "font": "Arial, Helvetica, sans-serif",
    "axis": {"labelFontSize": FONT_SIZE, "titleFontSize": FONT_SIZE, "labelColor": "#1a1a1a", "titleColor": "#1a1a1a"},
    "legend": {"labelFontSize": FONT_SIZE, "titleFontSize": FONT_SIZE, "labelLimit": 260},
}


def _configured(chart) -> dict:
    # The configuration is set on the spec, not through Altair's configure_*, each of which copies the chart.
    spec = chart.to_dict(validate=False)
    return spec | {"config": {**spec.get("config", {}), **CONFIG}}


def _draw_spec(spec: dict) -> str:
    svg = vlc.vegalite_to_svg(json.dumps(spec), allowed_base_urls=[], format_locale="sv-SE")
    return _ARIA.sub("", svg)


# A funnel's cloud (limits and every municipality) is the same for each municipality of a batch: drawn into a
# spec once per indicator, year and data, and only the highlighted points added per report.
_CLOUDS: dict[tuple, tuple[dict, alt.X, alt.Y]] = {}
MAX_CLOUDS = 64


def _cloud(points: pd.DataFrame, model: stats.Funnel) -> tuple[dict, alt.X, alt.Y]:
    data = points[["region_name", "population", "rate_per_100k", "is_synthetic"]]
    key = (int(pd.util.hash_pandas_object(data, index=False).sum()), model)
    if key in _CLOUDS:
        return _CLOUDS[key]
    low, high = max(1000, data.population.min() * 0.8), data.population.max() * 1.2
    grid = np.geomspace(low, high, 40)
    limits = model.limits(grid).melt("population", var_name="limit", value_name="rate")
    x = alt.X(
        "population:Q",
        title="Folkmängd (logaritmisk skala)",
        scale=alt.Scale(type="log", domain=[low, high], nice=False),
        axis=alt.Axis(values=[v for v in LOG_TICKS if low <= v <= high], labelOverlap="greedy"),
    )
    y = alt.Y("rate:Q", title="Per 100 000 invånare")
    dash = alt.condition(alt.datum.limit == "centre", alt.value([1, 0]), alt.value([4, 3]))
    lines = alt.Chart(limits).mark_line(color=GREY, strokeWidth=1.2).encode(x=x, y=y, detail="limit:N", strokeDash=dash)
    cloud = data.rename(columns={"rate_per_100k": "rate"}).assign(synthetic=data.is_synthetic.astype(bool))
    cloud = cloud[["region_name", "population", "rate", "synthetic"]]
    real = alt.Chart(cloud[~cloud.synthetic]).encode(x=x, y=y).mark_circle(size=18, color=GREY, opacity=1)
    demo = alt.Chart(cloud[cloud.synthetic]).encode(x=x, y=y).mark_point(size=18, color=GREY, filled=False)
    spec = _configured((lines + real + demo).properties(width=WIDTH, height=HEIGHT))
    if len(_CLOUDS) >= MAX_CLOUDS:
        _CLOUDS.pop(next(iter(_CLOUDS)))
    _CLOUDS[key] = (spec, x, y)
    return _CLOUDS[key]


def funnel(points: pd.DataFrame, model: stats.Funnel, highlight: list[str]) -> str:
    """Funnel plot: every municipality's rate against its population, with the model's 95 % and 99,8 %
    limits (exact Poisson, or widened for overdispersion) around the municipalities' pooled rate."""
    points = points.dropna(subset=["population", "rate_per_100k"])
    cloud, x, y = _cloud(points, model)
    marked = points.loc[points.region_name.isin(highlight), ["region_name", "population", "rate_per_100k"]]
    accent = alt.Chart(marked.rename(columns={"rate_per_100k": "rate"})).encode(x=x, y=y)
    marks = (
        accent.mark_square(size=70, color=PALETTE[0])
        + accent.mark_text(align="left", dx=6, dy=-6, fontSize=FONT_SIZE).encode(text="region_name:N")
    ).to_dict(validate=False)
    added = [{"data": marks["data"], **layer} if "data" in marks else layer for layer in marks["layer"]]
    spec = cloud | {"layer": cloud["layer"] + added, "datasets": cloud.get("datasets", {}) | marks.get("datasets", {})}
    return _draw_spec(spec)


LOG_TICKS = [1_000, 3_000, 10_000, 30_000, 100_000, 300_000, 1_000_000, 3_000_000]
WEEKDAYS = ["mån", "tis", "ons", "tor", "fre", "lör", "sön"]
MONTHS = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]


def event_patterns(by_hour: pd.DataFrame, by_month: pd.DataFrame) -> str:
    """When published events happened: weekday × hour as a heat map, and month of year as bars."""
    hours = by_hour.assign(day=by_hour.weekday.map(lambda d: WEEKDAYS[d - 1]))
    heat = (
        alt.Chart(hours)
        .mark_rect()
        .encode(
            x=alt.X("hour:O", title="Timme", axis=alt.Axis(labelAngle=0, values=list(range(0, 24, 3)))),
            y=alt.Y("day:O", title=None, sort=WEEKDAYS),
            color=alt.Color(
                "events:Q",
                title="Händelser",
                scale=alt.Scale(scheme="blues"),
                legend=alt.Legend(orient="bottom", direction="horizontal", gradientLength=200),
            ),
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


def _signed_area(ring: list) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0, *_), (x1, y1, *_) in zip(ring, ring[1:], strict=False)) / 2


def d3_winding(geometry: dict) -> dict:
    """A GeoJSON geometry with its rings wound as d3-geo (Vega) reads them: outer rings clockwise, holes
    counter-clockwise. GeoJSON (RFC 7946) winds them the other way, which d3 draws as the whole globe."""
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    wound = [
        [ring if (_signed_area(ring) < 0) == (i == 0) else ring[::-1] for i, ring in enumerate(polygon)]
        for polygon in polygons
    ]
    return {"type": geometry["type"], "coordinates": wound if geometry["type"] == "MultiPolygon" else wound[0]}


def area_map(figure) -> str:
    """A map of areas coloured by a value, with a marker per area for where it lies against the funnel
    limits (a shape, so that the classification never rests on colour alone)."""
    features = [
        {
            "type": "Feature",
            "geometry": d3_winding(json.loads(r["geometry"])),
            "properties": {"name": r["region"], "value": r["rate"]},
        }
        for r in figure.rows
    ]
    shapes = alt.Chart(alt.Data(values=features)).mark_geoshape(stroke="#ffffff", strokeWidth=0.7).encode(
        color=alt.Color(
            "properties.value:Q", title=figure.value_label, scale=alt.Scale(scheme="blues"),
            legend=alt.Legend(orient="top", format=",.0f", tickCount=4, labelOverlap="greedy", gradientLength=220),
        ),
    )  # fmt: skip
    marks = pd.DataFrame([{"lon": r["lon"], "lat": r["lat"], "side": r["side"]} for r in figure.rows])
    markers = (
        alt.Chart(marks)
        .mark_point(filled=True, size=60, color="#1a1a1a", stroke="#ffffff", strokeWidth=0.8)
        .encode(
            longitude="lon:Q",
            latitude="lat:Q",
            shape=alt.Shape(
                "side:N",
                title="Läge mot trattdiagrammets gränser",
                scale=alt.Scale(domain=list(MAP_SHAPES), range=list(MAP_SHAPES.values())),
                legend=alt.Legend(orient="bottom", labelExpr=MAP_LEGEND, titleLimit=360, direction="vertical"),
            ),
        )
    )
    layers = shapes + markers if any(r["position"] for r in figure.rows) else shapes
    return _svg(layers.properties(width=WIDTH, height=WIDTH * 0.9).project(type="mercator"))


MAP_SHAPES = {"above": "triangle-up", "inside": "circle", "below": "triangle-down"}
MAP_LEGEND = "{'above': 'över gränserna', 'inside': 'inom gränserna', 'below': 'under gränserna'}[datum.label]"


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
    for figure in overview.maps:
        svgs[figure.file] = area_map(figure)
    return svgs
