"""Static SVG charts (Altair + vl-convert): no network, Swedish number format."""

from __future__ import annotations

import altair as alt
import pandas as pd
import vl_convert as vlc

WIDTH, HEIGHT = 460, 190
PALETTE = ["#1f4e79", "#9c9c9c", "#7030a0", "#c55a11", "#548235", "#bf9000", "#2e75b6"]


def _svg(chart: alt.Chart) -> str:
    return vlc.vegalite_to_svg(chart.to_json(), allowed_base_urls=[], format_locale="sv-SE")


def rate_trend(frame: pd.DataFrame, title_y: str, region_order: list[str]) -> str:
    """Lines of rate per 100 000 by year, one per region (the municipality first and strongest)."""
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
